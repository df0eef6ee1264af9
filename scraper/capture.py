"""The one component that archives: every HTTP exchange, as raw bytes, into WARC.

It sits at priority 950, nearer the downloader than HttpCompressionMiddleware (590), so it sees
bodies still compressed (replay must be byte-identical) and every retried or failed attempt.
"""

from __future__ import annotations

import http
import logging
from datetime import datetime, timedelta, timezone

from scrapy import signals
from scrapy.exceptions import NotConfigured

from storage.config import ensure_writable_dir, warc_dir
from storage.warc import HttpExchange, WarcWriter

log = logging.getLogger(__name__)

PRIORITY = 950


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
    if "content-length" not in names:
        # Twisted removed Transfer-Encoding and de-chunked the body: say how long it is now.
        headers = [(n, v) for n, v in headers if n.lower() != "transfer-encoding"]
        headers.append(("Content-Length", str(len(response.body))))
    latency = request.meta.get("download_latency") or 0.0
    try:
        reason = http.HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    return HttpExchange(
        url=response.url,
        method=request.method,
        request_headers=_header_list(request.headers),
        request_body=request.body or b"",
        protocol=response.protocol or "HTTP/1.1",
        status=response.status,
        reason=reason,
        response_headers=headers,
        body=response.body,
        ip_address=str(response.ip_address) if response.ip_address else None,
        date=now - timedelta(seconds=latency),
    )


class WarcCaptureMiddleware:
    """Downloader middleware writing a response and a request record per exchange."""

    def __init__(self, crawler, writer: WarcWriter):
        self.crawler = crawler
        self.stats = crawler.stats
        self.writer = writer
        crawler.signals.connect(self.close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("BULLETINS_WARC_ENABLED", True):
            raise NotConfigured("WARC capture switched off (BULLETINS_WARC_ENABLED)")
        directory = ensure_writable_dir(warc_dir(settings.get("BULLETINS_WARC_DIR")), "WARC files")
        writer = WarcWriter(
            directory,
            prefix=settings.get("BULLETINS_WARC_PREFIX", "BULLETINS"),
            max_size=settings.getint("BULLETINS_WARC_MAX_SIZE", 1_000_000_000),
            warcinfo={
                "isPartOf": settings.get("BOT_NAME", "bulletins"),
                # reparse finds the page objects of a file's pages through its source
                "source": getattr(crawler.spidercls, "name", None) or "",
                "http-header-user-agent": settings.get("USER_AGENT", ""),
                "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                "operator": settings.get("BULLETINS_CONTACT") or "unset (BULLETINS_CONTACT)",
                "description": "bulletin-archiver crawl, raw HTTP bytes as received",
            },
        )
        return cls(crawler, writer)

    def process_response(self, request, response):
        location = self.writer.write_exchange(exchange_of(request, response, datetime.now(timezone.utc)))
        request.meta["warc_location"] = location
        self.stats.inc_value("bulletins/warc_records")
        self.stats.inc_value("bulletins/warc_bytes", len(response.body))
        return response

    def close(self) -> None:
        self.writer.close()
        self.stats.set_value("bulletins/warc_files", [p.name for p in self.writer.finished])
