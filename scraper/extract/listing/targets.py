"""Where a link goes: its URL shape (path and query keys, numbers aside, the listing's own
parameters left out) or its javascript call and arguments."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from ..document import Doc, squash

_JS_CALL = re.compile(r"([A-Za-z_$][\w$.]*)\s*\(([^()]*)\)")
_JS_ARGS = re.compile(r"""['"]([^'"]*)['"]|(-?\d+)""")
_SEARCH_PARAMS = (
    "searchWrd",
    "searchCnd",
    "searchKeyword",
    "searchCondition",
    "sch_word",
    "keyword",
    "search",
    "word",
    "key",
    "sfl",
    "stx",
    "sop",
    "sst",
    "sod",
    "category",
    "sca",
)
_PAGE_PARAMS = (
    "page",
    "pageIndex",
    "pageNo",
    "curPage",
    "cpage",
    "pg",
    "pageNum",
    "startPage",
    "nowPage",
    "currentPage",
    "page_no",
    "pageno",
    "paged",
    "start",
    "Start",
    "offset",
    "startIdx",
    "pagenum",
    "movePage",
    "goPage",
    "page_index",
    "cur_page",
    "currPage",
    "reqPage",
    "npage",
)
# Query parameters that carry the listing's state, not the article: a link with or without them
# goes to the same article (gnuboard adds &page=1 to some rows only).
_NAV_PARAMS = frozenset(_PAGE_PARAMS) | frozenset(_SEARCH_PARAMS)


def _target(doc: Doc, a) -> tuple[tuple, str | None, str | None] | None:
    """(shape, url, javascript call) of a link, or None when it goes nowhere."""
    href = (a.get("href") or "").strip()
    if href and not href.startswith("#") and not href.lower().startswith(("javascript:", "mailto:", "tel:")):
        url = doc.join(href)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https", "file"):
            return None
        keys = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)} - _NAV_PARAMS))
        shape = ("url", parts.netloc, re.sub(r"\d+", "#", parts.path), keys)
        return shape, url, None
    code = a.get("onclick") or (href[11:] if href.lower().startswith("javascript:") else "")
    m = _JS_CALL.search(code or "")
    if m and m.group(1) not in ("return", "void", "alert", "confirm"):
        args = _JS_ARGS.findall(m.group(2))
        if args:
            return ("js", m.group(1), len(args)), None, squash(m.group(0))
    return None


def _js_args(call: str) -> list[str]:
    m = _JS_CALL.search(call)
    return [s or n for s, n in _JS_ARGS.findall(m.group(2))] if m else []
