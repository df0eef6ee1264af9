from scraper.extract.html_text import clean_fragment, strip_controls

BASE = "http://127.0.0.1:8000/blog/english-news/1001"


def test_paragraphs_kept_and_whitespace_folded():
    text, _ = clean_fragment("<div><p>First   line\n continues</p><p>Second</p></div>", BASE)
    assert text == "First line continues\n\nSecond"


def test_scripts_styles_and_forms_dropped_from_text_and_html():
    text, html = clean_fragment(
        "<div><p>Body</p><script>ga('send');</script><style>p{}</style><form><button>Go</button></form></div>",
        BASE)
    assert text == "Body"
    assert "script" not in html and "ga(" not in html and "button" not in html


def test_sanitized_html_keeps_structure_drops_attributes_and_absolutizes_links():
    _, html = clean_fragment(
        '<div class="x"><p style="color:red" onclick="evil()">See <a href="/files/a.pdf" target="_blank">this</a>'
        '<img src="img/p.png" alt="photo" width="3"></p><a href="javascript:alert(1)">x</a></div>', BASE)
    assert html == ('<p>See <a href="http://127.0.0.1:8000/files/a.pdf">this</a>'
                    '<img alt="photo" src="http://127.0.0.1:8000/blog/english-news/img/p.png"></p><p><a>x</a></p>')


def test_line_breaks_and_broken_markup():
    text, _ = clean_fragment("<p>one<br>two<p>three <b>bold <i>x</b></i> <", BASE)
    assert text.split("\n\n")[0] == "one\ntwo"
    assert "three bold x" in text


def test_only_http_and_mailto_links_survive_however_the_scheme_is_disguised():
    _, html = clean_fragment(
        '<p><a href="jav&#x09;ascript:alert(1)">a</a><a href="&#x01;javascript:x">b</a>'
        '<a href="data:text/html,x">c</a><a href="mailto:press@gg.go.kr">d</a><img src="vbscript:x"></p>', BASE)
    assert html == '<p><a>a</a><a>b</a><a>c</a><a href="mailto:press@gg.go.kr">d</a><img></p>'


def test_text_after_an_unclosed_embed_is_kept():
    """<embed> is a void element: what follows it is the paragraph's text, not its content."""
    text, html = clean_fragment("<p>text <embed src=x.swf> more</p><p>second</p>", BASE)
    assert text == "text more\n\nsecond"
    assert html == "<p>text  more</p><p>second</p>"


def test_a_container_with_blocks_keeps_its_loose_text_apart():
    text, html = clean_fragment("<div>before<hr>after</div>next", BASE)
    assert text == "before\n\nafter\n\nnext"
    assert html == "<p>before</p><hr><p>after</p>next"


def test_terminal_control_characters_never_reach_text_or_html():
    text, html = clean_fragment("<p>a\x1b]0;pwn\x07 b &#x1b;[2J c\x9b31m &#7;d\r\ne</p>", BASE)
    assert text == "a b c d e"   # escape sequences gone whole, not just their ESC
    assert html == "<p>a b  c d\ne</p>"


def test_strip_controls_keeps_tabs_and_newlines_and_ends_lines_at_carriage_returns():
    assert strip_controls("\x1b]0;pwn\x07Title\tx\r\ny\rz\x0bw\x00\x7f\x85") == "Title\tx\ny\nz w"
    assert strip_controls("") == "" and strip_controls("경기도 보도자료") == "경기도 보도자료"


def test_a_cell_or_a_row_selected_alone_keeps_its_text_apart():
    assert clean_fragment('<td class="content"><p>para</p>tail</td>', BASE) == (
        "para\n\ntail", "<p>para</p>tail")
    assert clean_fragment("<tr><td>a</td><td>b</td></tr>", BASE) == (
        "a b", "<table><tbody><tr><td>a</td><td>b</td></tr></tbody></table>")


def test_cleaning_clean_html_again_changes_nothing():
    """Markup as pages commonly have it reads the same when cleaned again (a run of blank lines
    between blocks does not: tests/test_pages.py; the zero-config page cleans its body once)."""
    for fragment in ("<div><p>one<br>two</p><div>three <a href='/x'>link</a></div>four</div>",
                     "<ul><li>a<li>b</ul><table><tr><th>k</th><td>v</td></tr></table>"):
        text, html = clean_fragment(fragment, BASE)
        assert clean_fragment(html, BASE) == (text, html)
