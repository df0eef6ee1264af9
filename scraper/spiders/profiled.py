"""One spider per site profile (scraper/profiles): navigation as the profile declares it.

The classes are made at load time by `spider_class`; `scraper.profiles.loader` hands them to
Scrapy's spider loader, so `bulletins crawl NAME` and `scrapy crawl NAME` both find them.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.http import TextResponse

from ..pages.declarative import ArticlePage, ListingPage, id_from_url, text_of
from ..profiles import Profile, join
from .base import BulletinSpider


def _import(spec: str):
    module, _, name = spec.partition(":")
    return getattr(__import__(module, fromlist=[name]), name)


class ProfileSpider(BulletinSpider):
    """Walks a board as its profile says: GET or POST listings, HTML or JSON, paged by a 'next'
    link, a page number, a row offset or a POSTed form field."""

    profile: Profile

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.base_url:
            raise ValueError(f"profile {self.name!r} is a board family without a site: "
                             "give --base-url (or base_url=...)")
        # A board family's board may be named on the base URL (`https://site?bbsId=BBSMSTR_…`):
        # that query goes with every listing request, over the profile's own form values.
        parts = urlsplit(self.base_url)
        self.base_query = parse_qsl(parts.query, keep_blank_values=True)
        if parts.query or parts.fragment:
            self.base_url = urlunsplit(parts._replace(query="", fragment="")).rstrip("/")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        for name, value in cls.profile.politeness.items():
            crawler.settings.set(name, value, priority="spider")
        return super().from_crawler(crawler, *args, **kwargs)

    @classmethod
    def page_for(cls, url: str):
        """The page object for an archived view page of this source, or None (reparse uses it)."""
        if id_from_url(url, cls.profile) is None:
            return None
        page = cls.profile.view.page
        return _import(page) if page else functools.partial(ArticlePage, profile=cls.profile)

    def article_id(self, url: str) -> str | None:
        return id_from_url(url, self.profile)

    # ------------------------------------------------------------------ requests

    def _values(self, page: int) -> dict[str, str]:
        p = self.profile.listing.pagination
        number = p.first + (page - 1) * (p.step if p.kind == "offset" else 1)
        return {"page": str(number), "offset": str(number), "base_url": self.base_url}

    async def start(self):
        first = self.profile.listing.session_first
        if first:
            # Some boards hand out the session cookie on the board page and refuse views without.
            yield scrapy.Request(join(self.base_url, first), callback=self.parse_session,
                                 errback=self.failed, dont_filter=True)
        else:
            yield self.listing_request(1)
            for request in self.retry_requests():
                yield request

    def parse_session(self, response):
        yield self.listing_request(1)
        for request in self.retry_requests():  # views need the session's cookie
            yield request

    def listing_request(self, page: int, response=None) -> scrapy.Request | None:
        spec, pagination = self.profile.listing, self.profile.listing.pagination
        values = self._values(page)
        url = join(self.base_url, spec.url.format_map(values))
        if page > 1:
            if pagination.kind == "none":
                return None
            if pagination.kind == "next_link":
                href = text_of(response, pagination.selector) if response is not None else None
                if not href or href.startswith(("javascript:", "#")):
                    return None
                url = response.urljoin(href)
            elif pagination.kind in ("param", "offset") and spec.method == "GET":
                url = _with_param(url, pagination.param, values["page"])
        form = {k: v.format_map(values) for k, v in spec.form.items()}
        if pagination.kind in ("param", "offset", "form") and spec.method == "POST":
            form[pagination.param] = values["page"]
        for name, value in getattr(self, "base_query", ()):
            if spec.method == "POST":
                form[name] = value
            else:
                url = _with_param(url, name, value)
        headers = {k: v.format_map(values) for k, v in spec.headers.items()}
        common = dict(callback=self.parse_listing, errback=self.failed, cb_kwargs={"page": page},
                      headers=headers)
        if spec.method == "POST":
            return scrapy.FormRequest(url, formdata=form, **common)
        return scrapy.Request(url, **common)

    # ------------------------------------------------------------------ pages

    def _decoded(self, response):
        charset = self.profile.charset
        if charset and isinstance(response, TextResponse):
            return response.replace(encoding=charset)
        return response

    def listing_page(self, response):
        return ListingPage(self._decoded(response), self.profile, self.base_url)

    def article_page(self, response):
        page = self.profile.view.page
        response = self._decoded(response)
        return _import(page)(response) if page else ArticlePage(response, self.profile)


def _with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    query.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^a-z0-9]+", name)) + "Spider"


def spider_class(profile: Profile) -> type[ProfileSpider]:
    return type(_class_name(profile.name), (ProfileSpider,), {
        "name": profile.name,
        "profile": profile,
        "default_base_url": profile.base_url,
        "description": profile.description,
        "__module__": __name__,
    })
