from scraper.html_text import clean_fragment

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
                    '<img alt="photo" src="http://127.0.0.1:8000/blog/english-news/img/p.png"/></p><a>x</a>')


def test_line_breaks_and_broken_markup():
    text, _ = clean_fragment("<p>one<br>two<p>three <b>bold <i>x</b></i> <", BASE)
    assert text.split("\n\n")[0] == "one\ntwo"
    assert "three bold x" in text


def test_only_http_and_mailto_links_survive_however_the_scheme_is_disguised():
    _, html = clean_fragment(
        '<p><a href="jav&#x09;ascript:alert(1)">a</a><a href="&#x01;javascript:x">b</a>'
        '<a href="data:text/html,x">c</a><a href="mailto:press@gg.go.kr">d</a><img src="vbscript:x"></p>', BASE)
    assert html == '<p><a>a</a><a>b</a><a>c</a><a href="mailto:press@gg.go.kr">d</a><img/></p>'
