"""WARC files no package covers yet: those of killed runs, or of runs whose packaging failed.

A run's files are named in its crawlrun row (`warc_files`) with the WACZ that holds them
(`package`) when it ends. A run killed before that, or while packaging, leaves files that no
CDXJ index and no WACZ package cover; the next crawl of the source finds them here and packages
them, so the WACZ set covers every capture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, col, select

from storage.database.models import Article, Capture, CrawlRun
from storage.times import utc
from .wacz import Page

_STAMP = re.compile(r"-(\d{17})-\d{5}-")


@dataclass
class Unpackaged:
    """Closed WARC files of a source in no package, and the runs that wrote them (row id or
    None when no run row covers the file's time)."""

    files: list[Path] = field(default_factory=list)
    owners: dict[int | None, list[str]] = field(default_factory=dict)


def file_time(name: str) -> datetime | None:
    """When a file was started, from its IIPC name (storage.webarchive.warc.warc_filename)."""
    found = _STAMP.search(name)
    if found is None:
        return None
    return datetime.strptime(found.group(1)[:14], "%Y%m%d%H%M%S").replace(
        microsecond=int(found.group(1)[14:]) * 1000, tzinfo=UTC
    )


def source_files(directory: Path, prefix: str) -> list[Path]:
    """The closed WARC files a source's crawls wrote (names `prefix-STAMP-SERIAL-HOST.warc.gz`)."""
    pattern = re.compile(re.escape(prefix) + r"-\d{17}-\d{5}-[^/]*\.warc\.gz$")
    return sorted(p for p in Path(directory).glob(f"{prefix}-*.warc.gz") if pattern.fullmatch(p.name))


def unpackaged(session: Session, source: str, files: list[Path]) -> Unpackaged:
    """Which of `files` no package covers, by the run that wrote them; files of a run still
    `running` (another process of the source) are left to it."""
    runs = session.exec(select(CrawlRun).where(CrawlRun.source == source).order_by(col(CrawlRun.started_at))).all()
    covered = {name for run in runs if run.package for name in (run.warc_files or "").split(",") if name}
    found = Unpackaged()
    for path in files:
        if path.name in covered:
            continue
        started = file_time(path.name)
        owner = None
        for run in runs:
            if started is not None and utc(run.started_at) <= started:
                owner = run
        if owner is not None and owner.status == "running":
            continue
        found.files.append(path)
        found.owners.setdefault(owner.id if owner else None, []).append(path.name)
    return found


def pages_in(session: Session, names: list[str]) -> list[Page]:
    """pages.jsonl entries of the article captures in these WARC files."""
    # sqlmodel types select() for up to 4 columns only; it takes any number
    rows = session.exec(
        select(
            Capture.url,
            Capture.captured_at,
            Capture.warc_record_id,  # type: ignore[call-overload]
            Article.title,
            Article.body_text,
            Article.published,
        )
        .join(Article, Capture.article_id == Article.id)
        .where(col(Capture.warc_file).in_(names))
        .order_by(Capture.id)
    )
    return [
        Page(
            url=url,
            captured_at=utc(at),
            title=title,
            text=text,
            published=published,
            id=record_id.strip("<>").removeprefix("urn:uuid:"),
        )
        for url, at, record_id, title, text, published in rows
        if at is not None
    ]


def record_package(session: Session, owners: dict[int | None, list[str]], package: str) -> None:
    """The owning runs name their files and the package that now holds them (the caller commits)."""
    for run_id, names in owners.items():
        if run_id is None:
            continue
        run = session.get(CrawlRun, run_id)
        assert run is not None, f"crawl run {run_id} owns WARC files but has no row"
        known = [n for n in (run.warc_files or "").split(",") if n]
        run.warc_files = ",".join(known + [n for n in names if n not in known])
        run.package = package
