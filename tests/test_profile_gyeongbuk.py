"""gyeongbuk profile: the real gb.go.kr pages give the expected values, and a crawl of the replica
(card list paged by `Start=` offset, dt/dd view, .hwp downloads) stores every post exactly."""

from __future__ import annotations

import datetime

import pytest
from scrapy.http import HtmlResponse

from scraper.pages.declarative import ArticlePage, ListingPage
from scraper.profiles import load_profiles
from scraper.replica.sites import site_for

from .profile_harness import crawl_site, real_page

PROFILE = load_profiles()["gyeongbuk"]
VIEW_URL = ("https://www.gb.go.kr/Main/page.do?mnu_uid=6792&dept_code=&dept_name=&BD_CODE=bbs_bodo"
            "&bdName=&cmd=2&Start=0&B_NUM=506274201&B_STEP=506274200&B_LEVEL=0&key=4&word=&p1=0&p2=0"
            "&V_NUM=13418&tbbscode1=bbs_bodo")


def test_real_view_page_gives_the_expected_values():
    page = ArticlePage(HtmlResponse(VIEW_URL, body=real_page("gyeongbuk_gb_go_kr_press_view.html"),
                                    encoding="utf-8"), PROFILE)
    item = page.to_item()
    assert item.board_id == "506274201"
    assert item.title == "경북도, 하수 중 항생제 내성균 및 내성 유전자 조사 결과 발표"
    assert item.published == datetime.date(2026, 1, 7)
    # The page also holds a script that writes another manager's name into the field block.
    assert item.author == "황희영"
    assert page.department() == "보건환경연구원 감염병연구부 감염병조사과"
    assert item.views == 24
    assert item.body_text.startswith("- 하수 분석을 통한 도내 항생제 내성균 분포 특성 확인 -\n\n경상북도는")
    assert item.body_text.endswith("기초자료로 활용할 예정이다”고 밝혔다.")
    assert [a.name for a in item.attachments] == ["경북도, 하수 중 항생제 내성균 및 내성 유전자 조사 결과 발표.hwp"]
    assert item.attachments[0].url.startswith("https://www.gb.go.kr/Common/board_egov/download.jsp?")
    assert item.missing_fields == []


def test_real_listing_page_gives_ten_rows_with_their_ids_and_dates():
    url = "https://www.gb.go.kr/Main/page.do?mnu_uid=6792&BD_CODE=bbs_bodo&cmd=1&Start=0"
    rows = ListingPage(HtmlResponse(url, body=real_page("gyeongbuk_gb_go_kr_press_list.html"),
                                    encoding="utf-8"), PROFILE, "https://www.gb.go.kr").rows()
    assert len(rows) == 10
    assert rows[0].board_id == "506274201" and rows[-1].board_id == "506258001"
    assert rows[0].published == datetime.date(2026, 1, 7)
    assert rows[0].title == "경북도, 하수 중 항생제 내성균 및 내성 유전자 조사 결과 발표"  # no 새글 mark
    assert all(r.url.startswith("https://www.gb.go.kr/Main/page.do?") for r in rows)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = site_for("gyeongbuk", articles=25)
    return crawl_site("gyeongbuk", site, tmp_path_factory.mktemp("gyeongbuk"))


def test_crawl_stores_every_post_with_its_fields(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr
    stored = crawled.articles()
    assert set(stored) == {str(p.id) for p in crawled.site.posts}
    for post in crawled.site.posts:
        row = stored[str(post.id)]
        assert (row["title"], row["author"], row["department"], row["published"], row["views"]) == (
            post.title, post.author, post.department, post.posted.date().isoformat(), post.views)
        assert row["body_text"] == "\n\n".join(post.paragraphs)
        assert row["missing_fields"] is None


def test_crawl_pages_by_offset_and_stops_when_a_page_repeats(crawled):
    listings = [path for method, path, _ in crawled.requests if "cmd=1" in path]
    starts = [path.rsplit("Start=", 1)[1] for path in listings]
    pages = -(-len(crawled.site.posts) // 10)
    # the page past the end shows the last one again: asked once, then the walk stops
    assert starts == [str(10 * n) for n in range(pages + 1)]


def test_attachments_are_downloaded_with_their_korean_names(crawled):
    files = crawled.rows("select name, size, content_type from attachment")
    expected = sorted((f.name, len(f.data)) for p in crawled.site.posts for f in p.files)
    assert expected and sorted((f["name"], f["size"]) for f in files) == expected
    assert {f["content_type"] for f in files} <= {"application/x-hwp", "application/pdf"}


def test_every_exchange_is_archived_and_passes_warcio_check(crawled):
    crawled.warcio_check()
    uris = [r.target_uri for r in crawled.records() if r.record_type == "response"]
    assert len(uris) == len(crawled.requests)
