"""A small HTTP/1.1 server on loopback for replica sites: GET, HEAD and POST, cookies, gzip.

A site is any object with `respond(request: SiteRequest) -> SiteResponse`; the server logs every
request (method, path with query, POST body) so tests can count what a crawl asked for.
"""

from __future__ import annotations

import gzip
import re
import threading
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class SiteRequest:
    method: str
    path: str                      # without the query
    query: dict[str, str]          # first value of each parameter
    headers: dict[str, str]        # names lower-cased
    body: bytes = b""
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def form(self) -> dict[str, str]:
        """The POSTed form (application/x-www-form-urlencoded), first value of each field."""
        charset = "utf-8"
        m = re.search(r"charset=([\w-]+)", self.headers.get("content-type", ""))
        if m:
            charset = m.group(1)
        parsed = parse_qs(self.body.decode("ascii", "replace"), keep_blank_values=True, encoding=charset)
        return {k: v[0] for k, v in parsed.items()}

    def param(self, name: str, default: str | None = None) -> str | None:
        """A parameter from the query or, for a POST, the form."""
        if name in self.query:
            return self.query[name]
        return self.form.get(name, default) if self.method == "POST" else default


@dataclass
class SiteResponse:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def html(cls, text: str, status: int = 200, charset: str = "utf-8", **kw) -> "SiteResponse":
        return cls(status, text.encode(charset, "xmlcharrefreplace"), f"text/html; charset={charset}", **kw)

    @classmethod
    def not_found(cls) -> "SiteResponse":
        return cls.html("<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>", 404)


class _Handler(BaseHTTPRequestHandler):
    # headers and body go in separate sends: without this, Nagle's algorithm holds each answer
    # ~40 ms on a kept-alive connection, and every crawl of a replica measures the wait
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""
    timeout = 60
    server: "_Server"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self._serve(head=False)

    def do_HEAD(self):
        self._serve(head=True)

    def do_POST(self):
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        cookies = SimpleCookie()
        try:
            cookies.load(self.headers.get("Cookie") or "")
        except Exception:  # a malformed Cookie header is ignored, as servers do
            pass
        request = SiteRequest(
            method=self.command, path=parts.path,
            query={k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
            headers={k.lower(): v for k, v in self.headers.items()}, body=body,
            cookies={k: m.value for k, m in cookies.items()})
        owner = self.server.owner
        owner.log(self.command, self.path, body)
        try:
            response = owner.site.respond(request)
        except Exception as exc:  # a bug in a replica must show as a 500, not a hung client
            response = SiteResponse(500, f"replica error: {exc!r}".encode(), "text/plain")
        self._send(response, head)

    def _send(self, r: SiteResponse, head: bool) -> None:
        body = r.body
        self.send_response(r.status)
        self.send_header("Content-Type", r.content_type)
        if r.content_type.startswith(("text/html", "application/json")) and \
                "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        for name, value in r.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    owner: "SiteServer"


class SiteServer:
    """Serve a replica site on `host:port` (0: a free port) in a daemon thread.

    >>> with SiteServer(GyeongbukSite()) as server:
    ...     server.base_url        # "http://127.0.0.1:PORT"
    """

    def __init__(self, site, host: str = "127.0.0.1", port: int = 0):
        self.site, self.host, self.port = site, host, port
        self.base_url = ""
        self.requests: list[tuple[str, str, bytes]] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def log(self, method: str, path: str, body: bytes) -> None:
        with self._lock:
            self.requests.append((method, path, body))

    def start(self) -> "SiteServer":
        httpd = _Server((self.host, self.port), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True, name=f"site-{self.port}")
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> "SiteServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
