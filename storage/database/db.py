"""Engine and sessions: `make_engine` for the crawl and other writers, `make_reader` for the
commands that only read (search, export, show, report)."""

from __future__ import annotations

import logging
import sqlite3
from functools import partial
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event, pool
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlmodel import Session, create_engine

from . import models  # noqa: F401  (registers the tables)
from storage.config import StorageError, ensure_writable_dir, sqlite_path
from .schema import OUTDATED, check_schema, head_revision, is_known, newer, read_state

log = logging.getLogger(__name__)

_pg_engines: dict[str, Engine] = {}
BACKENDS = ("sqlite", "postgresql")


class NoDatabase(StorageError):
    """Nothing to read: no database file there, or a database without our tables."""


def check_url(url: str) -> URL:
    """The database URL parsed, with its dialect and driver at hand; a StorageError in one line
    for one that cannot be parsed (`:::`), names no dialect SQLAlchemy knows (`foo://`) or whose
    driver is not installed (`postgresql+psycopg2://` without psycopg2)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        shown = f" {url!r}" if "@" not in url else ""  # a password may be in there: not echoed
        raise StorageError(
            f"cannot parse the database URL{shown}: expected sqlite:///FILE or postgresql+psycopg://USER@HOST/DATABASE"
        ) from None
    shown = parsed.render_as_string(hide_password=True)
    try:
        dialect = parsed.get_dialect()
    except NoSuchModuleError:
        dialect = None
    if dialect is None or parsed.get_backend_name() not in BACKENDS:
        raise StorageError(
            f"unsupported database URL {shown}: bulletin-archiver stores into "
            "sqlite:///FILE or postgresql+psycopg://USER@HOST/DATABASE"
        ) from None
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        raise StorageError(
            f"cannot use the database URL {shown}: its driver {exc.name or exc} is not "
            "installed (for PostgreSQL: pip install psycopg, URL postgresql+psycopg://…)"
        ) from None
    return parsed


def make_engine(url: str) -> Engine:
    """An engine on a database at the current schema (a new one is created, an older one refused);
    for SQLite, the folder is created and checked first."""
    if check_url(url).get_backend_name() == "postgresql":
        return _postgres_engine(url)
    path = sqlite_path(url)
    if path is not None:
        ensure_writable_dir(path.parent.resolve(), "database")
    engine = create_engine(url)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    _create_tables(engine)
    return engine


def make_reader(url: str) -> Engine:
    """An engine that only reads, for commands that only read: it needs read access alone.

    SQLite is opened read-only (`mode=ro`): nothing is created, no folder checked for writing;
    PostgreSQL sessions are read-only transactions. The schema is checked, never created nor
    upgraded: a database that does not exist, is empty, is not a database or is at another
    schema version is a StorageError in one line.
    """
    parsed = check_url(url)
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is None:
            raise StorageError("an in-memory database holds nothing to read: give a database file")
        if not path.is_file():
            raise NoDatabase(f"no database at {path}")
        engine = create_engine(
            "sqlite://", creator=partial(_connect_read_only, path.resolve()), poolclass=pool.NullPool
        )
    elif backend == "postgresql":
        engine = create_engine(
            url,
            poolclass=pool.NullPool,
            connect_args={"options": "-c TimeZone=UTC -c default_transaction_read_only=on"},
        )
    else:
        engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            state = read_state(connection)
    except DBAPIError as exc:
        raise _cannot_open(shown, exc) from None
    finally:
        engine.dispose()  # NullPool: nothing kept; the engine connects again when used
    if state.revision is None:  # empty
        raise NoDatabase(f"the database {shown} holds no bulletin-archiver tables: nothing to read (a crawl fills it)")
    if state.revision != head_revision():
        raise StorageError(OUTDATED if is_known(state.revision) else newer(state.revision))
    return engine


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the SQLite file at `path` (absolute).

    A database in WAL mode (ours are) is readable read-only while its -wal and -shm files exist
    or can be made; in a folder the reader may not write, after the last writer closed (which
    removes them), they cannot: no -wal file means no connection is writing, and the file is then
    read as immutable."""
    uri = "file:" + quote(str(path))
    connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
    try:
        connection.execute("PRAGMA schema_version").fetchone()  # opens the file (and the WAL) now
    except sqlite3.OperationalError:
        connection.close()
        if Path(f"{path}-wal").exists():
            raise
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    except BaseException:
        connection.close()
        raise
    return connection


def _cannot_open(where: str, exc: DBAPIError) -> StorageError:
    """No server there, a wrong password, a file that is not a database: one line."""
    reason = (str(exc.orig or exc).strip().splitlines() or [type(exc).__name__])[0]
    return StorageError(f"cannot open the database {where}: {reason}")


def _create_tables(engine: Engine) -> None:
    """Tables for a new database; an older schema is refused in one line (storage.database.schema).
    Several crawlers may start at once on one database: the check runs under a lock."""
    try:
        check_schema(engine)
    except DBAPIError as exc:  # no server there, wrong password, a file that is no database
        engine.dispose()
        raise _cannot_open(engine.url.render_as_string(hide_password=True), exc) from None
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
    left = db.info.pop("rows_new", None)
    if left:  # storage.database.articles writes them at the commit: none may be left behind
        log.error("%d waiting row(s) not written at commit: %s", len(left), [r.table.name for r in left])


def _forget_all(db: Session) -> None:
    """After a rollback nothing cached about this session's rows can be trusted."""
    db.info.clear()
