"""The replica of the Gyeonggi-do English press board: data, markup and HTTP behaviour.

Loopback only (127.0.0.1, port chosen by the OS).
"""

from __future__ import annotations

import datetime
import gzip
import http.client
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the project is not installed in the test venv
    sys.path.insert(0, str(ROOT))

from scraper.processes import running  # noqa: E402
from scraper.replica import Board, ReplicaServer  # noqa: E402
from scraper.replica import pages  # noqa: E402

SAMPLE_COPY = ROOT / "scraper" / "replica" / "sample_article.txt"
SHARED_SAMPLE = Path("/work/shared/samples/gyeonggi-en-2022-06-article.txt")
SAMPLE_TITLE = ("[JUN. 2022] Gyeonggi-do to Strengthen International Cooperation Network "
                "between Korea and Mongolia")
HANGUL = re.compile(r"[가-힣]")


def sample_file_parts(path: Path) -> tuple[str, list[str]]:
    """(first line, body paragraphs) of a sample bulletin file, parsed independently of board.py."""
    lines = path.read_text(encoding="utf-8").splitlines()
    views_line = next(i for i, line in enumerate(lines) if line.strip().startswith("• Views"))
    body = "\n".join(lines[views_line + 1:])
    return lines[0], [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


@pytest.fixture(scope="module")
def board() -> Board:
    return Board()


@pytest.fixture(scope="module")
def server(board):
    with ReplicaServer(board, flaky=False) as srv:
        yield srv


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def listing_rows(html: str) -> list[tuple[str, str, str]]:
    """(num cell, article id, link text) of every row of a listing page."""
    return re.findall(r'<td class="num">([^<]*)</td><td class="subject"><a href="/blog/english-news/(\d+)">'
                      r"([^<]*)</a>", html)


# --------------------------------------------------------------------------- board data

def test_same_seed_gives_the_same_board_and_another_seed_differs():
    a, b, c = Board(articles=120, seed=7), Board(articles=120, seed=7), Board(articles=120, seed=8)
    assert a.articles == b.articles and a.notices == b.notices
    assert [x.title for x in a.articles] != [x.title for x in c.articles]


def test_default_board_has_300_articles_over_36_months_with_ids_in_date_order(board):
    assert len(board.articles) == 300
    months = board.months()
    assert len(months) >= 24 and months[0] == "2021-01" and months[-1] == "2023-12"
    ascending = board.articles[::-1]
    assert [a.id for a in ascending] == list(range(1001, 1001 + 300))
    assert all(x.date <= y.date for x, y in zip(ascending, ascending[1:]))
    assert len(board.by_id) == 302 and board.page_count() == 30
    assert [a.id for a in board.listing_page(1)] == [a.id for a in board.articles[:10]]
    assert board.listing_page(31) == []


def test_large_boards_build_and_keep_their_shape():
    big = Board(articles=2000)
    assert len(big.articles) == 2000 and len(big.months()) == 36
    assert big.by_id[big.sample_id].title == SAMPLE_TITLE
    assert len({a.url_path for a in big.attachments.values()}) == len(big.attachments)


def test_sample_article_is_verbatim(board):
    first_line, paragraphs = sample_file_parts(SAMPLE_COPY)
    s = board.by_id[board.sample_id]
    assert s.title == SAMPLE_TITLE
    assert (s.author, s.date, s.views) == ("관리자", datetime.date(2022, 6, 24), 87)
    assert list(s.paragraphs) == paragraphs
    assert s.paragraphs[0] == "Gyeonggi-do to Strengthen International Cooperation Network between Korea and Mongolia"
    assert any("“2022 Medical Gyeonggi Online Conference,”" in p for p in s.paragraphs)
    assert s.attachments == () and s.quirk is None and s.language == "en" and not s.notice
    assert first_line == "[JUN. 2022] Gyeonggi-do to Strengthen International Cooperation Network ..."


def test_sample_article_matches_the_shared_sample(board):
    if not SHARED_SAMPLE.exists():
        pytest.skip("shared sample not available")
    _, paragraphs = sample_file_parts(SHARED_SAMPLE)
    assert list(board.by_id[board.sample_id].paragraphs) == paragraphs


def test_languages_mix_english_korean_and_mixed(board):
    by_lang = {lang: [a for a in board.articles if a.language == lang] for lang in ("en", "ko", "mixed")}
    assert 0.5 < len(by_lang["en"]) / 300 < 0.8
    assert len(by_lang["ko"]) >= 40 and len(by_lang["mixed"]) >= 15
    for a in by_lang["en"]:
        month = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()[a.date.month - 1]
        assert a.title.startswith(f"[{month}. {a.date.year}] "), a.title
        assert 3 <= len(a.paragraphs) <= 8 and not HANGUL.search(" ".join(a.paragraphs))
    for a in by_lang["ko"]:
        assert not a.title.startswith("[") and HANGUL.search(a.title)
        assert all(HANGUL.search(p) for p in a.paragraphs)
        assert a.author in {"대변인실", "홍보기획관", "뉴스콘텐츠팀", "관리자"}
    for a in by_lang["mixed"]:
        text = " ".join(a.paragraphs)
        assert HANGUL.search(text) and re.search(r"\b[A-Z][a-z]+ [A-Z][a-z]+", text)
    assert sum(a.views >= 1000 for a in board.articles) >= 5
    assert {a.author for a in by_lang["en"]} == {"관리자", "gg_mgr"}


def test_language_detector_agrees_with_the_labels(board):
    langdetect = pytest.importorskip("langdetect")
    langdetect.DetectorFactory.seed = 0
    for a in board.articles[:120]:
        expected = "en" if a.language == "en" else "ko"
        assert langdetect.detect("\n".join(a.paragraphs)) == expected, a.id


def test_quirk_articles_are_fixed_and_one_each(board):
    assert (board.sample_id, board.malformed_id, board.no_views_id, board.bad_date_id) == (1149, 1171, 1222, 1116)
    quirks = {a.quirk: a.id for a in board.articles if a.quirk}
    assert quirks == {"malformed": 1171, "no-views": 1222, "bad-date": 1116}
    assert board.by_id[board.bad_date_id].date.strftime("%Y-%m") == "2022-02"


def test_attachments_are_pdf_or_hwp_with_korean_names(board):
    with_files = [a for a in board.articles if a.attachments]
    assert 0.12 < len(with_files) / 300 < 0.3
    atts = [att for a in with_files for att in a.attachments]
    for att in atts:
        assert 2 * 1024 <= len(att.data) <= 41 * 1024
        if att.content_type == "application/pdf":
            assert att.data.startswith(b"%PDF-1.") and att.data.rstrip().endswith(b"%%EOF")
        else:
            assert att.content_type == "application/x-hwp"
            assert att.data.startswith(bytes.fromhex("D0CF11E0A1B11AE1"))
        assert re.fullmatch(r"/wp-content/uploads/\d{4}/\d{2}/[A-Za-z0-9._~%-]+", att.url_path)
        assert unquote(att.url_path.rsplit("/", 1)[1]) == att.filename
    assert any(HANGUL.search(att.filename) for att in atts)
    assert {att.content_type for att in atts} == {"application/pdf", "application/x-hwp"}


# --------------------------------------------------------------------------- markup

def test_listing_title_cut_reproduces_the_sample_first_line(board):
    first_line, _ = sample_file_parts(SAMPLE_COPY)
    assert pages.listing_title(SAMPLE_TITLE) == first_line
    cut = [a for a in board.articles if pages.listing_title(a.title) != a.title]
    assert len(cut) > 30
    for a in cut:
        shown = pages.listing_title(a.title)
        assert shown.endswith(" ...") and a.title.startswith(shown[:-4])
        assert a.title[len(shown) - 4] == " "    # cut at a word boundary


def test_notices_are_pinned_on_every_listing_page(board):
    for n in range(1, board.page_count() + 1):
        rows = listing_rows(pages.render_listing(board, n, "http://replica"))
        assert [(num, aid) for num, aid, _ in rows[:2]] == [("Notice", "901"), ("Notice", "902")]
        regular = rows[2:]
        assert [int(aid) for _, aid, _ in regular] == [a.id for a in board.listing_page(n)]
        assert [int(num) for num, _, _ in regular] == list(range(300 - (n - 1) * 10, 300 - n * 10, -1))
    assert pages.render_listing(board, board.page_count() + 1, "http://replica") is None


def test_pages_are_pure_functions_of_board_and_base_url(board):
    other = Board()
    for aid in (board.sample_id, board.malformed_id, 901):
        assert pages.render_view(board, aid, "http://h:1") == pages.render_view(other, aid, "http://h:1")
    assert pages.render_listing(board, 3, "http://h:1") == pages.render_listing(other, 3, "http://h:1")


def test_quirk_view_pages(board):
    no_views = pages.render_view(board, board.no_views_id, "http://h")
    assert "<strong>Date</strong>" in no_views and "Views</strong>" not in no_views
    page = board.page_of(board.no_views_id)
    assert re.search(rf'/blog/english-news/{board.no_views_id}">.*?<td class="hit">-</td>',
                     pages.render_listing(board, page, "http://h"))
    assert "<span>2022-02-30</span>" in pages.render_view(board, board.bad_date_id, "http://h")

    lxml_html = pytest.importorskip("lxml.html")
    a = board.by_id[board.malformed_id]
    broken = pages.render_view(board, a.id, "http://h")
    assert "</body>" not in broken and "</html>" not in broken and " < " in broken
    doc = lxml_html.fromstring(broken)
    assert doc.cssselect("h3.view-title")[0].text_content() == a.title
    assert a.date.isoformat() in doc.cssselect("ul.view-info")[0].text_content()
    assert [p.text_content().strip() for p in doc.cssselect("div.view-content p")] == list(a.paragraphs)


def test_view_page_markup(board):
    big = next(x for x in board.articles if x.views >= 1000 and x.quirk is None)
    assert f"<li><strong>Views</strong> <span>{big.views:,}</span></li>" in pages.render_view(board, big.id, "h")
    a = next(x for x in board.articles if x.attachments)
    html = pages.render_view(board, a.id, "http://h:9")
    assert f'<link rel="canonical" href="http://h:9/blog/english-news/{a.id}">' in html
    att = a.attachments[0]
    assert f'<a href="{att.url_path}">' in html
    assert f'<span class="file-size">({len(att.data) / 1024:.1f} KB)</span>' in html
    assert 'class="view-files"' not in pages.render_view(board, board.sample_id, "http://h:9")
    ko = next(x for x in board.articles if x.language == "ko")
    assert pages.render_view(board, ko.id, "http://h").startswith('<!DOCTYPE html><html lang="ko">')
    newest = pages.render_view(board, board.articles[0].id, "http://h")
    assert 'class="prev"' in newest and 'class="next"' not in newest
    with_script = [x for x in board.articles if "<script>ga('send');</script>" in
                   pages.render_view(board, x.id, "http://h")]
    assert 3 <= len(with_script) <= 40
    assert pages.render_view(board, 999999, "http://h") is None


# --------------------------------------------------------------------------- HTTP

def test_robots_txt(server):
    status, headers, body = get(server.base_url + "/robots.txt")
    assert status == 200 and body == b"User-agent: *\nDisallow: /wp-admin/\n"
    assert headers["Server"] == "Apache" and headers["Date"]


def test_view_page_is_gzipped_when_asked(server, board):
    url = f"{server.base_url}/blog/english-news/{board.sample_id}"
    status, headers, body = get(url, **{"Accept-Encoding": "gzip, deflate"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
    html = gzip.decompress(body).decode("utf-8")
    assert f'<h3 class="view-title">{SAMPLE_TITLE}</h3>' in html
    assert "Q&amp;A session" in html

    status, headers, plain = get(url)
    assert "Content-Encoding" not in headers and plain.decode("utf-8") == html
    assert get(url, **{"Accept-Encoding": "gzip"})[2] == body   # same bytes every time


def test_listing_is_chunked_with_two_cookies(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/blog/english-news/page/3/", headers={"Accept-Encoding": "gzip"})
    resp = conn.getresponse()
    body = resp.read()
    assert resp.status == 200
    assert resp.getheader("Transfer-Encoding") == "chunked" and resp.getheader("Content-Length") is None
    assert resp.getheader("Content-Encoding") == "gzip"
    cookies = resp.msg.get_all("Set-Cookie")
    assert len(cookies) == 2
    assert re.fullmatch(r"JSESSIONID=[0-9A-F]+; Path=/", cookies[0]) and cookies[1] == "lang=en; Path=/"
    assert '<strong class="current">3</strong>' in gzip.decompress(body).decode("utf-8")
    # keep-alive: a second request on the same connection
    conn.request("GET", "/blog/english-news/")
    resp = conn.getresponse()
    assert resp.status == 200 and "Notice" in resp.read().decode("utf-8")
    conn.close()


def test_listing_chunk_framing_has_several_chunks(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /blog/english-news/page/4/ HTTP/1.1\r\nHost: replica\r\nConnection: close\r\n\r\n")
        raw = b""
        while chunk := sock.recv(65536):
            raw += chunk
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head
    body, sizes = b"", []
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        sizes.append(size)
        if size == 0:
            break
        body, rest = body + rest[:size], rest[size + 2:]
    assert len(sizes) >= 4 and rest == b"\r\n"
    assert body.decode("utf-8").endswith("</html>\n")


def test_listing_page_two_fails_once_then_succeeds(board):
    with ReplicaServer(board) as flaky:
        url = flaky.base_url + "/blog/english-news/page/2/"
        assert get(url)[0] == 500
        assert get(url)[0] == 200 and get(url)[0] == 200
        assert flaky.requests.count(("GET", "/blog/english-news/page/2/")) == 3
    with ReplicaServer(board, flaky=False) as steady:
        assert get(steady.base_url + "/blog/english-news/page/2/")[0] == 200


def test_out_of_range_page_and_unknown_article_are_404(server, board):
    for path in (f"/blog/english-news/page/{board.page_count() + 1}/", "/blog/english-news/99999",
                 "/blog/english-news/page/0/", "/nowhere"):
        status, headers, body = get(server.base_url + path)
        assert status == 404, path
        assert "Page not found" in body.decode("utf-8")
    assert get(server.base_url + f"/blog/english-news/page/{board.page_count()}/")[0] == 200


def test_attachment_bytes_and_headers(server, board):
    att = next(att for a in board.articles for att in a.attachments if HANGUL.search(att.filename))
    status, headers, body = get(server.base_url + att.url_path, **{"Accept-Encoding": "gzip"})
    assert status == 200 and body == att.data
    assert headers["Content-Type"] == att.content_type
    assert int(headers["Content-Length"]) == len(att.data)
    assert "Content-Encoding" not in headers
    assert headers["Last-Modified"].endswith(" GMT")
    disposition = headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    assert unquote(disposition.split("''", 1)[1]) == att.filename


def test_listing_shows_the_sample_title_cut_like_the_sample(server, board):
    first_line, _ = sample_file_parts(SAMPLE_COPY)
    page = board.page_of(board.sample_id)
    status, _, body = get(server.base_url + pages.listing_path(page))
    rows = {aid: text for _, aid, text in listing_rows(body.decode("utf-8"))}
    assert status == 200 and rows[str(board.sample_id)] == first_line


def test_listing_pagination_and_views(server, board):
    _, _, body = get(server.base_url + "/blog/english-news/")
    html = body.decode("utf-8")
    assert '<a class="next" href="/blog/english-news/page/2/">Next</a>' in html
    assert '<div class="visitor-counter">Today 1,204 · Total 3,623,361</div>' in html
    assert '<img class="new" src="/img/new.gif" alt="new">' in html
    assert "Last updated 2026-11-01" in html
    _, _, body = get(server.base_url + pages.listing_path(board.page_count()))
    assert 'class="next"' not in body.decode("utf-8")
    big = next(a for a in board.articles if a.views >= 1000 and a.quirk is None)
    _, _, body = get(server.base_url + pages.listing_path(board.page_of(big.id)))
    assert f'<td class="hit">{big.views:,}</td>' in body.decode("utf-8")


def test_head_post_and_request_log(board):
    with ReplicaServer(board, flaky=False) as srv:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("HEAD", f"/blog/english-news/{board.sample_id}")
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read() == b"" and int(resp.getheader("Content-Length")) > 1000
        conn.request("POST", "/blog/english-news/", body=b"pageIndex=2",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        resp = conn.getresponse()
        assert resp.status == 405 and resp.getheader("Allow") == "GET, HEAD"
        resp.read()
        conn.close()
        assert srv.requests == [("HEAD", f"/blog/english-news/{board.sample_id}"),
                                ("POST", "/blog/english-news/")]


def test_command_line_serves_and_prints_the_base_url():
    with running([sys.executable, "-m", "scraper.replica", "--port", "0", "--articles", "40"],
                 timeout=10, cwd=ROOT, stdout=subprocess.PIPE, text=True) as proc:
        base_url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base_url)
        status, _, body = get(base_url + "/blog/english-news/")
        assert status == 200 and b'<table class="board-list">' in body
