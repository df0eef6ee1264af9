"""Page objects as a crawl builds them: scrapy-poet's injector, planned once (scraper.crawl.page_inputs)."""

from __future__ import annotations

import asyncio

import andi
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request
from scrapy.spiderloader import get_spider_loader
from scrapy.statscollectors import MemoryStatsCollector
from scrapy_poet.injection import Injector

from scraper.crawl.page_inputs import PROVIDERS, InjectionMiddleware
from scraper.crawl.run import make_settings

BASE = "http://127.0.0.1:9/blog/english-news/"
# A header that is not UTF-8 (an EUC-KR file name, as Korean boards send): read as Latin-1
DISPOSITION = 'attachment; filename="보도자료.hwp"'.encode("euc-kr")


def crawler() -> Crawler:
    settings = make_settings(overrides={"BULLETINS_STORAGE_ENABLED": False})
    made = Crawler(get_spider_loader(settings).load("gyeonggi-en"), settings)
    made.spider = made._create_spider(base_url="http://127.0.0.1:9")
    made.stats = MemoryStatsCollector(made)  # as the crawl's start sets it
    return made


def answer(spider, number: int) -> HtmlResponse:
    url = f"{BASE}{number}"
    request = Request(url, callback=spider.parse_article, meta={"page_params": spider.page_params()})
    body = f"<html><body><div class='board-view'><h3 class='view-title'>Article {number}</h3></div></body></html>"
    return HtmlResponse(url, body=body.encode(), encoding="utf-8", request=request,
                        headers={"Content-Disposition": DISPOSITION})


def test_each_answer_gets_its_own_page_object_and_the_plans_are_made_once(monkeypatch):
    made = crawler()
    ours = InjectionMiddleware(made).injector
    plans = []
    real_plan = andi.plan
    monkeypatch.setattr(andi, "plan", lambda *a, **k: plans.append(a[0]) or real_plan(*a, **k))

    pages = []
    for number in range(1, 6):
        response = answer(made.spider, number)
        kwargs = asyncio.run(ours.build_callback_dependencies(response.request, response))
        pages.append((response, kwargs["page"]))
        if number == 1:
            planned_at_first = len(plans)
    assert planned_at_first > 0 and len(plans) == planned_at_first  # nothing planned again

    for response, page in pages:
        assert str(page.response.url) == response.url and page.response.body == response.body
        assert page.response.headers.get("Content-Disposition") == DISPOSITION.decode("latin-1")
        assert page.page_params == made.spider.page_params()
    assert len({id(page) for _, page in pages}) == 5
    assert [page.title for _, page in pages] == [f"Article {n}" for n in range(1, 6)]


def test_the_page_objects_are_those_scrapy_poets_own_injector_builds():
    made = crawler()
    ours = InjectionMiddleware(made).injector
    theirs = Injector(made, default_providers=PROVIDERS, registry=ours.registry)
    response = answer(made.spider, 7)
    built = [asyncio.run(injector.build_callback_dependencies(response.request, response))["page"]
             for injector in (ours, theirs)]
    assert type(built[0]) is type(built[1])
    assert built[0].response.body == built[1].response.body
    assert dict(built[0].response.headers) == dict(built[1].response.headers)
    assert built[0].page_params == built[1].page_params
    assert built[0].title == built[1].title == "Article 7"
