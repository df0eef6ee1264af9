"""egov-bbs profile (the eGovFrame stock board, a board family): a crawl of the replica (EUC-KR
pages, POSTed `pageIndex` listing, onclick-only links, a session cookie before views, raw EUC-KR
file names) stores every post exactly, archives the POSTs with their bodies, and a second crawl
only reads the first listing page."""

from __future__ import annotations

import json
import shutil

import pytest
from scrapy.http import HtmlResponse

from scraper.fields import attachment_filename
from scraper.pages.declarative import ArticlePage
from scraper.profiles import load_profiles
from scraper.replica.sites import SiteRequest, SiteServer, site_for
from scraper.replica.sites.egov import CP949_ONLY_NAME, FILE, LIST, VIEW, atch_file_id
from storage.warc import decoded_payload

from .conftest import run_cli
from .profile_harness import SiteCrawl
from .pywb_harness import COLLECTION, fetch, replay_server

PROFILE = load_profiles()["egov-bbs"]
BOARD = "BBSMSTR_000000000456"   # not the profile's default board: named on --base-url
PER_PAGE = 10


def get(site, path: str, cookie: str | None = None, **query: str):
    return site.respond(SiteRequest("GET", path, query, {}, cookies={"JSESSIONID": cookie} if cookie else {}))


def session_of(response) -> str:
    cookie = dict(response.headers)["Set-Cookie"]
    return cookie.split(";")[0].split("=", 1)[1]


# ------------------------------------------------------------------ the replica's mechanics


def test_replica_views_need_the_session_cookie_of_the_list_page():
    site = site_for("egov-bbs", articles=5)
    post = site.posts[0]
    refused = get(site, VIEW, bbsId=site.bbs_id, nttId=str(post.id))
    assert refused.status == 302
    assert dict(refused.headers)["Location"] == f"{LIST}?bbsId={site.bbs_id}"
    assert get(site, VIEW, "MADE-UP", bbsId=site.bbs_id, nttId=str(post.id)).status == 302
    listing = get(site, LIST, bbsId=site.bbs_id)
    view = get(site, VIEW, session_of(listing), bbsId=site.bbs_id, nttId=str(post.id))
    assert view.status == 200 and post.title.encode("cp949") in view.body
    assert site.refused == 2
    assert get(site, LIST, bbsId="BBSMSTR_000000000999").status == 500  # another board: error page


def test_replica_pages_are_labelled_euc_kr_and_sent_as_cp949():
    site = site_for("egov-bbs", articles=5)
    listing = get(site, LIST, bbsId=site.bbs_id)
    assert listing.content_type == "text/html; charset=EUC-KR"
    assert b'<meta charset="euc-kr">' in listing.body
    assert CP949_ONLY_NAME.encode("cp949") in listing.body
    with pytest.raises(UnicodeDecodeError):
        listing.body.decode("euc-kr")   # strict EUC-KR cannot read 똠: the bytes are CP949


def test_attachment_filename_decodes_the_raw_euc_kr_content_disposition():
    site = site_for("egov-bbs", articles=23)
    post = next(p for p in site.posts if p.files)
    for sn, file in enumerate(post.files):
        response = get(site, FILE, atchFileId=atch_file_id(post), fileSn=str(sn))
        # The server writes the header's characters as bytes one to one (latin-1), as Scrapy
        # receives them: raw EUC-KR, not UTF-8 and not RFC 5987.
        raw = dict(response.headers)["Content-Disposition"].encode("latin-1")
        assert file.name.encode("euc-kr") in raw and b"filename*" not in raw
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert attachment_filename(raw) == file.name
        assert response.body == file.data


def test_view_fields_come_from_the_board_view_table_not_the_popular_box():
    site = site_for("egov-bbs", articles=23)
    post = next(p for p in site.posts if p.views == 3_623_361)
    url = f"http://127.0.0.1:1{VIEW}?bbsId={site.bbs_id}&nttId={post.id}"
    page = ArticlePage(HtmlResponse(url, body=site.html(site.view(post)).body,
                                    headers={"Content-Type": "text/html; charset=EUC-KR"}), PROFILE)
    item = page.to_item()
    # a board family's ids carry the site and the board: one source holds many boards
    assert (item.board_id, item.title, item.author) == (
        f"127.0.0.1:{site.bbs_id}:{post.id}", post.title, post.author)
    assert item.published == post.posted.date()       # printed 2021.05.07. (trailing dot)
    assert item.views == 3_623_361                    # not the box's 99,999
    assert item.missing_fields == []


# ------------------------------------------------------------------ a crawl of the replica


def crawl(site, folder, *args: str) -> SiteCrawl:
    """`bulletins crawl egov-bbs --base-url 'http://127.0.0.1:PORT?bbsId=…'`."""
    with SiteServer(site) as server:
        result = run_cli("crawl", "egov-bbs", "--base-url", f"{server.base_url}?bbsId={site.bbs_id}",
                         "--database-url", f"sqlite:///{folder / 'bulletins.sqlite'}",
                         "--warc-dir", str(folder / "warc"), "--log-level", "WARNING", *args, cwd=folder)
        return SiteCrawl(site, server.base_url, folder, result, list(server.requests))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    return crawl(site_for("egov-bbs", articles=23, bbs_id=BOARD), tmp_path_factory.mktemp("egov"))


def test_crawl_without_a_base_url_is_refused_in_one_line(tmp_path):
    result = run_cli("crawl", "egov-bbs", "--database-url", f"sqlite:///{tmp_path / 'db.sqlite'}",
                     "--warc-dir", str(tmp_path / "warc"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == ("bulletins: error: source 'egov-bbs' is a board family without a site "
                             "of its own: give --base-url\n")


def test_crawl_stores_every_post_with_its_fields(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr
    site = crawled.site
    stored = crawled.articles()
    key = {post.id: f"127.0.0.1:{site.bbs_id}:{post.id}" for post in [*site.posts, *site.notices]}
    assert set(stored) == set(key.values())
    for post in [*site.posts, *site.notices]:
        row = stored[key[post.id]]
        assert (row["title"], row["author"], row["published"], row["views"]) == (
            post.title, post.author, post.posted.date().isoformat(), post.views)
        assert row["body_text"] == "\n\n".join(post.paragraphs)
        assert row["missing_fields"] is None
        assert row["url"] == f"{crawled.base_url}{VIEW}?bbsId={BOARD}&nttId={post.id}"
    assert stored[key[site.posts[1].id]]["author"] == CP949_ONLY_NAME   # CP949 bytes read right
    assert max(r["views"] for r in stored.values()) == 3_623_361


def test_views_were_asked_once_each_with_the_session_and_never_for_the_secret_post(crawled):
    views = [path for method, path, _ in crawled.requests if path.startswith(VIEW)]
    asked = sorted(int(path.rsplit("nttId=", 1)[1]) for path in views)
    site = crawled.site
    # the notices pinned on every page are asked once; the secret row has no link to follow
    assert asked == sorted(p.id for p in [*site.posts, *site.notices])
    assert str(site.secret.id) not in crawled.articles()
    assert site.refused == 0   # none sent back to the list for want of the JSESSIONID cookie


def test_listing_is_posted_page_by_page_until_a_page_repeats(crawled):
    listings = [(method, path, body) for method, path, body in crawled.requests if path.startswith(LIST)]
    pages = -(-len(crawled.site.rows) // PER_PAGE)
    # the page past the end shows the last one again: asked once, then the walk stops
    assert listings == [("POST", LIST, f"bbsId={BOARD}&pageIndex={n}".encode()) for n in range(1, pages + 2)]


def test_attachments_are_downloaded_with_their_korean_names(crawled):
    files = crawled.rows("select name, url, size, content_type from attachment")
    expected = sorted((f.name, len(f.data)) for p in crawled.site.posts for f in p.files)
    assert expected and sorted((f["name"], f["size"]) for f in files) == expected
    assert all(f["url"].startswith(f"{crawled.base_url}{FILE}?atchFileId=FILE_") for f in files)
    assert {f["content_type"] for f in files} <= {"application/x-hwp", "application/pdf"}


def test_warc_keeps_posts_with_their_bodies_and_euc_kr_pages_as_sent(crawled):
    crawled.warcio_check()
    records = crawled.records()
    site = crawled.site
    requests = [r for r in records if r.record_type == "request" and r.http_line.startswith("POST ")]
    assert [r.payload for r in requests] == [body for method, _, body in crawled.requests if method == "POST"]
    responses = {r.target_uri: r for r in records if r.record_type == "response"}
    post = site.posts[1]
    view = responses[f"{crawled.base_url}{VIEW}?bbsId={BOARD}&nttId={post.id}"]
    assert ("Content-Type", "text/html; charset=EUC-KR") in view.http_headers
    assert decoded_payload(view) == site.html(site.view(post)).body   # the CP949 bytes, untouched
    # the file names in the archived headers are the raw EUC-KR bytes the server sent
    downloads = [r for uri, r in responses.items() if FILE in uri]
    assert downloads
    names = {attachment_filename(dict(r.http_headers)["Content-Disposition"]) for r in downloads}
    assert names == {f.name for p in site.posts for f in p.files}


def test_a_posted_listing_page_replays_by_its_form_body(crawled, tmp_path):
    records = crawled.records()
    listing = f"{crawled.base_url}{LIST}"
    pages = {}
    for response, request in zip(records, records[1:]):
        if request.record_type == "request" and request.target_uri == listing == response.target_uri:
            pages[request.payload] = response
    second = f"bbsId={BOARD}&pageIndex=2".encode()
    ts = "".join(c for c in pages[second].date if c.isdigit())[:14]
    with replay_server(crawled.warc_dir, tmp_path / "pywb") as pywb:
        status, _, body = fetch(f"{pywb}/{COLLECTION}/{ts}id_/{listing}", data=second,
                                headers={"Content-Type": "application/x-www-form-urlencoded"},
                                accept_encoding="identity")
    assert status == 200
    assert body == decoded_payload(pages[second]) != decoded_payload(pages[f"bbsId={BOARD}&pageIndex=1".encode()])


def test_a_second_crawl_reads_only_the_first_listing_page(crawled, tmp_path):
    folder = tmp_path / "again"
    shutil.copytree(crawled.folder, folder)
    again = crawl(crawled.site, folder, "--json")
    assert again.result.returncode == 0, again.result.stderr
    summary = json.loads(again.result.stdout)
    assert (summary["articles_new"], summary["listing_pages"]) == (0, 1)
    # all stored and older than the horizon: only their listing counts are read again
    assert [path for _, path, _ in again.requests if path != "/robots.txt"] == [LIST]
    titles = {k: (r["title"], r["views"]) for k, r in crawled.articles().items()}
    assert {k: (r["title"], r["views"]) for k, r in again.articles().items()} == titles

