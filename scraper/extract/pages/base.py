"""What every board's page objects share: field-by-field extraction that never raises, values
that cannot be true refused with the reason, and the answers that are no page at all.

Page objects are web-poet pages (`WebPage` over web-poet's framework-neutral `HttpResponse`,
`@field` methods): a crawl gets them from scrapy-poet, a reparse builds them from WARC records,
a test from bytes; none of them needs Scrapy."""

from __future__ import annotations

import codecs
import logging
import mimetypes
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from web_poet import HttpResponse, PageParams, WebPage, field

from ..answers import is_text, media_type, text_type
from ..fields import EARLIEST_DATE, count_problem, date_problem, split_issue
from ..html_text import clean_fragment, strip_controls
from ..items import ArticleRecord, AttachmentRecord
from ..language import detect_language, language_problem

log = logging.getLogger(__name__)

mimetypes.add_type("application/x-hwp", ".hwp")
mimetypes.add_type("application/haansofthwpx", ".hwpx")

RECORD_FIELDS = ("title", "author", "published", "views", "body_text")
KOREA = timezone(timedelta(hours=9))  # boards date their posts in Korea time

# Binary formats a server may send as text/html: images, PDF, archives (HWPX, DOCX), HWP/OLE.
_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"RIFF")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Bytes no text holds: C0 controls but tab, newline, form feed, carriage return, and the shifts
# and escape of ISO-2022-KR (SO, SI, ESC). Compressed or image data is a tenth of them.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x10-\x1a\x1c-\x1f]")
SNIFF_BYTES = 4096
BINARY_SHARE = 0.05


@dataclass(frozen=True)
class ListingRow:
    board_id: str
    url: str
    title: str | None
    author: str | None
    published: date | None
    views: int | None
    notice: bool = False


def guess_type(name_or_url: str) -> str | None:
    return mimetypes.guess_type(unquote(urlsplit(name_or_url).path or name_or_url))[0]


def text_answer(response: HttpResponse) -> bool:
    """Whether the answer is text (as Scrapy would make it a TextResponse)."""
    return is_text(response.headers, str(response.url), response.body)


def with_encoding(response: HttpResponse, encoding: str | None, body: bytes | None = None) -> HttpResponse:
    """The same answer read in `encoding` (a profile's charset, a mended body)."""
    return HttpResponse(
        url=str(response.url),
        body=response.body if body is None else body,
        status=response.status,
        headers=response.headers,
        encoding=encoding,
    )


def unusable_page(response: HttpResponse) -> str | None:
    """Why an answer is no page at all, in one line, or None: "empty answer" (no body, or only
    white space), "binary content served as text/html" (the declared type, from Content-Type;
    a known file signature or control bytes in the first 4 KB). UTF-16 with a byte-order mark or
    a declared UTF-16 charset is text."""
    body = response.body or b""
    if not body.strip():
        return "empty answer"
    declared = media_type(response.headers.get("Content-Type")) or ""
    if declared not in ("", "application/octet-stream") and not text_type(declared):
        return None  # a file answered as what it is: the page object says "not an HTML page"
    if not declared.startswith("text/") and not text_answer(response):
        return None  # a file answered as what it is: the page object says "not an HTML page"
    head = body[:SNIFF_BYTES]
    if head.startswith(_BOMS) or "utf-16" in (response.encoding or "").lower():
        return None
    if head.startswith(_MAGIC) or len(_BINARY_BYTES.findall(head)) > BINARY_SHARE * len(head):
        return f"binary content served as {declared or 'text'}"
    return None


def page_day(response: HttpResponse) -> date | None:
    """The day of the answer in Korea, from its HTTP Date header (kept in the WARC record, so a
    reparse judges dates against the same day); None without a readable one."""
    value = response.headers.get("Date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    day = moment.astimezone(KOREA).date()
    return day if day >= EARLIEST_DATE else None  # a server clock never set (1970) says nothing


# A run of non-ASCII bytes, a CP949 lead byte keeping an ASCII letter as its trail byte (UHC).
_NON_ASCII_RUN = re.compile(rb"(?:[\x81-\xfe][\x41-\x5a\x61-\x7a]|[\x80-\xff])+")
_KOREAN_CHARSETS = {"euc_kr", "cp949"}


def mixed_decode(body: bytes, primary: str, fallback: str) -> tuple[str, int]:
    """`body` decoded run by run of non-ASCII bytes: as `primary`, else as `fallback`, else as
    `primary` with replacement characters. Returns (text, runs decoded as `fallback`).

    A page declared UTF-8 that pastes in EUC-KR text (or the reverse) mixes them by words: ASCII
    (spaces, markup) separates the runs, so each run is in one charset."""
    parts: list[str] = []
    mended = position = 0
    for m in _NON_ASCII_RUN.finditer(body):
        parts.append(body[position : m.start()].decode("ascii"))
        run = m.group()
        try:
            parts.append(run.decode(primary))
        except UnicodeDecodeError:
            try:
                parts.append(run.decode(fallback))
                mended += 1
            except UnicodeDecodeError:
                parts.append(run.decode(primary, "replace"))
        position = m.end()
    parts.append(body[position:].decode("ascii"))
    return "".join(parts), mended


def mend_mixed_charsets(response: HttpResponse, is_text: bool | None = None) -> HttpResponse:
    """The response itself, or when it is declared UTF-8 (or EUC-KR/CP949), is not valid in that
    charset, and some of its invalid runs decode in the other: a copy holding the mended text as
    UTF-8. The WARC keeps the bytes as served; a reparse mends them the same way."""
    if not (text_answer(response) if is_text is None else is_text):  # is_text: decided already
        return response
    try:
        declared = codecs.lookup(response.encoding or "").name
    except LookupError:
        return response
    if declared == "utf-8":
        primary, fallback = "utf-8", "cp949"
    elif declared in _KOREAN_CHARSETS:
        primary, fallback = "cp949", "utf-8"
    else:
        return response
    body = response.body
    try:
        body.decode(primary)
        return response
    except UnicodeDecodeError:
        pass
    text, mended = mixed_decode(body, primary, fallback)
    if not mended:
        return response
    log.debug("%s: %d runs of %s mended in a page declared %s", response.url, mended, fallback, declared)
    return with_encoding(response, "utf-8", text.encode("utf-8"))


class ArticlePageBase(WebPage[ArticleRecord]):
    """Turns a view page into an ArticleRecord. Subclasses define the field methods (`@field`).

    `page_params` (web-poet's PageParams, from the request's meta["page_params"] in a crawl) may
    name the `source` the article is stored under and its `board_id` when the URL has none.

    Each field method may return None or raise: either way the field is recorded as missing,
    the rest of the article is kept. A value that cannot be true (a negative or implausibly
    large count, a date before 1990 or after the page's own day) is recorded as missing too;
    every reason, and every field method's error, goes into the record's `field_problems`.
    """

    source: str = ""
    version: int = 1  # bump when the fields this page object extracts change
    received: HttpResponse | None  # set by __new__

    def __new__(cls, response: HttpResponse | None = None, *args: Any, **kwargs: Any):
        page = super().__new__(cls)
        # The answer as received, before any subclass's __init__ changes it (a profile's charset):
        # pages.portable sends it to another process, which builds the page from it again.
        page.received = response
        return page

    def __init__(self, response: HttpResponse, page_params: PageParams | None = None):
        self.is_text = text_answer(response)  # decided once: mending keeps it text
        self.response = mend_mixed_charsets(response, self.is_text)
        self.page_params = page_params or PageParams()
        if self.page_params.get("source"):
            self.source = self.page_params["source"]
        self.errors: dict[str, str] = {}

    @property
    def extractor_version(self) -> str:
        """Stored with each article, so a reparse knows which rows an extractor change touches."""
        return f"{type(self).__module__.rsplit('.', 1)[-1]}/{self.version}"

    def cleaned_body(self, fragment: str, url: str) -> tuple[str, str]:
        """(text, sanitized HTML) of the fragment body_html_fragment selected: clean_fragment
        (scraper.extract.html_text). A page object whose fragment was cleaned already (the
        zero-config extractor's body) gives that reading instead of cleaning it twice."""
        return clean_fragment(fragment, url)

    # Fields this board never prints: not missing when absent.
    never_printed: tuple[str, ...] = ()

    # Fields to override (each with @field): read with _safe, so one that raises is recorded
    # as missing with its error, and the rest of the page is kept.
    @field
    def board_id(self) -> str | None:
        return self.page_params.get("board_id")

    @field
    def canonical_url(self) -> str:
        return str(self.response.url)

    @field
    def title(self) -> str | None:
        return None

    @field
    def author(self) -> str | None:
        return None

    @field
    def department(self) -> str | None:
        return None

    @field
    def published(self) -> date | None:
        return None

    @field
    def views(self) -> int | None:
        return None

    @field
    def body_html_fragment(self) -> str | None:
        return None

    @field
    def attachments(self) -> list[AttachmentRecord]:
        return []

    def _safe(self, name: str, method: Callable[[], Any], default: Any = None) -> Any:
        try:
            value = method()
            # a field overridden without @field reads as a bound method: call it
            return value() if callable(value) and not isinstance(value, type) else value
        except Exception as exc:  # a broken field must never lose the page
            self.errors[name] = f"{type(exc).__name__}: {exc}"
            log.debug("field %s failed on %s", name, self.response.url, exc_info=True)
            return default

    def parsed(self, name: str, text: str | None, parse: Callable[[str | None], Any]) -> Any:
        """`parse(text)` for a field method; printed text holding a digit that does not parse
        ("2022-02-30") is named in the field's problem."""
        value = parse(text)
        if value is None and text and any(ch.isdigit() for ch in text):
            noun = {"published": "date", "views": "count"}.get(name, "value")
            self.errors[name] = f"unreadable {noun} ({text.strip()[:80]!r})"
        return value

    def _getter(self, name: str) -> Callable[[], Any]:
        return lambda: getattr(self, name)

    def _text(self, name: str, method: Callable[[], str | None]) -> str | None:
        """A text field, without terminal control characters."""
        value = self._safe(name, method)
        return strip_controls(value) if isinstance(value, str) else value

    def _refused(self, name: str, value: Any, problem: str | None) -> Any:
        """`value`, or None with the reason recorded when `problem` names one."""
        if problem is None:
            return value
        self.errors[name] = problem
        return None

    # web-poet's to_item is a coroutine, but web-poet and scrapy-poet take a synchronous one too
    # (validates_input, ensure_awaitable); the arguments have defaults, so to_item() works as theirs
    def to_item(  # type: ignore[override]
        self,
        detect: Callable[[str], tuple[str | None, float | None]] = detect_language,
        today: date | None = None,
    ) -> ArticleRecord:
        """The article; `detect` judges the language of title + body (reparse passes one that
        reuses the stored answer for a text it has seen). Dates are judged against the page's
        own day (its HTTP Date header), else `today`, else the day of extraction in Korea."""
        url = str(self.response.url)
        is_text = self.is_text
        board_id = self._safe("board_id", self._getter("board_id")) or url
        record = ArticleRecord(
            source=self.source,
            board_id=str(board_id),
            extractor_version=self.extractor_version,
            url=(self._safe("url", self._getter("canonical_url")) if is_text else None) or url,
        )
        if is_text:
            record.title = self._text("title", self._getter("title"))
            record.author = self._text("author", self._getter("author"))
            record.department = self._text("department", self._getter("department"))
            reference = page_day(self.response) or today or datetime.now(KOREA).date()
            published = self._safe("published", self._getter("published"))
            record.published = self._refused("published", published, date_problem(published, reference))
            views = self._safe("views", self._getter("views"))
            record.views = self._refused("views", views, count_problem(views))
            fragment = self._safe("body", self._getter("body_html_fragment"))
            if fragment:
                text, html = self._safe("body", lambda: self.cleaned_body(fragment, url), (None, None))
                record.body_text, record.body_html = text or None, html or None
            record.attachments = [
                replace(a, name=strip_controls(a.name))
                for a in self._safe("attachments", self._getter("attachments"), [])
            ]
        else:
            declared = self.response.headers.get("Content-Type") or ""
            self.errors["page"] = f"not an HTML page ({declared or 'no Content-Type'})"
        record.issue_month, record.headline = split_issue(record.title)
        text = "\n".join(filter(None, [record.title, record.body_text]))
        undecodable = language_problem(text)
        if undecodable:
            self.errors["language"] = undecodable
            record.language, record.language_probability = None, None
        else:
            record.language, record.language_probability = detect(text)
        record.missing_fields = [
            f for f in RECORD_FIELDS if getattr(record, f) in (None, "") and f not in self.never_printed
        ]
        record.field_problems = dict(self.errors)
        return record
