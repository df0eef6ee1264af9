"""`bulletins report`: one self-contained HTML file of charts about the archive (storage.presentation.report_html)."""

from __future__ import annotations

from pathlib import Path

import click

from storage.database.db import make_reader
from storage.presentation.report_html.page import write_report

from scraper.terminal import printable
from . import fail, main
from .options import database_url_option, source_option
from .status import known_sources

DEFAULT_OUTPUT = "bulletins-report.html"


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_OUTPUT,
              show_default=True, help="HTML file to write.")
@source_option("Only this source.")
@database_url_option
def report(output, source, database_url):
    """Write a one-file HTML report with charts about the archive.

    Charts: articles per month of publication per source, the language mix of each source, the
    view counts over time of the 10 most viewed articles (one point per crawl that
    read the counter), a summary table per source, and the health of every source as
    `bulletins status` judges it (profiles never crawled included). The file is self-contained (inline SVG,
    no scripts, fonts or outside URLs): it opens offline and can be mailed or archived. The
    database is opened read-only.
    """
    engine = make_reader(database_url)
    try:
        data = write_report(engine, output, source, known=tuple(known_sources()[0]))
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    if source and not data.summary:
        click.echo(printable(f"bulletins: note: no articles of source {source}"), err=True)
    articles = sum(s.articles for s in data.summary)
    click.echo(f"wrote {output}: {articles} articles, {len(data.summary)} source"
               f"{'' if len(data.summary) == 1 else 's'}", err=True)
