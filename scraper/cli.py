"""The `bulletins` command: a thin layer over scraper.run and storage."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .fields import parse_month
from .run import UsageError, make_settings, run_crawl, source_descriptions


def _month(ctx, param, value):
    if value is None:
        return None
    try:
        parse_month(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def _fail(message: str) -> None:
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bulletin-archiver")
def main():
    """Archive regional-government press bulletins: WARC files plus a database of articles."""


@main.command()
@click.argument("source")
@click.option("--since", callback=_month, metavar="YYYY-MM", help="Only articles from this month on.")
@click.option("--until", callback=_month, metavar="YYYY-MM", help="Only articles up to this month.")
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
        _fail(str(exc))
    _print_summary(outcome)
    sys.exit(0 if outcome.ok else 1)


@main.command()
@click.option("--verbose", "-v", is_flag=True, help="Add each source's description.")
def sources(verbose):
    """List the configured sources, one per line."""
    for name, description in source_descriptions(make_settings()).items():
        click.echo(f"{name}\t{description}" if verbose else name)


@main.command()
@click.option("--articles", default=300, show_default=True, help="Size of the replica board.")
@with_storage_options
def demo(articles, database_url, warc_dir, contact, log_level):
    """Serve the bundled replica board on loopback and crawl it into ./data (no network needed)."""
    from .demo import run_demo

    try:
        code = run_demo(articles=articles, database=database_url, warcs=warc_dir,
                        contact=contact, log_level=log_level or "WARNING")
    except UsageError as exc:
        _fail(str(exc))
    sys.exit(code)


def _print_summary(outcome) -> None:
    click.echo(f"== {outcome.source}")
    for line in outcome.report.summary_lines():
        click.echo(line)


if __name__ == "__main__":
    main()
