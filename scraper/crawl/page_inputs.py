"""Scrapy's responses as web-poet's HttpResponse, the input of every page object.

scrapy-poet's own provider decodes header bytes as UTF-8 and fails on a header that is not (a
Korean file name in EUC-KR, a cookie in anything): the page object, and so the article, would be
lost. Here header bytes are read as Latin-1, byte for byte, as the WARC records' headers are read
by a reparse: a crawl and a reparse give the page object the same response.
"""

from __future__ import annotations

from scrapy.http import Response
from scrapy_poet.page_input_providers import HttpResponseProvider
from web_poet import HttpResponse, HttpResponseHeaders


def web_response(response: Response) -> HttpResponse:
    """Scrapy's response as web-poet's (for the pages a spider reads itself too: listings)."""
    return HttpResponse(url=response.url, body=response.body, status=response.status,
                        headers=HttpResponseHeaders.from_bytes_dict(response.headers, encoding="latin-1"))


class WebResponseProvider(HttpResponseProvider):
    """scrapy-poet's provider of HttpResponse, with headers read as Latin-1
    (settings: SCRAPY_POET_PROVIDERS replaces scrapy-poet's own with this one)."""

    def __call__(self, to_provide, response: Response):
        return [web_response(response)]
