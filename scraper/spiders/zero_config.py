"""A crawl of a board nobody has profiled: `bulletins crawl --url LISTING_URL`.

The zero-config extractor (scraper/extract) finds the article links and the pagination on each
listing page and every field on each article page. The source is named after the site
(`auto-www-example-go-kr`), so a nightly run of the same URL is incremental like any other.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import scrapy
from scrapy.http import TextResponse

from ..extract import extract_listing
from ..pages.base import ListingRow
from ..pages.zero_config import ArticlePage, board_id_from_url
from .base import BulletinSpider


def source_for(url: str) -> str:
    host = (urlsplit(url).hostname or "site").lower()
    return "auto-" + re.sub(r"[^a-z0-9]+", "-", host).strip("-")


class _Rows:
    def __init__(self, rows):
        self._rows = rows

    def rows(self):
        return self._rows


class ZeroConfigSpider(BulletinSpider):
    """Walks one listing URL's board with no profile (spider argument `url`)."""

    name = "auto"
    description = "any board, with no profile: bulletins crawl --url LISTING_URL"
    listed = False   # not a source of its own: `bulletins sources` leaves it out

    def __init__(self, *args, url: str | None = None, **kwargs):
        if not url:
            raise ValueError("the zero-config crawl needs a listing URL (--url)")
        parts = urlsplit(url)
        kwargs.setdefault("base_url", f"{parts.scheme}://{parts.netloc}")
        super().__init__(*args, **kwargs)
        self.start_url = url
        self.links_without_url = 0

    def listing_request(self, page: int, response=None):
        if page == 1:
            return scrapy.Request(self.start_url, callback=self.parse_listing, errback=self.failed,
                                  cb_kwargs={"page": 1})
        pagination = response.meta["bulletins_guess"].pagination
        common = dict(callback=self.parse_listing, errback=self.failed, cb_kwargs={"page": page})
        if pagination.next_request:
            spec = pagination.next_request
            if spec.get("method", "GET").upper() == "POST":
                return scrapy.FormRequest(response.urljoin(spec["url"]), formdata=spec.get("data") or {},
                                          **common)
            return scrapy.FormRequest(response.urljoin(spec["url"]), method="GET",
                                      formdata=spec.get("data") or {}, **common)
        if pagination.next_url:
            return scrapy.Request(response.urljoin(pagination.next_url), **common)
        return None

    def listing_page(self, response):
        encoding = response.encoding if isinstance(response, TextResponse) else None
        guess = extract_listing(response.body, response.url, encoding=encoding)
        response.meta["bulletins_guess"] = guess  # for listing_request of the next page
        rows = []
        for link in guess.links:
            if not link.url:
                self.links_without_url += 1  # a javascript-only link: a profile can say where it goes
                self.count("links_without_url")
                continue
            rows.append(ListingRow(board_id=link.board_id or board_id_from_url(link.url), url=link.url,
                                   title=link.title, author=None, published=link.date, views=None,
                                   notice=link.notice))
        return _Rows(rows)

    def article_page(self, response):
        return ArticlePage(response, source=self.name)

    def article_id(self, url: str) -> str | None:
        return board_id_from_url(url)

    def article_request(self, row):
        request = super().article_request(row)
        request.meta["board_id"] = row.board_id
        return request


def zero_config_spider(url: str) -> type[ZeroConfigSpider]:
    """A spider class for this listing URL's site, named after it (`auto-<host>`)."""
    name = source_for(url)
    return type("AutoSpider", (ZeroConfigSpider,), {"name": name, "__module__": __name__})
