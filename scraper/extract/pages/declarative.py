"""Page objects driven by a site profile (scraper/extract/profiles): listing rows and article views.

Selectors are CSS as parsel reads them (`::text`, `::attr(name)`), or XPath when prefixed with
`xpath:`. A selector without `::text`/`::attr` takes the whole text of what it matches, with
white space collapsed.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, Iterable
from urllib.parse import parse_qs, unquote, urlsplit

from parsel import Selector, SelectorList
from web_poet import HttpResponse, PageParams, field

from ..fields import parse_count, parse_date, plausible_count
from ..items import AttachmentRecord
from ..profiles import Profile, join
from .base import ArticlePageBase, ListingRow, guess_type, text_answer, with_encoding

_SPACE = re.compile(r"\s+")
_NEW_MARK = re.compile(r"\s*(새로운\s*글|새글|\bnew\b|N)\s*$")
LABEL_TAGS = ("th", "dt", "label", "strong", "b", "em", "span", "li", "p", "div", "td")


def squash(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


# What selectors run on: a web-poet response, a parsel selector or a list of them
Selectable = HttpResponse | Selector | SelectorList


def select(sel: Selectable, spec: str) -> SelectorList:
    if spec.startswith("xpath:"):
        return sel.xpath(spec[len("xpath:") :])
    return sel.css(spec)


def text_of(sel: Selectable, spec: str | None) -> str | None:
    """The text (or attribute) a selector points at, white space collapsed; None if absent."""
    if not spec:
        return None
    found = select(sel, spec)
    if not found:
        return None
    if (
        "::attr(" in spec
        or "::text" in spec
        or spec.rstrip().endswith(("/text()", "/@href"))
        or re.search(r"/@[\w-]+$", spec)
    ):
        return squash(" ".join(found.getall())) or None
    for element in found:  # the first matched element that holds text (an image link holds none)
        text = squash(" ".join(element.xpath(".//text()[not(ancestor::script or ancestor::style)]").getall()))
        if text:
            return text
    return None


def date_of(sel: Selectable, spec: str | None) -> date | None:
    """The first date among what a selector matches (a row's spans: department, phone, date)."""
    if not spec:
        return None
    found = select(sel, spec)
    if "::" in spec or "/text()" in spec or re.search(r"/@[\w-]+$", spec):
        return next(filter(None, (parse_date(v) for v in found.getall())), None)
    for element in found:
        day = parse_date(squash(" ".join(element.xpath(".//text()").getall())))
        if day:
            return day
    return None


def id_from_url(url: str, profile: Profile) -> str | None:
    """The article id in a view URL. A board family's ids are qualified by the site and by the
    board parameters its listing form sends (eGovFrame's bbsId), as one family source holds the
    articles of many boards: `www.example.go.kr:BBSMSTR_000000000123:12345`."""
    listing = profile.listing
    found = None
    if listing.id_param:
        values = parse_qs(urlsplit(url).query).get(listing.id_param)
        found = values[0] if values else None
    elif listing.id_pattern:
        m = re.search(listing.id_pattern, url)
        found = m.group("id") if m and "id" in m.groupdict() else (m.group(1) if m else None)
    if found is None or not profile.template:
        return found
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    board = [query[k][0] for k in sorted(listing.form) if k in query]
    return ":".join([parts.hostname or "", *board, found])


def fill(template: str, values: dict[str, Any]) -> str:
    return template.format_map({k: ("" if v is None else v) for k, v in values.items()})


def in_charset(response: HttpResponse, profile: Profile) -> HttpResponse:
    """The answer read in the profile's charset, when it names one (a board that declares a wrong
    one): in a crawl and a reparse alike."""
    if profile.charset and text_answer(response):
        return with_encoding(response, profile.charset)
    return response


class ListingPage:
    """The rows of one listing page (HTML or JSON), in the order printed."""

    def __init__(self, response: HttpResponse, profile: Profile, base_url: str):
        self.response, self.profile, self.base_url = in_charset(response, profile), profile, base_url

    def rows(self) -> list[ListingRow]:
        if self.profile.listing.format == "json":
            return list(self._json_rows())
        return list(self._html_rows())

    # ------------------------------------------------------------------ HTML

    def _html_rows(self) -> Iterable[ListingRow]:
        spec = self.profile.listing
        for row in select(self.response, spec.rows):
            url, groups = self._row_link(row)
            if url is None:
                continue  # a locked/secret post: listed without a link
            board_id = (
                (id_from_url(url, self.profile) if self.profile.template else None)
                or groups.get("id")
                or id_from_url(url, self.profile)
            )
            if not board_id:
                continue
            title = text_of(row, spec.fields.get("title"))
            yield ListingRow(
                board_id=str(board_id),
                url=url,
                title=_NEW_MARK.sub("", title) if title else None,
                author=text_of(row, spec.fields.get("author")),
                published=date_of(row, spec.fields.get("published")),
                views=plausible_count(parse_count(text_of(row, spec.fields.get("views")))),
                notice=self._is_notice(row),
            )

    def _row_link(self, row: Selector) -> tuple[str | None, dict[str, str]]:
        spec = self.profile.listing
        if spec.onclick:
            pattern = re.compile(spec.onclick)
            for attr in row.xpath(".//@onclick | .//@href | ./@onclick").getall():
                m = pattern.search(attr)
                if m:
                    groups = {k: v for k, v in m.groupdict().items() if v is not None}
                    return join(self.base_url, fill(spec.view_url or "", groups)), groups
            return None, {}
        href = text_of(row, spec.link)
        if not href or href.startswith(("javascript:", "#")):
            return None, {}
        # Relative links ("?act=read&id=1") join the listing URL, not the site root.
        return str(self.response.urljoin(href)), {}

    def _is_notice(self, row: Selector) -> bool:
        spec = self.profile.listing
        if spec.notice and select(row, spec.notice):
            return True
        if spec.number:
            number = text_of(row, spec.number) or ""
            return any(mark in number for mark in spec.notice_text) or (
                bool(number) and not number.replace(",", "").isdigit()
            )
        return False

    # ------------------------------------------------------------------ JSON

    def _json_rows(self) -> Iterable[ListingRow]:
        spec = self.profile.listing
        data: Any = json.loads(self.response.text)
        for key in filter(None, spec.rows.split(".")):
            data = data.get(key, []) if isinstance(data, dict) else []
        for item in data if isinstance(data, list) else []:
            if not isinstance(item, dict):
                continue
            values = {k: ("" if v is None else str(v)) for k, v in item.items()}
            board_id = values.get(spec.fields.get("id", ""), "") or None
            url = join(self.base_url, fill(spec.view_url, values)) if spec.view_url else None
            if url is None or board_id is None:
                continue
            notice = spec.notice is not None and values.get(spec.notice, "") not in ("", "0", "N", "n", "false")
            yield ListingRow(
                board_id=board_id,
                url=url,
                title=squash(values.get(spec.fields.get("title", ""))) or None,
                author=squash(values.get(spec.fields.get("author", ""))) or None,
                published=parse_date(values.get(spec.fields.get("published", ""))),
                views=plausible_count(parse_count(values.get(spec.fields.get("views", "")))),
                notice=notice,
            )


class ArticlePage(ArticlePageBase):
    """A view page read with the profile's selectors and labels. `for_profile(profile)` is the
    same page with the profile built in, as scrapy-poet builds page objects: from their inputs
    alone (the response, the page parameters)."""

    profile: Profile

    def __init__(self, response: HttpResponse, profile: Profile | None = None, page_params: PageParams | None = None):
        profile = profile or type(self).profile
        self.source = profile.name
        super().__init__(in_charset(response, profile), page_params)
        self.profile = profile
        self.never_printed = tuple(f for f in profile.view.absent if f in ("author", "published", "views"))
        self.version = profile.view.version
        self._labelled: dict[str, str] | None = None
        self._auto = None

    @property
    def extractor_version(self) -> str:
        return f"profile:{self.profile.name}/{self.profile.view.version}"

    def _declared(self, name: str) -> bool:
        spec = self.profile.view
        return name in spec.fields or name in spec.labels.values() or (name == "title" and bool(spec.title))

    def auto(self):
        """The zero-config extractor's reading of this page, for the fields the profile leaves out
        (computed once, only when such a field is asked for)."""
        if self._auto is None:
            from scraper.extract import extract_article

            encoding = self.response.encoding if self.is_text else None
            self._auto = extract_article(self.response.body, str(self.response.url), encoding=encoding)
        return self._auto

    def _field(self, name: str) -> str | None:
        spec = self.profile.view
        if name in spec.fields:
            return text_of(self.response, spec.fields[name])
        return self.labelled().get(name)

    def labelled(self) -> dict[str, str]:
        """Field values found next to their printed labels (th/td, dt/dd, strong/span...)."""
        if self._labelled is None:
            self._labelled = labelled_values(self.response, self.profile.view.fields_in, self.profile.view.labels)
        return self._labelled

    @field
    def board_id(self) -> str | None:
        return id_from_url(str(self.response.url), self.profile) or self.page_params.get("board_id")

    # A field the profile declares (selector or label) is read as declared and only so: when it
    # is not found the layout changed, and drift detection must see it. A field it leaves out is
    # the zero-config extractor's.

    def _read(self, name: str, parse, auto):
        if name in self.profile.view.absent:
            return None
        return self.parsed(name, self._field(name), parse) if self._declared(name) else auto()

    @field
    def title(self) -> str | None:
        spec = self.profile.view
        if spec.title:
            return text_of(self.response, spec.title) or self._field("title")
        return self._read("title", lambda v: v, lambda: self.auto().title)

    @field
    def author(self) -> str | None:
        # an empty labelled cell is no value: None, never "" (a researcher's IS NULL finds it)
        return self._read("author", lambda v: v or None, lambda: self.auto().author)

    @field
    def department(self) -> str | None:
        return self._read("department", lambda v: v or None, lambda: self.auto().department)

    @field
    def published(self) -> date | None:
        return self._read("published", parse_date, lambda: self.auto().published)

    @field
    def views(self) -> int | None:
        return self._read("views", parse_count, lambda: self.auto().views)

    @field
    def body_html_fragment(self) -> str | None:
        spec = self.profile.view
        return select(self.response, spec.body).get() if spec.body else self.auto().body_html

    def cleaned_body(self, fragment: str, url: str) -> tuple[str, str]:
        """With no body selector, the zero-config extractor's reading of the body, cleaned once
        (scraper.extract.pages.zero_config)."""
        if not self.profile.view.body and fragment == self.auto().body_html:
            return self.auto().body_text or "", fragment
        return super().cleaned_body(fragment, url)

    @field
    def attachments(self) -> list[AttachmentRecord]:
        spec = self.profile.view
        if not spec.attachments:
            return list(self.auto().attachments)
        found, seen = [], set()
        for a in select(self.response, spec.attachments):
            url = self._attachment_url(a)
            if url is None or url in seen:
                continue
            seen.add(url)
            name = (
                text_of(a, spec.attachment_name)
                if spec.attachment_name
                else squash(" ".join(a.xpath(".//text()").getall()))
            )
            name = name or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            found.append(AttachmentRecord(name=name, url=url, content_type=guess_type(name)))
        return found

    def _attachment_url(self, a: Selector) -> str | None:
        spec = self.profile.view
        if spec.attachment_onclick:
            pattern = re.compile(spec.attachment_onclick)
            for attr in a.xpath("./@onclick | ./@href").getall():
                m = pattern.search(attr)
                if m:
                    url = str(self.response.url)
                    template = spec.attachment_url or ""  # the profile check requires it with the onclick
                    return join(url if template.startswith("?") else _site_root(url), fill(template, m.groupdict()))
            return None
        href = a.attrib.get("href")
        if not href or href.startswith(("javascript:", "#")):
            return None
        return str(self.response.urljoin(href))


def _site_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def labelled_values(response: Selectable, fields_in: str | None, labels: dict[str, str]) -> dict[str, str]:
    """{field: value} for labels printed beside their values.

    A label is an element whose whole text (without ':' and spaces) is one of `labels`; its value
    is the next element after the label's cell (the th of a th/label, the dt of a dt/span).
    """
    if not labels:
        return {}
    wanted = {re.sub(r"[\s:：]", "", label): target for label, target in labels.items()}
    containers = select(response, fields_in) if fields_in else [response]
    found: dict[str, str] = {}
    condition = " or ".join(f"self::{tag}" for tag in LABEL_TAGS)
    for container in containers:
        for el in container.xpath(f".//*[{condition}]"):
            text = re.sub(r"[\s:：]", "", "".join(el.xpath(".//text()").getall()))
            target = wanted.get(text)
            if target is None or target in found:
                continue
            cell = el.xpath("ancestor-or-self::*[self::th or self::dt][1]")
            anchor = cell[0] if cell else el
            value = anchor.xpath("following-sibling::*[1]")
            if not value:
                continue
            found[target] = squash(
                " ".join(value[0].xpath(".//text()[not(ancestor::script or ancestor::style)]").getall())
            )
    return found


def for_profile(profile: Profile, base: type[ArticlePage] = ArticlePage) -> type[ArticlePage]:
    """`base` with the profile built in: made from (response, page_params), as scrapy-poet builds
    the page object a spider's callback asks for."""

    def __init__(self, response: HttpResponse, page_params: PageParams | None = None):
        base.__init__(self, response, profile, page_params)

    name = "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", profile.name)) + "ArticlePage"
    # made_from: how another process makes the same class (scraper.extract.pages.portable)
    return type(
        name, (base,), {"__init__": __init__, "profile": profile, "made_from": (profile, base), "__module__": __name__}
    )
