"""Items the spiders yield. Articles use storage's plain record type, so nothing is mapped twice."""

from __future__ import annotations

from dataclasses import dataclass

from storage.database.articles import ArticleRecord, AttachmentRecord

__all__ = ["ArticleRecord", "AttachmentRecord", "AttachmentDownload", "ListingViews", "REQUIRED_FIELDS"]

# Fields whose absence means the page (or our page object) is broken, not just terse.
REQUIRED_FIELDS = ("title", "published", "body_text")


@dataclass
class AttachmentDownload:
    """An attachment fetched and archived: its real size and type (None for a 304: unchanged),
    and the WARC record that archives it (set by scraper.crawl.warc_pointer)."""

    url: str
    size: int | None
    content_type: str | None
    name: str | None = None  # from Content-Disposition, decoded (EUC-KR boards send raw bytes)
    source: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_record_id: str | None = None


@dataclass
class ListingViews:
    """A view count read off a listing row, for an article not fetched again (incremental)."""

    source: str
    board_id: str
    url: str
    views: int
