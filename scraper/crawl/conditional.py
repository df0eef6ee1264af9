"""Conditional re-fetches: a URL archived in full before is asked for only if it changed.

Its request carries If-None-Match / If-Modified-Since from the digest index. A `304 Not Modified`
answer reaches the callback (304 is added to the request's handle_httpstatus_list), and the
capture middleware archives it as a server-not-modified revisit of the capture named in
request.meta[EARLIER_CAPTURE]. Only non-HTML resources are in the index, so only their callbacks
meet a 304 (an empty body: keep what was stored, as parse_attachment does); requests whose answer
reaches no callback (robots.txt) are never made conditional.
"""

from __future__ import annotations

from scrapy.exceptions import NotConfigured
from scrapy.http.request import NO_CALLBACK

from storage.webarchive.digests import latest_for_url, urls_with_validators

from .database import CrawlDatabase

EARLIER_CAPTURE = "bulletins_earlier_capture"
NOT_MODIFIED = 304
_VALIDATOR_HEADERS = (b"If-None-Match", b"If-Modified-Since")


def dedup_switched_off(settings) -> str | None:
    """Why revisits and conditional fetches are off for these settings, or None."""
    if not settings.getbool("BULLETINS_STORAGE_ENABLED", True):
        return "storage switched off (BULLETINS_STORAGE_ENABLED): no digest index"
    if not settings.getbool("BULLETINS_DEDUP_ENABLED", True):
        return "dedup switched off (BULLETINS_DEDUP_ENABLED)"
    return None


class ConditionalRequestMiddleware:
    """Downloader middleware adding validators of the newest full capture of a URL."""

    def __init__(self, crawler, database: CrawlDatabase):
        self.crawler = crawler
        self.stats = crawler.stats
        self.database = database
        # read once: no lookup for URLs never archived
        self.known = database.read(urls_with_validators)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        reason = dedup_switched_off(settings)
        if reason:
            raise NotConfigured(reason)
        if not settings.getbool("BULLETINS_DEDUP_CONDITIONAL", True):
            raise NotConfigured("conditional fetches switched off (BULLETINS_DEDUP_CONDITIONAL)")
        if not settings.getbool("BULLETINS_WARC_ENABLED", True):
            raise NotConfigured("WARC capture switched off: a 304 would be archived nowhere")
        return cls(crawler, CrawlDatabase.from_crawler(crawler))

    def process_request(self, request):
        earlier = request.meta.get(EARLIER_CAPTURE)
        if earlier is not None:
            if earlier["url"] == request.url:
                return None  # a retry of the same conditional request
            self._undo(request)  # a redirect copied another URL's validators
        if (request.method != "GET" or request.callback is NO_CALLBACK  # robots.txt: no 304
                or request.url not in self.known
                or any(name in request.headers for name in _VALIDATOR_HEADERS)):
            return None
        row = self.database.read(lambda db: latest_for_url(db, request.url))
        if row is None or not (row.etag or row.last_modified):
            return None
        # Values as the server sent them (latin-1 view of the wire bytes, see storage.webarchive.warc).
        if row.etag:
            request.headers[b"If-None-Match"] = row.etag.encode("latin-1")
        if row.last_modified:
            request.headers[b"If-Modified-Since"] = row.last_modified.encode("latin-1")
        request.meta[EARLIER_CAPTURE] = {
            "url": row.url, "record_id": row.warc_record_id, "warc_date": row.warc_date,
            "digest": row.digest, "handle_httpstatus_list": request.meta.get("handle_httpstatus_list"),
        }
        request.meta["handle_httpstatus_list"] = [*self._allowed_statuses(request), NOT_MODIFIED]
        self.stats.inc_value("bulletins/conditional_requests")
        return None

    def _allowed_statuses(self, request) -> list[int]:
        """What HttpErrorMiddleware lets through now: a meta list replaces the spider's and the
        setting's, so those are carried over."""
        if "handle_httpstatus_list" in request.meta:
            return list(request.meta["handle_httpstatus_list"])
        spider_list = getattr(self.crawler.spider, "handle_httpstatus_list", None)
        if spider_list is not None:
            return list(spider_list)
        return self.crawler.settings.getlist("HTTPERROR_ALLOWED_CODES")

    @staticmethod
    def _undo(request) -> None:
        earlier = request.meta.pop(EARLIER_CAPTURE)
        for name in _VALIDATOR_HEADERS:
            request.headers.pop(name, None)
        if earlier["handle_httpstatus_list"] is None:
            request.meta.pop("handle_httpstatus_list", None)
        else:
            request.meta["handle_httpstatus_list"] = earlier["handle_httpstatus_list"]
