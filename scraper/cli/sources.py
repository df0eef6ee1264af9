"""`bulletins sources`."""

from __future__ import annotations

import click

from ..run import make_settings, source_classes
from . import main


@main.command()
@click.option("--verbose", "-v", is_flag=True, help="Add each source's description and site.")
@click.option("--runnable", is_flag=True,
              help="Leave out board families (profiles with no site of their own, crawled with "
                   "--base-url): what cron/nightly.sh crawls.")
def sources(verbose, runnable):
    """List the configured sources (one per site profile), one per line."""
    for name, spidercls in source_classes(make_settings()).items():
        site = spidercls.default_base_url
        if runnable and not site:
            continue
        if verbose:
            click.echo(f"{name}\t{site or '(board family: give --base-url)'}\t{spidercls.description}")
        else:
            click.echo(name)
