"""The one component that archives: every HTTP exchange, as raw bytes, into WARC.

It sits at priority 950, nearer the downloader than HttpCompressionMiddleware (590), so it sees
bodies still compressed (replay must be byte-identical) and every retried or failed attempt.

A download stopped part-way (a size limit, scraper.crawl.limits) is archived as far as it was
received, its response record marked `WARC-Truncated` (as Heritrix does).

Dedup without losing evidence: a non-HTML 200 whose payload was archived in full before becomes
a revisit record pointing at that record, and a 304 to a conditional request (scraper/crawl/conditional)
a server-not-modified revisit. The digest index lives in the database (storage/webarchive/digests).
"""

from __future__ import annotations

import http
import logging
import weakref
from datetime import datetime, timedelta, timezone

from scrapy import signals
from scrapy.exceptions import NotConfigured

from storage.config import database_url, ensure_writable_dir, warc_dir
from storage.webarchive.cdxj import LiveIndex
from storage.webarchive.digests import first_with_digest, remember
from storage.webarchive.repair import repair_directory
from storage.webarchive.warc import (
    IDENTICAL_PAYLOAD_DIGEST,
    SERVER_NOT_MODIFIED,
    HttpExchange,
    RecordLocation,
    WarcWriter,
    payload_digest,
)

from scraper.crawl.database import CrawlDatabase
from scraper.crawl.limits import TRUNCATED_META
from scraper.crawl.conditional import EARLIER_CAPTURE, NOT_MODIFIED, dedup_switched_off
from scraper.extract.answers import HTML_TYPES

log = logging.getLogger(__name__)

_live_indexes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
LIVE_INDEX_BUFFER = 4 * 2**20  # bytes of index lines a crawl holds before it spills a sorted run


def live_index(crawler) -> LiveIndex | None:
    """The CDXJ lines of what the crawl's capture wrote, made as it wrote (the packager's index)."""
    return _live_indexes.get(crawler)

PRIORITY = 950
# Pages are always archived in full: their view counters change every day, so their payloads
# never match an earlier one, and each capture is the evidence of what the page said that day.
_BODILESS = frozenset({204, 304})
# Whoever stops a download (scrapy.exceptions.StopDownload; the answer then arrives flagged
# "download_stopped" with the body received so far) says why here, as WARC-Truncated says it:
# "length" for a size limit (scraper.crawl.limits). A stop without a word is "unspecified".


def media_type(response) -> str | None:
    value = response.headers.get(b"Content-Type")
    if not value:
        return None
    return value.decode("latin-1").split(";")[0].strip().lower() or None


def _header_list(headers) -> list[tuple[str, str]]:
    pairs = []
    for name, values in headers.items():
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


def exchange_of(request, response, now: datetime) -> HttpExchange:
    """Rebuild what went over the wire; Scrapy keeps neither the reason phrase nor framing."""
    headers = _header_list(response.headers)
    names = {name.lower() for name, _ in headers}
    if response.status in _BODILESS:
        # Twisted reports length 0 for these whatever was sent, and Scrapy makes that a
        # Content-Length header: not the server's, so not archived.
        headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
    elif "content-length" not in names or truncation(request, response):
        # Twisted removed Transfer-Encoding and de-chunked the body, or the body was cut at a size
        # limit (WARC-Truncated says so): say how long it is now, or a replay would wait forever
        # for the rest.
        headers = [(n, v) for n, v in headers if n.lower() not in ("transfer-encoding", "content-length")]
        headers.append(("Content-Length", str(len(response.body))))
    latency = request.meta.get("download_latency") or 0.0
    try:
        reason = http.HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    request_headers = _header_list(request.headers)
    if (request.body or request.method in ("POST", "PUT")) and not any(
            name.lower() == "content-length" for name, _ in request_headers):
        # Twisted frames a request body with a Content-Length it writes before the other headers;
        # pywb keys a POST body into its index only as far as that length says.
        request_headers.insert(0, ("Content-Length", str(len(request.body or b""))))
    return HttpExchange(
        url=response.url,
        method=request.method,
        request_headers=request_headers,
        request_body=request.body or b"",
        protocol=response.protocol or "HTTP/1.1",
        status=response.status,
        reason=reason,
        response_headers=headers,
        body=response.body,
        ip_address=str(response.ip_address) if response.ip_address else None,
        date=now - timedelta(seconds=latency),
    )


def truncation(request, response) -> str | None:
    """Why the body archived is less than the answer (a WARC-Truncated value), or None if whole."""
    if "download_stopped" not in response.flags:
        return None
    return request.meta.get(TRUNCATED_META, "unspecified")


def repair_leftovers(directory, settings) -> None:
    """Close the files a killed crawl left open (cutting a torn last record) before writing."""
    db = (database_url(settings.get("BULLETINS_DATABASE_URL"))
          if settings.getbool("BULLETINS_STORAGE_ENABLED", True) else None)
    report = repair_directory(directory, db)
    for line in report.lines():
        log.log(logging.WARNING if report.changed else logging.DEBUG, "archive repair: %s", line)


def crawl_fields(crawler) -> dict[str, str]:
    """The crawl's settings and arguments, for the warcinfo record (warc.md: say how it was made)."""
    settings, spider = crawler.settings, getattr(crawler, "spider", None)
    fields = {
        "download-delay": f"{settings.getfloat('DOWNLOAD_DELAY')} s (jitter {settings.getfloat('DOWNLOAD_DELAY_JITTER')})",
        "concurrent-requests-per-host": str(settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")),
        "retries": f"{settings.getint('RETRY_TIMES')}, backoff {settings.getfloat('BULLETINS_RETRY_BACKOFF_BASE')} s doubling",
    }
    for name in ("base_url", "since", "until", "full"):
        value = getattr(spider, name, None)
        if value not in (None, False):
            fields[f"crawl-{name.replace('_', '-')}"] = str(value)
    return fields


class WarcCaptureMiddleware:
    """Downloader middleware writing a response (or revisit) and a request record per exchange.

    `digests` is the crawl's database (scraper.crawl.database), holding the digest index; None when
    dedup is off. Its rows go through the crawl's one unit of work.
    """

    def __init__(self, crawler, writer: WarcWriter, digests: CrawlDatabase | None = None):
        self.crawler = crawler
        self.stats = crawler.stats
        self.writer = writer
        self.digests = digests
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("BULLETINS_WARC_ENABLED", True):
            raise NotConfigured("WARC capture switched off (BULLETINS_WARC_ENABLED)")
        directory = ensure_writable_dir(warc_dir(settings.get("BULLETINS_WARC_DIR")), "WARC files")
        repair_leftovers(directory, settings)
        index = None
        if settings.getbool("BULLETINS_PACKAGE_ENABLED", True):  # the packager's index
            # a small buffer: --all holds one per source for the whole crawl; spilled there, unnamed
            index = _live_indexes[crawler] = LiveIndex(directory, buffer_bytes=LIVE_INDEX_BUFFER)
        writer = WarcWriter(
            directory,
            # the source in the name: crawls of several sources may run side by side (demo)
            prefix="-".join(filter(None, [settings.get("BULLETINS_WARC_PREFIX", "BULLETINS"),
                                          getattr(crawler.spidercls, "name", None)])),
            max_size=settings.getint("BULLETINS_WARC_MAX_SIZE", 1_000_000_000),
            warcinfo={
                "isPartOf": settings.get("BOT_NAME", "bulletins"),
                # reparse finds the page objects of a file's pages through its source
                "source": getattr(crawler.spidercls, "name", None) or "",
                "http-header-user-agent": settings.get("USER_AGENT", ""),
                "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                "operator": settings.get("BULLETINS_CONTACT") or "unset (BULLETINS_CONTACT)",
                "description": "bulletin-archiver crawl, raw HTTP bytes as received",
                **crawl_fields(crawler),
            },
            index=index,
        )
        database = None
        reason = dedup_switched_off(settings)
        if reason:
            log.info("revisit records off: %s", reason)
        else:
            database = CrawlDatabase.from_crawler(crawler)
        return cls(crawler, writer, database)

    def process_response(self, request, response):
        exchange = exchange_of(request, response, datetime.now(timezone.utc))
        request.meta["warc_location"] = self._archive(request, response, exchange)
        self.stats.inc_value("bulletins/warc_records")
        return response

    def _archive(self, request, response, exchange: HttpExchange) -> RecordLocation:
        truncated = truncation(request, response)
        if truncated:
            # Kept as evidence of what was received, but never indexed for dedup: a later
            # whole answer must not become a revisit of a cut-off record.
            self.stats.inc_value("bulletins/warc_truncated")
            self.stats.inc_value("bulletins/warc_bytes", len(response.body))
            return self.writer.write_exchange(exchange, truncated=truncated)
        if self.digests is not None:
            earlier = request.meta.get(EARLIER_CAPTURE)
            if response.status == NOT_MODIFIED and earlier is not None:
                self.stats.inc_value("bulletins/warc_revisits/not_modified")
                return self.writer.write_revisit(
                    exchange, profile=SERVER_NOT_MODIFIED, refers_to_uri=earlier["url"],
                    refers_to_date=earlier["warc_date"], refers_to_id=earlier["record_id"],
                    payload_digest=earlier["digest"])
            if self._dedupable(request, response):
                return self._archive_once(response, exchange)
        self.stats.inc_value("bulletins/warc_bytes", len(response.body))
        return self.writer.write_exchange(exchange)

    def _archive_once(self, response, exchange: HttpExchange) -> RecordLocation:
        """A revisit if this payload is archived already, else the full record, indexed."""
        digest = payload_digest(response.body)
        original = self.digests.read(lambda db: first_with_digest(db, digest))
        if original is not None:
            self.stats.inc_value("bulletins/warc_revisits/identical_payload")
            self.stats.inc_value("bulletins/warc_bytes_deduplicated", len(response.body))
            return self.writer.write_revisit(
                exchange, profile=IDENTICAL_PAYLOAD_DIGEST, refers_to_uri=original.url,
                refers_to_date=original.warc_date, refers_to_id=original.warc_record_id,
                payload_digest=digest)
        location = self.writer.write_exchange(exchange)
        self.stats.inc_value("bulletins/warc_bytes", len(response.body))
        self._index(response, location)
        return location

    @staticmethod
    def _dedupable(request, response) -> bool:
        """A non-HTML 200 answer to a GET, with a body (cheap checks: this runs per response)."""
        if response.status != 200 or request.method != "GET" or not response.body:
            return False
        kind = media_type(response)
        return kind is not None and kind not in HTML_TYPES

    def _index(self, response, location: RecordLocation) -> None:
        def header(name: bytes) -> str | None:
            value = response.headers.get(name)
            return value.decode("latin-1") if value else None

        etag, last_modified = header(b"ETag"), header(b"Last-Modified")
        self.digests.work.write(lambda db: remember(db, response.url, location, etag=etag,
                                                    last_modified=last_modified),
                                label=response.url)

    def close(self) -> None:
        self.writer.close()
        self.stats.set_value("bulletins/warc_files", [p.name for p in self.writer.finished])
        if self.digests is not None:
            self.digests.work.commit()
