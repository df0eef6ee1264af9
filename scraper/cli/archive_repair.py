"""`bulletins archive repair`: close the WARC files a killed crawl left open, fix rows into them."""

from __future__ import annotations

import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from storage.config import StorageError
from storage.config import database_url as configured_database_url
from storage.config import warc_dir as configured_warc_dir
from storage.webarchive.repair import repair_directory

from . import fail
from .archive import archive


@archive.command()
@click.option("--warc-dir", envvar="BULLETINS_WARC_DIR", default=None,
              help="Folder of the WARC files [env BULLETINS_WARC_DIR; default ./data/warc]")
@click.option("--database-url", envvar="BULLETINS_DATABASE_URL", default=None,
              help="SQLAlchemy URL [env BULLETINS_DATABASE_URL; default sqlite:///data/bulletins.sqlite]")
@click.option("--all", "verify_all", is_flag=True,
              help="Also read every finished file and check every row (slow); damage found there "
                   "is reported, not cut.")
def repair(warc_dir, database_url, verify_all):
    """Cut torn records from files a killed crawl left open (NAME.warc.gz.open), close them, and
    move or clear database rows that point at records no longer on disk.

    Safe at any time and idempotent: files a running crawl writes are skipped. Prints one line per
    thing done. Exits 0; with --all, 1 when damage was found and left as it is.
    """
    folder = configured_warc_dir(warc_dir)
    if not folder.is_dir():
        fail(f"no WARC folder at {folder}")
    try:
        report = repair_directory(folder, configured_database_url(database_url), verify_all=verify_all)
    except (StorageError, SQLAlchemyError, OSError) as exc:
        fail(str(exc).splitlines()[0])
    for line in report.lines():
        click.echo(line)
    sys.exit(1 if report.problems else 0)

