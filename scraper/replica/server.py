"""HTTP server of the replica board: a ThreadingHTTPServer on loopback, in a daemon thread.

Behaviour a crawler meets here (as on the real site):
* HTTP/1.1 with keep-alive; ``Server: Apache``; quiet (no request log on stderr);
* HTML gzip-compressed when the request's ``Accept-Encoding`` allows gzip;
* listing pages sent with ``Transfer-Encoding: chunked`` (several chunks) and two ``Set-Cookie``
  headers (``JSESSIONID`` and ``lang=en``);
* with ``flaky=True`` listing page 2 answers ``500`` the first time it is requested, then 200;
* attachments with ``Content-Disposition: attachment; filename*=UTF-8''...``, never compressed,
  with ``ETag`` and ``Last-Modified``; a GET or HEAD whose ``If-None-Match`` (else
  ``If-Modified-Since``) says the client holds them answers ``304 Not Modified`` without a body;
* GET and HEAD; POST (and other methods) → 405.
"""

from __future__ import annotations

import datetime
import email.utils
import gzip
import hashlib
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote, urlsplit

from . import pages
from .board import Board

__all__ = ["ReplicaServer", "FLAKY_PATH"]

FLAKY_PATH = pages.listing_path(2)
_LISTING_RE = re.compile(r"^/blog/english-news/(?:page/([1-9][0-9]*)/)?$")
_VIEW_RE = re.compile(r"^/blog/english-news/([1-9][0-9]*)$")
_CHUNKS = 4                       # listing bodies are split into (at least) this many chunks
_KST = datetime.timezone(datetime.timedelta(hours=9))


class _Response:
    __slots__ = ("status", "body", "content_type", "headers", "html", "chunked", "validated", "_gz")

    def __init__(self, status: int, body: bytes, content_type: str, *, headers=(), html=False,
                 chunked=False, validated=False):
        self.status, self.body, self.content_type = status, body, content_type
        self.headers, self.html, self.chunked = list(headers), html, chunked
        self.validated = validated  # conditional requests honoured (ETag, Last-Modified)
        self._gz: bytes | None = None

    def gzipped(self) -> bytes:
        if self._gz is None:   # a benign race: every thread computes the same bytes
            self._gz = gzip.compress(self.body, compresslevel=6, mtime=0)  # mtime=0: deterministic
        return self._gz


def _not_modified(r: _Response, request_headers) -> bool:
    """RFC 9110 13.2.2: If-None-Match (weak comparison) decides; without it, If-Modified-Since."""
    headers = dict(r.headers)
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        ours = headers["ETag"].removeprefix("W/")
        return any(tag.strip().removeprefix("W/") == ours for tag in if_none_match.split(","))
    if_modified_since = request_headers.get("If-Modified-Since")
    if if_modified_since is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an invalid date is ignored
    if since.tzinfo is None:
        return False
    return email.utils.parsedate_to_datetime(headers["Last-Modified"]) <= since


class _Handler(BaseHTTPRequestHandler):
    # headers and body go in separate sends: without this, Nagle's algorithm holds each answer
    # ~40 ms on a kept-alive connection, and every crawl of a replica measures the wait
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""
    timeout = 60                  # idle keep-alive connections are closed after a minute
    server: "_Server"

    def version_string(self) -> str:
        return "Apache"

    def log_message(self, format, *args):  # quiet
        pass

    # ------------------------------------------------------------------ methods

    def do_GET(self):
        self._serve(head=False)

    def do_HEAD(self):
        self._serve(head=True)

    def _not_allowed(self):
        self.server.replica._log(self.command, self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = pages.render_method_not_allowed().encode("utf-8")
        self._send(_Response(405, body, "text/html; charset=utf-8",
                             headers=[("Allow", "GET, HEAD")]), head=False)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    # ------------------------------------------------------------------ response

    def _serve(self, head: bool) -> None:
        replica = self.server.replica
        replica._log(self.command, self.path)
        response = replica._respond(self.path)
        if response.validated and _not_modified(response, self.headers):
            response = _Response(304, b"", "", headers=[
                (name, value) for name, value in response.headers if name in ("ETag", "Last-Modified")])
        self._send(response, head)

    def _accepts_gzip(self) -> bool:
        for token in (self.headers.get("Accept-Encoding") or "").split(","):
            name, _, params = token.strip().partition(";")
            if name.strip().lower() in ("gzip", "x-gzip", "*"):
                q = re.search(r"q\s*=\s*([0-9.]+)", params)
                if not q or float(q.group(1)) > 0:
                    return True
        return False

    def _send(self, r: _Response, head: bool) -> None:
        body = r.body
        self.send_response(r.status)
        if r.status == 304:  # no body, so neither Content-Type nor Content-Length (as Apache)
            for name, value in r.headers:
                self.send_header(name, value)
            self.end_headers()
            return
        self.send_header("Content-Type", r.content_type)
        if r.html:
            self.send_header("Vary", "Accept-Encoding")
            if self._accepts_gzip():
                body = r.gzipped()
                self.send_header("Content-Encoding", "gzip")
        for name, value in r.headers:
            self.send_header(name, value)
        if r.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head:
            return
        if r.chunked:
            size = max(1, -(-len(body) // _CHUNKS))
            out = bytearray()
            for i in range(0, len(body), size):
                piece = body[i:i + size]
                out += b"%x\r\n%s\r\n" % (len(piece), piece)
            out += b"0\r\n\r\n"
            self.wfile.write(bytes(out))
        else:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client stopped reading (a size limit): fine


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128      # crawlers and benchmarks open many connections at once
    replica: "ReplicaServer"


class ReplicaServer:
    """The replica board over HTTP on ``host:port`` (port 0: any free port).

    >>> with ReplicaServer(Board(articles=50)) as server:
    ...     server.base_url          # "http://127.0.0.1:PORT"
    """

    def __init__(self, board: Board | None = None, host: str = "127.0.0.1", port: int = 0, *,
                 flaky: bool = True):
        self.board = board if board is not None else Board()
        self.host, self.port, self.flaky = host, port, flaky
        self.base_url = ""
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._flaky_done = False
        self._cache: dict[str, _Response] = {}
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._attachments = {unquote(p): a for p, a in self.board.attachments.items()}
        self._attachment_dates = {att.url_path: art.date for art in self.board.by_id.values()
                                  for att in art.attachments}

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> "ReplicaServer":
        if self._httpd is not None:
            return self
        httpd = _Server((self.host, self.port), _Handler)
        httpd.replica = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"replica-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "ReplicaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"ReplicaServer({self.board!r}, base_url={self.base_url!r}, flaky={self.flaky})"

    # ------------------------------------------------------------------ helpers

    def url(self, path: str) -> str:
        """Absolute URL of a site path, e.g. ``server.url("/robots.txt")``."""
        return self.base_url + path

    def _log(self, method: str, path: str) -> None:
        with self._lock:
            self.requests.append((method, path))

    def _take_flaky(self) -> bool:
        with self._lock:
            if self.flaky and not self._flaky_done:
                self._flaky_done = True
                return True
            return False

    def _respond(self, raw_path: str) -> _Response:
        path = urlsplit(raw_path).path
        if path == FLAKY_PATH and self._take_flaky():
            return _Response(500, pages.render_server_error().encode("utf-8"),
                             "text/html; charset=utf-8", html=True)
        with self._lock:
            cached = self._cache.get(path)
        if cached is None:
            cached = self._build(path)
            if cached.status == 200:
                with self._lock:
                    self._cache[path] = cached
        return cached

    def _html(self, status: int, text: str, **kw) -> _Response:
        return _Response(status, text.encode("utf-8"), "text/html; charset=utf-8", html=True, **kw)

    def _build(self, path: str) -> _Response:
        board, base = self.board, self.base_url
        if path == "/robots.txt":
            return _Response(200, pages.robots_txt().encode(), "text/plain; charset=utf-8")
        if path == "/":
            return self._html(200, pages.render_home(board, base))
        if path == "/img/new.gif":
            return _Response(200, pages.NEW_GIF, "image/gif")
        if path == pages.listing_path(1) + "page/1/":
            return _Response(301, b"", "text/html; charset=utf-8",
                             headers=[("Location", base + pages.listing_path(1))])
        m = _LISTING_RE.match(path)
        if m:
            n = int(m.group(1) or 1)
            text = pages.render_listing(board, n, base)
            if text is not None:
                session = hashlib.sha1(f"{board.seed}:{len(board.articles)}:{n}".encode()).hexdigest()
                cookies = [("Set-Cookie", f"JSESSIONID={session[:32].upper()}; Path=/"),
                           ("Set-Cookie", "lang=en; Path=/")]
                return self._html(200, text, headers=cookies, chunked=True)
        m = _VIEW_RE.match(path)
        if m:
            text = pages.render_view(board, int(m.group(1)), base)
            if text is not None:
                return self._html(200, text)
        att = self._attachments.get(unquote(path))
        if att is not None:
            date = self._attachment_dates[att.url_path]
            stamp = datetime.datetime(date.year, date.month, date.day, 9, 0, tzinfo=_KST).timestamp()
            return _Response(200, att.data, att.content_type, validated=True, headers=[
                ("Content-Disposition", f"attachment; filename*=UTF-8''{quote(att.filename, safe='')}"),
                ("Last-Modified", email.utils.formatdate(stamp, usegmt=True)),
                ("ETag", '"' + hashlib.sha1(att.data).hexdigest()[:20] + '"'),
                ("Accept-Ranges", "none"),
            ])
        return self._html(404, pages.render_not_found(base, path))
