"""Article body fragments to clean text and to sanitized HTML.

Parsing whole pages with BeautifulSoup is slow (~30 ms for a large page); page objects select
the body with lxml/parsel and hand only that small fragment here.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

DROP = {"script", "style", "noscript", "iframe", "form", "button", "input", "select",
        "textarea", "object", "embed", "svg", "nav", "header", "footer"}
KEEP = {"p", "br", "strong", "b", "em", "i", "u", "sub", "sup", "ul", "ol", "li", "a", "img",
        "table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "hr", "figure", "figcaption"}
ATTRS = {"a": {"href"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"},
         "th": {"colspan", "rowspan"}}
BLOCK = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
         "table", "ul", "ol", "figure", "figcaption", "section", "article", "hr"}

SAFE_SCHEMES = {"http", "https", "mailto"}
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")

_PARA, _LINE = "\x00", "\x01"
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")
_PARAS = re.compile(r"\s*\x00[\s\x00]*")
_LINES = re.compile(r" *\x01 *")


def clean_fragment(html: str, base_url: str) -> tuple[str, str]:
    """(clean text with paragraphs separated by blank lines, sanitized HTML)."""
    soup = BeautifulSoup(html, "lxml")
    root = soup.body or soup
    _sanitize(root, base_url)
    clean_html = "".join(str(child) for child in root.children).strip()
    return _text(root), clean_html


def _sanitize(root: Tag, base_url: str) -> None:
    for comment in root.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in root.find_all(True):
        if tag.decomposed:
            continue
        name = tag.name
        if name in DROP:
            tag.decompose()
        elif name not in KEEP:
            if name in BLOCK:
                tag.name = "p" if not tag.find(BLOCK) else tag.name
            if tag.name not in KEEP:
                tag.unwrap()
                continue
        if tag.decomposed or tag.parent is None:
            continue
        allowed = ATTRS.get(tag.name, set())
        tag.attrs = {k: v for k, v in tag.attrs.items() if k in allowed}
        for attr in ("href", "src"):
            if attr in tag.attrs:
                url = _safe_url(str(tag.attrs[attr]), base_url)
                if url is None:
                    del tag.attrs[attr]
                else:
                    tag.attrs[attr] = url


def _safe_url(value: str, base_url: str) -> str | None:
    """An absolute http(s)/mailto URL, or None. An allowlist: browsers drop tabs, newlines and
    control characters inside a scheme, so `jav&#x09;ascript:` would pass a blocklist."""
    url = urljoin(base_url, _CONTROL.sub("", value))
    return url if urlsplit(url).scheme.lower() in SAFE_SCHEMES else None


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
