"""The article body: the labelled content cell, else the densest block of running text.

`densest_block` scores every block element in one bottom-up pass: running text (a text run of
at least MIN_RUN characters that is not link text, not a title, not boilerplate and not in a
boilerplate container) counts for it, everything else inside it counts against it: link text,
labelled fields, titles, menus, licence and survey text in full, short lines less. The best block holds the article's paragraphs and
little else; among equal scores the outermost wins, so images around the text are kept.
"""

from __future__ import annotations

import copy

from lxml import etree

from .document import BOILER_TEXT, HEADINGS, INLINE, Doc, drop, own_boiler, raw_text, squash
from .heuristics import heading_like

MIN_RUN = 40          # characters: a sentence, in Korean or English
OTHER_WEIGHT = 0.6    # how much non-article text inside a block costs
SHORT_WEIGHT = 0.4    # ... of that, for a short line that is no link, label or title
_NEVER = frozenset({"html", "head", "title", "meta", "link", "table", "tbody", "thead", "tr", "ul",
                    "ol", "dl", "a", "img", "br", "hr", "form", "fieldset", "input", "button"})
_FILE_TOKENS = ("file", "attach", "첨부", "download")


_IN_LINKS = etree.XPath("//a//*")


def text_runs(doc: Doc, other_els=frozenset()):
    """(running text, other text): lengths per block element holding text directly.

    Text inside inline tags (a, span, strong, font, br...) belongs to the nearest block above;
    text anywhere inside a link is link text.
    """
    inline = INLINE
    holder_of: dict = {}
    link_of: dict = {}
    runs: dict = {}      # (holder, is link text) -> text pieces
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
    dense: dict = {}
    other: dict = {}
    for (holder, link), pieces in runs.items():
        n = sum(len(p) for p in pieces) + len(pieces) - 1
        if link or boiler.get(holder) or holder in other_els:
            weight = 1.0
        elif n < MIN_RUN:
            weight = SHORT_WEIGHT  # a short line, maybe the body's own ("문의: 홍보팀")
        elif holder.tag in HEADINGS or heading_like(holder) or BOILER_TEXT.search(" ".join(pieces)):
            weight = 1.0           # the title above the body, licence and survey text
        else:
            dense[holder] = dense.get(holder, 0) + n
            continue
        other[holder] = other.get(holder, 0) + weight * n
    return dense, other


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
