"""Page objects on recorded pages: each field against the expected output beside the page."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import asdict, fields
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from web_poet import HttpResponse
from scrapy.spiderloader import get_spider_loader
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, select

from scraper.extract.items import ArticleRecord
from scraper.extract.pages import declarative
from scraper.extract.pages.base import mixed_decode, page_day, unusable_page
from scraper.extract.pages.declarative import ListingPage
from scraper.extract.pages.gyeonggi_en import ArticlePage
from scraper.extract.profiles import load_profiles
from scraper.crawl.run import make_settings
from storage.database.articles import save_article
from storage.database.models import Article

FIXTURES = Path(__file__).parent / "fixtures" / "gyeonggi_en"
ARTICLES = sorted(p.name for p in FIXTURES.glob("article-*"))
# Where the page was archived is the crawl's to say, not the page object's.
FIELDS = [f.name for f in fields(ArticleRecord) if not f.name.startswith("warc_") and f.name != "captured_at"]


def load(name: str):
    folder = FIXTURES / name
    url = json.loads((folder / "meta.json").read_text())["url"]
    response = HttpResponse(url, body=(folder / "input.html").read_bytes(), encoding="utf-8")
    return response, json.loads((folder / "output.json").read_text(encoding="utf-8"))


def as_json(item: ArticleRecord) -> dict:
    out = asdict(item)
    out["published"] = out["published"].isoformat() if out["published"] else None
    return out


@pytest.mark.parametrize("name", ARTICLES)
@pytest.mark.parametrize("field", FIELDS)
def test_article_field(name, field):
    response, expected = load(name)
    assert as_json(ArticlePage(response).to_item())[field] == expected[field]


@pytest.mark.parametrize("name", ARTICLES)
def test_no_extra_fields(name):
    response, expected = load(name)
    produced = {k for k, v in as_json(ArticlePage(response).to_item()).items() if k in FIELDS}
    assert produced == set(expected) == set(FIELDS)


def test_recorded_set_covers_the_cases_users_rely_on():
    outputs = {name: load(name)[1] for name in ARTICLES}
    assert {o["language"] for o in outputs.values()} == {"en", "ko"}
    assert any(o["attachments"] for o in outputs.values())
    assert outputs["article-sample"]["author"] == "관리자"
    assert outputs["article-no-views"]["missing_fields"] == ["views"]
    assert outputs["article-bad-date"]["missing_fields"] == ["published"]


def test_listing_rows_and_next_page():
    """The gyeonggi-en profile's declared listing reads the recorded page as expected; its spider
    asks for the page the 'Next' link names."""
    response, expected = load("listing-page-16")
    page = ListingPage(response, load_profiles()["gyeonggi-en"], "http://127.0.0.1:8000")
    rows = [asdict(r) | {"published": r.published.isoformat()} for r in page.rows()]
    assert rows == expected["rows"]
    spider = get_spider_loader(make_settings()).load("gyeonggi-en")(base_url="http://127.0.0.1:8000")
    crawled = HtmlResponse(str(response.url), body=response.body, encoding="utf-8")  # what the spider gets
    assert spider.listing_request(17, crawled).url == expected["next_page_url"]
    notices = [r for r in rows if r["notice"]]
    assert [r["board_id"] for r in notices] == ["901", "902"]
    sample = next(r for r in rows if r["board_id"] == "1149")
    assert sample["title"] == "[JUN. 2022] Gyeonggi-do to Strengthen International Cooperation Network ..."


def test_a_page_that_is_not_html_is_kept_with_every_field_missing():
    url = "http://127.0.0.1:8000/blog/english-news/1500"
    item = ArticlePage(HttpResponse(url, body=b"\x89PNG\r\n\x1a\n", headers={"Content-Type": "image/png"})).to_item()
    assert (item.board_id, item.url, item.title, item.body_text) == ("1500", url, None, None)
    assert item.missing_fields == ["title", "author", "published", "views", "body_text"]
    assert item.field_problems == {"page": "not an HTML page (image/png)"}


def test_an_empty_html_page_is_kept_with_every_field_missing():
    url = "http://127.0.0.1:8000/blog/english-news/1501"
    item = ArticlePage(HttpResponse(url, body=b"<html><body></body></html>", encoding="utf-8")).to_item()
    assert item.board_id == "1501"
    assert item.missing_fields == ["title", "author", "published", "views", "body_text"]


def test_a_field_method_that_raises_loses_only_that_field():
    response, expected = load("article-sample")

    class Broken(ArticlePage):
        def author(self):
            raise RuntimeError("selector exploded")

    page = Broken(response)
    item = page.to_item()
    assert item.author is None and item.missing_fields == ["author"]
    assert item.title == expected["title"] and item.views == expected["views"]
    assert "selector exploded" in page.errors["author"]
    assert item.field_problems == {"author": "RuntimeError: selector exploded"}



# --------------------------------------------------------------------------- values that cannot be true

SAMPLE_URL = "http://127.0.0.1:8000/blog/english-news/1149"
PAGE_DATE = {"Date": "Sun, 13 Dec 2026 03:00:00 GMT"}  # the answer's own day: 2026-12-13 in Korea
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def sample(changes: dict[str, str] | None = None, headers: dict | None = None) -> HttpResponse:
    """The recorded sample article with some of its markup changed."""
    html = (FIXTURES / "article-sample" / "input.html").read_text(encoding="utf-8")
    for old, new in (changes or {}).items():
        assert old in html
        html = html.replace(old, new)
    headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}  # as the board serves it
    return HttpResponse(SAMPLE_URL, body=html.encode("utf-8"), encoding="utf-8", headers=headers)


def stored(item: ArticleRecord) -> Article:
    """The article row a crawl stores for `item`."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as db:
        save_article(db, item, datetime(2026, 12, 13, 3, tzinfo=timezone.utc))
        db.commit()
        return db.exec(select(Article)).one()


def test_a_view_count_beyond_what_the_database_holds_is_missing_with_the_reason_and_the_article_stored():
    item = ArticlePage(sample({"<span>87</span>": f"<span>{2**63:,}</span>"}, PAGE_DATE)).to_item()
    assert item.views is None and item.missing_fields == ["views"]
    assert item.field_problems == {"views": "implausible count (9223372036854775808 is more than 10^12)"}
    row = stored(item)  # was an OverflowError
    assert (row.views, row.title) == (None, item.title)
    assert json.loads(row.field_problems) == item.field_problems


def test_a_negative_view_count_is_missing_with_the_reason_not_stored_as_its_opposite():
    item = ArticlePage(sample({"<span>87</span>": "<span>-5</span>"}, PAGE_DATE)).to_item()
    assert (item.views, item.missing_fields, item.field_problems) == (
        None, ["views"], {"views": "negative count (-5)"})


def test_a_profile_page_refuses_a_negative_labelled_count():
    html = ("<html><body><table class='show_form'><tr><th>제목</th><td>신안군, 통합지원회의 개최</td></tr>"
            "<tr><th>등록부서</th><td>노인건강과</td><th>등록일</th><td>2025-12-12 17:44</td>"
            "<th>조회</th><td>조회 : -5</td></tr><tr><td class='content' colspan='6'>"
            "<p>신안군은 12월 12일 신안군보건소 회의실에서 통합지원회의를 열었다고 밝혔다.</p></td></tr>"
            "</table></body></html>")
    url = "https://www.shinan.go.kr/home/www/openinfo/participation_07/participation_07_03/show/142507"
    response = HttpResponse(url, body=html.encode(), encoding="utf-8", headers=PAGE_DATE)
    item = declarative.ArticlePage(response, load_profiles()["shinan"]).to_item()
    assert (item.title, item.published, item.author) == ("신안군, 통합지원회의 개최", date(2025, 12, 12), "노인건강과")
    assert (item.views, item.field_problems) == (None, {"views": "negative count (-5)"})
    assert item.body_text == "신안군은 12월 12일 신안군보건소 회의실에서 통합지원회의를 열었다고 밝혔다."


def test_listing_rows_leave_out_counts_that_cannot_be_one():
    response, _ = load("listing-page-16")
    html = response.text.replace('<td class="hit">359</td>', f'<td class="hit">{2**63}</td>') \
                        .replace('<td class="hit">87</td>', '<td class="hit">-5</td>')
    page = ListingPage(HttpResponse(str(response.url), body=html.encode(), encoding="utf-8"),
                       load_profiles()["gyeonggi-en"], "http://127.0.0.1:8000")
    views = {r.board_id: r.views for r in page.rows()}
    assert (views["1150"], views["1149"], views["901"]) == (None, None, 1234)


@pytest.mark.parametrize("printed, problem", [
    ("2099-01-01", "implausible date (2099-01-01 is more than a day after the page's date, 2026-12-13)"),
    ("1900-01-01", "implausible date (1900-01-01 is before 1990-01-01)"),
])
def test_an_implausible_date_is_missing_with_the_reason(printed, problem):
    item = ArticlePage(sample({"<span>2022-06-24</span>": f"<span>{printed}</span>"}, PAGE_DATE)).to_item()
    assert (item.published, item.missing_fields, item.field_problems) == (None, ["published"], {"published": problem})
    assert stored(item).bulletin_id is not None  # still in its issue's bulletin, by its title prefix


def test_dates_are_judged_against_the_page_own_day_then_the_day_of_extraction():
    next_day = {"<span>2022-06-24</span>": "<span>2026-12-14</span>"}
    assert ArticlePage(sample(next_day, PAGE_DATE)).to_item().published == date(2026, 12, 14)  # embargo
    # The Date header wins over the day of extraction, so a reparse years later judges alike.
    served_before = {"Date": "Sat, 12 Dec 2026 03:00:00 GMT"}
    item = ArticlePage(sample(next_day, served_before)).to_item(today=date(2030, 1, 1))
    assert item.published is None and "2026-12-12" in item.field_problems["published"]
    # Without one, the day of extraction (injected here) is the reference.
    assert ArticlePage(sample(next_day)).to_item(today=date(2026, 12, 13)).published == date(2026, 12, 14)
    assert ArticlePage(sample(next_day)).to_item(today=date(2026, 12, 12)).published is None


@pytest.mark.parametrize("value, day", [
    ("Sun, 13 Dec 2026 03:00:00 GMT", date(2026, 12, 13)),
    ("Sun, 13 Dec 2026 16:00:00 GMT", date(2026, 12, 14)),   # already the 14th in Korea
    ("Thu, 01 Jan 1970 00:00:00 GMT", None),                  # a clock never set
    ("yesterday", None),
])
def test_the_page_day_is_its_date_header_in_korea(value, day):
    assert page_day(HttpResponse(SAMPLE_URL, body=b"<p>x", headers={"Date": value})) == day


def test_an_unreadable_printed_date_is_named():
    item = ArticlePage(sample({"<span>2022-06-24</span>": "<span>2022-02-30</span>"}, PAGE_DATE)).to_item()
    assert item.field_problems == {"published": "unreadable date ('2022-02-30')"}


def test_terminal_control_characters_are_stored_clean():
    item = ArticlePage(sample({
        "[JUN. 2022] Gyeonggi-do to Strengthen International Cooperation Network between Korea and Mongolia</h3>":
            "[JUN. 2022] \x1b]0;pwn\x07Gyeonggi-do news</h3>",
        "<span>관리자</span>": "<span>관리\x1b[2J자</span>",
        "<p>From June 8 to 10,": "<p>\x1b[31mFrom June 8 &#x1b;[0m to 10,"}, PAGE_DATE)).to_item()
    assert item.title == "[JUN. 2022] Gyeonggi-do news"   # the sequences gone whole
    assert item.headline == "Gyeonggi-do news" and item.author == "관리자"
    assert "From June 8 to 10," in item.body_text
    row = stored(item)
    for value in (row.title, row.headline, row.author, row.body_text, row.body_html):
        assert not CONTROLS.search(value)


# --------------------------------------------------------------------------- charsets

KOREAN_BODY = "경기도는 6월 8일부터 10일까지 몽골을 방문해 보건의료 국제협력 네트워크 강화 방안을 논의했다고 밝혔다."
PASTED = "도는 앞으로도 의료진 교류를 이어가겠다고 설명했다. 똠방각하 뷁"  # 똠, 뷁: CP949 beyond EUC-KR


def korean_page(*parts: bytes, charset: str = "utf-8") -> HttpResponse:
    body = (b"<html><head><title>x</title></head><body><div class='board-view'><h3 class='view-title'>"
            + "경기도, 몽골과 보건의료 협력".encode(charset) + b"</h3><ul class='view-info'><li><strong>Date"
            b"</strong> <span>2022-06-24</span></li></ul><div class='view-content'>" + b"".join(parts)
            + b"</div></div></body></html>")
    return HttpResponse(SAMPLE_URL, body=body, headers={"Content-Type": f"text/html; charset={charset}", **PAGE_DATE})


def test_a_utf8_page_with_pasted_euc_kr_text_is_mended():
    response = korean_page(f"<p>{KOREAN_BODY}</p><p>".encode(), PASTED.encode("cp949"), b"</p>")
    assert "\ufffd" in response.text  # as Scrapy decodes it
    item = ArticlePage(response).to_item()
    assert item.body_text == f"{KOREAN_BODY}\n\n{PASTED}"
    assert (item.language, item.field_problems) == ("ko", {})


def test_an_euc_kr_page_with_pasted_utf8_text_is_mended():
    response = korean_page(f"<p>{KOREAN_BODY}</p><p>".encode("cp949"), PASTED.encode("utf-8"), b"</p>",
                           charset="euc-kr")
    item = ArticlePage(response).to_item()
    assert item.title == "경기도, 몽골과 보건의료 협력"
    assert item.body_text == f"{KOREAN_BODY}\n\n{PASTED}"


def test_undecodable_text_is_stored_in_no_language_with_the_reason():
    """It was tagged Bengali with probability 1.0."""
    response = korean_page(b"<p>", b"\xff\xfe\xfa " * 40, b"</p>")
    item = ArticlePage(response).to_item()
    assert (item.language, item.language_probability) == (None, None)
    assert item.field_problems == {"language": "undecodable text (120 replacement characters)"}
    assert json.loads(stored(item).field_problems) == item.field_problems


def test_mixed_decode_reads_each_run_in_the_charset_it_decodes_in():
    body = "한국어 ".encode() + "경기도".encode("cp949") + b" ascii " + b"\xff" + " 끝".encode()
    assert mixed_decode(body, "utf-8", "cp949") == ("한국어 경기도 ascii \ufffd 끝", 1)


# --------------------------------------------------------------------------- answers that are no page

@pytest.mark.parametrize("body", [b"", b"  \r\n\t "])
def test_an_empty_answer_is_unusable(body):
    assert unusable_page(HttpResponse(SAMPLE_URL, body=body)) == "empty answer"


@pytest.mark.parametrize("body", [b"\x89PNG\r\n\x1a\n" + bytes(200), b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
                                  b"PK\x03\x04\x14\x00\x06\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64),
                                  bytes(range(256)) * 16])
def test_binary_content_served_as_html_is_unusable(body):
    response = HttpResponse(SAMPLE_URL, body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    assert unusable_page(response) == "binary content served as text/html"


def test_pages_are_usable_whatever_their_charset():
    for name in ARTICLES:
        assert unusable_page(load(name)[0]) is None
    korean = "<html><body><p>경기도 보도자료</p></body></html>"
    for charset in ("euc-kr", "utf-8"):
        body = korean.replace("<html>", f"<html><meta charset={charset}>").encode(charset)
        assert unusable_page(HttpResponse(SAMPLE_URL, body=body)) is None
    utf16 = codecs.BOM_UTF16_LE + korean.encode("utf-16-le")
    assert unusable_page(HttpResponse(SAMPLE_URL, body=utf16)) is None
    declared = HttpResponse(SAMPLE_URL, body=korean.encode("utf-16-le"), encoding="utf-16-le")
    assert unusable_page(declared) is None
    # A file answered as what it is is no "binary served as text": the page object names it.
    pdf = HttpResponse(SAMPLE_URL, body=b"%PDF-1.7\n", headers={"Content-Type": "application/pdf"})
    assert unusable_page(pdf) is None


def test_a_zero_config_page_keeps_the_body_its_extractor_read_cleaned_once(monkeypatch):
    """The zero-config extractor cleans the body element to judge it, and the article keeps that
    reading: one cleaning a page. Version 1 cleaned the cleaned HTML again, which costs 0.4 ms a
    page and is not a no-op: here it made the blank line between two paragraphs a single one."""
    from web_poet import PageParams

    from scraper.extract import cascade, html_text
    from scraper.extract.pages import base
    from scraper.extract.pages.zero_config import ArticlePage as ZeroConfigPage

    paragraphs = "".join(f"<p>도는 {n}일 청년 창업 지원사업 참여자를 모집한다고 밝혔다. 신청은 누리집에서 받는다.</p>\n"
                         for n in range(1, 4))
    last = "도는 7일 청년 창업 지원사업 참여자를 모집한다고 밝혔다. 문의는 일자리경제과로 하면 된다."
    html = ("<html><head><meta charset='utf-8'><title>도정 소식</title></head><body>"
            "<h3 class='title'>청년 창업 지원사업 참여자 모집</h3>"
            f"<div class='view_con'>\n<div>{paragraphs}</div>\n<div>{last}</div>\n</div>"
            "</body></html>")
    cleaned = []

    def counted(fragment, url):
        cleaned.append(fragment)
        return html_text.clean_fragment(fragment, url)

    monkeypatch.setattr(cascade, "clean_fragment", counted)
    monkeypatch.setattr(base, "clean_fragment", counted)
    page = ZeroConfigPage(HttpResponse("https://www.example.go.kr/news/view?idx=7", body=html.encode()),
                          PageParams({"source": "auto"}))
    record = page.to_item(detect=lambda text: ("ko", 1.0))
    assert len(cleaned) == 1
    assert (record.body_text, record.body_html) == (page.found.body_text, page.found.body_html)
    assert "청년 창업" in record.body_text and record.body_html.endswith(f"</p>\n\n<p>{last}</p>")
    assert html_text.clean_fragment(record.body_html, str(page.response.url))[1] != record.body_html
    assert record.extractor_version == "zero-config/2"
