"""A listing page read: `extract_listing` (its article links, rows and pagination, as a
ListingGuess) and `guess_kind` (a listing or an article)."""

from __future__ import annotations

import re

from ..body import densest_block
from ..document import Doc, as_doc, contains, css_path
from .pagination import find_pagination
from .pattern import _path_of, find_links_by_pattern
from .results import ListingGuess, ListingLink, RowPattern
from .rows import (
    _best_family,
    _board_ids,
    _few_rows,
    _is_locked,
    _is_notice,
    _link_title,
    _row_date,
    _row_date_element,
    _title_and_element,
    find_links,
)


def extract_listing(html, url: str, *, encoding: str | None = None, pattern: RowPattern | None = None) -> ListingGuess:
    """The article links of a listing page (rows, titles, dates, ids, notices) and its pagination.

    `pattern`: the rows' structure learned on the board's first page (`ListingGuess.pattern`):
    the links of that shape in that container are the rows, however few; a page without any is
    guessed afresh (page-number links never pass for articles then)."""
    doc = as_doc(html, url, encoding)
    container = shape = None
    found: list = []
    if pattern is not None:
        container, found = find_links_by_pattern(doc, pattern)
        shape = pattern.shape if found else None
    if found:
        kind = "listing"
    else:
        container, found, shape = _best_family(doc, not_the_pager=pattern is not None)
        kind = _kind(doc, container, found)
    if not found:
        container, found, shape = _few_rows(doc)
        kind = "listing" if found else kind
    guess = ListingGuess(url=doc.url, kind=kind)
    learned = pattern.id_source if pattern is not None and pattern.shape == shape else None
    ids, guess.id_source = _board_ids([(u, c) for _, _, u, c in found], prefer=learned)
    if found:
        assert shape is not None  # rows are found with their shape
        guess.pattern = RowPattern(shape=shape, container=_path_of(container), id_source=guess.id_source)
    for (row, anchors, link_url, call), board_id in zip(found, ids):
        if _is_locked(row):
            continue
        title = max((_link_title(a) for a in anchors), key=len, default=None) or None
        guess.links.append(
            ListingLink(
                url=link_url,
                title=title,
                date=_row_date(row, anchors),
                board_id=board_id,
                notice=_is_notice(row),
                onclick=call,
            )
        )
    if found:
        rows = [r for r, _, _, _ in found]
        tags = {r.tag for r in rows}
        classes = set.intersection(*({c for c in (r.get("class") or "").split()} for r in rows))
        common = "".join(f".{c}" for c in sorted(classes) if re.fullmatch(r"[A-Za-z_][\w-]*", c))
        row_sel = (tags.pop() if len(tags) == 1 else "*") + common
        guess.rows_selector = f"{css_path(container)} > {row_sel}"
        row, anchors = found[0][0], found[0][1]
        title_anchor = max(anchors, key=lambda a: len(_link_title(a)))
        guess.link_selector = css_path(title_anchor, stop=row, depth=2)
        source = _title_and_element(title_anchor)[1]
        guess.field_selectors["title"] = css_path(source, stop=row, depth=2)
        when, where = _row_date_element(row, anchors)
        if when is not None and where is not None and where is not row:
            guess.field_selectors["published"] = css_path(where, stop=row, depth=2)
        notice_classes = [set((r.get("class") or "").split()) for r, *_ in found if _is_notice(r)]
        shared = set.intersection(*notice_classes) if notice_classes else set()
        marked = sorted(c for c in shared if "notice" in c.lower() or "공지" in c)
        if marked:
            guess.notice_class = marked[0]
    guess.pagination = find_pagination(doc, container)
    return guess


def _kind(doc: Doc, container, found) -> str:
    if len(found) < 5:
        return "article"
    body, dense = densest_block(doc)
    if dense < 400:
        return "listing"
    rows_inside = sum(1 for row, _, _, _ in found if body is not None and contains(body, row))
    if rows_inside >= 3 or (body is not None and container is not None and contains(container, body)):
        return "listing"
    return "article"


def guess_kind(html, url: str, *, encoding: str | None = None) -> str:
    """ "listing" or "article"."""
    doc = as_doc(html, url, encoding)
    container, found = find_links(doc)
    return _kind(doc, container, found)
