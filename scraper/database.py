"""The crawl's one database component: one engine and one unit of work per crawler.

Every part of a crawl that reads or writes the database (the spider's incremental state, the
storage pipeline, the capture middleware's digest index, conditional requests, the run record)
asks `CrawlDatabase.from_crawler(crawler)` and gets the same instance, so one process holds one
session, one connection and one batch (storage.unit_of_work). A write that cannot be stored is
reported as a failed item of the crawl (scraper.report.item_failed) and never stops the others.

The run recorder closes it, after the run's last write (scraper.runs).
"""

from __future__ import annotations

import weakref
from typing import Any

from scrapy.exceptions import NotConfigured

from storage.config import database_url
from storage.db import make_engine
from storage.unfinished import unfinished_urls
from storage.unit_of_work import UnitOfWork, one_line

from .report import item_failed

_per_crawler: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def storage_enabled(settings) -> bool:
    return settings.getbool("BULLETINS_STORAGE_ENABLED", True)


class CrawlDatabase:
    """One engine, one unit of work; `work.write(...)` / `work.read(...)` for every component."""

    def __init__(self, crawler, url: str, commit_every: int):
        self.crawler = crawler
        self.url = url
        self.engine = make_engine(url)
        self.work = UnitOfWork(self.engine, commit_every=commit_every, on_failure=self._failed)
        self.closed = False
        self.run_id: int | None = None  # the crawl's own crawlrun row (scraper.runs)
        self._unfinished: dict[str, set[tuple[str, str]]] = {}

    @classmethod
    def from_crawler(cls, crawler) -> CrawlDatabase:
        """The crawler's instance, made on first use; NotConfigured when storage is switched off."""
        if not storage_enabled(crawler.settings):
            raise NotConfigured("storage switched off (BULLETINS_STORAGE_ENABLED)")
        database = _per_crawler.get(crawler)
        if database is None:
            settings = crawler.settings
            database = cls(crawler, database_url(settings.get("BULLETINS_DATABASE_URL")),
                           settings.getint("BULLETINS_COMMIT_EVERY", 200))
            _per_crawler[crawler] = database
        return database

    def read(self, run) -> Any:
        return self.work.read(run)

    def was_unfinished(self, source: str, kind: str, url: str) -> bool:
        """Whether an earlier run left this URL unfinished (its ledger row goes once it is done);
        the source's rows are read once."""
        if source not in self._unfinished:
            self._unfinished[source] = self.read(lambda db: unfinished_urls(db, source))
        return (kind, url) in self._unfinished[source]

    def close(self) -> None:
        """Commit what is left and let the connection go (idempotent)."""
        if not self.closed:
            self.closed = True
            self.work.close()

    def _failed(self, label, error: BaseException) -> None:
        """A write lost: its URL is a failed item of the crawl, left unfinished for the next run."""
        self.crawler.signals.send_catch_log(
            item_failed, url=getattr(label, "url", str(label)), reason=f"not stored: {one_line(error)}",
            kind=getattr(label, "kind", None), board_id=getattr(label, "board_id", None))
