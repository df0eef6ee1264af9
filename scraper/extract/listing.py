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
                "currentPage", "page_no", "pageno", "paged", "start", "Start", "offset", "startIdx", "pagenum")
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
    mechanism: str | None = None   # query | offset | path | javascript | fragment | next-link | None
    param: str | None = None       # the query/form parameter carrying the page
    step: int | None = None        # offset per page (offset)
    current: int | None = None
    next_url: str | None = None
    template: str | None = None    # URL with {n}: the page number, or the offset for `offset`
    function: str | None = None    # javascript function (javascript)
    next_call: str | None = None   # e.g. "pageLink(2)"
    next_request: dict | None = None  # {"method", "url", "data"} when a form is posted
    next_selector: str | None = None  # CSS of the pager's "next" link, when it has one
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


def _board_ids(links: list[tuple[str | None, str | None]]) -> tuple[list[str | None], tuple | None]:
    """The id of each (url, js call), and where it was found: ("param", key), ("path", index),
    ("slug",) or ("arg", index) — the query key, path segment or argument that is distinct per row."""
    urls = [u for u, _ in links]
    none = [None] * len(links)
    if urls and all(urls):
        params = [dict(parse_qsl(urlsplit(u).query, keep_blank_values=True)) for u in urls]
        keys = set.intersection(*(set(p) for p in params)) if params else set()
        distinct = [k for k in keys if all(p[k].isdigit() for p in params)
                    and len({p[k] for p in params}) == len(params)]
        if distinct:
            ranked = sorted(distinct, key=lambda k: (KNOWN_ID_KEYS.index(k) if k in KNOWN_ID_KEYS else 99, k))
            return [p[ranked[0]] for p in params], ("param", ranked[0])
        segments = [[s for s in urlsplit(u).path.split("/") if s] for u in urls]
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
            if all(re.fullmatch(r"[\w-]+", v or "") and re.search(r"\d", v) for v in values) \
                    and len(set(values)) == len(values):
                return values, ("arg", i)
    return none, None


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
    families = _families(doc)
    scored = []
    for shape, members in families.items():
        targets = {url or call for _, url, call in members}
        if len(targets) < 3:
            continue
        titles: dict = {}
        for a, url, call in members:
            title = _link_title(a)
            key = url or call
            if len(title) > len(titles.get(key, "")):
                titles[key] = title
        score = sum(min(len(t), 40) for t in titles.values() if not t.isdigit())
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
            best = (total, container, rows)
    if best is None:
        return None, []
    _, container, rows = best
    out = []
    for row, anchors in rows.items():
        url = next((u for _, u, _ in anchors if u), None)
        call = next((c for _, _, c in anchors if c), None)
        out.append((row, [a for a, _, _ in anchors], url, call))
    return container, out


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


def _function_form(doc: Doc, function: str):
    """(param, form element, action) a page's pagination function posts, from its source."""
    param = form = action = None
    body = ""
    pattern = re.compile(rf"function\s+{re.escape(function)}\s*\([^)]*\)\s*\{{", re.S)
    for script in doc.scripts:
        m = pattern.search(script)
        if m:
            body = script[m.end():m.end() + 1500]
            body = body[:_block_end(body)]
            break
    form_ref = None
    if body:
        m = re.search(r"""\$\(\s*['"]#([\w-]+)['"]\s*\)\s*\.val\(\s*\w+""", body)
        if m:
            input_el = doc.root.find(f".//input[@id='{m.group(1)}']")
            param = (input_el.get("name") if input_el is not None else None) or m.group(1)
        m2 = re.search(r"document\.(?:forms\[['\"])?(\w+)(?:['\"]\])?\.(\w+)\.value\s*=", body)
        if m2 and not param:
            form_ref, param = m2.group(1), m2.group(2)
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
    if form_ref:
        form = doc.root.find(f".//form[@id='{form_ref}']")
        if form is None:
            form = doc.root.find(f".//form[@name='{form_ref}']")
    if form is None and param:
        for f in doc.root.iter("form"):
            if f.find(f".//input[@name='{param}']") is not None:
                form = f
                break
    if param is None and form is not None:
        for name in ("pageIndex", "page", "pageNo", "curPage", "cpage", "pg"):
            if form.find(f".//input[@name='{name}']") is not None:
                param = name
                break
    if action is None and form is not None:
        action = doc.join(form.get("action") or doc.url)
    return param, form, action


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


def find_pagination(doc: Doc, rows_container=None) -> Pagination:
    pager, numbers, current = _number_links(doc, rows_container)
    pag = Pagination(current=current)
    if pager is not None and numbers:
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
            pag.mechanism, pag.function = "javascript", function
            pag.next_call = calls[nxt][1] if nxt in calls else f"{function}({nxt})"
            param, form, action = _function_form(doc, function)
            pag.param = param
            if form is not None and param:
                method = (form.get("method") or "get").upper()
                pag.next_request = {"method": method, "url": action or doc.url,
                                    "data": _form_data(form, param, str(nxt))}
                ref = f"#{form.get('id')}" if form.get("id") else f"form[name={form.get('name')}]"
                pag.description = (f"javascript {function}(N) submits {ref} ({method} {action}) with "
                                   f"{param}=N; next: {pag.next_call}")
            else:
                pag.description = f"javascript {function}(N) (function not on the page); next: {pag.next_call}"
            return pag
        if fragments:
            pag.mechanism = "fragment"
            pag.description = ("page number in the URL fragment (#page=N), never sent to the server: "
                               "the rows come from an AJAX request")
            return pag
    for a in doc.root.iter("a"):
        text = squash(raw_text(a)) or squash(a.get("title") or "")
        if _NEXT_TEXT.match(text) or re.search(r"(?:^|\s)(?:next|page_next|pg_next)(?:$|\s)", class_id(a)):
            target = _target(doc, a)
            if target and target[1]:
                pag.mechanism, pag.next_url = "next-link", target[1]
                pag.next_selector = css_path(a, depth=2) + "::attr(href)"
                pag.description = f"a 'next' link: {target[1]}"
                return pag
    pag.description = "no pagination found"
    return pag


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
def extract_listing(html, url: str, *, encoding: str | None = None) -> ListingGuess:
    """The article links of a listing page (rows, titles, dates, ids, notices) and its pagination."""
    doc = as_doc(html, url, encoding)
    container, found = find_links(doc)
    guess = ListingGuess(url=doc.url, kind=_kind(doc, container, found))
    ids, guess.id_source = _board_ids([(u, c) for _, _, u, c in found])
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
