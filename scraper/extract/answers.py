"""What an HTTP answer holds: its media type (the one Content-Type parser) and whether it is text.

Page objects read web-poet's framework-neutral HttpResponse, which does not say whether an answer
is text. `is_text` decides it the way Scrapy's `responsetypes` picks a TextResponse, so a crawl,
a reparse of its WARC records and a test read the same answers as text: by the declared type
(unless the body is still content-encoded), else by the URL's extension, else by the first 5,000
bytes of the body (no control character but tab, newline, carriage return and NUL).
"""

from __future__ import annotations

import mimetypes
import re
from urllib.parse import urlsplit

# Types Scrapy reads as text beyond text/* (scrapy.responsetypes.ResponseTypes.CLASSES)
TEXT_TYPES = frozenset(
    {
        "application/atom+xml",
        "application/rdf+xml",
        "application/rss+xml",
        "application/xhtml+xml",
        "application/vnd.wap.xhtml+xml",
        "application/xml",
        "application/json",
        "application/x-json",
        "application/json-amazonui-streaming",
        "application/javascript",
        "application/x-javascript",
    }
)
# What browsers render as a page; any other answer is a file (an attachment, an image)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Python's own table only, not the machine's /etc/mime.types (which may name .php a binary type)
_TYPES = mimetypes.MimeTypes(filenames=())
_FILENAME = re.compile(r'filename\*?=(?:[\w-]*\'\')?"?([^";]+)', re.I)
_BINARY = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f]")
SNIFF = 5000


def media_type(value: str | bytes | None) -> str | None:
    """`text/html` of `text/html; charset=euc-kr`, lower case; None when empty."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    kind = (value or "").split(";", 1)[0].strip().lower()
    return kind or None


def text_type(kind: str | None) -> bool | None:
    """True for a text type, None for one that says nothing (none, or application/octet-stream),
    else None too: a declared binary type does not decide alone (Scrapy then looks further)."""
    if kind is None or kind == "application/octet-stream":
        return None
    return kind.startswith("text/") or kind in TEXT_TYPES or None


def is_text(headers, url: str, body: bytes) -> bool:
    """Whether Scrapy would make this answer a TextResponse. `headers`: any mapping with `.get`
    of str or bytes values (web-poet's or Scrapy's)."""
    if headers.get("Content-Type") and not headers.get("Content-Encoding"):
        if text_type(media_type(headers.get("Content-Type"))):
            return True
    disposition = headers.get("Content-Disposition")
    if isinstance(disposition, bytes):
        disposition = disposition.decode("latin-1")
    named = _FILENAME.search(disposition or "")
    for name in ([named.group(1).strip()] if named else []) + [urlsplit(url).path]:
        by_name, encoding = _TYPES.guess_type(name)
        if by_name and not encoding and text_type(by_name):
            return True
    return not _BINARY.search(body[:SNIFF])
