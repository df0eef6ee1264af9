"""`bulletins export`: the articles as CSV, JSON Lines, Parquet or Excel (storage.database.export)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from storage.database.db import make_reader
from storage.database.export import FORMATS, ExportError, Filters, export as export_articles

from . import fail, main
from .options import database_url_option, lang_option, since_option, source_option, until_option


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="csv (UTF-8, header row), jsonl (one JSON object per line), parquet or xlsx "
                   "(an Excel workbook); parquet and xlsx need -o.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (replaced only once complete) [default: stdout; csv and jsonl only]")
@click.option("--bom", is_flag=True,
              help="CSV only: start with a UTF-8 byte-order mark, so that Excel reads the Korean "
                   "text right when the file is opened by a double click.")
@source_option("Only this source; repeat for several.", multiple=True)
@since_option("Only articles published in this month or later.")
@until_option("Only articles published in this month or earlier.")
@lang_option
@database_url_option
def export(fmt, output, bom, sources, since, until, language, database_url):
    """Export the articles, one row each, with a fixed set of columns.

    The columns (name, type, meaning, example) are listed in the data dictionary: the article's
    fields, its attachment names, and where in the WARC files it was parsed from. Dates are
    ISO 8601 (YYYY-MM-DD), times UTC ISO 8601 with a Z. Rows come in row-id order; with
    --since/--until only dated articles are exported. The export is streamed, so memory stays
    flat on a large database. Prints the number of rows on stderr. The database is opened
    read-only; the text is exported as stored (control characters included).

    For Excel: --format xlsx writes a workbook (sheet "articles", dates and UTC times as real
    Excel dates, and sheet "columns", the data dictionary); a text longer than Excel's 32,767
    characters per cell is cut and ends with "[cut: N characters, ...]", and characters a
    workbook cannot hold (control characters) become U+FFFD. Or CSV with --bom.

    \b
    Data dictionary: docs/data-dictionary.md
    Parquet needs pyarrow: pip install 'bulletin-archiver[parquet]'
    xlsx needs openpyxl: pip install 'bulletin-archiver[xlsx]'
    """
    if output is not None and not Path(output).name:  # "", or a path ending in ".." or "/"
        fail(f"-o/--output: expected a file name, got {output!r}")
    output = None if output in (None, "-") else Path(output)
    engine = make_reader(database_url)
    filters = Filters(sources=tuple(sources), since=since, until=until, language=language)
    try:
        count = export_articles(engine, fmt, output, filters, stdout=sys.stdout.buffer, bom=bom)
    except ExportError as exc:
        fail(str(exc))
    except BrokenPipeError:  # `bulletins export | head`: the reader has had enough
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except OSError as exc:
        fail(f"cannot write {output or 'stdout'}: {exc.strerror or exc}")
    click.echo(f"exported {count} article{'' if count == 1 else 's'}"
               f"{f' to {output}' if output else ''}", err=True)
