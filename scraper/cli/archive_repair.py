"""`bulletins archive repair`: close the WARC files a killed crawl left open, fix rows into them."""

from __future__ import annotations

import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from storage.config import StorageError
from storage.webarchive.repair import repair_directory

from . import fail
from .archive import archive
from .options import database_url_option, warc_dir_option


@archive.command()
@warc_dir_option(existing=True)
@database_url_option
@click.option("--all", "verify_all", is_flag=True,
              help="Also read every finished file and check every row (slow); damage found there "
                   "is reported, not cut.")
def repair(warc_dir, database_url, verify_all):
    """Cut torn records from files a killed crawl left open (NAME.warc.gz.open), close them, and
    move or clear database rows that point at records no longer on disk.

    Safe at any time and idempotent: files a running crawl writes are skipped. Prints one line per
    thing done. Exits 0; with --all, 1 when damage was found and left as it is.
    """
    try:
        report = repair_directory(warc_dir, database_url, verify_all=verify_all)
    except (StorageError, SQLAlchemyError, OSError) as exc:
        fail(str(exc).splitlines()[0])
    for line in report.lines():
        click.echo(line)
    sys.exit(1 if report.problems else 0)

