"""Board families (yb-cms, cs-board, jsp-board) and their county profiles on the real pages of
../shared/real-pages: every field the README expects, and the traps it lists left out."""

from __future__ import annotations

import datetime

import pytest
from web_poet import HttpResponse

from scraper.extract.pages.declarative import ArticlePage, ListingPage
from scraper.extract.profiles import load_profiles
from scraper.crawl.spiders.profiled import spider_class

from .profile_harness import real_page

PROFILES = load_profiles("")
NAJU_BOARD = "https://www.naju.go.kr/www/administration/reporting/coverage"
MOKPO_BOARD = "https://www.mokpo.go.kr/www/mokpo_news/press_release/report_material"


def view(name: str, url: str, file: str) -> ArticlePage:
    return ArticlePage(HttpResponse(url, body=real_page(file), encoding="utf-8"), PROFILES[name])


def rows(name: str, url: str, file: str, base: str):
    return ListingPage(HttpResponse(url, body=real_page(file), encoding="utf-8"), PROFILES[name], base).rows()


# ---------------------------------------------------------------------- yb-cms: 나주, 목포


@pytest.mark.parametrize("name, board_id", [("naju", "591764"), ("yb-cms", "www.naju.go.kr:591764")])
def test_naju_view_gives_the_expected_values(name, board_id):
    page = view(name, f"{NAJU_BOARD}?idx=591764&mode=view", "naju_www.naju.go.kr_press_view.html")
    item = page.to_item()
    assert item.board_id == board_id
    # not og:title, which is padded with keywords
    assert item.title == "꽃소마루 나주혁신점-빛가람동, ‘한돈·가족 외식권 후원’ 협약"
    assert item.published == datetime.date(2025, 12, 5)
    assert item.author is None and page.department == "빛가람동"   # 등록부서 only
    assert item.views == 36
    # not og:description, a base64 blob
    assert item.body_text.startswith("내년 12월까지 지역아동센터 3곳에 780만 원 상당 한돈 지원")
    assert item.body_text.endswith("후원하는 협약을 체결했다.\n(사진 제공-나주시)")
    # one photo, printed under a caption cut short with no extension ([jpg,474.7 KB] beside it)
    [photo] = item.attachments
    assert photo.name.startswith("나주시 빛가람동은 지난 2일 꽃소마루 나주혁신점과")
    assert photo.name.endswith("후원하는 협약을") and "." not in photo.name.rsplit(" ", 1)[-1]
    assert photo.url.startswith("https://www.naju.go.kr/ybscript.io/common/file_download/591764/261610/")
    assert photo.url.endswith("?pkey=aP5W26PZN")
    assert item.missing_fields == []


@pytest.mark.parametrize("name, prefix", [("naju", ""), ("yb-cms", "www.naju.go.kr:")])
def test_naju_list_gives_ten_rows_with_ids_dates_and_views(name, prefix):
    found = rows(name, NAJU_BOARD, "naju_www.naju.go.kr_press_list.html", "https://www.naju.go.kr")
    assert len(found) == 10
    # the 번호 column (2,477 …) is a display number, not the id
    assert [r.board_id for r in found][:3] == [prefix + "591764", prefix + "591763", prefix + "591762"]
    assert found[-1].board_id == prefix + "591658"
    assert {r.published for r in found} == {datetime.date(2025, 12, 5)}
    assert [r.views for r in found][:3] == [19, 10, 12]
    assert found[0].title == "꽃소마루 나주혁신점-빛가람동, ‘한돈·가족 외식권 후원’ 협약"
    assert not any(r.notice for r in found)
    assert found[0].url == f"{NAJU_BOARD}?idx=591764&mode=view"


@pytest.mark.parametrize("name", ["mokpo", "yb-cms"])
def test_mokpo_view_gives_the_expected_values(name):
    page = view(name, f"{MOKPO_BOARD}?idx=541194&mode=view", "mokpo_www.mokpo.go.kr_press_view.html")
    item = page.to_item()
    assert item.board_id.endswith("541194")
    assert item.title == "목포향기나는교회, 유달동 어려운 이웃에 온수매트 전달"
    assert item.published == datetime.date(2025, 12, 9)
    # 담당부서 of the article, not the footer's 홍보과; no author printed
    assert item.author is None and page.department == "유달동"
    # the view count, not the file's download counter "(1 hit/ 360.6 KB)"
    assert item.views == 28
    assert item.body_text.startswith("목포향기나는교회(담임목사 박진)는 지난 8일, 저소득 취약계층을 위해 온수매트")
    assert item.body_text.endswith("맞춤형복지팀장 이명희 270-4730, 주무관 백계훈 270-4724)")
    assert [a.name for a in item.attachments] == ["5.목포향기나는교회, 유달동 어려운 이웃에 온수매트 전달(유달동).jpg"]
    assert item.attachments[0].url.startswith(
        "https://www.mokpo.go.kr/www/ybscript.io/common/file_download/541194/614324/")
    assert item.missing_fields == []


def test_a_yb_cms_board_is_crawled_from_its_own_page_given_as_base_url():
    spider = spider_class(PROFILES["yb-cms"])(base_url=NAJU_BOARD)
    assert spider.listing_request(1).url == NAJU_BOARD
    assert spider.listing_request(3).url == f"{NAJU_BOARD}?page=3"


# ---------------------------------------------------------------------- cs-board: 진도


@pytest.mark.parametrize("name, prefix", [("jindo", ""), ("cs-board", "www.jindo.go.kr:")])
def test_jindo_list_gives_five_cards_with_ids_dates_and_views(name, prefix):
    url = "https://www.jindo.go.kr/home/board/B0016.cs?m=626"
    found = rows(name, url, "jindo_www.jindo.go.kr_press_list.html", "https://www.jindo.go.kr")
    assert [r.board_id for r in found] == [prefix + i for i in ("178408", "178407", "178365", "178351", "178350")]
    assert [r.published for r in found] == [datetime.date(2025, 12, 9)] * 2 + [datetime.date(2025, 12, 8)] * 3
    assert [r.views for r in found] == [14, 22, 43, 31, 33]
    # the [분류] category and the "new" icon are not part of the title
    assert found[0].title == "진도군, 성수동에서 만나는 ‘진도 곱창김 팝업스토어’"
    # relative links join the board page, not the site root
    assert found[0].url.startswith("https://www.jindo.go.kr/home/board/B0016.cs?act=read&articleId=178408&")


def test_jindo_pages_by_get_page_index_on_its_board():
    spider = spider_class(PROFILES["jindo"])()
    assert spider.listing_request(1).url == "https://www.jindo.go.kr/home/board/B0016.cs?m=626"
    assert spider.listing_request(2).url == "https://www.jindo.go.kr/home/board/B0016.cs?m=626&pageIndex=2"


# ---------------------------------------------------------------------- jsp-board: 광주


def test_gwangju_list_gives_ten_rows_with_ids_dates_authors_and_views():
    found = rows("jsp-board", "https://www.gwangju.go.kr/boardList.do",
                 "gwangju_www.gwangju.go.kr_notice_list.html", "https://www.gwangju.go.kr")
    assert len(found) == 10
    # ids carry site and board: the family holds many boards
    assert found[0].board_id == "www.gwangju.go.kr:BD_0000000022:16222"
    assert found[-1].board_id == "www.gwangju.go.kr:BD_0000000022:16213"
    assert [r.published for r in found][:3] == [datetime.date(2025, 12, 5), datetime.date(2025, 12, 4),
                                                 datetime.date(2025, 12, 3)]
    assert found[-1].published == datetime.date(2025, 12, 1)
    assert [r.views for r in found][:3] == [64, 56, 84]
    # the whole title (the link text is cut with ...), the department without the hidden label
    assert found[0].title == ("금호타이어 광주공장 화재에 따른 보건환경연구원 대기환경이동측정차량 실시간 "
                              "측정데이터 공개(12월 04일)")
    assert found[0].author == "미세먼지분석과"
    assert not any(r.notice for r in found)


def test_gwangju_pages_by_posting_move_page_through_the_board_form():
    # The list has no page links: `paging(1, 1537, 15367)` draws them, a click sets movePage in
    # form#boardSearchForm and POSTs it to /boardList.do. The page names that form and field.
    html = real_page("gwangju_www.gwangju.go.kr_notice_list.html").decode("utf-8")
    assert "paging( 1, 1537, 15367)" in html and 'action="/boardList.do"' in html
    assert 'name="movePage"' in html and 'name="boardId" value="BD_0000000022"' in html
    spider = spider_class(PROFILES["jsp-board"])(base_url="https://www.gwangju.go.kr?boardId=BD_0000000022")
    request = spider.listing_request(2)
    assert request.method == "POST" and request.url == "https://www.gwangju.go.kr/boardList.do"
    sent = dict(pair.split("=", 1) for pair in request.body.decode().split("&"))
    assert sent == {"boardId": "BD_0000000022", "movePage": "2"}


def test_the_yb_cms_family_reads_gangjins_skin_too():
    # 강진 keeps a profile of its own (gangjin.toml); the family's selectors read its pages alike.
    board = "https://www.gangjin.go.kr/www/government/news/press"
    page = view("yb-cms", f"{board}?idx=647621&mode=view", "gangjin_go_kr_press_view_dl.html")
    item = page.to_item()
    assert item.board_id == "www.gangjin.go.kr:647621"
    assert (item.title, item.published, item.views) == ("“새로 열린 기차 타고 강진 가자”", datetime.date(2025, 12, 10), 52)
    assert item.body_text.startswith("“새로 열린 기차 타고 강진 가자”\n\n남도해양관광열차 부산관광객 초청 팸투")
    assert item.body_text.endswith("참가자들이 가우도 앞에서 자리를 함께 했다.")
    assert [a.name for a in item.attachments] == ["2- 기차여행 재단.jpg"]
    assert item.missing_fields == []          # no author: the family says the board prints none
    found = rows("yb-cms", board, "gangjin_go_kr_press_list_cards.html", "https://www.gangjin.go.kr")
    assert len(found) == 15 and found[0].board_id == "www.gangjin.go.kr:647621"
    assert (found[0].published, found[0].views) == (datetime.date(2025, 12, 10), 50)
    assert found[-1].board_id == "www.gangjin.go.kr:647380"
