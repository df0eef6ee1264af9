"""`bulletins db ...`: the database schema's version, and upgrades (storage.database.schema)."""

from __future__ import annotations

import sys

import click
from sqlalchemy.engine import make_url

from storage.database import schema
from storage.config import sqlite_path
from storage.database.db import check_url

from . import fail, main
from .options import database_url_option


@main.group()
def db():
    """The database schema: which version it is at, and upgrades.

    Every command refuses a database older than this version of bulletin-archiver until
    `bulletins db upgrade` has brought it up to date.
    """


def existing_database(url: str) -> str:
    check_url(url)  # a URL that cannot be used: one line (StorageError), not a traceback
    path = sqlite_path(url)
    if path is not None and not path.exists():
        fail(f"no database at {path}")
    return url


@db.command()
@database_url_option
def current(database_url):
    """Print the schema revision of the database, and whether it needs an upgrade."""
    click.echo(schema.database_state(existing_database(database_url)).describe())


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
    if before.versioned and before.revision == head:
        click.echo(f"already at {head} (head): nothing to do")
    else:
        start = "empty" if before.empty else before.revision + (
            "" if before.versioned else " (no version recorded)")
        click.echo(f"upgraded: {start} -> {head} (head)")
