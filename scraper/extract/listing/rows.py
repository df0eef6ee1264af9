"""Article links: the families of links sharing a target shape, the best family's rows, and
what each row says (title, date, notice, locked, id); one or two dated rows when no family of
three is on the page."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from ..dates import is_date_only, parse_when
from ..document import Doc, class_id, contains, lca, raw_text, squash
from ..heuristics import heading_like
from .pagination import _number_links
from .targets import _js_args, _target

KNOWN_ID_KEYS = (
    "B_NUM",
    "nttId",
    "newsId",
    "idx",
    "articleId",
    "article_id",
    "wr_id",
    "document_srl",
    "bIdx",
    "B_IDX",
    "bbsSeq",
    "seq",
    "boardSeq",
    "board_seq",
    "list_no",
    "dataSid",
    "num",
    "no",
    "id",
    "p",
    "postId",
    "post_id",
    "bno",
    "aid",
    "sno",
)
_NOTICE = re.compile(r"공지|notice|\bnoti\b|필독|\btop\b", re.I)
_LOCKED = re.compile(r"비밀글|잠금|secret|locked|\block\b", re.I)
_TITLE_SUFFIX = re.compile(
    r"\s*(?:에\s*대한\s*글\s*내용\s*보기\.?|글\s*내용\s*보기\.?|상세\s*보기|새\s*창(?:\s*열림)?|"
    r"바로\s*가기|게시물\s*보기)\s*$"
)
_TITLE_NOISE = re.compile(r"(?:\s*(?:\[?새글\]?|\bNEW\b|\bnew\b|\bN\b|\bHOT\b))+\s*$")


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
        if el.tag in ("span", "em", "i", "strong") and re.search(
            r"(?:^|[\s_-])(?:notice|ico_notice|noti)", class_id(el), re.I
        ):
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


def _board_ids(
    links: list[tuple[str | None, str | None]], prefer: tuple | None = None
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
        distinct = [
            k for k in keys if all(p[k].isdigit() for p in params) and len({p[k] for p in params}) == len(params)
        ]
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
            if all(re.fullmatch(r"[\w-]+", v or "") and re.search(r"\d", v or "") for v in values) and len(
                set(values)
            ) == len(values):
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
