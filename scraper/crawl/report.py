"""The crawl's own account: what was stored, what failed and where, and whether the run failed."""

from __future__ import annotations

import logging
from collections import Counter

from scrapy import signals

from storage.database.unfinished import Failure

from scraper.extract.items import REQUIRED_FIELDS, ArticleRecord, AttachmentDownload

log = logging.getLogger(__name__)

# Sent by spiders: page_failed(url=..., reason=..., kind=..., board_id=...) when a page could not be
# fetched at all (kind: listing, article or attachment).
page_failed = object()
# Sent by the database component: item_failed(url=..., reason=..., kind=..., board_id=...) when
# an item could not be stored.
item_failed = object()

MAX_NAMED = 20  # problems named one per line in the summary; the rest are counted


class CrawlReport:
    """Extension collecting failures so the summary can name them, not just count them."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.source = getattr(crawler.spidercls, "name", "?")
        self.max_missing_share = crawler.settings.getfloat("BULLETINS_DRIFT_MAX_MISSING", 0.2)
        self.min_articles = crawler.settings.getint("BULLETINS_DRIFT_MIN_ARTICLES", 5)
        self.articles = 0
        self.missing: Counter[str] = Counter()
        self.problems: list[tuple[str, str]] = []
        self.failed_pages: list[tuple[str, str]] = []
        self.failed_items: list[tuple[str, str]] = []
        # Every URL the run discovered and did not finish, for the ledger (storage.database.unfinished).
        self.unfinished: list[Failure] = []
        self.finish_reason: str | None = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.page_failed, signal=page_failed)
        crawler.signals.connect(ext.item_failed, signal=item_failed)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def item_scraped(self, item, response=None, spider=None):
        if not isinstance(item, ArticleRecord):
            return
        self.articles += 1
        self.stats.inc_value("bulletins/articles")
        for name in item.missing_fields:
            self.missing[name] += 1
            self.stats.inc_value(f"bulletins/field_missing/{name}")
        for name in item.field_problems:
            self.stats.inc_value(f"bulletins/field_problems/{name}")
        required = [f for f in item.missing_fields if f in REQUIRED_FIELDS]
        if item.missing_fields:
            # with the reason where the page printed something unusable ("negative count (-5)")
            why = item.field_problems
            self.problems.append((item.url, "missing " + ", ".join(
                f"{name} ({why[name]})" if name in why else name for name in item.missing_fields)))
        if required:
            self.stats.inc_value("bulletins/articles_incomplete")

    def page_failed(self, url: str, reason: str, kind: str = "article", board_id: str | None = None):
        self.failed_pages.append((url, reason))
        self.unfinished.append(Failure(url, reason, kind, board_id))
        self.stats.inc_value("bulletins/pages_failed")

    def item_failed(self, url: str, reason: str, kind: str | None = None, board_id: str | None = None):
        self.failed_items.append((url, reason))
        self.unfinished.append(Failure(url, reason, kind or "article", board_id))
        self.stats.inc_value("bulletins/items_failed")

    def item_error(self, item, response, spider, failure):
        """A pipeline raised: the item is lost from the database (its page is in the WARC)."""
        kind = "attachment" if isinstance(item, AttachmentDownload) else "article"
        self.item_failed(getattr(item, "url", "?"), f"{failure.type.__name__}: {failure.getErrorMessage()}",
                         kind, getattr(item, "board_id", None))

    def spider_closed(self, spider, reason):
        self.finish_reason = reason
        for line in self.summary_lines():  # named: crawls of several sources share the log
            log.info("%s: %s", self.source, line)

    def crawl_count(self, key: str) -> int:
        """A count of the whole crawl: processes sharing a frontier (scraper/crawl/frontier) each do a
        part, and one may read no listing page at all though the crawl read them all."""
        own = self.stats.get_value(f"bulletins/{key}", 0)
        return self.stats.get_value(f"bulletins/crawl/{key}", own)

    @property
    def failure(self) -> str | None:
        """Why the run counts as failed (for exit codes), or None."""
        if self.finish_reason not in (None, "finished"):
            return f"crawl stopped early: {self.finish_reason}"
        if not self.crawl_count("listing_pages"):
            return "no listing page could be read"
        if self.stats.get_value("spider_exceptions/count"):
            return f"{self.stats.get_value('spider_exceptions/count')} spider exception(s)"
        return self.drift

    @property
    def capped(self) -> str | None:
        """Why a safety cap stopped the walk (spiders/base.py), or None."""
        return getattr(getattr(self.crawler, "spider", None), "capped", None)

    @property
    def incomplete(self) -> str | None:
        """Why the run, not failed, is not complete: URLs it discovered and did not finish, or
        a walk a safety cap stopped."""
        parts = []
        if self.capped:
            parts.append(f"stopped: {self.capped}")
        urls = self._unfinished_urls()
        if urls:
            kinds = Counter(f.kind for f in urls)
            parts.append(f"{len(urls)} unfinished (" + ", ".join(_count(n, k) for k, n in sorted(kinds.items()))
                         + "; " + ", ".join(f"{r}: {n}" for r, n in self.failures_by_reason().items()) + ")")
        return "; ".join(parts) or None

    @property
    def status(self) -> str:
        """ok only when every URL the run discovered was archived and stored."""
        if self.failure:
            return "failed"
        return "incomplete" if self.incomplete else "ok"

    def failures_by_reason(self) -> dict[str, int]:
        """Unfinished URLs (each once) by reason, most frequent first."""
        return dict(Counter(_reason_class(f.reason) for f in self._unfinished_urls()).most_common())

    def _unfinished_urls(self) -> list[Failure]:
        """The run's unfinished URLs, each once (its last failure)."""
        return list({(f.kind, f.url): f for f in self.unfinished}.values())

    @property
    def drift(self) -> str | None:
        """A site that changed under us: listings without rows, or a required field gone.

        Judged per run: a share of articles missing a required field above
        BULLETINS_DRIFT_MAX_MISSING (default 20%), once at least BULLETINS_DRIFT_MIN_ARTICLES were
        parsed; a few broken pages are the site's, most of them is our page object's.
        """
        if self.crawl_count("listing_pages") and not self.crawl_count("listing_rows"):
            return f"layout drift: {self.source}: the listing pages yielded no rows"
        if self.articles < self.min_articles:
            return None
        worst = max(REQUIRED_FIELDS, key=lambda name: self.missing[name])
        share = self.missing[worst] / self.articles
        if share > self.max_missing_share:
            return (f"layout drift: {self.source}: {worst} missing on {self.missing[worst]} of "
                    f"{self.articles} articles ({share:.0%} > {self.max_missing_share:.0%})")
        return None

    def summary_lines(self) -> list[str]:
        get = self.stats.get_value
        lines = [
            f"articles: {self.articles} parsed, {get('bulletins/articles_new', 0)} new, "
            f"{get('bulletins/articles_updated', 0)} updated; "
            f"listing pages: {get('bulletins/listing_pages', 0)}",
            f"archived: {get('bulletins/warc_records', 0)} HTTP exchanges ("
            f"{get('bulletins/warc_revisits/identical_payload', 0)} identical-payload and "
            f"{get('bulletins/warc_revisits/not_modified', 0)} not-modified revisits)",
        ]
        if self.missing:
            lines.append("missing fields: " + ", ".join(f"{k} {v}" for k, v in sorted(self.missing.items())))
        named = [f"failed page: {u} ({r})" for u, r in self.failed_pages]
        named += [f"failed item: {u} ({r})" for u, r in self.failed_items]
        named += [f"incomplete article: {u} ({r})" for u, r in self.problems]
        lines += named[:MAX_NAMED]
        if len(named) > MAX_NAMED:
            lines.append(f"... and {len(named) - MAX_NAMED} more problems")
        retried = [_count(get(f"bulletins/retried_{kind}s", 0), kind) for kind in ("article", "attachment")
                   if get(f"bulletins/retried_{kind}s", 0)]
        if retried:
            lines.append(f"retried: {', '.join(retried)} from earlier runs")
        if get("bulletins/package"):
            lines.append(f"package: {get('bulletins/package')} ({get('bulletins/package_pages', 0)} pages)")
        elif get("bulletins/package_failed"):
            lines.append("package: FAILED (see the log)")
        if get("bulletins/package_recovered"):
            lines.append(f"earlier runs' files: packaged in {get('bulletins/package_recovered')}")
        elif get("bulletins/recovery_failed"):
            lines.append(f"earlier runs' files: NOT packaged ({get('bulletins/recovery_failed')}); "
                         "every run tries again")
        if self.failure:
            lines.append(f"status: FAILED - {self.failure}")
        elif self.incomplete:
            then = "the next run retries them" if self.unfinished else "the next run walks the listing again"
            lines.append(f"status: INCOMPLETE - {self.incomplete}; {then}")
        else:
            lines.append("status: ok")
        return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _reason_class(reason: str) -> str:
    """A reason as counted: `HTTP 500`, `not stored`, `redirected`, or an error's type
    (`TimeoutError`)."""
    if reason.startswith("not stored"):
        return "not stored"
    if reason.startswith("HTTP "):
        return reason
    if reason.startswith("redirected to "):
        return "redirected"
    if reason.startswith("refused: another host"):
        return "another host"
    return reason.split(":", 1)[0]
