"""Which capture to replay (the newest of each source, or the one an article row was parsed from),
and its replay URL on the wayback server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from storage.webarchive import provenance
from storage.database.models import Article, Capture
from storage.webarchive.warc import read_record

from . import ReplayError
from .collection import COLLECTION


def replay_url(base_url: str, captured_at: datetime, url: str, modifier: str = "") -> str:
    """``BASE/bulletins/TS/URL`` of the wayback server at base_url (see storage.webarchive.provenance)."""
    return provenance.replay_url(f"{base_url}/{COLLECTION}", captured_at, url, modifier)


@dataclass(frozen=True)
class CaptureRef:
    source: str
    article_id: int
    url: str
    captured_at: datetime


def newest_captures(db: Session) -> list[CaptureRef]:
    """The newest article capture of each source, by source name."""
    newest = (select(Article.source, func.max(Capture.captured_at).label("at"))
              .join(Capture, Capture.article_id == Article.id)
              .group_by(Article.source).subquery())
    rows = db.exec(select(Article.source, Article.id, Capture.url, Capture.captured_at)
                   .join(Capture, Capture.article_id == Article.id)
                   .join(newest, (newest.c.source == Article.source)
                         & (newest.c.at == Capture.captured_at))
                   .order_by(Article.source, Capture.id.desc())).all()
    seen: dict[str, CaptureRef] = {}
    for source, article_id, url, at in rows:
        seen.setdefault(source, CaptureRef(source, article_id, url, at))
    return list(seen.values())


def article_capture(db: Session, article_id: int, warc_dir: Path) -> CaptureRef:
    """The capture an article row was parsed from (its warc_record_id); ReplayError if none."""
    article = db.get(Article, article_id)
    if article is None:
        raise ReplayError(f"no article with id {article_id}")
    if not article.warc_record_id:
        raise ReplayError(f"article {article_id} has no WARC record")
    capture = db.exec(select(Capture).where(Capture.warc_record_id == article.warc_record_id)).first()
    if capture is not None and capture.captured_at is not None:
        return CaptureRef(article.source, article.id, capture.url, capture.captured_at)
    # A row stored before captures were recorded: the record itself holds the time.
    try:
        record = read_record(warc_dir, article.warc_file, article.warc_offset)
    except (OSError, ValueError) as error:
        raise ReplayError(f"article {article_id}: cannot read its WARC record: {error}") from None
    at = datetime.strptime(record.date[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return CaptureRef(article.source, article.id, record.target_uri or article.url, at)
