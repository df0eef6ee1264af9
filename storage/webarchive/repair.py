"""Crash repair of a WARC folder: close what a killed crawl left open, keep database rows honest.

kill -9 leaves the crawl's NAME.warc.gz.open behind, its last gzip member (one per record) maybe
torn. Repair keeps every complete record, cuts the rest, renames the file to NAME.warc.gz and,
given a database, deletes Capture and PayloadDigest rows and moves Article pointers that named a
record no longer on disk. Steps run in a crash-safe order (cut and fsync, fix rows and commit,
then rename), so an interrupted repair is finished by the next one.

Finished files are not read by default: the writer fsyncs a file before it gets its final name,
so a finished name means complete content, and repair stays cheap enough for every crawl start.
`verify_all=True` walks them too (reporting damage, never cutting) and checks every row.

A live writer is to hold an exclusive flock on its open file (the kernel drops it on kill -9);
repair skips files it cannot lock, so it may run while another crawl writes into the same folder.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from storage.config import sqlite_path
from storage.database.db import make_engine
from storage.database.models import Article, Capture, PayloadDigest
from .members import members, record_id
from .warc import OPEN_SUFFIX, finished_warcs, fsync_directory, open_warcs


@dataclass
class RowFixes:
    captures_deleted: int = 0
    digests_deleted: int = 0  # payload digest index rows (revisits must not refer to them)
    articles_moved: int = 0  # pointer moved to the article's newest remaining capture
    articles_cleared: int = 0  # no capture left: pointer set to NULL, the row itself kept

    def __bool__(self) -> bool:
        return any(vars(self).values())

    def add(self, other: RowFixes) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)

    def line(self) -> str:
        parts = [
            (self.captures_deleted, "capture row", "deleted"),
            (self.digests_deleted, "payload digest row", "deleted"),
            (self.articles_moved, "article", "pointed at its newest remaining capture"),
            (self.articles_cleared, "article", "left without a WARC pointer (no capture left)"),
        ]
        return "database: " + ", ".join(f"{n} {word}{'' if n == 1 else 's'} {what}" for n, word, what in parts if n)


@dataclass
class FileOutcome:
    name: str  # the final name (NAME.warc.gz), as database rows spell it
    action: str  # closed | removed | skipped | conflict | damaged
    records: int = 0  # complete records on disk afterwards
    bytes_cut: int = 0
    size: int = 0  # bytes before repair
    rows: RowFixes = field(default_factory=RowFixes)

    def line(self) -> str:
        name, open_name = self.name, self.name + OPEN_SUFFIX
        if self.action == "closed":
            cut = f"{self.bytes_cut} bytes after the last complete record cut" if self.bytes_cut else "nothing torn"
            return f"closed {name}: {self.records} complete records kept, {cut}"
        if self.action == "removed":
            return f"removed {open_name}: no complete record in its {self.size} bytes"
        if self.action == "skipped":
            return f"skipped {open_name}: a running crawl is writing it"
        if self.action == "conflict":
            return f"left {open_name} as it is: {name} exists too"
        return (
            f"damaged {name}: only its first {self.size - self.bytes_cut} of {self.size} bytes"
            f" hold complete records ({self.records}); left as it is"
        )


@dataclass
class RepairReport:
    directory: Path
    files: list[FileOutcome] = field(default_factory=list)
    rows: RowFixes = field(default_factory=RowFixes)
    notes: list[str] = field(default_factory=list)  # database notes, one line each
    problems: int = 0  # damage found and left for a human (verify_all only)

    @property
    def changed(self) -> bool:
        return bool(self.rows) or any(f.action in ("closed", "removed") for f in self.files)

    def lines(self) -> list[str]:
        lines = [f.line() for f in self.files]
        if self.rows:
            lines.append(self.rows.line())
        lines += self.notes
        return lines or [f"nothing to repair in {self.directory}"]


def repair_directory(
    warc_dir: Path | str, database_url: str | None = None, *, verify_all: bool = False
) -> RepairReport:
    """Repair every NAME.warc.gz.open in warc_dir and the rows pointing into it; idempotent."""
    directory = Path(warc_dir)
    if not directory.is_dir():
        raise FileNotFoundError(f"no WARC folder at {directory}")
    report = RepairReport(directory)
    database = _Database(database_url, report)
    try:
        open_files = open_warcs(directory)
        if open_files or verify_all:
            database.connect()  # a bad URL fails before any file is touched
        for path in open_files:
            outcome = _repair_open_file(path, database)
            if outcome is not None:
                report.files.append(outcome)
        if verify_all:
            _verify_finished(directory, database, report)
        if database.missing and (report.changed or verify_all):
            report.notes.append(f"database {database_url} not found: rows not checked")
    finally:
        database.dispose()
    return report


# --- complete records -------------------------------------------------------------------


def index_records(fh: BinaryIO) -> tuple[dict[int, str], int]:
    """{offset: record id} of the complete records at the start of fh, and where they end."""
    index, end = {}, 0
    for offset, length, data in members(fh):
        ident = record_id(data)
        if ident is None:
            break
        index[offset] = ident
        end = offset + length
    return index, end


# --- files ----------------------------------------------------------------------------------


def _repair_open_file(path: Path, database: _Database) -> FileOutcome | None:
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    try:
        fh = open(path, "r+b")
    except FileNotFoundError:  # its writer closed it since the folder was listed
        return None
    with fh:  # closing it drops the lock, after the rename
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return FileOutcome(final.name, "skipped")
        if not _still_named(path, fh):  # closed (renamed) by its writer before we locked it
            return None
        if final.exists():
            return FileOutcome(final.name, "conflict")
        size = os.fstat(fh.fileno()).st_size
        index, end = index_records(fh)
        if end < size:
            fh.truncate(end)
            os.fsync(fh.fileno())
        outcome = FileOutcome(final.name, "closed" if index else "removed", len(index), size - end, size)
        outcome.rows = database.fix_rows(final.name, index)
        if index:
            path.rename(final)
        else:
            path.unlink()
        fsync_directory(path.parent)
    return outcome


def _still_named(path: Path, fh: BinaryIO) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fh.fileno()).st_ino
    except FileNotFoundError:
        return False


def _verify_finished(directory: Path, database: _Database, report: RepairReport) -> None:
    """Walk every finished file, read only; check the rows of the sound ones."""
    walked = set()
    for path in finished_warcs(directory):
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            index, end = index_records(fh)
        walked.add(path.name)
        if end < size:
            report.files.append(FileOutcome(path.name, "damaged", len(index), size - end, size))
            report.problems += 1
        else:
            database.fix_rows(path.name, index)
    for name, count in database.rows_per_file().items():
        if name not in walked and not (directory / (name + OPEN_SUFFIX)).exists():
            report.notes.append(
                f"database: {count} rows point into {name}, which is not in {directory}; left as they are"
            )
            report.problems += 1


# --- database -------------------------------------------------------------------------------


_Located = TypeVar("_Located", Capture, PayloadDigest)


def _misplaced(db: Session, table: type[_Located], filename: str, index: dict[int, str]) -> list[_Located]:
    """Rows of `table` naming a record of `filename` that is not at their offset on disk."""
    return [
        row
        for row in db.exec(select(table).where(table.warc_file == filename)).all()
        if index.get(row.warc_offset) != row.warc_record_id
    ]


class _Database:
    """Opened only when there are files to repair, so a repair with nothing to do stays cheap."""

    def __init__(self, url: str | None, report: RepairReport):
        self.url, self.report = url, report
        self.engine: Engine | None = None
        self.missing = False

    def connect(self) -> Engine | None:
        if self.engine is None and self.url and not self.missing:
            path = sqlite_path(self.url)
            if path is not None and not path.exists():  # never create a database to repair it
                self.missing = True
                return None
            self.engine = make_engine(self.url)
        return self.engine

    def dispose(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def fix_rows(self, filename: str, index: dict[int, str]) -> RowFixes:
        """No row may name a record of `filename` that is not at its offset on disk; the fixes
        are added to the report's totals too."""
        fixes = RowFixes()
        engine = self.connect()
        if engine is None:
            return fixes
        with Session(engine) as db:
            for capture in _misplaced(db, Capture, filename, index):
                db.delete(capture)
                fixes.captures_deleted += 1
            for digest in _misplaced(db, PayloadDigest, filename, index):
                db.delete(digest)
                fixes.digests_deleted += 1
            db.flush()
            for article in db.exec(select(Article).where(Article.warc_file == filename)).all():
                offset = article.warc_offset
                if (index.get(offset) if offset is not None else None) == article.warc_record_id:
                    continue
                newest = db.exec(
                    select(Capture)
                    .where(Capture.article_id == article.id)
                    .order_by(col(Capture.captured_at).desc().nulls_last(), col(Capture.id).desc())
                ).first()
                if newest is None:
                    article.warc_file = article.warc_offset = article.warc_record_id = None
                    fixes.articles_cleared += 1
                else:
                    article.warc_file, article.warc_offset, article.warc_record_id = (
                        newest.warc_file,
                        newest.warc_offset,
                        newest.warc_record_id,
                    )
                    fixes.articles_moved += 1
                db.add(article)
            db.commit()
        self.report.rows.add(fixes)
        return fixes

    def rows_per_file(self) -> dict[str, int]:
        engine = self.connect()
        if engine is None:
            return {}
        counts: dict[str, int] = {}
        with Session(engine) as db:
            for table in (Article, Capture, PayloadDigest):
                query = (
                    select(table.warc_file, func.count())
                    .where(col(table.warc_file).is_not(None))
                    .group_by(table.warc_file)
                )
                for name, count in db.exec(query):
                    if name is not None:  # none is: the query leaves them out
                        counts[name] = counts.get(name, 0) + count
        return counts
