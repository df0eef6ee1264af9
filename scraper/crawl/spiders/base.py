"""Navigation shared by board spiders: base URL, month window, failures, loopback politeness."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from ipaddress import ip_address
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.spidermiddlewares.httperror import HttpError

from storage.database.articles import stored_dates
from storage.database.runs import last_run_complete
from storage.database.months import month_span
from storage.database.unfinished import to_retry

from ..database import CrawlDatabase, storage_enabled
from .. import extraction
from ..extraction import ExtractionProcesses

from scraper.extract.fields import attachment_filename, plausible
from scraper.extract.items import AttachmentDownload, ListingViews
from scraper.extract.answers import media_type
from scraper.extract.pages.base import ArticlePageBase, unusable_page

from ..report import page_failed
from ..unusable import UnusableAnswer

LOOPBACK_NAMES = {"localhost"}
KOREA = timezone(timedelta(hours=9))  # boards date their posts in Korea time


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def same_page(asked: str, answered: str) -> bool:
    """Whether a redirect from `asked` to `answered` still shows the same page: the same path and
    query, with at most the scheme changed (http to https) and a `www.` added or dropped."""
    a, b = urlsplit(asked), urlsplit(answered)
    hosts = {(a.hostname or "").removeprefix("www."), (b.hostname or "").removeprefix("www.")}
    same_port = a.port == b.port or a.scheme != b.scheme
    return (len(hosts) == 1 and same_port and a.path.rstrip("/") == b.path.rstrip("/")
            and a.query == b.query)


def site_hosts(base_url: str, extra=()) -> list[str]:
    """The hosts a crawl of a site fetches from (Scrapy's allowed_domains: each with its
    subdomains): the site's host, its `www.` twin, and the profile's other hosts (file servers)."""
    host = (urlsplit(base_url).hostname or "").lower()
    hosts = [host, host.removeprefix("www.")] if host.startswith("www.") else [host]
    return list(dict.fromkeys(filter(None, [*hosts, *extra])))


def month_window(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """First day of `since` and last day of `until` (YYYY-MM); ValueError when unreadable or
    reversed."""
    start, after = month_span(since, until)
    return start, (after - timedelta(days=1) if after else None)


def korea_today(setting: str | None = None) -> date:
    """Today in Korea, or the day a BULLETINS_TODAY setting (YYYY-MM-DD) names instead."""
    if setting:
        try:
            return date.fromisoformat(str(setting))
        except ValueError:
            raise ValueError(f"BULLETINS_TODAY must be a date YYYY-MM-DD, got {setting!r}") from None
    return datetime.now(KOREA).date()


def horizon_start(months: int, today: date | None = None) -> date:
    """First day of the oldest month still in the horizon: months=2 is this month and the last."""
    today = today or korea_today()
    index = today.year * 12 + today.month - 1 - (max(months, 1) - 1)
    return date(index // 12, index % 12 + 1, 1)


class BulletinSpider(scrapy.Spider):
    """Spider arguments: base_url (e.g. a replica), since / until (YYYY-MM, inclusive), full.

    Incremental by default: articles already stored and older than the horizon (setting
    BULLETINS_HORIZON_MONTHS, default 2: this month and the last) are not fetched again, their
    listing view counts are recorded instead, and paging stops at the first listing page holding
    only such articles. `full` walks and fetches everything.
    """

    default_base_url: str = ""
    description: str = ""

    @classmethod
    def page_for(cls, url: str):
        """The page object class that parses this URL's archived page, or None."""
        return None

    def __init__(self, *args, base_url: str | None = None, since: str | None = None,
                 until: str | None = None, full: bool | str = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.full = str(full).lower() in ("1", "true", "yes")
        self.extraction = ExtractionProcesses(0)  # from_crawler: as BULLETINS_EXTRACT_PROCESSES says
        self.stored: dict[str, date | None] = {}
        self.horizon = date.min
        self.today = korea_today()  # BULLETINS_TODAY, set in from_crawler
        # Stored articles imply the older ones are stored too only after a complete walk; a
        # killed or windowed run leaves gaps, so the next one pages on to the end.
        self.trust_stored = False
        # Set by the spider when it saw the listing's end, or stopped early on trusted ground.
        self.walk_complete = False
        self.listing_failed = False
        self.seen_ids: set[str] = set()
        self.retries: list = []  # storage.database.unfinished.Retry, read when the spider opens
        # Safety caps (BULLETINS_MAX_LISTING_PAGES, BULLETINS_MAX_ARTICLES): why the walk stopped
        self.max_listing_pages = self.max_articles = None
        self.listing_pages_read = self.articles_requested = 0
        self.capped: str | None = None
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self.since, self.until = month_window(since, until)
        self.allowed_domains = site_hosts(self.base_url, getattr(self, "extra_hosts", ()))

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        # a redirect to a URL fetched already is dropped by the duplicate filter, without a word
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        # Scrapy's offsite filter drops requests to other hosts when they are scheduled, without a
        # word either: before it (connected first), an article or attachment refused is named
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        spider.max_listing_pages = settings.getint("BULLETINS_MAX_LISTING_PAGES", 20_000)
        spider.max_articles = settings.getint("BULLETINS_MAX_ARTICLES", 300_000)
        spider.today = korea_today(settings.get("BULLETINS_TODAY"))
        spider.extraction = ExtractionProcesses.from_crawler(crawler)
        if spider.full and spider.whole_board():  # every article read again: a reading process from the start
            crawler.signals.connect(spider.extraction.start_now, signal=signals.spider_opened)
        if not spider.full and storage_enabled(settings):
            spider.horizon = horizon_start(settings.getint("BULLETINS_HORIZON_MONTHS", 2), spider.today)
            # read when the spider opens: after the archive repair that may clear rows' pointers
            crawler.signals.connect(spider.load_stored, signal=signals.spider_opened)
        if is_loopback(spider.base_url):
            # A replica on this machine: no need to be polite, every reason to be quick.
            for name, value in {"DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                                "BULLETINS_RETRY_BACKOFF_BASE": 0.05}.items():
                crawler.settings.set(name, value, priority="spider")
        return spider

    def load_stored(self) -> None:
        """What is stored already (board id -> date), whether the last run walked completely,
        and what earlier runs left unfinished (fetched again first)."""
        name, archived_only = self.name, self.crawler.settings.getbool("BULLETINS_WARC_ENABLED", True)
        database = CrawlDatabase.from_crawler(self.crawler)
        run_id = database.run_id
        self.stored, self.trust_stored, self.retries = database.read(
            lambda db: (stored_dates(db, name, archived_only=archived_only), last_run_complete(db, name, run_id),
                        to_retry(db, name, archived=archived_only)))
        if not self.stored and self.whole_board():  # the source's first crawl reads the whole board
            self.extraction.start_now()

    def whole_board(self) -> bool:
        """Whether this crawl may read the whole board: no --since/--until window, no cap on the
        articles below what starts a reading process anyway (scraper.crawl.extraction)."""
        capped = self.max_articles is not None and self.max_articles < extraction.START_AFTER
        return self.since is None and self.until is None and not capped

    def in_window(self, day: date | None) -> bool:
        if day is None:
            return True  # cannot tell: fetch it rather than lose it
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def before_window(self, day: date | None) -> bool:
        return day is not None and self.since is not None and day < self.since

    def settled(self, board_id: str, day: date | None) -> bool:
        """Stored already and older than the horizon: nothing to fetch (never in a full crawl).
        A listing that prints no date is judged by the stored article's date."""
        if board_id not in self.stored:
            return False
        day = day or self.stored[board_id]
        return day is not None and day < self.horizon

    def stop_paging(self, rows) -> bool:
        """Newest first: a page all older than --since, or (after a complete walk) all settled,
        means the older pages hold nothing to fetch."""
        if not rows:
            return False
        if all(self.before_window(row.published) for row in rows):
            return True
        if self.trust_stored and all(self.before_window(row.published) or self.settled(row.board_id, row.published)
                                     for row in rows):
            self.walk_complete = self.since is None and self.until is None and not self.listing_failed
            return True
        return False

    def cap(self, why: str) -> None:
        """A safety cap stopped the walk (an endless board?): the run is incomplete, and says so."""
        if self.capped is None:
            self.capped = why
            self.logger.warning("walk stopped: %s", why)
        self.walk_complete = False

    def listing_ended(self) -> None:
        """The last listing page was read: the walk was complete unless a window cut it short."""
        self.walk_complete = self.since is None and self.until is None and not self.listing_failed

    # ------------------------------------------------------------------ navigation
    # A board spider says how to ask for listing page N, how to read a listing page, and which
    # page object reads an article; walking, incremental rules and attachments are shared.

    def listing_request(self, page: int, response=None) -> scrapy.Request | None:
        """The request for listing page `page` (1-based); `response` is page `page - 1`'s."""
        raise NotImplementedError

    def listing_page(self, response):
        """An object whose rows() are the listing's ListingRow."""
        raise NotImplementedError

    def page_params(self) -> dict:
        """web-poet's page parameters of every article request: the source its article is
        stored under (scrapy-poet hands them to the page object)."""
        return {"source": self.name}

    def redirected_away(self, exchange, url: str, board_id: str | None) -> bool:
        """Whether an article request was redirected (3xx or meta refresh) to another page than
        the article: then what it shows is not this article, and nothing is stored under its id;
        it is failed, named, and retried by the next run. The answers are archived all the same."""
        asked = (exchange.meta.get("redirect_urls") or [url])[0]  # a request's or its response's
        if same_page(asked, url) or self.same_article(asked, url):
            return False
        self.page_failed(asked, f"redirected to {url}", "article", board_id)
        return True

    def request_dropped(self, request) -> None:
        """A redirect to a URL this crawl fetched already: the duplicate filter drops it, and
        without this the article or attachment asked for would be lost without a word (the next
        run asks for it again)."""
        if not request.meta.get("redirect_urls"):
            return
        kind = self.kind_of(request)
        if kind == "article":
            self.redirected_away(request, request.url, request.cb_kwargs.get("board_id"))
        elif kind == "attachment":
            self.page_failed(request.meta["redirect_urls"][0],
                             f"redirected to {request.url}, which this run fetched already", kind)

    def request_scheduled(self, request) -> None:
        """An article or attachment on a host the crawl does not fetch from is failed and named
        (the offsite filter then drops it): the article or attachment is not archived. An article
        asked for counts towards starting a reading process (scraper.crawl.extraction)."""
        kind = self.kind_of(request)
        if kind == "article" and not request.meta.get("redirect_urls") and not request.meta.get("retry_times"):
            self.extraction.expect()  # once per article: not again for its redirects and retries
        if (kind == "listing" or request.dont_filter or request.meta.get("allow_offsite")
                or self.allowed_host(request.url)):
            return
        asked = (request.meta.get("redirect_urls") or [request.url])[0]
        host = urlsplit(request.url).hostname
        reason = (f"redirected to {request.url}: another host ({host})" if asked != request.url
                  else f"refused: another host ({host})")
        self.page_failed(asked, reason, kind, request.cb_kwargs.get("board_id"))

    def kind_of(self, request) -> str:
        """What a request fetches: an article, an attachment, or a listing (or session) page."""
        return {self.parse_article: "article", self.parse_attachment: "attachment"}.get(
            request.callback, "listing")

    def page_failed(self, url: str, reason: str, kind: str, board_id: str | None = None) -> None:
        """Name a URL the run could not archive and store: the summary lists it, the ledger keeps
        it for the next run (scraper.crawl.report)."""
        self.logger.warning("page failed: %s (%s)", url, reason)
        self.crawler.signals.send_catch_log(page_failed, url=url, reason=reason, kind=kind, board_id=board_id)

    def allowed_host(self, url: str) -> bool:
        """Whether Scrapy's offsite filter lets a request to `url` through (allowed_domains and
        their subdomains; any host when there are none)."""
        host = (urlsplit(url).hostname or "").lower()
        domains = [d.lower() for d in self.allowed_domains or [] if d]
        return not domains or any(host == d or host.endswith("." + d) for d in domains)

    def article_id(self, url: str) -> str | None:
        """The board's article id in a view URL, where the spider can tell it."""
        return None

    def same_article(self, asked: str, answered: str) -> bool:
        """A redirect to another URL of the same article (same site, same id): harmless."""
        a, b = urlsplit(asked), urlsplit(answered)
        if (a.hostname or "").removeprefix("www.") != (b.hostname or "").removeprefix("www."):
            return False
        found = self.article_id(asked)
        return found is not None and found == self.article_id(answered)

    def article_request(self, row) -> scrapy.Request:
        return scrapy.Request(row.url, callback=self.parse_article, errback=self.failed,
                              cb_kwargs={"board_id": row.board_id}, meta={"page_params": self.page_params()})

    async def start(self):
        first = self.listing_request(1)
        if first is not None:
            yield first
        for request in self.retry_requests():
            yield request

    def parse_listing(self, response, page: int = 1):
        self.count("listing_pages")
        self.listing_pages_read += 1
        rows = [row if row.published is None or plausible(row.published, self.today)
                else replace(row, published=None)  # 2099 or 1900: no date, neither recent nor old
                for row in self.listing_page(response).rows()]
        unseen = [row for row in rows if row.board_id not in self.seen_ids]
        regular = [row for row in rows if not row.notice]
        for row in unseen:
            self.seen_ids.add(row.board_id)
            if not (row.notice or self.in_window(row.published)):
                continue
            if self.settled(row.board_id, row.published) or (row.notice and row.board_id in self.stored):
                if row.notice and page != 1:
                    continue  # pinned on every page: its count is read off the first page only,
                    # so processes sharing a frontier (each with its own seen_ids) record it once
                self.count("articles_not_refetched")
                if row.views is not None:
                    yield ListingViews(self.name, row.board_id, row.url, row.views)
            elif self.articles_requested >= self.max_articles:
                self.cap(f"the article cap ({self.max_articles}, BULLETINS_MAX_ARTICLES) was reached "
                         f"on {response.url}")
            else:
                self.articles_requested += 1
                yield self.article_request(row)
        self.count("listing_rows", len(regular))
        if self.stop_paging(regular) or self.capped:
            return
        if self.listing_pages_read >= self.max_listing_pages:
            self.cap(f"the listing-page cap ({self.max_listing_pages}, BULLETINS_MAX_LISTING_PAGES) was "
                     f"reached at {response.url}")
            return
        # A page with no unseen ids repeats the last one (an out-of-range page number).
        following = self.listing_request(page + 1, response) if unseen else None
        if following is not None:
            yield following
        else:
            self.listing_ended()

    async def parse_article(self, response, page: ArticlePageBase, board_id=None):
        """An article's view page; `page` is its page object, built by scrapy-poet (each spider
        names its page class in its own parse_article's annotation). Its article is read in a
        second process where there is one (scraper.crawl.extraction), the crawl going on meanwhile."""
        if self.redirected_away(response, response.url, board_id):
            # Not the article asked for; but when the page is another article of the board, it
            # is stored under its own id: its own request may be dropped as a duplicate of this one.
            if self.article_id(response.url) is None:
                return
            board_id = self.article_id(response.url)
        unusable = unusable_page(page.response)
        if unusable is not None:  # archived as received; no article row of garbage
            self.page_failed((response.meta.get("redirect_urls") or [response.url])[0], unusable, "article", board_id)
            return
        item = await self.extraction.item(page)
        if board_id and item.board_id == response.url:
            item.board_id = board_id  # the view URL does not carry the id (POST views)
        yield item
        for attachment in item.attachments:
            yield self.attachment_request(attachment.url)

    def attachment_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_attachment, errback=self.failed, cb_kwargs={"url": url})

    def parse_attachment(self, response, url: str):
        # A 304 (not modified since the archived copy) is archived as a revisit record: the
        # attachment is archived, its size and type stay as stored.
        modified = response.status != 304
        # Redirected (a file server): the record archives the URL asked for and the one answered,
        # whose own request may be dropped as a duplicate of this one.
        for each in dict.fromkeys([url, response.url]):
            yield AttachmentDownload(url=each, size=len(response.body) if modified else None,
                                     content_type=media_type(response.headers.get("Content-Type")) if modified else None,
                                     name=attachment_filename(response.headers.get("Content-Disposition")),
                                     source=self.name)

    def retry_requests(self):
        """Requests for what earlier runs left unfinished (storage.database.unfinished): their articles
        and attachments, fetched again whatever the listings show today."""
        for retry in self.retries:
            if retry.kind == "article":
                self.count("retried_articles")
                yield scrapy.Request(retry.url, callback=self.parse_article, errback=self.failed,
                                     cb_kwargs={"board_id": retry.board_id},
                                     meta={"page_params": self.page_params()})
            elif retry.kind == "attachment":
                self.count("retried_attachments")
                yield self.attachment_request(retry.url)
        self.retries = []

    def count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"bulletins/{key}", n)

    def failed(self, failure) -> None:
        """Errback: name the page that could not be fetched; the crawl goes on."""
        request = failure.request
        kind = self.kind_of(request)
        if (kind == "listing" and request.cb_kwargs.get("page", 1) > 1 and failure.check(HttpError)
                and failure.value.response.status in (404, 410)):
            # a page past the last one (a guessed next page): the listing ends there
            self.logger.info("listing ends: HTTP %s at %s", failure.value.response.status, request.url)
            self.count("listing_past_the_end")
            self.listing_ended()
            return
        if kind == "listing":
            self.listing_failed = True
            self.walk_complete = False
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status}"
        elif failure.check(UnusableAnswer):
            reason = str(failure.value)
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
        # A redirect to a page that failed (or that was refused: another host) is the first
        # URL's failure: that is the URL the listing gave and the next run asks for again.
        url = (request.meta.get("redirect_urls") or [request.url])[0]
        if url != request.url:
            reason = f"redirected to {request.url}: {reason}"
        self.page_failed(url, reason, kind, request.cb_kwargs.get("board_id"))
