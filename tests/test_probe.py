"""`bulletins probe`: against a loopback http.server serving the evaluation pages (no outside
host is ever contacted: connections to anything but 127.0.0.1 fail the test)."""

from __future__ import annotations

import json
import socket
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.extract.evaluate import DEFAULT_SET, REAL_PAGES
from scraper.extract.profiles import parse_profile
from scraper.crawl.settings import user_agent

ARTICLES = DEFAULT_SET / "articles"
LIST_NAMES = ["card_board", "egov_th_td", "gnuboard5", "xpressengine", "short_body_survey"]


def listing_page() -> bytes:
    rows = "".join(
        f"<tr><td class='num'>{10 - i}</td><td class='subject'><a href='/view?id={101 + i}&amp;name={name}'>"
        f"{json.loads((ARTICLES / f'{name}.json').read_text())['title']}</a></td>"
        f"<td class='date'>2024-06-{20 - i:02d}</td></tr>" for i, name in enumerate(LIST_NAMES))
    pages = "".join(f"<a href='/list?page={n}'>{n}</a>" for n in range(2, 6))
    return (f"<html><head><meta charset='utf-8'><title>보도자료 | 예시시</title></head><body>"
            f"<div id='gnb'><a href='/a'>소식</a></div><table class='board_list'><thead><tr><th>번호</th>"
            f"<th>제목</th><th>등록일</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<div class='paging'><strong>1</strong>{pages}</div></body></html>").encode()


class Handler(BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):
        Handler.seen.append((self.path, self.headers.get("User-Agent")))
        path = self.path.split("?")[0]
        if path == "/list":
            body, kind = listing_page(), "text/html; charset=utf-8"
        elif path == "/view":
            name = parse_qs(urlsplit(self.path).query)["name"][0]
            body, kind = (ARTICLES / f"{name}.html").read_bytes(), "text/html; charset=utf-8"
        else:
            file = DEFAULT_SET / path.lstrip("/")
            if ".." in path or not file.is_file():
                self.send_error(404)
                return
            body = file.read_bytes()
            # The EUC-KR page is served without a charset: its <meta> must say it.
            kind = "text/html" if "euckr" in path else "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        assert address[0] in ("127.0.0.1", "localhost"), f"outside host contacted: {address}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)


def probe(*args: str):
    return CliRunner().invoke(main, ["probe", *args], env={"BULLETINS_CONTACT": "mailto:test@example.org"})


@pytest.mark.parametrize("name", sorted(p.stem for p in ARTICLES.glob("*.html")))
def test_probe_article_json_over_http(server, name):
    gold = json.loads((ARTICLES / f"{name}.json").read_text())
    # fetched from loopback, its links joined to the page's own address (links to the site's files)
    result = probe(f"{server}/articles/{name}.html", "--json", "--base-url", gold["url"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["title", "date", "author", "views", "body", "attachments", "rules"]
    assert (data["title"], data["date"], data["author"], data["views"]) == \
        (gold["title"], gold["date"], gold["author"], gold["views"])
    assert [a["name"] for a in data["attachments"]] == gold["attachments"]
    assert " ".join(data["body"].split()).startswith(gold["body_start"])


def test_probe_sends_the_projects_user_agent(server):
    Handler.seen.clear()
    assert probe(f"{server}/articles/card_board.html", "--json").exit_code == 0
    assert Handler.seen == [("/articles/card_board.html", user_agent("mailto:test@example.org"))]


def test_probe_article_text_names_each_rule(server):
    result = probe(f"{server}/articles/egov_th_td.html")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"article  {server}/articles/egov_th_td.html"
    assert any(line.startswith("title ") and "[label:제목]" in line for line in lines)
    assert any(line.startswith("views ") and "1482" in line and "[label:조회수]" in line for line in lines)
    assert any(line.startswith("date ") and "2023-03-15" in line and "[label:작성일]" in line for line in lines)
    assert any("2023 지역혁신 우수사례 결과.hwp" in line for line in lines)


def test_probe_listing_follows_the_first_article_and_drafts_a_profile(server):
    Handler.seen.clear()
    result = probe(f"{server}/list", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["kind", "links", "pagination", "draft_profile"]
    assert data["kind"] == "listing"
    assert [link["url"] for link in data["links"]] == [f"{server}/view?id={101 + i}&name={n}"
                                                       for i, n in enumerate(LIST_NAMES)]
    assert [link["board_id"] for link in data["links"]] == [str(101 + i) for i in range(len(LIST_NAMES))]
    assert data["links"][0]["date"] == "2024-06-20"
    assert data["pagination"]["mechanism"] == "query" and data["pagination"]["param"] == "page"
    assert data["pagination"]["next_url"] == f"{server}/list?page=2"
    assert [path for path, _ in Handler.seen] == ["/list", f"/view?id=101&name={LIST_NAMES[0]}"]
    draft = tomllib.loads(data["draft_profile"])
    assert draft["base_url"] == server and draft["listing"]["url"] == "/list"
    assert draft["listing"]["id_param"] == "id"
    assert draft["listing"]["pagination"] == {"kind": "param", "param": "page"}
    assert draft["view"]["labels"] == {"작성자": "author", "등록일": "published", "조회수": "views"}
    profile = parse_profile(draft, "draft")  # the draft is a profile the loader accepts
    assert profile.listing.rows and profile.view.body


def test_probe_listing_text(server):
    result = probe(f"{server}/list", "--no-follow")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(f"listing  {server}/list")
    assert "article links (5):" in out and "pagination: query (page)" in out
    assert "draft profile" in out and "[listing]" in out and "[view]" not in out


def test_probe_euc_kr_page_without_a_charset_header(server):
    result = probe(f"{server}/articles/euckr_asp_td_td.html", "--json")
    assert json.loads(result.output)["title"] == "군, 2019 사랑의 김장나눔 행사 개최"


def test_probe_local_file_and_file_url(tmp_path):
    page = ARTICLES / "jsonld_only.html"
    for target in (str(page), page.resolve().as_uri()):
        result = probe(target, "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["date"] == "2024-11-05"


def test_probe_listing_kind_can_be_forced(tmp_path):
    result = probe(str(ARTICLES / "card_board.html"), "--kind", "listing", "--json", "--no-follow")
    assert json.loads(result.output)["kind"] == "listing"


def test_probe_unreachable_or_missing_is_one_line_error(server, tmp_path):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    for target, message in ((f"http://127.0.0.1:{port}/x", "cannot fetch http://127.0.0.1"),
                            (f"{server}/articles/none.html", "HTTP 404"),
                            (str(tmp_path / "missing.html"), "missing.html")):
        result = CliRunner().invoke(main, ["probe", target])
        assert result.exit_code == 1
        assert len(result.output.strip().splitlines()) == 1 and message in result.output


def test_probe_help():
    result = CliRunner().invoke(main, ["probe", "--help"])
    assert result.exit_code == 0
    for word in ("--json", "--kind", "--follow", "--base-url", "listing", "article"):
        assert word in result.output


def test_draft_profile_of_a_real_listing_loads(tmp_path):
    real = REAL_PAGES / "korea_kr_pressRelease_list.html"
    if not real.exists():
        pytest.skip("../shared/real-pages is absent")
    result = probe(str(real), "--base-url", "https://www.korea.kr/briefing/pressReleaseList.do", "--no-follow",
                   "--json")
    draft = tomllib.loads(json.loads(result.output)["draft_profile"])
    assert draft["listing"]["method"] == "POST"
    assert draft["listing"]["pagination"] == {"kind": "form", "param": "pageIndex"}
    assert draft["listing"]["id_param"] == "newsId"
    parse_profile(draft, "draft")


def test_probe_names_the_rule_that_found_a_script_built_pager(server):
    result = probe(f"{server}/listings/script_pager_gopage.html", "--no-follow")
    assert result.exit_code == 0, result.output
    assert "pagination: javascript (page)    [rule: script-function]" in result.output
    assert "makePaging('#paginate', 1, 47, 'goPage'): page 1 of 47" in result.output
    data = json.loads(probe(f"{server}/listings/script_pager_gopage.html", "--no-follow", "--json").output)
    assert data["pagination"]["rule"] == "script-function" and data["pagination"]["last"] == 47


def test_probe_of_the_real_gwangju_list_finds_its_hidden_page_field_and_drafts_a_profile():
    real = REAL_PAGES / "gwangju_www.gwangju.go.kr_notice_list.html"
    if not real.exists():
        pytest.skip(f"{real} is absent (real pages live beside the project, in shared/)")
    base = "https://www.gwangju.go.kr/boardList.do?boardId=BD_0000000022&pageId=www789"
    text = probe(str(real), "--base-url", base, "--no-follow")
    assert text.exit_code == 0, text.output
    assert "pagination: form (movePage)    [rule: script-field]" in text.output
    assert "article links (10):" in text.output and "no pagination found" not in text.output
    draft = tomllib.loads(json.loads(probe(str(real), "--base-url", base, "--no-follow", "--json").output)
                          ["draft_profile"])
    assert draft["listing"]["method"] == "POST"
    assert draft["listing"]["pagination"] == {"kind": "form", "param": "movePage"}
    assert draft["listing"]["form"]["boardId"] == "BD_0000000022" and draft["listing"]["id_param"] == "seq"
    parse_profile(draft, "draft")
