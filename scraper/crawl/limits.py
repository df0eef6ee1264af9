"""Size limits by kind of answer, and compressed bodies that do not decompress.

Without them a 972 KB gzip answer expanding to 1 GB was accepted (4.9 GB of memory: Scrapy
decompresses in memory up to DOWNLOAD_MAXSIZE, 1 GiB), a 20 MB page became a 72 MB database row,
and a corrupt gzip body was cut short without a word by Scrapy's lenient gunzip.

Two limits, by what a request fetches: pages (listings and articles, BULLETINS_MAX_PAGE_SIZE) and
attachments (BULLETINS_MAX_ATTACHMENT_SIZE). Each is checked twice:

* on the bytes received: past the limit the download stops there (a `bytes_received` handler
  raises StopDownload(fail=False)); the capture middleware (scraper.archive.capture, 950) archives what
  came, marked `WARC-Truncated: length`, and this middleware then fails the request;
* on the decompressed size of a gzip or deflate body received whole, decompressed 64 KiB at a time
  and thrown away, so a bomb costs no memory; a body that does not decompress (bad CRC, cut short,
  garbage) fails too. Either way the raw bytes were archived whole. br and zstd bodies are left
  to Scrapy's own check during decompression, given our limit (`download_maxsize` meta).

Its process_response runs after the capture (950) and before HttpCompressionMiddleware (590), so
every answer is archived as received and none is decompressed in memory before it is checked.
A failed request raises scraper.crawl.unusable.UnusableAnswer: the spider's errback names the URL with
the reason, and the next run fetches it again.
"""

from __future__ import annotations

import logging
import zlib
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.exceptions import StopDownload

from .unusable import UnusableAnswer

# Set on a request whose answer was cut at a size limit: the capture marks its WARC record
# `WARC-Truncated` with the reason.
TRUNCATED_META = "warc_truncated"

log = logging.getLogger(__name__)

PRIORITY = 595  # between HttpCompressionMiddleware (590) and the conditional/capture ones (940, 950)
PAGE_LIMIT = "BULLETINS_MAX_PAGE_SIZE"
ATTACHMENT_LIMIT = "BULLETINS_MAX_ATTACHMENT_SIZE"
STEP = 64 * 1024  # decompressed bytes at a time: the most a check holds in memory
_ZLIB_CODINGS = {"gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate"}
# Set beside `download_maxsize` when this middleware set it, so a retried copy of the request
# sheds it again before download: the download handler would refuse the answer unarchived.
_OWN_MAXSIZE = "bulletins_limit_maxsize"


class CorruptBody(ValueError):
    """A gzip or deflate body that does not decompress; its text says what zlib found."""


def is_attachment(request) -> bool:
    """Attachments are fetched by the spiders' `parse_attachment` callback; all else is a page."""
    return getattr(request.callback, "__name__", None) == "parse_attachment"


def outer_coding(response) -> str | None:
    """The last Content-Encoding applied (the first to undo), lower case; None if there is none."""
    codings = [coding.strip().lower()
               for value in response.headers.getlist(b"Content-Encoding")
               for coding in value.decode("latin-1").split(",")]
    codings = [coding for coding in codings if coding and coding != "identity"]
    return codings[-1] if codings else None


def decompresses_beyond(body: bytes, coding: str, limit: int) -> bool:
    """Whether a gzip or deflate body decompresses to more than `limit` bytes.

    Decompressed STEP bytes at a time, the output thrown away. Raises CorruptBody where Python's
    gzip and zlib would refuse the body (as storage.webarchive.warc.decoded_payload, used by reparse, does):
    bad check values, a stream cut short, garbage after it. Several gzip members are read as one
    body, and zero padding after the last is ignored, as Python's gzip module does.
    """
    gzip_wrapped = _ZLIB_CODINGS[coding] == "gzip"
    if gzip_wrapped:
        wbits = 16 + zlib.MAX_WBITS
    else:  # HTTP deflate is meant to be zlib-wrapped; some servers send raw deflate
        wbits = zlib.MAX_WBITS if _zlib_header(body) else -zlib.MAX_WBITS
    total, data = 0, body
    while True:
        inflater = zlib.decompressobj(wbits)
        try:
            while not inflater.eof:
                out = inflater.decompress(data, STEP)
                total += len(out)
                if total > limit:
                    return True
                data = inflater.unconsumed_tail
                if not data and len(out) < STEP and not inflater.eof:
                    raise CorruptBody("truncated")
        except zlib.error as error:  # "Error -3 while decompressing data: incorrect data check"
            raise CorruptBody(str(error).rpartition(": ")[2]) from None
        data = inflater.unused_data
        if not gzip_wrapped or not data.strip(b"\0"):
            return False
        if not data.startswith(b"\x1f\x8b"):
            raise CorruptBody("data after the end of the gzip stream")


def _zlib_header(body: bytes) -> bool:
    """A zlib stream header (RFC 1950): deflate method, header checksum a multiple of 31."""
    return len(body) >= 2 and body[0] & 0x0F == 8 and (body[0] << 8 | body[1]) % 31 == 0


class SizeLimitMiddleware:
    """Downloader middleware (PRIORITY) failing answers over their limit or with corrupt bodies,
    after they are archived; also the `bytes_received` handler stopping downloads at the limit."""

    def __init__(self, crawler, page_limit: int, attachment_limit: int):
        self.stats = crawler.stats
        self.page_limit, self.attachment_limit = page_limit, attachment_limit
        self._received: WeakKeyDictionary = WeakKeyDictionary()  # request -> body bytes so far
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, settings.getint(PAGE_LIMIT, 5_000_000),
                   settings.getint(ATTACHMENT_LIMIT, 100_000_000))

    def limit_of(self, request) -> tuple[int, str]:
        """The limit a request's answer is held to, and the setting that says it."""
        if is_attachment(request):
            return self.attachment_limit, ATTACHMENT_LIMIT
        return self.page_limit, PAGE_LIMIT

    def bytes_received(self, data: bytes, request) -> None:
        """Stop a download as soon as its body goes over the limit; the answer, cut there, then
        reaches the middlewares flagged "download_stopped" (StopDownload(fail=False))."""
        received = self._received.get(request, 0) + len(data)
        self._received[request] = received
        if received > self.limit_of(request)[0]:
            request.meta[TRUNCATED_META] = "length"
            raise StopDownload(fail=False)

    def process_request(self, request):
        """A fresh count for each download; what a copy (a redirect, a retry) inherited of an
        earlier attempt's marks is dropped."""
        self._received.pop(request, None)
        request.meta.pop(TRUNCATED_META, None)
        if request.meta.pop(_OWN_MAXSIZE, False):
            request.meta.pop("download_maxsize", None)
        return None

    def process_response(self, request, response):
        limit, setting = self.limit_of(request)
        if "download_stopped" in response.flags and request.meta.get(TRUNCATED_META) == "length":
            self._refuse("too_large", f"too large: more than {limit:,} bytes ({setting})")
        coding = outer_coding(response)
        if request.method == "HEAD" or not response.body or coding is None:
            return response
        if coding in _ZLIB_CODINGS:
            try:
                if decompresses_beyond(response.body, coding, limit):
                    self._refuse("too_large", f"too large: decompresses to more than {limit:,} bytes ({setting})")
            except CorruptBody as error:
                if 200 <= response.status < 300:  # an error page goes on to retries and HttpError
                    self._refuse("corrupt_body", f"corrupt {_ZLIB_CODINGS[coding]} body: {error}")
        if "download_maxsize" not in request.meta:
            # br, zstd, and any coding under the outer one: Scrapy's own check while decoding
            request.meta["download_maxsize"] = limit
            request.meta[_OWN_MAXSIZE] = True
        return response

    def _refuse(self, stat: str, reason: str):
        self.stats.inc_value(f"bulletins/{stat}")
        raise UnusableAnswer(reason)
