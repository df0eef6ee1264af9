"""`bulletins db ...`: the database schema's version, and upgrades (storage.database.schema)."""

from __future__ import annotations

import sys

import click
from sqlalchemy.engine import Engine, make_url

from storage.database import schema
from storage.config import StorageError, sqlite_path
from storage.config import database_url as configured_database_url
from storage.database.db import check_url, make_reader

from . import fail, main

database_url_option = click.option(
    "--database-url", envvar="BULLETINS_DATABASE_URL", default=None,
    help="SQLAlchemy URL [env BULLETINS_DATABASE_URL; default sqlite:///data/bulletins.sqlite]")


@main.group()
def db():
    """The database schema: which version it is at, and upgrades.

    Every command refuses a database older than this version of bulletin-archiver until
    `bulletins db upgrade` has brought it up to date.
    """


def existing_database(database_url: str | None) -> str:
    url = configured_database_url(database_url)
    check_url(url)  # a URL that cannot be used: one line (StorageError), not a traceback
    path = sqlite_path(url)
    if path is not None and not path.exists():
        fail(f"no database at {path}")
    return url


def reader(database_url: str | None) -> Engine:
    """An engine for a command that only reads: read access is all it needs (storage.database.db.make_reader);
    no database there, or one that cannot be read, is a one-line error."""
    try:
        return make_reader(configured_database_url(database_url))
    except StorageError as exc:
        fail(str(exc))


@db.command()
@database_url_option
def current(database_url):
    """Print the schema revision of the database, and whether it needs an upgrade."""
    url = existing_database(database_url)
    try:
        click.echo(schema.database_state(url).describe())
    except StorageError as exc:
        fail(str(exc))


@db.command()
@database_url_option
def upgrade(database_url):
    """Upgrade the database to the current schema, in one transaction.

    Back the database up first (for SQLite: copy the file while nothing writes to it). A
    database made by the first release, which records no version, is recognized by its tables.
    Prints the revisions from and to; upgrading a database already at the current schema does
    nothing. Exits 1 when a migration fails (the database is then unchanged), 2 when the
    database cannot be used.
    """
    url = existing_database(database_url)
    click.echo(f"database: {make_url(url).render_as_string(hide_password=True)}")
    try:
        before, head = schema.upgrade(url)
    except schema.UpgradeFailed as exc:
        click.echo(f"bulletins: error: {exc}", err=True)
        sys.exit(1)
    except StorageError as exc:
        fail(str(exc))
    if before.versioned and before.revision == head:
        click.echo(f"already at {head} (head): nothing to do")
    else:
        start = "empty" if before.empty else before.revision + (
            "" if before.versioned else " (no version recorded)")
        click.echo(f"upgraded: {start} -> {head} (head)")
