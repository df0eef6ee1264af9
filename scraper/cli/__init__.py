"""The `bulletins` command: a thin layer over the library, one module per command (group)."""

from __future__ import annotations

import sys

import click

from storage.config import StorageError

from ..profiles import ProfileError

from ..fields import parse_month


def month_option(ctx, param, value):
    if value is None:
        return None
    try:
        parse_month(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def fail(message: str) -> None:
    """A one-line error and exit status 2, the usage-error convention of the whole CLI."""
    click.echo(f"bulletins: error: {message}", err=True)
    sys.exit(2)


storage_options = [
    click.option("--database-url", envvar="BULLETINS_DATABASE_URL", default=None,
                 help="SQLAlchemy URL [env BULLETINS_DATABASE_URL; default sqlite:///data/bulletins.sqlite]"),
    click.option("--warc-dir", envvar="BULLETINS_WARC_DIR", default=None,
                 help="Folder for WARC files [env BULLETINS_WARC_DIR; default ./data/warc]"),
    click.option("--contact", envvar="BULLETINS_CONTACT", default=None,
                 help="Operator contact (URL or e-mail) sent in the User-Agent [env BULLETINS_CONTACT]"),
    click.option("--log-level", default=None, help="Scrapy log level [crawl: INFO, demo: WARNING]",
                 type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False)),
]


def with_storage_options(func):
    for option in reversed(storage_options):
        func = option(func)
    return func


class _Main(click.Group):
    """Storage problems (an outdated schema, an unusable folder) and unusable profile files end
    any command in one line."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (StorageError, ProfileError) as exc:
            fail(str(exc))


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bulletin-archiver")
def main():
    """Archive regional-government press bulletins: WARC files plus a database of articles."""


# Commands register themselves on `main` when imported.
from . import (  # noqa: E402,F401
    archive, archive_list, archive_repair, crawl, db, demo, export, replay, report, reparse, serve,
    search, show, sources, eval, probe, discover, status,
)
