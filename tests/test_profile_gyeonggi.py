"""gyeonggi profile: a crawl of the gg.go.kr replica (session cookie from the board page, rows by an
AJAX POST answering JSON, paged by a row offset) stores every post exactly, archives each POST
with its form body, and a second crawl of the same folder fetches nothing it already has.

No real gg.go.kr page is in ../shared/real-pages, so there is no real-page test here."""

from __future__ import annotations

import shutil
from urllib.parse import parse_qs

import pytest
from scrapy.http import HtmlResponse

from scraper.pages.declarative import ArticlePage
from scraper.profiles import load_profiles
from scraper.replica.sites import SiteRequest, site_for
from scraper.replica.sites.gyeonggi import LIST, board_path, view_path

from .profile_harness import crawl_site
from .pywb_harness import COLLECTION, fetch, replay_server

PROFILE = load_profiles()["gyeonggi"]
XHR = {"x-requested-with": "XMLHttpRequest", "referer": "https://www.gg.go.kr" + board_path()}
FORM = b"bsIdx=469&bcIdx=0&menuId=1547&offset=0&limit=10"


def post(site, headers: dict[str, str], cookies: dict[str, str] | None = None):
    return site.respond(SiteRequest("POST", LIST, {}, {"content-type": "application/x-www-form-urlencoded",
                                                      **headers}, FORM, cookies or {}))


def test_replica_answers_json_only_to_an_ajax_call_from_the_board_page_with_its_session():
    """What the profile's session_first and headers are for: without them there is no JSON."""
    site = site_for("gyeonggi", articles=12)
    cookie = site.board_page().headers[0][1].split(";")[0].split("=", 1)
    session = {cookie[0]: cookie[1]}
    no_xhr = post(site, {"referer": XHR["referer"]}, session)
    assert (no_xhr.status, no_xhr.content_type.split(";")[0]) == (200, "text/html")  # an error page
    assert post(site, {"x-requested-with": "XMLHttpRequest"}, session).status == 403  # no Referer
    assert post(site, XHR).status == 403                                             # no session
    ok = post(site, XHR, session)
    assert (ok.status, ok.content_type.split(";")[0]) == (200, "application/json")
    view = site.respond(SiteRequest("GET", "/bbs/boardView.do", {"bIdx": str(site.posts[0].id)}, {}))
    assert b"alert(" in view.body and site.posts[0].title.encode() not in view.body


def test_view_page_gives_the_department_beside_the_author():
    """The department is not stored; the page object reads it for those who ask (reparse, export)."""
    site = site_for("gyeonggi", articles=12)
    post = site.posts[0]
    url = "https://www.gg.go.kr" + view_path(post)
    page = ArticlePage(HtmlResponse(url, body=site.view(post).encode("utf-8"), encoding="utf-8"), PROFILE)
    assert (page.author(), page.department(), page.board_id()) == (post.author, post.department, str(post.id))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = site_for("gyeonggi", articles=25)
    return crawl_site("gyeonggi", site, tmp_path_factory.mktemp("gyeonggi"))


def listing_offsets(requests) -> list[str]:
    return [parse_qs(body.decode())["offset"][0] for method, path, body in requests if path == LIST]


def test_crawl_stores_every_post_and_notice_with_its_fields(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr
    assert crawled.site.refused == []
    stored = crawled.articles()
    site = crawled.site
    assert set(stored) == {str(p.id) for p in site.posts + site.notices}
    for post in site.posts + site.notices:
        row = stored[str(post.id)]
        assert (row["title"], row["author"], row["published"], row["views"]) == (
            post.title, post.author, post.posted.date().isoformat(), post.views)
        assert row["body_text"] == "\n\n".join(post.paragraphs)  # not the 만족도 or footer text
        assert row["missing_fields"] is None
    # the field list's 조회수, not the header's site-wide counter (1,234,567)
    assert 3_623_361 in {row["views"] for row in stored.values()}


def test_pinned_notices_are_fetched_once_though_every_answer_lists_them(crawled):
    views = [path for method, path, _ in crawled.requests if path.startswith("/bbs/boardView.do")]
    for notice in crawled.site.notices:
        assert views.count(view_path(notice)) == 1
    assert len(views) == len(set(views)) == len(crawled.site.posts) + len(crawled.site.notices)


def test_crawl_gets_the_cookie_then_pages_by_offset_and_stops_past_the_end(crawled):
    paths = [path for method, path, _ in crawled.requests if path != "/robots.txt"]
    assert paths[0] == board_path()  # the session cookie first
    pages = -(-len(crawled.site.posts) // 10)
    # the offset past the end answers the pinned notices only: asked once, then the walk stops
    assert listing_offsets(crawled.requests) == [str(10 * n) for n in range(pages + 1)]
    assert all(method == "POST" for method, path, _ in crawled.requests if path == LIST)


def test_attachments_are_downloaded_with_their_korean_names(crawled):
    files = crawled.rows("select name, size, content_type, url from attachment")
    expected = sorted((f.name, len(f.data)) for p in crawled.site.posts for f in p.files)
    assert len(expected) >= 4 and sorted((f["name"], f["size"]) for f in files) == expected
    assert {f["content_type"] for f in files} == {"application/x-hwp", "application/pdf"}
    # the relative ../cmmn/download.do links resolve to the site root; no 미리보기 link is a file
    assert all(f["url"].startswith(crawled.base_url + "/cmmn/download.do?idx=") for f in files)


def listing_exchanges(crawled) -> dict[str, tuple]:
    """Archived listing POSTs by offset: (response record, request record written after it)."""
    records = crawled.records()
    found = {}
    for response, request in zip(records, records[1:]):
        if request.record_type == "request" and request.http_line.startswith(f"POST {LIST}"):
            assert response.record_type == "response" and response.target_uri == request.target_uri
            assert dict(request.warc_headers)["WARC-Concurrent-To"] == response.record_id
            found[parse_qs(request.payload.decode())["offset"][0]] = (response, request)
    return found


def test_every_exchange_is_archived_and_listing_posts_keep_their_form_bodies(crawled):
    crawled.warcio_check()
    uris = [r.target_uri for r in crawled.records() if r.record_type == "response"]
    assert len(uris) == len(crawled.requests)
    exchanges = listing_exchanges(crawled)
    assert sorted(exchanges, key=int) == listing_offsets(crawled.requests)
    for offset, (response, request) in exchanges.items():
        headers = {k.lower(): v for k, v in request.http_headers}
        assert headers["x-requested-with"] == "XMLHttpRequest"
        assert headers["referer"] == crawled.base_url + board_path()
        assert "JSESSIONID=" in headers["cookie"]
        assert response.http_status == 200
        assert dict((k.lower(), v) for k, v in response.http_headers)["content-type"].startswith(
            "application/json")


def test_a_listing_post_replays_in_pywb_by_its_form_body(crawled, tmp_path):
    exchanges = listing_exchanges(crawled)
    first_ts = "".join(c for c in exchanges["0"][0].date if c.isdigit())[:14]
    with replay_server(crawled.warc_dir, tmp_path / "pywb") as pywb:
        for offset in ("10", "0"):
            response, request = exchanges[offset]
            # the first page's time for both: pywb must tell them apart by the POSTed body
            status, _, body = fetch(f"{pywb}/{COLLECTION}/{first_ts}id_/{crawled.base_url}{LIST}",
                                    data=request.payload,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert (status, body) == (200, response.payload), f"offset={offset}"


def test_a_second_crawl_of_the_same_folder_fetches_nothing_it_has(crawled, tmp_path):
    """Everything stored is older than the horizon and the first walk was complete: the second
    run reads the first answer only and fetches no view, notices included."""
    folder = tmp_path / "again"
    shutil.copytree(crawled.folder, folder)
    again = crawl_site("gyeonggi", site_for("gyeonggi", articles=25), folder)
    assert again.result.returncode == 0, again.result.stderr
    paths = [path for method, path, _ in again.requests if path != "/robots.txt"]
    assert paths == [board_path(), LIST]
    assert len(again.articles()) == len(crawled.articles())
