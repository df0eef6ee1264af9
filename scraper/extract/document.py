"""One parse per page: decoding, the lxml tree, and what every extractor asks of it.

The tree is parsed once with lxml (about 2 ms for a 150 KB page). Scripts, styles and comments
are taken out after their text is kept (JSON-LD and pagination functions live in scripts).
Boilerplate is recognised by container names and by text: menus, footers, breadcrumbs, page
manager blocks, satisfaction surveys, licence (공공누리/KOGL) notes, share tools, prev/next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urljoin

from lxml import etree
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

# Charsets Korean boards declare that Python knows under another name, or only as a subset.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)

# Tags whose text never belongs to an article.
DROP_TAGS = ("script", "style", "noscript", "template", "select", "textarea")

# Container class/id tokens that mark boilerplate: navigation, page furniture, surveys, licences.
_BOILER_TOKENS = {
    "gnb",
    "lnb",
    "snb",
    "tnb",
    "nav",
    "navi",
    "navigation",
    "menu",
    "submenu",
    "sitemap",
    "breadcrumb",
    "breadcrumbs",
    "location",
    "path",
    "quick",
    "quickmenu",
    "aside",
    "sidebar",
    "side",
    "banner",
    "popup",
    "modal",
    "skip",
    "util",
    "utility",
    "family",
    "familysite",
    "copyright",
    "copy",
    "kogl",
    "nuri",
    "opentype",
    "license",
    "licence",
    "satisfaction",
    "survey",
    "research",
    "share",
    "sns",
    "qr",
    "qrcode",
    "print",
    "tool",
    "tools",
    "rss",
    "search",
    "visitor",
    "visit",
    "counter",
    "stats",
    "comment",
    "comments",
    "reply",
    "related",
    "popular",
    "ranking",
    "prev",
    "next",
    "prevnext",
    "pager",
    "login",
    "lang",
    "widget",
}
# Joined names (tokens in order) that mark boilerplate although their parts alone do not.
_BOILER_NAMES = re.compile(
    r"(?:^|[\s_-])(?:page[_-]?info|page[_-]?manager|page[_-]?admin|cont[_-]?manager|"
    r"manager[_-]?info|page[_-]?charge|charge[_-]?info|view[_-]?pager|board[_-]?view[_-]?pager|"
    r"prev[_-]?next|btn[_-]?area|board[_-]?btn|bbs[_-]?btn|list[_-]?btn|sub[_-]?visual|"
    r"page[_-]?title|sub[_-]?title[_-]?wrap|contents?[_-]?tool|content[_-]?top)(?:$|[\s_-])",
    re.I,
)
# Page header/footer containers: only as the leading part of a name ("footer_site", "header"),
# so an article's own "view_header" is not taken for the site's.
_EDGE_NAMES = re.compile(
    r"(?:^|\s)#?(?:site[_-]?)?(?:header|footer|foot|top[_-]?menu|head[_-]?wrap)"
    r"(?:$|[\s_-])",
    re.I,
)
_TOKEN_SPLIT = re.compile(r"[\s_-]+")
_PREV_NEXT = (
    "이전글",
    "다음글",
    "윗글",
    "아랫글",
    "이전 글",
    "다음 글",
    "이전글 보기",
    "다음글 보기",
    "Prev",
    "Next",
    "PREV",
    "NEXT",
    "Previous",
    "prev",
    "next",
    "이전 게시물",
    "다음 게시물",
)
# Text that is boilerplate wherever it sits.
BOILER_TEXT = re.compile(
    r"공공누리|저작물|KOGL|만족(?:하셨|도|스러)|무단\s*(?:전재|복제|배포)|Copyright|All rights reserved|"
    r"개인정보\s*처리방침|이 페이지에서 제공하는|이전글|다음글|목록으로",
    re.I,
)

INLINE = frozenset(
    {
        "a",
        "span",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "font",
        "br",
        "img",
        "sup",
        "sub",
        "small",
        "big",
        "label",
        "abbr",
        "mark",
        "s",
        "strike",
        "del",
        "ins",
        "code",
        "q",
        "cite",
        "time",
        "wbr",
        "nobr",
        "tt",
        "var",
        "kbd",
        "samp",
        "bdi",
        "bdo",
    }
)
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def squash(text: str | None) -> str:
    """Whitespace runs (NBSP, zero-width, ideographic space included) to one space, stripped."""
    if not text:
        return ""
    if "\u200b" in text:
        text = text.replace("\u200b", " ")
    return " ".join(text.split())  # str.split() knows Unicode spaces and is faster than a regex


def decode(html: str | bytes, encoding: str | None = None) -> str:
    """Text of a page: the given encoding, a byte-order mark, the charset the page declares
    (<meta>), UTF-8, then CP949, the first that decodes the whole page. Charset names are read
    as browsers read them (w3lib: EUC-KR and KS C 5601 are CP949, its superset)."""
    if isinstance(html, str):
        return html
    bom, _ = read_bom(html)
    candidates = [encoding, "utf-8-sig" if bom == "utf-8" else bom, html_body_declared_encoding(html), "utf-8", "cp949"]
    tried: list[str] = []
    for candidate in filter(None, candidates):
        name = resolve_encoding(candidate) or candidate.strip().lower()
        if name in tried:
            continue
        tried.append(name)
        try:
            return html.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return html.decode("utf-8", "replace")


def class_id(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".strip()


_MENU_TOKENS = {
    "gnb",
    "lnb",
    "snb",
    "tnb",
    "nav",
    "navi",
    "navigation",
    "menu",
    "submenu",
    "sitemap",
    "breadcrumb",
    "breadcrumbs",
    "location",
    "path",
    "quick",
    "quickmenu",
    "util",
    "family",
    "familysite",
    "copyright",
    "skip",
}
_LIST_TOKENS = {
    "prev",
    "next",
    "prevnext",
    "related",
    "popular",
    "ranking",
    "pager",
    "widget",
    "comment",
    "comments",
    "reply",
}


def _menu_like(el) -> bool:
    """Inside site navigation or page furniture, rather than a list of other articles."""
    for node in (el, *el.iterancestors()):
        tag = node.tag
        names = class_id(node)
        tokens = {t.lower() for t in _TOKEN_SPLIT.split(names) if t} if names else set()
        if tokens & _LIST_TOKENS:
            return False
        if tag in ("nav", "header", "footer") or tokens & _MENU_TOKENS or _EDGE_NAMES.search(names):
            return True
    return False


def own_boiler(el) -> bool:
    """Whether `el` itself (not its ancestors) is a boilerplate container."""
    tag = el.tag
    if tag in ("html", "body", "main", "article"):  # a page-wide class ("full_banner_yes") says nothing
        return False
    if tag in ("nav", "aside"):
        return True
    if tag in ("header", "footer"):
        # An article's own <header>/<footer> (WordPress entry-header) is not the page's.
        return not any(a.tag in ("article", "main") for a in el.iterancestors())
    names = class_id(el)
    if not names:
        return False
    if _EDGE_NAMES.search(names) or _BOILER_NAMES.search(names):
        return True
    return any(t.lower() in _BOILER_TOKENS for t in _TOKEN_SPLIT.split(names) if t)


@dataclass
class Doc:
    """A parsed page and lazily computed facts about it, shared by all extractors."""

    url: str
    root: etree._Element
    scripts: list[str] = field(default_factory=list)
    jsonld: list[str] = field(default_factory=list)
    cache: dict = field(default_factory=dict, repr=False)  # extractors' memo for this page
    _named: list = field(default_factory=list, repr=False)

    def join(self, href: str) -> str:
        return urljoin(self.base_url, href.strip())

    @cached_property
    def base_url(self) -> str:
        base = self.root.find(".//base[@href]")
        return urljoin(self.url, base.get("href")) if base is not None else self.url

    @cached_property
    def elements(self) -> list:
        """Every element in document order (comments and processing instructions left out)."""
        return list(self.root.iter(etree.Element))

    @cached_property
    def order(self) -> dict:
        return {el: i for i, el in enumerate(self.elements)}

    @cached_property
    def boiler_flags(self) -> dict:
        """element -> True when it or an ancestor is a boilerplate container."""
        flags = self._name_flags()
        # Rows and blocks that start with "이전글"/"다음글" (prev/next navigation), however named.
        for label in _PREV_NEXT:
            for row in self.short_texts.get(label, ()):
                while row is not None and row.tag not in ("tr", "li", "dl", "div", "p", "ul", "table"):
                    row = row.getparent()
                if (
                    row is not None
                    and row.tag not in ("html", "body")
                    and not flags.get(row)
                    and len(raw_text(row)) < 500
                ):
                    for inner in row.iter(etree.Element):
                        flags[inner] = True
        return flags

    @property
    def named(self) -> list:
        """(element, (class, id)) of the elements outside boilerplate that have a class or an id
        (collected while the boilerplate flags are computed)."""
        if "boiler_flags" not in self.__dict__:
            self.boiler_flags
        return self._named

    def _name_flags(self) -> dict:
        flags: dict = {}
        by_names: dict = {}
        named = self._named
        for el in self.elements:
            parent = el.getparent()
            if flags.get(parent, False):
                flags[el] = True
                continue
            tag = el.tag
            if tag in ("nav", "aside", "header", "footer"):
                flags[el] = own_boiler(el)
                continue
            names = el.get("class"), el.get("id")
            if names == (None, None):
                flags[el] = False
                continue
            named.append((el, names))
            hit = by_names.get(names)
            if hit is None:
                hit = by_names[names] = own_boiler(el)
            flags[el] = hit
        return flags

    def is_boiler(self, el) -> bool:
        return self.boiler_flags.get(el, False)

    @cached_property
    def title_text(self) -> str:
        el = self.root.find(".//title")
        return squash(raw_text(el)) if el is not None else ""

    @cached_property
    def title_segments(self) -> list[str]:
        """<title> cut at the separators sites put between article, board and site names."""
        return [
            s
            for s in (squash(p) for p in re.split(r"\s+(?:[|<>:»›\-–—]|::|&lt;)\s+|\s*[|<>»›]\s*", self.title_text))
            if s
        ]

    @cached_property
    def text_nodes(self) -> list:
        """(element, text, is_tail) for every text node that is not blank, in document order."""
        found: list[tuple[etree._Element, str, bool]] = []
        append = found.append
        for el in self.elements:
            text = el.text
            if text and not text.isspace():
                append((el, text, False))
            text = el.tail
            if text and not text.isspace():
                append((el, text, True))
        return found

    @cached_property
    def short_texts(self) -> dict:
        """Squashed text of each short text node -> the elements holding it."""
        index: dict = {}
        for el, text, is_tail in self.text_nodes:
            if len(text) < 200:
                text = squash(text)
                if 1 < len(text) <= 80:
                    index.setdefault(text, []).append(el.getparent() if is_tail else el)
        return index

    def in_nav(self, text: str) -> bool:
        """Whether `text` is printed on its own in a menu, breadcrumb, header or footer (not in a
        list of other articles: the previous article or a "most read" box may share a title)."""
        return any(el is not None and self.is_boiler(el) and _menu_like(el) for el in self.short_texts.get(text, ()))


_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True)


def parse(html: str | bytes, url: str, encoding: str | None = None) -> Doc:
    """Decode and parse a page once; scripts are removed after their text is kept.

    Plain lxml.etree elements, not lxml.html's: their Python proxies cost a fifth as much.
    """
    text = _XML_DECL.sub("", decode(html, encoding), count=1)
    root = None
    if text.strip():
        try:
            root = etree.fromstring(text, _PARSER)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            root = None
    if root is None:
        root = etree.fromstring("<html><body></body></html>", _PARSER)
    scripts, jsonld = [], []
    for script in root.iter("script"):
        body = script.text or ""
        if (script.get("type") or "").strip().lower() == "application/ld+json":
            jsonld.append(body)
        elif body.strip():
            scripts.append(body)
    etree.strip_elements(root, *DROP_TAGS, with_tail=False)
    return Doc(url=url, root=root, scripts=scripts, jsonld=jsonld)


def as_doc(html_or_doc, url: str, encoding: str | None = None) -> Doc:
    return html_or_doc if isinstance(html_or_doc, Doc) else parse(html_or_doc, url, encoding)


def raw_text(el) -> str:
    """All text inside `el` (not its tail), as the browser would show it before squashing."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def drop(el) -> None:
    """Remove `el` and its content, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def lca(a, b):
    """The deepest element that contains both (an element contains itself)."""
    seen = {a}
    seen.update(a.iterancestors())
    for x in [b, *b.iterancestors()]:
        if x in seen:
            return x
    return None


def contains(outer, inner) -> bool:
    return outer is inner or any(x is outer for x in inner.iterancestors())


def _css(el) -> str:
    tag = el.tag
    ident = el.get("id")
    if ident and not re.search(r"\d{3,}", ident) and re.fullmatch(r"[A-Za-z][\w-]*", ident):
        return f"{tag}#{ident}"
    classes = [c for c in (el.get("class") or "").split() if re.fullmatch(r"[A-Za-z_][\w-]*", c)]
    return tag + "".join(f".{c}" for c in classes[:2])


def css_path(el, stop=None, depth: int = 3) -> str:
    """A short CSS selector for `el`: its tag, id or classes, and a few ancestors' for context."""
    parts = [_css(el)]
    for parent in el.iterancestors():
        if parent is stop or parent.tag in ("body", "html") or len(parts) >= depth:
            break
        if "#" in parts[0]:
            break
        parts.insert(0, _css(parent))
    return " > ".join(parts)
