"""Exporting articles for researchers: CSV, JSON Lines, Parquet or Excel (xlsx), streamed.

`EXPORT_COLUMNS` is the one definition of the exported columns: their order, type, meaning and
an example. docs/data-dictionary.md holds the table `data_dictionary_table()` renders (a test
keeps the two identical), and the Datasette metadata takes its column descriptions from here.

Memory stays flat whatever the size of the database: articles are read with a server-side
cursor in batches (`yield_per`), their attachment names fetched per batch, and rows are written
one by one (CSV, JSONL, xlsx: openpyxl's write-only mode, inline strings, no shared-string
table in memory) or one record batch at a time (Parquet, with a fixed schema).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from .models import Article, Attachment, table_of
from .months import month_after, month_span, parse_month
from storage.times import iso, utc

FORMATS = ("csv", "jsonl", "parquet", "xlsx")
BINARY_FORMATS = ("parquet", "xlsx")  # written to a file only (-o)
PARQUET_EXTRA = "parquet"
XLSX_EXTRA = "xlsx"
XLSX_CELL_LIMIT = 32_767  # characters (UTF-16 code units) Excel holds in one cell
XLSX_SHEET = "articles"
XLSX_COLUMNS_SHEET = "columns"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"  # times in UTC, as in every export
# What XML 1.0, so a workbook, cannot hold: control characters but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF. Replaced by U+FFFD in xlsx cells.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
BATCH_ROWS = 2000  # rows read per server-side fetch
PARQUET_BATCH_ROWS = 2000  # rows per Parquet row group (memory grows with it)
_IN_CHUNK = 500  # ids per attachment query (SQLite allows 999 parameters in old builds)


@dataclass(frozen=True)
class ExportColumn:
    name: str
    type: str  # text, integer, float, date, timestamp, list of text
    meaning: str
    example: str
    nullable: bool = True


EXPORT_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn(
        "id",
        "integer",
        "The article's row id in the `article` table; joins with "
        "`viewobservation.article_id`, `capture.article_id`, `attachment.article_id`.",
        "1149",
        nullable=False,
    ),
    ExportColumn(
        "source", "text", "Source (site profile) the article was crawled from.", "gyeonggi-en", nullable=False
    ),
    ExportColumn(
        "board_id", "text", "The board's own article id; unique together with `source`.", "1187", nullable=False
    ),
    ExportColumn(
        "url",
        "text",
        "Canonical URL of the article's view page.",
        "https://english.gg.go.kr/blog/english-news/1187",
        nullable=False,
    ),
    ExportColumn(
        "title",
        "text",
        "Full title as printed on the site, issue prefix included.",
        "[JUN. 2022] Gyeonggi-do to Expand Youth Support",
    ),
    ExportColumn(
        "headline",
        "text",
        "The title without the `[JUN. 2022]` bulletin issue prefix.",
        "Gyeonggi-do to Expand Youth Support",
    ),
    ExportColumn(
        "issue_month",
        "text",
        "Bulletin issue as YYYY-MM, read from a `[JUN. 2022]` title prefix; empty when the title has none.",
        "2022-06",
    ),
    ExportColumn("author", "text", "Author or poster as printed.", "관리자"),
    ExportColumn(
        "department",
        "text",
        "Issuing department as printed (담당부서, 등록부서, 부서명); empty when the board prints none.",
        "노인건강과",
    ),
    ExportColumn(
        "published",
        "date",
        "Publication date printed on the page (ISO 8601, YYYY-MM-DD); empty when unreadable.",
        "2022-06-24",
    ),
    ExportColumn(
        "views",
        "integer",
        "View count when last seen (the site's own counter); the series over time is in `viewobservation`.",
        "87",
    ),
    ExportColumn("language", "text", "Language of title and body, ISO 639-1 (`ko`, `en`).", "ko"),
    ExportColumn(
        "language_probability",
        "float",
        "Confidence of the language (langdetect's "
        "probability, or the share of words holding Hangul when that rule decided).",
        "0.999996",
    ),
    ExportColumn(
        "body_text",
        "text",
        "Article body as plain text, paragraphs separated by a blank line.",
        "경기도는 청년 일자리 지원을 확대한다고 밝혔다.\\n\\n…",
    ),
    ExportColumn("attachment_count", "integer", "Number of attached files.", "2", nullable=False),
    ExportColumn(
        "attachment_names",
        "list of text",
        "File names of the attachments, in page order (CSV: a JSON array).",
        '["보도자료.hwp", "fact_sheet.pdf"]',
        nullable=False,
    ),
    ExportColumn(
        "first_seen",
        "timestamp",
        "When the archiver first stored the article (UTC, ISO 8601).",
        "2026-11-01T23:30:15.123456Z",
        nullable=False,
    ),
    ExportColumn(
        "last_seen",
        "timestamp",
        "When a crawl last saw the article or its listing row (UTC, ISO 8601).",
        "2026-11-28T01:30:54.619998Z",
        nullable=False,
    ),
    ExportColumn(
        "warc_file",
        "text",
        "WARC file holding the response the values were parsed from.",
        "BULLETINS-gyeonggi-en-20261128013054638-00000-host.warc.gz",
    ),
    ExportColumn("warc_offset", "integer", "Byte offset of that record in the WARC file.", "123456"),
    ExportColumn(
        "warc_record_id",
        "text",
        "WARC-Record-ID of that response record.",
        "<urn:uuid:0e5c0f6e-4b6f-4f0e-9d61-2f1f8c2b7a10>",
    ),
    ExportColumn("extractor_version", "text", "Page object (and version) that parsed the page.", "gyeonggi_en/1"),
    ExportColumn(
        "missing_fields",
        "text",
        "Comma-separated fields that could not be read from the page; empty when none.",
        "published,views",
    ),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in EXPORT_COLUMNS)
# Columns taken from `article` as they are; the rest are computed from `attachment`.
_ARTICLE_COLUMNS = tuple(n for n in COLUMN_NAMES if n not in ("attachment_count", "attachment_names"))


class ExportError(Exception):
    """An export that cannot run (a missing optional package, a bad option); one line for the user."""


@dataclass(frozen=True)
class Filters:
    """Which articles to export: any of `sources`, published from `since` to `until` (months,
    inclusive; articles without a date are then left out), one `language`."""

    sources: tuple[str, ...] = ()
    since: str | None = None  # YYYY-MM
    until: str | None = None  # YYYY-MM
    language: str | None = None


def month_start(month: str) -> date:
    """'2022-06' -> date(2022, 6, 1); ValueError otherwise."""
    return parse_month(month)


def data_dictionary_table() -> str:
    """The exported columns as the Markdown table of docs/data-dictionary.md."""
    lines = ["| # | column | type | meaning | example |", "|---|---|---|---|---|"]
    for number, c in enumerate(EXPORT_COLUMNS, 1):
        example = c.example.replace("|", "\\|")
        lines.append(f"| {number} | `{c.name}` | {c.type} | {c.meaning} | `{example}` |")
    return "\n".join(lines) + "\n"


# --- reading -------------------------------------------------------------------------------------


def article_query(filters: Filters):
    """The SELECT behind an export: article columns in export order, oldest row id first."""
    table = table_of(Article)
    stmt = select(*(table.c[name] for name in _ARTICLE_COLUMNS)).order_by(table.c.id)
    if filters.sources:
        stmt = stmt.where(table.c.source.in_(filters.sources))
    if filters.since:
        stmt = stmt.where(table.c.published >= month_start(filters.since))
    if filters.until:
        stmt = stmt.where(table.c.published < month_after(parse_month(filters.until)))
    if filters.language:
        stmt = stmt.where(table.c.language == filters.language)
    return stmt


def _attachment_names(connection: Connection, ids: list[int]) -> dict[int, list[str]]:
    table = table_of(Attachment)
    names: dict[int, list[str]] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        rows = connection.execute(
            select(table.c.article_id, table.c.name)
            .where(table.c.article_id.in_(chunk))
            .order_by(table.c.article_id, table.c.id)
        )
        for article_id, name in rows:
            names.setdefault(article_id, []).append(name)
    return names


def _typed(value: Any, column: str) -> Any:
    """SQLite gives naive UTC datetimes, PostgreSQL aware ones: both become aware UTC."""
    if column in ("first_seen", "last_seen") and value is not None:
        return utc(value)
    return value


def iter_batches(
    engine: Engine, filters: Filters = Filters(), batch_rows: int = BATCH_ROWS
) -> Iterator[list[dict[str, Any]]]:
    """Export rows (dicts in `COLUMN_NAMES` order, Python values: `date`, UTC `datetime`, a
    list of attachment names) in batches of at most `batch_rows`, read with a server-side cursor.

    One batch is alive at a time if the caller drops each before asking for the next (the
    writers below do): memory is that of a batch, whatever the number of rows."""
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=batch_rows).execute(article_query(filters))
        partitions = result.partitions()
        while (partition := next(partitions, None)) is not None:
            names = _attachment_names(connection, [row.id for row in partition])
            batch = [_export_row(row._mapping, names) for row in partition]
            del partition, names  # not held while the next partition is fetched
            yield batch
            del batch


def _export_row(values, names: dict[int, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in COLUMN_NAMES:
        if column == "attachment_count":
            out[column] = len(names.get(values["id"], ()))
        elif column == "attachment_names":
            out[column] = names.get(values["id"], [])
        else:
            out[column] = _typed(values[column], column)
    return out


# --- writing -------------------------------------------------------------------------------------


def _text_value(value: Any) -> Any:
    """A JSON-ready value: dates and times as ISO 8601 strings (times in UTC with a Z)."""
    if isinstance(value, (date, datetime)):
        return iso(value)
    return value


def write_csv(batches: Iterable[list[dict]], stream: IO[str]) -> int:
    """RFC 4180 CSV with a header row; an empty cell is a missing value. (A byte-order mark, for
    Excel, is the stream's encoding: utf-8-sig.)"""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    count = 0
    for batch in batches:
        for row in batch:
            cells = []
            for name in COLUMN_NAMES:
                value = _text_value(row[name])
                if isinstance(value, list):
                    value = json.dumps(value, ensure_ascii=False)
                cells.append("" if value is None else value)
            writer.writerow(cells)
            count += 1
        del batch  # before the next one is read
    return count


def write_jsonl(batches: Iterable[list[dict]], stream: IO[str]) -> int:
    """One JSON object per line, keys in column order, null for a missing value."""
    count = 0
    for batch in batches:
        for row in batch:
            stream.write(json.dumps({name: _text_value(row[name]) for name in COLUMN_NAMES}, ensure_ascii=False))
            stream.write("\n")
            count += 1
        del batch  # before the next one is read
    return count


def require_pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ExportError(f"Parquet export needs pyarrow: pip install 'bulletin-archiver[{PARQUET_EXTRA}]'") from None
    return pyarrow


def arrow_schema():
    """The fixed Parquet schema: one field per export column, its meaning as field metadata."""
    pa = require_pyarrow()
    types = {
        "text": pa.string(),
        "integer": pa.int64(),
        "float": pa.float64(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "list of text": pa.list_(pa.string()),
    }
    return pa.schema(
        [
            pa.field(c.name, types[c.type], nullable=c.nullable, metadata={"description": c.meaning})
            for c in EXPORT_COLUMNS
        ],
        metadata={"title": "bulletin-archiver articles", "columns": "docs/data-dictionary.md"},
    )


def write_parquet(batches: Iterable[list[dict]], path: Path) -> int:
    """A Parquet file (zstd), one row group per batch; an empty export is a valid file with the
    schema and no rows."""
    pa = require_pyarrow()
    import pyarrow.parquet as pq

    schema = arrow_schema()
    # The system allocator gives freed batches back; Arrow's default (mimalloc) keeps tens of MB.
    pool = pa.system_memory_pool()
    count = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd", memory_pool=pool) as writer:
        for batch in batches:
            columns = [pa.array([row[f.name] for row in batch], type=f.type, memory_pool=pool) for f in schema]
            count += len(batch)
            del batch  # the rows are in Arrow now
            writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
            del columns
    return count


def require_openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise ExportError(f"Excel export needs openpyxl: pip install 'bulletin-archiver[{XLSX_EXTRA}]'") from None
    return openpyxl


def cut_marker(length: int) -> str:
    """What ends a text cut to Excel's cell limit; `length`: the whole text's, in characters."""
    return (
        f" [cut: {length:,} characters, more than Excel's {XLSX_CELL_LIMIT:,} per cell; "
        "the CSV, JSONL and Parquet exports hold the whole text]"
    )


def _utf16_units(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def excel_text(value: str, illegal: re.Pattern = XML_ILLEGAL) -> str:
    """A text as an Excel cell holds it: characters XML cannot carry (control characters other
    than tab and line breaks) replaced by U+FFFD, and a text longer than the cell limit cut,
    ending with `cut_marker`."""
    value = illegal.sub("\ufffd", value)
    if len(value) <= XLSX_CELL_LIMIT // 2 or _utf16_units(value) <= XLSX_CELL_LIMIT:
        return value
    marker = cut_marker(len(value))
    room = XLSX_CELL_LIMIT - len(marker)
    kept = value[:room]
    while _utf16_units(kept) > room:  # characters outside the BMP count twice in Excel
        kept = kept[:-1]
    return kept + marker


def write_xlsx(batches: Iterable[list[dict]], path: Path) -> int:
    """An Excel workbook: sheet `articles` (a header row, frozen, then one row per article; dates
    and UTC times as Excel dates, numbers as numbers, texts as texts, never formulas) and sheet
    `columns` (the data dictionary). Written row by row with openpyxl's write-only mode."""
    openpyxl = require_openpyxl()
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(XLSX_SHEET)
    sheet.freeze_panes = "A2"
    widths = {"text": 24, "date": 11, "timestamp": 20, "integer": 10, "float": 10, "list of text": 24}
    for number, column in enumerate(EXPORT_COLUMNS, 1):
        width = {"title": 60, "headline": 60, "body_text": 80, "url": 40}.get(column.name, widths[column.type])
        sheet.column_dimensions[openpyxl.utils.get_column_letter(number)].width = width
    bold = Font(bold=True)

    def header(ws, names):
        cells = []
        for name in names:
            cell = WriteOnlyCell(ws, name)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)

    def text_cell(value: str):
        cell = WriteOnlyCell(sheet, excel_text(value))
        cell.data_type = "s"  # a text starting with "=" stays a text, not a formula
        return cell

    def dated(value, fmt):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = fmt
        return cell

    types = {c.name: c.type for c in EXPORT_COLUMNS}
    header(sheet, COLUMN_NAMES)
    count = 0
    for batch in batches:
        for row in batch:
            cells: list[object] = []
            for name in COLUMN_NAMES:
                value, kind = row[name], types[name]
                if value is None:
                    cells.append(None)
                elif kind == "timestamp":  # Excel has no time zones: the UTC wall time
                    cells.append(dated(utc(value).replace(tzinfo=None), XLSX_TIME_FORMAT))
                elif kind == "date":
                    cells.append(dated(value, XLSX_DATE_FORMAT))
                elif kind == "list of text":
                    cells.append(text_cell(json.dumps(value, ensure_ascii=False)))
                elif isinstance(value, str):
                    cells.append(text_cell(value))
                else:
                    cells.append(value)
            sheet.append(cells)
            count += 1
        del batch  # before the next one is read
    dictionary = workbook.create_sheet(XLSX_COLUMNS_SHEET)
    dictionary.column_dimensions["C"].width = 100
    header(dictionary, ("column", "type", "meaning", "example"))
    for column in EXPORT_COLUMNS:
        dictionary.append([column.name, column.type, column.meaning, column.example])
    workbook.save(str(path))
    return count


def export(
    engine: Engine,
    fmt: str,
    output: Path | None,
    filters: Filters = Filters(),
    stdout: IO[bytes] | None = None,
    bom: bool = False,
) -> int:
    """Write the articles matching `filters` as `fmt` to `output` (replaced only once complete),
    or to the binary stream `stdout` when `output` is None (CSV, JSONL). `bom`: CSV starts with
    a UTF-8 byte-order mark (for Excel). Returns the row count."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if bom and fmt != "csv":
        raise ExportError(f"--bom is for CSV only, not {fmt}")
    try:
        month_span(filters.since, filters.until)
    except ValueError as exc:  # an unreadable month, or --since after --until
        raise ExportError(str(exc)) from None
    if fmt in BINARY_FORMATS and output is None:
        raise ExportError(f"{'Parquet' if fmt == 'parquet' else 'xlsx'} is binary: give a file with -o/--output")
    if fmt == "parquet":
        require_pyarrow()
    if fmt == "xlsx":
        require_openpyxl()
    batch_rows = PARQUET_BATCH_ROWS if fmt == "parquet" else BATCH_ROWS
    batches = iter_batches(engine, filters, batch_rows)
    encoding = "utf-8-sig" if bom else "utf-8"
    if output is None:
        assert stdout is not None, "export to a stream needs `stdout`"
        text = io.TextIOWrapper(stdout, encoding=encoding, newline="", write_through=False)
        try:
            return (write_csv if fmt == "csv" else write_jsonl)(batches, text)
        finally:
            text.flush()
            text.detach()
    partial = output.with_name(f".{output.name}.partial")
    try:
        if fmt == "parquet":
            count = write_parquet(batches, partial)
        elif fmt == "xlsx":
            count = write_xlsx(batches, partial)
        else:
            with open(partial, "w", encoding=encoding, newline="") as stream:
                count = (write_csv if fmt == "csv" else write_jsonl)(batches, stream)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return count
