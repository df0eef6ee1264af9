"""Polite defaults for real sites, lifted only for a replica on loopback."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.crawler import Crawler
from scrapy.spiderloader import get_spider_loader

from scraper.crawl.backoff import RetryBackoffMiddleware
from scraper.crawl.run import make_settings


def spider_settings(base_url: str | None):
    # storage off: the spider would otherwise open ./data/bulletins.sqlite to read what is stored
    settings = make_settings(contact="mailto:ops@example.org",
                             overrides={"BULLETINS_STORAGE_ENABLED": False})
    spidercls = get_spider_loader(settings).load("gyeonggi-en")  # the profile's spider
    crawler = Crawler(spidercls, settings)  # settings not yet frozen, as in a real crawl
    kwargs = {"base_url": base_url} if base_url else {}
    crawler.spider = crawler._create_spider(**kwargs)
    return crawler.settings


def test_polite_defaults_for_the_real_site():
    s = spider_settings(None)
    assert s.getbool("ROBOTSTXT_OBEY")
    assert s.getfloat("DOWNLOAD_DELAY") >= 1
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert s.getint("RETRY_TIMES") >= 2 and 503 in s.getlist("RETRY_HTTP_CODES")
    assert s.getfloat("BULLETINS_RETRY_BACKOFF_BASE") >= 1
    assert s.get("USER_AGENT").startswith("bulletin-archiver/")
    assert "mailto:ops@example.org" in s.get("USER_AGENT")


@pytest.mark.parametrize("base", ["http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"])
def test_replica_on_loopback_lifts_the_delay(base):
    s = spider_settings(base)
    assert s.getfloat("DOWNLOAD_DELAY") == 0
    assert s.getbool("ROBOTSTXT_OBEY")


def test_a_real_host_given_as_base_url_stays_polite():
    assert spider_settings("https://english.gg.go.kr").getfloat("DOWNLOAD_DELAY") >= 1


def test_backoff_doubles_up_to_the_cap():
    mw = RetryBackoffMiddleware(base=2.0, cap=10.0)
    assert [mw.delay_for(n) for n in range(5)] == [0.0, 2.0, 4.0, 8.0, 10.0]


def test_backoff_waits_before_a_retry_only():
    from scrapy import Request
    from time import perf_counter
    mw = RetryBackoffMiddleware(base=0.2, cap=1.0)

    async def timed(request):
        t = perf_counter()
        await mw.process_request(request)
        return perf_counter() - t

    assert asyncio.run(timed(Request("http://127.0.0.1/"))) < 0.1
    assert asyncio.run(timed(Request("http://127.0.0.1/", meta={"retry_times": 2}))) >= 0.4


def test_horizon_is_this_month_and_the_last_by_default():
    from datetime import date
    from scraper.crawl.spiders.base import horizon_start
    assert horizon_start(2, today=date(2026, 11, 27)) == date(2026, 10, 1)
    assert horizon_start(2, today=date(2026, 1, 5)) == date(2025, 12, 1)
    assert horizon_start(1, today=date(2026, 1, 5)) == date(2026, 1, 1)
    assert horizon_start(13, today=date(2026, 1, 5)) == date(2025, 1, 1)
    assert horizon_start(2, today=date(2024, 2, 29)) == date(2024, 1, 1)
    assert horizon_start(2, today=date(2026, 12, 31)) == date(2026, 11, 1)
    assert horizon_start(12, today=date(2026, 12, 31)) == date(2026, 1, 1)
    assert horizon_start(0, today=date(2026, 3, 31)) == date(2026, 3, 1)  # at least this month


def test_pinned_today_replaces_the_clock_and_the_clock_is_korea_time():
    from datetime import date, datetime, timedelta, timezone
    from scraper.crawl.spiders.base import korea_today
    assert korea_today("2024-02-29") == date(2024, 2, 29)
    before = datetime.now(timezone(timedelta(hours=9))).date()
    assert korea_today(None) in (before, before + timedelta(days=1))
