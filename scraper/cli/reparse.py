"""`bulletins reparse`: the page objects again over the WARC files; no network, no Scrapy reactor."""

from __future__ import annotations

import sys

import click

from . import fail, main
from .options import database_url_option, since_option, source_option, warc_dir_option


@main.command()
@source_option("Only the WARC files of this source.")
@since_option("Only captures made from this month on: by capture date (UTC), not by article date.")
@click.option("--rebuild", is_flag=True,
              help="Fill an EMPTY database from the WARC files alone (refused if it holds articles).")
@click.option("--redetect", is_flag=True,
              help="Detect every language again, even of texts unchanged since they were stored "
                   "(after a change to language detection).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Parsing processes [default: the number of CPUs; 1 = in this process].")
@database_url_option
@warc_dir_option()
def reparse(source, since, rebuild, redetect, jobs, database_url, warc_dir):
    """Parse the archived article pages again and update the database.

    Prints which fields changed, per article (row id) and per field, and the extractor version
    the rows now carry. Exits 0 when done; 1 when a WARC file could not be read to its end (named,
    with the byte where a damaged one stops holding whole records: what came before it is
    reparsed, the rest is not); 2 on a usage error (unknown source, no WARC file, --rebuild into
    a database that holds articles).
    """
    from scraper.archive.reparse.run import ReparseError, reparse as run_reparse

    try:
        report = run_reparse(database_url, warc_dir,
                             source=source, since=since, rebuild=rebuild, jobs=jobs,
                             redetect=redetect)
    except ReparseError as exc:
        fail(str(exc))
    click.echo("\n".join(report.summary_lines()))
    if report.unread_files:
        sys.exit(1)
