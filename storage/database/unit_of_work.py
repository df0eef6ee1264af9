"""The one write path of a process: every write goes through one session, committed in batches.

A crawl has several writers (the storage pipeline, the capture middleware's digest index, the run
records, the ledger of unfinished URLs); each of them holding a session of its own made SQLite's
single write lock wait on itself from the one reactor thread until the busy timeout, and a
session whose flush failed was never rolled back, so every later write failed with
PendingRollbackError. Here there is one session, and each write is a function kept until its
batch is committed:

- writes run at once against the session (rows added, nothing committed);
- every `commit_every` writes (and when a caller asks) the batch is committed;
- a write or a commit that fails rolls the session back and replays the batch one write per
  commit, so only the write at fault is lost; `on_failure(label, error)` names it, and the
  session stays usable.

Reads go through the same session (`read`), so they see the batch's rows and never wait on a
lock this process holds.

Several crawls of one process share one unit of work (scraper.crawl.database): each write may carry
its own `on_failure`, so a write lost is reported to the crawl it belongs to, whichever crawl's
commit found the fault.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from .db import session as open_session

log = logging.getLogger(__name__)

# SQLAlchemy's errors, and what drivers raise unwrapped (sqlite3: OverflowError for a huge int):
# whatever one write does, the others are kept.
WRITE_ERRORS = (Exception,)


@dataclass
class _Write:
    run: Callable[[Session], Any]
    label: str
    on_commit: Callable[[Any], None] | None = None
    on_failure: Callable[[Any, BaseException], None] | None = None
    result: Any = None


@dataclass
class UnitOfWork:
    """Writes of one process into one database, batched; see the module's docstring."""

    engine: Engine
    commit_every: int = 200
    on_failure: Callable[[str, BaseException], None] | None = None
    session: Session = field(init=False)
    batch: list[_Write] = field(init=False, default_factory=list)
    failures: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.session = open_session(self.engine)

    def write(
        self,
        run: Callable[[Session], Any],
        *,
        label: Any,
        on_commit: Callable[[Any], None] | None = None,
        on_failure: Callable[[Any, BaseException], None] | None = None,
    ) -> None:
        """Run `run(session)` now and keep it in the batch; `on_commit(result)` once committed.
        `label` names the write when it fails (a URL, a run); `on_failure(label, error)` is told
        then (the unit's own `on_failure` when the write names none)."""
        write = _Write(run, label, on_commit, on_failure)
        self.batch.append(write)
        try:
            write.result = run(self.session)
        except WRITE_ERRORS:  # may come from flushing an earlier write of the batch
            self._replay()
            return
        if len(self.batch) >= self.commit_every:
            self.commit()

    def read(self, run: Callable[[Session], Any]) -> Any:
        """`run(session)` on the batch's session: it sees the rows not committed yet."""
        return run(self.session)

    def commit(self) -> None:
        """Commit the batch (replayed one write per commit if the commit fails)."""
        if not self.batch:
            return
        try:
            self.session.commit()
        except WRITE_ERRORS:
            self._replay()
            return
        self._committed(self.batch)
        self.batch = []

    def close(self) -> None:
        self.commit()
        self.session.close()

    @property
    def pending(self) -> int:
        return len(self.batch)

    def _committed(self, writes: list[_Write]) -> None:
        for write in writes:
            if write.on_commit is not None:
                write.on_commit(write.result)

    def _replay(self) -> None:
        """The batch is lost with the rollback: write it again one commit per write, so only the
        write at fault is lost, and it is named."""
        self.session.rollback()
        batch, self.batch = self.batch, []
        for write in batch:
            try:
                write.result = write.run(self.session)
                self.session.commit()
            except WRITE_ERRORS as error:
                self.session.rollback()
                self.failures += 1
                log.error("not stored: %s: %s", getattr(write.label, "url", write.label), one_line(error))
                report = write.on_failure or self.on_failure
                if report is not None:
                    report(write.label, error)
                continue
            self._committed([write])


def one_line(error: BaseException, limit: int | None = 200) -> str:
    """`Type: first line of the message`, at most `limit` characters of it (None: all of it)."""
    lines = str(error).splitlines()
    return f"{type(error).__name__}: {(lines[0] if lines else '')[:limit]}"
