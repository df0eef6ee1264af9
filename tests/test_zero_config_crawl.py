"""`bulletins crawl --url LISTING_URL`: a board with no profile, crawled through the real engine
with the zero-config extractor (links, pagination, fields), archived and stored like any source."""

from __future__ import annotations

import re
import sqlite3
from urllib.parse import parse_qs

import pytest

from scraper.replica.sites import SiteResponse, SiteServer, site_for
from scraper.replica.sites.scripted import ScriptedSite
from scraper.crawl.spiders.zero_config import MAX_NAME, source_for

from .conftest import run_cli
from .profile_harness import SiteCrawl

LISTING = "/Main/page.do?mnu_uid=6792&dept_code=&dept_name=&BD_CODE=bbs_bodo&bdName=&cmd=1&Start=0"
TODAY = {"BULLETINS_TODAY": "2026-11-30"}  # the horizon never depends on the calendar


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zero-config")
    site = site_for("gyeongbuk", articles=25)
    with SiteServer(site) as server:
        args = ["crawl", "--url", server.base_url + LISTING, "--database-url",
                f"sqlite:///{folder / 'bulletins.sqlite'}", "--warc-dir", str(folder / "warc")]
        first = run_cli(*args, cwd=folder, env=TODAY)
        requests = list(server.requests)
        again = run_cli(*args, cwd=folder, env=TODAY)
        later = server.requests[len(requests):]
    crawl = SiteCrawl(site, server.base_url, folder, first, requests)
    crawl.again, crawl.later_requests = again, later
    crawl.listing_url = server.base_url + LISTING
    return crawl


def test_the_source_is_named_after_the_site_and_the_board():
    assert source_for("https://www.gg.go.kr/bbs/board.do?bsIdx=464&page=2") == (
        "auto-www.gg.go.kr-bbs-board.do-bsIdx-464")
    assert source_for("https://www.gb.go.kr" + LISTING) == (
        "auto-www.gb.go.kr-Main-page.do-BD_CODE-bbs_bodo-cmd-1-mnu_uid-6792")
    assert source_for("http://127.0.0.1:8000/list") == "auto-127.0.0.1-list"
    # the board's own parameters tell boards of one path apart; paging, search and order do not
    assert source_for("https://a.go.kr/bbs/list.do?bbsId=B1") != source_for("https://a.go.kr/bbs/list.do?bbsId=B2")
    assert len({source_for("https://a.go.kr/bbs/list.do?bbsId=B1&menuNo=7" + extra) for extra in (
        "", "&pageIndex=3", "&searchWrd=&searchCnd=0", "&cpage=2&sort=date")} | {
        source_for("https://a.go.kr/bbs/list.do?menuNo=7&bbsId=B1")}) == 1
    assert source_for("https://a.go.kr/bbs/board.php?bo_table=press&page=2") == "auto-a.go.kr-bbs-board.php-bo_table-press"
    # 광주광역시's list pages by a posted movePage (its links carry it too) and sizes by recordCnt
    assert source_for("https://www.gwangju.go.kr/boardList.do?boardId=BD_0000000022&pageId=www789&movePage=3"
                      "&recordCnt=10") == "auto-www.gwangju.go.kr-boardList.do-boardId-BD_0000000022-pageId-www789"


def test_a_source_name_is_safe_and_bounded_a_hash_keeping_boards_apart():
    korean = [source_for(f"https://a.go.kr/%EB%B3%B4%EB%8F%84/{board}/list.do") for board in ("%EA%B0%80", "%EB%82%98")]
    long = [source_for("https://a.go.kr/" + "section/" * 30 + f"list.do?code={n}") for n in (1, 2)]
    for name in korean + long:
        assert re.fullmatch(r"auto-[A-Za-z0-9._-]+", name) and len(name) <= MAX_NAME, name
        assert re.search(r"-[0-9a-f]{8}$", name)
    assert len(set(korean)) == 2 and len(set(long)) == 2
    assert korean[0].startswith("auto-a.go.kr-list.do-") and long[0].startswith("auto-a.go.kr-section-section-")
    assert source_for("https://a.go.kr/x/list.do?code=1") == source_for("https://a.go.kr/x/list.do?code=1")


def test_every_post_is_found_through_the_pagination_and_stored(crawled):
    assert crawled.result.returncode == 0, crawled.result.stdout + crawled.result.stderr
    stored = crawled.articles()
    assert set(stored) == {str(p.id) for p in crawled.site.posts}
    assert {r["source"] for r in stored.values()} == {source_for(crawled.listing_url)}
    assert {r["extractor_version"] for r in stored.values()} == {"zero-config/2"}
    listings = [path for _, path, _ in crawled.requests if "cmd=1" in path]
    pages = -(-len(crawled.site.posts) // 10)
    assert len(listings) == pages + 1  # the page past the end repeats the last one: the walk stops


def fields_right(crawled, author_of) -> dict[str, int]:
    """How many of the site's posts have each field stored right (`author_of`: what a post's
    author field should read)."""
    stored = crawled.articles()
    right = {"title": 0, "published": 0, "views": 0, "author": 0, "body": 0}
    for post in crawled.site.posts:
        row = stored[str(post.id)]
        right["title"] += row["title"] == post.title
        right["published"] += row["published"] == post.posted.date().isoformat()
        right["views"] += row["views"] == post.views
        right["author"] += row["author"] == author_of(post)
        right["body"] += row["body_text"] == "\n\n".join(post.paragraphs)
    return right


def test_fields_match_the_board_on_at_least_95_percent_of_posts(crawled):
    posts = crawled.site.posts
    right = fields_right(crawled, lambda post: post.author)
    assert {field: n / len(posts) for field, n in right.items()} == pytest.approx(
        {field: 1.0 for field in right}, abs=0.05), right


def test_everything_is_archived(crawled):
    crawled.warcio_check()
    responses = [r for r in crawled.records() if r.record_type in ("response", "revisit")]
    # both crawls; a payload archived before (the same file under another URL) is a revisit
    assert len(responses) == len(crawled.requests) + len(crawled.later_requests)


def test_a_second_crawl_of_the_url_is_incremental(crawled):
    assert crawled.again.returncode == 0, crawled.again.stderr
    views = [path for _, path, _ in crawled.later_requests if "cmd=2" in path]
    assert views == []  # every post is older than the horizon and stored: nothing re-fetched
    assert "articles: 0 parsed" in crawled.again.stdout


def test_source_and_url_together_is_a_one_line_error(tmp_path):
    result = run_cli("crawl", "gyeongbuk", "--url", "http://127.0.0.1:9/list", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "bulletins: error: give a SOURCE (see `bulletins sources`) or --url LISTING_URL, not both"]
    assert "auto" not in run_cli("sources").stdout.split()


def test_sources_lists_a_crawled_board_with_its_listing_url(crawled):
    result = run_cli("sources", "--database-url", f"sqlite:///{crawled.database}", cwd=crawled.folder)
    assert result.returncode == 0, result.stderr
    name = source_for(crawled.listing_url)
    assert f"{name}\t{crawled.listing_url}" in result.stdout.splitlines()
    verbose = run_cli("sources", "-v", "--database-url", f"sqlite:///{crawled.database}", cwd=crawled.folder)
    assert f"{name}\t{crawled.listing_url}\tno profile (zero-config), {len(crawled.site.posts)} articles" in (
        verbose.stdout.splitlines())
    runnable = run_cli("sources", "--runnable", "--database-url", f"sqlite:///{crawled.database}",
                       cwd=crawled.folder)
    assert name not in runnable.stdout  # crawled by URL, not by name: not what the nightly run crawls


# --- two boards of one site: their article ids overlap, their sources must not --------------------


class Mounted:
    """Replica sites side by side on one host, each under its own path prefix (`/a/...`, `/b/...`):
    a request is passed on without its prefix, and the absolute links of its pages get it."""

    def __init__(self, **sites):
        self.sites = sites

    def respond(self, request):
        prefix, _, rest = request.path.lstrip("/").partition("/")
        site = self.sites.get(prefix)
        if site is None:
            return next(iter(self.sites.values())).respond(request)  # /robots.txt
        request.path = "/" + rest
        response = site.respond(request)
        if response.content_type.startswith("text/html"):
            body = re.sub(rb'(href|src)="/', rb'\1="/' + prefix.encode() + b"/", response.body)
            response = SiteResponse(response.status, body, response.content_type, response.headers)
        return response


@pytest.fixture(scope="module")
def two_boards(tmp_path_factory):
    """Board a (25 posts) and board b (20 others) of one site, numbered alike: b's ids are a's."""
    folder = tmp_path_factory.mktemp("two-boards")
    boards = {"a": site_for("gyeongbuk", articles=25, seed=11), "b": site_for("gyeongbuk", articles=20, seed=12)}
    database = f"sqlite:///{folder / 'bulletins.sqlite'}"
    with SiteServer(Mounted(**boards)) as server:
        urls = {key: f"{server.base_url}/{key}{LISTING}" for key in boards}
        results = {key: run_cli("crawl", "--url", urls[key], "--database-url", database, "--warc-dir",
                                str(folder / "warc"), cwd=folder, env=TODAY) for key in boards}
    return dict(boards=boards, urls=urls, results=results, folder=folder, database=database)


def test_two_boards_of_one_site_with_the_same_ids_are_two_sources(two_boards):
    boards, urls = two_boards["boards"], two_boards["urls"]
    shared = {p.id for p in boards["a"].posts} & {p.id for p in boards["b"].posts}
    assert len(shared) == len(boards["b"].posts)  # every id of b is an id of a
    assert source_for(urls["a"]) != source_for(urls["b"])
    con = sqlite3.connect(two_boards["folder"] / "bulletins.sqlite")
    try:
        for key, site in boards.items():
            result = two_boards["results"][key]
            assert result.returncode == 0, result.stdout + result.stderr
            assert f"{len(site.posts)} new" in result.stdout  # the second board too: all of it
            stored = {board_id: title for board_id, title in con.execute(
                "select board_id, title from article where source = ?", (source_for(urls[key]),))}
            assert stored == {str(p.id): p.title for p in site.posts}
    finally:
        con.close()
    listed = run_cli("sources", "--database-url", two_boards["database"]).stdout.splitlines()
    assert {f"{source_for(urls[key])}\t{urls[key]}" for key in boards} <= set(listed)


def test_a_board_stored_under_its_old_host_name_goes_on_with_name(two_boards, tmp_path):
    """Zero-config sources were named `auto-<host>` before: `--name` keeps crawling one of them
    into its old source; `--name` takes `auto-` names only."""
    from scraper.crawl.spiders.zero_config import legacy_source_for

    url = two_boards["urls"]["a"]
    assert legacy_source_for(url) == "auto-127-0-0-1"
    refused = run_cli("crawl", "--url", url, "--name", "gyeongbuk", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "bulletins: error: --name: a zero-config source's name starts with 'auto-', got 'gyeongbuk'"]
    alone = run_cli("crawl", "gyeongbuk", "--name", "auto-x", cwd=tmp_path)
    assert alone.returncode == 2 and "--name goes with --url" in alone.stderr

    board = two_boards["boards"]["a"]
    with SiteServer(Mounted(a=board)) as server:
        url = f"{server.base_url}/a{LISTING}"
        kept = run_cli("crawl", "--url", url, "--name", "auto-127-0-0-1", cwd=tmp_path, env=TODAY)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    con = sqlite3.connect(tmp_path / "data" / "bulletins.sqlite")
    try:
        assert dict(con.execute("select source, count(*) from article group by source").fetchall()) == {
            "auto-127-0-0-1": len(board.posts)}
    finally:
        con.close()
    assert f"auto-127-0-0-1\t{url}" in run_cli("sources", cwd=tmp_path).stdout.splitlines()


# --- a last page with one article under a pinned notice; boards paged only by script ---------------


def crawl_scripted(folder, **options) -> SiteCrawl:
    site = ScriptedSite(**options)
    with SiteServer(site) as server:
        url = server.base_url + site.listing_path()
        result = run_cli("crawl", "--url", url, "--database-url", f"sqlite:///{folder / 'bulletins.sqlite'}",
                         "--warc-dir", str(folder / "warc"), cwd=folder, env=TODAY)
        requests = list(server.requests)
    crawl = SiteCrawl(site, server.base_url, folder, result, requests)
    crawl.listing_url = url
    return crawl


def listing_requests(crawl) -> list[tuple[str, str, bytes]]:
    return [(method, path, body) for method, path, body in crawl.requests if path.startswith("/boardList.do")]


def assert_every_article_stored_and_ok(crawl) -> None:
    result = crawl.result
    assert result.returncode == 0, result.stdout + result.stderr
    assert "status: ok" in result.stdout.splitlines(), result.stdout
    site = crawl.site
    assert set(crawl.articles()) == {str(p.id) for p in [*site.posts, *site.notices]}


@pytest.fixture(scope="module")
def last_page_alone(tmp_path_factory):
    """21 articles, 10 a page, and a notice pinned on top of every page: the third and last page
    shows the notice and one article, two links that look like less of a list than the pager."""
    return crawl_scripted(tmp_path_factory.mktemp("last-page"), articles=21, paging="links")


def test_a_last_page_with_one_article_under_a_pinned_notice_loses_nothing(last_page_alone):
    crawl = last_page_alone
    site = crawl.site
    assert len(site.posts) % site.per_page == 1 and site.last_page == 3
    assert_every_article_stored_and_ok(crawl)
    oldest = str(site.posts[-1].id)
    assert crawl.articles()[oldest]["title"] == site.posts[-1].title
    # pages 1 to 3, then the page past the end, which repeats the last one: the walk stops there
    assert [path for _, path, _ in listing_requests(crawl)] == [
        site.listing_path(), *(f"{site.listing_path()}&movePage={n}" for n in (2, 3, 4))]
    assert "yielded no rows" not in crawl.result.stdout


def test_a_new_board_with_one_article_under_a_notice_is_no_layout_drift(tmp_path):
    """The board's only page holds two rows: read, not reported as a layout that yields none."""
    crawl = crawl_scripted(tmp_path, articles=2, paging="links")
    assert len(crawl.site.posts) == 1 and crawl.site.last_page == 1
    assert_every_article_stored_and_ok(crawl)
    assert "layout drift" not in crawl.result.stdout


@pytest.fixture(scope="module", params=["hidden-field", "function"])
def script_paged(request, tmp_path_factory):
    """Boards whose HTML holds no page link: 광주광역시's hidden `movePage` field set by a click
    handler on a pager `paging(current, totalPages, totalRows)` draws, or `fn_link_page(n)`."""
    return crawl_scripted(tmp_path_factory.mktemp(request.param), articles=25, paging=request.param)


def test_a_board_paged_only_by_script_is_walked_to_its_last_page(script_paged):
    crawl = script_paged
    site = crawl.site
    assert site.last_page == 3
    assert_every_article_stored_and_ok(crawl)
    asked = listing_requests(crawl)
    assert [method for method, _, _ in asked] == ["GET", "POST", "POST"]  # the last page says it is the last
    field = "movePage" if site.paging == "hidden-field" else "pageIndex"
    forms = [parse_qs(body.decode()) for _, _, body in asked[1:]]
    assert [form[field] for form in forms] == [["2"], ["3"]]
    assert all(form["boardId"] == ["BD_0000000022"] for form in forms)


def test_fields_printed_in_one_unlabelled_line_are_read(script_paged):
    """The view pages print `부서 | 2024-03-05 | 153`: date, department and views by position."""
    posts = script_paged.site.posts
    right = fields_right(script_paged, lambda post: post.department)
    assert right == {field: len(posts) for field in right}
