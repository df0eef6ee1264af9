"""A live progress line for interactive crawls; crawls under cron log plainly instead."""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressDisplay:
    """Rewrites one stderr line every INTERVAL seconds: pages, items, errors, rate.

    BULLETINS_PROGRESS: "auto" (default: only when stderr is a terminal), "on" or "off".
    """

    INTERVAL = 1.0

    def __init__(self, crawler, stream):
        self.crawler = crawler
        self.stats = crawler.stats
        self.stream = stream
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self.source = getattr(crawler.spidercls, "name", "?")

    @classmethod
    def from_crawler(cls, crawler):
        mode = str(crawler.settings.get("BULLETINS_PROGRESS", "auto")).lower()
        if mode == "off" or (mode == "auto" and not sys.stderr.isatty()):
            raise NotConfigured  # no terminal: the log is the record (no message: no warning)
        display = cls(crawler, sys.stderr)
        crawler.signals.connect(display.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(display.spider_closed, signal=signals.spider_closed)
        return display

    def spider_opened(self, spider):
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.INTERVAL, now=False)

    def spider_closed(self, spider, reason):
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.show()
        self.stream.write("\n")
        self.stream.flush()

    def line(self) -> str:
        get = self.stats.get_value
        pages = get("response_received_count", 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        errors = get("bulletins/pages_failed", 0) + get("bulletins/items_failed", 0)
        return (f"{self.source}: {pages} pages, {get('bulletins/articles', 0)} articles, "
                f"{get('bulletins/listing_pages', 0)} listings, {errors} errors, "
                f"{pages / elapsed:.1f} pages/s")

    def show(self) -> None:
        self.stream.write("\r\x1b[K" + self.line())
        self.stream.flush()
