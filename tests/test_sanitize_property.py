"""No text is lost on the way to body_text and body_html: every text node of a source body shows
in them, except the text of the elements dropped on purpose (DROP: scripts, styles, forms,
embedded objects, page furniture) and of comments. White space is left out of the comparison:
lxml joins the text around an end tag it ignores (`after</p>next` is one node for it, two
paragraphs in a browser); the generated cases check that words stay apart and in order.

Over every recorded page (the fixtures, the evaluation set, the real captured pages), read whole
and as parsel hands a page object its <body>, and over a generated set of tricky markup.

The oracle is lxml's HTML parser, which tokenizes as HTML5 does (script escapes, comments, CDATA
as a bogus comment) but does not know every void element: it nests what follows an unclosed
<embed>, <wbr>, <source> or <track> inside it. A void element holds nothing, so the oracle reads
that text as following it, as a browser shows it.
"""

from __future__ import annotations

import json
import re
from itertools import product
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from parsel import Selector

from scraper.extract.document import decode
from scraper.extract.evaluate import REAL_PAGES
from scraper.extract.html_text import DROP, clean_fragment
from scraper.terminal import SEQUENCES

TESTS = Path(__file__).parent
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
        "param", "source", "track", "wbr"}
# What a browser never shows: C0 controls but white space, DEL, C1.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def normalized(text: str) -> str:
    return " ".join(_CONTROLS.sub("", SEQUENCES.sub("", text)).replace("\u200b", " ").split())


def squeezed(text: str) -> str:
    return "".join(normalized(text).split())


def shown_text(html: str) -> list[str]:
    """The text nodes of `html` a browser shows outside DROP elements, normalized, in order."""
    if re.match(r"\s*(<!doctype|<html)", html, re.I):
        root = lxml.html.document_fromstring(html)
    else:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    found: list[str] = []

    def walk(el, hidden: bool) -> None:
        inside = hidden or (el.tag in DROP and el.tag not in VOID)
        if el.text and not inside:
            found.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                walk(child, inside)
            if child.tail and not inside:
                found.append(child.tail)

    walk(root, False)
    return [n for n in map(normalized, found) if n]


def assert_nothing_lost(html: str, base_url: str) -> tuple[str, str]:
    text, clean_html = clean_fragment(html, base_url)
    nodes = shown_text(html)
    shown = squeezed(text)
    lost = [node for node in nodes if squeezed(node) not in shown]
    assert not lost, f"lost from body_text: {lost[:5]}"
    shown = squeezed("".join(Selector(text=f"<div>{clean_html}</div>").xpath("//text()").getall()))
    lost = [node for node in nodes if squeezed(node) not in shown]
    assert not lost, f"lost from body_html: {lost[:5]}"
    return text, clean_html


# --------------------------------------------------------------------------- recorded pages

def recorded_pages() -> list:
    pages = []
    for path in sorted((TESTS / "fixtures").glob("**/input.html")):
        url = json.loads((path.parent / "meta.json").read_text())["url"]
        pages.append(pytest.param(path, url, None, id=f"fixture:{path.parent.name}"))
    for path in sorted((TESTS / "eval" / "articles").glob("*.html")):
        gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        pages.append(pytest.param(path, gold["url"], gold.get("encoding"), id=f"eval:{path.stem}"))
    if REAL_PAGES.is_dir():
        for path in sorted(REAL_PAGES.glob("*view*.html")):
            pages.append(pytest.param(path, "https://example.go.kr/", "utf-8", id=f"real:{path.stem}"))
    return pages


def test_the_real_captured_pages_are_there_to_check():
    if not REAL_PAGES.is_dir():
        pytest.skip(f"{REAL_PAGES} is absent: the real captured pages are not checked")
    assert len(list(REAL_PAGES.glob("*view*.html"))) >= 5


@pytest.mark.parametrize("path, url, encoding", recorded_pages())
@pytest.mark.parametrize("part", ["whole page", "parsel body"])
def test_every_shown_text_node_of_a_recorded_page_is_kept(path, url, encoding, part):
    html = decode(path.read_bytes(), encoding)
    if part == "parsel body":  # as a page object hands a fragment selected with parsel (lxml)
        html = Selector(text=html).css("body").get()
    text, _ = assert_nothing_lost(html, url)
    assert len(text) > 50


# --------------------------------------------------------------------------- tricky markup

VOIDS = ["<embed src=x.swf>", "<EMBED SRC='x.swf'>", "<embed src=x.swf />", "<img src=a.png alt=photo>",
         "<br>", "<wbr>", "<source src=a.mp4>", "<track src=a.vtt>", "<input value=typed>",
         "<hr>", "<area href=a>", "<param name=a>"]
CONTEXTS = [
    "<p>before {void} after</p><p>next</p>",
    "<div>before {void} after</div>next",
    "<p>before <b>{void} after</b></p><p>next",
    "<p>before <span>{void}</span> after<p>next",
    "<table><tr><td>before {void} after</td><td>next</td></tr></table>",
    "<ul><li>before {void} after<li>next</ul>",
    "<p>before {void}{void} after<br>next",
    "<object data=x.swf><param name=a></object><p>before {void} after</p>next",
]


@pytest.mark.parametrize("void, context", list(product(VOIDS, CONTEXTS)))
def test_text_after_an_unclosed_void_element_is_kept_in_order(void, context):
    html = context.format(void=void)
    text, clean_html = assert_nothing_lost(html, "http://127.0.0.1/view")
    words = normalized(text).split()
    assert [w for w in words if w in ("before", "after", "next")] == ["before", "after", "next"]
    assert "x.swf" not in clean_html and "typed" not in text


@pytest.mark.parametrize("html, text", [
    ("<p>one<p>two<p>three", "one\n\ntwo\n\nthree"),                      # unclosed paragraphs
    ("<p>one<div>two</div>three", "one\n\ntwo\n\nthree"),                 # a block closes a p
    ("<p>a <b>bold <i>both</b> italic</i> b</p>", "a bold both italic b"),  # misnested
    ("<p>a<!-- hidden -->b</p>", "ab"),
    ("<p>a<!-- x --!>b</p>", "ab"),                                        # ends a comment too
    ("<p>a<!-->b<!--->c</p>", "abc"),                                      # empty comments
    ("<p>a<!-- never closed <p>gone", "a"),
    ("<p>a<![CDATA[hidden]]>b</p>", "ab"),                                 # a bogus comment in HTML
    ("<p>a<![CDATA[ x > y ]]>b</p>", "a y ]]>b"),                          # ...up to the first >
    ("<p>a<?php echo 1 ?>b</p>", "ab"),
    ("<p>before<script><!-- document.write('<script src=x></script>'); //--></script>after</p>",
     "beforeafter"),
    ("<p>a<style>p { color: red }</style>b<noscript>enable JS</noscript>c</p>", "abc"),
    ("<p>x</p><table><tr><td>a</td>loose<td>b</td></tr></table>", "x\n\nloose\n\na b"),  # foster parented
    ("<td>cell <p>para</p></td>", "cell\n\npara"),                        # a cell selected alone
    ("<tr><td>a</td><td>b</td></tr>", "a b"),                             # a row selected alone
    ("<p>a&nbsp;&amp;&lt;b&gt;&#x1b;[2J&#7;c</p>", "a &<b>c"),             # no control sequence
])
def test_tricky_markup_reads_as_a_browser_shows_it(html, text):
    assert assert_nothing_lost(html, "http://127.0.0.1/view")[0] == text


def test_the_oracle_sees_text_the_former_sanitizer_lost():
    """The check is not vacuous: lxml nests the text after an unclosed <embed> inside it, and a
    sanitizer dropping <embed> with its content (the one before nh3) loses it."""
    html = "<p>text <embed src=x.swf> more</p><p>second</p>"
    assert shown_text(html) == ["text", "more", "second"]
    nested = lxml.html.fragment_fromstring(html, create_parent="div").find(".//embed")
    assert nested.tail is None and normalized(etree.tostring(nested, method="text", encoding="unicode")) == "more"
