"""Every profile whose replica follows the convention of scraper/replica/sites (a module named
after the profile, class `Site`) is crawled here through `bulletins crawl PROFILE --base-url` and
Scrapy's real engine, and checked the same way: every post stored once with each field its board
prints, the body, the attachments with their names and sizes, the walk over every listing page and
no further than one page past the end, and WARC files that pass `warcio check` with one response
per request.

A replica says what its board prints where it differs from the generated post
(`expected(post) -> dict` of title/author/department/published/views; `body(post)`), and which
requests are listing pages (`is_listing(method, path, body)`), with `per_page` rows on each.
What one board does that this cannot say (a session cookie, a POSTed form, EUC-KR file names…)
is checked in tests/test_profile_specifics.py, on the same crawl (`replica_crawl`); what the real
captured pages give, in tests/test_real_pages.py.
"""

from __future__ import annotations

import contextlib
import datetime
import sqlite3

import pytest

from scraper.archive.reparse.run import reparse
from scraper.extract.profiles import load_profiles
from scraper.replica.sites import replica_names

from .profile_harness import replica_crawl

PROFILES = load_profiles("")
CONVENTION = replica_names()
FIELDS = ("title", "author", "department", "published", "views")


def expected(site, post, profile) -> dict:
    """What the stored row holds for a post: the replica's own say, else the post as generated;
    fields the profile declares absent are never stored."""
    values = {"title": post.title, "author": post.author, "department": post.department,
              "published": post.posted.date(), "views": post.views}
    if hasattr(site, "expected"):
        values.update(site.expected(post))
    if isinstance(values["published"], (datetime.date, datetime.datetime)):
        values["published"] = (values["published"].date() if isinstance(values["published"], datetime.datetime)
                               else values["published"]).isoformat()
    for name in profile.view.absent:
        values[name] = None
    return values


@pytest.fixture(scope="module", params=CONVENTION)
def crawled(request, tmp_path_factory):
    return request.param, replica_crawl(request.param, tmp_path_factory)


def test_every_replica_belongs_to_a_profile_and_there_are_replicas_to_check():
    # every profile has its replica here, but gyeonggi-en's board (scraper/replica/board.py)
    assert set(PROFILES) - set(CONVENTION) == {"gyeonggi-en"}
    assert set(CONVENTION) <= set(PROFILES), "a replica module named after no profile"


def test_every_post_is_stored_once_with_what_its_board_prints(crawled):
    name, crawl = crawled
    assert crawl.result.returncode == 0, crawl.result.stdout + crawl.result.stderr
    profile, site = PROFILES[name], crawl.site
    stored = crawl.articles()
    posts = [p for p in site.posts if not getattr(p, "secret", False)]
    assert len(stored) == len(crawl.rows()), "an article stored twice"
    assert set(stored) == {str(p.id) for p in posts}
    for post in posts:
        row = stored[str(post.id)]
        want = expected(site, post, profile)
        assert {k: row[k] for k in FIELDS} == want, post.id
        body = site.body(post) if hasattr(site, "body") else "\n\n".join(post.paragraphs)
        assert row["body_text"] == body, post.id
        assert row["missing_fields"] is None, (post.id, row["missing_fields"])


def test_every_listing_page_is_walked_and_the_walk_stops(crawled):
    name, crawl = crawled
    listings = [r for r in crawl.requests if crawl.site.is_listing(*r)]
    pages = -(-len(crawl.site.posts) // crawl.site.per_page)
    # each page once; a board that repeats its last page past the end costs one more request
    assert pages <= len(listings) <= pages + 1, listings


def test_attachments_are_stored_with_their_names_and_sizes(crawled):
    name, crawl = crawled
    files = crawl.rows("select name, size from attachment")
    want = sorted((f.name, len(f.data)) for p in crawl.site.posts for f in p.files)
    assert want and sorted((f["name"], f["size"]) for f in files) == want


def test_every_exchange_is_archived_and_passes_warcio_check(crawled):
    name, crawl = crawled
    crawl.warcio_check()
    responses = [r for r in crawl.records() if r.record_type == "response"]
    assert len(responses) == len(crawl.requests)


# What reparse compares, and every column it fills; ids and first/last seen are the run's.
PARSED = ("source", "board_id", "url", "title", "issue_month", "headline", "author", "department", "published",
          "views", "body_text", "body_html", "language", "language_probability", "missing_fields", "field_problems",
          "warc_file", "warc_offset", "warc_record_id", "extractor_version")


def parsed_rows(database) -> tuple[dict, list]:
    con = sqlite3.connect(database)
    try:
        rows = {(r[0], r[1]): r for r in con.execute(f"select {', '.join(PARSED)} from article")}
        files = sorted(con.execute("select a.source, a.board_id, t.name, t.url, t.size, t.content_type "
                                   "from attachment t join article a on a.id = t.article_id"))
    finally:
        con.close()
    return rows, files


def test_a_reparse_changes_nothing_and_a_rebuild_gives_the_crawled_rows(crawled, tmp_path):
    """On every board. An attachment whose download URL carries its article's id
    (`fileDown.do?nttId=…`) is that attachment, not an article page: a reparse once saved it as
    the article, every field of the article emptied."""
    name, crawl = crawled
    copy = tmp_path / "copy.sqlite"
    with contextlib.closing(sqlite3.connect(crawl.database)) as src, contextlib.closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
    report = reparse(f"sqlite:///{copy}", crawl.warc_dir, jobs=1)
    assert (report.changes, report.unread_files, report.not_stored, report.unreadable) == ({}, [], [], [])
    assert parsed_rows(copy) == parsed_rows(crawl.database)
    rebuilt = tmp_path / "rebuilt.sqlite"
    report = reparse(f"sqlite:///{rebuilt}", crawl.warc_dir, rebuild=True, jobs=1)
    assert report.new == len(crawl.site.posts)
    assert parsed_rows(rebuilt) == parsed_rows(crawl.database)
