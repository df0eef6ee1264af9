"""Meta refreshes that go nowhere usable are no redirects.

A view page whose `<meta http-equiv="refresh">` points to `javascript:...` (or `#`, or any other
scheme than http and https) is seen on real boards; Scrapy's MetaRefreshMiddleware fails the
request with "Missing scheme in request url" before its own scheme check, and the article is lost.
A browser stays on such a page: so does the crawl, and the page is read as the article it is.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh



class UsableMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta refresh handling, for refreshes to http(s) URLs only."""

    def process_response(self, request, response):
        if isinstance(response, HtmlResponse):
            _, url = get_meta_refresh(response, ignore_tags=self._ignore_tags)
            if url and urlsplit(url).scheme.lower() not in ("http", "https"):
                self.crawler.stats.inc_value("bulletins/meta_refresh_ignored")
                return response
        return super().process_response(request, response)
