"""Hostile and broken sites (issue 11): one crawl, through `bulletins crawl` and Scrapy's real engine,
of the hostile replica board (scraper/replica/hostile.py), one article per case. For each case:
the exchange is archived as received, the article is stored right or failed with a named reason,
the run says `incomplete` while anything failed, and nothing wrong is stored under an article's id.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.processes import run_measured
from scraper.replica.hostile import CASES, FILE_HOST, KOREAN, REFUSED_HOST, HostileReplica
from scraper.crawl.spiders.base import site_hosts

from .conftest import BIN, REPO

SOURCE = "gyeonggi-en-files"
TODAY = "2026-11-30"
MB = 1024 * 1024


def profile_dir(folder: Path) -> Path:
    """The gyeonggi-en profile, as a user's own profile that allows the site's file server."""
    text = (REPO / "scraper" / "extract" / "profiles" / "gyeonggi-en.toml").read_text(encoding="utf-8")
    text = text.replace('name = "gyeonggi-en"', f'name = "{SOURCE}"').replace(
        'base_url = "https://english.gg.go.kr"',
        f'base_url = "https://english.gg.go.kr"\nallowed_hosts = ["{FILE_HOST}"]')
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{SOURCE}.toml").write_text(text, encoding="utf-8")
    return folder


def crawl(folder: Path, server: HostileReplica) -> tuple[subprocess.CompletedProcess, int]:
    """`bulletins crawl` of the hostile board; (result, the crawl process's peak RSS in bytes)."""
    env = {**os.environ, "BULLETINS_TODAY": TODAY, "BULLETINS_PROFILE_DIRS": str(profile_dir(folder / "profiles"))}
    for name in ("BULLETINS_DATABASE_URL", "BULLETINS_WARC_DIR", "BULLETINS_MAX_PAGE_SIZE"):
        env.pop(name, None)
    out, err = folder / "stdout", folder / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        command = [str(BIN / "bulletins"), "crawl", SOURCE, "--base-url", server.base_url, "--json",
                   "--database-url", f"sqlite:///{folder / 'b.sqlite'}", "--warc-dir", str(folder / "warc")]
        status, peak = run_measured(command, cwd=folder, env=env, stdout=stdout, stderr=stderr, text=True)
    return subprocess.CompletedProcess(command, status, out.read_text(), err.read_text()), peak


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    with HostileReplica() as server:
        first, peak = crawl(folder, server)
        again, _ = crawl(folder, server)   # a plain run: the failed ones are asked for again
        yield server, folder, first, peak, again


def rows(folder: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(folder / "b.sqlite") as con:
        return con.execute(sql, args).fetchall()


def article(folder: Path, server: HostileReplica, name: str) -> dict | None:
    with sqlite3.connect(folder / "b.sqlite") as con:
        con.row_factory = sqlite3.Row
        row = con.execute("select * from article where source = ? and board_id = ?",
                          (SOURCE, str(server.article_of[name].id))).fetchone()
    return dict(row) if row else None


def failed(result) -> dict[str, str]:
    return {f["url"]: f["reason"] for f in json.loads(result.stdout)["failed_pages"]}


def records(folder: Path, url: str) -> list:
    """(WARC headers, HTTP status, payload bytes) of every response record of `url`."""
    found = []
    for path in sorted((folder / "warc").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url:
                    found.append((record.rec_headers, record.http_headers.get_statuscode(),
                                  record.raw_stream.read()))
    return found


# --------------------------------------------------------------------------- the run as a whole

def test_the_run_is_incomplete_names_every_failure_and_the_next_run_asks_again(hostile):
    server, folder, first, _, again = hostile
    assert first.returncode == 1, first.stdout + first.stderr
    out = json.loads(first.stdout)
    assert out["status"] == "incomplete" and out["failure"] is None
    failing = {name for name, expected in EXPECTED.items() if expected[0] == "failed"}
    failing_urls = {server.case_url(name) for name in failing} | {REFUSED_ATTACHMENT(server)}
    assert set(failed(first)) == failing_urls
    # the next plain run asks for each again, and they fail the same way: still incomplete
    assert again.returncode == 1 and set(failed(again)) == failing_urls
    retried = [p for _, p in server.requests if server.case_of.get(p) in failing]
    assert all(retried.count(p) >= 2 for p in set(retried))
    # every article that is no failure is stored, once, under its own id
    stored = dict(rows(folder, "select board_id, count(*) from article where source = ? group by board_id", SOURCE))
    assert all(n == 1 for n in stored.values())
    assert {str(server.article_of[n].id) for n in failing} & set(stored) == set()
    assert len(stored) == len(server.board.articles) + len(server.board.notices) - len(failing)


def REFUSED_ATTACHMENT(server) -> str:
    path = server.article_of["attachment-on-refused-host"].attachments[0].url_path
    return server.other_host_url(path, REFUSED_HOST)


# --------------------------------------------------------------------------- per case

EXPECTED = {
    # name: ("failed", reason, or a prefix ending in "…") or ("stored", check)
    "redirect-to-another-article": ("failed", "redirected to {other}"),
    "meta-refresh-to-another-article": ("failed", "redirected to {other}"),
    "redirect-to-another-host": ("failed", "redirected to {refused_self}: another host (127.0.0.2)"),
    "meta-refresh-to-javascript": ("stored", "title"),
    "attachment-on-file-server": ("stored", "attachment"),
    "attachment-on-refused-host": ("stored", "title"),
    "huge-page": ("failed", "too large: more than 5,000,000 bytes (BULLETINS_MAX_PAGE_SIZE)"),
    "gzip-bomb": ("failed", "too large: decompresses to more than 5,000,000 bytes (BULLETINS_MAX_PAGE_SIZE)"),
    "corrupt-gzip": ("failed", "corrupt gzip body…"),
    "truncated-gzip": ("failed", "corrupt gzip body…"),
    "unclosed-embed": ("stored", "embed"),
    "views-beyond-64-bits": ("stored", "views"),
    "views-negative": ("stored", "views"),
    "date-far-future": ("stored", "published"),
    "date-1900": ("stored", "published"),
    "mixed-utf8-euc-kr": ("stored", "charset"),
    "header-in-euc-kr": ("stored", "title"),  # read byte for byte, not lost to a UTF-8 decoding error
    "empty-answer": ("failed", "empty answer"),
    "binary-as-html": ("failed", "binary content served as text/html"),
    "terminal-escape-in-title": ("stored", "escape"),
}


def test_every_case_has_an_expected_outcome():
    assert set(EXPECTED) == set(CASES)


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e[0] == "failed"])
def test_a_failed_case_is_archived_as_received_named_and_not_stored(hostile, name):
    server, folder, first, _, _ = hostile
    url = server.case_url(name)
    reason = EXPECTED[name][1].format(other=server.url(server.other_view),
                                      refused_self=server.other_host_url(urlsplit(url).path, REFUSED_HOST))
    said = failed(first)[url]
    assert said.startswith(reason[:-1]) if reason.endswith("…") else said == reason
    assert article(folder, server, name) is None
    assert records(folder, url), "the answer was not archived"


def test_a_redirect_answer_is_archived_as_received(hostile):
    server, folder, *_ = hostile
    [(headers, status, _)] = records(folder, server.case_url("redirect-to-another-article"))[:1]
    assert status == "302"


def test_a_page_over_the_size_limit_is_archived_truncated(hostile):
    server, folder, *_ = hostile
    headers, status, payload = records(folder, server.case_url("huge-page"))[0]
    assert headers.get_header("WARC-Truncated") == "length"
    assert 5_000_000 <= len(payload) < 6 * MB


def test_a_gzip_bomb_is_archived_whole_compressed_and_the_crawl_stays_small(hostile):
    server, folder, _, peak, _ = hostile
    headers, status, payload = records(folder, server.case_url("gzip-bomb"))[0]
    assert headers.get_header("WARC-Truncated") is None
    assert len(payload) < 2 * MB   # the compressed bytes as received, about 1 MB for 1 GiB
    assert peak < 500 * MB, f"peak memory {peak / MB:.0f} MB"


def problems(row: dict) -> dict:
    return json.loads(row["field_problems"] or "{}")


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if e[0] == "stored"])
def test_a_stored_case_is_stored_right_under_its_own_id(hostile, name):
    server, folder, first, _, _ = hostile
    board_article = server.article_of[name]
    row = article(folder, server, name)
    assert row is not None and row["warc_record_id"], "not stored with its WARC record"
    assert row["title"] == board_article.title
    check = EXPECTED[name][1]
    if check == "attachment":   # fetched from the file server the profile allows, and archived
        url = server.other_host_url(board_article.attachments[0].url_path, FILE_HOST)
        [(size, record_id)] = rows(folder, "select size, warc_record_id from attachment where url = ?", url)
        assert size == len(board_article.attachments[0].data) and record_id
        assert records(folder, url)
    elif check == "embed":      # the text after a void element is kept, in text and HTML
        assert row["body_text"].startswith("text more\n\nsecond\n\n")
        assert "more" in row["body_html"] and "<embed" not in row["body_html"]
    elif check == "views":      # missing, with the reason; never a wrong number
        # (the second run took the count the listing prints, a plausible one)
        assert row["views"] in (None, board_article.views) and "views" in row["missing_fields"].split(",")
        assert problems(row)["views"].startswith(("negative count", "implausible count"))
        said = {a["url"]: a["reason"] for a in json.loads(first.stdout)["incomplete_articles"]}
        assert said[server.case_url(name)].startswith("missing views (")
    elif check == "published":  # missing, with the reason
        assert row["published"] is None and problems(row)["published"].startswith("implausible date (")
    elif check == "charset":    # the EUC-KR paragraph read as Korean, and a language judged from text
        assert KOREAN in row["body_text"] and "\ufffd" not in row["body_text"]
        assert row["language"] in ("en", "ko")
    elif check == "escape":     # no terminal control sequence stored
        assert not any(c in row["title"] for c in "\x1b\x07")


def test_reparse_of_the_hostile_archive_stores_nothing_the_crawl_failed(hostile, tmp_path):
    server, folder, *_ = hostile
    env = {**os.environ, "BULLETINS_PROFILE_DIRS": str(folder / "profiles")}
    result = subprocess.run([str(BIN / "bulletins"), "reparse", "--warc-dir", str(folder / "warc"),
                             "--database-url", f"sqlite:///{tmp_path / 'again.sqlite'}", "--rebuild"],
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("huge-page", "gzip-bomb", "corrupt-gzip", "truncated-gzip"):
        assert f"left out: {server.case_url(name)} (" in result.stdout
    for reason in ("empty answer", "binary content served as text/html"):
        assert f"({reason})" in result.stdout
    with sqlite3.connect(tmp_path / "again.sqlite") as con:
        ids = {b for (b,) in con.execute("select board_id from article")}
    for name in ("huge-page", "gzip-bomb", "corrupt-gzip", "truncated-gzip", "empty-answer", "binary-as-html"):
        assert str(server.article_of[name].id) not in ids


def test_requests_ask_only_for_codings_archive_readers_decode(hostile):
    server, folder, *_ = hostile
    for path in sorted((folder / "warc").glob("*.warc.gz")):
        with path.open("rb") as stream:
            codings = {record.http_headers.get_header("Accept-Encoding") for record in ArchiveIterator(stream)
                       if record.rec_type == "request"}
        assert codings == {"gzip, deflate"}


def test_the_hosts_a_site_is_fetched_from():
    assert site_hosts("https://www.gg.go.kr") == ["www.gg.go.kr", "gg.go.kr"]
    assert site_hosts("https://english.gg.go.kr", ["file.gg.go.kr"]) == ["english.gg.go.kr", "file.gg.go.kr"]
    assert site_hosts("http://127.0.0.1:8000") == ["127.0.0.1"]


COOKIES = r"""
import json, sys
outside = []


def audit(event, args):  # every name looked up or connected to that is not this machine
    host = args[0] if event == "socket.getaddrinfo" else args[1][0] if event == "socket.connect" else None
    if isinstance(host, (str, bytes)) and (host.decode() if isinstance(host, bytes) else host) not in (
            "127.0.0.1", "::1", "localhost"):
        outside.append(str(host))


sys.addaudithook(audit)
import scraper.crawl.settings  # what every crawl loads first: Scrapy reads the project's settings
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.http import Request, Response
from scrapy.utils.test import get_crawler

cookies = CookiesMiddleware.from_crawler(get_crawler(settings_dict={"COOKIES_ENABLED": True}))


def visit(url, *set_cookies):
    request = Request(url)
    cookies.process_request(request)
    cookies.process_response(request, Response(url, headers={"Set-Cookie": list(set_cookies)}))
    return request.headers.get("Cookie", b"").decode()


visit("https://www.gb.go.kr/list", "site=1; Domain=gb.go.kr; Path=/", "suffix=1; Domain=go.kr; Path=/")
print(json.dumps({"file_server": visit("https://file.gb.go.kr/a.hwp"),
                  "other_site": visit("https://www.gg.go.kr/list"), "outside": outside}))
"""


def test_cookies_go_by_site_domain_and_the_suffix_list_is_never_fetched(tmp_path):
    """Scrapy's cookie middleware tells `gb.go.kr` (a site: its cookie goes to its file server)
    from `go.kr` (a public suffix: a cookie for it is refused) with the Public Suffix List; a
    crawler must not fetch that list from the web (scraper/__init__.py). A fresh interpreter,
    an empty tldextract cache: no name but this machine's is looked up."""
    env = {k: v for k, v in os.environ.items() if k != "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"}
    env["TLDEXTRACT_CACHE"] = str(tmp_path / "tldextract")
    result = subprocess.run([sys.executable, "-c", COOKIES], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"file_server": "site=1", "other_site": "",
                                                          "outside": []}


def test_a_profile_host_that_is_no_host_name_is_refused():
    from scraper.extract.profiles import ProfileError, parse_profile

    base = {"name": "x", "base_url": "https://a.go.kr", "listing": {"url": "/", "rows": "tr", "link": "a::attr(href)", "id_param": "id"},
            "view": {}}
    assert parse_profile({**base, "allowed_hosts": ["File.A.go.kr"]}, "x.toml").allowed_hosts == ("file.a.go.kr",)
    with pytest.raises(ProfileError, match="'allowed_hosts' must be host names"):
        parse_profile({**base, "allowed_hosts": ["https://file.a.go.kr/"]}, "x.toml")


def test_redirects_and_cut_pages_replay_in_pywb(hostile, tmp_path):
    """What archivists get back: the 302 as it was sent (pointing where the site sent it), the
    meta refresh page, and the page cut at the size limit, replayed by a real pywb."""
    import http.client

    from .pywb_harness import COLLECTION, replay_server

    server, folder, *_ = hostile
    with replay_server(folder / "warc", tmp_path) as base:
        def replayed(name: str) -> tuple[int, dict, bytes]:
            """pywb's answer for the case's first capture, as sent: redirects not followed."""
            headers, _, _ = records(folder, server.case_url(name))[0]
            ts = "".join(c for c in headers.get_header("WARC-Date") if c.isdigit())[:14]
            connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=60)
            connection.request("GET", f"/{COLLECTION}/{ts}id_/{server.case_url(name)}",
                               headers={"Accept-Encoding": "identity"})
            answer = connection.getresponse()
            try:
                return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
            finally:
                connection.close()

        status, headers, _ = replayed("redirect-to-another-article")
        assert status == 302 and headers["location"].endswith(server.other_view)
        status, _, body = replayed("meta-refresh-to-another-article")
        assert status == 200 and b'http-equiv="refresh"' in body
        status, _, body = replayed("huge-page")
        assert status == 200 and body.startswith(b"<!DOCTYPE html>") and 5_000_000 <= len(body) < 6 * MB
