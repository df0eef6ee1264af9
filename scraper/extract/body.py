"""The article body: the labelled content cell, else the densest block of running text.

`densest_block` scores every block element in one bottom-up pass: running text (a text run of
at least MIN_RUN characters that is not link text, not a title, not boilerplate and not in a
boilerplate container) counts for it, everything else inside it counts against it: link text,
labelled fields, titles, menus, licence and survey text in full, short lines less. The best block holds the article's paragraphs and
little else; among equal scores the outermost wins, so images around the text are kept.

A post cut into many short paragraphs (WordPress editors often break every line: "통제 시간은
4일 정오부터", "9일 오후 10시까지다.") has no run of MIN_RUN characters: a run of sibling
paragraphs, GROUP_LINES or more short lines of prose under one parent holding GROUP_CHARS
characters or more, counts as running text as a whole. A line of fields cut by bars
("부서 | 2024-03-05 | 153") is no running text, however long its names.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from .dates import is_date_only
from .document import BOILER_TEXT, HEADINGS, INLINE, Doc, drop, own_boiler, raw_text, squash
from .heuristics import heading_like

MIN_RUN = 40  # characters: a sentence, in Korean or English
OTHER_WEIGHT = 0.6  # how much non-article text inside a block costs
SHORT_WEIGHT = 0.4  # ... of that, for a short line that is no link, label or title
GROUP_LINES = 4  # sibling short paragraphs that together are running text...
GROUP_CHARS = 150  # ... when they hold this many characters
_GROUP_TAGS = frozenset({"p", "div", "li", "blockquote", "dd", "section"})
_LETTERS = re.compile(r"[가-힣A-Za-z]{2}")
_NEVER = frozenset(
    {
        "html",
        "head",
        "title",
        "meta",
        "link",
        "table",
        "tbody",
        "thead",
        "tr",
        "ul",
        "ol",
        "dl",
        "a",
        "img",
        "br",
        "hr",
        "form",
        "fieldset",
        "input",
        "button",
    }
)
_FILE_TOKENS = ("file", "attach", "첨부", "download")


_IN_LINKS = etree.XPath("//a//*")
_FIELD_SEPARATORS = re.compile(r"\s*[|｜¦│]\s*")


def field_line(text: str) -> bool:
    """A line of fields, not prose: short items cut by bars, one of them a date
    ("보건환경연구원 감염병연구부 감염병조사과 | 2023-02-04 | 738")."""
    if "|" not in text and "｜" not in text and "¦" not in text and "│" not in text:
        return False
    items = [squash(x) for x in _FIELD_SEPARATORS.split(text) if squash(x)]
    return (
        2 <= len(items) <= 8 and all(len(x) < MIN_RUN for x in items) and any(is_date_only(x, slack=4) for x in items)
    )


def text_runs(doc: Doc, other_els=frozenset()):
    """(running text, other text): lengths per block element holding text directly.

    Text inside inline tags (a, span, strong, font, br...) belongs to the nearest block above;
    text anywhere inside a link is link text.
    """
    inline = INLINE
    holder_of: dict = {}
    link_of: dict = {}
    runs: dict = {}  # (holder, is link text) -> text pieces
    in_links = set(_IN_LINKS(doc.root))
    for el, node, is_tail in doc.text_nodes:
        owner = el.getparent() if is_tail else el
        if owner is None:
            continue
        holder = holder_of.get(owner)
        if holder is None:
            holder, link = owner, False
            while holder.tag in inline:
                link = link or holder.tag == "a"
                parent = holder.getparent()
                if parent is None:
                    break
                holder = parent
            holder_of[owner] = holder
            link_of[owner] = link or holder in in_links
        key = (holder, link_of[owner])
        pieces = runs.get(key)
        text = node.strip()
        if pieces is None:
            runs[key] = [text]
        else:
            pieces.append(text)
    boiler = doc.boiler_flags
    in_file_box = _file_boxes(doc)
    dense: dict = {}
    other: dict = {}
    short: dict = {}  # holder -> length of a short line of prose
    for (holder, link), pieces in runs.items():
        n = sum(len(p) for p in pieces) + len(pieces) - 1
        if link or boiler.get(holder) or holder in other_els or holder in in_file_box:
            weight = 1.0
        elif n < MIN_RUN:
            weight = SHORT_WEIGHT  # a short line, maybe the body's own ("문의: 홍보팀")
            if holder.tag in _GROUP_TAGS and not (holder.tag in HEADINGS or heading_like(holder)):
                text = " ".join(pieces)
                if _LETTERS.search(text) and not is_date_only(text) and not BOILER_TEXT.search(text):
                    short[holder] = n
        elif holder.tag in HEADINGS or heading_like(holder) or BOILER_TEXT.search(" ".join(pieces)):
            weight = 1.0  # the title above the body, licence and survey text
        elif n < 200 and field_line(" ".join(pieces)):
            weight = SHORT_WEIGHT  # "부서 | 2024-03-05 | 153": fields, however long the names
        else:
            dense[holder] = dense.get(holder, 0) + n
            continue
        other[holder] = other.get(holder, 0) + weight * n
    _paragraph_groups(short, dense, other)
    return dense, other


def _file_boxes(doc: Doc) -> set:
    """The elements inside an attachment box (a class or id naming files, attachments or
    downloads): a long file name, such as a photo caption cut short, is no running text."""
    inside: set = set()
    for el, (cls, ident) in doc.named:
        if el in inside:
            continue
        names = f"{cls or ''} {ident or ''}".lower()
        if any(t in names for t in _FILE_TOKENS):
            inside.update(el.iter(etree.Element))
    return inside


def _paragraph_groups(short: dict, dense: dict, other: dict) -> None:
    """Short lines of prose that are siblings, enough of them and long enough together, become
    running text (moved from `other` to `dense`)."""
    groups: dict = {}
    for holder, n in short.items():
        parent = holder.getparent()
        if parent is not None:
            groups.setdefault(parent, []).append((holder, n))
    for members in groups.values():
        if len(members) < GROUP_LINES or sum(n for _, n in members) < GROUP_CHARS:
            continue
        for holder, n in members:
            dense[holder] = dense.get(holder, 0) + n
            other[holder] = other.get(holder, 0) - SHORT_WEIGHT * n


def densest_block(doc: Doc, other_els=frozenset()):
    """(element, running-text length) of the best body block, or (None, 0). Text held by
    `other_els` (labelled fields) and headings never counts as running text."""
    dense, other = text_runs(doc, other_els)
    if not dense:
        return None, 0
    sum_dense = dict(dense)
    sum_other = dict(other)
    for el in reversed(doc.elements):
        parent = el.getparent()
        if parent is None:
            continue
        d, o = sum_dense.get(el, 0), sum_other.get(el, 0)
        if d:
            sum_dense[parent] = sum_dense.get(parent, 0) + d
        if o:
            sum_other[parent] = sum_other.get(parent, 0) + o
    boiler = doc.boiler_flags
    best, best_score = None, 0.0
    for el in doc.elements:  # document order: an ancestor is seen before its descendants
        d = sum_dense.get(el, 0)
        if not d or el.tag in _NEVER or el.tag in INLINE or boiler.get(el):
            continue
        score = d - OTHER_WEIGHT * sum_other.get(el, 0)
        if score > best_score:
            best, best_score = el, score
    return best, (sum_dense.get(best, 0) if best is not None else 0)


def fragment_html(el) -> str:
    """The body element as HTML, without boilerplate or attachment boxes nested inside it."""
    el = copy.deepcopy(el)
    doomed = []
    for child in el.iterdescendants(etree.Element):
        if any(a in doomed for a in child.iterancestors()):
            continue
        names = f"{child.get('class') or ''} {child.get('id') or ''}".lower()
        unwanted = own_boiler(child) or any(t in names for t in _FILE_TOKENS)
        if not unwanted and child.tag not in INLINE and len(child) == 0:
            text = squash(raw_text(child))
            unwanted = bool(text) and len(text) < 300 and bool(BOILER_TEXT.search(text))
        if unwanted:
            doomed.append(child)
    for child in doomed:
        drop(child)
    return etree.tostring(el, method="html", encoding="unicode", with_tail=False)
