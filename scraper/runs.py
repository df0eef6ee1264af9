"""Run records: each crawl is stored as a CrawlRun row, opened at start and closed at the end."""

from __future__ import annotations

import json

from scrapy import signals
from scrapy.exceptions import NotConfigured

from storage.config import database_url
from storage.articles import register_source
from storage.db import make_engine, session
from storage.runs import finish_run, start_run

from .report import CrawlReport


class RunRecorder:
    """Extension writing the crawl's CrawlRun row (needs the database)."""

    def __init__(self, crawler, url: str):
        self.crawler = crawler
        self.url = url
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("BULLETINS_STORAGE_ENABLED", True):
            raise NotConfigured("storage switched off: no run records")
        recorder = cls(crawler, database_url(settings.get("BULLETINS_DATABASE_URL")))
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        # engine_stopped: after spider_closed, when the WARC files are closed and named
        crawler.signals.connect(recorder.engine_stopped, signal=signals.engine_stopped)
        return recorder

    def spider_opened(self, spider):
        options = {k: getattr(spider, k, None) for k in ("base_url", "since", "until", "full")}
        with session(make_engine(self.url)) as db:
            # the source table names what each source is and where it was crawled from
            register_source(db, spider.name, getattr(spider, "description", None) or None,
                            getattr(spider, "base_url", None) or None)
            self.run_id = start_run(db, spider.name, json.dumps(options, default=str))

    def engine_stopped(self):
        if self.run_id is None:
            return
        report = next((ext for ext in self.crawler.extensions.middlewares
                       if isinstance(ext, CrawlReport)), None)
        get = self.crawler.stats.get_value
        failure = report.failure if report else None
        spider = self.crawler.spider
        with session(make_engine(self.url)) as db:
            finish_run(
                db, self.run_id,
                status="failed" if failure else "ok",
                complete=failure is None and bool(getattr(spider, "walk_complete", False)),
                listing_pages=get("bulletins/listing_pages", 0),
                articles_new=get("bulletins/articles_new", 0),
                articles_updated=get("bulletins/articles_updated", 0),
                pages_failed=get("bulletins/pages_failed", 0),
                items_failed=get("bulletins/items_failed", 0),
                warc_records=get("bulletins/warc_records", 0),
                warc_files=",".join(get("bulletins/warc_files", [])) or None,
                failure=failure,
            )
