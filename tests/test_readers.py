"""The commands that only read (search, export, show, report): read access is all they need, they
never create or upgrade a database, an unusable database or URL is one line, and the boards' text
reaches the terminal without its control sequences."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from scraper.cli import main
from scraper.terminal import json_text, printable
from storage.database.articles import ArticleRecord, save_article
from storage.config import StorageError
from storage.database.db import make_engine, make_reader, session

from .conftest import BIN, run_cli

SEEN = datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)
# A title and a body as a hostile (or broken) board may print them: an OSC that retitles the
# terminal window, a CSI that clears the screen, the 8-bit CSI, a carriage return, a bell.
TITLE = "경기도 \x1b]0;owned\x07국제협력 \x1b[2J\x1b[31mnetwork\x1b[0m\x9b1m day\r"
BODY = "첫 문단\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ 끝\n\n둘째\t문단\x07"
SHOWN_TITLE = "경기도 국제협력 network day"
CONTROL = ("\x1b", "\x07", "\x9b", "\r", "\x9d")

READERS = [["search", "국제협력"], ["export", "--format", "jsonl"], ["show", "gyeonggi:1"],
           ["report", "-o", "{out}"]]


def fill(url: str) -> None:
    engine = make_engine(url)
    with session(engine) as db:
        save_article(db, ArticleRecord(source="gyeonggi", board_id="1", url="http://127.0.0.1/view?id=1",
                                       title=TITLE, published=date(2026, 10, 2), body_text=BODY,
                                       language="ko"), SEEN)
        save_article(db, ArticleRecord(source="gyeonggi", board_id="2", url="http://127.0.0.1/view?id=2",
                                       title="경기도 일자리", published=date(2026, 9, 1),
                                       body_text="청년 일자리", language="ko"), SEEN)
        db.commit()
    engine.dispose()


@pytest.fixture
def read_only(tmp_path):
    """A database file and its folder chmod'ed read-only (restored afterwards)."""
    folder = tmp_path / "archive"
    fill(f"sqlite:///{folder / 'bulletins.sqlite'}")
    for leftover in folder.glob("bulletins.sqlite-*"):  # as after the last writer closed
        leftover.unlink()
    (folder / "bulletins.sqlite").chmod(0o444)
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)
    (folder / "bulletins.sqlite").chmod(0o644)


def unprivileged() -> list[str] | None:
    """A command prefix under which chmod binds: none needed for a normal user; for root, a user
    namespace (`unshare --user`: the same files, seen without root's override); None when there
    is no way (then only the read-only mode itself is checked, by the other tests)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("unshare") is None:
        return None
    probe = subprocess.run(["unshare", "--user", "true"], capture_output=True)
    return ["unshare", "--user"] if probe.returncode == 0 else None


def test_readers_need_read_access_only(read_only, tmp_path):
    prefix = unprivileged()
    if prefix is None:
        pytest.skip("running as root without user namespaces: chmod cannot stop root "
                    "(test_a_reader_opens_sqlite_read_only checks the mode instead)")
    denied = subprocess.run([*prefix, "touch", str(read_only / "probe")], capture_output=True)
    assert denied.returncode != 0, "the folder must really be read-only for this test"
    before = sorted(p.name for p in read_only.iterdir())
    url = f"sqlite:///{read_only / 'bulletins.sqlite'}"
    outputs = {}
    for command in READERS:
        args = [a.format(out=tmp_path / "report.html") for a in command]
        result = subprocess.run([*prefix, str(BIN / "bulletins"), *args, "--database-url", url],
                                cwd=tmp_path, text=True, capture_output=True, timeout=120)
        assert result.returncode == 0, (args, result.stderr)
        assert "cannot write" not in result.stderr
        outputs[args[0]] = result.stdout
    assert "   경기도 [국제협력] network day" in outputs["search"].splitlines()
    assert outputs["search"].splitlines()[-1] == "1 result"
    assert {json.loads(line)["board_id"] for line in outputs["export"].splitlines()} == {"1", "2"}
    assert f"title:       {SHOWN_TITLE}" in outputs["show"].splitlines()
    assert (tmp_path / "report.html").stat().st_size > 0
    assert sorted(p.name for p in read_only.iterdir()) == before  # nothing made beside the file


def test_a_reader_opens_sqlite_read_only(tmp_path):
    """What makes the above hold for any user, root included: the reader's connections are
    read-only (mode=ro), so a write through its engine fails even where the file is writable."""
    url = f"sqlite:///{tmp_path / 'bulletins.sqlite'}"
    fill(url)
    engine = make_reader(url)
    with engine.connect() as connection:
        assert connection.execute(text("select count(*) from article")).scalar() == 2
        with pytest.raises(OperationalError, match="attempt to write a readonly database"):
            connection.execute(text("update article set title = 'x'"))
    engine.dispose()
    with sqlite3.connect(tmp_path / "bulletins.sqlite") as con:
        assert con.execute("select count(*) from article where title = 'x'").fetchone() == (0,)


@pytest.mark.parametrize("command", READERS, ids=lambda c: c[0])
def test_a_reader_on_no_database_is_one_line_and_makes_none(command, tmp_path):
    missing = tmp_path / "data" / "none.sqlite"
    args = [a.format(out=tmp_path / "report.html") for a in command]
    result = run_cli(*args, "--database-url", f"sqlite:///{missing}", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"bulletins: error: no database at {missing}"]
    assert not (tmp_path / "data").exists()


def test_a_reader_never_creates_tables_nor_upgrades(tmp_path):
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()  # a SQLite file with nothing in it
    with pytest.raises(StorageError, match="holds no bulletin-archiver tables"):
        make_reader(f"sqlite:///{empty}")
    with sqlite3.connect(empty) as con:
        assert con.execute("select count(*) from sqlite_master").fetchone() == (0,)

    old = tmp_path / "old.sqlite"
    fill(f"sqlite:///{old}")
    with sqlite3.connect(old) as con:
        con.execute("update alembic_version set version_num = '0004'")
    result = run_cli("search", "경기도", "--database-url", f"sqlite:///{old}", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "bulletins: error: the database schema is older than this version of bulletin-archiver: "
        "run `bulletins db upgrade`"]
    with sqlite3.connect(old) as con:
        assert con.execute("select version_num from alembic_version").fetchone() == ("0004",)


# --- databases and URLs that cannot be used: one line, exit 2 ----------------------------------


def bad_urls(folder: Path) -> dict[str, tuple[str, str]]:
    """id -> (URL, the one line expected)."""
    text_file = folder / "notes.sqlite"
    text_file.write_text("not a database, a text file\n" * 100, encoding="utf-8")
    urls = {
        "text-file": (f"sqlite:///{text_file}",
                      f"cannot open the database sqlite:///{text_file}: file is not a database"),
        "unknown-kind": ("foo://", "unsupported database URL foo://: bulletin-archiver stores into "
                                   "sqlite:///FILE or postgresql+psycopg://USER@HOST/DATABASE"),
        "unparsable": (":::", "cannot parse the database URL ':::': expected sqlite:///FILE or "
                              "postgresql+psycopg://USER@HOST/DATABASE"),
    }
    if importlib.util.find_spec("psycopg2") is None:
        urls["no-driver"] = ("postgresql+psycopg2://bulletins:secret@127.0.0.1:9/archive",
                             "cannot use the database URL postgresql+psycopg2://bulletins:***@127.0.0.1:9/archive: "
                             "its driver psycopg2 is not installed (for PostgreSQL: pip install psycopg, URL "
                             "postgresql+psycopg://…)")
    return urls


@pytest.mark.parametrize("command", [*READERS, ["crawl", "gyeongbuk"], ["db", "current"], ["sources"]],
                         ids=lambda c: c[0] if c[0] != "db" else "db current")
def test_an_unusable_database_or_url_is_one_line(command, tmp_path):
    args = [a.format(out=tmp_path / "report.html") for a in command]
    for kind, (url, message) in bad_urls(tmp_path).items():
        result = run_cli(*args, "--database-url", url, cwd=tmp_path)
        if command == ["db", "current"] and kind == "text-file":  # storage.database.schema's own wording
            message = "cannot read the database: DatabaseError: file is not a database"
        assert (result.returncode, result.stderr.splitlines()) == (2, [f"bulletins: error: {message}"]), kind
        assert "secret" not in result.stderr
    if command[0] != "crawl":  # a crawl makes its WARC folder (./data/warc) before it opens the database
        assert not (tmp_path / "data").exists()


def test_export_to_an_empty_file_name_is_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'bulletins.sqlite'}"
    fill(url)
    result = run_cli("export", "-o", "", "--database-url", url, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["bulletins: error: -o/--output: expected a file name, got ''"]


# --- the boards' text on a terminal ------------------------------------------------------------


def test_printable_removes_sequences_and_controls_and_keeps_the_text():
    assert printable(TITLE) == SHOWN_TITLE
    assert printable(BODY) == "첫 문단link 끝\n\n둘째\t문단"
    assert printable("an OSC never ended \x1b]0;title") == "an OSC never ended 0;title"
    assert printable("\x1b7saved\x1b8 \x1b(Bascii\x00\x7f") == "saved ascii"


def test_json_keeps_the_text_whole_with_every_control_escaped():
    out = json_text({"title": TITLE})
    assert not any(c in out for c in CONTROL)
    assert json.loads(out) == {"title": TITLE}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'bulletins.sqlite'}"
    fill(url)
    return url


@pytest.mark.parametrize("command", [["show", "gyeonggi:1"], ["search", "국제협력"], ["search", "문단"]],
                         ids=" ".join)
def test_show_and_search_print_no_control_sequences(command, hostile_db):
    result = CliRunner().invoke(main, [*command, "--database-url", hostile_db])
    assert result.exit_code == 0, result.output
    assert not any(c in result.stdout for c in CONTROL), repr(result.stdout)
    if command[0] == "show":
        assert f"title:       {SHOWN_TITLE}" in result.stdout.splitlines()
        assert "  첫 문단link 끝" in result.stdout.splitlines()
    else:
        assert "1 result" in result.stdout


@pytest.mark.parametrize("command", [["show", "gyeonggi:1", "--json"], ["search", "국제협력", "--json"]],
                         ids=" ".join)
def test_json_output_is_inert_and_exact(command, hostile_db):
    result = CliRunner().invoke(main, [*command, "--database-url", hostile_db])
    assert result.exit_code == 0, result.output
    assert not any(c in result.stdout for c in CONTROL)
    data = json.loads(result.stdout)
    title = data["article"]["title"] if command[0] == "show" else data[0]["title"]
    assert title == TITLE


def test_a_postgresql_reader_reads_in_read_only_transactions_and_creates_nothing(postgres):
    import psycopg
    from sqlalchemy.exc import InternalError

    from .databases import dispose, new_postgres_database

    empty = new_postgres_database(postgres, "reader_empty")
    with pytest.raises(StorageError, match="holds no bulletin-archiver tables"):
        make_reader(empty)
    filled = new_postgres_database(postgres, "reader_filled")
    fill(filled)
    dispose(filled)
    engine = make_reader(filled)
    with engine.connect() as connection:
        assert connection.execute(text("select count(*) from article")).scalar() == 2
        with pytest.raises(InternalError, match="read-only transaction"):
            connection.execute(text("update article set title = 'x'"))
    engine.dispose()
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user=postgres.user,
                         dbname=empty.rsplit("/", 1)[1]) as con:
        assert con.execute("select count(*) from pg_tables where schemaname = 'public'").fetchone() == (0,)
