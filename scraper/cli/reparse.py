"""`bulletins reparse`: the page objects again over the WARC files; no network, no Scrapy reactor."""

from __future__ import annotations

import click

from storage.config import database_url as configured_database_url
from storage.config import warc_dir as configured_warc_dir

from . import fail, main, month_option


@main.command()
@click.option("--source", default=None, help="Only the WARC files of this source.")
@click.option("--since", callback=month_option, metavar="YYYY-MM",
              help="Only captures made from this month on: by capture date (UTC), not by "
                   "article date.")
@click.option("--rebuild", is_flag=True,
              help="Fill an EMPTY database from the WARC files alone (refused if it holds articles).")
@click.option("--redetect", is_flag=True,
              help="Detect every language again, even of texts unchanged since they were stored "
                   "(after a change to language detection).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Parsing processes [default: the number of CPUs; 1 = in this process].")
@click.option("--database-url", envvar="BULLETINS_DATABASE_URL", default=None,
              help="SQLAlchemy URL [env BULLETINS_DATABASE_URL; default sqlite:///data/bulletins.sqlite]")
@click.option("--warc-dir", envvar="BULLETINS_WARC_DIR", default=None,
              help="Folder of the WARC files [env BULLETINS_WARC_DIR; default ./data/warc]")
def reparse(source, since, rebuild, redetect, jobs, database_url, warc_dir):
    """Parse the archived article pages again and update the database.

    Prints which fields changed, per article (row id) and per field, and the extractor version
    the rows now carry. Exits 0 when done, 2 on a usage error (unknown source, no WARC file,
    --rebuild into a database that holds articles).
    """
    from scraper.archive.reparse import ReparseError, reparse as run_reparse

    try:
        report = run_reparse(configured_database_url(database_url), configured_warc_dir(warc_dir),
                             source=source, since=since, rebuild=rebuild, jobs=jobs,
                             redetect=redetect)
    except ReparseError as exc:
        fail(str(exc))
    click.echo("\n".join(report.summary_lines()))
