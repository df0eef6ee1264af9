"""`bulletins demo`."""

from __future__ import annotations

import click

from scraper.crawl.run import UsageError
from . import fail, finish, main
from .options import contact_option, database_url_option, log_level_option, warc_dir_option


@main.command()
@click.option("--articles", default=300, show_default=True, help="Size of the replica board.")
@click.option("--regions/--no-regions", default=True, show_default=True,
              help="Also crawl the replica of every other profile (25 or so posts each), side by side.")
@database_url_option
@warc_dir_option()
@contact_option
@log_level_option("WARNING")
def demo(articles, regions, database_url, warc_dir, contact, log_level):
    """Serve the bundled replica boards on loopback and crawl them into ./data (no network needed)."""
    from scraper.replica.demo import run_demo

    try:
        code = run_demo(articles=articles, database=database_url, warcs=warc_dir,
                        contact=contact, log_level=log_level or "WARNING", regions=regions)
    except UsageError as exc:
        fail(str(exc))
    finish(code)
