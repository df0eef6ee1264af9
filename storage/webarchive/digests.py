"""The payload digest index: where each non-HTML payload was archived in full.

One row per full response record (never per revisit): revisit records refer to these, so replay
finds the payload, and their ETag / Last-Modified make the next fetch of the URL conditional.
Rows are added to the session and committed by the caller, in batches; lookups also see the rows
not committed yet, without flushing them (a flush would hold SQLite's write lock until commit).
"""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select as sa_select
from sqlmodel import Session, col, select

from storage.database.models import PayloadDigest
from .warc import RecordLocation, warc_date


# Made once: it runs for every attachment a crawl archives. Built with the ORM's select() each
# time, the query cost 0.4-0.5 CPU ms, SQLite's part of it 0.03.
_FIRST_WITH_DIGEST = (
    sa_select(col(PayloadDigest.id))
    .where(col(PayloadDigest.digest) == bindparam("digest"))
    .order_by(col(PayloadDigest.id))
    .limit(1)
)


def first_with_digest(session: Session, digest: str) -> PayloadDigest | None:
    """The earliest full record holding this payload, or None."""
    with session.no_autoflush:
        stored = session.connection().execute(_FIRST_WITH_DIGEST, {"digest": digest}).scalar()
        found = session.get(PayloadDigest, stored) if stored is not None else None
    if found is not None:
        return found
    pending = [row for row in _pending(session) if row.digest == digest]
    return min(pending, key=lambda row: row.warc_date, default=None)


def latest_for_url(session: Session, url: str) -> PayloadDigest | None:
    """The newest full record of this URL, or None."""
    pending = [row for row in _pending(session) if row.url == url]
    if pending:
        return max(pending, key=lambda row: row.warc_date)
    with session.no_autoflush:
        return session.exec(
            select(PayloadDigest).where(PayloadDigest.url == url).order_by(col(PayloadDigest.id).desc()).limit(1)
        ).first()


def urls_with_validators(session: Session) -> set[str]:
    """URLs archived in full with an ETag or a Last-Modified: those worth a conditional fetch."""
    with session.no_autoflush:
        return set(
            session.exec(
                select(PayloadDigest.url)
                .distinct()
                .where(or_(col(PayloadDigest.etag).is_not(None), col(PayloadDigest.last_modified).is_not(None)))
            )
        )


def remember(
    session: Session, url: str, location: RecordLocation, *, etag: str | None = None, last_modified: str | None = None
) -> PayloadDigest:
    """Index the full response record just written at `location` (the caller commits)."""
    if location.payload_digest is None or location.captured_at is None:
        raise ValueError(f"{location} lacks the payload digest or the capture time")
    row = PayloadDigest(
        digest=location.payload_digest,
        url=url,
        warc_record_id=location.record_id,
        warc_date=warc_date(location.captured_at),
        warc_file=location.filename,
        warc_offset=location.offset,
        etag=etag,
        last_modified=last_modified,
    )
    session.add(row)
    return row


def _pending(session: Session) -> list[PayloadDigest]:
    return [row for row in session.new if isinstance(row, PayloadDigest)]
