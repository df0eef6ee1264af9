"""korea-kr profile: the real korea.kr 정책브리핑 list gives its 20 releases, and a crawl of the
replica (list POSTed by #mainForm with pageIndex, designed view pages) stores every release exactly."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from scraper.pages.declarative import ArticlePage, ListingPage
from scraper.profiles import load_profiles
from scraper.replica.sites import site_for
from scraper.replica.sites.korea_kr import LIST, VIEW

from .profile_harness import crawl_site, real_page

PROFILE = load_profiles()["korea-kr"]
LIST_URL = "https://www.korea.kr/briefing/pressReleaseList.do"
REAL_IDS = ["156738805", "156738806", "156738803", "156738793", "156738791", "156738790",
            "156738787", "156738789", "156738786", "156738788", "156738785", "156738137",
            "156738784", "156738783", "156738780", "156738779", "156738775", "156738773",
            "156738774", "156738778"]


def real_rows():
    body = real_page("korea_kr_pressRelease_list.html")
    return ListingPage(HtmlResponse(LIST_URL, body=body, encoding="utf-8"), PROFILE,
                       "https://www.korea.kr").rows()


def test_real_listing_page_gives_its_twenty_releases_in_order():
    rows = real_rows()
    # the sidebar links the first release again, outside div.list_type: not a 21st row
    assert [r.board_id for r in rows] == REAL_IDS
    assert {r.published for r in rows} == {datetime.date(2026, 1, 7)}
    assert not any(r.notice for r in rows)
    first, eighth = rows[0], rows[7]
    assert (first.title, first.author) == ("고용노동부, 울산 남구 고용위기 선제대응지역 신규 지정", "고용노동부")
    assert (eighth.title, eighth.author) == ("모두가 만드는 국가상징구역, 국민자문단 모집", "행정중심복합도시건설청")
    assert rows[-1].author == "중소벤처기업부"
    assert all(r.url.startswith("https://www.korea.kr/briefing/pressReleaseView.do?newsId=" + r.board_id + "&")
               for r in rows)


def test_profile_posts_the_real_pages_main_form_and_pages_it_as_page_link_does():
    sel = Selector(text=real_page("korea_kr_pressRelease_list.html").decode("utf-8"))
    form = sel.css("form#mainForm")
    assert form.attrib["method"] == "post" and form.attrib["action"] == "/" + PROFILE.listing.url.lstrip("/")
    fields = set(form.css("input::attr(name)").getall())
    assert fields == set(PROFILE.listing.form) | {PROFILE.listing.pagination.param}
    assert "$('#pageIndex').val(pageNo);" in sel.css("script::text").re_first(r"function pageLink[\s\S]*?submit\(\)")
    assert sel.css("div.paging a[onclick*='pageLink(2)']")


def test_replica_view_gives_the_release_not_the_site_title_licence_or_file_buttons():
    site = site_for("korea-kr", articles=45)
    release = next(r for r in site.releases if len(r.post.files) > 1)
    url = f"https://www.korea.kr{VIEW}?newsId={release.id}&pageIndex=1"
    page = ArticlePage(HtmlResponse(url, body=site.view(release).encode("utf-8"), encoding="utf-8"), PROFILE)
    item = page.to_item()
    assert item.title == release.post.title  # og:title and <title> are the site's
    assert (item.author, item.published) == (release.body, release.post.posted.date())
    assert page.department() == f"{release.body} {release.post.department}"
    assert item.body_text == "\n\n".join(release.post.paragraphs)  # no 공공누리 / 담당 부서 text
    assert [a.name for a in item.attachments] == [f.name for f in release.post.files]  # not 내려받기
    assert all("/common/download.do?fileId=" in a.url for a in item.attachments)  # not 바로보기
    assert item.views is None and item.missing_fields == []  # korea.kr prints no count: declared absent


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = site_for("korea-kr", articles=45)
    return crawl_site("korea-kr", site, tmp_path_factory.mktemp("korea-kr"))


def test_crawl_stores_every_release_with_its_fields(crawled):
    assert crawled.result.returncode == 0, crawled.result.stderr
    stored = crawled.articles()
    assert set(stored) == {str(r.id) for r in crawled.site.releases}
    for release in crawled.site.releases:
        row, post = stored[str(release.id)], release.post
        assert (row["title"], row["author"], row["published"], row["views"]) == (
            post.title, release.body, post.posted.date().isoformat(), None)
        assert row["body_text"] == "\n\n".join(post.paragraphs)
        assert row["missing_fields"] is None  # views are absent from the board, not missing
    assert "incomplete article" not in crawled.result.stdout


def test_crawl_posts_page_index_until_a_page_repeats_and_fetches_each_view_once(crawled):
    posts = [parse_qs(body.decode(), keep_blank_values=True) for method, path, body in crawled.requests
             if method == "POST" and path == LIST]
    pages = -(-len(crawled.site.releases) // 20)
    # the page past the end shows the last page again: asked once, then the walk stops
    assert [p["pageIndex"] for p in posts] == [[str(n)] for n in range(1, pages + 2)]
    # the form as the page's #mainForm has it, with no date window narrowing the list
    assert all(p["startDate"] == p["endDate"] == [""] and "period" in p for p in posts)
    views = [path for method, path, _ in crawled.requests if path.startswith(VIEW)]
    assert len(views) == len({parse_qs(v.split("?", 1)[1])["newsId"][0] for v in views}) == len(crawled.site.releases)


def test_attachments_are_downloaded_with_the_names_printed_beside_their_buttons(crawled):
    files = crawled.rows("select name, size, content_type from attachment")
    expected = sorted((f.name, len(f.data)) for p in crawled.site.posts for f in p.files)
    assert len(expected) >= 4 and sorted((f["name"], f["size"]) for f in files) == expected
    assert {f["content_type"] for f in files} == {"application/x-hwp", "application/pdf"}


def test_every_exchange_is_archived_and_listing_posts_keep_their_form_bodies(crawled):
    crawled.warcio_check()
    records = crawled.records()
    assert len([r for r in records if r.record_type == "response"]) == len(crawled.requests)
    bodies = []
    for response, request in zip(records, records[1:]):
        if request.record_type == "request" and request.http_line.startswith(f"POST {LIST}"):
            assert response.record_type == "response" and response.target_uri == request.target_uri
            assert dict(request.warc_headers)["WARC-Concurrent-To"] == response.record_id
            bodies.append(request.payload)
    assert sorted(bodies) == sorted(body for method, path, body in crawled.requests if method == "POST")
