"""What a listing page gives: its article links, its pagination, the rows' structure."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class ListingLink:
    url: str | None  # absolute URL, or None for a javascript-only link
    title: str | None
    date: date | None = None
    board_id: str | None = None
    notice: bool = False
    onclick: str | None = None  # the javascript call, when the link is one


@dataclass
class Pagination:
    mechanism: str | None = None  # query | offset | path | javascript | form | fragment | next-link | None
    param: str | None = None  # the query/form parameter carrying the page
    step: int | None = None  # offset per page (offset)
    current: int | None = None
    next_url: str | None = None
    template: str | None = None  # URL with {n}: the page number, or the offset for `offset`
    function: str | None = None  # javascript function (javascript)
    next_call: str | None = None  # e.g. "pageLink(2)"
    next_request: dict | None = None  # {"method", "url", "data"} when a form is posted
    next_selector: str | None = None  # CSS of the pager's "next" link, when it has one
    last: int | None = None  # the last page, when the page says (a pager-building call)
    rule: str | None = None  # pager-links | next-link | script-function | script-field | form-field
    description: str = ""


@dataclass
class ListingGuess:
    url: str
    kind: str  # "listing" | "article"
    links: list[ListingLink] = field(default_factory=list)
    pagination: Pagination = field(default_factory=Pagination)
    rows_selector: str | None = None
    link_selector: str | None = None
    id_source: tuple | None = None  # ("param", key) | ("path", index) | ("slug",) | ("arg", index)
    field_selectors: dict = field(default_factory=dict)  # title/published -> CSS inside a row
    notice_class: str | None = None  # class the notice rows share
    pattern: RowPattern | None = None  # the rows' structure, to read the board's later pages with

    def as_json(self) -> dict:
        links = []
        for link in self.links:
            item = asdict(link)
            item["date"] = link.date.isoformat() if link.date else None
            links.append(item)
        return {
            "kind": self.kind,
            "url": self.url,
            "links": links,
            "pagination": asdict(self.pagination),
            "rows_selector": self.rows_selector,
            "link_selector": self.link_selector,
            "id_source": list(self.id_source) if self.id_source else None,
            "field_selectors": dict(self.field_selectors),
        }


@dataclass(frozen=True)
class RowPattern:
    """What a board's first listing page taught about its rows: the article links' shape (the
    same path and query keys, or the same javascript function), the path from the root to the
    element holding the rows, step by step (tag, stable id, classes), and where the ids are. A
    later page with one or two rows is read with it instead of being guessed afresh (its few links
    would lose to the pager's)."""

    shape: tuple
    container: tuple
    id_source: tuple | None = None  # where the first page found each row's id (ListingGuess.id_source)
