"""A hostile board: the replica board with some view pages replaced by what hostile or broken
government sites answer (issue 11). One article per case; the listing is the board's own.

Each case is a function `(server, article, page) -> _Response`, where `page` is the article's own
view page; `HostileReplica.case_url(name)` is the URL the listing gives for that case's article.
The answers are built on demand (the 20 MB page and the 1 GB gzip bomb once per process).

>>> with HostileReplica() as server:
...     server.case_url("gzip-bomb")
"""

from __future__ import annotations

import functools
import gzip
import re
import zlib
from typing import Callable
from urllib.parse import urlsplit

from . import pages
from .board import Board, BoardArticle
from .server import ReplicaServer, _Response

__all__ = ["HostileReplica", "CASES", "BOMB_SIZE", "HUGE_PAGE_SIZE", "FILE_HOST", "REFUSED_HOST"]

HTML = "text/html; charset=utf-8"
BOMB_SIZE = 1 << 30              # the gzip bomb expands to 1 GiB ...
HUGE_PAGE_SIZE = 20_000_000      # ... and the huge page is 20 MB, sent as is
FILE_HOST = "localhost"          # another host name of this server: a file server a profile allows
REFUSED_HOST = "127.0.0.2"       # a host no profile allows: never fetched (nothing listens there)
KOREAN = "경기도는 국제협력 네트워크를 강화하기 위해 해외 자매도시와 정책 교류를 확대한다고 밝혔다."

Case = Callable[["HostileReplica", BoardArticle, str], _Response]
CASES: dict[str, Case] = {}


def case(name: str):
    def register(fn: Case) -> Case:
        CASES[name] = fn
        return fn
    return register


def _html(text: str, status: int = 200, **kw) -> _Response:
    return _Response(status, text.encode("utf-8"), HTML, html=True, **kw)


def _raw(body: bytes, content_type: str = HTML, headers=()) -> _Response:
    """Bytes sent exactly as given (no gzip by the server)."""
    return _Response(200, body, content_type, headers=list(headers))


def _field(page: str, label: str, value: str) -> str:
    """The page with the view's `label` field (Date, Views...) showing `value` instead."""
    return re.sub(rf"(<strong>{label}</strong> <span>)[^<]*(</span>)", rf"\g<1>{value}\g<2>", page, count=1)


def _body(page: str, html: str) -> str:
    """The page with `html` as the first paragraphs of its body."""
    return page.replace('<div class="view-content">', '<div class="view-content">' + html, 1)


# --------------------------------------------------------------------------- 1. redirects

@case("redirect-to-another-article")
def _(server, article, page):
    return _html("<html><body>Moved</body></html>", 302, headers=[("Location", server.url(server.other_view))])


@case("meta-refresh-to-another-article")
def _(server, article, page):
    return _html(f'<html><head><meta http-equiv="refresh" content="0; url={server.url(server.other_view)}">'
                 "</head><body>Moving</body></html>")


@case("redirect-to-another-host")
def _(server, article, page):
    return _html("<html><body>Moved</body></html>", 302,
                 headers=[("Location", server.other_host_url(pages.view_path(article.id), REFUSED_HOST))])


@case("meta-refresh-to-javascript")
def _(server, article, page):
    """A page whose refresh goes nowhere usable: the page itself is the article."""
    return _html(page.replace("<head>", '<head><meta http-equiv="refresh" content="0; url=javascript:void(0)">', 1))


@case("attachment-on-file-server")
def _(server, article, page):
    """The file box links an attachment on another host name of the site (its file server)."""
    path = article.attachments[0].url_path
    return _html(page.replace(f'href="{path}"', f'href="{server.other_host_url(path, FILE_HOST)}"'))


@case("attachment-on-refused-host")
def _(server, article, page):
    path = article.attachments[0].url_path
    return _html(page.replace(f'href="{path}"', f'href="{server.other_host_url(path, REFUSED_HOST)}"'))


# --------------------------------------------------------------------------- 2. sizes, bombs

@case("huge-page")
def _(server, article, page):
    return _raw(_huge_page(page))


@case("gzip-bomb")
def _(server, article, page):
    return _raw(_bomb(), headers=[("Content-Encoding", "gzip")])


@case("corrupt-gzip")
def _(server, article, page):
    data = bytearray(gzip.compress(page.encode("utf-8"), mtime=0))
    data[-8:-4] = bytes(b ^ 0xFF for b in data[-8:-4])  # a wrong CRC-32
    return _raw(bytes(data), headers=[("Content-Encoding", "gzip")])


@case("truncated-gzip")
def _(server, article, page):
    data = gzip.compress(page.encode("utf-8"), mtime=0)
    return _raw(data[: len(data) // 2], headers=[("Content-Encoding", "gzip")])


@functools.cache
def _huge_page(page: str) -> bytes:
    filler = "<p>" + "Gyeonggi-do " * 1000 + "</p>"
    count = HUGE_PAGE_SIZE // len(filler) + 1
    return _body(page, filler * count).encode("utf-8")


@functools.cache
def _bomb() -> bytes:
    """`<html><body><p>` and 1 GiB of spaces, gzip-compressed (about 1 MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1 << 20)
    parts = [packer.compress(b"<html><body><p>")]
    parts += [packer.compress(chunk) for _ in range(BOMB_SIZE >> 20)]
    parts.append(packer.flush())
    return b"".join(parts)


# --------------------------------------------------------------------------- 4. extraction, numbers

@case("unclosed-embed")
def _(server, article, page):
    return _html(_body(page, "<p>text <embed src=x.swf> more</p><p>second</p>"))


@case("views-beyond-64-bits")
def _(server, article, page):
    return _html(_field(page, "Views", "99999999999999999999999"))


@case("views-negative")
def _(server, article, page):
    return _html(_field(page, "Views", "-5"))


@case("date-far-future")
def _(server, article, page):
    return _html(_field(page, "Date", "2099-01-01"))


@case("date-1900")
def _(server, article, page):
    return _html(_field(page, "Date", "1900-01-01"))


@case("mixed-utf8-euc-kr")
def _(server, article, page):
    """Declared UTF-8, with one paragraph in EUC-KR bytes (a template pasted from an old CMS)."""
    head, _, tail = _body(page, "<p>\x00</p>").partition("\x00")
    return _raw(head.encode("utf-8") + KOREAN.encode("euc-kr") + tail.encode("utf-8"))


@case("header-in-euc-kr")
def _(server, article, page):
    """A header that is not UTF-8: a Korean file name in EUC-KR bytes, as older Korean servers
    send it (the value goes out byte for byte: each character here is one Latin-1 byte)."""
    name = "보도자료.html".encode("euc-kr").decode("latin-1")
    return _html(page, headers=[("Content-Disposition", f'inline; filename="{name}"')])


@case("empty-answer")
def _(server, article, page):
    return _raw(b"")


@case("binary-as-html")
def _(server, article, page):
    return _raw(pages.NEW_GIF + bytes(range(256)) * 16)


@case("terminal-escape-in-title")
def _(server, article, page):
    return _html(page.replace('<h3 class="view-title">', '<h3 class="view-title">\x1b]0;pwned\x07\x1b[31m', 1))


# --------------------------------------------------------------------------- the server

class HostileReplica(ReplicaServer):
    """The replica board on loopback, one article per case of `cases` (default: all) answering as
    that case says; the other articles, the listings and the attachments are the board's own."""

    def __init__(self, board: Board | None = None, cases=None, **kw):
        super().__init__(board or Board(articles=40), flaky=False, **kw)
        names = list(CASES if cases is None else cases)
        # plain articles first (no quirk of the board's own, such as a page without views)
        plain = sorted(self.board.articles, key=lambda a: a.quirk is not None)
        with_files = [a for a in plain if a.attachments]
        others = [a for a in plain if not a.attachments] + with_files
        self.article_of: dict[str, BoardArticle] = {}
        for name in sorted(names, key=lambda n: not n.startswith("attachment-")):
            pool = with_files if name.startswith("attachment-") else others
            free = [a for a in pool if a not in self.article_of.values()]
            if not free:
                raise ValueError(f"the board has no article left for case {name!r}: give it more articles")
            self.article_of[name] = free[0]
        self.case_of = {pages.view_path(a.id): name for name, a in self.article_of.items()}
        untouched = [a for a in self.board.articles if a not in self.article_of.values()]
        self.other_view = pages.view_path(untouched[0].id)  # where redirects send

    def case_url(self, name: str) -> str:
        return self.url(pages.view_path(self.article_of[name].id))

    def other_host_url(self, path: str, host: str = FILE_HOST) -> str:
        return f"http://{host}:{self.port}{path}"

    def _respond(self, raw_path: str) -> _Response:
        name = self.case_of.get(urlsplit(raw_path).path)
        if name is None:
            return super()._respond(raw_path)
        article = self.article_of[name]
        return CASES[name](self, article, pages.render_view(self.board, article.id, self.base_url))
