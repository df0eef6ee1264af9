"""Engine and sessions."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from . import models  # noqa: F401  (registers the tables)
from .config import StorageError, ensure_writable_dir, sqlite_path
from .schema import check_schema

_pg_engines: dict[str, Engine] = {}


def make_engine(url: str) -> Engine:
    """An engine on a database at the current schema (a new one is created, an older one refused);
    for SQLite, the folder is created and checked first."""
    if url.startswith("postgresql"):
        return _postgres_engine(url)
    path = sqlite_path(url)
    if path is not None:
        ensure_writable_dir(path.parent.resolve(), "database")
    engine = create_engine(url)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    _create_tables(engine)
    return engine


def _create_tables(engine: Engine) -> None:
    """Tables for a new database; an older schema is refused in one line (storage.schema).
    Several crawlers may start at once on one database: the check runs under a lock."""
    try:
        check_schema(engine)
    except OperationalError as exc:  # no server there, wrong password, a file that is no database
        engine.dispose()
        reason = (str(exc.orig or exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StorageError(f"cannot open the database {engine.url.render_as_string(hide_password=True)}: "
                           f"{reason}") from None
    except Exception:
        engine.dispose()
        raise


def _postgres_engine(url: str) -> Engine:
    """One engine (one connection pool) per server URL and process: the crawl's components each
    ask for an engine, and a pool apiece would hold a dozen idle server connections per crawler.

    Sessions run in UTC whatever the server's zone, so SQL sees the days and hours SQLite shows
    (its datetimes are UTC wall time): a `timestamptz` is cast, printed and compared with zoneless
    literals in the session's zone.
    """
    engine = _pg_engines.get(url)
    if engine is not None:
        return engine
    # libpq drivers (psycopg, psycopg2) take server options at connect time
    engine = create_engine(url, pool_pre_ping=True, connect_args={"options": "-c TimeZone=UTC"})
    _create_tables(engine)
    _pg_engines[url] = engine
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
    db.info.pop("revisions_by_key", None)
    db.info.pop("revisions_new", None)


def _forget_all(db: Session) -> None:
    """After a rollback nothing cached about this session's rows can be trusted."""
    db.info.clear()
