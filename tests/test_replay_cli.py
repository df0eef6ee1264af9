"""`bulletins replay`: pywb on loopback over a crawl's WARC folder, replay URLs from the database,
POST-paginated listings replayed by their form body, and a replayed page rendered in Chromium."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from bs4 import BeautifulSoup
from sqlmodel import select

from scraper.archive.replay.collection import sync_collection, warc_files
from scraper.archive.replay.install import MARKER_NAME, PYWB_REQUIREMENT, ensure_pywb, is_installed
from scraper.processes import start, stop
from storage.database.db import make_engine, session
from storage.database.models import Article, Capture
from storage.webarchive.warc import decoded_payload, iter_records, read_record

from .conftest import BIN, REPO
from .pywb_harness import pywb_replay  # noqa: F401  (session fixture)
from .pywb_harness import COLLECTION, VENV, fetch, free_port, pywb_bin, replay_server

# Runs the CLI with the replay command registered even before scraper/cli/__init__.py imports it.
BOOT = ("import sys, scraper.cli.replay; from scraper.cli import main; "
        "sys.exit(main(prog_name='bulletins'))")
SOURCE_LINE = re.compile(r"^(?P<source>[\w-]+)\t(?P<link>http://127\.0\.0\.1:(?P<port>\d+)/"
                         + COLLECTION + r"/(?P<ts>\d{14})/(?P<url>\S+))$")
WAIT_FOR_SERVER = 180.0  # generous: the first run may index the crawl (never asserted on)


def bulletins(*args: str) -> list[str]:
    return [sys.executable, "-c", BOOT, *args]


@pytest.fixture
def env(tmp_path):
    """The tests' shared pywb venv; collections in this test's own cache folder."""
    pywb_bin()  # installs it once, or fails/skips with the harness's message
    full = {**os.environ, "BULLETINS_PYWB_VENV": str(VENV), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for name in ("BULLETINS_DATABASE_URL", "BULLETINS_WARC_DIR"):
        full.pop(name, None)
    return full


def timestamp(record) -> str:
    return "".join(c for c in record.date if c.isdigit())[:14]


def newest_capture(crawl) -> Capture:
    with session(make_engine(crawl.database_url)) as db:
        return db.exec(select(Capture).join(Article).where(Article.source == "gyeonggi-en")
                       .order_by(Capture.captured_at.desc(), Capture.id.desc())).first()


def wayback_processes(port: int) -> list[int]:
    """Pids of live processes whose command line is `... wayback -p PORT ...`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        is_wayback = any(a.endswith(b"wayback") for a in args) and b"-p" in args[:-1]
        if state != "Z" and is_wayback and args[args.index(b"-p") + 1] == str(port).encode():
            found.append(int(entry.name))
    return found


def first_line(process: subprocess.Popen, pattern: re.Pattern) -> re.Match:
    """The first stdout line matching `pattern`; fails with stderr if the process ends first."""
    lines: queue.Queue = queue.Queue()

    def read():
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen = []
    while True:
        try:
            line = lines.get(timeout=WAIT_FOR_SERVER)
        except queue.Empty:
            stop(process, signal.SIGKILL)
            pytest.fail(f"no replay URL within {WAIT_FOR_SERVER:.0f} s; stdout so far: {seen}")
        if line is None:
            stop(process, None)
            pytest.fail(f"bulletins replay exited with {process.returncode} before printing a URL:\n"
                        f"{seen}\n{process.stderr.read()}", pytrace=False)
        seen.append(line)
        match = pattern.match(line)
        if match:
            return match


def start_replay(crawl, env: dict, port: int) -> subprocess.Popen:
    return start(bulletins("replay", "--port", str(port), "--warc-dir", str(crawl.warc_dir),
                           "--database-url", crawl.database_url),
                 cwd=crawl.folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_replay_serves_the_newest_capture_byte_identical_and_stops_cleanly(crawl, env, stop_signal):
    capture = newest_capture(crawl)
    record = read_record(crawl.warc_dir, capture.warc_file, capture.warc_offset)
    port = free_port()
    process = start_replay(crawl, env, port)
    try:
        line = first_line(process, SOURCE_LINE)
        assert (line["source"], int(line["port"])) == ("gyeonggi-en", port)
        assert (line["ts"], line["url"]) == (timestamp(record), capture.url)

        status, _, frame = fetch(line["link"])  # what a user opens: pywb's frame around the page
        assert status == 200 and capture.url in frame.decode("utf-8")
        status, headers, body = fetch(line["link"].replace(f"/{line['ts']}/", f"/{line['ts']}id_/"))
        assert (status, headers.get("content-encoding")) == (200, "gzip")
        assert body == record.payload
        assert wayback_processes(port)
    finally:
        stop(process, stop_signal, timeout=60)
    stderr = process.stderr.read()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert wayback_processes(port) == []
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_a_killed_replay_takes_its_wayback_along(crawl, env):
    """Even `kill -9` of `bulletins replay`, which it cannot catch, leaves no pywb behind."""
    port = free_port()
    process = start_replay(crawl, env, port)
    try:
        first_line(process, SOURCE_LINE)
        assert wayback_processes(port)
    finally:
        stop(process, signal.SIGKILL)
    deadline = time.monotonic() + 30  # a wait for the kernel's signal, not a timing assertion
    while wayback_processes(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert wayback_processes(port) == []


def test_article_option_prints_the_url_of_that_articles_capture(crawl, env):
    with session(make_engine(crawl.database_url)) as db:
        row = db.exec(select(Article).where(Article.board_id == str(crawl.board.sample_id))).one()
    record = read_record(crawl.warc_dir, row.warc_file, row.warc_offset)
    assert record.record_id == row.warc_record_id
    result = run_replay(crawl, env, "--no-serve", "--port", "8123", "--article", str(row.id))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"http://127.0.0.1:8123/{COLLECTION}/{timestamp(record)}/{row.url}"]


def run_replay(crawl, env, *args: str, warc_dir: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        bulletins("replay", "--warc-dir", str(warc_dir or crawl.warc_dir),
                  "--database-url", crawl.database_url, *args),
        cwd=crawl.folder, env=env, capture_output=True, text=True, timeout=120)


def test_unknown_article_is_a_one_line_error(crawl, env):
    result = run_replay(crawl, env, "--no-serve", "--article", "999999")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "bulletins: error: no article with id 999999\n"


def test_missing_warc_folder_is_a_one_line_error(crawl, env, tmp_path):
    missing = tmp_path / "no-such-folder"
    result = run_replay(crawl, env, "--port", "0", warc_dir=missing)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"bulletins: error: no WARC folder at {missing}\n"


# --- a POST-paginated listing ------------------------------------------------------------

POST_PAGES = {n: (f"<!DOCTYPE html><html><head><title>Listing {n}</title></head><body>"
                  f"<h1>보도자료 page {n}</h1>"
                  + "".join(f"<p>item {n}.{i}</p>" for i in range(n * 3))
                  + "</body></html>").encode("utf-8") for n in (1, 2, 3)}


class PostBoard(BaseHTTPRequestHandler):
    """`POST /list` with form `pageIndex=N` answers page N; everything else is 404."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        index = parse_qs(body.decode("ascii")).get("pageIndex", ["0"])[0]
        page = POST_PAGES.get(int(index)) if self.path == "/list" and index.isdigit() else None
        if page is None:
            self.answer(404, b"no such page")
        else:
            self.answer(200, page)

    def do_GET(self):
        self.answer(404, b"not found")

    def answer(self, status: int, body: bytes):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def post_crawl(warcs: Path) -> str:
    """Crawl the POST board with tests/post_spider.py and the project's settings; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), PostBoard)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETINS_")}
    try:
        result = subprocess.run(
            [str(BIN / "scrapy"), "runspider", "tests/post_spider.py", "-a", f"base_url={base_url}",
             "-s", f"BULLETINS_WARC_DIR={warcs}", "-s", "BULLETINS_STORAGE_ENABLED=False",
             "-s", f"BULLETINS_DATABASE_URL=sqlite:///{warcs.parent / 'unused.sqlite'}"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr[-3000:]
    assert "'post_listing/pages': 3" in result.stderr, result.stderr[-3000:]
    return base_url


def archived_post_pages(warcs: Path) -> dict[str, tuple]:
    """Form body of each archived POST -> (response record, request record)."""
    pages = {}
    for path in sorted(warcs.glob("*.warc.gz")):
        last_response = None
        for _, record in iter_records(path):
            if record.record_type == "response":
                last_response = record
            elif record.record_type == "request" and record.http_line.startswith("POST "):
                assert last_response.target_uri == record.target_uri
                pages[record.payload.decode("ascii")] = (last_response, record)
    return pages


def test_post_paginated_listing_replays_each_page_by_its_form_body(tmp_path):
    warcs = tmp_path / "warc"
    base_url = post_crawl(warcs)
    pages = archived_post_pages(warcs)
    assert sorted(pages) == ["pageIndex=1", "pageIndex=2", "pageIndex=3"]
    assert {form: response.payload for form, (response, _) in pages.items()} == {
        f"pageIndex={n}": page for n, page in POST_PAGES.items()}
    for form, (_, request) in pages.items():
        # pywb reads a request body into its index key only as far as its Content-Length says.
        assert ("Content-Length", str(len(form))) in request.http_headers, request.http_headers
    first_ts = timestamp(pages["pageIndex=1"][0])
    url = f"{base_url}/list"
    with replay_server(warcs, tmp_path / "pywb") as pywb:
        for n in (2, 1, 3):
            # Page 1's time for every page: pywb must choose by the body, not by the closest time.
            status, _, body = fetch(f"{pywb}/{COLLECTION}/{first_ts}id_/{url}",
                                    data=f"pageIndex={n}".encode(),
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert (status, body) == (200, POST_PAGES[n]), f"pageIndex={n}"


# --- the collection: indexes kept in sync, cheaply ---------------------------------------


def test_sync_indexes_only_new_or_changed_files_and_never_open_ones(crawl, tmp_path):
    bin_dir = pywb_bin()
    warcs, root = tmp_path / "warc", tmp_path / "collection"
    warcs.mkdir()
    source = warc_files(crawl.warc_dir)[0]
    a = warcs / "A-00000.warc.gz"
    shutil.copyfile(source, a)

    first = sync_collection(warcs, root, bin_dir)
    assert (first.files, first.indexed, first.dropped) == (1, [a.name], [])
    assert sync_collection(warcs, root, bin_dir).indexed == []  # a repeated run is cheap

    growing = warcs / "B-00001.warc.gz.open"
    shutil.copyfile(source, growing)
    assert sync_collection(warcs, root, bin_dir).indexed == []  # still being written
    assert sorted(p.name for p in (root / "indexes").iterdir()) == [a.name + ".cdxj"]

    b = growing.rename(warcs / "B-00001.warc.gz")  # closed by the crawler
    assert sync_collection(warcs, root, bin_dir).indexed == [b.name]
    stat = a.stat()
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # rewritten (e.g. repaired)
    assert sync_collection(warcs, root, bin_dir).indexed == [a.name]

    b.unlink()
    last = sync_collection(warcs, root, bin_dir)
    assert (last.files, last.indexed, last.dropped) == (1, [], [b.name])
    index_lines = (root / "indexes" / (a.name + ".cdxj")).read_text().splitlines()
    assert index_lines == sorted(index_lines) and all(f'"filename": "{a.name}"' in line
                                                      for line in index_lines)


def test_a_venv_counts_as_installed_only_once_its_marker_is_written(tmp_path):
    """An install interrupted before the end (no marker yet) is started over, not used."""
    venv = tmp_path / "pywb-venv"
    (venv / "bin").mkdir(parents=True)
    for name in ("wayback", "cdx-indexer"):
        (venv / "bin" / name).touch()
    assert not is_installed(venv)
    (venv / MARKER_NAME).write_text(PYWB_REQUIREMENT)
    assert is_installed(venv)
    assert ensure_pywb(venv) == venv / "bin"  # nothing to do: no install attempted


# --- a real browser ----------------------------------------------------------------------

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-proxy-server", "--virtual-time-budget=10000"]


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("BULLETINS_SKIP_BROWSER") == "1":
            pytest.skip("chromium is not installed (BULLETINS_SKIP_BROWSER=1)")
        pytest.fail("chromium is not installed: `apt-get install -y chromium` (Debian), "
                    "or set BULLETINS_SKIP_BROWSER=1 to skip the browser test", pytrace=False)
    return path


@pytest.mark.parametrize("kind", ["sample", "korean"])
def test_headless_chromium_renders_the_replayed_article_title(pywb_replay, crawl, tmp_path, kind):
    """pywb's frame has no title of its own: it shows the title of the page its iframe rendered."""
    regular = [a for a in crawl.board.articles if a.quirk is None]
    korean = next(a.id for a in regular if a.language == "ko")
    board_id = crawl.board.sample_id if kind == "sample" else korean
    with session(make_engine(crawl.database_url)) as db:
        row = db.exec(select(Article).where(Article.board_id == str(board_id))).one()
    record = read_record(crawl.warc_dir, row.warc_file, row.warc_offset)
    page_title = BeautifulSoup(decoded_payload(record), "html.parser").title.get_text()
    assert row.title in page_title

    link = f"{pywb_replay}/{COLLECTION}/{timestamp(record)}/{row.url}"
    status, _, frame = fetch(link, accept_encoding="identity")
    assert status == 200 and row.title not in frame.decode("utf-8")  # only a browser can show it

    result = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                             "--dump-dom", link], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    dom = BeautifulSoup(result.stdout, "html.parser")
    assert dom.title is not None, result.stdout[:3000]
    assert dom.title.get_text() == f"Archived Page: {page_title}"
