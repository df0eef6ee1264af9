"""A bare Scrapy spider over the replica board: the floor a `bulletins crawl` is measured against.

    .venv/bin/python benchmarks/bare_spider.py http://127.0.0.1:PORT/blog/english-news/ [--json]

A plain ``scrapy.Spider``, run by a plain ``CrawlerProcess`` in a process of its own: it follows
what ``bulletins crawl`` follows on the board (the listing pages by their "Next" link, each
article of a listing, each attachment of an article) and yields one small dict per article and
attachment, with nothing behind it: no item pipeline, no page object, no language detection, no
database, no WARC file. Scrapy's default settings, but for the three that our crawl of a loopback
board uses too (scraper/crawl/settings.py and scraper/crawl/spiders/base.py, which lifts the delay on
loopback): 16 requests at once, 8 per domain, no delay. Those are Scrapy's defaults as well, so
naming them only keeps the two equal should a default change. The log level is INFO, the level
of ``bulletins crawl`` under cron: Scrapy's default DEBUG would write a line per request and
slow the bare spider down, flattering the ratio.

No project settings are read: the script does not call ``get_project_settings()``. (``scrapy
runspider`` would read them, through ``scrapy.cfg``, when run in the checkout.)

With ``--json`` the last line of stdout is a JSON object of the crawl's figures: responses, items
(articles, attachments), listing pages, and the spider's own seconds (finish - start).
"""

from __future__ import annotations

import argparse
import json
import sys

import scrapy
from scrapy.crawler import CrawlerProcess

# As our crawl of a board on loopback (base.py lifts the delay and raises the per-domain cap).
SETTINGS = {
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_DELAY": 0,
    "LOG_LEVEL": "INFO",
}


class BareBoardSpider(scrapy.Spider):
    """Listing -> articles -> attachments, with the replica board's selectors (those of the
    gyeonggi-en profile)."""

    name = "bare-board"

    def __init__(self, url: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [url]
        self.listing_pages = 0

    def parse(self, response):
        self.listing_pages += 1
        for href in response.css("table.board-list td.subject a::attr(href)").getall():
            yield response.follow(href, self.parse_article)
        next_page = response.css("div.pagination a.next::attr(href)").get()
        if next_page:
            yield response.follow(next_page, self.parse)

    def parse_article(self, response):
        for href in response.css("div.view-files li a::attr(href)").getall():
            yield response.follow(href, self.parse_attachment)
        yield {"kind": "article", "url": response.url}

    def parse_attachment(self, response):
        yield {"kind": "attachment", "url": response.url, "bytes": len(response.body)}


def crawl(url: str) -> dict:
    """Run the spider to its end in this process (once: the reactor does not restart)."""
    process = CrawlerProcess(SETTINGS)
    crawler = process.create_crawler(BareBoardSpider)
    process.crawl(crawler, url=url)
    process.start()
    stats = crawler.stats.get_stats()
    start, finish = stats.get("start_time"), stats.get("finish_time")
    return {
        "responses": stats.get("response_received_count", 0),
        "items": stats.get("item_scraped_count", 0),
        "listing_pages": crawler.spider.listing_pages,
        "spider_seconds": (finish - start).total_seconds() if start and finish else None,
        "finish_reason": stats.get("finish_reason"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the board's first listing page")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args(argv)
    figures = crawl(args.url)
    print(json.dumps(figures) if args.json else
          f"{figures['responses']} responses, {figures['items']} items, "
          f"{figures['listing_pages']} listing pages, spider {figures['spider_seconds']:.2f} s")
    return 0 if figures["finish_reason"] == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
