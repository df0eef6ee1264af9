"""The rows' structure, carried from the first page to the others: the path to the rows'
container, and the links of the learned shape found inside it on a later page."""

from __future__ import annotations

import re

from ..document import Doc, contains
from .pagination import _CURRENT
from .results import RowPattern
from .rows import _families, _found, _row_of


def _step(el) -> tuple:
    """One step of a path: tag, id (unless it looks generated) and classes (state classes such
    as `on` or `current` left out: they move between pages)."""
    ident = el.get("id") or ""
    if re.search(r"\d{3,}", ident):
        ident = ""
    classes = tuple(sorted(c for c in (el.get("class") or "").split() if not _CURRENT.fullmatch(c)))
    return el.tag, ident, classes


def _path_of(el) -> tuple:
    return tuple(_step(x) for x in [*reversed(list(el.iterancestors())), el])


def _elements_at(root, path: tuple, strict: bool) -> list:
    """The elements at the end of `path` from the root; `strict` compares classes too."""

    def same(el, step):
        tag, ident, classes = _step(el)
        return tag == step[0] and ident == step[1] and (not strict or classes == step[2])

    if not path or not same(root, path[0]):
        return []
    level = [root]
    for step in path[1:]:
        level = [child for parent in level for child in parent if isinstance(child.tag, str) and same(child, step)]
        if not level:
            return []
    return level


def find_links_by_pattern(doc: Doc, pattern: RowPattern):
    """(container, [(row, anchors, url, call)]) of the links of the learned shape inside the
    learned container, however few; (None, []) when the page has none."""
    members = _families(doc).get(pattern.shape)
    if not members:
        return None, []
    for strict in (True, False):
        containers = _elements_at(doc.root, pattern.container, strict)
        if not containers:
            continue
        inside = {id(c): [m for m in members if contains(c, m[0])] for c in containers}
        container = max(containers, key=lambda c: len(inside[id(c)]))
        chosen = inside[id(container)]
        if chosen:
            rows: dict = {}
            for a, url, call in chosen:
                rows.setdefault(_row_of(a, container), []).append((a, url, call))
            return container, _found(rows)
    return None, []
