"""`bulletins crawl SOURCE`."""

from __future__ import annotations

import sys

import click

from ..run import UsageError, make_settings, run_crawl
from . import fail, main, month_option, with_storage_options


@main.command()
@click.argument("source")
@click.option("--since", callback=month_option, metavar="YYYY-MM", help="Only articles from this month on.")
@click.option("--until", callback=month_option, metavar="YYYY-MM", help="Only articles up to this month.")
@click.option("--base-url", default=None, help="Crawl this host instead of the real site (e.g. a replica).")
@with_storage_options
def crawl(source, since, until, base_url, database_url, warc_dir, contact, log_level):
    """Crawl SOURCE's bulletin listings into the database and WARC files.

    Exits 0 when the crawl finished, 1 when it failed, 2 on a usage error.
    """
    settings = make_settings(database=database_url, warcs=warc_dir, contact=contact,
                             log_level=log_level or "INFO")
    try:
        outcome = run_crawl(source, settings, base_url=base_url, since=since, until=until)
    except (UsageError, ValueError) as exc:
        fail(str(exc))
    click.echo(outcome.summary())
    sys.exit(0 if outcome.ok else 1)
