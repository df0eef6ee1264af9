"""The crawls' one database component: one engine and one unit of work per process.

Every part of a crawl that reads or writes the database (the spider's incremental state, the
storage pipeline, the capture middleware's digest index, conditional requests, the run record)
asks `CrawlDatabase.from_crawler(crawler)` and gets its crawler's handle. The handles of every
crawler of the process on one database share one `ProcessDatabase`: one engine, one session, one
connection and one batch (storage.database.unit_of_work). Crawls of several sources side by side
(`bulletins crawl --all`) thus write from the one reactor thread through one connection, and
never wait on a lock another crawl of the process holds (SQLite has one write lock).

A write that cannot be stored is reported as a failed item of the crawl that made it
(scraper.crawl.report.item_failed), whichever crawl's commit found the fault, and never stops the
others. What stays per crawler: its run record's id (`run_id`, scraper.crawl.runs) and what earlier
runs of its source left unfinished.

Each crawler's run recorder closes its handle after the run's last write (scraper.crawl.runs): the
batch is committed then; the process's session is closed with the last handle.
"""

from __future__ import annotations

import weakref
from typing import Any

from scrapy.exceptions import NotConfigured

from storage.config import database_url
from storage.database.db import make_engine
from storage.database.unfinished import unfinished_urls
from storage.database.unit_of_work import UnitOfWork, one_line

from .report import item_failed

_per_crawler: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_per_url: dict[str, ProcessDatabase] = {}


def storage_enabled(settings) -> bool:
    return settings.getbool("BULLETINS_STORAGE_ENABLED", True)


class ProcessDatabase:
    """The process's engine and unit of work on one database, shared by its crawlers."""

    def __init__(self, url: str, commit_every: int):
        self.url = url
        self.engine = make_engine(url)
        self.work = UnitOfWork(self.engine, commit_every=commit_every)
        self.handles: weakref.WeakSet = weakref.WeakSet()  # the open CrawlDatabase handles
        self.closed = False

    @classmethod
    def for_url(cls, url: str, commit_every: int) -> ProcessDatabase:
        shared = _per_url.get(url)
        if shared is None or shared.closed:
            shared = _per_url[url] = cls(url, commit_every)
        return shared

    def attach(self, handle: CrawlDatabase) -> None:
        self.handles.add(handle)

    def detach(self, handle: CrawlDatabase) -> None:
        """A crawler is done: its writes are committed; the last one closes the session."""
        self.handles.discard(handle)
        if self.handles:
            self.work.commit()
            return
        self.closed = True
        if _per_url.get(self.url) is self:
            del _per_url[self.url]
        try:
            self.work.close()
        finally:
            if self.engine.url.get_backend_name() == "sqlite":
                self.engine.dispose()  # PostgreSQL's pool is kept per URL and process (storage.database.db)


class CrawlerWork:
    """A crawler's view of the shared unit of work: its writes' failures are its own."""

    def __init__(self, shared: UnitOfWork, on_failure):
        self._shared = shared
        self._on_failure = on_failure

    def write(self, run, *, label, on_commit=None) -> None:
        self._shared.write(run, label=label, on_commit=on_commit, on_failure=self._on_failure)

    def read(self, run) -> Any:
        return self._shared.read(run)

    def commit(self) -> None:
        self._shared.commit()

    @property
    def pending(self) -> int:
        return self._shared.pending

    @property
    def session(self):
        return self._shared.session


class CrawlDatabase:
    """A crawler's handle on the process's database: `work.write(...)` / `read(...)` for every
    component of the crawl, its failures reported to this crawler."""

    def __init__(self, crawler, shared: ProcessDatabase):
        self.crawler = crawler
        self.shared = shared
        self.url = shared.url
        self.engine = shared.engine
        self.work = CrawlerWork(shared.work, self._failed)
        self.closed = False
        self.run_id: int | None = None  # the crawl's own crawlrun row (scraper.crawl.runs)
        self._unfinished: dict[str, set[tuple[str, str]]] = {}
        shared.attach(self)

    @classmethod
    def from_crawler(cls, crawler) -> CrawlDatabase:
        """The crawler's handle, made on first use; NotConfigured when storage is switched off."""
        if not storage_enabled(crawler.settings):
            raise NotConfigured("storage switched off (BULLETINS_STORAGE_ENABLED)")
        database = _per_crawler.get(crawler)
        if database is None:
            settings = crawler.settings
            shared = ProcessDatabase.for_url(database_url(settings.get("BULLETINS_DATABASE_URL")),
                                             settings.getint("BULLETINS_COMMIT_EVERY", 200))
            database = cls(crawler, shared)
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
        """Commit what is left and let this crawler go (idempotent); the process's session and
        connection go with the last crawler's handle."""
        if not self.closed:
            self.closed = True
            self.shared.detach(self)

    def _failed(self, label, error: BaseException) -> None:
        """A write lost: its URL is a failed item of the crawl, left unfinished for the next run."""
        self.crawler.signals.send_catch_log(
            item_failed, url=getattr(label, "url", str(label)), reason=f"not stored: {one_line(error)}",
            kind=getattr(label, "kind", None), board_id=getattr(label, "board_id", None))
