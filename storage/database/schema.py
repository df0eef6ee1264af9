"""The database schema's version: create, check and upgrade it with the Alembic migrations.

The migrations live in storage/database/migrations (configured here in code: no alembic.ini). Rules:

- an empty database gets every table at once (create_all) and is stamped at the head revision;
- a database at the head revision is used as it is;
- an older one (an older revision, or no recorded revision but the first release's tables) is
  refused with a one-line StorageError until `bulletins db upgrade` (`upgrade(url)`) is run:
  never upgraded silently, as a backup may be wanted first.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, create_engine, event, inspect, pool, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import SQLModel

from . import models  # noqa: F401  (registers the tables)
from storage.config import StorageError

if TYPE_CHECKING:  # Alembic is imported where a migration, a stamp or a comparison needs it
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST = "0001"
# The newest migration's revision (tests/test_migrations.py checks it is the scripts' head). A
# database at it is opened without Alembic: importing it and reading the scripts cost a crawl
# 0.12-0.14 s of start-up, more than the rest of the check.
HEAD = "0007"
# SQLite: the revision before the search index's table of waiting articles (0007)
BEFORE_PER_COMMIT_INDEX = "0006"
# Detecting a database of the first release (before migrations): its tables and columns.
FIRST_RELEASE_COLUMNS = {
    "article": {
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
        "body_text",
        "body_html",
        "language",
        "language_probability",
        "missing_fields",
        "first_seen",
        "last_seen",
        "warc_file",
        "warc_offset",
        "warc_record_id",
    },
    "attachment": {"id", "article_id", "name", "url", "size", "content_type"},
    "viewobservation": {"id", "article_id", "observed_at", "views"},
}
PG_SCHEMA_LOCK = 0x62756C6C  # "bull"
OUTDATED = "the database schema is older than this version of bulletin-archiver: run `bulletins db upgrade`"


class UpgradeFailed(StorageError):
    """A migration failed; the database was left as it was (one transaction)."""


@dataclass(frozen=True)
class State:
    """Where a database stands: `revision` is the recorded Alembic revision, or the one an
    unversioned database is taken for (`versioned` False); None for an empty database."""

    revision: str | None
    versioned: bool

    @property
    def empty(self) -> bool:
        return self.revision is None

    def describe(self) -> str:
        head = head_revision()
        if self.revision is None:  # empty
            return "none (empty database)"
        if not is_known(self.revision):
            return f"{self.revision} (newer than this version of bulletin-archiver, whose head is {head})"
        notes = (
            []
            if self.versioned
            else [
                "no version recorded: "
                + ("made before migrations" if self.revision == head else "made by the first release")
            ]
        )
        if self.revision == head:
            notes.append("head")
        else:
            notes.append(f"older than {head}: run `bulletins db upgrade`")
        return f"{self.revision} ({'; '.join(notes)})"


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@cache
def scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    return HEAD


def is_known(revision: str) -> bool:
    from alembic.util.exc import CommandError

    try:
        return scripts().get_revision(revision) is not None
    except CommandError:
        return False


def migration_engine(url: str) -> Engine:
    """An engine for migrations: no pool; on SQLite every transaction really BEGINs (pysqlite
    otherwise leaves DDL outside it) and takes the write lock at once, so an upgrade is atomic
    and a crawl cannot slip in between two steps. Foreign keys stay off (batch table copies)."""
    engine = create_engine(url, poolclass=pool.NullPool)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _no_implicit_transactions(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection):
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def read_state(connection: Connection) -> State:
    """The database's State; StorageError when it holds some of our tables in a shape we do not
    know (neither versioned nor the first release's)."""
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables:  # the table Alembic keeps its revisions in
        heads = tuple(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        if len(heads) > 1:
            raise StorageError(f"the database records several schema revisions ({', '.join(heads)})")
        if heads:
            return State(heads[0], True)
    ours = sorted(tables & set(SQLModel.metadata.tables))
    if not ours:
        return State(None, False)
    if not _has_first_release_tables(connection):
        raise StorageError(
            f"the database has tables named like bulletin-archiver's ({', '.join(ours)}) "
            "but no schema version and not those of its first release: not upgradable"
        )
    if differences(connection):
        return State(FIRST, False)
    if connection.dialect.name == "sqlite" and models.SEARCH_PENDING_TABLE not in tables:
        # the models' tables, the search's structures of before 0007 (alembic's comparison
        # leaves those aside): stamped 0006 by `bulletins db upgrade`, which then runs 0007
        return State(BEFORE_PER_COMMIT_INDEX, False)
    return State(head_revision(), False)


def _has_first_release_tables(connection: Connection) -> bool:
    found = inspect(connection)
    tables = set(found.get_table_names())
    return all(
        name in tables and columns <= {c["name"] for c in found.get_columns(name)}
        for name, columns in FIRST_RELEASE_COLUMNS.items()
    )


# SQLAlchemy cannot reflect SQLite's expression indexes (the search's ix_article_*_tail) and
# says so while reflecting `article`; include_name leaves them aside anyway.
EXPRESSION_INDEX_WARNING = "Skipped unsupported reflection of expression-based index"


def include_name(name: str | None, type_: str, parent_names) -> bool:
    """For alembic's comparison: leave aside the search structures that are not models
    (storage.database.models.SQLITE_SEARCH_DDL / POSTGRES_SEARCH_DDL: the FTS5 table, its shadow tables,
    expression and trigram indexes), which migration 0003 and create_all make alike."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(models.SEARCH_TABLE_PREFIX)
    if type_ == "index":
        return name not in models.SEARCH_INDEXES
    return True


def differences(connection: Connection) -> list:
    """What `alembic check` would report between the database and the models, ignoring tables
    that are not ours (other tools may keep theirs in the same database) and the search
    structures (include_name)."""

    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    def ours(obj, name, type_, reflected, compare_to):
        return not (type_ == "table" and reflected and compare_to is None)

    context = MigrationContext.configure(connection, opts={"include_object": ours, "include_name": include_name})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=EXPRESSION_INDEX_WARNING)
        return compare_metadata(context, SQLModel.metadata)


def check_schema(engine: Engine) -> None:
    """For make_engine: create an empty database at head, accept one at head, refuse the rest.

    A database with today's tables but no recorded version (made before migrations existed)
    only gets the version stamp: its schema does not change."""
    with engine.connect() as connection:
        state = read_state(connection)
        if _needs_stamp(state):
            connection.rollback()
            connection.begin()
            lock(connection)  # two processes starting on one new database: the second waits
            state = read_state(connection)
            if _needs_stamp(state):
                if state.empty:
                    SQLModel.metadata.create_all(connection)
                stamp_head(connection)
                connection.commit()
                return
    assert state.revision is not None  # an empty database was stamped above
    if state.revision != head_revision():
        raise StorageError(OUTDATED if is_known(state.revision) else newer(state.revision))
    if engine.dialect.name == "sqlite":
        _index_leftovers(engine)


def _index_leftovers(engine: Engine) -> None:
    """Articles a writer outside the ORM left waiting for the search index are indexed when a
    writer opens the database (storage.database.models.index_pending indexes the rest at each
    commit). A read finds none most often; only then is the write lock taken, and on failure (a
    busy database) they wait for the next writer."""
    try:
        with engine.connect() as connection:
            if not models.waiting(connection):
                return
            connection.rollback()
            lock(connection)
            if models.index_leftovers(connection):
                log.info("indexed the articles left waiting for the search index")
            connection.commit()
    except DBAPIError as exc:
        log.warning("articles left waiting for the search index stay so: %s", one_line(exc))


# The table Alembic records the revision in, as Alembic makes it (tests/test_migrations.py
# compares the two): a new database is stamped without importing Alembic (0.1-0.2 s of a first
# crawl's start-up), as one at head is opened without it.
_VERSION_TABLE = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def stamp_head(connection: Connection) -> None:
    """Record HEAD as the database's revision (Alembic's `stamp head` on a database it has not
    stamped before). The caller commits."""
    _VERSION_TABLE.create(connection, checkfirst=True)
    connection.execute(_VERSION_TABLE.delete())
    connection.execute(_VERSION_TABLE.insert().values(version_num=HEAD))


def _needs_stamp(state: State) -> bool:
    return not state.versioned and (state.empty or state.revision == head_revision())


def newer(revision: str) -> str:
    return (
        f"the database schema ({revision}) is newer than this version of bulletin-archiver: "
        "install a newer bulletin-archiver"
    )


def lock(connection: Connection) -> None:
    """Hold the schema lock until the connection's transaction ends: SQLite's write lock, or a
    PostgreSQL advisory lock (the key storage.database.db used around create_all before migrations)."""
    if connection.dialect.name == "sqlite":
        dbapi_connection = connection.connection.dbapi_connection
        assert dbapi_connection is not None  # None only once the connection is invalidated
        if not dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # pysqlite would begin only at an INSERT
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_SCHEMA_LOCK})


def database_state(url: str) -> State:
    """The State of the database at `url`, changing nothing."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return read_state(connection)
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot read the database: {one_line(exc)}") from None
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    """The recorded revision, or the one an unversioned database is taken for; None if empty."""
    return database_state(url).revision


def upgrade(url: str) -> tuple[State, str]:
    """Bring the database to the head revision in one transaction; returns (before, head).

    An unversioned first-release database is stamped 0001 first; an empty one gets every
    migration; one already at head is left alone.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.util.exc import CommandError

    head = head_revision()
    engine = migration_engine(url)
    try:
        with engine.connect() as connection:
            connection.begin()
            lock(connection)
            before = read_state(connection)
            if before.revision is not None and not is_known(before.revision):
                raise StorageError(newer(before.revision))
            if before.versioned and before.revision == head:
                return before, head
            if not before.versioned and before.revision is not None:  # not empty
                MigrationContext.configure(connection).stamp(scripts(), before.revision)
            command.upgrade(alembic_config(connection), "head")
            connection.commit()
    except (SQLAlchemyError, CommandError) as exc:
        raise UpgradeFailed(f"upgrade failed, the database is unchanged: {one_line(exc)}") from None
    finally:
        engine.dispose()
    return before, head


def one_line(exc: Exception) -> str:
    reason = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(reason).strip().splitlines()
    return f"{type(reason).__name__}: {lines[0] if lines else ''}"
