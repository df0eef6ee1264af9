"""How a listing pages: the pager's numbered links (query, offset, path, javascript, fragment), a
lone "next" link, then the pagers built by script (.scripts), tried in that order."""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..document import Doc, class_id, contains, css_path, raw_text, squash
from .results import Pagination
from .scripts import _form_field, _javascript, _script_field, _script_function
from .targets import _PAGE_PARAMS, _js_args, _target

_NUMBER = re.compile(r"^(\d{1,5})\s*(?:페이지|page)?$", re.I)
_CURRENT = re.compile(
    r"(?:^|[\s_-])(?:on|active|current|cur|sel|selected|this|now|is-active|"
    r"page-current|current-page)(?:$|[\s_-])",
    re.I,
)
_PAGER_NAMES = re.compile(
    r"pag|pager|paging|pagenav|page_?nav|page_?link|page_?num|board_?page|"
    r"pg_?wrap|paginate",
    re.I,
)
_NEXT_TEXT = re.compile(r"^(?:다음(?:\s*페이지)?|next(?:\s*page)?|›|»|>|>>|▶|→)$", re.I)


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
        linked = (
            el.tag == "a"
            and (el.get("href") or "").strip() not in ("", "#")
            and "return false" not in (el.get("onclick") or "")
        )
        if (
            _CURRENT.search(class_id(el))
            or el.get("aria-current")
            or el.get("title") == "현재페이지"
            or (el.tag in ("strong", "em", "b", "span") and el.find(".//a") is None and not linked)
        ):
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
            pag.description = (
                f"GET with ?{key}=N ({'page number' if mechanism == 'query' else 'row offset'}"
                f"{per}); next: {pag.next_url or '?'}"
            )
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
        pag.description = (
            "page number in the URL fragment (#page=N), never sent to the server: the rows come from an AJAX request"
        )
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


_PAGINATION_RULES = (
    ("pager-links", _pager_links),
    ("next-link", _next_link),
    ("script-function", _script_function),
    ("script-field", _script_field),
    ("form-field", _form_field),
)


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
                template = "/".join(segments[:i] + ["{n}"] + segments[i + 1 :])
                if all(urlsplit(u).path == template.replace("{n}", str(m)) for m, u in urls.items()):
                    return urlunsplit(parts._replace(path=template))
    return None
