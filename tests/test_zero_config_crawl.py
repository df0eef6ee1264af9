"""`bulletins crawl --url LISTING_URL`: a board with no profile, crawled through the real engine
with the zero-config extractor (links, pagination, fields), archived and stored like any source."""

from __future__ import annotations

import pytest

from scraper.replica.sites import SiteServer, site_for
from scraper.spiders.zero_config import source_for

from .conftest import run_cli
from .profile_harness import SiteCrawl

LISTING = "/Main/page.do?mnu_uid=6792&dept_code=&dept_name=&BD_CODE=bbs_bodo&bdName=&cmd=1&Start=0"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zero-config")
    site = site_for("gyeongbuk", articles=25)
    with SiteServer(site) as server:
        args = ["crawl", "--url", server.base_url + LISTING, "--database-url",
                f"sqlite:///{folder / 'bulletins.sqlite'}", "--warc-dir", str(folder / "warc")]
        first = run_cli(*args, cwd=folder)
        requests = list(server.requests)
        again = run_cli(*args, cwd=folder)
        later = server.requests[len(requests):]
    crawl = SiteCrawl(site, server.base_url, folder, first, requests)
    crawl.again, crawl.later_requests = again, later
    return crawl


def test_the_source_is_named_after_the_site():
    assert source_for("https://www.gb.go.kr/Main/page.do?cmd=1") == "auto-www-gb-go-kr"
    assert source_for("http://127.0.0.1:8000/list") == "auto-127-0-0-1"


def test_every_post_is_found_through_the_pagination_and_stored(crawled):
    assert crawled.result.returncode == 0, crawled.result.stdout + crawled.result.stderr
    stored = crawled.articles()
    assert set(stored) == {str(p.id) for p in crawled.site.posts}
    assert {r["source"] for r in stored.values()} == {"auto-127-0-0-1"}
    assert {r["extractor_version"] for r in stored.values()} == {"zero-config/1"}
    listings = [path for _, path, _ in crawled.requests if "cmd=1" in path]
    pages = -(-len(crawled.site.posts) // 10)
    assert len(listings) == pages + 1  # the page past the end repeats the last one: the walk stops


def test_fields_match_the_board_on_at_least_95_percent_of_posts(crawled):
    stored = crawled.articles()
    posts = crawled.site.posts
    right = {"title": 0, "published": 0, "views": 0, "author": 0, "body": 0}
    for post in posts:
        row = stored[str(post.id)]
        right["title"] += row["title"] == post.title
        right["published"] += row["published"] == post.posted.date().isoformat()
        right["views"] += row["views"] == post.views
        right["author"] += row["author"] == post.author
        right["body"] += row["body_text"] == "\n\n".join(post.paragraphs)
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
