"""`bulletins sources`."""

from __future__ import annotations

import click

from ..run import make_settings, source_descriptions
from . import main


@main.command()
@click.option("--verbose", "-v", is_flag=True, help="Add each source's description.")
def sources(verbose):
    """List the configured sources, one per line."""
    for name, description in source_descriptions(make_settings()).items():
        click.echo(f"{name}\t{description}" if verbose else name)
