"""Crawl run records: one row per crawl, opened at the start, closed at the end."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timezone

from sqlmodel import Session, col, select

from .models import CrawlRun


def start_run(
    session: Session,
    source: str,
    options: str | None = None,
    *,
    commit: bool = True,
    host: str | None = None,
    pid: int | None = None,
) -> CrawlRun:
    """A `running` row for a crawl starting now; committed at once unless `commit` is False (a
    unit of work commits it), so a killed crawl leaves its row `running` (see mark_killed)."""
    run = CrawlRun(source=source, started_at=datetime.now(timezone.utc), options=options, host=host, pid=pid)
    session.add(run)
    if commit:
        session.commit()
    else:
        session.flush()  # its id
    return run


def finish_run(session: Session, run_id: int, *, commit: bool = True, **fields) -> CrawlRun:
    run = session.get(CrawlRun, run_id)
    assert run is not None, f"no crawl run {run_id}"
    for name, value in fields.items():
        setattr(run, name, value)
    run.finished_at = datetime.now(timezone.utc)
    if commit:
        session.commit()
    return run


def last_run_complete(session: Session, source: str, before: int | None = None) -> bool:
    """Whether the newest run of the source (before run `before`: the asking crawl's own) finished
    a complete walk (a `running` one was killed or still runs).

    No run at all counts as complete: a database filled before run records existed (or by a
    rebuild) holds what those crawls stored.
    """
    query = select(CrawlRun).where(CrawlRun.source == source)
    if before is not None:
        query = query.where(col(CrawlRun.id) < before)
    last = session.exec(query.order_by(col(CrawlRun.id).desc()).limit(1)).first()
    return last is None or (last.status != "running" and last.complete)


def mark_killed(session: Session, source: str, host: str, alive: Callable[[int], bool]) -> list[int]:
    """Mark `killed` the source's `running` rows whose process is gone: rows of this host whose
    pid is not `alive`, and rows from before runs named their process. Rows of other hosts
    are left (their process may run: crawlers of one source share a frontier). The caller
    commits; returns the ids marked."""
    marked: list[int] = []
    for run in session.exec(select(CrawlRun).where(CrawlRun.source == source, CrawlRun.status == "running")):
        if run.host is None or (run.host == host and (run.pid is None or not alive(run.pid))):
            run.status = "killed"
            run.failure = "killed: the crawl process ended before the run did"
            assert run.id is not None  # a stored row
            marked.append(run.id)
    return marked


def process_alive(pid: int) -> bool:
    """Whether a process of this id runs on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
