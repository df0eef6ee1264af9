"""Labelled fields: a label the board prints next to a value, in Korean or English.

Forms found on real boards, all read in one pass over the tree:
- `th` + `td` in a row (eGovFrame, 신안군 `table.show_form` with `th > label`), or a two-row
  table with the labels in the first row;
- `dt` + `dd` (경상북도 `dl`, 강진군 `view_titlebox dl`, even with a visually hidden `dt`);
- `td` + `td` on old boards whose label cells are plain cells;
- an inline label and its value in one line: `li > strong + span` (Gyeonggi English),
  `span > em + text`, `label + span`;
- "Label : value" text, several in one line: `작성자 : 홍길동 | 작성일 : 2022.06.24`,
  `Createdd 2018-04-13 Hit 209` (sic, WordPress).
Each value is checked against its field (a date must parse, a count be a number), so a label word
in running text is not taken for a label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from lxml import etree

from .dates import is_date_only
from .document import INLINE, Doc, raw_text, squash

# Field -> labels, best first (normalised: no spaces, dots or colons, lower case).
LABELS: dict[str, tuple[str, ...]] = {
    "title": ("제목", "글제목", "건명", "subject", "title"),
    "author": (
        "작성자",
        "글쓴이",
        "작성자명",
        "등록자",
        "게시자",
        "작성",
        "담당자",
        "기자",
        "name",
        "writer",
        "author",
        "postedby",
        "writtenby",
        "editor",
    ),
    "department": (
        "담당부서",
        "등록부서",
        "작성부서",
        "부서명",
        "소관부서",
        "담당과",
        "부서",
        "제공부서",
        "department",
        "dept",
        "division",
    ),
    "published": (
        "작성일",
        "등록일",
        "게시일",
        "작성일자",
        "등록일자",
        "게시일자",
        "작성일시",
        "등록일시",
        "보도일",
        "보도일자",
        "배포일",
        "배포일자",
        "발행일",
        "입력일",
        "입력",
        "날짜",
        "일자",
        "date",
        "createdd",
        "created",
        "regdate",
        "registered",
        "posted",
        "postedon",
        "published",
    ),
    "views": ("조회수", "조회", "열람수", "읽음", "조회수hit", "hit", "hits", "views", "view", "readcount"),
    "body": ("내용", "본문", "contents", "content"),
    "attachments": (
        "첨부파일",
        "첨부",
        "첨부문서",
        "파일",
        "attachment",
        "attachments",
        "attachedfile",
        "attachedfiles",
        "file",
        "files",
    ),
}
INDEX: dict[str, tuple[str, int]] = {}
for _field, _labels in LABELS.items():
    for _rank, _label in enumerate(_labels):
        INDEX.setdefault(_label, (_field, _rank))
# Labels that are no field of ours but end a value: "번호", "전화번호", "연락처"...
STOP_LABELS = {
    "번호",
    "no",
    "전화번호",
    "전화",
    "연락처",
    "문의",
    "tel",
    "phone",
    "이메일",
    "email",
    "e-mail",
    "분류",
    "카테고리",
    "category",
    "tags",
    "태그",
    "최종수정일",
    "최종업데이트",
    "수정일시",
    "url",
    "출처",
    "공공누리",
    "이전글",
    "다음글",
    "prev",
    "next",
    "댓글",
    "추천",
    "공유",
    "share",
    "comments",
    "수정일",
    "updated",
    "modified",
    "lastupdated",
    "lastmodified",
}

_NORM_DROP = re.compile(r"[\s.:：·*\[\]()<>|]+")
_FILE_LABEL = re.compile(r"^(첨부파일|첨부|파일|첨부문서|attach\w*|files?)\d+$")
_COUNT_VALUE = re.compile(r"[-−]?[\d,\s]+(?:회|건|번|hits?|views?)?", re.I)
# separators before a value ("조회 : 5", "Date - 2024"), but not a minus sign before a number
_LEADING = re.compile(r"^(?:[\s:：|·/]|-(?![0-9]))+|[\s:：|·/]+$")

# "Label : value" in a line of text. Korean labels need a colon or a space after them and are
# not preceded by a Hangul letter; English labels are whole words.
_TEXT_LABELS = sorted(
    (
        lab
        for lab in INDEX
        if lab
        not in ("content", "contents", "file", "files", "view", "title", "내용", "본문", "파일", "작성", "입력", "일자")
    ),
    key=len,
    reverse=True,
)
_ENGLISH_FORMS = {
    "postedby": r"posted\s+by",
    "writtenby": r"written\s+by",
    "postedon": r"posted\s+on",
    "regdate": r"reg\.?\s*date",
    "lastupdated": r"last\s+updated",
    "lastmodified": r"last\s+modified",
    "조회수hit": r"조회수\s*\(\s*hit\s*\)",
    "readcount": r"read\s*count",
}


def _label_pattern(label: str) -> str:
    if label in _ENGLISH_FORMS:
        return _ENGLISH_FORMS[label]
    if label.isascii():
        return rf"\b{re.escape(label)}\b"
    spaced = r"\s?".join(re.escape(ch) for ch in label)  # "조회 수", "작 성 자"
    return rf"(?<![가-힣]){spaced}(?=\s*[:：]|\s|\d|$)"


# Labels of no field of ours end the value before them ("작성자 : 홍길동 댓글 0건").
_TEXT_STOPS = sorted((lab for lab in STOP_LABELS if lab not in ("no", "url", "prev", "next")), key=len, reverse=True)
_TEXT_FORM_KEYS = [*_TEXT_LABELS, *_TEXT_STOPS]


@cache
def _text_form() -> re.Pattern:
    """Every text label, one group each: compiled when first read (80 ms, which every process that
    imports this module paid at start-up, the crawl's own included, though it reads no article)."""
    return re.compile("|".join(f"({_label_pattern(lab)})" for lab in _TEXT_FORM_KEYS), re.I)


@cache
def _label_starts() -> re.Pattern:
    """A character a text label can start with: every alternative of _text_form(), after its
    zero-width checks (a word boundary, no Hangul before), reads its label's first letter first.
    The same IGNORECASE folding as _text_form() (`s` also finds `ſ`, `k` the Kelvin sign)."""
    return re.compile("[" + "".join(sorted({re.escape(lab[0]) for lab in _TEXT_FORM_KEYS})) + "]", re.I)


def text_labels(text: str):
    """The matches of _text_form().finditer(text), tried only where a label can start.

    The alternation of 99 labels costs about 4 µs a character wherever it is tried (a line of
    90 characters: 0.4 ms), and the zero-config reader searches several lines of every page.
    Tried at the positions _label_starts() finds, with the same pattern (its look-behinds and word
    boundaries see the text before the position), and on from each match's end as finditer goes
    on: the same matches."""
    form, resume = _text_form(), 0
    for start in _label_starts().finditer(text):
        at = start.start()
        if at < resume:
            continue
        match = form.match(text, at)
        if match is not None:
            yield match
            resume = match.end()


LABEL_TAGS = frozenset({"strong", "b", "span", "em", "label", "i"})
PAIR_PARENTS = frozenset({"li", "p", "div", "span", "dd", "td", "dt", "strong"})
TEXT_FORM_TAGS = frozenset({"li", "p", "div", "span", "td", "dd", "em", "small", "font", "address"})


def norm(text: str) -> str:
    return _NORM_DROP.sub("", text).lower()


def field_of(text: str) -> tuple[str, int] | None:
    """(field, rank) when `text` is a label of ours."""
    if not text or len(text) > 24:
        return None
    key = norm(text)
    if key in INDEX:
        return INDEX[key]
    if _FILE_LABEL.match(key):
        return ("attachments", 3)
    return None


def is_label(text: str) -> bool:
    key = norm(text)
    return key in INDEX or key in STOP_LABELS or bool(_FILE_LABEL.match(key))


@dataclass
class Pair:
    field: str
    label: str  # the label as printed
    rank: int  # 0 = the field's best label
    value: str  # the value's text, squashed
    label_el: etree._Element
    value_el: object  # the element holding the value (the label's own element for text forms)
    order: int  # document position of the label
    form: str  # "th", "dt", "td", "inline", "text"

    @property
    def rule(self) -> str:
        return f"label:{self.label}"


def valid(field: str, value: str) -> bool:
    if not value:
        return False
    if field == "published":
        return is_date_only(value, slack=16)
    if field == "views":
        return bool(_COUNT_VALUE.fullmatch(value)) and any(c.isdigit() for c in value)
    if field in ("author", "department"):
        return (
            len(value) <= 60
            and not is_label(value)
            and not value.replace(",", "").isdigit()
            and not is_date_only(value)
        )
    if field == "title":
        return 2 <= len(value) <= 300 and not is_label(value)
    if field == "body":
        return len(value) >= 20
    return True


def _clean_value(text: str) -> str:
    return _LEADING.sub("", squash(text))


def _sibling_value(el, want: str, stop: str) -> object | None:
    """The next sibling `want` element before any `stop` element (th -> td, dt -> dd)."""
    for sib in el.itersiblings():
        if not isinstance(sib.tag, str):
            continue
        if sib.tag == want:
            return sib
        if sib.tag == stop:
            return None
    return None


def _column_value(th) -> object | None:
    """In a two-row table with labels in the first row, the cell below the label."""
    row = th.getparent()
    if row is None or row.tag != "tr" or any(c.tag == "td" for c in row):
        return None
    table = next((a for a in row.iterancestors() if a.tag == "table"), None)
    if table is None:
        return None
    rows = [r for r in table.iter("tr")]
    if len(rows) != 2 or rows[0] is not row:
        return None
    index = [c for c in row if isinstance(c.tag, str)].index(th)
    cells = [c for c in rows[1] if isinstance(c.tag, str)]
    return cells[index] if index < len(cells) and cells[index].tag == "td" else None


def _inline_value(label_el) -> str:
    """The first text after an inline label in its parent: its tail, else the next sibling's
    text (or that sibling's tail when the sibling is an empty icon), up to another label."""
    pieces = [label_el.tail]
    for sib in label_el.itersiblings():
        if not isinstance(sib.tag, str):
            continue
        pieces.append(raw_text(sib))
        pieces.append(sib.tail)
        if len(pieces) > 8:
            break
    for piece in pieces:
        value = _clean_value(piece or "")
        if value:
            return "" if is_label(value) else value
    return ""


def _text_pairs(el, text: str, order: int) -> list[Pair]:
    matches = list(text_labels(text))
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        value = _clean_value(text[m.end() : end])
        assert m.lastindex is not None  # each alternative of _text_form() is a group
        key = _TEXT_FORM_KEYS[m.lastindex - 1]
        if key not in INDEX:
            continue
        field, rank = INDEX[key]
        if field in ("body", "attachments") or not valid(field, value):
            continue
        pairs.append(Pair(field, squash(m.group(0)), rank, value, el, el, order, "text"))
    return pairs


_WORDS = re.compile(r"[가-힣]+|[A-Za-z]+")
# Words whose presence lets a line be searched for "Label : value" (the search itself is slower).
_TRIGGERS = {lab for lab in _TEXT_LABELS if lab.isalpha() and lab not in _ENGLISH_FORMS} | {
    "posted",
    "written",
    "reg",
    "read",
    "조회수",
}
_PAIR_TAGS = frozenset({"th", "dt", "td"}) | LABEL_TAGS
_CANDIDATE_TAGS = _PAIR_TAGS | TEXT_FORM_TAGS


def _has_trigger(text: str) -> bool:
    for word in _WORDS.findall(text):
        if word in _TRIGGERS or word.lower() in _TRIGGERS:
            return True
        if len(word) > 2 and word[:2] in _KOREAN_HEADS:
            return True
    return False


# First two letters of the Korean labels: "작성자명" or "등록일자" glued to a word still triggers.
_KOREAN_HEADS = {lab[:2] for lab in _TRIGGERS if not lab.isascii() and len(lab) >= 2}


def _pair_at(el, text: str, order: int) -> Pair | None:
    hit = field_of(text)
    if hit is None:
        return None
    field, rank = hit
    tag = el.tag
    value_el = None
    if tag == "th":
        value_el = _sibling_value(el, "td", "th")
        if value_el is None:
            value_el = _column_value(el)
    elif tag == "dt":
        value_el = _sibling_value(el, "dd", "dt")
    elif tag == "td":
        nxt = el.getnext()
        if nxt is not None and nxt.tag == "td" and not is_label(squash(raw_text(nxt))):
            value_el = nxt
    if value_el is not None:
        if field == "attachments":
            return Pair(field, text, rank, "", el, value_el, order, tag)
        value = squash(raw_text(value_el)) if field == "body" else _clean_value(raw_text(value_el))
        return Pair(field, text, rank, value, el, value_el, order, tag) if valid(field, value) else None
    if tag in LABEL_TAGS and field not in ("body", "attachments"):
        parent = el.getparent()
        if parent is not None and parent.tag in PAIR_PARENTS:
            value = _inline_value(el)
            if valid(field, value):
                return Pair(field, text, rank, value, el, parent, order, "inline")
    return None


def find_pairs(doc: Doc) -> list[Pair]:
    """Every label/value pair outside boilerplate, in document order."""
    pairs: list[Pair] = []
    taken: set = set()
    boiler = doc.boiler_flags
    for order, el in enumerate(doc.elements):
        tag = el.tag
        if tag not in _CANDIDATE_TAGS or boiler[el]:
            continue
        raw = None
        if tag in _PAIR_TAGS:
            raw = raw_text(el)
            if len(raw) <= 40:
                pair = _pair_at(el, squash(raw), order)
                if pair is not None:
                    pairs.append(pair)
                    taken.add(pair.value_el)
                    continue
        if tag in TEXT_FORM_TAGS and el not in taken:
            if any(isinstance(c.tag, str) and c.tag not in INLINE for c in el):
                continue
            if raw is None:
                raw = raw_text(el)
            if 4 <= len(raw) <= 400:
                text = squash(raw)
                if len(text) <= 160 and _has_trigger(text):
                    pairs.extend(_text_pairs(el, text, order))
    # A line read as "Label : value" text whose labels are also marked up inside it: the
    # marked-up pairs are exact, the text ones may run into the next item.
    structural = [p.label_el for p in pairs if p.form != "text"]
    if structural and any(p.form == "text" for p in pairs):
        holders = {a for el in structural for a in el.iterancestors()}
        pairs = [p for p in pairs if p.form != "text" or p.label_el not in holders]
    return pairs
