"""One spider per site profile (scraper/extract/profiles): navigation as the profile declares it.

The classes are made at load time by `spider_class`; `scraper.crawl.spider_loader` hands them to
Scrapy's spider loader, so `bulletins crawl NAME` and `scrapy crawl NAME` both find them.
"""

from __future__ import annotations

import functools
import importlib
import re
from importlib.metadata import entry_points
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from web_poet import PageParams

from scraper.extract.pages.base import ArticlePageBase
from scraper.extract.pages.declarative import ArticlePage, ListingPage, for_profile, id_from_url, text_of
from scraper.extract.profiles import PAGE_GROUP, PAGE_IN_PROJECT, Profile, ProfileError, join
from ..page_inputs import web_response
from .base import BulletinSpider


def page_class(profile: Profile) -> type:
    """The page object class a profile's `view.page` names: a class of the project's page modules
    (`scraper.extract.pages.MODULE:Class`), or one an installed package declares in the entry point group
    `bulletins.pages` (`page = "NAME"`, or the entry point's own `module:Class`), a subclass of
    ArticlePageBase either way. Nothing else is imported: a ProfileError names the profile."""
    spec, where = profile.view.page, f"{profile.path or profile.name} [view]"
    if PAGE_IN_PROJECT.match(spec):
        module, _, attribute = spec.partition(":")
        load = functools.partial(_attribute, module, attribute)
    else:
        found = [ep for ep in entry_points(group=PAGE_GROUP) if spec in (ep.name, ep.value)]
        if not found:
            raise ProfileError(f"{where}: page {spec!r} is neither a page object of scraper.extract.pages "
                               f"(\"scraper.extract.pages.MODULE:Class\") nor an entry point of group {PAGE_GROUP!r}: "
                               "not imported")
        load = found[0].load
    try:
        cls = load()
    except Exception as exc:  # a module that fails to import, a name it lacks: this profile only
        reason = (str(exc).strip().splitlines() or [""])[0]
        raise ProfileError(f"{where}: page {spec!r} cannot be imported ({type(exc).__name__}: {reason})") from None
    if not (isinstance(cls, type) and issubclass(cls, ArticlePageBase)):
        raise ProfileError(f"{where}: page {spec!r} is not a page object class (a subclass of "
                           "scraper.extract.pages.base.ArticlePageBase)")
    return cls


def _attribute(module: str, name: str):
    return getattr(importlib.import_module(module), name)


class ProfileSpider(BulletinSpider):
    """Walks a board as its profile says: GET or POST listings, HTML or JSON, paged by a 'next'
    link, a page number, a row offset or a POSTed form field."""

    profile: Profile
    page_object: type[ArticlePageBase]  # the page class scrapy-poet builds for parse_article

    @property
    def extra_hosts(self) -> tuple[str, ...]:
        return self.profile.allowed_hosts

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
        """Makes the page object of an archived view page of this source from a web-poet response
        (reparse uses it), or None. A partial of module-level names, so reparse can hand it to its
        worker processes."""
        if id_from_url(url, cls.profile) is None:
            return None
        return functools.partial(_page_of, cls.profile, cls.profile.name)

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

    def listing_page(self, response):
        return ListingPage(web_response(response), self.profile, self.base_url)


def page_object(profile: Profile) -> type[ArticlePageBase]:
    """The class of a profile's article pages, made from (response, page_params) as scrapy-poet
    makes page objects: the class view.page names, else the declarative page with the profile."""
    return page_class(profile) if profile.view.page else for_profile(profile)


def _page_of(profile: Profile, source: str, response):
    """A profile's article page for a response, its article stored under `source`."""
    params = PageParams(source=source)
    if profile.view.page:
        return page_class(profile)(response, params)
    return ArticlePage(response, profile, params)


def _with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    query.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^a-z0-9]+", name)) + "Spider"


def spider_class(profile: Profile) -> type[ProfileSpider]:
    """The profile's spider class; a ProfileError when its view.page cannot be used."""
    page = page_object(profile)

    def parse_article(self, response, page, board_id=None):
        return ProfileSpider.parse_article(self, response, page, board_id)

    # scrapy-poet reads the annotation: the page object it builds for this callback
    parse_article.__annotations__ = {"page": page}
    return type(_class_name(profile.name), (ProfileSpider,), {
        "name": profile.name,
        "profile": profile,
        "page_object": page,
        "parse_article": parse_article,
        "default_base_url": profile.base_url,
        "description": profile.description,
        "__module__": __name__,
    })
