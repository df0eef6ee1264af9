"""The ledger of unfinished URLs: what a crawl discovered but could not archive and store.

A failed URL gets a row (source, kind, url) with the reason, kept across runs with its number of
attempts; the next plain crawl of the source fetches it again (storage.database.unfinished.to_retry), and
the row is deleted once the URL is done: an article stored with its WARC record, an attachment
archived (response or revisit record), a listing page read in a complete walk. Attachments are
done only with a WARC record, so those linked by stored articles but never archived (a crawl
killed while they downloaded) are retried as well, without a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from .models import Article, Attachment, Unfinished

KINDS = ("listing", "article", "attachment")


@dataclass(frozen=True)
class Failure:
    """One URL of a run left unfinished, and why."""

    url: str
    reason: str
    kind: str = "article"
    board_id: str | None = None


@dataclass(frozen=True)
class Discovered:
    """A URL the crawl is writing about (the label of its writes: a lost write names it)."""

    url: str
    kind: str = "article"
    board_id: str | None = None

    def __str__(self) -> str:
        return self.url


@dataclass(frozen=True)
class Retry:
    """A URL an earlier run left unfinished: fetch it again."""

    kind: str
    url: str
    board_id: str | None = None


def record_failures(
    session: Session, source: str, failures: Iterable[Failure], run_id: int | None, at: datetime
) -> int:
    """Add or update the ledger's rows for a run's failures (the caller commits); returns how many
    distinct URLs were left unfinished."""
    latest: dict[tuple[str, str], Failure] = {}
    for failure in failures:
        latest[(failure.kind, failure.url)] = failure
    if not latest:
        return 0
    known = {(row.kind, row.url): row for row in session.exec(select(Unfinished).where(Unfinished.source == source))}
    for key, failure in latest.items():
        row = known.get(key)
        if row is None:
            session.add(
                Unfinished(
                    source=source,
                    kind=failure.kind,
                    url=failure.url,
                    board_id=failure.board_id,
                    reason=failure.reason,
                    attempts=1,
                    first_failed=at,
                    last_failed=at,
                    run_id=run_id,
                )
            )
        else:
            row.reason, row.last_failed, row.run_id = failure.reason, at, run_id
            row.attempts += 1
            row.board_id = failure.board_id or row.board_id
    return len(latest)


def finished(session: Session, source: str, kind: str, urls: Iterable[str]) -> None:
    """These URLs are done: their rows go (the caller commits)."""
    urls = list(urls)
    if urls:
        session.execute(
            delete(Unfinished).where(
                col(Unfinished.source) == source, col(Unfinished.kind) == kind, col(Unfinished.url).in_(urls)
            )
        )


def finished_listings(session: Session, source: str) -> None:
    """A complete walk read every listing page it needed: no listing page is unfinished."""
    session.execute(delete(Unfinished).where(col(Unfinished.source) == source, col(Unfinished.kind) == "listing"))


def to_retry(session: Session, source: str, *, archived: bool = True) -> list[Retry]:
    """What the next plain crawl of the source fetches again: its unfinished articles and
    attachments and, when crawls archive (`archived`), its stored articles whose row points at
    no WARC record (cut off a torn file by the archive repair) and the attachments of its
    articles that were never archived."""
    retries = [
        Retry(row.kind, row.url, row.board_id)
        for row in session.exec(
            select(Unfinished)
            .where(Unfinished.source == source, Unfinished.kind != "listing")
            .order_by(col(Unfinished.id))
        )
    ]
    seen = {(r.kind, r.url) for r in retries}
    if not archived:
        return retries
    for url, board_id in session.exec(
        select(Article.url, Article.board_id)
        .where(Article.source == source, col(Article.warc_record_id).is_(None))
        .order_by(col(Article.id))
    ):
        if ("article", url) not in seen:
            seen.add(("article", url))
            retries.append(Retry("article", url, board_id))
    never_archived = session.exec(
        select(Attachment.url)
        .join(Article, col(Attachment.article_id) == col(Article.id))
        .where(Article.source == source, col(Attachment.warc_record_id).is_(None))
        .distinct()
    )
    for url in never_archived:
        if ("attachment", url) not in seen:
            seen.add(("attachment", url))
            retries.append(Retry("attachment", url))
    return retries


def unfinished_urls(session: Session, source: str) -> set[tuple[str, str]]:
    """(kind, url) of the source's ledger rows."""
    return set(session.exec(select(Unfinished.kind, Unfinished.url).where(Unfinished.source == source)))
