"""shinan profile: the real 신안군 view page gives the expected values (the registering department
as author), and a crawl of the replica (table list paged by `?page=N`, links relative to the
listing, pinned notices, a secret row) stores every post exactly."""

from __future__ import annotations

import datetime

import pytest
from scrapy.http import HtmlResponse

from scraper.pages.declarative import ArticlePage, ListingPage
from scraper.profiles import load_profiles
from scraper.replica.sites import site_for
from scraper.replica.sites.shinan import BOARD, LISTING, PER_PAGE

from .profile_harness import crawl_site, real_page

PROFILE = load_profiles()["shinan"]
SITE = "https://www.shinan.go.kr"
VIEW_URL = f"{SITE}{BOARD}/show/138492?page=1&search=&keyword="


def test_real_view_page_gives_the_expected_values():
    page = ArticlePage(HtmlResponse(VIEW_URL, body=real_page("shinan_go_kr_press_view_th_td_table.html"),
                                    encoding="utf-8"), PROFILE)
    item = page.to_item()
    assert item.board_id == "138492"
    assert item.title == ('신안군, 의료·요양·돌봄 통합지원 시범사업 통합지원회의 개최.."통합지원계획 검토 및 '
                          '서비스 연계 방안 집중 논의"')
    assert item.published == datetime.date(2025, 12, 12)
    # No person is printed: the registering department (등록부서) stands for the author.
    assert item.author == "노인건강과"
    assert page.department() == "노인건강과"
    assert item.views == 42
    assert item.body_text.startswith("신안군은 12월 12일 신안군보건소 회의실에서 ‘의료·요양·돌봄")
    assert item.body_text.endswith("자료제공: 노인건강과 노인복지팀 (240-8940)")
    assert "출처표시" not in item.body_text and "QR Code" not in item.body_text
    assert [a.name for a in item.attachments] == ["보도자료(신안군 의료요양돌봄 통합지원회의 개최).hwp"]
    assert item.attachments[0].url.startswith(f"{SITE}/file/wsboard/data/www_bodo/1765529050.hwp/")
    assert item.attachments[0].url.endswith("?idx=118244")
    assert item.missing_fields == []


def test_replica_listing_rows_join_the_listing_url_and_flag_the_notices():
    site = site_for("shinan", articles=24)
    url = f"{SITE}{LISTING}?page=2&search=&keyword="
    html = site.listing(2).encode("utf-8")
    rows = ListingPage(HtmlResponse(url, body=html, encoding="utf-8"), PROFILE, SITE).rows()
    assert [r.notice for r in rows[:2]] == [True, True] and not any(r.notice for r in rows[2:])
    assert [r.board_id for r in rows] == [str(p.id) for p in [*site.notices, *site.rows[PER_PAGE:2 * PER_PAGE]]]
    # `show/138446?page=2…` beside `page.wscms`, not `/show/…` at the site root
    assert rows[2].url == f"{SITE}{BOARD}/show/{rows[2].board_id}?page=2&search=&keyword="
    first = site.rows[PER_PAGE]
    assert (rows[2].published, rows[2].views, rows[2].author) == (first.posted.date(), first.views, first.department)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    return crawl_site("shinan", site_for("shinan", articles=24), tmp_path_factory.mktemp("shinan"))


def test_crawl_stores_every_post_with_its_department_as_author(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr
    site = crawled.site
    stored = crawled.articles()
    assert set(stored) == {str(p.id) for p in [*site.posts, *site.notices]}
    for post in [*site.posts, *site.notices]:
        row = stored[str(post.id)]
        assert (row["title"], row["author"], row["published"], row["views"]) == (
            post.title, post.department, post.posted.date().isoformat(), post.views)
        assert row["body_text"] == "\n\n".join(post.paragraphs)
        assert row["missing_fields"] is None
    assert max(r["views"] for r in stored.values()) == 3_623_361


def test_views_are_asked_beside_the_listing_once_each_and_never_for_the_secret_post(crawled):
    views = [path for _, path, _ in crawled.requests if "/show/" in path]
    assert all(path.startswith(f"{BOARD}/show/") for path in views)   # never /show/… at the root
    asked = sorted(int(path.split("/show/")[1].split("?")[0]) for path in views)
    # notices pinned on every page (with that page's number in their link) are asked once
    assert asked == sorted(p.id for p in [*crawled.site.posts, *crawled.site.notices])
    assert str(crawled.site.secret.id) not in crawled.articles()


def test_crawl_pages_by_number_and_stops_when_a_page_repeats(crawled):
    listings = [path for method, path, _ in crawled.requests if path.startswith(LISTING)]
    pages = -(-len(crawled.site.rows) // PER_PAGE)
    assert [path.rsplit("page=", 1)[1].split("&")[0] for path in listings] == [
        str(n) for n in range(1, pages + 2)]


def test_attachments_are_downloaded_with_their_korean_names(crawled):
    files = crawled.rows("select name, url, size, content_type from attachment")
    expected = sorted((f.name, len(f.data)) for p in crawled.site.posts for f in p.files)
    assert expected and sorted((f["name"], f["size"]) for f in files) == expected
    assert all(f["url"].startswith(f"{crawled.base_url}/file/wsboard/data/www_bodo/") for f in files)
    assert {f["content_type"] for f in files} <= {"application/x-hwp", "application/pdf"}


def test_every_exchange_is_archived_and_passes_warcio_check(crawled):
    crawled.warcio_check()
    uris = [r.target_uri for r in crawled.records() if r.record_type == "response"]
    assert len(uris) == len(crawled.requests)
