"""gangjin profile: the real gangjin.go.kr pages give the expected values, and a crawl of the replica
(card list paged by `?page=N`, relative `?idx=…&mode=view` links, a dl beside the view's title,
files behind `window.open` buttons) stores every post exactly."""

from __future__ import annotations

import datetime
import shutil

import pytest
from scrapy.http import HtmlResponse

from scraper.pages.declarative import ArticlePage, ListingPage
from scraper.profiles import load_profiles
from scraper.replica.sites import site_for
from scraper.replica.sites.corpus import HUGE_VIEWS
from scraper.replica.sites.gangjin import BOARD, DOWNLOAD

from .profile_harness import crawl_site, real_page

PROFILE = load_profiles()["gangjin"]
SITE = "https://www.gangjin.go.kr"
VIEW_URL = SITE + "/www/government/news/press?idx=647621&mode=view"


@pytest.fixture(scope="module")
def real_view():
    page = ArticlePage(HtmlResponse(VIEW_URL, body=real_page("gangjin_go_kr_press_view_dl.html"),
                                    encoding="utf-8"), PROFILE)
    return page, page.to_item()


def test_real_view_page_gives_the_expected_values(real_view):
    page, item = real_view
    assert item.board_id == "647621"
    assert item.title == "“새로 열린 기차 타고 강진 가자”"
    # `2025.12.10 ` beside the title, not the footer's 최종업데이트 2025.12.12
    assert item.published == datetime.date(2025, 12, 10)
    assert item.views == 52
    # no author is printed; the page-info block's 담당부서 is the web page's, not the article's
    assert item.author is None and page.department() is None
    assert item.missing_fields == []  # the board prints no author: not missing (profile `absent`)
    assert item.body_text.startswith("“새로 열린 기차 타고 강진 가자”\n\n남도해양관광열차 부산관광객 초청 팸투")
    assert item.body_text.endswith("참가자들이 가우도 앞에서 자리를 함께 했다.")


def test_real_view_page_keeps_menus_footer_and_survey_out_of_the_body(real_view):
    _, item = real_view
    for trap in ("최종업데이트", "2025.12.12", "만족", "담당부서", "공공누리", "첨부파일", "다운로드", "다음글"):
        assert trap not in item.body_text, trap
    assert "ybmodule.file/board_www/www_press/980x1x100/1765340239.jpg" in item.body_html  # the photo


def test_real_view_page_gives_its_file_by_the_printed_name(real_view):
    _, item = real_view
    assert [a.name for a in item.attachments] == ["2- 기차여행 재단.jpg"]  # not "전체(Zip)" nor 바로보기
    assert item.attachments[0].url == (
        SITE + "/ybscript.io/common/file_download/647621/304174/"
        "2-%20%EA%B8%B0%EC%B0%A8%EC%97%AC%ED%96%89%20%EC%9E%AC%EB%8B%A8.jpg?pkey=j6wZJzwYR")
    assert item.attachments[0].content_type == "image/jpeg"


def test_real_listing_page_gives_fifteen_cards_with_their_ids_dates_and_views():
    rows = ListingPage(HtmlResponse(SITE + BOARD, body=real_page("gangjin_go_kr_press_list_cards.html"),
                                    encoding="utf-8"), PROFILE, SITE).rows()
    assert len(rows) == 15
    assert rows[0].board_id == "647621" and rows[-1].board_id == "647380"
    assert rows[0].title == "“새로 열린 기차 타고 강진 가자”"
    assert rows[5].title == "강진군 농작업용 편의의자 현장 만족도 높아 ‘호평’ 이어져"
    assert rows[-1].title == "강진군 디지털 디톡스 ‘힐링 다도·휴’ 성료"
    # the first two carry the "N" (new) icon before their date
    assert [r.published for r in rows[:3]] == [datetime.date(2025, 12, 10)] * 2 + [datetime.date(2025, 12, 8)]
    assert rows[-1].published == datetime.date(2025, 12, 8)
    assert (rows[0].views, rows[-1].views) == (50, 9)
    assert not any(r.notice for r in rows)
    assert rows[0].url == VIEW_URL
    assert all(r.url == f"{SITE}{BOARD}?idx={r.board_id}&mode=view" for r in rows)


# --------------------------------------------------------------------------- replica crawl


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = site_for("gangjin", articles=32)
    return crawl_site("gangjin", site, tmp_path_factory.mktemp("gangjin"))


def listing_paths(requests) -> list[str]:
    return [path for method, path, _ in requests if path.split("?")[0] == BOARD and "mode=view" not in path]


def view_paths(requests) -> list[str]:
    return [path for method, path, _ in requests if "mode=view" in path]


def test_crawl_stores_every_post_and_notice_with_its_fields(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr
    site = crawled.site
    stored = crawled.articles()
    assert set(stored) == {str(p.id) for p in site.posts + site.notices}
    for post in site.posts + site.notices:
        row = stored[str(post.id)]
        # no author printed; the date as `2021.01.04 ` and the count as `3,623,361`
        assert (row["title"], row["author"], row["published"], row["views"]) == (
            post.title, None, post.posted.date().isoformat(), post.views)
        assert row["body_text"] == "\n\n".join(post.paragraphs)  # not the survey, footer or files
        assert row["missing_fields"] is None
    assert HUGE_VIEWS in {row["views"] for row in stored.values()}


def test_pinned_notices_are_fetched_once_and_the_secret_post_never(crawled):
    site = crawled.site
    views = view_paths(crawled.requests)
    for notice in site.notices:
        assert views.count(f"{BOARD}?idx={notice.id}&mode=view") == 1
    assert len(views) == len(set(views)) == len(site.posts) + len(site.notices)
    assert site.secret is not None and not any(f"idx={site.secret.id}" in v for v in views)
    assert str(site.secret.id) not in crawled.articles()


def test_crawl_pages_by_page_number_and_stops_when_a_page_repeats(crawled):
    pages = crawled.site.page_count()
    assert pages == 3
    # the page past the end shows the last one again: asked once, then the walk stops
    assert listing_paths(crawled.requests) == [BOARD] + [f"{BOARD}?page={n}" for n in range(2, pages + 2)]


def test_attachments_are_downloaded_with_their_korean_names(crawled):
    files = crawled.rows("select name, size, content_type, url from attachment")
    expected = sorted((f.name, len(f.data)) for p in crawled.site.posts for f in p.files)
    assert len(expected) >= 4 and sorted((f["name"], f["size"]) for f in files) == expected
    assert {f["content_type"] for f in files} <= {"application/x-hwp", "application/pdf"}
    assert all(f["url"].startswith(f"{crawled.base_url}{DOWNLOAD}/") for f in files)
    # neither the 전체(Zip) button nor the 바로보기 viewer is taken for a file
    asked = [path for method, path, _ in crawled.requests]
    assert not any("file_type=all" in p or p.startswith("/Viewer/") for p in asked)


def test_every_exchange_is_archived_and_passes_warcio_check(crawled):
    crawled.warcio_check()
    uris = [r.target_uri for r in crawled.records() if r.record_type == "response"]
    assert len(uris) == len(crawled.requests)


def test_a_second_crawl_of_the_same_folder_fetches_nothing_it_has(crawled, tmp_path):
    """Everything stored is older than the horizon and the first walk was complete: the second
    run reads the first listing page only and fetches no view, notices included."""
    folder = tmp_path / "again"
    shutil.copytree(crawled.folder, folder)
    again = crawl_site("gangjin", site_for("gangjin", articles=32), folder)
    assert again.result.returncode == 0, again.result.stderr
    assert [path for method, path, _ in again.requests if path != "/robots.txt"] == [BOARD]
    assert len(again.articles()) == len(crawled.articles())
