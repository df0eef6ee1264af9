"""Engine and sessions."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from . import models  # noqa: F401  (registers the tables)
from .config import ensure_writable_dir, sqlite_path


def make_engine(url: str) -> Engine:
    """An engine with the tables created; for SQLite, the folder is created and checked first."""
    path = sqlite_path(url)
    if path is not None:
        ensure_writable_dir(path.parent.resolve(), "database")
    engine = create_engine(url)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    SQLModel.metadata.create_all(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def session(engine: Engine) -> Session:
    db = Session(engine, expire_on_commit=False)
    event.listen(db, "after_commit", _forget_pending)
    event.listen(db, "after_rollback", _forget_all)
    return db


def _forget_pending(db: Session) -> None:
    db.info.pop("articles_by_key", None)


def _forget_all(db: Session) -> None:
    """After a rollback nothing cached about this session's rows can be trusted."""
    db.info.clear()
