"""Where an article came from: its captures in the WARC files, their replay URLs, its view series."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage.database.models import Article, Attachment, Capture, ViewObservation
from storage.times import iso, utc

REPLAY_BASE_ENV = "BULLETINS_REPLAY_BASE"
# pywb started as in the README (`wayback -p 8080`) over the collection "bulletins".
DEFAULT_REPLAY_BASE = "http://127.0.0.1:8080/bulletins"

ARTICLE_FIELDS = (
    "id",
    "source",
    "board_id",
    "url",
    "title",
    "issue_month",
    "headline",
    "author",
    "published",
    "views",
    "language",
    "language_probability",
    "missing_fields",
    "first_seen",
    "last_seen",
    "extractor_version",
    "warc_file",
    "warc_offset",
    "warc_record_id",
    "body_text",
    "body_html",
)


@dataclass(frozen=True)
class Provenance:
    article: Article
    attachments: list[Attachment]
    captures: list[Capture]  # oldest first
    views: list[ViewObservation]  # oldest first

    def parsed_from(self, capture: Capture) -> bool:
        """Whether the article's current values were parsed from this capture."""
        return capture.warc_record_id == self.article.warc_record_id


def replay_base(explicit: str | None = None) -> str:
    """--replay-base, else $BULLETINS_REPLAY_BASE, else the README's local pywb."""
    return (explicit or os.environ.get(REPLAY_BASE_ENV) or DEFAULT_REPLAY_BASE).rstrip("/")


def replay_url(base: str, captured_at: datetime | None, url: str, modifier: str = "") -> str:
    """BASE/<14-digit UTC timestamp>/URL: pywb and ReplayWeb.page open the capture nearest that
    second. Without a capture time, BASE/*/URL lists every capture of the URL. A modifier such
    as ``id_`` (the archived bytes) or ``mp_`` (the page without the frame) follows the stamp."""
    stamp = utc(captured_at).strftime("%Y%m%d%H%M%S") if captured_at else "*"
    return f"{base.rstrip('/')}/{stamp}{modifier}/{url}"


def find_article(db: Session, ref: str) -> Article | None:
    """An article by row id ("1149") or by SOURCE:BOARD_ID ("gyeonggi-en:1187")."""
    ref = ref.strip()
    if ref.isdigit():
        return db.get(Article, int(ref))
    source, colon, board_id = ref.partition(":")
    if not (colon and source and board_id):
        raise ValueError(f"expected a row id or SOURCE:BOARD_ID, got {ref!r}")
    return db.exec(select(Article).where(Article.source == source, Article.board_id == board_id)).first()


def provenance(db: Session, article: Article) -> Provenance:
    captures = db.exec(
        select(Capture).where(Capture.article_id == article.id).order_by(col(Capture.captured_at), col(Capture.id))
    ).all()
    views = db.exec(
        select(ViewObservation)
        .where(ViewObservation.article_id == article.id)
        .order_by(col(ViewObservation.observed_at), col(ViewObservation.id))
    ).all()
    return Provenance(article, list(article.attachments), list(captures), list(views))


def as_dict(p: Provenance, base: str) -> dict:
    """JSON-ready: the article's columns, attachments, captures with replay URLs, view series."""
    article = {name: getattr(p.article, name) for name in ARTICLE_FIELDS}
    for name in ("published", "first_seen", "last_seen"):
        article[name] = iso(article[name])
    article["attachments"] = [
        {"name": a.name, "url": a.url, "size": a.size, "content_type": a.content_type} for a in p.attachments
    ]
    return {
        "article": article,
        "captures": [
            {
                "captured_at": iso(c.captured_at),
                "warc_file": c.warc_file,
                "warc_offset": c.warc_offset,
                "warc_record_id": c.warc_record_id,
                "url": c.url,
                "replay_url": replay_url(base, c.captured_at, c.url),
                "parsed_from": p.parsed_from(c),
            }
            for c in p.captures
        ],
        "views": [{"observed_at": iso(o.observed_at), "views": o.views} for o in p.views],
    }
