"""Page objects on recorded pages: each field against the expected output beside the page."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Response
from scrapy.spiderloader import get_spider_loader

from scraper.items import ArticleRecord
from scraper.pages.declarative import ListingPage
from scraper.pages.gyeonggi_en import ArticlePage
from scraper.profiles import load_profiles
from scraper.run import make_settings

FIXTURES = Path(__file__).parent / "fixtures" / "gyeonggi_en"
ARTICLES = sorted(p.name for p in FIXTURES.glob("article-*"))
# Where the page was archived is the crawl's to say, not the page object's.
FIELDS = [f.name for f in fields(ArticleRecord) if not f.name.startswith("warc_") and f.name != "captured_at"]


def load(name: str):
    folder = FIXTURES / name
    url = json.loads((folder / "meta.json").read_text())["url"]
    response = HtmlResponse(url, body=(folder / "input.html").read_bytes(), encoding="utf-8")
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
    assert spider.listing_request(17, response).url == expected["next_page_url"]
    notices = [r for r in rows if r["notice"]]
    assert [r["board_id"] for r in notices] == ["901", "902"]
    sample = next(r for r in rows if r["board_id"] == "1149")
    assert sample["title"] == "[JUN. 2022] Gyeonggi-do to Strengthen International Cooperation Network ..."


def test_a_page_that_is_not_html_is_kept_with_every_field_missing():
    url = "http://127.0.0.1:8000/blog/english-news/1500"
    item = ArticlePage(Response(url, body=b"\x89PNG\r\n")).to_item()
    assert (item.board_id, item.url, item.title, item.body_text) == ("1500", url, None, None)
    assert item.missing_fields == ["title", "author", "published", "views", "body_text"]


def test_an_empty_html_page_is_kept_with_every_field_missing():
    url = "http://127.0.0.1:8000/blog/english-news/1501"
    item = ArticlePage(HtmlResponse(url, body=b"<html><body></body></html>", encoding="utf-8")).to_item()
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
