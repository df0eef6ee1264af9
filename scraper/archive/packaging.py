"""After each crawl run: a sorted CDXJ index of the run's WARC files and a WACZ package of the run.

Where (all under the WARC folder, BULLETINS_WARC_DIR or ./data/warc):

- ``<warc dir>/indexes/<run id>.cdxj``: the run's sorted CDXJ; ``filename`` fields are WARC base
  names, resolved against ``<warc dir>`` (where the WARC files stay);
- ``<warc dir>/packages/<run id>.wacz``: the run's WACZ (layout in storage/webarchive/wacz.py), a copy of its
  WARC files plus that index, pages/pages.jsonl of its articles, datapackage.json and its digest.

The run id is the run's start time and source, ``20261127T231135Z-gyeonggi-en`` (``-2``, ``-3``...
added if that name is taken). Pages come from the ArticleRecord items the run stored (item_scraped)
and captured: url, capture time (``ts``), title, body text and publication date; they are written
to a temporary file as they come, so memory stays flat.

The WARC writer (capture.py) closes its last file on ``spider_closed``; this extension works on
``engine_stopped``, which Scrapy sends after every ``spider_closed`` handler has run, and packs the
files named in the ``bulletins/warc_files`` stat. It packs in a thread of the reactor's pool: the
other crawls of the process (``bulletins crawl --all``) go on downloading meanwhile, and the run
recorder (scraper.crawl.runs) waits for it (``start_packaging``) before writing the run's row.
Switched off by BULLETINS_WARC_ENABLED or
BULLETINS_PACKAGE_ENABLED = False. A failure to package is logged and counted in the stat
``bulletins/package_failed``; the WARC files and the database are untouched by it.

When the spider opens, what killed runs left is put right first: ``.part`` files no writer holds
are deleted, and the source's WARC files that no package covers (storage.webarchive.unpackaged: a run
killed before or while packaging, or whose packaging failed) are indexed and packaged as
``<run id>-recovered``, so the WACZ set covers every capture.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread

from storage.webarchive.cdxj import write_cdxj
from storage.config import StorageError, ensure_writable_dir, warc_dir
from storage.database.unit_of_work import one_line
from storage.webarchive.unpackaged import file_time, pages_in, record_package, source_files, unpackaged
from storage.webarchive.wacz import Page, PageList, build_wacz, remove_stale_parts
from storage.webarchive.warc import software

from scraper.archive.capture import live_index
from scraper.crawl.database import CrawlDatabase, storage_enabled
from scraper.crawl.runs import run_closing
from scraper.extract.items import ArticleRecord

log = logging.getLogger(__name__)

INDEX_DIR = "indexes"
PACKAGE_DIR = "packages"


def run_id(started: datetime, source: str) -> str:
    return f"{started.astimezone(UTC):%Y%m%dT%H%M%SZ}-{source}"


def page_of(item: ArticleRecord) -> Page | None:
    """The pages.jsonl entry of an article; None without a capture time (nothing to replay)."""
    if item.captured_at is None:
        return None
    record_id = (item.warc_record_id or "").strip("<>").removeprefix("urn:uuid:")
    return Page(url=item.url, captured_at=item.captured_at, title=item.title,
                text=item.body_text, published=item.published, id=record_id or None)


class RunPackager:
    """Extension: collect the run's pages, then index and package its WARC files."""

    def __init__(self, crawler, directory: Path):
        self.crawler = crawler
        self.stats = crawler.stats
        self.directory = directory
        self.started: datetime | None = None
        self.source = ""
        self.pages: PageList | None = None
        self._packaging: Deferred | None = None  # the thread packing the run, while it runs
        self._waiting: list[Deferred] = []

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("BULLETINS_WARC_ENABLED", True):
            raise NotConfigured("no WARC files to package (BULLETINS_WARC_ENABLED)")
        if not settings.getbool("BULLETINS_PACKAGE_ENABLED", True):
            raise NotConfigured("packaging switched off (BULLETINS_PACKAGE_ENABLED)")
        ext = cls(crawler, warc_dir(settings.get("BULLETINS_WARC_DIR")))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        crawler.signals.connect(ext.engine_stopped, signal=run_closing)  # the run row waits for it
        return ext

    def spider_opened(self):
        self.started = datetime.now(UTC)
        self.source = self.crawler.spider.name
        try:
            packages = ensure_writable_dir(self.directory / PACKAGE_DIR, "WACZ packages")
        except StorageError as error:
            self.stats.set_value("bulletins/package_failed", 1)
            log.error("the run will not be packaged: %s", error)
            return
        self.pages = PageList(packages)
        try:
            self.recover()
        except Exception as error:  # the run goes on; its summary says so, and the next run tries again
            self.stats.set_value("bulletins/recovery_failed", one_line(error, limit=None))  # names file and byte
            log.exception("could not package what earlier runs left unpackaged")

    def recover(self) -> None:
        """Delete stale .part files; index and package the source's unpackaged WARC files."""
        for folder in (self.directory / PACKAGE_DIR, self.directory / INDEX_DIR):
            for part in remove_stale_parts(folder) if folder.is_dir() else []:
                log.warning("removed %s, left by a killed run", part)
        if not storage_enabled(self.crawler.settings):
            return
        database, source = CrawlDatabase.from_crawler(self.crawler), self.source
        prefix = "-".join(filter(None, [self.crawler.settings.get("BULLETINS_WARC_PREFIX", "BULLETINS"), source]))
        files = source_files(self.directory, prefix)
        found = database.read(lambda db: unpackaged(db, source, files))
        if not found.files:
            return
        names = [p.name for p in found.files]
        pages = PageList(self.directory / PACKAGE_DIR)
        try:
            for page in database.read(lambda db: pages_in(db, names)):
                pages.add(page)
            started = min((file_time(n) for n in names if file_time(n)), default=self.started)
            name = self._free_name(run_id(started, source) + "-recovered")
            path = self._build(name, found.files, pages,
                               f"Files of source {source} left unpackaged by a killed or failed run, "
                               f"packaged by the next crawl: {len(names)} WARC file(s), {pages.count} "
                               "article page(s).", recovered=True)
        finally:
            pages.close()
        owners = found.owners
        database.work.write(lambda db: record_package(db, owners, str(path)), label=f"package {name}")
        database.work.commit()
        self.stats.set_value("bulletins/package_recovered", str(path))
        log.warning("packaged %d WARC file(s) earlier runs left unpackaged: %s", len(names), path)

    def item_scraped(self, item):
        if self.pages is None or not isinstance(item, ArticleRecord):
            return
        page = page_of(item)
        # An article whose capture predates the run (not fetched again) is not in its WARC files.
        if page is not None and page.captured_at >= self.started:
            self.pages.add(page)

    async def engine_stopped(self):
        """Package the run (once, whichever of engine_stopped and run_closing comes first)."""
        await maybe_deferred_to_future(self.start_packaging())

    def start_packaging(self) -> Deferred:
        """Index and package the run in a thread (started on the first call); the Deferred fires,
        with None, once the run is packaged (or its packaging failed, or there is nothing to do)."""
        if self.pages is not None and self._packaging is None:
            self._packaging = deferToThread(self._package_quietly)
            self._packaging.addBoth(self._packed)
        waiter = Deferred()
        if self._packaging is None:
            waiter.callback(None)
        else:
            self._waiting.append(waiter)
        return waiter

    def _package_quietly(self) -> None:
        try:
            self.package()
        except Exception:
            self.stats.set_value("bulletins/package_failed", 1)
            log.exception("could not index and package the run's WARC files")

    def _packed(self, result) -> None:
        """In the reactor's thread, once the packaging thread is done: whoever waits goes on,
        whatever happened (a full disk may fail even the closing of the page list)."""
        try:
            if hasattr(result, "raiseException"):  # a Failure: _package_quietly lets none through
                self.stats.set_value("bulletins/package_failed", 1)
                log.error("could not index and package the run's WARC files: %s", result.getErrorMessage())
            pages, self.pages = self.pages, None
            if pages is not None:
                try:
                    pages.close()
                except OSError as error:
                    log.warning("could not close the run's page list: %s", error)
        finally:
            self._packaging = None
            waiting, self._waiting = self._waiting, []
            for waiter in waiting:
                waiter.callback(None)

    def package(self) -> None:
        names = self.stats.get_value("bulletins/warc_files") or []
        if not names:
            log.info("no WARC file was written: nothing to package")
            return
        warcs = [self.directory / name for name in names]
        name = self._free_name(run_id(self.started, self.source))
        package = self._build(name, warcs, self.pages,
                              f"Crawl run {name} of source {self.source} by bulletin-archiver: "
                              f"{len(warcs)} WARC file(s), {self.pages.count} article page(s).")
        self.stats.set_value("bulletins/package", str(package))
        self.stats.set_value("bulletins/package_pages", self.pages.count)

    def _build(self, name: str, warcs: list[Path], pages: PageList, description: str, *,
               recovered: bool = False) -> Path:
        """`indexes/<name>.cdxj` and `packages/<name>.wacz` of these WARC files."""
        index = self.directory / INDEX_DIR / f"{name}.cdxj"
        lines = self._index(warcs, index, recovered)
        package = build_wacz(
            self.directory / PACKAGE_DIR / f"{name}.wacz", warcs, index, pages,
            title=f"{self.source} crawl {name}", description=description, software=software(),
            extra={"run_id": name, "source": self.source, "started": self.started.isoformat(),
                   "pages": pages.count, "warc_files": [w.name for w in warcs], "recovered": recovered},
        )
        if not recovered:
            self.stats.set_value("bulletins/index", str(index))
            self.stats.set_value("bulletins/index_lines", lines)
        log.info("indexed %d captures in %s; packaged %s in %s", lines, index,
                 "what earlier runs left" if recovered else "the run", package)
        return package

    def _index(self, warcs: list[Path], index: Path, recovered: bool) -> int:
        """The run's index from the lines its capture made as it wrote (scraper.archive.capture),
        when they are a line for every record archived (bulletins/warc_records) and name no
        other file; else, and for what earlier runs left, from reading the files."""
        live = None if recovered else live_index(self.crawler)
        if live is not None:
            try:
                archived = self.stats.get_value("bulletins/warc_records", 0)
                if live.broken or live.count != archived or not live.files <= {w.name for w in warcs}:
                    log.warning("reading the WARC files to index them (%s)", live.broken or
                                f"{live.count} lines made as written, {archived} records archived")
                else:
                    lines = live.write(index)
                    log.info("the run's index: %d lines made as the records were written", lines)
                    return lines
            finally:
                live.close()
        return write_cdxj(warcs, index)

    def _free_name(self, base: str) -> str:
        name, n = base, 1
        while ((self.directory / PACKAGE_DIR / f"{name}.wacz").exists()
               or (self.directory / INDEX_DIR / f"{name}.cdxj").exists()):
            n += 1
            name = f"{base}-{n}"
        return name
