"""Structural guesses, tried after labels and meta tags: where a title, date or name usually sits.

- heading near the fields: the heading (h1-h6, or an element named *title*/*subject*/*tit*)
  closest above the labelled field block; board names ("보도자료"), breadcrumbs and the site's
  name are refused;
- heading near the body, when no field block exists;
- a date printed on its own between the title and the body ("Posted on June 24, 2022");
- fields named by class (`span.writer`, `span.date`, `span.hit`) inside the article;
- an info line between the title and the body whose items carry no labels,
  `<p class="info">홍보담당관 | 2024-03-05 | 153</p>`: read by position once every item is
  recognised (one date, a department or a name, and one bare number after the date: the views);
- the <title> tag's article part.
"""

from __future__ import annotations

import re

from lxml import etree

from .dates import is_date_only, parse_when
from .document import HEADINGS, INLINE, Doc, class_id, lca, raw_text, squash
from .labels import is_label, valid

_TITLE_TOKENS = ("tit", "title", "subject", "subj", "headline", "heading")
_TOKENS = re.compile(r"[\s_-]+")
_HEADING_LIKE_TAGS = frozenset({"div", "p", "strong", "span", "dt", "td", "th", "li", "b", "em", "a"})
GENERIC_TITLES = {
    "보도자료",
    "보도자료/해명",
    "보도/해명자료",
    "보도해명",
    "공지사항",
    "새소식",
    "알림마당",
    "알림소식",
    "언론보도",
    "시정소식",
    "군정소식",
    "도정소식",
    "구정소식",
    "뉴스",
    "게시판",
    "상세보기",
    "글내용보기",
    "내용보기",
    "게시물상세",
    "게시글상세",
    "상세내용",
    "press release",
    "press releases",
    "news",
    "notice",
    "notices",
    "view",
    "board",
    "english news",
    "daily news",
    "contents",
    "content",
    "본문",
    "본문내용",
    "보도자료 상세",
    "페이지 정보",
    "게시물 정보",
    "게시글 정보",
    "첨부파일",
    "댓글",
    "댓글목록",
    "관련 소식",
    "관련 기사",
    "recent posts",
    "archives",
    "목록",
    "게시판 상세",
    "글 읽기",
    "read",
}
_GENERIC_KEYS = {re.sub(r"\s+", "", g).lower() for g in GENERIC_TITLES}
_CLASS_FIELDS = {
    "author": re.compile(r"(?:^|[\s_-])(?:writer|author|name|wrt|user|byline|member_?name)(?:$|[\s_-])", re.I),
    "published": re.compile(
        r"(?:^|[\s_-])(?:date|regdate|reg_date|wdate|datetime|posted-on|time|day|"
        r"published|entry-date)(?:$|[\s_-])",
        re.I,
    ),
    "views": re.compile(
        r"(?:^|[\s_-])(?:hit|hits|view_?cnt|views|read_?cnt|count|readnum|viewcount)"
        r"(?:$|[\s_-])",
        re.I,
    ),
}


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def acceptable_title(doc: Doc, text: str) -> bool:
    if not (2 <= len(text) <= 300) or is_label(text) or is_date_only(text):
        return False
    if text.lower() in GENERIC_TITLES or _key(text) in _GENERIC_KEYS:
        return False
    if any(_key(text) == _key(seg) for seg in title_parts(doc)[1]):
        return False
    if text.replace(" ", "").isdigit() or doc.in_nav(text):
        return False
    return True


def heading_like(el) -> bool:
    """h1-h6, or a block named for a title: `div.subject`, `p.c_tit`, `.view-title`, `#bo_v_title`."""
    if el.tag in HEADINGS:
        return True
    if el.tag in _HEADING_LIKE_TAGS:
        names = class_id(el).lower()
        if names and ("tit" in names or "subj" in names or "head" in names):
            for token in _TOKENS.split(names):
                if token in _TITLE_TOKENS or token.startswith("tit") or token.endswith(("title", "tit")):
                    return True
    return False


def _depth(el) -> int:
    return sum(1 for _ in el.iterancestors())


def heading_near(doc: Doc, anchor, max_up: int = 6):
    """(element, text) of the heading closest above `anchor` in the tree, or (None, None)."""
    order = doc.order
    at = order.get(anchor)
    if at is None:
        return None, None
    ancestors = list(anchor.iterancestors())
    anchor_depth = len(ancestors)
    top = ancestors[min(max_up, len(ancestors)) - 1] if ancestors else anchor
    above = set(ancestors)
    candidates = []
    for el in top.iter(etree.Element):
        if order[el] >= at:
            break
        if el in above or not heading_like(el) or doc.is_boiler(el):
            continue
        common = lca(el, anchor)
        if common is None or common.tag in ("html", "body"):
            continue
        up = anchor_depth - _depth(common)
        if up <= max_up:
            # Closest in the tree first, then closest in the page; h1-h6 before named blocks.
            candidates.append(((-up, order[el], el.tag in HEADINGS), el))
    for _, el in sorted(candidates, key=lambda c: c[0], reverse=True):
        text = squash(raw_text(el))
        if acceptable_title(doc, text):
            return el, text
    return None, None


def _generic(doc: Doc, text: str) -> bool:
    return text.lower() in GENERIC_TITLES or _key(text) in _GENERIC_KEYS or doc.in_nav(text)


def title_parts(doc: Doc) -> tuple[str | None, list[str]]:
    """(the article's part of <title>, the site's parts): "Article | Board | Site"; a title that
    starts with a board name ("보도자료 | Site", "보도자료 - Article") gives no article part."""
    if "title_parts" not in doc.cache:
        segments = doc.title_segments
        parts: tuple[str | None, list[str]]
        if len(segments) < 2:
            parts = (segments[0] if segments else None, [])
        elif _generic(doc, segments[0]):
            # "Board - Article" (XpressEngine) or "Board | Site": which one cannot be told here,
            # so no part is the article's and only the board's name is the site's.
            parts = (None, segments[:1] if len(segments) == 2 else segments)
        else:
            parts = (segments[0], segments[1:])
        doc.cache["title_parts"] = parts
    return doc.cache["title_parts"]


def title_from_title_tag(doc: Doc) -> str | None:
    article = title_parts(doc)[0]
    return article if article and acceptable_title(doc, article) else None


def date_between(doc: Doc, start, end) -> tuple[object, str] | tuple[None, None]:
    """The first date printed on its own between two elements (title and body), outside boilerplate."""
    order = doc.order
    lo = order.get(start, 0)
    hi = order.get(end, len(doc.elements))
    for el in doc.elements[lo:hi]:
        if doc.is_boiler(el):
            continue
        for text in (el.text, el.tail):
            text = squash(text)
            if text and is_date_only(text, slack=20):
                return el, text
        if el.tag == "time" and el.get("datetime") and parse_when(el.get("datetime"))[0]:
            return el, el.get("datetime")
    return None, None


def class_field(doc: Doc, field: str, region, before=None) -> tuple[str, str] | tuple[None, None]:
    """(value, class name) of an element inside `region`, above `before` (the body), named for
    `field` and holding a valid value."""
    pattern = _CLASS_FIELDS[field]
    limit = doc.order.get(before, len(doc.elements)) if before is not None else len(doc.elements)
    order = doc.order
    for el in region.iter(etree.Element):
        if order.get(el, 0) >= limit:
            break
        if doc.is_boiler(el):
            continue
        names = class_id(el)
        m = pattern.search(names) if names else None
        if m is None:
            continue
        token = m.group(0).strip(" _-")
        if len(el) > 3:
            continue
        value = squash(raw_text(el))
        value = re.sub(r"^(?:by|작성자|글쓴이|조회수?|hits?|views?)\s*[:：]?\s*", "", value, flags=re.I)
        if field == "published":
            stamp = el.get("datetime") or value
            if parse_when(stamp)[0] and (el.get("datetime") or is_date_only(value, slack=20)):
                return stamp, token
        elif valid(field, value):
            return value, token
    return None, None


def region_of(anchor, body):
    """The article's region: the smallest element holding the field block and the body."""
    if anchor is None:
        return body
    if body is None:
        return anchor.getparent() if anchor.getparent() is not None else anchor
    return lca(anchor, body)


# -- an info line without labels -------------------------------------------------------------------
_INFO_SPLIT = re.compile(r"\s*(?:[|｜¦│·•]|\s[ㅣ/]\s)\s*")
_BARE_COUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,9}")
# A department's or an office's name ends so: 홍보담당관, 노인건강과, 대변인실, 기획조정실, 보건소...
_DEPARTMENT_END = re.compile(
    r"(?:과|실|국|담당관|관|팀|단|센터|본부|사업소|연구원|연구소|보건소|처|청|위원회|"
    r"재단|공사|공단|읍|면|동|부|반|계)$"
)
_PERSON = re.compile(r"[가-힣]{2,4}")
_ADMINS = {"관리자", "운영자", "담당자", "admin", "administrator", "webmaster", "editor", "홍보담당"}
_INFO_BLOCKS = frozenset({"ul", "ol", "dl", "li", "dt", "dd"})
_INFO_SKIP = frozenset(
    {"html", "body", "table", "tbody", "thead", "tr", "form", "a", "img", "br", "h1", "h2", "h3", "h4", "h5", "h6"}
)


def name_like(text: str) -> str | None:
    """ "department" or "person" when `text` reads as who posted an article, else None."""
    if not (2 <= len(text) <= 40) or any(c.isdigit() for c in text) or is_label(text) or _key(text) in _GENERIC_KEYS:
        return None
    if text.lower() in _ADMINS:
        return "person"
    words = text.split()
    if all(re.fullmatch(r"[가-힣()·]+", w) for w in words) and _DEPARTMENT_END.search(words[-1]):
        return "department"
    if _PERSON.fullmatch(text) or re.fullmatch(r"[A-Za-z][A-Za-z.\- ]{1,30}", text):
        return "person"
    return None


def _info_items(el) -> list[str] | None:
    """The items of a short line (text or inline children, cut at separators), or None when
    the element holds blocks (its own children are looked at instead)."""
    pieces = [el.text]
    for child in el:
        if not isinstance(child.tag, str):
            pieces.append(child.tail)
            continue
        if child.tag not in INLINE and child.tag not in _INFO_BLOCKS:
            return None
        if child.tag in ("ul", "ol", "dl") or any(isinstance(c.tag, str) and c.tag not in INLINE for c in child):
            return None
        pieces += [raw_text(child), child.tail]
    items = []
    for piece in pieces:
        items += [squash(x) for x in _INFO_SPLIT.split(piece or "") if squash(x)]
    return items


def info_line(doc: Doc, start, end, day=None, limit: int | None = None) -> tuple[object, dict] | tuple[None, None]:
    """(element, {"date", "views", "author", "department"}) of the first line between `start` (the
    title) and `end` (the body; or `limit` elements on) whose items are all recognised: one date
    (`day` when given), one bare number printed after it, and one or two names (a department,
    a person); or (None, None). The author is the person when both are printed."""
    order = doc.order
    lo = order.get(start, 0) + sum(1 for _ in start.iterdescendants()) + 1 if start is not None else 0
    hi = order.get(end, len(doc.elements)) if end is not None else len(doc.elements)
    if limit is not None:
        hi = min(hi, lo + limit)
    for el in doc.elements[lo:hi]:
        if doc.is_boiler(el) or el.tag in _INFO_SKIP:
            continue
        text = raw_text(el)
        if not (6 <= len(text) <= 400) or len(squash(text)) > 160:
            continue
        items = _info_items(el)
        if not items or not (3 <= len(items) <= 6):
            continue
        dates, counts, names, other = [], [], [], []
        for i, item in enumerate(items):
            if _BARE_COUNT.fullmatch(item):
                counts.append(i)
            elif is_date_only(item, slack=2) and parse_when(item)[0]:
                dates.append(i)
            elif name_like(item):
                names.append(i)
            else:
                other.append(i)
        if other or len(dates) != 1 or len(counts) != 1 or not 1 <= len(names) <= 2 or counts[0] < dates[0]:
            continue
        when = parse_when(items[dates[0]])[0]
        if day is not None and when != day:
            continue
        kinds = {name_like(items[i]): items[i] for i in reversed(names)}  # the first of each kind
        return el, {
            "date": items[dates[0]],
            "views": items[counts[0]],
            "author": kinds.get("person") or kinds.get("department"),
            "department": kinds.get("department"),
        }
    return None, None
