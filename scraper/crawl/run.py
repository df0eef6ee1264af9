"""Running crawls in this process, for the CLI: settings, the crawls side by side, their outcomes.

Several sources crawl at once in one process (`bulletins crawl --all`, `bulletins demo`): one
Scrapy crawler per source in one reactor, each with its own downloader, so Scrapy's per-host
download slots keep each site's delay and connection limit; one database component per process
serves them all (scraper.crawl.database: one engine, one unit of work, so SQLite's one write lock is
only ever held by the one reactor thread). Each crawl keeps its own run record, summary, status,
WARC files, CDXJ index and WACZ package."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import get_spider_loader

from storage.config import StorageError, database_url, ensure_writable_dir, sqlite_path, warc_dir

from .extraction import processes_wanted
from .frontier import FrontierError, check_frontier
from .report import CrawlReport
from .spiders.base import korea_today, month_window
from . import settings as project_settings

log = logging.getLogger(__name__)


class UsageError(Exception):
    """A one-line error for the user (unknown source, unusable folder...)."""


def make_settings(*, database: str | None = None, warcs: str | None = None,
                  contact: str | None = None, log_level: str | None = None,
                  overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    if database:
        settings.set("BULLETINS_DATABASE_URL", database, priority="cmdline")
    if warcs:
        settings.set("BULLETINS_WARC_DIR", str(warcs), priority="cmdline")
    if contact:
        settings.set("BULLETINS_CONTACT", contact, priority="cmdline")
        settings.set("USER_AGENT", project_settings.user_agent(contact), priority="cmdline")
    if log_level:
        settings.set("LOG_LEVEL", log_level.upper(), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def source_names(settings: Settings) -> list[str]:
    """The sources: one per profile (and spider class), without the zero-config spider."""
    loader = get_spider_loader(settings)
    return sorted(name for name in loader.list() if getattr(loader.load(name), "listed", True))


def source_classes(settings: Settings) -> dict[str, type]:
    loader = get_spider_loader(settings)
    return {name: loader.load(name) for name in source_names(settings)}


def runnable_sources(settings: Settings) -> tuple[list[str], dict[str, Any]]:
    """What `bulletins sources --runnable` lists and `bulletins crawl --all` crawls, sorted: the
    profiles with a site of their own (board families need a --base-url) and the broken profile
    files, so that their failure is reported; and the broken ones with their problem."""
    from scraper.crawl.spider_loader import broken_profiles

    working, broken = source_classes(settings), broken_profiles(settings)
    names = {name for name, cls in working.items() if cls.default_base_url} | set(broken)
    return sorted(names), broken


def check_locations(settings: Settings) -> tuple[str, str]:
    """Fail early, in one line, when the database or WARC folder cannot be written."""
    url = database_url(settings.get("BULLETINS_DATABASE_URL"))
    folder = warc_dir(settings.get("BULLETINS_WARC_DIR"))
    try:
        db_file = sqlite_path(url)
        if db_file is not None:
            ensure_writable_dir(db_file.parent, "database")
        if settings.getbool("BULLETINS_WARC_ENABLED", True):
            ensure_writable_dir(folder, "WARC files")
    except StorageError as exc:
        raise UsageError(str(exc)) from None
    return url, str(folder)


def check_origin(settings: Settings, source: str, base_url: str | None, spidercls: type | None = None) -> None:
    """Refuse to mix a replica's articles (loopback URLs) with the real site's in one database:
    they share source and board ids, so one would overwrite the other."""
    from storage.database.articles import any_article_url
    from storage.database.db import make_engine, session
    from .spiders.base import is_loopback

    url = database_url(settings.get("BULLETINS_DATABASE_URL"))
    db_file = sqlite_path(url)
    if not settings.getbool("BULLETINS_STORAGE_ENABLED", True) or (db_file and not db_file.exists()):
        return
    engine = make_engine(url)
    with session(engine) as db:
        stored = any_article_url(db, source)
    if db_file is not None:
        engine.dispose()  # a crawl of every source checks each: no idle connection kept per source
    target = base_url or (spidercls or get_spider_loader(settings).load(source)).default_base_url
    if stored and is_loopback(stored) != is_loopback(target):
        kind = "replica (loopback)" if is_loopback(stored) else "real-site"
        raise UsageError(f"{url} holds {kind} articles of {source}; crawl {target} into another "
                         f"database (--database-url)")


@dataclass
class CrawlOutcome:
    source: str
    stats: dict[str, Any]
    report: CrawlReport | None
    # Why the source was not crawled, or its crawl broke down (a broken profile, a refused
    # site, a crawl that raised): the outcome is then failed whatever the report says.
    problem: str | None = None

    @classmethod
    def refused(cls, source: str, problem: str) -> CrawlOutcome:
        """A source that was not crawled at all, and why."""
        return cls(source, {}, None, problem)

    @property
    def status(self) -> str:
        if self.problem is not None or self.report is None:
            return "failed"
        return self.report.status

    @property
    def ok(self) -> bool:
        """Finished and complete: every URL the run discovered was archived and stored."""
        return self.status == "ok"

    def summary(self) -> str:
        if self.problem is not None or self.report is None:
            lines = [*(self.report.summary_lines()[:-1] if self.report is not None else []),
                     f"status: FAILED - {self.problem or 'the crawl did not start'}"]
            return "\n".join([f"== {self.source}", *lines])
        return "\n".join([f"== {self.source}", *self.report.summary_lines()])

    def as_dict(self) -> dict[str, Any]:
        """The summary for machines (`bulletins crawl --json`)."""
        if self.report is None:
            return {"source": self.source, "status": "failed",
                    "failure": self.problem or "the crawl did not start", "incomplete": None}
        get, report = self.stats.get, self.report
        return {
            "source": self.source,
            "status": self.status,
            "failure": self.problem or report.failure,
            "incomplete": report.incomplete,
            "unfinished_by_reason": report.failures_by_reason(),
            "articles": report.articles,
            **{key: get(f"bulletins/{key}", 0) for key in (
                "articles_new", "articles_updated", "articles_not_refetched", "listing_pages",
                "listing_rows", "pages_failed", "items_failed", "warc_records", "retried_articles",
                "retried_attachments")},
            "missing_fields": dict(report.missing),
            "failed_pages": [{"url": u, "reason": r} for u, r in report.failed_pages],
            "failed_items": [{"url": u, "reason": r} for u, r in report.failed_items],
            "incomplete_articles": [{"url": u, "reason": r} for u, r in report.problems],
            "warc_files": get("bulletins/warc_files", []),
            "package": get("bulletins/package"),
            "earlier_files_package": get("bulletins/package_recovered"),
            "earlier_files_not_packaged": get("bulletins/recovery_failed"),
            "started": str(get("start_time")), "finished": str(get("finish_time")),
        }


def run_crawl(source: str, settings: Settings, **spider_args: Any) -> CrawlOutcome:
    """Run one crawl to the end (starts and stops the Twisted reactor: once per process)."""
    return run_crawls([(source, spider_args)], settings)[0]


def run_crawls(jobs: list[tuple[str | type, dict[str, Any]]], settings: Settings, *,
               alone: bool = False) -> list[CrawlOutcome]:
    """Run crawls of several sources in this process, side by side, each to its end; their
    outcomes in the order of the jobs. A job names a source, or gives a spider class (the
    zero-config crawl of a URL).

    Every job is checked before the reactor starts, so a bad one costs nothing but one line: a
    UsageError, or with `alone` (a list of sources, `--all`) a failed outcome for a source whose
    own check fails (a board family with no site, a database holding the other kind of site's
    articles), while the other sources crawl.
    """
    loader = get_spider_loader(settings)
    for spider, _ in jobs:  # before anything is made on disk
        if isinstance(spider, str) and spider not in loader.list():
            raise UsageError(f"unknown source {spider!r} (known: {', '.join(source_names(settings))})")
    check_locations(settings)
    try:
        check_frontier(settings)
    except FrontierError as exc:
        raise UsageError(str(exc)) from None
    try:  # spider arguments fail inside the reactor, with a traceback: check them here first
        korea_today(settings.get("BULLETINS_TODAY"))
        for cap in ("BULLETINS_MAX_LISTING_PAGES", "BULLETINS_MAX_ARTICLES",
                    "BULLETINS_MAX_PAGE_SIZE", "BULLETINS_MAX_ATTACHMENT_SIZE"):
            if not str(settings.get(cap)).isdigit() or int(settings.get(cap)) < 1:
                raise ValueError(f"{cap} must be a whole number of at least 1, got {settings.get(cap)!r}")
        processes_wanted(settings.get("BULLETINS_EXTRACT_PROCESSES"))
        for _, spider_args in jobs:
            month_window(spider_args.get("since"), spider_args.get("until"))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    outcomes: dict[int, CrawlOutcome] = {}
    runnable: list[tuple[int, type, dict[str, Any]]] = []
    for index, (spider, spider_args) in enumerate(jobs):
        source = spider if isinstance(spider, str) else spider.name
        spidercls = loader.load(spider) if isinstance(spider, str) else spider
        try:
            if not (spider_args.get("base_url") or spider_args.get("url") or spidercls.default_base_url):
                raise UsageError(f"source {source!r} is a board family without a site of its own: "
                                 "give --base-url")
            check_origin(settings, source, spider_args.get("base_url") or spider_args.get("url"), spidercls)
        except UsageError as exc:
            if not alone:
                raise
            outcomes[index] = CrawlOutcome.refused(source, str(exc))
            continue
        runnable.append((index, spidercls, spider_args))
    if runnable:
        _crawl_side_by_side(runnable, settings, outcomes)
    return [outcomes[index] for index in range(len(jobs))]


def _crawl_side_by_side(runnable: list[tuple[int, type, dict[str, Any]]], settings: Settings,
                        outcomes: dict[int, CrawlOutcome]) -> None:
    """One crawler per source in one reactor, all started at once; the reactor stops when the
    last one is done. Their database writes share the process's one unit of work."""
    process = CrawlerProcess(settings)
    crawlers: list[tuple[int, Crawler]] = []
    errors: dict[int, str] = {}
    # Sources of one site (host and port) crawl one after another: each crawler has download
    # slots of its own, so two side by side would double the rate the site sees.
    by_site: dict[str, list[tuple[int, Crawler, dict[str, Any]]]] = {}
    for index, spidercls, spider_args in runnable:
        crawler = process.create_crawler(spidercls)
        crawlers.append((index, crawler))
        site = site_key(spider_args.get("base_url") or spider_args.get("url") or spidercls.default_base_url)
        by_site.setdefault(site, []).append((index, crawler, spider_args))

    def start(queue: list[tuple[int, Crawler, dict[str, Any]]]) -> None:
        index, crawler, spider_args = queue[0]
        done = process.crawl(crawler, **{k: v for k, v in spider_args.items() if v is not None})
        done.addErrback(_crawl_error, errors, index)
        if len(queue) > 1:
            done.addBoth(lambda _: start(queue[1:]))

    for queue in by_site.values():
        start(queue)
    process.start()
    for index, crawler in crawlers:
        extensions = getattr(getattr(crawler, "extensions", None), "middlewares", ())
        report = next((ext for ext in extensions if isinstance(ext, CrawlReport)), None)
        outcomes[index] = CrawlOutcome(crawler.spidercls.name, dict(crawler.stats.get_stats()), report,
                                       errors.get(index))


def site_key(url: str | None) -> str:
    """The site a crawl asks: host and port, without a `www.` (www.gb.go.kr is gb.go.kr)."""
    parts = urlsplit(url or "")
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}:{parts.port or ''}"


def _crawl_error(failure, errors: dict[int, str], index: int) -> None:
    """A crawl that raised (outside a spider callback): its outcome is failed, the others go on."""
    log.error("crawl failed: %s", failure.getTraceback())
    lines = str(failure.value).splitlines()
    errors[index] = f"crawl error: {failure.type.__name__}: {(lines[0] if lines else '')[:200]}"
