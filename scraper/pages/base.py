"""What every board's page objects share: field-by-field extraction that never raises."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from scrapy.http import Response, TextResponse

from ..fields import split_issue
from ..html_text import clean_fragment
from ..items import ArticleRecord, AttachmentRecord
from ..language import detect_language

log = logging.getLogger(__name__)

mimetypes.add_type("application/x-hwp", ".hwp")
mimetypes.add_type("application/haansofthwpx", ".hwpx")

RECORD_FIELDS = ("title", "author", "published", "views", "body_text")


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


class ArticlePageBase:
    """Turns a view page into an ArticleRecord. Subclasses define the field methods.

    Each field method may return None or raise: either way the field is recorded as missing,
    the rest of the article is kept.
    """

    source: str = ""
    version: int = 1  # bump when the fields this page object extracts change

    def __init__(self, response: Response):
        self.response = response
        self.errors: dict[str, str] = {}

    @property
    def extractor_version(self) -> str:
        """Stored with each article, so a reparse knows which rows an extractor change touches."""
        return f"{type(self).__module__.rsplit('.', 1)[-1]}/{self.version}"

    # Fields this board never prints: not missing when absent.
    never_printed: tuple[str, ...] = ()

    # Field methods to override.
    def board_id(self) -> str: raise NotImplementedError
    def canonical_url(self) -> str: return self.response.url
    def title(self) -> str | None: return None
    def author(self) -> str | None: return None
    def department(self) -> str | None: return None
    def published(self) -> date | None: return None
    def views(self) -> int | None: return None
    def body_html_fragment(self) -> str | None: return None
    def attachments(self) -> list[AttachmentRecord]: return []

    def _safe(self, name: str, method: Callable[[], Any], default: Any = None) -> Any:
        try:
            return method()
        except Exception as exc:  # a broken field must never lose the page
            self.errors[name] = f"{type(exc).__name__}: {exc}"
            log.debug("field %s failed on %s", name, self.response.url, exc_info=True)
            return default

    def to_item(self, detect: Callable[[str], tuple[str | None, float | None]] = detect_language
                ) -> ArticleRecord:
        """The article; `detect` judges the language of title + body (reparse passes one that
        reuses the stored answer for a text it has seen)."""
        is_text = isinstance(self.response, TextResponse)
        board_id = self._safe("board_id", self.board_id) or self.response.url
        record = ArticleRecord(source=self.source, board_id=str(board_id),
                               extractor_version=self.extractor_version,
                               url=(self._safe("url", self.canonical_url) if is_text else None)
                               or self.response.url)
        if is_text:
            record.title = self._safe("title", self.title)
            record.author = self._safe("author", self.author)
            record.department = self._safe("department", self.department)
            record.published = self._safe("published", self.published)
            record.views = self._safe("views", self.views)
            fragment = self._safe("body", self.body_html_fragment)
            if fragment:
                text, html = self._safe("body", lambda: clean_fragment(fragment, self.response.url),
                                        (None, None))
                record.body_text, record.body_html = text or None, html or None
            record.attachments = self._safe("attachments", self.attachments, [])
        else:
            self.errors["page"] = f"not an HTML page ({self.response.headers.get('Content-Type')})"
        record.issue_month, record.headline = split_issue(record.title)
        record.language, record.language_probability = detect(
            "\n".join(filter(None, [record.title, record.body_text])))
        record.missing_fields = [f for f in RECORD_FIELDS if getattr(record, f) in (None, "")
                                 and f not in self.never_printed]
        return record
