"""Article body fragments to clean text and to sanitized HTML.

The HTML is sanitized by nh3 (the ammonia library): an allowlist of tags, attributes and URL
schemes over an HTML5 parser, so markup is read as a browser reads it (an unclosed `<embed>` is
a void element and the text after it stays). The text is read from that clean tree with
BeautifulSoup. Page objects select the body with lxml/parsel and hand only that small fragment
here.
"""

from __future__ import annotations

import re
from functools import partial
from urllib.parse import urljoin, urlsplit

import nh3
from bs4 import BeautifulSoup, NavigableString, SoupStrainer, Tag

from scraper.terminal import SEQUENCES

# Dropped with their content: code, what a browser does not show (a <title> in a body, a
# template), controls, embedded objects, page furniture.
DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "title",
    "iframe",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "object",
    "embed",
    "svg",
    "nav",
    "header",
    "footer",
}
KEEP = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "sub",
    "sup",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "hr",
    "figure",
    "figcaption",
}
ATTRS = {"a": {"href"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
BLOCK = {
    "p",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "figure",
    "figcaption",
    "section",
    "article",
    "hr",
}
# Containers that become a paragraph when they hold no other block, else give way to their
# content. Any other tag outside KEEP and DROP gives way to its content.
CONTAINERS = BLOCK - KEEP
# Made once: BeautifulSoup builds a strainer's match rules for every find() given a set of names
_CONTAINER_TAGS, _BLOCK_TAGS = SoupStrainer(CONTAINERS), SoupStrainer(BLOCK)

SAFE_SCHEMES = {"http", "https", "mailto"}
_URL_CONTROL = re.compile(r"[\x00-\x20\x7f]+")

# Control characters a terminal acts on (ESC, BEL, the rest of C0 but tab and newline, DEL, C1):
# never part of what a page shows, so never kept. Carriage returns end lines; vertical tab and
# form feed are spaces.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Any character strip_controls changes: every escape sequence starts with ESC or a C1 control.
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_ENDS = str.maketrans({"\r": "\n", "\x0b": " ", "\x0c": " "})

# A fragment that is part of a table (rows, a row group): the HTML5 parser drops rows outside a
# table, and their cells would run together, so it is read inside one. (A lone cell is read as a
# container: its content is the body.)
_TABLE_PART = re.compile(r"\s*<(?:tr|tbody|thead|tfoot|caption|colgroup|col)\b", re.I)

_PARA, _LINE = "\x00", "\x01"
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
_PARAS = re.compile(r"\s*\x00[\s\x00]*")
_LINES = re.compile(r" *\x01 *")


def strip_controls(text: str) -> str:
    """`text` without terminal control characters: tab and newline kept, CR LF and CR as a
    newline, vertical tab and form feed as a space, every other C0 and C1 control and DEL gone
    (escape sequences whole: an `ESC ] 0 ; title BEL` that would retitle a terminal, a CSI
    colour; scraper.terminal)."""
    if not text or not _ANY_CONTROL.search(text):
        return text
    return _CONTROLS.sub("", SEQUENCES.sub("", text.replace("\r\n", "\n").translate(_LINE_ENDS)))


def clean_fragment(html: str, base_url: str) -> tuple[str, str]:
    """(clean text with paragraphs separated by blank lines, sanitized HTML).

    The HTML keeps KEEP tags with the ATTRS attributes, links and images made absolute against
    `base_url` and only when http(s) or mailto; DROP elements go with their content, comments
    too; a div, section or article holding no other block becomes a paragraph; every other tag
    gives way to its content. Text and HTML hold no control characters."""
    # Controls go before parsing and again after: a character reference (`&#x1b;`) makes one.
    html = strip_controls(html)
    if _TABLE_PART.match(html):
        html = f"<table>{html}</table>"
    first = strip_controls(_sanitize(html, KEEP | CONTAINERS, base_url))
    tree = BeautifulSoup(first, "html.parser")
    _paragraphs(tree)
    text = _text(tree)
    # nh3 writes the stored HTML too: what it serializes is exactly what it allowed.
    clean_html = strip_controls(_sanitize(str(tree), KEEP, base_url)).strip()
    return text, clean_html


def _sanitize(html: str, tags: set[str], base_url: str) -> str:
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags=DROP,
        attributes=ATTRS,
        attribute_filter=partial(_attribute, base_url),
        url_schemes=SAFE_SCHEMES,
        strip_comments=True,
        link_rel=None,
    )


def _attribute(base_url: str, tag: str, name: str, value: str) -> str | None:
    return _safe_url(value, base_url) if name in ("href", "src") else value


def _safe_url(value: str, base_url: str) -> str | None:
    """An absolute http(s)/mailto URL, or None. An allowlist: browsers drop tabs, newlines and
    control characters inside a scheme, so `jav&#x09;ascript:` would pass a blocklist (nh3
    checks the schemes of absolute URLs too; relative ones are resolved here)."""
    url = urljoin(base_url, _URL_CONTROL.sub("", value))
    return url if urlsplit(url).scheme.lower() in SAFE_SCHEMES else None


def _paragraphs(root: BeautifulSoup) -> None:
    """A container holding no other block becomes a paragraph; one that does gives way to its
    content, its loose text and inline runs made paragraphs (`<div>a<hr>b</div>c` is three)."""
    for tag in root.find_all(_CONTAINER_TAGS):
        if not tag.find(_BLOCK_TAGS):
            tag.name = "p"
            continue
        run: list = []
        for child in [*tag.children, None]:
            if child is None or (isinstance(child, Tag) and (child.name in BLOCK or child.find(_BLOCK_TAGS))):
                if any(str(node).strip() for node in run):
                    paragraph = run[0].wrap(root.new_tag("p"))
                    for node in run[1:]:
                        paragraph.append(node)
                run = []
            else:
                run.append(child)
        tag.unwrap()


def _text(root: Tag) -> str:
    parts: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                parts.append(str(child))
            elif isinstance(child, Tag):
                if child.name == "br":
                    parts.append(_LINE)
                    continue
                block = child.name in BLOCK
                if block:
                    parts.append(_PARA)
                walk(child)
                if block:
                    parts.append(_PARA)
                elif child.name in ("td", "th"):
                    parts.append(" ")

    walk(root)
    text = _SPACES.sub(" ", "".join(parts))
    text = _PARAS.sub("\n\n", text)
    text = _LINES.sub("\n", text)
    return "\n".join(line.strip() for line in text.strip().split("\n"))
