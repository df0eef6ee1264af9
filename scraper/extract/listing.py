"""Listing pages: the article links, their rows, and how the board pages.

Article links are the largest family of links sharing a URL shape (same path and query keys,
numbers aside) or the same javascript call (`fn_egov_inquire_articledetail('BBSMSTR_…','12345')`),
outside menus and footers, scored by title length and by a date in their row. A row is the child
of the links' common container holding the link (`tr`, `li`, a card), so one row gives one link
however many anchors it holds. Notice rows (공지) are flagged; locked rows (비밀글, a lock icon)
are skipped, and rows without a link never appear.

Pagination: the page-number links are compared. A query parameter equal to the page number is
`query` (`?page=N`, `pageIndex=N`, `curPage=N`); one that steps by the page size is `offset`
(`Start=0,10,20`); a number in the path is `path` (`/page/N/`); a javascript call carrying the
number is `javascript`, with the form it posts when the page defines the function
(`pageLink(2)` sets `#pageIndex` and submits `#mainForm`; eGovFrame's
`fn_egov_select_linkPage(2)` sets `document.listForm.pageIndex`); `#page=2` is `fragment` (an
AJAX board whose real requests must be found by hand); a lone "next" link is `next-link`.

Pagers built by script leave no page link in the HTML; after the pager links and a "next" link,
the page's scripts are read (`Pagination.rule` names the rule that found it):
- `script-function`: a page function written on the page (`fn_link_page(n)`, `goPage(n)`,
  `linkPage(n)`, `fn_egov_link_page(n)`, `movePage(n)`...) that sets a form field and submits the
  form: mechanism `javascript`, the form posted with the field set to N;
- `script-field`: a script that sets a page-number field of a form and submits it (광주광역시:
  `paging(1, 1537, 15367)` fills an empty `div.paging`, a click sets the hidden `movePage` of
  `#boardSearchForm`): mechanism `form`;
- `form-field`: the list form itself (its action is this page) carries a hidden page number:
  mechanism `form`.
The current and last page come from the pager-building call (`paging(current, totalPages, …)`)
or the field's value.

A listing page with few rows (the last page: one article under a pinned notice) looks like a
list of page links; `RowPattern` is what the first page taught (the article links' shape and the
path to their container), and `extract_listing(..., pattern=)` reads later pages with it. A
board's only page with one or two rows is read when they are dated rows of a table or list.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml import etree

from .body import densest_block
from .dates import is_date_only, parse_when
from .document import Doc, as_doc, class_id, contains, css_path, lca, raw_text, squash
from .heuristics import heading_like

KNOWN_ID_KEYS = ("B_NUM", "nttId", "newsId", "idx", "articleId", "article_id", "wr_id", "document_srl",
                 "bIdx", "B_IDX", "bbsSeq", "seq", "boardSeq", "board_seq", "list_no", "dataSid", "num",
                 "no", "id", "p", "postId", "post_id", "bno", "aid", "sno")
_JS_CALL = re.compile(r"([A-Za-z_$][\w$.]*)\s*\(([^()]*)\)")
_JS_ARGS = re.compile(r"""['"]([^'"]*)['"]|(-?\d+)""")
_NUMBER = re.compile(r"^(\d{1,5})\s*(?:페이지|page)?$", re.I)
_CURRENT = re.compile(r"(?:^|[\s_-])(?:on|active|current|cur|sel|selected|this|now|is-active|"
                      r"page-current|current-page)(?:$|[\s_-])", re.I)
_PAGER_NAMES = re.compile(r"pag|pager|paging|pagenav|page_?nav|page_?link|page_?num|board_?page|"
                          r"pg_?wrap|paginate", re.I)
_NEXT_TEXT = re.compile(r"^(?:다음(?:\s*페이지)?|next(?:\s*page)?|›|»|>|>>|▶|→)$", re.I)
_NOTICE = re.compile(r"공지|notice|\bnoti\b|필독|\btop\b", re.I)
_LOCKED = re.compile(r"비밀글|잠금|secret|locked|\block\b", re.I)
_TITLE_SUFFIX = re.compile(r"\s*(?:에\s*대한\s*글\s*내용\s*보기\.?|글\s*내용\s*보기\.?|상세\s*보기|새\s*창(?:\s*열림)?|"
                           r"바로\s*가기|게시물\s*보기)\s*$")
_TITLE_NOISE = re.compile(r"(?:\s*(?:\[?새글\]?|\bNEW\b|\bnew\b|\bN\b|\bHOT\b))+\s*$")
_SEARCH_PARAMS = ("searchWrd", "searchCnd", "searchKeyword", "searchCondition", "sch_word", "keyword", "search",
                  "word", "key", "sfl", "stx", "sop", "sst", "sod", "category", "sca")
_PAGE_PARAMS = ("page", "pageIndex", "pageNo", "curPage", "cpage", "pg", "pageNum", "startPage", "nowPage",
                "currentPage", "page_no", "pageno", "paged", "start", "Start", "offset", "startIdx", "pagenum",
                "movePage", "goPage", "page_index", "cur_page", "currPage", "reqPage", "npage")
# Query parameters that carry the listing's state, not the article: a link with or without them
# goes to the same article (gnuboard adds &page=1 to some rows only).
_NAV_PARAMS = frozenset(_PAGE_PARAMS) | frozenset(_SEARCH_PARAMS)


@dataclass
class ListingLink:
    url: str | None            # absolute URL, or None for a javascript-only link
    title: str | None
    date: date | None = None
    board_id: str | None = None
    notice: bool = False
    onclick: str | None = None  # the javascript call, when the link is one


@dataclass
class Pagination:
    mechanism: str | None = None   # query | offset | path | javascript | form | fragment | next-link | None
    param: str | None = None       # the query/form parameter carrying the page
    step: int | None = None        # offset per page (offset)
    current: int | None = None
    next_url: str | None = None
    template: str | None = None    # URL with {n}: the page number, or the offset for `offset`
    function: str | None = None    # javascript function (javascript)
    next_call: str | None = None   # e.g. "pageLink(2)"
    next_request: dict | None = None  # {"method", "url", "data"} when a form is posted
    next_selector: str | None = None  # CSS of the pager's "next" link, when it has one
    last: int | None = None        # the last page, when the page says (a pager-building call)
    rule: str | None = None        # pager-links | next-link | script-function | script-field | form-field
    description: str = ""


@dataclass
class ListingGuess:
    url: str
    kind: str                      # "listing" | "article"
    links: list[ListingLink] = field(default_factory=list)
    pagination: Pagination = field(default_factory=Pagination)
    rows_selector: str | None = None
    link_selector: str | None = None
    id_source: tuple | None = None   # ("param", key) | ("path", index) | ("slug",) | ("arg", index)
    field_selectors: dict = field(default_factory=dict)  # title/published -> CSS inside a row
    notice_class: str | None = None  # class the notice rows share
    pattern: RowPattern | None = None  # the rows' structure, to read the board's later pages with

    def as_json(self) -> dict:
        links = []
        for link in self.links:
            item = asdict(link)
            item["date"] = link.date.isoformat() if link.date else None
            links.append(item)
        return {"kind": self.kind, "url": self.url, "links": links, "pagination": asdict(self.pagination),
                "rows_selector": self.rows_selector, "link_selector": self.link_selector,
                "id_source": list(self.id_source) if self.id_source else None,
                "field_selectors": dict(self.field_selectors)}


@dataclass(frozen=True)
class RowPattern:
    """What a board's first listing page taught about its rows: the article links' shape (the
    same path and query keys, or the same javascript function), the path from the root to the
    element holding the rows, step by step (tag, stable id, classes), and where the ids are. A
    later page with one or two rows is read with it instead of being guessed afresh (its few links
    would lose to the pager's)."""

    shape: tuple
    container: tuple
    id_source: tuple | None = None   # where the first page found each row's id (ListingGuess.id_source)


# -- link families -----------------------------------------------------------------------------
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


def _link_title(a) -> str:
    return _title_and_element(a)[0]


def _title_and_element(a):
    """(title, the element it was read from) of an article link."""
    text = squash(raw_text(a))
    source = a
    if len(text) > 100 or not text:
        for el in a.iter(etree.Element):
            if el is a:
                continue
            if heading_like(el) or el.tag in ("strong", "b"):
                inner = squash(raw_text(el))
                if 4 <= len(inner) <= 200:
                    text, source = inner, el
                    break
        else:
            attr = squash(a.get("title") or "")
            if attr:
                text = attr
    if not text or len(text) > 200:
        attr = _TITLE_SUFFIX.sub("", squash(a.get("title") or ""))
        text = attr or text[:100]
    text = _TITLE_SUFFIX.sub("", text)
    return _TITLE_NOISE.sub("", text).strip(), source


def _js_args(call: str) -> list[str]:
    m = _JS_CALL.search(call)
    return [s or n for s, n in _JS_ARGS.findall(m.group(2))] if m else []


def _row_of(anchor, container):
    child = anchor
    for parent in anchor.iterancestors():
        if parent is container:
            return child
        child = parent
    return anchor


def _row_date(row, anchors) -> date | None:
    return _row_date_element(row, anchors)[0]


def _row_date_element(row, anchors):
    """(date, element printing it) of a listing row: a date printed on its own, outside the
    title link first (cards print theirs inside the link)."""
    skip = set()
    for a in anchors:
        skip.update(a.iter())
    for el in row.iter(etree.Element):
        for text, owner in ((None if el in skip else el.text, el), (el.tail, el.getparent())):
            text = squash(text)
            if text and is_date_only(text, slack=14):
                return parse_when(text)[0], owner
    for a in anchors:
        for el in a.iter(etree.Element):
            if len(el) == 0:
                text = squash(raw_text(el))
                if text and is_date_only(text, slack=14):
                    return parse_when(text)[0], el
    return None, None


def _is_notice(row) -> bool:
    if _NOTICE.search(class_id(row)):
        return True
    cells = [c for c in row if isinstance(c.tag, str)]
    if cells and squash(raw_text(cells[0])).lower() in ("공지", "notice", "공지사항", "필독"):
        return True
    for el in row.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "img" and re.search(r"공지|notice", el.get("alt") or "", re.I):
            return True
        if el.tag in ("span", "em", "i", "strong") and re.search(r"(?:^|[\s_-])(?:notice|ico_notice|noti)",
                                                                  class_id(el), re.I):
            return True
    return False


def _is_locked(row) -> bool:
    for el in row.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "img" and _LOCKED.search((el.get("alt") or "") + " " + (el.get("src") or "")):
            return True
        if el.tag in ("span", "i", "em") and _LOCKED.search(class_id(el)):
            return True
    return bool(re.search(r"비밀글|secret post", squash(raw_text(row))[:300], re.I))


def _board_ids(links: list[tuple[str | None, str | None]], prefer: tuple | None = None
               ) -> tuple[list[str | None], tuple | None]:
    """The id of each (url, js call), and where it was found: ("param", key), ("path", index),
    ("slug",) or ("arg", index) — the query key, path segment or argument that is distinct per row.
    `prefer`: where another page of the board found them (one or two rows cannot tell)."""
    urls = [u for u, _ in links]
    none: list[str | None] = [None] * len(links)
    if prefer is not None and links:
        values = _ids_at(links, prefer)
        if all(values) and len(set(values)) == len(values):
            return values, prefer
    if urls and all(urls):
        full = [u for u in urls if u]  # every one of them, typed str
        params = [dict(parse_qsl(urlsplit(u).query, keep_blank_values=True)) for u in full]
        keys = set.intersection(*(set(p) for p in params)) if params else set()
        distinct = [k for k in keys if all(p[k].isdigit() for p in params)
                    and len({p[k] for p in params}) == len(params)]
        if distinct:
            ranked = sorted(distinct, key=lambda k: (KNOWN_ID_KEYS.index(k) if k in KNOWN_ID_KEYS else 99, k))
            return [p[ranked[0]] for p in params], ("param", ranked[0])
        segments = [[s for s in urlsplit(u).path.split("/") if s] for u in full]
        for i in range(-1, -4, -1):
            values = [s[i] if len(s) >= -i else None for s in segments]
            if all(v and v.isdigit() for v in values) and len(set(values)) == len(values):
                return values, ("path", i)
        if len(set(urls)) == len(urls):
            slugs = [s[-1] if s else None for s in segments]
            if all(slugs) and len(set(slugs)) == len(slugs):
                return slugs, ("slug",)
        return none, None
    calls = [_js_args(c or "") for _, c in links]
    if calls and all(calls):
        width = min(len(c) for c in calls)
        for i in range(width - 1, -1, -1):
            values = [c[i] for c in calls]
            if all(re.fullmatch(r"[\w-]+", v or "") and re.search(r"\d", v or "") for v in values) \
                    and len(set(values)) == len(values):
                return values, ("arg", i)
    return none, None


def _ids_at(links: list[tuple[str | None, str | None]], source: tuple) -> list[str | None]:
    """Each link's id, read where `source` says."""
    out: list[str | None] = []
    for url, call in links:
        value = None
        if source[0] == "param" and url:
            value = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)).get(source[1])
            value = value if value and value.isdigit() else None
        elif source[0] in ("path", "slug") and url:
            segments = [s for s in urlsplit(url).path.split("/") if s]
            index = source[1] if source[0] == "path" else -1
            value = segments[index] if segments and len(segments) >= -index else None
            if source[0] == "path" and not (value and value.isdigit()):
                value = None
        elif source[0] == "arg" and call:
            args = _js_args(call)
            value = args[source[1]] if len(args) > source[1] else None
        out.append(value)
    return out


def _families(doc: Doc):
    groups: dict[tuple, list] = defaultdict(list)
    for a in doc.root.iter("a"):
        if doc.is_boiler(a):
            continue
        target = _target(doc, a)
        if target is None:
            continue
        shape, url, call = target
        groups[shape].append((a, url, call))
    return groups


def _rows(doc: Doc, members):
    anchors = [a for a, _, _ in members]
    container = anchors[0]
    for a in anchors[1:]:
        common = lca(container, a)
        container = common if common is not None else container
    rows: dict = {}
    for a, url, call in members:
        row = _row_of(a, container)
        rows.setdefault(row, []).append((a, url, call))
    return container, rows


def find_links(doc: Doc):
    """(container, [(row, anchors, url, call)]) of the best article-link family, or (None, [])."""
    return _best_family(doc)[:2]


def _best_family(doc: Doc, not_the_pager: bool = False):
    """(container, rows, shape) of the best article-link family, or (None, [], None).
    `not_the_pager`: leave out families with no title text (page numbers) or inside the pager."""
    families = _families(doc)
    pager = _number_links(doc, None)[0] if not_the_pager else None
    scored = []
    for shape, members in families.items():
        targets = {url or call for _, url, call in members}
        if len(targets) < 3:
            continue
        if pager is not None and all(contains(pager, a) for a, _, _ in members):
            continue
        titles: dict = {}
        for a, url, call in members:
            title = _link_title(a)
            key = url or call
            if len(title) > len(titles.get(key, "")):
                titles[key] = title
        score = sum(min(len(t), 40) for t in titles.values() if not t.isdigit())
        if not_the_pager and not score:
            continue
        scored.append((score, shape, members))
    scored.sort(key=lambda s: -s[0])
    best = None
    for score, shape, members in scored[:4]:
        container, rows = _rows(doc, members)
        if container.tag in ("html", "body") and len(rows) < 3:
            continue
        dated = sum(1 for row, anchors in rows.items() if _row_date(row, [a for a, _, _ in anchors]))
        total = score + 20 * dated
        if best is None or total > best[0]:
            best = (total, container, rows, shape)
    if best is None:
        return None, [], None
    _, container, rows, shape = best
    return container, _found(rows), shape


def _found(rows: dict) -> list:
    out = []
    for row, anchors in rows.items():
        url = next((u for _, u, _ in anchors if u), None)
        call = next((c for _, _, c in anchors if c), None)
        out.append((row, [a for a, _, _ in anchors], url, call))
    return out


_ROW_NAMES = re.compile(r"(?:^|[\s_-])(?:row|item|list|card|post|article|entry)s?(?:$|[\s_-])", re.I)
_BOARD_NAMES = re.compile(r"board|bbs|list|tbl|news|press|report|notice|article|result", re.I)


def _board_like(container) -> bool:
    """A table body, or a block named for a board or a list (a few levels up)."""
    for el in [container, *list(container.iterancestors())[:3]]:
        if el.tag in ("table", "tbody") or _BOARD_NAMES.search(class_id(el)):
            return True
    return False


def _row_above(a):
    """The row holding a link: the closest table row, list item or block named for a row."""
    for el in a.iterancestors():
        if el.tag in ("tr", "li") or (el.tag in ("div", "article", "dl") and _ROW_NAMES.search(class_id(el))):
            return el
        if el.tag in ("table", "ul", "ol", "body"):
            return None
    return None


def _few_rows(doc: Doc):
    """(container, rows, shape) of one or two article rows when no family of three is on the page
    (a new board's only page): links of one shape outside the pager, each titled in words and in
    a row (table row, list item, `div.*row*`) that prints a date, the rows siblings in a table or
    a block named for a board or list (not a sidebar's latest posts)."""
    pager = _number_links(doc, None)[0]
    best = None
    for shape, members in _families(doc).items():
        if pager is not None and any(contains(pager, a) for a, _, _ in members):
            continue
        rows: dict = {}
        for a, url, call in members:
            row = _row_above(a)
            if row is None:
                rows = {}
                break
            rows.setdefault(row, []).append((a, url, call))
        if not rows or len(rows) > 2 or len({row.getparent() for row in rows}) != 1:
            continue
        if not _board_like(next(iter(rows)).getparent()):
            continue
        titles = [max((_link_title(a) for a, _, _ in anchors), key=len) for anchors in rows.values()]
        if any(len(t) < 4 or t.isdigit() for t in titles):
            continue
        if not all(_row_date(row, [a for a, _, _ in anchors]) for row, anchors in rows.items()):
            continue
        score = sum(min(len(t), 40) for t in titles)
        if best is None or score > best[0]:
            best = (score, next(iter(rows)).getparent(), rows, shape)
    if best is None:
        return None, [], None
    return best[1], _found(best[2]), best[3]


# -- the rows' structure, carried from the first page to the others ------------------------------
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


# -- pagination --------------------------------------------------------------------------------
def _number_links(doc: Doc, exclude):
    """The pager: (container, [(number, anchor)], current number or None)."""
    candidates = []
    for el in doc.elements:
        if el.tag not in ("div", "ul", "nav", "p", "span", "ol", "td") or exclude is not None and contains(el, exclude):
            continue
        if not _PAGER_NAMES.search(class_id(el)):
            continue
        numbers = [(int(m.group(1)), a) for a in el.iter("a") if (m := _NUMBER.match(squash(raw_text(a))))]
        if numbers:
            candidates.append((len(numbers), -len(list(el.iterancestors())), el, numbers))
    if candidates:
        _, _, pager, numbers = max(candidates, key=lambda c: (c[0], c[1]))
    else:
        by_parent: dict = defaultdict(list)
        for a in doc.root.iter("a"):
            m = _NUMBER.match(squash(raw_text(a)))
            if m and (exclude is None or not contains(exclude, a)):
                parent = a.getparent()
                if parent is not None and parent.tag in ("span", "li", "strong", "em") and len(parent) == 1:
                    parent = parent.getparent()
                by_parent[parent].append((int(m.group(1)), a))
        if not by_parent:
            return None, [], None
        pager, numbers = max(by_parent.items(), key=lambda kv: len(kv[1]))
        if len(numbers) < 2:
            return None, [], None
    current = None
    for el in pager.iter():
        if not isinstance(el.tag, str):
            continue
        m = _NUMBER.match(squash(raw_text(el)))
        if not m:
            continue
        linked = el.tag == "a" and (el.get("href") or "").strip() not in ("", "#") and "return false" not in (el.get("onclick") or "")
        if (_CURRENT.search(class_id(el)) or el.get("aria-current") or el.get("title") == "현재페이지"
                or (el.tag in ("strong", "em", "b", "span") and el.find(".//a") is None and not linked)):
            current = int(m.group(1))
            break
    return pager, numbers, current


def _query_relation(urls_by_n: dict[int, str]):
    """(mechanism, param, step) when one query parameter carries the page number or offset."""
    parsed = {n: dict(parse_qsl(urlsplit(u).query, keep_blank_values=True)) for n, u in urls_by_n.items()}
    keys = set.intersection(*(set(p) for p in parsed.values())) if parsed else set()
    for key in sorted(keys, key=lambda k: (k not in _PAGE_PARAMS, k)):
        values = {n: p[key] for n, p in parsed.items()}
        if not all(v.isdigit() for v in values.values()):
            continue
        if all(int(v) == n for n, v in values.items()) and len(values) >= 1:
            if len(values) > 1 or key in _PAGE_PARAMS:
                return "query", key, None
        ns = sorted(values)
        if len(ns) >= 2:
            steps = {(int(values[n]) - int(values[ns[0]])) / (n - ns[0]) for n in ns[1:]}
            if len(steps) == 1:
                step = int(steps.pop())
                if step > 1 and int(values[ns[0]]) == (ns[0] - 1) * step:
                    return "offset", key, step
                if step == 1 and int(values[ns[0]]) == ns[0] - 1:
                    return "offset", key, 1
    return None


def _with_param(url: str, key: str, value: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    if any(k == key for k, _ in query):
        query = [(k, value if k == key else v) for k, v in query]
    else:
        query.append((key, value))
    return urlunsplit(parts._replace(query=urlencode(query, safe="{}")))


_FUNCTION_DEF = re.compile(r"(?:function\s+([A-Za-z_$][\w$]*)\s*\(\s*([A-Za-z_$][\w$]*)?[^)]*\)|"
                           r"([A-Za-z_$][\w$]*)\s*=\s*function\s*\(\s*([A-Za-z_$][\w$]*)?[^)]*\))\s*\{")
# A form field carrying the page number: movePage, pageIndex, page, pageNo, curPage, cpage, pg...
_PAGE_FIELD = re.compile(r"(?:move|go|cur|curr|current|now|req|select|view|start|n|c)?_?page"
                         r"(?:_?(?:no|num|number|index|idx))?|pg|pageindex", re.I)
_PAGE_FUNCTION = re.compile(r"pag(?:e|ing|ination|er)|(?:^|_)pg(?:$|_)|Pg(?:$|[A-Z_])", re.I)
# A call building the pager from numbers: paging(1, 1537, 15367), drawPagination("p", 1, 3, "f")
_CALL_NUMBERS = re.compile(r"([A-Za-z_$][\w$]*)\s*\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?['\"]?(\d+)['\"]?\s*,\s*"
                           r"['\"]?(\d+)['\"]?")


def _function_source(doc: Doc, function: str) -> tuple[str | None, str] | None:
    """(first parameter, body) of a function written on the page, or None."""
    for script in doc.scripts:
        for m in _FUNCTION_DEF.finditer(script):
            name, arg = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            if name == function or name.endswith("." + function):
                body = script[m.end():m.end() + 1500]
                return arg, body[:_block_end(body)]
    return None


def _input_named(doc: Doc, name: str | None = None, ident: str | None = None):
    """The input with this name (or id), and the form holding it (or None)."""
    for el in doc.root.iter("input"):
        if (name and el.get("name") == name) or (ident and el.get("id") == ident):
            form = next((f for f in el.iterancestors() if f.tag == "form"), None)
            return el, form
    return None, None


def _form_by_ref(doc: Doc, ref: str | None):
    if not ref:
        return None
    for f in doc.root.iter("form"):
        if ref in (f.get("id"), f.get("name")):
            return f
    return None


def _field_set_from(body: str, arg: str | None) -> tuple[str | None, str | None, str | None]:
    """(field name, field id, form reference) the function body sets from its argument, or the
    first page-like field it sets when it names no argument."""
    value = rf"\(?\s*{re.escape(arg)}\b" if arg else r"[^)\s]"
    m = re.search(rf"document\.(?:forms\[['\"]?)?(\w+)(?:['\"]?\])?\.(\w+)\.value\s*=\s*{value}", body)
    if m:
        return m.group(2), None, m.group(1)
    m = re.search(rf"""\$\(\s*['"]#([\w-]+)['"]\s*\)\s*\.val\(\s*{value}""", body)
    if m:
        return None, m.group(1), None
    m = re.search(rf"""(?:getElementById\(\s*['"]([\w-]+)['"]\s*\)|querySelector\(\s*['"]#([\w-]+)['"]\s*\))"""
                  rf"""\.value\s*=\s*{value}""", body)
    if m:
        return None, m.group(1) or m.group(2), None
    m = re.search(rf"""\[name=['"]?([\w-]+)['"]?\]['"]?\s*\)\s*\.val\(\s*{value}""", body)
    if m:
        return m.group(1), None, None
    m = re.search(rf"\b\w+\.(\w+)\.value\s*=\s*{value}", body)
    if m:
        return m.group(1), None, None
    return None, None, None


def _function_target(doc: Doc, function: str):
    """(param, form element, action, URL template) of a page's pagination function, from its
    source: the form it submits with the page number, or the URL it goes to (`location.href =
    "list.do?page=" + n`, a template with {n})."""
    param = form = action = template = None
    found = _function_source(doc, function)
    body = found[1] if found else ""
    arg = found[0] if found else None
    form_ref = None
    if body:
        name, ident, form_ref = _field_set_from(body, arg) if arg else (None, None, None)
        if not (name or ident):
            name, ident, form_ref = _field_set_from(body, None)
        if ident and not name:
            input_el, _ = _input_named(doc, ident=ident)
            name = (input_el.get("name") if input_el is not None else None) or ident
        param = name
        m3 = re.search(r"""\$\(\s*['"][#]?([\w-]+)['"]\s*\)\s*\.submit\(|document\.(?:forms\[['"])?(\w+)(?:['"]\])?\.submit\(""",
                       body)
        if m3:
            form_ref = m3.group(1) or m3.group(2)
        m4 = re.search(r"""\.action\s*=\s*['"]([^'"]+)['"]|attr\(\s*['"]action['"]\s*,\s*([^)]+)\)""", body)
        if m4:
            raw = (m4.group(1) or m4.group(2) or "").strip()
            if raw.strip("'\"") and not re.search(r"location", raw):
                action = doc.join(re.sub(r"<c:url value='([^']+)'/>", r"\1", raw.strip("'\"")))
            elif "location" in raw:
                action = doc.url
        if arg and not m3:
            m5 = re.search(rf"""location(?:\.href)?\s*=\s*(['"])([^'"]*)\1\s*\+\s*{re.escape(arg)}\b"""
                           rf"""(?:\s*\+\s*(['"])([^'"]*)\3)?""", body)
            if m5:
                template = doc.join(m5.group(2) + "{n}" + (m5.group(4) or ""))
    form = _form_by_ref(doc, form_ref)
    if form is None and param:
        form = _input_named(doc, name=param)[1]
    if param is None and form is not None:
        for name in ("pageIndex", "page", "pageNo", "curPage", "cpage", "pg", "movePage"):
            if form.find(f".//input[@name='{name}']") is not None:
                param = name
                break
    if action is None and form is not None:
        action = doc.join(form.get("action") or doc.url)
    return param, form, action, template


def _block_end(text: str) -> int:
    depth = 1
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def _form_data(form, param: str, value: str) -> dict:
    data = {}
    for inp in form.iter("input"):
        name = inp.get("name")
        if name and (inp.get("type") or "text").lower() not in ("submit", "button", "image", "checkbox", "radio"):
            data[name] = inp.get("value") or ""
    data[param] = value
    return data


def _form_ref(form) -> str:
    return f"#{form.get('id')}" if form.get("id") else f"form[name={form.get('name')}]"


def _javascript(doc: Doc, pag: Pagination, function: str, nxt: int, next_call: str | None = None) -> Pagination:
    """`pag` as a javascript pagination through `function`, whose next call is `next_call`."""
    pag.mechanism, pag.function = "javascript", function
    pag.next_call = next_call or f"{function}({nxt})"
    param, form, action, template = _function_target(doc, function)
    pag.param = param
    if form is not None and param:
        method = (form.get("method") or "get").upper()
        pag.next_request = {"method": method, "url": action or doc.url,
                            "data": _form_data(form, param, str(nxt))}
        pag.description = (f"javascript {function}(N) submits {_form_ref(form)} ({method} {action}) with "
                           f"{param}=N; next: {pag.next_call}")
    elif template:
        pag.template, pag.next_url = template, template.replace("{n}", str(nxt))
        pag.description = f"javascript {function}(N) goes to {template}; next: {pag.next_url}"
    else:
        pag.description = f"javascript {function}(N) (function not on the page); next: {pag.next_call}"
    return pag


def _pager_links(doc: Doc, rows_container) -> Pagination | None:
    """Numbered page links: their URLs (query, offset, path), javascript calls or fragments."""
    pager, numbers, current = _number_links(doc, rows_container)
    pag = Pagination(current=current)
    if pager is None or not numbers:
        return None
    if current is None:
        linked = sorted(n for n, _ in numbers)
        current = 1 if linked and linked[0] == 2 else None
        pag.current = current
    nxt = (current or 0) + 1
    urls: dict[int, str] = {}
    calls: dict[int, tuple[str, str]] = {}
    fragments = False
    for n, a in numbers:
        href = (a.get("href") or "").strip()
        if href.startswith("#") and re.search(r"\d", href) and not a.get("onclick"):
            fragments = True
            continue
        target = _target(doc, a)
        if target is None:
            continue
        _, url, call = target
        if url:
            urls.setdefault(n, url)
        elif call:
            calls.setdefault(n, (call.split("(")[0], call))
    if urls:
        current_url = doc.url
        sample = dict(urls)
        if current and current not in sample:
            sample[current] = current_url
        rel = _query_relation(sample) or _query_relation(urls)
        if rel:
            mechanism, key, step = rel
            any_url = urls[min(urls)]
            value = "{n}"
            pag.mechanism, pag.param, pag.step = mechanism, key, step
            pag.template = _with_param(any_url, key, value)
            if nxt in urls:
                pag.next_url = urls[nxt]
            elif current:
                shown = str(nxt if mechanism == "query" else (nxt - 1) * (step or 1))
                pag.next_url = _with_param(any_url, key, shown)
            per = f", {step} per page" if mechanism == "offset" and step else ""
            pag.description = (f"GET with ?{key}=N ({'page number' if mechanism == 'query' else 'row offset'}"
                               f"{per}); next: {pag.next_url or '?'}")
            return pag
        path_rel = _path_relation(urls)
        if path_rel:
            pag.next_selector = _next_selector(pager)
            pag.mechanism, pag.template = "path", path_rel
            pag.next_url = urls.get(nxt) or path_rel.replace("{n}", str(nxt))
            pag.description = f"GET with the page number in the path: {path_rel}; next: {pag.next_url}"
            return pag
    if calls:
        function = next(iter(calls.values()))[0]
        return _javascript(doc, pag, function, nxt, calls[nxt][1] if nxt in calls else None)
    if fragments:
        pag.mechanism = "fragment"
        pag.description = ("page number in the URL fragment (#page=N), never sent to the server: "
                           "the rows come from an AJAX request")
        return pag
    return None


def _next_link(doc: Doc, rows_container) -> Pagination | None:
    """A lone "next" link: a URL (`next-link`), or a javascript call with the next page number
    (`<a href="javascript:goPage(3)">다음</a>`)."""
    for a in doc.root.iter("a"):
        text = squash(raw_text(a)) or squash(a.get("title") or "")
        if not (_NEXT_TEXT.match(text) or re.search(r"(?:^|\s)(?:next|page_next|pg_next)(?:$|\s)", class_id(a))):
            continue
        target = _target(doc, a)
        if not target:
            continue
        if target[1]:
            pag = Pagination(mechanism="next-link", next_url=target[1])
            pag.next_selector = css_path(a, depth=2) + "::attr(href)"
            pag.description = f"a 'next' link: {target[1]}"
            return pag
        call = target[2]
        args = _js_args(call or "")
        if call and len(args) == 1 and args[0].isdigit() and int(args[0]) > 1:
            nxt = int(args[0])
            return _javascript(doc, Pagination(current=nxt - 1), call.split("(")[0], nxt, call)
    return None


def _pager_call(doc: Doc) -> tuple[str, int, int] | None:
    """(the call, current page, last page) of a script call building the pager from numbers:
    `paging( 1, 1537, 15367)` (광주광역시), `drawPagination("paging", 2, 30, "fn_link_page")`."""
    for script in doc.scripts:
        for m in _CALL_NUMBERS.finditer(script):
            name = m.group(1)
            before = script[max(0, m.start() - 9):m.start()]
            if not _PAGE_FUNCTION.search(name) or re.search(r"function\s*$", before):
                continue
            current, last = int(m.group(2)), int(m.group(3))
            if 1 <= current <= last:
                return squash(script[m.start():script.find(")", m.end()) + 1]), current, last
    return None


def _current_of(doc: Doc, field=None) -> tuple[int | None, int | None, str | None]:
    """(current page, last page, the call that says so) of a script-built pager: the page field's
    value first (it is what the form posts), the pager-building call's numbers when they agree
    with it or the field has none."""
    value = (field.get("value") or "").strip() if field is not None else ""
    current = int(value) if value.isdigit() and int(value) > 0 else None
    call = _pager_call(doc)
    if call and (current is None or call[1] == current):
        return call[1], call[2], call[0]
    return current, None, None


def _where(current: int | None, last: int | None, call: str | None) -> str:
    if call:
        return f"{call}: page {current} of {last}"
    return f"page {current}" if current else "current page unknown"


def _at_the_end(pag: Pagination) -> Pagination:
    """No next page when the pager says this page is the last."""
    if pag.current and pag.last and pag.current >= pag.last:
        pag.next_request = pag.next_call = pag.next_url = None
        pag.description += " (this is the last page: no next)"
    return pag


def _script_function(doc: Doc, rows_container) -> Pagination | None:
    """A page function written on the page that submits a form (or goes to a URL) with the page
    number, while the HTML holds no page link (a script file draws the pager)."""
    candidates: list[tuple[int, str]] = []
    for script in doc.scripts:
        for m in _FUNCTION_DEF.finditer(script):
            name, arg = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            name = name.rsplit(".", 1)[-1]
            if arg and _PAGE_FUNCTION.search(name) and name not in [c[1] for c in candidates]:
                used = sum(text.count(name) for text in doc.scripts) + sum(
                    1 for el in doc.root.iter("a") if name in (el.get("onclick") or "") + (el.get("href") or ""))
                candidates.append((-used, name))
    for _, function in sorted(candidates):
        param, form, action, template = _function_target(doc, function)
        if not ((form is not None and param and _PAGE_FIELD.fullmatch(param)) or template):
            continue  # a function setting another field (a search, a sort order) is not the pager
        field = _input_named(doc, name=param)[0] if param else None
        current, last, call = _current_of(doc, field)
        pag = _javascript(doc, Pagination(current=current, last=last), function, (current or 1) + 1)
        pag.description = f"pager drawn by script ({_where(current, last, call)}); " + pag.description
        return _at_the_end(pag)
    return None


_FIELD_SETTERS = (
    (re.compile(r"""\[name=['"]?([\w-]+)['"]?\]['"]?\s*\)\s*\.val\(\s*[^)\s]"""), "name"),
    (re.compile(r"""\$\(\s*['"]#([\w-]+)['"]\s*\)\s*\.val\(\s*[^)\s]"""), "id"),
    (re.compile(r"""getElementById\(\s*['"]([\w-]+)['"]\s*\)\.value\s*="""), "id"),
    (re.compile(r"document\.(?:forms\[['\"]?)?\w+(?:['\"]?\])?\.(\w+)\.value\s*="), "name"),
)


def _submitted(doc: Doc, form) -> bool:
    refs = [r for r in (form.get("id"), form.get("name")) if r]
    for ref in refs:
        pattern = re.compile(rf"""(?:['"]#?{re.escape(ref)}['"]\s*\)(?:\[0\])?|document\.{re.escape(ref)}|"""
                             rf"""forms\[['"]{re.escape(ref)}['"]\]|getElementById\(\s*['"]{re.escape(ref)}['"]\s*\))"""
                             r"""\s*\.submit\(""")
        if any(pattern.search(script) for script in doc.scripts):
            return True
    return False


def _same_host(doc: Doc, url: str) -> bool:
    return urlsplit(url).netloc == urlsplit(doc.url).netloc


def _form_pagination(doc: Doc, field, form, how: str) -> Pagination:
    param = field.get("name")
    current, last, call = _current_of(doc, field)
    nxt = (current or 1) + 1
    method = (form.get("method") or "get").upper()
    action = doc.join(form.get("action") or doc.url)
    pag = Pagination(mechanism="form", param=param, current=current, last=last)
    pag.next_request = {"method": method, "url": action, "data": _form_data(form, param, str(nxt))}
    pag.description = (f"pager built by script ({_where(current, last, call)}): {how} {param} of "
                       f"{_form_ref(form)} and submits it ({method} {action}); next: {param}={nxt}")
    return _at_the_end(pag)


def _script_field(doc: Doc, rows_container) -> Pagination | None:
    """A script that sets a page-number field of a form and submits the form (광주광역시:
    `$('#boardSearchForm').find('input[name="movePage"]').val(...)`, then `.submit()`)."""
    for script in doc.scripts:
        for pattern, kind in _FIELD_SETTERS:
            for m in pattern.finditer(script):
                ref = m.group(1)
                field, form = _input_named(doc, name=ref) if kind == "name" else _input_named(doc, ident=ref)
                if field is None or form is None or not _PAGE_FIELD.fullmatch(field.get("name") or ""):
                    continue
                if not _submitted(doc, form) or not _same_host(doc, doc.join(form.get("action") or doc.url)):
                    continue
                return _form_pagination(doc, field, form, "the page's script sets")
    return None


def _form_field(doc: Doc, rows_container) -> Pagination | None:
    """The list form (its action is this page) carrying the page number in a hidden field."""
    here = urlsplit(doc.url).path
    for form in doc.root.iter("form"):
        action = doc.join(form.get("action") or doc.url)
        if not _same_host(doc, action) or urlsplit(action).path != here:
            continue
        for box in form.iter("input"):
            if ((box.get("type") or "").lower() == "hidden" and _PAGE_FIELD.fullmatch(box.get("name") or "")
                    and (box.get("value") or "").strip().isdigit()):
                return _form_pagination(doc, box, form, "the list form carries")
    return None


_PAGINATION_RULES = (("pager-links", _pager_links), ("next-link", _next_link),
                     ("script-function", _script_function), ("script-field", _script_field),
                     ("form-field", _form_field))


def find_pagination(doc: Doc, rows_container=None) -> Pagination:
    """How the listing pages, by the first rule that finds it (`Pagination.rule`)."""
    for rule, find in _PAGINATION_RULES:
        pag = find(doc, rows_container)
        if pag is not None:
            pag.rule = rule
            return pag
    return Pagination(description="no pagination found")


def _next_selector(pager) -> str | None:
    for a in pager.iter("a"):
        text = squash(raw_text(a)) or squash(a.get("title") or "")
        if _NEXT_TEXT.match(text) or re.search(r"(?:^|\s)(?:next|page_next|pg_next)(?:$|\s)", class_id(a)):
            return css_path(a, depth=2) + "::attr(href)"
    return None


def _path_relation(urls: dict[int, str]) -> str | None:
    for n, url in urls.items():
        parts = urlsplit(url)
        segments = parts.path.split("/")
        for i, seg in enumerate(segments):
            if seg == str(n):
                template = "/".join(segments[:i] + ["{n}"] + segments[i + 1:])
                if all(urlsplit(u).path == template.replace("{n}", str(m)) for m, u in urls.items()):
                    return urlunsplit(parts._replace(path=template))
    return None


# -- public ------------------------------------------------------------------------------------
def extract_listing(html, url: str, *, encoding: str | None = None,
                    pattern: RowPattern | None = None) -> ListingGuess:
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
        guess.links.append(ListingLink(url=link_url, title=title, date=_row_date(row, anchors),
                                       board_id=board_id, notice=_is_notice(row), onclick=call))
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
    """"listing" or "article"."""
    doc = as_doc(html, url, encoding)
    container, found = find_links(doc)
    return _kind(doc, container, found)
