"""What one board of the first six profiles does that the checks every replica gets
(tests/test_site_replicas.py) cannot say, on the same crawls (`replica_crawl`): the exact walk over
the listing (POSTed forms, offsets, a page past the end read once), each view asked once (pinned
notices included, the secret post never), where files come from and the type they are sent as,
POSTs archived with their bodies and replayed by them, session cookies, EUC-KR bytes, and a second
crawl that fetches nothing it has. What the real captured pages give is in tests/real_pages.toml.
"""

from __future__ import annotations

import json
import shutil
from urllib.parse import parse_qs

import pytest
from parsel import Selector
from web_poet import HttpResponse

from scraper.extract.fields import attachment_filename
from scraper.extract.pages.declarative import ArticlePage, ListingPage
from scraper.extract.profiles import load_profiles
from scraper.replica.sites import SiteRequest, SiteServer, site_for
from scraper.replica.sites import egov, gangjin, gyeongbuk, gyeonggi, korea_kr, shinan
from storage.webarchive.warc import decoded_payload

from .conftest import run_cli
from .profile_harness import SiteCrawl, crawl_site, real_page, replica_crawl
from .pywb_harness import COLLECTION, fetch, replay_server

PROFILES = load_profiles("")
EGOV_BOARD = "BBSMSTR_000000000456"   # not egov-bbs's default board: named on --base-url


def egov_crawl(site, folder, *args: str) -> SiteCrawl:
    """`bulletins crawl egov-bbs --base-url 'http://127.0.0.1:PORT?bbsId=…'`."""
    with SiteServer(site) as server:
        result = run_cli("crawl", "egov-bbs", "--base-url", f"{server.base_url}?bbsId={site.bbs_id}",
                         "--database-url", f"sqlite:///{folder / 'bulletins.sqlite'}",
                         "--warc-dir", str(folder / "warc"), "--log-level", "WARNING", *args, cwd=folder)
        return SiteCrawl(site, server.base_url, folder, result, list(server.requests))


@pytest.fixture(scope="module")
def egov_crawled(tmp_path_factory):
    return egov_crawl(site_for("egov-bbs", articles=23, bbs_id=EGOV_BOARD), tmp_path_factory.mktemp("egov-board"))


@pytest.fixture
def crawl_of(request, tmp_path_factory):
    """The crawl a profile's checks read: egov-bbs's of a board named on --base-url, the others'
    the crawl tests/test_site_replicas.py checks too."""
    def get(name: str) -> SiteCrawl:
        if name == "egov-bbs":
            crawl = request.getfixturevalue("egov_crawled")
        else:
            crawl = replica_crawl(name, tmp_path_factory)
        assert crawl.result.returncode == 0, crawl.result.stdout + crawl.result.stderr
        return crawl
    return get


def paths(crawl: SiteCrawl) -> list[str]:
    return [path for _, path, _ in crawl.requests if path != "/robots.txt"]


def query(path: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(path.partition("?")[2], keep_blank_values=True).items()}


# ---------------------------------------------------------------------- every profile's own details

# The id of the article a request asks for, or None when it asks for no view page.
VIEW_ID = {
    "egov-bbs": lambda path: query(path)["nttId"] if path.startswith(egov.VIEW) else None,
    "gyeongbuk": lambda path: query(path)["B_NUM"] if query(path).get("cmd") == "2" else None,
    "gangjin": lambda path: query(path)["idx"] if "mode=view" in path else None,
    "shinan": lambda path: path.split("/show/")[1].split("?")[0] if "/show/" in path else None,
    "gyeonggi": lambda path: query(path)["bIdx"] if path.startswith(gyeonggi.VIEW) else None,
    "korea-kr": lambda path: query(path)["newsId"] if path.startswith(korea_kr.VIEW) else None,
}
# Where every file is downloaded from (after the replica's address).
FILES_FROM = {
    "egov-bbs": f"{egov.FILE}?atchFileId=FILE_",
    "gyeongbuk": "/Common/board_egov/download.jsp?",
    "gangjin": f"{gangjin.DOWNLOAD}/",
    "shinan": shinan.FILES,
    "gyeonggi": "/cmmn/download.do?idx=",   # the relative ../cmmn/download.do links, at the site root
    "korea-kr": f"{korea_kr.DOWNLOAD}?fileId=",
}


@pytest.mark.parametrize("name", sorted(VIEW_ID))
def test_each_view_is_asked_once_pinned_notices_included_and_the_secret_post_never(name, crawl_of):
    crawl = crawl_of(name)
    site = crawl.site
    regular = getattr(site, "regular", site.posts)
    asked = [found for path in paths(crawl) if (found := VIEW_ID[name](path)) is not None]
    # notices pinned on every page (gyeonggi: on every AJAX answer) are asked once
    assert sorted(asked) == sorted(str(p.id) for p in [*regular, *getattr(site, "notices", [])])
    secret = getattr(site, "secret", None)
    assert (secret is not None) == (name in ("egov-bbs", "gangjin", "shinan"))
    if secret is not None:
        assert str(secret.id) not in asked   # listed without a link
    if name == "shinan":   # links relative to page.wscms: beside the listing, never /show/… at the root
        assert all(path.startswith(f"{shinan.BOARD}/show/") for path in paths(crawl) if "/show/" in path)
    if name == "gangjin":  # neither the 전체(Zip) button nor the 바로보기 viewer is taken for a file
        assert not any("file_type=all" in p or p.startswith("/Viewer/") for p in paths(crawl))


@pytest.mark.parametrize("name", sorted(FILES_FROM))
def test_attachments_come_from_the_boards_download_links_with_the_type_they_were_sent_as(name, crawl_of):
    crawl = crawl_of(name)
    files = crawl.rows("select name, url, content_type from attachment")
    sent = sorted((f.name, f.content_type) for p in crawl.site.posts for f in p.files)
    assert len(sent) >= 4 and sorted((f["name"], f["content_type"]) for f in files) == sent
    types = {f["content_type"] for f in files}
    assert types == {"application/x-hwp", "application/pdf"} if name in ("gyeonggi", "korea-kr") else (
        types <= {"application/x-hwp", "application/pdf"})
    assert all(f["url"].startswith(crawl.base_url + FILES_FROM[name]) for f in files), files


# ---------------------------------------------------------------------- egov-bbs (eGovFrame)


def egov_get(site, path: str, cookie: str | None = None, **params: str):
    return site.respond(SiteRequest("GET", path, params, {}, cookies={"JSESSIONID": cookie} if cookie else {}))


def test_egov_replica_views_need_the_session_cookie_of_the_list_page():
    site = site_for("egov-bbs", articles=5)
    post = site.regular[0]
    refused = egov_get(site, egov.VIEW, bbsId=site.bbs_id, nttId=str(post.id))
    assert refused.status == 302
    assert dict(refused.headers)["Location"] == f"{egov.LIST}?bbsId={site.bbs_id}"
    assert egov_get(site, egov.VIEW, "MADE-UP", bbsId=site.bbs_id, nttId=str(post.id)).status == 302
    listing = egov_get(site, egov.LIST, bbsId=site.bbs_id)
    session = dict(listing.headers)["Set-Cookie"].split(";")[0].split("=", 1)[1]
    view = egov_get(site, egov.VIEW, session, bbsId=site.bbs_id, nttId=str(post.id))
    assert view.status == 200 and post.title.encode("cp949") in view.body
    assert site.refused == 2
    assert egov_get(site, egov.LIST, bbsId="BBSMSTR_000000000999").status == 500  # another board: error page


def test_egov_replica_pages_are_labelled_euc_kr_and_sent_as_cp949():
    site = site_for("egov-bbs", articles=5)
    listing = egov_get(site, egov.LIST, bbsId=site.bbs_id)
    assert listing.content_type == "text/html; charset=EUC-KR"
    assert b'<meta charset="euc-kr">' in listing.body
    assert egov.CP949_ONLY_NAME.encode("cp949") in listing.body
    with pytest.raises(UnicodeDecodeError):
        listing.body.decode("euc-kr")   # strict EUC-KR cannot read 똠: the bytes are CP949


def test_egov_attachment_filename_decodes_the_raw_euc_kr_content_disposition():
    site = site_for("egov-bbs", articles=23)
    post = next(p for p in site.regular if p.files)
    for sn, file in enumerate(post.files):
        response = egov_get(site, egov.FILE, atchFileId=egov.atch_file_id(post), fileSn=str(sn))
        # The server writes the header's characters as bytes one to one (latin-1), as Scrapy
        # receives them: raw EUC-KR, not UTF-8 and not RFC 5987.
        raw = dict(response.headers)["Content-Disposition"].encode("latin-1")
        assert file.name.encode("euc-kr") in raw and b"filename*" not in raw
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        assert attachment_filename(raw) == file.name
        assert response.body == file.data


def test_egov_view_fields_come_from_the_board_view_table_not_the_popular_box():
    site = site_for("egov-bbs", articles=23)
    post = next(p for p in site.regular if p.views == 3_623_361)
    url = f"http://127.0.0.1:1{egov.VIEW}?bbsId={site.bbs_id}&nttId={post.id}"
    page = ArticlePage(HttpResponse(url, body=site.html(site.view(post)).body,
                                    headers={"Content-Type": "text/html; charset=EUC-KR"}), PROFILES["egov-bbs"])
    item = page.to_item()
    # a board family's ids carry the site and the board: one source holds many boards
    assert (item.board_id, item.title, item.author) == (f"127.0.0.1:{site.bbs_id}:{post.id}", post.title, post.author)
    assert item.published == post.posted.date()       # printed 2021.05.07. (trailing dot)
    assert item.views == 3_623_361                    # not the box's 99,999
    assert item.missing_fields == []


def test_egov_crawl_without_a_base_url_is_refused_in_one_line(tmp_path):
    result = run_cli("crawl", "egov-bbs", "--database-url", f"sqlite:///{tmp_path / 'db.sqlite'}",
                     "--warc-dir", str(tmp_path / "warc"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == ("bulletins: error: source 'egov-bbs' is a board family without a site "
                             "of its own: give --base-url\n")


def test_egov_the_board_named_on_the_base_url_is_crawled_and_its_ids_carry_it(egov_crawled):
    crawl = egov_crawled
    assert crawl.result.returncode == 0, crawl.result.stderr
    site, stored = crawl.site, crawl.articles()
    key = {post.id: f"127.0.0.1:{EGOV_BOARD}:{post.id}" for post in [*site.regular, *site.notices]}
    assert set(stored) == set(key.values()) == {p.id for p in site.posts}
    for post in [*site.regular, *site.notices]:
        row = stored[key[post.id]]
        assert (row["title"], row["author"], row["published"], row["views"]) == (
            post.title, post.author, post.posted.date().isoformat(), post.views)
        assert row["body_text"] == "\n\n".join(post.paragraphs)
        assert row["missing_fields"] is None
        assert row["url"] == f"{crawl.base_url}{egov.VIEW}?bbsId={EGOV_BOARD}&nttId={post.id}"
    assert stored[f"127.0.0.1:{EGOV_BOARD}:{site.regular[1].id}"]["author"] == egov.CP949_ONLY_NAME  # CP949 read right
    assert max(r["views"] for r in stored.values()) == 3_623_361
    assert site.refused == 0   # no view sent back to the list for want of the JSESSIONID cookie


def test_egov_listing_is_posted_page_by_page_until_a_page_repeats(egov_crawled):
    listings = [(method, path, body) for method, path, body in egov_crawled.requests if path.startswith(egov.LIST)]
    pages = -(-len(egov_crawled.site.rows) // egov.PER_PAGE)
    # the page past the end shows the last one again: asked once, then the walk stops
    assert listings == [("POST", egov.LIST, f"bbsId={EGOV_BOARD}&pageIndex={n}".encode()) for n in range(1, pages + 2)]


def test_egov_warc_keeps_posts_with_their_bodies_and_euc_kr_pages_as_sent(egov_crawled):
    crawl = egov_crawled
    records = crawl.records()
    site = crawl.site
    requests = [r for r in records if r.record_type == "request" and r.http_line.startswith("POST ")]
    assert [r.payload for r in requests] == [body for method, _, body in crawl.requests if method == "POST"]
    responses = {r.target_uri: r for r in records if r.record_type == "response"}
    post = site.regular[1]
    view = responses[f"{crawl.base_url}{egov.VIEW}?bbsId={EGOV_BOARD}&nttId={post.id}"]
    assert ("Content-Type", "text/html; charset=EUC-KR") in view.http_headers
    assert decoded_payload(view) == site.html(site.view(post)).body   # the CP949 bytes, untouched
    # the file names in the archived headers are the raw EUC-KR bytes the server sent
    downloads = [r for uri, r in responses.items() if egov.FILE in uri]
    assert downloads
    names = {attachment_filename(dict(r.http_headers)["Content-Disposition"]) for r in downloads}
    assert names == {f.name for p in site.regular for f in p.files}


def test_egov_a_posted_listing_page_replays_by_its_form_body(egov_crawled, tmp_path):
    records = egov_crawled.records()
    listing = f"{egov_crawled.base_url}{egov.LIST}"
    pages = {}
    for response, request in zip(records, records[1:]):
        if request.record_type == "request" and request.target_uri == listing == response.target_uri:
            pages[request.payload] = response
    second = f"bbsId={EGOV_BOARD}&pageIndex=2".encode()
    ts = "".join(c for c in pages[second].date if c.isdigit())[:14]
    with replay_server(egov_crawled.warc_dir, tmp_path / "pywb") as pywb:
        status, _, body = fetch(f"{pywb}/{COLLECTION}/{ts}id_/{listing}", data=second,
                                headers={"Content-Type": "application/x-www-form-urlencoded"},
                                accept_encoding="identity")
    assert status == 200
    assert body == decoded_payload(pages[second]) != decoded_payload(pages[f"bbsId={EGOV_BOARD}&pageIndex=1".encode()])


def test_egov_a_second_crawl_reads_only_the_first_listing_page(egov_crawled, tmp_path):
    folder = tmp_path / "again"
    shutil.copytree(egov_crawled.folder, folder)
    again = egov_crawl(site_for("egov-bbs", articles=23, bbs_id=EGOV_BOARD), folder, "--json")
    assert again.result.returncode == 0, again.result.stderr
    summary = json.loads(again.result.stdout)
    assert (summary["articles_new"], summary["listing_pages"]) == (0, 1)
    # all stored and older than the horizon: only their listing counts are read again
    assert paths(again) == [egov.LIST]
    titles = {k: (r["title"], r["views"]) for k, r in egov_crawled.articles().items()}
    assert {k: (r["title"], r["views"]) for k, r in again.articles().items()} == titles


# ---------------------------------------------------------------------- gyeongbuk (gb.go.kr)


def test_gyeongbuk_crawl_pages_by_offset_and_stops_when_a_page_repeats(crawl_of):
    crawl = crawl_of("gyeongbuk")
    starts = [query(path)["Start"] for path in paths(crawl) if query(path).get("cmd") == "1"]
    pages = -(-len(crawl.site.posts) // gyeongbuk.PER_PAGE)
    # the page past the end shows the last one again: asked once, then the walk stops
    assert starts == [str(10 * n) for n in range(pages + 1)]


# ---------------------------------------------------------------------- gangjin (YB CMS cards)


def test_gangjin_crawl_pages_by_page_number_and_stops_when_a_page_repeats(crawl_of):
    crawl = crawl_of("gangjin")
    pages = crawl.site.page_count()
    assert pages == 2   # 23 cards and a locked one, 15 a page
    listings = [path for path in paths(crawl) if path.split("?")[0] == gangjin.BOARD and "mode=view" not in path]
    # the page past the end shows the last one again: asked once, then the walk stops
    assert listings == [gangjin.BOARD] + [f"{gangjin.BOARD}?page={n}" for n in range(2, pages + 2)]


def test_gangjin_a_second_crawl_of_the_same_folder_fetches_nothing_it_has(crawl_of, tmp_path):
    """Everything stored is older than the horizon and the first walk was complete: the second
    run reads the first listing page only and fetches no view, notices included."""
    crawled = crawl_of("gangjin")
    folder = tmp_path / "again"
    shutil.copytree(crawled.folder, folder)
    again = crawl_site("gangjin", site_for("gangjin", articles=23), folder)
    assert again.result.returncode == 0, again.result.stderr
    assert paths(again) == [gangjin.BOARD]
    assert len(again.articles()) == len(crawled.articles())


# ---------------------------------------------------------------------- shinan (wscms table)


def test_shinan_replica_listing_rows_join_the_listing_url_and_flag_the_notices():
    site = site_for("shinan", articles=24)
    base = "https://www.shinan.go.kr"
    url = f"{base}{shinan.LISTING}?page=2&search=&keyword="
    rows = ListingPage(HttpResponse(url, body=site.listing(2).encode("utf-8"), encoding="utf-8"),
                       PROFILES["shinan"], base).rows()
    per_page = shinan.PER_PAGE
    assert [r.notice for r in rows[:2]] == [True, True] and not any(r.notice for r in rows[2:])
    assert [r.board_id for r in rows] == [str(p.id) for p in [*site.notices, *site.rows[per_page:2 * per_page]]]
    # `show/138446?page=2…` beside `page.wscms`, not `/show/…` at the site root
    assert rows[2].url == f"{base}{shinan.BOARD}/show/{rows[2].board_id}?page=2&search=&keyword="
    first = site.rows[per_page]
    assert (rows[2].published, rows[2].views, rows[2].author) == (first.posted.date(), first.views, first.department)


def test_shinan_crawl_pages_by_number_and_stops_when_a_page_repeats(crawl_of):
    crawl = crawl_of("shinan")
    listings = [path for path in paths(crawl) if path.startswith(shinan.LISTING)]
    pages = -(-len(crawl.site.rows) // shinan.PER_PAGE)
    assert [query(path)["page"] for path in listings] == [str(n) for n in range(1, pages + 2)]


# ---------------------------------------------------------------------- gyeonggi (AJAX JSON)

XHR = {"x-requested-with": "XMLHttpRequest", "referer": "https://www.gg.go.kr" + gyeonggi.board_path()}
FORM = b"bsIdx=469&bcIdx=0&menuId=1547&offset=0&limit=10"


def gg_post(site, headers: dict[str, str], cookies: dict[str, str] | None = None):
    return site.respond(SiteRequest("POST", gyeonggi.LIST, {}, {"content-type": "application/x-www-form-urlencoded",
                                                               **headers}, FORM, cookies or {}))


def test_gyeonggi_replica_answers_json_only_to_an_ajax_call_from_the_board_page_with_its_session():
    """What the profile's session_first and headers are for: without them there is no JSON."""
    site = site_for("gyeonggi", articles=12)
    cookie = site.board_page().headers[0][1].split(";")[0].split("=", 1)
    session = {cookie[0]: cookie[1]}
    no_xhr = gg_post(site, {"referer": XHR["referer"]}, session)
    assert (no_xhr.status, no_xhr.content_type.split(";")[0]) == (200, "text/html")  # an error page
    assert gg_post(site, {"x-requested-with": "XMLHttpRequest"}, session).status == 403  # no Referer
    assert gg_post(site, XHR).status == 403                                             # no session
    ok = gg_post(site, XHR, session)
    assert (ok.status, ok.content_type.split(";")[0]) == (200, "application/json")
    view = site.respond(SiteRequest("GET", gyeonggi.VIEW, {"bIdx": str(site.regular[0].id)}, {}))
    assert b"alert(" in view.body and site.regular[0].title.encode() not in view.body


def test_gyeonggi_view_page_gives_the_department_beside_the_author():
    site = site_for("gyeonggi", articles=12)
    post = site.regular[0]
    url = "https://www.gg.go.kr" + gyeonggi.view_path(post)
    page = ArticlePage(HttpResponse(url, body=site.view(post).encode("utf-8"), encoding="utf-8"), PROFILES["gyeonggi"])
    assert (page.author, page.department, page.board_id) == (post.author, post.department, str(post.id))


def gg_offsets(crawl) -> list[str]:
    return [parse_qs(body.decode())["offset"][0] for method, path, body in crawl.requests if path == gyeonggi.LIST]


def test_gyeonggi_crawl_gets_the_cookie_then_pages_by_offset_and_stops_past_the_end(crawl_of):
    crawl = crawl_of("gyeonggi")
    assert crawl.site.refused == []   # no AJAX call without its header, Referer or session
    assert paths(crawl)[0] == gyeonggi.board_path()  # the session cookie first
    pages = -(-len(crawl.site.regular) // 10)
    # the offset past the end answers the pinned notices only: asked once, then the walk stops
    assert gg_offsets(crawl) == [str(10 * n) for n in range(pages + 1)]
    assert all(method == "POST" for method, path, _ in crawl.requests if path == gyeonggi.LIST)


def posted_exchanges(crawl, path: str) -> list[tuple]:
    """Archived POSTs to `path`: (response record, request record written after it)."""
    records = crawl.records()
    found = []
    for response, request in zip(records, records[1:]):
        if request.record_type == "request" and request.http_line.startswith(f"POST {path}"):
            assert response.record_type == "response" and response.target_uri == request.target_uri
            assert dict(request.warc_headers)["WARC-Concurrent-To"] == response.record_id
            found.append((response, request))
    return found


def test_gyeonggi_listing_posts_are_archived_with_their_form_body_headers_and_json(crawl_of):
    crawl = crawl_of("gyeonggi")
    exchanges = posted_exchanges(crawl, gyeonggi.LIST)
    assert sorted((parse_qs(q.payload.decode())["offset"][0] for _, q in exchanges), key=int) == gg_offsets(crawl)
    for response, request in exchanges:
        headers = {k.lower(): v for k, v in request.http_headers}
        assert headers["x-requested-with"] == "XMLHttpRequest"
        assert headers["referer"] == crawl.base_url + gyeonggi.board_path()
        assert "JSESSIONID=" in headers["cookie"]
        assert response.http_status == 200
        assert dict((k.lower(), v) for k, v in response.http_headers)["content-type"].startswith("application/json")


def test_gyeonggi_a_listing_post_replays_in_pywb_by_its_form_body(crawl_of, tmp_path):
    crawl = crawl_of("gyeonggi")
    exchanges = {parse_qs(q.payload.decode())["offset"][0]: (r, q) for r, q in posted_exchanges(crawl, gyeonggi.LIST)}
    first_ts = "".join(c for c in exchanges["0"][0].date if c.isdigit())[:14]
    with replay_server(crawl.warc_dir, tmp_path / "pywb") as pywb:
        for offset in ("10", "0"):
            response, request = exchanges[offset]
            # the first page's time for both: pywb must tell them apart by the POSTed body
            status, _, body = fetch(f"{pywb}/{COLLECTION}/{first_ts}id_/{crawl.base_url}{gyeonggi.LIST}",
                                    data=request.payload,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert (status, body) == (200, response.payload), f"offset={offset}"


def test_gyeonggi_a_second_crawl_of_the_same_folder_fetches_nothing_it_has(crawl_of, tmp_path):
    """Everything stored is older than the horizon and the first walk was complete: the second
    run reads the first answer only and fetches no view, notices included."""
    crawled = crawl_of("gyeonggi")
    folder = tmp_path / "again"
    shutil.copytree(crawled.folder, folder)
    again = crawl_site("gyeonggi", site_for("gyeonggi", articles=23), folder)
    assert again.result.returncode == 0, again.result.stderr
    assert paths(again) == [gyeonggi.board_path(), gyeonggi.LIST]
    assert len(again.articles()) == len(crawled.articles())


# ---------------------------------------------------------------------- korea-kr (정책브리핑)


def test_korea_kr_profile_posts_the_real_pages_main_form_and_pages_it_as_page_link_does():
    profile = PROFILES["korea-kr"]
    sel = Selector(text=real_page("korea_kr_pressRelease_list.html").decode("utf-8"))
    form = sel.css("form#mainForm")
    assert form.attrib["method"] == "post" and form.attrib["action"] == "/" + profile.listing.url.lstrip("/")
    fields = set(form.css("input::attr(name)").getall())
    assert fields == set(profile.listing.form) | {profile.listing.pagination.param}
    assert "$('#pageIndex').val(pageNo);" in sel.css("script::text").re_first(r"function pageLink[\s\S]*?submit\(\)")
    assert sel.css("div.paging a[onclick*='pageLink(2)']")


def test_korea_kr_replica_view_gives_the_release_not_the_site_title_licence_or_file_buttons():
    site = site_for("korea-kr", articles=45)
    release = next(r for r in site.releases if len(r.post.files) > 1)
    url = f"https://www.korea.kr{korea_kr.VIEW}?newsId={release.id}&pageIndex=1"
    page = ArticlePage(HttpResponse(url, body=site.view(release).encode("utf-8"), encoding="utf-8"),
                       PROFILES["korea-kr"])
    item = page.to_item()
    assert item.title == release.post.title  # og:title and <title> are the site's
    assert (item.author, item.published) == (release.body, release.post.posted.date())
    assert page.department == f"{release.body} {release.post.department}"
    assert item.body_text == "\n\n".join(release.post.paragraphs)  # no 공공누리 / 담당 부서 text
    assert [a.name for a in item.attachments] == [f.name for f in release.post.files]  # not 내려받기
    assert all("/common/download.do?fileId=" in a.url for a in item.attachments)  # not 바로보기
    assert item.views is None and item.missing_fields == []  # korea.kr prints no count: declared absent


def test_korea_kr_crawl_posts_page_index_until_a_page_repeats_and_archives_each_form(crawl_of):
    crawl = crawl_of("korea-kr")
    assert "incomplete article" not in crawl.result.stdout   # no view count is printed: not missing
    posts = [parse_qs(body.decode(), keep_blank_values=True) for method, path, body in crawl.requests
             if method == "POST" and path == korea_kr.LIST]
    pages = -(-len(crawl.site.releases) // korea_kr.PER_PAGE)
    # the page past the end shows the last page again: asked once, then the walk stops
    assert [p["pageIndex"] for p in posts] == [[str(n)] for n in range(1, pages + 2)]
    # the form as the page's #mainForm has it, with no date window narrowing the list
    assert all(p["startDate"] == p["endDate"] == [""] and "period" in p for p in posts)
    bodies = [request.payload for _, request in posted_exchanges(crawl, korea_kr.LIST)]
    assert sorted(bodies) == sorted(body for method, path, body in crawl.requests if method == "POST")
