"""Saving parsed articles: insert or update on (source, board_id), plus a view observation, the
article's source and monthly bulletin, and a revision when its title or body changed."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import Engine, Table, bindparam, event, select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.times import utc

from .models import Article, ArticleRevision, Attachment, Bulletin, Capture, Source, ViewObservation, table_of


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
    department: str | None = None
    published: date | None = None
    views: int | None = None
    body_text: str | None = None
    body_html: str | None = None
    language: str | None = None
    language_probability: float | None = None
    missing_fields: list[str] = field(default_factory=list)
    # field -> why it was left empty though the page printed something: a value refused as
    # impossible ("negative count (-5)"), an extraction error, undecodable text ("language").
    field_problems: dict[str, str] = field(default_factory=dict)
    attachments: list[AttachmentRecord] = field(default_factory=list)
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_record_id: str | None = None
    captured_at: datetime | None = None
    extractor_version: str | None = None


_COPIED = (
    "url",
    "title",
    "issue_month",
    "headline",
    "author",
    "department",
    "published",
    "views",
    "body_text",
    "body_html",
    "language",
    "language_probability",
    "warc_file",
    "warc_offset",
    "warc_record_id",
    "extractor_version",
)


# --------------------------------------------------------------------------- content hash

# View counters: a label, an optional colon, a number ("조회수 123", "조회 : 1,234", "Views 87",
# "Hit 209", "Hits: 12").
_VIEW_COUNTER = r"(?:조회수|조회|\b(?:views?|hits?)\b)\s*[:：]?\s*\d[\d,]*"
# Last-updated stamps: a label, an optional colon, a date Y.M.D (separators . - / or 년 월 일),
# optionally a time ("최종업데이트 2025.12.12", "최종 수정일: 2025-12-12 14:03", "수정일 2025년 12월
# 12일", "Last updated 2025/12/12", "Updated: 2025.12.12 09:30:15").
_UPDATED_STAMP = (
    r"(?:최종\s*업데이트|최종\s*수정일?|수정일|업데이트|\blast\s+(?:updated|modified)\b|\bupdated\b)"
    r"\s*[:：]?\s*\d{4}\s*[./\-년]\s*\d{1,2}\s*[./\-월]\s*\d{1,2}\s*[.일]?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
)
# The lookahead rejects most positions at once: four times faster on a body without matches.
_VOLATILE = re.compile(f"(?=[조최수업vhlu])(?:{_VIEW_COUNTER}|{_UPDATED_STAMP})", re.IGNORECASE)


def normalized_content(text: str | None) -> str:
    """Text as the content hash sees it: volatile parts removed, whitespace collapsed.

    Removed (case-insensitive, anywhere in the text):

    - view counters: 조회수 / 조회 / Views / View / Hits / Hit, an optional ':' and a number
      with optional thousands commas ("조회수 1,234", "Views 87", "Hit 209");
    - last-updated stamps: 최종업데이트 / 최종 업데이트 / 최종수정 / 최종 수정일 / 수정일 /
      업데이트 / Last updated / Last modified / Updated, an optional ':' and a date written
      Y.M.D, Y-M-D, Y/M/D or Y년 M월 D일, with an optional time H:MM or H:MM:SS
      ("최종업데이트 2025.12.12", "Updated: 2025-12-12 09:30").

    Then every run of whitespace (spaces, tabs, newlines, paragraph breaks) becomes one space
    and the ends are stripped. None counts as the empty text. Nothing else is ignored: any
    other change of a word, a number or punctuation is a new revision.
    """
    if not text:
        return ""
    return " ".join(_VOLATILE.sub(" ", text).split())


def content_hash(title: str | None, body_text: str | None) -> str:
    """sha256 (hex) of the normalized title, a newline, and the normalized body
    (see normalized_content): what tells an article's revisions apart."""
    both = normalized_content(title) + "\n" + normalized_content(body_text)
    return hashlib.sha256(both.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- saving


def save_article(session: Session, record: ArticleRecord, seen_at: datetime) -> tuple[Article, bool]:
    """Insert or update the article; returns (row, created). The caller commits.

    Nothing is flushed here, so a batch of articles goes to the database in one commit; rows
    saved since the last commit are found again through `session.info`, not by flushing and
    querying (storage.database.db.session clears that map on commit, so memory stays flat).

    Also: the source's row exists and spans `seen_at` (Source); the article points at its
    monthly bulletin (issue month, else published month; none without either), made when new;
    a revision is added when the hash of the title and body (content_hash) is new for the
    article, else that revision's last_seen moves. Sources and bulletins are looked up once per
    session (cached in `session.info`); a new one is inserted at once, ON CONFLICT DO NOTHING
    (on PostgreSQL in a short transaction of its own, so concurrent crawlers never wait on each
    other's batches for it). A stored article costs one lookup of its revision.
    """
    key = (record.source, record.board_id)
    pending: dict = session.info.setdefault("articles_by_key", {})
    row = pending.get(key)
    if row is None and record.board_id in _stored_ids(session, record.source):
        with session.no_autoflush:
            row = session.exec(select(Article).where(Article.source == key[0], Article.board_id == key[1])).first()
    created = row is None
    if row is None:
        row = Article(
            source=record.source, board_id=record.board_id, url=record.url, first_seen=seen_at, last_seen=seen_at
        )
        session.add(row)
        _stored_ids(session, record.source).add(record.board_id)
    pending[key] = row
    for name in _COPIED:
        setattr(row, name, getattr(record, name))
    row.missing_fields = ",".join(record.missing_fields) or None
    row.field_problems = field_problems_json(record.field_problems)
    row.last_seen = seen_at
    _span(_source_row(session, record.source), seen_at)
    month = bulletin_month(record.issue_month, record.published)
    row.bulletin_id = _bulletin_id(session, record.source, month) if month else None
    _revise(session, row, record, seen_at, created)
    _merge_attachments(row, record.attachments)
    new_capture = bool(
        record.warc_record_id
        and record.warc_file
        and record.warc_offset is not None
        and (created or not _captured(session, record.warc_record_id))
    )
    # One observation per capture: re-parsing a stored capture observes nothing new.
    if record.views is not None and (new_capture or not record.warc_record_id):
        _insert_later(session, row, table_of(ViewObservation), {"observed_at": seen_at, "views": record.views})
    if new_capture:
        assert record.warc_file and record.warc_offset is not None and record.warc_record_id  # new_capture
        _insert_later(
            session,
            row,
            table_of(Capture),
            {
                "url": record.url,
                "warc_file": record.warc_file,
                "warc_offset": record.warc_offset,
                "warc_record_id": record.warc_record_id,
                "captured_at": record.captured_at,
            },
        )
    return row, created


def field_problems_json(problems: dict[str, str]) -> str | None:
    """The `field_problems` column: a JSON object field -> reason, keys sorted; None when empty."""
    return json.dumps(problems, ensure_ascii=False, sort_keys=True) if problems else None


def register_source(
    session: Session, name: str, description: str | None = None, base_url: str | None = None, at: datetime | None = None
) -> Source:
    """The source's row, made if new; description and base URL are set when given, and its
    crawl span extended to `at` (default now: a crawl starting). The caller commits."""
    row = _source_row(session, name)
    if description is not None:
        row.description = description
    if base_url is not None:
        row.base_url = base_url
    _span(row, at or datetime.now(timezone.utc))
    return row


def bulletin_month(issue_month: str | None, published: date | None) -> str | None:
    """The bulletin an article belongs to: its issue month, else the month it was published."""
    if issue_month:
        return issue_month
    return f"{published.year:04d}-{published.month:02d}" if published else None


def _span(row: Source, seen_at: datetime) -> None:
    if row.first_crawled is None or utc(seen_at) < utc(row.first_crawled):
        row.first_crawled = seen_at
    if row.last_crawled is None or utc(seen_at) > utc(row.last_crawled):
        row.last_crawled = seen_at


def _insert_missing(session: Session, table: Table, values: dict, conflict: list[str]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: on PostgreSQL in a short transaction of its own (a
    concurrent crawler inserting the same row in its batch would otherwise hold this one up,
    or deadlock with it), on SQLite in the session's."""
    bind = session.get_bind()
    statement: postgresql.Insert | sqlite.Insert
    if bind.dialect.name == "postgresql":
        statement = postgresql.insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict)
        if isinstance(bind, Engine):
            with bind.begin() as connection:
                connection.execute(statement)
            return
    else:
        statement = sqlite.insert(table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    with session.no_autoflush:
        session.execute(statement)


def _source_row(session: Session, name: str) -> Source:
    """The Source row of `name` (made if missing), cached for the session."""
    cache: dict = session.info.setdefault("sources", {})
    row = cache.get(name)
    if row is None:
        with session.no_autoflush:
            row = session.exec(select(Source).where(Source.name == name)).first()
            if row is None:
                _insert_missing(session, table_of(Source), {"name": name}, ["name"])
                row = session.exec(select(Source).where(Source.name == name)).one()
        cache[name] = row
    return row


def _bulletin_id(session: Session, source: str, month: str) -> int:
    """The id of the (source, month) bulletin, made if missing. A source's bulletins are read
    in one query the first time the session meets it, and new ones added to that cache."""
    cache: dict = session.info.setdefault("bulletins", {})
    key = (source, month)
    found = cache.get(key)
    if found is None:
        loaded: set = session.info.setdefault("bulletins_loaded", set())
        with session.no_autoflush:
            if source not in loaded:
                query = sa_select(col(Bulletin.month), col(Bulletin.id)).where(col(Bulletin.source) == source)
                cache.update(((source, m), i) for m, i in session.execute(query))
                loaded.add(source)
                found = cache.get(key)
            if found is None:
                _source_row(session, source)  # the bulletin's foreign key
                _insert_missing(session, table_of(Bulletin), {"source": source, "month": month}, ["source", "month"])
                found = session.execute(
                    sa_select(col(Bulletin.id)).where(col(Bulletin.source) == source, col(Bulletin.month) == month)
                ).scalar_one()
        cache[key] = found
    return found


@dataclass
class _NewRow:
    """A row of one of an article's tables (revision, view observation, capture), inserted once
    the article has an id (_write_new_rows)."""

    article: Article
    table: Table
    values: dict  # but article_id
    written: bool = False


def _insert_later(session: Session, article: Article, table: Table, values: dict) -> _NewRow:
    """Insert a row of `table` for `article` once the article has an id: at the session's next
    flush, or when it commits (a commit with no ORM change to flush skips the flush, and its
    rows would go with the batch: before_commit writes them). Such rows are not ORM objects:
    building and flushing one costs as much as saving the article itself, and SQLite cannot
    batch INSERTs whose generated ids the ORM must read back (SQLAlchemy then inserts row by
    row); here each table's waiting rows go in one executemany."""
    row = _NewRow(article, table, values)
    session.info.setdefault("rows_new", []).append(row)
    if not session.info.get("row_writer"):
        if not event.contains(session, "after_flush", _write_new_rows):
            event.listen(session, "after_flush", _write_new_rows)
        if not event.contains(session, "before_commit", _write_new_rows):
            event.listen(session, "before_commit", _write_new_rows)
        session.info["row_writer"] = True
    return row


def _revise(session: Session, row: Article, record: ArticleRecord, seen_at: datetime, created: bool) -> None:
    """A new revision for content not seen for this article, else move the known one's span.

    New revisions are not ORM objects: they are inserted at the next flush (_insert_later)."""
    digest = content_hash(record.title, record.body_text)
    pending: dict = session.info.setdefault("revisions_by_key", {})
    key = (record.source, record.board_id, digest)
    revision = pending.get(key)
    if isinstance(revision, _NewRow) and revision.written:
        revision = None  # inserted by an earlier flush of this batch: read it back
    if revision is None and not created and row.id is not None:
        with session.no_autoflush:
            revision = session.exec(
                select(ArticleRevision).where(
                    ArticleRevision.article_id == row.id, ArticleRevision.content_hash == digest
                )
            ).first()
    if revision is None:
        revision = _insert_later(
            session,
            row,
            table_of(ArticleRevision),
            {
                "content_hash": digest,
                "title": record.title,
                "body_text": record.body_text,
                "first_seen": seen_at,
                "last_seen": seen_at,
                "warc_file": record.warc_file,
                "warc_offset": record.warc_offset,
                "warc_record_id": record.warc_record_id,
                "extractor_version": record.extractor_version,
            },
        )
    else:
        span = revision.values if isinstance(revision, _NewRow) else None
        first = span["first_seen"] if span else revision.first_seen
        last = span["last_seen"] if span else revision.last_seen
        earlier = utc(seen_at) < utc(first)  # a re-parse of an older capture
        changes: dict[str, object] = {}
        if utc(seen_at) > utc(last):
            changes["last_seen"] = seen_at
        if earlier:
            changes["first_seen"] = seen_at
            if record.warc_record_id:
                changes.update(
                    warc_file=record.warc_file,
                    warc_offset=record.warc_offset,
                    warc_record_id=record.warc_record_id,
                    extractor_version=record.extractor_version,
                )
        if span is not None:
            span.update(changes)
        else:
            for name, value in changes.items():
                setattr(revision, name, value)
    pending[key] = revision


def _write_new_rows(session: Session, _flush_context=None) -> None:
    """after_flush and before_commit: insert the waiting rows whose articles have ids, one
    statement a table (at a commit, its flush writes the others, whose articles it inserts)."""
    waiting = session.info.get("rows_new")
    if not waiting:
        return
    ready: dict[Table, list[_NewRow]] = {}
    for r in waiting:
        if r.article.id is not None:
            ready.setdefault(r.table, []).append(r)
    for table, rows in ready.items():
        session.connection().execute(table.insert(), [{"article_id": r.article.id, **r.values} for r in rows])
        for r in rows:
            r.written = True
    session.info["rows_new"] = [r for r in waiting if not r.written]


def _captured(session: Session, record_id: str) -> bool:
    """Whether a capture is already stored (re-parsing the same WARC record adds none)."""
    capture = table_of(Capture)
    waiting = session.info.get("rows_new", ())
    if any(r.table is capture and r.values["warc_record_id"] == record_id for r in waiting):
        return True
    with session.no_autoflush:
        stored = session.exec(select(Capture.id).where(Capture.warc_record_id == record_id)).first()
    return stored is not None


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
            known[att.url] = Attachment(
                name=att.name,
                url=att.url,
                size=att.size,  # type: ignore[call-arg]  # article_id: set from `article` at flush
                content_type=att.content_type,
            )
            row.attachments.append(known[att.url])
        else:
            existing.name = att.name
            # A size measured from the download beats the one printed on the page.
            existing.size = existing.size if existing.size is not None else att.size
            existing.content_type = existing.content_type or att.content_type


# Made once, as each download runs it; the rows are then taken from the session's identity map
# when there (most often: the article was saved in this batch or the one before).
_ATTACHMENTS_AT = sa_select(col(Attachment.id)).where(col(Attachment.url) == bindparam("url"))


def record_download(
    session: Session, url: str, size: int | None, content_type: str | None, record: tuple[str, int, str] | None = None
) -> int:
    """Store a downloaded attachment on every row that links it: its real size and type (a 304
    brings neither: the archived ones stay) and, with `record` (WARC file, offset, record id),
    the WARC record that archives it."""
    with session.no_autoflush:
        stored = session.connection().execute(_ATTACHMENTS_AT, {"url": url}).scalars().all()
        rows = [row for row in (session.get(Attachment, row_id) for row_id in stored) if row is not None]
    rows += [a for a in session.new if isinstance(a, Attachment) and a.url == url]
    for att in rows:
        if size is not None:
            att.size = size
        att.content_type = content_type or att.content_type
        if record is not None:
            att.warc_file, att.warc_offset, att.warc_record_id = record
    return len(rows)


def any_article_url(session: Session, source: str) -> str | None:
    """The URL of one stored article of the source, or None."""
    return session.exec(select(Article.url).where(Article.source == source).limit(1)).first()


def stored_dates(session: Session, source: str, *, archived_only: bool = True) -> dict[str, date | None]:
    """Board id -> published date of every stored article of the source (incremental crawls).

    Only those with a WARC record count (`archived_only`): an article is done when its page is
    archived and its row points at it, so one stored without (its record cut off a torn file by
    the archive repair) is fetched again.

    An article without a date (none printed, or an implausible one: 2099, 1900) counts from the
    day it was first stored, so it is not "recent" forever and fetched again every night."""
    query = select(Article.board_id, col(Article.published), col(Article.first_seen)).where(Article.source == source)
    if archived_only:
        query = query.where(col(Article.warc_record_id).is_not(None))
    return {
        board_id: published or (first_seen.date() if first_seen else None)
        for board_id, published, first_seen in session.exec(query).all()
    }


def record_listing_views(session: Session, source: str, board_id: str, views: int, seen_at: datetime) -> bool:
    """A count read off a listing row: update the article and extend its series, if stored."""
    pending: dict = session.info.setdefault("articles_by_key", {})
    row = pending.get((source, board_id))
    if row is None:
        with session.no_autoflush:
            row = session.exec(select(Article).where(Article.source == source, Article.board_id == board_id)).first()
    if row is None:
        return False
    row.views, row.last_seen = views, seen_at
    _insert_later(session, row, table_of(ViewObservation), {"observed_at": seen_at, "views": views})
    return True
