"""Run records: each crawl is stored as a CrawlRun row, opened at start and closed at the end."""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import datetime, timezone

from scrapy import signals

from storage.database.articles import register_source
from storage.database.runs import finish_run, mark_killed, process_alive, start_run
from storage.database.unfinished import finished_listings, record_failures

from .database import CrawlDatabase
from .report import CrawlReport


log = logging.getLogger(__name__)

# Sent when the engine has stopped, before the run row is written: a handler may return a
# Deferred, which the row waits for (the packager's, so the row can name the package).
run_closing = object()


class RunRecorder:
    """Extension writing the crawl's CrawlRun row (needs the database). The row is the crawl's
    last write, once the run is packaged (it names the package): the recorder then closes the
    crawl's handle on the process's database (scraper.crawl.database), which other crawls of the
    process may still use."""

    def __init__(self, crawler, database: CrawlDatabase):
        self.crawler = crawler
        self.database = database
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler, CrawlDatabase.from_crawler(crawler))
        # Before any component starts (the packager packages what killed runs left when the
        # spider opens): earlier runs marked, this one's row written.
        recorder.mark_killed()
        if getattr(crawler, "spider", None) is not None:
            recorder.start(crawler.spider)
        else:  # a crawler made by hand, its spider not created yet
            crawler.signals.connect(recorder.start, signal=signals.spider_opened)
        # engine_stopped: after spider_closed, when the WARC files are closed and named
        crawler.signals.connect(recorder.engine_stopped, signal=signals.engine_stopped)
        return recorder

    def mark_killed(self) -> None:
        """Earlier runs of the source left `running` by a process gone from this host: `killed`."""
        source, host = self.crawler.spidercls.name, socket.gethostname()

        def mark(db):
            for run_id in mark_killed(db, source, host, process_alive):
                log.warning("run %s of %s was killed: marked `killed`", run_id, source)

        self.database.work.write(mark, label=f"run records of {source}")
        self.database.work.commit()

    def start(self, spider):
        options = json.dumps({k: getattr(spider, k, None) for k in ("base_url", "since", "until", "full")},
                             default=str)
        name, description = spider.name, getattr(spider, "description", None) or None
        base_url = getattr(spider, "base_url", None) or None

        host, pid = socket.gethostname(), os.getpid()

        def opened(db):
            # the source table names what each source is and where it was crawled from
            register_source(db, name, description, base_url)
            return start_run(db, name, options, commit=False, host=host, pid=pid)

        work = self.database.work
        work.commit()
        work.write(opened, label=f"run record of {name}", on_commit=self._started)
        work.commit()  # at once: a killed crawl leaves its row `running`

    def _started(self, run) -> None:
        self.run_id = self.database.run_id = run.id

    async def engine_stopped(self):
        """The row once the packager (if any) has packed the run (in a thread: other crawls of
        the process go on meanwhile)."""
        await self.crawler.signals.send_catch_log_async(run_closing)
        self._close_run()

    def _close_run(self) -> None:
        try:
            if self.run_id is not None:
                self._finish()
        finally:
            self.database.close()

    def _finish(self) -> None:
        work = self.database.work
        work.commit()  # what is left of the crawl's writes first: their failures count below
        report = self.crawler.get_extension(CrawlReport)
        get = self.crawler.stats.get_value
        failure = report.failure if report else None
        spider = self.crawler.spider
        complete = failure is None and bool(getattr(spider, "walk_complete", False))
        fields = dict(
            status=report.status if report else "ok",
            complete=complete,
            listing_pages=get("bulletins/listing_pages", 0),
            articles_new=get("bulletins/articles_new", 0),
            articles_updated=get("bulletins/articles_updated", 0),
            pages_failed=get("bulletins/pages_failed", 0),
            items_failed=get("bulletins/items_failed", 0),
            warc_records=get("bulletins/warc_records", 0),
            warc_files=",".join(get("bulletins/warc_files", [])) or None,
            package=get("bulletins/package"),
            failure=failure or (report.incomplete if report else None),
            retried=get("bulletins/retried_articles", 0) + get("bulletins/retried_attachments", 0),
            failures=json.dumps(report.failures_by_reason(), ensure_ascii=False) if report and report.unfinished else None,
        )
        run_id, source, unfinished = self.run_id, spider.name, list(report.unfinished) if report else []

        def finish(db):
            # the ledger first: what this run left unfinished is retried by the next one
            fields["unfinished"] = record_failures(db, source, unfinished, run_id, datetime.now(timezone.utc))
            if complete:
                finished_listings(db, source)
            return finish_run(db, run_id, commit=False, **fields)

        work.write(finish, label=f"run record {run_id}")
        work.commit()
