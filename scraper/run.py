"""Running one crawl in this process, for the CLI: settings, the crawl, its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import get_spider_loader

from storage.config import StorageError, database_url, ensure_writable_dir, sqlite_path, warc_dir

from .frontier import FrontierError, check_frontier
from .report import CrawlReport
from .spiders.base import korea_today, month_window
from . import settings as project_settings


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
    from storage.articles import any_article_url
    from storage.db import make_engine, session
    from .spiders.base import is_loopback

    url = database_url(settings.get("BULLETINS_DATABASE_URL"))
    db_file = sqlite_path(url)
    if not settings.getbool("BULLETINS_STORAGE_ENABLED", True) or (db_file and not db_file.exists()):
        return
    with session(make_engine(url)) as db:
        stored = any_article_url(db, source)
    target = base_url or (spidercls or get_spider_loader(settings).load(source)).default_base_url
    if stored and is_loopback(stored) != is_loopback(target):
        kind = "replica (loopback)" if is_loopback(stored) else "real-site"
        raise UsageError(f"{url} holds {kind} articles of {source}; crawl {target} into another "
                         f"database (--database-url)")


@dataclass
class CrawlOutcome:
    source: str
    stats: dict[str, Any]
    report: CrawlReport

    @property
    def ok(self) -> bool:
        """Finished and complete: every URL the run discovered was archived and stored."""
        return self.report.status == "ok"

    def summary(self) -> str:
        return "\n".join([f"== {self.source}", *self.report.summary_lines()])

    def as_dict(self) -> dict[str, Any]:
        """The summary for machines (`bulletins crawl --json`)."""
        get, report = self.stats.get, self.report
        return {
            "source": self.source,
            "status": report.status,
            "failure": report.failure,
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
            "started": str(get("start_time")), "finished": str(get("finish_time")),
        }


def run_crawl(source: str, settings: Settings, **spider_args: Any) -> CrawlOutcome:
    """Run one crawl to the end (starts and stops the Twisted reactor: once per process)."""
    return run_crawls([(source, spider_args)], settings)[0]


def run_crawls(jobs: list[tuple[str | type, dict[str, Any]]], settings: Settings) -> list[CrawlOutcome]:
    """Run crawls of several sources in this process, one after another, each to its end. A job
    names a source, or gives a spider class (the zero-config crawl of a URL).

    Every job is checked before the reactor starts, so a bad one costs nothing but one line.
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
    for spider, spider_args in jobs:
        source = spider if isinstance(spider, str) else spider.name
        try:  # spider arguments fail inside the reactor, with a traceback: check them here first
            month_window(spider_args.get("since"), spider_args.get("until"))
            korea_today(settings.get("BULLETINS_TODAY"))
            for cap in ("BULLETINS_MAX_LISTING_PAGES", "BULLETINS_MAX_ARTICLES",
                        "BULLETINS_MAX_PAGE_SIZE", "BULLETINS_MAX_ATTACHMENT_SIZE"):
                if not str(settings.get(cap)).isdigit() or int(settings.get(cap)) < 1:
                    raise ValueError(f"{cap} must be a whole number of at least 1, got {settings.get(cap)!r}")
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        spidercls = loader.load(spider) if isinstance(spider, str) else spider
        if not (spider_args.get("base_url") or spider_args.get("url") or spidercls.default_base_url):
            raise UsageError(f"source {source!r} is a board family without a site of its own: "
                             "give --base-url")
        check_origin(settings, source, spider_args.get("base_url") or spider_args.get("url"), spidercls)
    # One after another in one reactor: crawls side by side would hold SQLite's one write lock
    # in turn from a single thread, each waiting on the other.
    process = CrawlerProcess(settings)
    crawlers = [(process.create_crawler(spider), spider_args) for spider, spider_args in jobs]

    def crawl(index: int):
        crawler, spider_args = crawlers[index]
        done = process.crawl(crawler, **{k: v for k, v in spider_args.items() if v is not None})
        if index + 1 < len(crawlers):
            done.addBoth(lambda _: crawl(index + 1))  # the first crawl's deferred waits for the rest
        return done

    crawl(0)
    process.start()
    crawlers = [(crawler.spidercls.name, crawler) for crawler, _ in crawlers]
    outcomes = []
    for source, crawler in crawlers:
        report = next(ext for ext in crawler.extensions.middlewares if isinstance(ext, CrawlReport))
        outcomes.append(CrawlOutcome(source, dict(crawler.stats.get_stats()), report))
    return outcomes
