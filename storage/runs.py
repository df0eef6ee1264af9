"""Crawl run records: one row per crawl, opened at the start, closed at the end."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import Session, col, select

from .models import CrawlRun


def start_run(session: Session, source: str, options: str | None = None) -> int:
    run = CrawlRun(source=source, started_at=datetime.now(timezone.utc), options=options)
    session.add(run)
    session.commit()  # at once: a killed crawl leaves its row `running`
    return run.id


def finish_run(session: Session, run_id: int, **fields) -> CrawlRun:
    run = session.get(CrawlRun, run_id)
    for name, value in fields.items():
        setattr(run, name, value)
    run.finished_at = datetime.now(timezone.utc)
    session.commit()
    return run


def last_run_complete(session: Session, source: str) -> bool:
    """Whether the newest run of the source finished a complete walk (a `running` one was killed
    or still runs).

    No run at all counts as complete: a database filled before run records existed (or by a
    rebuild) holds what those crawls stored.
    """
    last = session.exec(select(CrawlRun).where(CrawlRun.source == source)
                        .order_by(col(CrawlRun.id).desc()).limit(1)).first()
    return last is None or (last.status != "running" and last.complete)
