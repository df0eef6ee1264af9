"""Crash safety: kill -9 of real crawls, then `bulletins archive repair` (storage.webarchive.repair)."""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

import pytest

from scraper.processes import start, stop
from scraper.replica import Board, ReplicaServer
from storage.database.articles import ArticleRecord, save_article
from storage.database.db import make_engine, session
from storage.database.models import PayloadDigest
from storage.webarchive.repair import RowFixes, repair_directory
from storage.webarchive.warc import HttpExchange, RecordLocation, WarcWriter, iter_records, read_record

from .conftest import BIN, REPO

# Until scraper/cli/__init__.py imports archive_repair, the command is registered here.
BOOT = "import scraper.cli.archive_repair; from scraper.cli import main; main(prog_name='bulletins')"
CREATED = datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the tests' database and WARC folder, "today" pinned: plain
    re-runs fetch what their horizon says, and the replica's 2021-2023 articles are all older."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("BULLETINS_DATABASE_URL", "BULLETINS_WARC_DIR")}
    return {**env, "BULLETINS_TODAY": "2026-11-30", **extra}


def repair_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BOOT, "archive", "repair", *args], cwd=cwd,
                          env=clean_env(), text=True, capture_output=True, timeout=120)


def warcio_check(path: Path) -> None:
    result = subprocess.run([str(BIN / "warcio"), "check", "-v", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{path.name}:\n{result.stdout}{result.stderr}"


def starts_with_complete_gzip_member(data: bytes) -> bool:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        inflater.decompress(data)
    except zlib.error:
        return False
    return inflater.eof


def pointers(db: Path) -> list[tuple[str, int, str]]:
    """(file, offset, record id) of every article pointer, capture and payload digest row."""
    with sqlite3.connect(db) as con:
        return con.execute(
            "select warc_file, warc_offset, warc_record_id from article where warc_file is not null"
            " union all select warc_file, warc_offset, warc_record_id from capture"
            " union all select warc_file, warc_offset, warc_record_id from payloaddigest").fetchall()


def assert_every_row_points_at_its_record(db: Path, warc_dir: Path) -> None:
    for name, offset, record_id in pointers(db):
        assert (warc_dir / name).exists(), f"a row points into {name}, not a finished file"
        assert read_record(warc_dir, name, offset).record_id == record_id, (name, offset)


# --- unit: a torn file made from a real writer's open file -----------------------------------


def exchange(n: int, size: int = 30_000) -> HttpExchange:
    body = Random(n).randbytes(size)  # incompressible: every record spans many gzip blocks
    return HttpExchange(
        url=f"http://127.0.0.1:8000/blog/english-news/{1000 + n}", method="GET",
        request_headers=[("Accept", "*/*")], request_body=b"", protocol="HTTP/1.1", status=200,
        reason=None, response_headers=[("Content-Type", "application/octet-stream"),
                                       ("Content-Length", str(size))],
        body=body, ip_address="127.0.0.1", date=CREATED + timedelta(seconds=n))


def crashed_file(tmp_path: Path, exchanges: int = 4
                 ) -> tuple[Path, list[RecordLocation], list[tuple[int, int, str]]]:
    """A copy of a live writer's NAME.warc.gz.open (what kill -9 leaves), its response locations
    and (start, end, record id) of every record as warcio reads the finished original."""
    live, crash = tmp_path / "live", tmp_path / "warc"
    crash.mkdir(exist_ok=True)
    writer = WarcWriter(live, hostname="unit", clock=lambda: CREATED)
    locations = [writer.write_exchange(exchange(n)) for n in range(exchanges)]
    snapshot = crash / writer.current_path.name
    shutil.copyfile(writer.current_path, snapshot)
    writer.close()
    finished = writer.finished[0]
    offsets = [(offset, record.record_id) for offset, record in iter_records(finished)]
    ends = [offset for offset, _ in offsets[1:]] + [finished.stat().st_size]
    members = [(start, end, ident) for (start, ident), end in zip(offsets, ends)]
    assert snapshot.read_bytes() == finished.read_bytes()
    return snapshot, locations, members


def cut_at(locations: list[RecordLocation], where: str) -> int:
    third = locations[2]
    return {
        "inside-a-response": third.offset + third.length // 2,
        "inside-a-request": third.offset + third.length + 40,
        "in-a-gzip-trailer": locations[3].offset - 3,
        "between-records": locations[3].offset,
        "inside-warcinfo": locations[0].offset // 2,
        "empty": 0,
    }[where]


@pytest.mark.parametrize(("where", "kept"), [  # warcinfo, then a response and a request each
    ("inside-a-response", 5), ("inside-a-request", 6), ("in-a-gzip-trailer", 6),
    ("between-records", 7), ("inside-warcinfo", 0), ("empty", 0)])
def test_repair_keeps_exactly_the_complete_records_and_a_second_run_changes_nothing(tmp_path, where,
                                                                                   kept):
    path, locations, members = crashed_file(tmp_path)
    cut = cut_at(locations, where)
    original = path.read_bytes()
    with open(path, "r+b") as fh:
        fh.truncate(cut)
    survivors = [(start, end, ident) for start, end, ident in members if end <= cut]
    assert len(survivors) == kept
    final = path.with_name(path.name.removesuffix(".open"))

    report = repair_directory(path.parent)

    assert not path.exists()
    if not survivors:  # nothing but a torn warcinfo, or nothing at all
        assert list(path.parent.iterdir()) == []
        assert [(f.action, f.name, f.size) for f in report.files] == [("removed", final.name, cut)]
    else:
        end = survivors[-1][1]
        assert final.read_bytes() == original[:end]
        assert [(offset, r.record_id) for offset, r in iter_records(final)] == [
            (start, ident) for start, _, ident in survivors]
        warcio_check(final)
        (outcome,) = report.files
        assert (outcome.action, outcome.records, outcome.bytes_cut) == ("closed", len(survivors),
                                                                        cut - end)
    if where == "inside-a-request":  # the response of a half-written exchange is kept
        assert survivors[-1][2] == locations[2].record_id
    if where == "between-records":
        assert report.files[0].bytes_cut == 0

    snapshot = sorted((p.name, p.read_bytes()) for p in path.parent.iterdir())
    again = repair_directory(path.parent)
    assert not again.changed and again.files == []
    assert again.lines() == [f"nothing to repair in {path.parent}"]
    assert sorted((p.name, p.read_bytes()) for p in path.parent.iterdir()) == snapshot


def test_zeros_after_the_last_record_are_cut(tmp_path):
    """What a power cut can leave: the file grew, its last pages never reached the disk."""
    path, locations, _ = crashed_file(tmp_path)
    with open(path, "r+b") as fh:
        fh.truncate(locations[3].offset)
        fh.seek(0, os.SEEK_END)
        fh.write(bytes(4096))
    (outcome,) = repair_directory(path.parent).files
    assert (outcome.action, outcome.records, outcome.bytes_cut) == ("closed", 7, 4096)
    warcio_check(path.with_name(path.name.removesuffix(".open")))


@pytest.mark.parametrize("damage", ["a-changed-byte", "a-short-block"])
def test_a_member_that_inflates_but_holds_a_broken_record_is_cut(tmp_path, damage):
    path, _, members = crashed_file(tmp_path)
    data = path.read_bytes()
    start, end, _ = members[-1]  # the last request record
    record = gzip.decompress(data[start:end])
    broken = (record.replace(b"Accept: */*", b"Accept: */+") if damage == "a-changed-byte"
              else record[:-14] + b"\r\n\r\n")
    member = gzip.compress(broken)  # a sound gzip member around a broken record
    path.write_bytes(data[:start] + member)
    (outcome,) = repair_directory(path.parent).files
    assert (outcome.records, outcome.bytes_cut) == (len(members) - 1, len(member))
    assert path.with_name(path.name.removesuffix(".open")).read_bytes() == data[:start]


def test_an_open_file_whose_final_name_exists_is_left_alone(tmp_path):
    path, _, _ = crashed_file(tmp_path)
    final = path.with_name(path.name.removesuffix(".open"))
    final.write_bytes(b"someone else's file")
    before = path.read_bytes()
    report = repair_directory(path.parent)
    assert report.lines() == [f"left {path.name} as it is: {final.name} exists too"]
    assert path.read_bytes() == before and final.read_bytes() == b"someone else's file"


def article(board_id: str, location: RecordLocation) -> ArticleRecord:
    return ArticleRecord(source="gyeonggi-en", board_id=board_id, title=f"Article {board_id}",
                         url=f"http://127.0.0.1:8000/blog/english-news/{board_id}",
                         warc_file=location.filename, warc_offset=location.offset,
                         warc_record_id=location.record_id, captured_at=location.captured_at)


def table(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return sorted(con.execute(sql).fetchall())


def test_rows_pointing_past_the_cut_move_to_an_older_capture_or_lose_their_pointer(tmp_path):
    warc_dir, db = tmp_path / "warc", tmp_path / "bulletins.sqlite"
    url = f"sqlite:///{db}"
    # A previous crawl's finished file holds an older capture of article 2.
    with WarcWriter(warc_dir, prefix="EARLIER", hostname="unit") as earlier:
        older = earlier.write_exchange(exchange(9))
    path, locations, _ = crashed_file(tmp_path)
    with session(make_engine(url)) as s:
        save_article(s, article("2", older), CREATED - timedelta(days=1))
        s.commit()
        save_article(s, article("1", locations[0]), CREATED)  # kept by the cut
        save_article(s, article("2", locations[2]), CREATED)  # cut: back to the older capture
        save_article(s, article("3", locations[3]), CREATED)  # cut, its only capture
        for kept_or_cut in (locations[1], locations[3]):  # the digest index behind revisits
            s.add(PayloadDigest(digest=kept_or_cut.payload_digest, url="http://127.0.0.1:8000/a.pdf",
                                warc_record_id=kept_or_cut.record_id, warc_date="2025-03-04T05:06:08Z",
                                warc_file=kept_or_cut.filename, warc_offset=kept_or_cut.offset))
        s.commit()
    with open(path, "r+b") as fh:
        fh.truncate(locations[2].offset + 100)

    report = repair_directory(warc_dir, url)

    assert report.rows == RowFixes(captures_deleted=2, digests_deleted=1, articles_moved=1,
                                   articles_cleared=1)
    assert table(db, "select board_id, title, warc_file, warc_offset, warc_record_id from article") == [
        ("1", "Article 1", locations[0].filename, locations[0].offset, locations[0].record_id),
        ("2", "Article 2", older.filename, older.offset, older.record_id),
        ("3", "Article 3", None, None, None),
    ]
    assert table(db, "select warc_record_id from capture") == sorted(
        [(locations[0].record_id,), (older.record_id,)])
    assert table(db, "select warc_record_id from payloaddigest") == [(locations[1].record_id,)]
    assert_every_row_points_at_its_record(db, warc_dir)
    assert report.lines()[-1] == (
        "database: 2 capture rows deleted, 1 payload digest row deleted, 1 article pointed at its"
        " newest remaining capture, 1 article left without a WARC pointer (no capture left)")

    def dump() -> list[tuple]:
        return [row for name in ("article", "capture", "payloaddigest")
                for row in table(db, f"select * from {name}")]

    before = dump()
    again = repair_directory(warc_dir, url, verify_all=True)
    assert not again.changed and again.problems == 0
    assert dump() == before


def test_a_file_whose_writer_holds_its_lock_is_left_alone(tmp_path):
    path, locations, _ = crashed_file(tmp_path)
    with open(path, "r+b") as fh:
        fh.truncate(locations[1].offset + 10)
    before = path.read_bytes()
    holder = start(
        [sys.executable, "-c", "import fcntl, sys; f = open(sys.argv[1], 'rb');"
         " fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        report = repair_directory(path.parent)
        assert [(f.action, f.line()) for f in report.files] == [
            ("skipped", f"skipped {path.name}: a running crawl is writing it")]
        assert path.read_bytes() == before
    finally:
        holder.stdin.close()
        stop(holder, None, timeout=30)
    assert [f.action for f in repair_directory(path.parent).files] == ["closed"]


WRITER = """
import sys
from datetime import UTC, datetime
from storage.webarchive.warc import HttpExchange, WarcWriter
def exchange():
    return HttpExchange(url="http://127.0.0.1:8000/x", method="GET", request_headers=[],
        request_body=b"", protocol="HTTP/1.1", status=200, reason=None,
        response_headers=[("Content-Length", "2")], body=b"ok", ip_address=None, date=datetime.now(UTC))
writer = WarcWriter(sys.argv[1], hostname="live")
writer.write_exchange(exchange())
print(writer.current_path, flush=True)
sys.stdin.read()
writer.write_exchange(exchange())
writer.close()
"""


def test_repair_while_another_crawl_writes_leaves_its_file_to_it(tmp_path):
    """Repair runs at every crawl start, maybe while another source's crawl writes here."""
    writer = start([sys.executable, "-c", WRITER, str(tmp_path)], cwd=REPO,
                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        open_path = Path(writer.stdout.readline().strip())
        with open(open_path, "rb") as probe:
            try:
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass
            else:
                pytest.skip("storage.webarchive.warc.WarcWriter does not flock its open file yet")
        before = open_path.read_bytes()
        result = repair_cli("--warc-dir", str(tmp_path), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == [f"skipped {open_path.name}: a running crawl is writing it"]
        assert open_path.read_bytes() == before
    finally:
        writer.stdin.close()
        assert stop(writer, None, timeout=60) == 0
    final = open_path.with_name(open_path.name.removesuffix(".open"))
    assert len(list(iter_records(final))) == 5  # warcinfo and two exchanges, by its own writer
    warcio_check(final)


def test_a_new_writer_never_overwrites_a_repaired_file(tmp_path):
    """Names are creation time + serial + host; even the same instant cannot clobber a file."""
    path, _, _ = crashed_file(tmp_path)
    repair_directory(path.parent)
    final = path.with_name(path.name.removesuffix(".open"))
    kept = final.read_bytes()
    same_name = WarcWriter(path.parent, hostname="unit", clock=lambda: CREATED)
    with pytest.raises(FileExistsError):
        same_name.write_exchange(exchange(0))
    assert final.read_bytes() == kept and sorted(p.name for p in path.parent.iterdir()) == [final.name]


# --- the command ------------------------------------------------------------------------------


def test_repair_help():
    result = repair_cli("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: bulletins archive repair")
    for word in ("--warc-dir", "--database-url", "--all", "BULLETINS_WARC_DIR", "BULLETINS_DATABASE_URL"):
        assert word in result.stdout


def test_missing_folder_is_a_one_line_error(tmp_path):
    result = repair_cli("--warc-dir", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"bulletins: error: no WARC folder at {tmp_path / 'nowhere'}"]
    assert list(tmp_path.iterdir()) == []


def test_unusable_database_is_a_one_line_error_before_any_file_is_touched(tmp_path):
    path, locations, _ = crashed_file(tmp_path)
    with open(path, "r+b") as fh:
        fh.truncate(locations[2].offset + 500)
    before = path.read_bytes()
    result = repair_cli("--warc-dir", "warc", "--database-url", "nosuchdb://x", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("bulletins: error: ") and "nosuchdb" in lines[0]
    assert path.read_bytes() == before


def test_command_prints_what_it_did_and_never_creates_a_database(tmp_path):
    path, locations, _ = crashed_file(tmp_path)
    with open(path, "r+b") as fh:
        fh.truncate(locations[2].offset + 500)
    name = path.name.removesuffix(".open")
    result = repair_cli("--warc-dir", "warc", cwd=tmp_path)  # default database: ./data/...
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"closed {name}: 5 complete records kept, 500 bytes after the last complete record cut",
        "database sqlite:///data/bulletins.sqlite not found: rows not checked"]
    assert not (tmp_path / "data").exists()
    again = repair_cli("--warc-dir", "warc", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "nothing to repair in warc\n")


def test_all_reports_damaged_finished_files_and_rows_into_missing_files_and_leaves_them(tmp_path):
    warc_dir, db = tmp_path / "warc", tmp_path / "bulletins.sqlite"
    with WarcWriter(warc_dir, hostname="unit") as writer:
        first = writer.write_exchange(exchange(1))
        second = writer.write_exchange(exchange(2))
    damaged = writer.finished[0]
    with open(damaged, "r+b") as fh:
        fh.truncate(damaged.stat().st_size - 100)
    before = damaged.read_bytes()
    gone = RecordLocation("BULLETINS-20200101000000000-00000-gone.warc.gz", 0, 10, "<urn:uuid:x>")
    with session(make_engine(f"sqlite:///{db}")) as s:
        save_article(s, article("1", first), CREATED)
        save_article(s, article("2", gone), CREATED)
        s.commit()
    rows = table(db, "select * from article")

    plain = repair_cli("--warc-dir", str(warc_dir), "--database-url", f"sqlite:///{db}")
    assert (plain.returncode, plain.stdout) == (0, f"nothing to repair in {warc_dir}\n")

    result = repair_cli("--all", "--warc-dir", str(warc_dir), "--database-url", f"sqlite:///{db}")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [  # the second request was torn
        f"damaged {damaged.name}: only its first {second.offset + second.length} of"
        f" {len(before)} bytes hold complete records (4); left as it is",
        f"database: 2 rows point into {gone.filename}, which is not in {warc_dir};"
        " left as they are"]
    assert damaged.read_bytes() == before and table(db, "select * from article") == rows


# --- kill -9 of real crawls -------------------------------------------------------------------

ARTICLES = 400


class CrashedCrawls:
    """One folder that real crawls write into and get killed in, one after another."""

    def __init__(self, folder: Path, board: Board, server: ReplicaServer):
        self.folder, self.board, self.server = folder, board, server
        self.warc = folder / "warc"
        self.db = folder / "bulletins.sqlite"
        self.url = f"sqlite:///{self.db}"
        self.exchanges = (len(board.articles) + len(board.notices) + len(board.attachments)
                          + board.page_count())  # a full crawl, robots.txt and retries aside
        self.runs = 0
        self.verified: dict[str, bytes] = {}  # finished files warcio passed, with their bytes

    def check_finished_files(self) -> None:
        """New finished files pass warcio check; those checked before have not changed."""
        for path in self.finished():
            if path.name in self.verified:
                assert path.read_bytes() == self.verified[path.name], f"{path.name} changed"
            else:
                warcio_check(path)
                self.verified[path.name] = path.read_bytes()

    def start(self, *, full: bool = True, rotate_at: int | None = None) -> subprocess.Popen:
        """A crawl in the background; `full` so that each one has the whole board to fetch."""
        self.runs += 1
        if rotate_at is None:
            command = [str(BIN / "bulletins"), "crawl", "gyeonggi-en", "--base-url", self.server.base_url,
                       "--database-url", self.url, "--warc-dir", str(self.warc)] + ["--full"] * full
            cwd, env = self.folder, clean_env()
        else:  # the same crawl through scrapy, with small files so it rotates while it runs
            command = [str(BIN / "scrapy"), "crawl", "gyeonggi-en", "-a", f"base_url={self.server.base_url}",
                       "-a", f"full={full}", "-s", f"BULLETINS_WARC_MAX_SIZE={rotate_at}"]
            cwd, env = REPO, clean_env(BULLETINS_DATABASE_URL=self.url, BULLETINS_WARC_DIR=str(self.warc))
        with open(self.folder / f"crawl-{self.runs}.log", "w") as log:
            return start(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)

    def crawl_to_the_end(self, *, full: bool) -> None:
        crawl = self.start(full=full)
        assert stop(crawl, None, timeout=300) == 0, (self.folder / f"crawl-{self.runs}.log").read_text()

    def kill_when(self, crawl: subprocess.Popen, reached, moment: str) -> None:
        deadline = time.monotonic() + 300  # a safety net for a hung crawl, not a measurement
        while not reached():
            assert crawl.poll() is None, f"crawl {self.runs} ended before {moment}"
            assert time.monotonic() < deadline, f"crawl {self.runs} never reached {moment}"
            time.sleep(0.002)
        assert stop(crawl, signal.SIGKILL, timeout=60) == -signal.SIGKILL

    def open_bytes(self) -> int:
        total = 0
        for path in self.warc.glob("*.open"):
            try:
                total += path.stat().st_size
            except FileNotFoundError:  # renamed by rotation meanwhile
                pass
        return total

    def finished(self) -> list[Path]:
        return sorted(self.warc.glob("*.warc.gz"))

    def articles(self) -> int:
        if not self.db.exists():
            return 0
        try:
            with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True) as con:
                return con.execute("select count(*) from article").fetchone()[0]
        except sqlite3.OperationalError:  # no table yet
            return 0

    def check_and_repair(self) -> str:
        """After a kill: finished files valid; repair closes the open one without losing a
        complete record; no row points at a record missing on disk. Returns what repair said."""
        self.check_finished_files()
        (open_path,) = self.warc.glob("*.open")
        torn = open_path.read_bytes()
        final = open_path.with_name(open_path.name.removesuffix(".open"))
        articles = self.articles()

        result = repair_cli("--warc-dir", str(self.warc), "--database-url", self.url)

        assert result.returncode == 0, result.stderr
        assert list(self.warc.glob("*.open")) == []
        if final.exists():
            kept = final.read_bytes()
            assert torn.startswith(kept)
            assert not starts_with_complete_gzip_member(torn[len(kept):])  # no complete record cut
            assert result.stdout.startswith(f"closed {final.name}: ")
        else:
            assert not starts_with_complete_gzip_member(torn)
            assert result.stdout.startswith(f"removed {open_path.name}: no complete record")
        assert self.articles() == articles  # repair never drops an article
        if self.db.exists():
            assert_every_row_points_at_its_record(self.db, self.warc)
        self.check_finished_files()  # the repaired file among them
        assert not repair_directory(self.warc, self.url).changed  # a second run has nothing to do
        return result.stdout


@pytest.fixture(scope="module")
def replica():
    board = Board(articles=ARTICLES)
    with ReplicaServer(board) as server:
        yield board, server


def test_crawls_killed_at_several_moments_recover_and_a_new_crawl_completes(tmp_path, replica):
    board, server = replica
    crawls = CrashedCrawls(tmp_path, board, server)
    said = []

    crawl = crawls.start()
    crawls.kill_when(crawl, lambda: crawls.open_bytes() > 0, "its first WARC bytes")
    said.append(crawls.check_and_repair())

    crawl = crawls.start()
    crawls.kill_when(crawl, lambda: crawls.articles() > 0, "its first database commit")
    said.append(crawls.check_and_repair())
    assert crawls.articles() > 0

    files_before = len(crawls.finished())
    crawl = crawls.start(rotate_at=300_000)
    crawls.kill_when(crawl, lambda: len(crawls.finished()) >= files_before + 3
                     and crawls.open_bytes() > 100_000, "three rotations")
    said.append(crawls.check_and_repair())

    requests_before = len(server.requests)
    crawl = crawls.start()
    crawls.kill_when(crawl, lambda: len(server.requests) - requests_before >= 0.9 * crawls.exchanges,
                     "nine tenths of its requests")
    said.append(crawls.check_and_repair())

    crawls.crawl_to_the_end(full=True)
    assert table(crawls.db, "select board_id from article") == sorted(  # each once
        (str(a.id),) for a in board.articles + board.notices)
    assert table(crawls.db, "select count(*) from article where warc_file is null") == [(0,)]
    assert list(crawls.warc.glob("*.open")) == []
    crawls.check_finished_files()
    record_ids, refers_to = set(), []
    for path in crawls.finished():
        for _, record in iter_records(path):
            record_ids.add(record.record_id)
            refers_to += [value for name, value in record.warc_headers if name == "WARC-Refers-To"]
    assert set(refers_to) <= record_ids  # no revisit refers to a record that was cut
    assert_every_row_points_at_its_record(crawls.db, crawls.warc)
    print("\n".join(said))


def test_a_plain_crawl_after_a_killed_one_stores_every_article(tmp_path, replica):
    board, server = replica
    crawls = CrashedCrawls(tmp_path, board, server)
    crawl = crawls.start(full=False)
    crawls.kill_when(crawl, lambda: crawls.articles() > 0, "its first database commit")
    crawls.check_and_repair()
    crawls.crawl_to_the_end(full=False)
    assert table(crawls.db, "select board_id from article") == sorted(
        (str(a.id),) for a in board.articles + board.notices)


# --- seven moments, plain re-runs: nothing lost, every capture packaged -----------------------

ATTACHMENT_PATH = "/wp-content/uploads/"


def log_of(crawls: CrashedCrawls) -> str:
    try:
        return (crawls.folder / f"crawl-{crawls.runs}.log").read_text(errors="replace")
    except FileNotFoundError:
        return ""


def requests_since(server: ReplicaServer, start: int, marker: str) -> int:
    return sum(1 for _, path in server.requests[start:] if marker in path)


def parts(warc: Path) -> list[Path]:
    return [*warc.glob("packages/*.part"), *warc.glob("indexes/*.part")]


def test_plain_crawls_killed_at_seven_moments_lose_nothing_and_package_every_capture(tmp_path):
    """kill -9 during start-up (before the leftover file is repaired), at the first WARC bytes,
    among the articles before the first commit, just after a commit, while attachments download,
    at closing and while packaging; each re-run a plain (incremental) crawl. At the end every
    article and attachment is archived and stored once, and every capture is in a CDXJ and a WACZ."""
    board = Board(articles=500)
    with ReplicaServer(board, flaky=False) as server:
        crawls = CrashedCrawls(tmp_path, board, server)
        start = lambda: (len(server.requests), crawls.start(full=False))  # noqa: E731

        seen, crawl = start()
        crawls.kill_when(crawl, lambda: crawls.open_bytes() > 0, "its first WARC bytes")
        leftover = set(crawls.warc.glob("*.open"))
        assert leftover

        seen, crawl = start()
        crawls.kill_when(crawl, lambda: "Scrapy" in log_of(crawls) and leftover <= set(crawls.warc.glob("*.open")),
                         "its start, before the leftover file is repaired")

        stored = crawls.articles()
        seen, crawl = start()
        crawls.kill_when(crawl, lambda: requests_since(server, seen, "/english-news/1") >= 30
                         and crawls.articles() == stored, "thirty articles, before its first commit")
        assert crawls.articles() == stored

        seen, crawl = start()
        crawls.kill_when(crawl, lambda: crawls.articles() > stored, "just after a commit")

        seen, crawl = start()
        crawls.kill_when(crawl, lambda: requests_since(server, seen, ATTACHMENT_PATH) >= 1,
                         "while attachments download")

        seen, crawl = start()
        crawls.kill_when(crawl, lambda: "Closing spider" in log_of(crawls), "closing")

        seen, crawl = start()
        crawls.kill_when(crawl, lambda: bool(parts(crawls.warc)), "packaging")

        final = subprocess.run(
            [str(BIN / "bulletins"), "crawl", "gyeonggi-en", "--base-url", server.base_url,
             "--database-url", crawls.url, "--warc-dir", str(crawls.warc)],
            cwd=tmp_path, env=clean_env(), capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stdout + final.stderr
    assert final.stdout.rstrip().endswith("status: ok")

    # every finished file valid, none left open or half-packaged
    assert not list(crawls.warc.glob("*.open")) and not parts(crawls.warc)
    crawls.check_finished_files()
    # every article stored once, pointing at its record; every attachment archived and pointed at
    assert table(crawls.db, "select board_id from article") == sorted(
        (str(a.id),) for a in board.articles + board.notices)
    assert table(crawls.db, "select count(*) from article where warc_record_id is null") == [(0,)]
    assert_every_row_points_at_its_record(crawls.db, crawls.warc)
    attachments = table(crawls.db, "select url, warc_file, warc_offset, warc_record_id from attachment")
    assert {url.removeprefix(server.base_url) for url, *_ in attachments} == set(board.attachments)
    for url, name, offset, record_id in attachments:
        assert name is not None, f"{url} never archived"
        record = read_record(crawls.warc, name, offset)
        assert (record.target_uri, record.record_id) == (url, record_id)
    assert table(crawls.db, "select count(*) from unfinished") == [(0,)]
    statuses = [s for (s,) in table(crawls.db, "select status from crawlrun order by id")]
    # the one killed at its start may have died before it wrote its row
    assert statuses[-1] == "ok" and set(statuses[:-1]) == {"killed"} and len(statuses) >= 7

    # every capture is in some CDXJ index and its file in some WACZ package
    indexed = set()
    for index in crawls.warc.glob("indexes/*.cdxj"):
        for line in index.read_text(encoding="utf-8").splitlines():
            fields = json.loads(line.split(" ", 2)[2])
            indexed.add((fields["filename"], int(fields["offset"])))
    packaged = set()
    for package in crawls.warc.glob("packages/*.wacz"):
        with zipfile.ZipFile(package) as zf:
            packaged |= {Path(n).name for n in zf.namelist() if n.startswith("archive/")}
    for path in crawls.finished():
        assert path.name in packaged, f"{path.name} is in no WACZ"
        for offset, record in iter_records(path):
            if record.record_type in ("response", "revisit"):
                assert (path.name, offset) in indexed, f"{path.name}@{offset} is in no CDXJ"
