"""`bulletins export`: CSV, JSON Lines and Parquet read back equal to the database, filters, empty
exports, errors, the data dictionary, and PostgreSQL giving what SQLite gives."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import pyarrow.parquet as pq
import pytest
from sqlmodel import SQLModel

from storage.database.articles import ArticleRecord, AttachmentRecord, save_article
from storage.database.db import make_engine, session
from storage.database.export import COLUMN_NAMES, EXPORT_COLUMNS, data_dictionary_table

from .conftest import BIN, REPO, run_cli
from .services import postgres_server

DOC = REPO / "docs" / "data-dictionary.md"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
SEEN = datetime(2026, 11, 1, 23, 30, 15, 123456, tzinfo=UTC)


# --- what the database holds, read with plain SQL ------------------------------------------------


def db_rows(path: Path, where: str = "1 = 1") -> list[dict]:
    """Expected export rows, straight from the SQLite file (values as SQLite stores them)."""
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        articles = [dict(r) for r in con.execute(f"select * from article where {where} order by id")]
        names: dict[int, list[str]] = {}
        for article_id, name in con.execute("select article_id, name from attachment order by id"):
            names.setdefault(article_id, []).append(name)
    finally:
        con.close()
    for a in articles:
        a["attachment_names"] = names.get(a["id"], [])
        a["attachment_count"] = len(a["attachment_names"])
    return articles


def iso_z(stored: str) -> str:
    """SQLite's '2026-11-28 01:30:54.619998' (UTC wall time) as exported: ISO 8601 with a Z."""
    return datetime.fromisoformat(stored).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def as_json_value(row: dict, name: str):
    value = row[name]
    return iso_z(value) if name in ("first_seen", "last_seen") and value is not None else value


def as_csv_cell(row: dict, name: str) -> str:
    value = as_json_value(row, name)
    if name == "attachment_names":
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def export(database_url: str, *args: str, cwd: Path | None = None):
    return run_cli("export", "--database-url", database_url, *args, cwd=cwd)


def read_csv(text: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return reader.fieldnames, rows


# --- round trips over a real crawl -----------------------------------------------------------------


@pytest.fixture(scope="module")
def expected(crawl):
    rows = db_rows(crawl.folder / "bulletins.sqlite")
    assert any(HANGUL.search(r["title"] or "") for r in rows) and any(r["attachment_names"] for r in rows)
    assert any(r["published"] is None for r in rows) and any(r["missing_fields"] for r in rows)
    return rows


def test_csv_to_stdout_reads_back_equal_to_the_database(crawl, expected):
    result = export(crawl.database_url)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"exported {len(expected)} articles"
    header, rows = read_csv(result.stdout)
    assert header == list(COLUMN_NAMES)
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected):
        for name in COLUMN_NAMES:
            if name == "language_probability" and want[name] is not None:
                assert float(got[name]) == want[name]
            else:
                assert got[name] == as_csv_cell(want, name), (want["id"], name)
    korean = next(r for r in rows if HANGUL.search(r["body_text"]))
    assert "\n\n" in korean["body_text"]  # paragraphs survive CSV quoting
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["published"]) for r in rows if r["published"])


def test_jsonl_to_a_file_reads_back_equal_to_the_database(crawl, expected, tmp_path):
    out = tmp_path / "articles.jsonl"
    result = export(crawl.database_url, "--format", "jsonl", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert f"exported {len(expected)} articles to {out}" in result.stderr
    raw = out.read_bytes()
    lines = raw.decode("utf-8").splitlines()
    assert "관리자".encode() in raw  # UTF-8, not \u escapes
    assert len(lines) == len(expected)
    for line, want in zip(lines, expected):
        got = json.loads(line)
        assert list(got) == list(COLUMN_NAMES)
        assert got == {name: as_json_value(want, name) for name in COLUMN_NAMES}
    assert not list(tmp_path.glob(".*partial"))


def test_parquet_reads_back_typed_and_equal_to_the_database(crawl, expected, tmp_path):
    out = tmp_path / "articles.parquet"
    result = export(crawl.database_url, "--format", "parquet", "-o", str(out))
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.column_names == list(COLUMN_NAMES)
    types = {f.name: str(f.type) for f in table.schema}
    assert (types["published"], types["first_seen"], types["views"], types["attachment_names"]) == (
        "date32[day]", "timestamp[us, tz=UTC]", "int64", "list<element: string>")
    assert table.schema.field("title").metadata[b"description"].decode() == next(
        c.meaning for c in EXPORT_COLUMNS if c.name == "title")
    rows = table.to_pylist()
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected):
        for name in COLUMN_NAMES:
            value = want[name]
            if name == "published" and value is not None:
                value = date.fromisoformat(value)
            elif name in ("first_seen", "last_seen"):
                value = datetime.fromisoformat(value).replace(tzinfo=UTC)
            assert got[name] == value, (want["id"], name)


def test_the_data_dictionary_lists_exactly_the_exported_columns_in_order(crawl):
    text = DOC.read_text(encoding="utf-8")
    assert data_dictionary_table() in text  # names, types, meanings and examples as in the code
    documented = re.findall(r"^\| \d+ \| `([a-z_]+)` \|", text, flags=re.MULTILINE)
    header = export(crawl.database_url, "--source", "no-such-source").stdout.splitlines()[0]
    assert documented == header.split(",") == list(COLUMN_NAMES)
    required = ["source", "board_id", "url", "title", "headline", "issue_month", "author",
                "published", "views", "language", "language_probability", "body_text",
                "attachment_count", "attachment_names", "first_seen", "last_seen", "warc_file",
                "warc_offset", "warc_record_id", "extractor_version", "missing_fields"]
    assert [c for c in COLUMN_NAMES if c in required] == required


def test_the_data_dictionary_describes_every_database_table():
    text = DOC.read_text(encoding="utf-8")
    described = set(re.findall(r"^### `(\w+)`$", text, flags=re.MULTILINE))
    assert set(SQLModel.metadata.tables) <= described
    assert "alembic_version" in described


# --- filters, empty exports, errors ----------------------------------------------------------------


def record(source: str, board_id: str, published: date | None, language: str = "en", **changes):
    korean = language == "ko"
    base = dict(source=source, board_id=board_id, url=f"http://127.0.0.1/{source}/{board_id}",
                title=f"{'경기도 보도자료' if korean else '[JUN. 2022] Press release'} {board_id}",
                headline=f"headline {board_id}", author="관리자", published=published, views=int(board_id),
                body_text=("본문 첫 문단.\n\n둘째 문단, \"인용\"." if korean else "First, \"quoted\".\n\nSecond."),
                body_html="<p>x</p>", language=language, language_probability=0.97,
                attachments=[AttachmentRecord(f"{board_id},보도자료.hwp", f"http://127.0.0.1/{board_id}.hwp")],
                warc_file="BULLETINS-x.warc.gz", warc_offset=int(board_id) * 10,
                warc_record_id=f"<urn:uuid:{board_id}>", captured_at=SEEN, extractor_version="test/1")
    base.update(changes)
    return ArticleRecord(**base)


RECORDS = [
    record("alpha", "1", date(2020, 2, 29)),             # the day before --since 2020-03
    record("alpha", "2", date(2020, 3, 1), "ko"),        # first day of --since
    record("alpha", "3", date(2021, 2, 28)),             # last day of --until 2021-02
    record("alpha", "4", date(2021, 3, 1), "ko"),        # first day after it
    record("beta", "5", date(2020, 6, 15), "ko", attachments=[]),
    record("beta", "6", None, missing_fields=["published"]),
    record("gamma", "7", date(2020, 12, 31), "en", attachments=[
        AttachmentRecord("a.pdf", "http://127.0.0.1/a.pdf", 10, "application/pdf"),
        AttachmentRecord("b.hwp", "http://127.0.0.1/b.hwp")]),
]


def store(url: str, records=RECORDS) -> str:
    with session(make_engine(url)) as db:
        for r in records:
            save_article(db, r, SEEN)
        db.commit()
    return url


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("export") / "small.sqlite"
    store(f"sqlite:///{path}")
    return path


@pytest.mark.parametrize("args, where", [
    (["--source", "alpha"], "source = 'alpha'"),
    (["--source", "alpha", "--source", "gamma"], "source in ('alpha', 'gamma')"),
    (["--since", "2020-03"], "published >= '2020-03-01'"),
    (["--until", "2021-02"], "published <= '2021-02-28'"),
    (["--since", "2020-03", "--until", "2021-02"], "published between '2020-03-01' and '2021-02-28'"),
    (["--lang", "ko"], "language = 'ko'"),
    (["--lang", "en", "--source", "alpha", "--since", "2020-01"], "language = 'en' and source = 'alpha'"),
])
def test_filters_select_the_articles_plain_sql_selects(small_db, args, where):
    result = export(f"sqlite:///{small_db}", "--format", "jsonl", *args)
    assert result.returncode == 0, result.stderr
    got = [json.loads(line)["board_id"] for line in result.stdout.splitlines()]
    want = [r["board_id"] for r in db_rows(small_db, where)]
    assert got == want and 0 < len(want) < len(RECORDS)


def test_attachment_names_with_commas_survive_csv(small_db):
    _, rows = read_csv(export(f"sqlite:///{small_db}", "--source", "gamma", "--source", "alpha").stdout)
    by_id = {r["board_id"]: r for r in rows}
    assert json.loads(by_id["1"]["attachment_names"]) == ["1,보도자료.hwp"]
    assert (by_id["7"]["attachment_count"], json.loads(by_id["7"]["attachment_names"])) == ("2", ["a.pdf", "b.hwp"])


def test_an_empty_selection_still_writes_a_valid_file_in_every_format(small_db, tmp_path):
    url = f"sqlite:///{small_db}"
    for fmt in ("csv", "jsonl", "parquet"):
        out = tmp_path / f"empty.{fmt}"
        result = export(url, "--format", fmt, "-o", str(out), "--lang", "ja")
        assert result.returncode == 0, result.stderr
        assert "exported 0 articles" in result.stderr
    assert (tmp_path / "empty.csv").read_bytes() == (",".join(COLUMN_NAMES) + "\r\n").encode()
    assert (tmp_path / "empty.jsonl").read_bytes() == b""
    table = pq.read_table(tmp_path / "empty.parquet")
    assert (table.num_rows, table.column_names) == (0, list(COLUMN_NAMES))


def test_usage_errors_are_one_line(small_db, tmp_path):
    url = f"sqlite:///{small_db}"
    cases = [
        (["--format", "parquet"], "give a file with -o"),
        (["--since", "2022-13"], "YYYY-MM"),
        (["--since", "2022-06", "--until", "2022-01"], "--since 2022-06 is after --until 2022-01"),
        (["--lang", "korean"], "ISO 639-1"),
    ]
    for args, message in cases:
        result = export(url, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and result.stdout == ""
    missing = run_cli("export", "--database-url", f"sqlite:///{tmp_path / 'none.sqlite'}")
    assert (missing.returncode, missing.stderr.strip()) == (2, f"bulletins: error: no database at {tmp_path / 'none.sqlite'}")
    assert not (tmp_path / "none.sqlite").exists()


def test_without_pyarrow_parquet_export_names_the_extra(small_db, tmp_path):
    blocker = tmp_path / "blocked" / "pyarrow"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('pyarrow hidden by the test')\n")
    result = run_cli("export", "--database-url", f"sqlite:///{small_db}", "--format", "parquet",
                     "-o", str(tmp_path / "x.parquet"), env={"PYTHONPATH": str(tmp_path / "blocked")})
    assert result.returncode == 2
    assert result.stderr.strip() == ("bulletins: error: Parquet export needs pyarrow: "
                                     "pip install 'bulletin-archiver[parquet]'")
    assert not (tmp_path / "x.parquet").exists()
    csv_still_works = run_cli("export", "--database-url", f"sqlite:///{small_db}",
                              env={"PYTHONPATH": str(tmp_path / "blocked")})
    assert csv_still_works.returncode == 0, csv_still_works.stderr


def test_help_describes_the_formats_and_filters():
    result = run_cli("export", "--help")
    assert result.returncode == 0
    for needle in ("csv|jsonl|parquet", "--source", "--since", "--until", "--lang", "-o, --output",
                   "docs/data-dictionary.md", "bulletin-archiver[parquet]"):
        assert needle in result.stdout


# --- PostgreSQL ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as server:
        yield server


def test_postgresql_exports_what_sqlite_exports(postgres, small_db, tmp_path):
    """Same records stored in both: byte-identical CSV and JSONL, equal Parquet, same filters
    (the server runs in Korea time; times must still come out as UTC)."""
    pg_url = store(postgres.create_database(f"export_{uuid4().hex[:12]}"))
    sqlite_url = f"sqlite:///{small_db}"
    for args in ([], ["--format", "jsonl"], ["--since", "2020-03", "--until", "2021-02", "--lang", "en"],
                 ["--source", "beta", "--format", "jsonl"]):
        from_pg, from_sqlite = export(pg_url, *args), export(sqlite_url, *args)
        assert from_pg.returncode == 0, from_pg.stderr
        assert from_pg.stdout == from_sqlite.stdout and from_pg.stdout.count("\n") > 1
    assert "2026-11-01T23:30:15.123456Z" in export(pg_url, "--format", "jsonl").stdout
    for url, name in ((pg_url, "pg.parquet"), (sqlite_url, "sqlite.parquet")):
        assert export(url, "--format", "parquet", "-o", str(tmp_path / name)).returncode == 0
    assert pq.read_table(tmp_path / "pg.parquet").equals(pq.read_table(tmp_path / "sqlite.parquet"))
    assert pq.read_table(tmp_path / "pg.parquet").num_rows == len(RECORDS)


# --- Excel: xlsx and CSV with a byte-order mark ---------------------------------------------------


def xlsx_rows(path: Path) -> tuple[list[str], list[list]]:
    """(header, data rows as cells) of the export's `articles` sheet."""
    import openpyxl

    workbook = openpyxl.load_workbook(path)  # not read-only: cells keep their number formats
    rows = [list(r) for r in workbook["articles"].iter_rows()]
    return [c.value for c in rows[0]], rows[1:]


def test_xlsx_reads_back_typed_and_equal_to_the_database(crawl, expected, tmp_path):
    import openpyxl

    out = tmp_path / "articles.xlsx"
    result = export(crawl.database_url, "--format", "xlsx", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"exported {len(expected)} articles to {out}"
    header, rows = xlsx_rows(out)
    assert header == list(COLUMN_NAMES)
    assert len(rows) == len(expected)
    for cells, want in zip(rows, expected):
        got = dict(zip(COLUMN_NAMES, cells))
        for name in COLUMN_NAMES:
            cell, value = got[name], want[name]
            if value is None:
                assert cell.value is None, (want["id"], name)
            elif name == "published":  # a real Excel date, shown as one
                assert cell.is_date and cell.number_format == "yyyy-mm-dd"
                assert cell.value.date() == date.fromisoformat(value), (want["id"], name)
            elif name in ("first_seen", "last_seen"):  # UTC wall time; Excel keeps milliseconds
                assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm:ss"
                assert abs((cell.value - datetime.fromisoformat(value)).total_seconds()) < 0.001
            elif name == "attachment_names":
                assert json.loads(cell.value) == value
            else:
                assert cell.value == value, (want["id"], name)
    bodies = [cells[COLUMN_NAMES.index("body_text")].value for cells in rows]
    korean = [text for text in bodies if text and HANGUL.search(text)]
    assert korean and any("\n\n" in text for text in korean)
    assert "관리자" in {cells[COLUMN_NAMES.index("author")].value for cells in rows}
    dictionary = list(openpyxl.load_workbook(out)["columns"].iter_rows(values_only=True))
    assert dictionary[0] == ("column", "type", "meaning", "example")
    assert dictionary[1:] == [(c.name, c.type, c.meaning, c.example) for c in EXPORT_COLUMNS]
    assert not list(tmp_path.glob(".*partial"))


def test_xlsx_cuts_a_body_over_the_cell_limit_and_says_so(tmp_path):
    from storage.database.export import XLSX_CELL_LIMIT, cut_marker

    long_body = ("경기도 보도자료 본문입니다. " * 3000)[:40_000]
    astral = "𝐀" * 20_000   # outside the BMP: two UTF-16 units each, as Excel counts them
    records = [
        record("alpha", "1", date(2020, 1, 2), "ko", body_text=long_body),
        record("alpha", "2", date(2020, 1, 3), body_text=astral),
        record("alpha", "3", date(2020, 1, 4), title="=HYPERLINK(\"http://x\",\"y\")",
               body_text="a\x00b\x0bc\td\ne\ufffef"),
        record("alpha", "4", date(2020, 1, 5), body_text="short"),
    ]
    url = store(f"sqlite:///{tmp_path / 'long.sqlite'}", records)
    out = tmp_path / "long.xlsx"
    result = export(url, "--format", "xlsx", "-o", str(out))
    assert result.returncode == 0, result.stderr
    _, rows = xlsx_rows(out)
    body = {r[COLUMN_NAMES.index("board_id")].value: r[COLUMN_NAMES.index("body_text")].value for r in rows}
    marker = cut_marker(40_000)
    assert len(body["1"]) == XLSX_CELL_LIMIT and body["1"].endswith(marker)
    assert body["1"] == long_body[:XLSX_CELL_LIMIT - len(marker)] + marker
    assert "40,000 characters" in marker and "32,767" in marker
    units = len(body["2"].encode("utf-16-le")) // 2
    assert units <= XLSX_CELL_LIMIT and body["2"].endswith(cut_marker(20_000))
    assert body["3"] == "a\ufffdb\ufffdc\td\ne\ufffdf"  # what XML cannot hold is marked, not dropped
    assert body["4"] == "short"
    title = next(r for r in rows if r[COLUMN_NAMES.index("board_id")].value == "3")[COLUMN_NAMES.index("title")]
    assert (title.data_type, title.value) == ("s", "=HYPERLINK(\"http://x\",\"y\")")  # never a formula


def test_csv_with_bom_starts_with_the_byte_order_mark_and_is_otherwise_the_same(small_db, tmp_path):
    url = f"sqlite:///{small_db}"
    plain = run_cli_bytes("export", "--database-url", url)
    with_bom = run_cli_bytes("export", "--database-url", url, "--bom")
    assert with_bom.returncode == 0, with_bom.stderr
    assert with_bom.stdout[:3] == b"\xef\xbb\xbf" and with_bom.stdout[3:] == plain.stdout
    assert with_bom.stdout[3:].startswith(b"id,source,") and "관리자".encode() in with_bom.stdout
    out = tmp_path / "bom.csv"
    assert run_cli("export", "--database-url", url, "--bom", "-o", str(out)).returncode == 0
    assert out.read_bytes() == with_bom.stdout
    assert plain.stdout[:3] != b"\xef\xbb\xbf"
    wrong = run_cli("export", "--database-url", url, "--bom", "--format", "jsonl")
    assert (wrong.returncode, wrong.stderr.strip()) == (2, "bulletins: error: --bom is for CSV only, not jsonl")


def run_cli_bytes(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("BULLETINS_DATABASE_URL", "BULLETINS_WARC_DIR")}
    return subprocess.run([str(BIN / "bulletins"), *args], env=env, capture_output=True, timeout=300)


BLOCK_OPENPYXL = '''
import sys


class _Blocked:
    def find_spec(self, name, path=None, target=None):
        if name == "openpyxl" or name.startswith("openpyxl."):
            raise ImportError(f"{name} hidden by the test")
        return None


sys.meta_path.insert(0, _Blocked())
'''


def test_without_openpyxl_xlsx_export_names_the_extra(small_db, tmp_path):
    blocker = tmp_path / "blocked"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCK_OPENPYXL)
    env = {"PYTHONPATH": str(blocker)}
    result = run_cli("export", "--database-url", f"sqlite:///{small_db}", "--format", "xlsx",
                     "-o", str(tmp_path / "x.xlsx"), env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == ("bulletins: error: Excel export needs openpyxl: "
                                     "pip install 'bulletin-archiver[xlsx]'")
    assert not (tmp_path / "x.xlsx").exists() and not list(tmp_path.glob(".*partial"))
    csv_still_works = run_cli("export", "--database-url", f"sqlite:///{small_db}", "--bom", env=env)
    assert csv_still_works.returncode == 0, csv_still_works.stderr


def test_an_empty_xlsx_export_has_the_header_row_alone(small_db, tmp_path):
    out = tmp_path / "empty.xlsx"
    result = export(f"sqlite:///{small_db}", "--format", "xlsx", "-o", str(out), "--lang", "ja")
    assert result.returncode == 0, result.stderr
    header, rows = xlsx_rows(out)
    assert (header, rows) == (list(COLUMN_NAMES), [])
    binary = export(f"sqlite:///{small_db}", "--format", "xlsx")
    assert (binary.returncode, binary.stderr.strip()) == (
        2, "bulletins: error: xlsx is binary: give a file with -o/--output")


def test_help_names_the_excel_options():
    result = run_cli("export", "--help")
    for needle in ("xlsx", "--bom", "bulletin-archiver[xlsx]", "32,767"):
        assert needle in result.stdout
