"""Page objects read web-poet's HttpResponse, which does not say whether an answer is text:
`scraper.extract.answers.is_text` decides it as Scrapy's responsetypes picks a TextResponse, so
the crawl (Scrapy's answers, handed over by scrapy-poet), a reparse of its WARC records and a
test all read the same answers as text. Checked here against Scrapy itself on every mix of
declared type, content encoding, attachment name, URL and body that changes the answer."""

from __future__ import annotations

import itertools

import pytest
from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes
from web_poet import HttpResponseHeaders

from scraper.extract.answers import is_text, media_type

TYPES = [None, "text/html; charset=utf-8", "TEXT/HTML", "text/plain", "image/png", "application/octet-stream",
         "application/json", "application/xhtml+xml", "application/pdf", "application/x-hwp"]
URLS = ["http://x.go.kr/bbs/view.do?id=1", "http://x.go.kr/a/b.pdf", "http://x.go.kr/a/b.html",
        "http://x.go.kr/a/b.txt", "http://x.go.kr/view.php", "http://x.go.kr/a.tar.gz", "http://x.go.kr/"]
BODIES = [b"<html><body>x</body></html>", b"\x89PNG\r\n\x1a\n" + bytes(20), b"plain words", b"",
          b"%PDF-1.4\n\x01\x02", "한국어 본문".encode("cp949"), b"\x1b]0;title\x07<p>x"]
DISPOSITIONS = [None, 'attachment; filename="a.txt"', 'attachment; filename="a.pdf"']
ENCODINGS = [None, "gzip"]


def test_text_as_scrapy_decides_it_on_every_mix():
    differ = []
    for kind, url, body, disposition, encoding in itertools.product(TYPES, URLS, BODIES, DISPOSITIONS, ENCODINGS):
        headers = {name: value for name, value in (("Content-Type", kind), ("Content-Disposition", disposition),
                                                   ("Content-Encoding", encoding)) if value}
        scrapy_says = issubclass(responsetypes.from_args(headers=Headers(headers), url=url, body=body), TextResponse)
        for given in (Headers(headers), HttpResponseHeaders(headers)):  # Scrapy's bytes, web-poet's str
            if is_text(given, url, body) != scrapy_says:
                differ.append((headers, url, body, scrapy_says))
    assert differ == []


@pytest.mark.parametrize("value, kind", [
    ("text/html; charset=euc-kr", "text/html"), (b"Text/HTML;charset=UTF-8", "text/html"),
    ("  application/pdf  ", "application/pdf"), ("", None), (None, None), (b"", None)])
def test_the_media_type_of_a_content_type(value, kind):
    assert media_type(value) == kind
