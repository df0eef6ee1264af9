"""Saving parsed articles: insert or update on (source, board_id), plus a view observation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from .models import Article, Attachment, Capture, ViewObservation


@dataclass
class AttachmentRecord:
    name: str
    url: str
    size: int | None = None
    content_type: str | None = None


@dataclass
class ArticleRecord:
    """What a parser hands to storage; plain data, so storage needs nothing from the crawler."""

    source: str
    board_id: str
    url: str
    title: str | None = None
    issue_month: str | None = None
    headline: str | None = None
    author: str | None = None
    published: date | None = None
    views: int | None = None
    body_text: str | None = None
    body_html: str | None = None
    language: str | None = None
    language_probability: float | None = None
    missing_fields: list[str] = field(default_factory=list)
    attachments: list[AttachmentRecord] = field(default_factory=list)
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_record_id: str | None = None
    captured_at: datetime | None = None
    extractor_version: str | None = None


_COPIED = (
    "url", "title", "issue_month", "headline", "author", "published", "views", "body_text",
    "body_html", "language", "language_probability", "warc_file", "warc_offset", "warc_record_id",
    "extractor_version",
)


def save_article(session: Session, record: ArticleRecord, seen_at: datetime) -> tuple[Article, bool]:
    """Insert or update the article; returns (row, created). The caller commits.

    Nothing is flushed here, so a batch of articles goes to the database in one commit; rows
    saved since the last commit are found again through `session.info`, not by flushing and
    querying (storage.db.session clears that map on commit, so memory stays flat).
    """
    key = (record.source, record.board_id)
    pending: dict = session.info.setdefault("articles_by_key", {})
    row = pending.get(key)
    if row is None and record.board_id in _stored_ids(session, record.source):
        with session.no_autoflush:
            row = session.exec(
                select(Article).where(Article.source == key[0], Article.board_id == key[1])
            ).first()
    created = row is None
    if row is None:
        row = Article(source=record.source, board_id=record.board_id, url=record.url,
                      first_seen=seen_at, last_seen=seen_at)
        session.add(row)
        _stored_ids(session, record.source).add(record.board_id)
    pending[key] = row
    for name in _COPIED:
        setattr(row, name, getattr(record, name))
    row.missing_fields = ",".join(record.missing_fields) or None
    row.last_seen = seen_at
    _merge_attachments(row, record.attachments)
    new_capture = bool(record.warc_record_id and record.warc_file and record.warc_offset is not None
                       and (created or not _captured(session, record.warc_record_id)))
    # One observation per capture: re-parsing a stored capture observes nothing new.
    if record.views is not None and (new_capture or not record.warc_record_id):
        session.add(ViewObservation(article=row, observed_at=seen_at, views=record.views))
    if new_capture:
        session.add(Capture(article=row, url=record.url, warc_file=record.warc_file,
                            warc_offset=record.warc_offset, warc_record_id=record.warc_record_id,
                            captured_at=record.captured_at))
    return row, created


def _captured(session: Session, record_id: str) -> bool:
    """Whether a capture is already stored (re-parsing the same WARC record adds none)."""
    with session.no_autoflush:
        stored = session.exec(select(Capture.id).where(Capture.warc_record_id == record_id)).first()
    return stored is not None or any(
        isinstance(c, Capture) and c.warc_record_id == record_id for c in session.new)


def _stored_ids(session: Session, source: str) -> set[str]:
    """Board ids of the source already in the database, read once per session: a first crawl
    then costs no lookup per article."""
    cache: dict = session.info.setdefault("stored_ids", {})
    if source not in cache:
        cache[source] = set(session.exec(select(Article.board_id).where(Article.source == source)))
    return cache[source]


def _merge_attachments(row: Article, found: list[AttachmentRecord]) -> None:
    known = {a.url: a for a in row.attachments}
    for att in found:
        existing = known.get(att.url)
        if existing is None:
            known[att.url] = Attachment(name=att.name, url=att.url, size=att.size,
                                        content_type=att.content_type)
            row.attachments.append(known[att.url])
        else:
            existing.name = att.name
            # A size measured from the download beats the one printed on the page.
            existing.size = existing.size if existing.size is not None else att.size
            existing.content_type = existing.content_type or att.content_type


def record_download(session: Session, url: str, size: int, content_type: str | None) -> int:
    """Store the real size and type of a downloaded attachment on every row that links it."""
    with session.no_autoflush:
        rows = list(session.exec(select(Attachment).where(Attachment.url == url)).all())
    rows += [a for a in session.new if isinstance(a, Attachment) and a.url == url]
    for att in rows:
        att.size = size
        att.content_type = content_type or att.content_type
    return len(rows)


def any_article_url(session: Session, source: str) -> str | None:
    """The URL of one stored article of the source, or None."""
    return session.exec(select(Article.url).where(Article.source == source).limit(1)).first()


def stored_dates(session: Session, source: str) -> dict[str, date | None]:
    """Board id -> published date of every stored article of the source (incremental crawls)."""
    return dict(session.exec(select(Article.board_id, Article.published).where(Article.source == source)).all())


def record_listing_views(session: Session, source: str, board_id: str, views: int,
                         seen_at: datetime) -> bool:
    """A count read off a listing row: update the article and extend its series, if stored."""
    pending: dict = session.info.setdefault("articles_by_key", {})
    row = pending.get((source, board_id))
    if row is None:
        with session.no_autoflush:
            row = session.exec(select(Article).where(Article.source == source,
                                                     Article.board_id == board_id)).first()
    if row is None:
        return False
    row.views, row.last_seen = views, seen_at
    session.add(ViewObservation(article=row, observed_at=seen_at, views=views))
    return True
