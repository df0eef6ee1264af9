"""After a crawl: a sorted CDXJ index and a WACZ of the run that `wacz validate` and pywb accept.

`wacz validate` (py-wacz 0.6) cannot fail on a missing pages.jsonl or index, so the pages, the
index and the package's files are checked here as well. py-wacz lives in its own virtualenv under
.cache/ (created on first use, like pywb's); BULLETINS_SKIP_WACZ=1 skips instead of failing when
it cannot be installed.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from scraper.archive.replay.server import Wayback
from scraper.replica import Board, ReplicaServer
from storage.webarchive.cdxj import CdxjLine, LiveIndex, iter_cdxj, write_cdxj
from storage.webarchive.members import DamagedWarc, members
from storage.database.db import make_engine, session
from storage.database.models import Article
from storage.webarchive.wacz import INDEX_PATH, iter_index_lines, iter_pages, read_datapackage
from storage.webarchive.warc import (IDENTICAL_PAYLOAD_DIGEST, SERVER_NOT_MODIFIED, HttpExchange, WarcWriter,
                                     iter_records, read_record)

from .conftest import BIN, REPO
from .pywb_harness import fetch, pywb_bin

WACZ_VENV = REPO / ".cache" / "wacz-venv"
WACZ_MARKER = WACZ_VENV / ".wacz-installed"
WACZ_REQUIREMENT = "wacz==0.6.0"
RUN_ID = re.compile(r"^\d{8}T\d{6}Z-gyeonggi-en$")


def wacz_bin() -> Path:
    """bin/ of py-wacz's own venv, installed on first use (it pulls in frictionless)."""
    bin_dir = WACZ_VENV / "bin"
    WACZ_VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(WACZ_VENV.parent / "wacz-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (WACZ_MARKER.exists() and (bin_dir / "wacz").exists()):
            shutil.rmtree(WACZ_VENV, ignore_errors=True)
            for step in ([sys.executable, "-m", "venv", str(WACZ_VENV)],
                         [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", WACZ_REQUIREMENT]):
                result = subprocess.run(step, capture_output=True, text=True, timeout=900)
                if result.returncode != 0:
                    message = f"could not install py-wacz ({' '.join(step)}):\n{result.stderr[-3000:]}"
                    if os.environ.get("BULLETINS_SKIP_WACZ") == "1":
                        pytest.skip(message)
                    pytest.fail(message, pytrace=False)
            WACZ_MARKER.write_text("wacz installed\n")
    return bin_dir


@contextmanager
def wayback(bin_dir: Path, workdir: Path):
    """A pywb `wayback` on loopback over the collections in workdir (the one `bulletins replay`
    runs); yields its base URL."""
    with Wayback(workdir, bin_dir) as server:
        yield server.base_url


def run_tool(bin_dir: Path, cwd: Path, *args: str) -> None:
    result = subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}{result.stderr}"


def wacz_validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(wacz_bin() / "wacz"), "validate", "-f", str(path)],
                          capture_output=True, text=True, timeout=300)


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def run(crawl):
    """(package path, index path) of the session crawl's run."""
    packages = sorted((crawl.warc_dir / "packages").glob("*.wacz"))
    indexes = sorted((crawl.warc_dir / "indexes").glob("*.cdxj"))
    assert len(packages) == 1 and len(indexes) == 1, (packages, indexes)
    return packages[0], indexes[0]


@pytest.fixture(scope="module")
def rows(crawl):
    with session(make_engine(crawl.database_url)) as db:
        return {a.url: a for a in db.exec(select(Article)).all()}


# --- the crawl's package ------------------------------------------------------------------


def test_index_and_package_are_named_after_the_run(run):
    package, index = run
    assert RUN_ID.match(package.stem), package.name
    assert index.stem == package.stem
    info = read_datapackage(package)["bulletins"]
    assert (info["run_id"], info["source"]) == (package.stem, "gyeonggi-en")


def test_wacz_validate_accepts_the_package_and_refuses_a_tampered_copy(run, tmp_path):
    package, _ = run
    result = wacz_validate(package)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded" in result.stdout
    # The same package with one changed page: the hash in datapackage.json no longer matches.
    tampered = tmp_path / "tampered.wacz"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "pages/pages.jsonl":
                data = data.replace(b"Gyeonggi", b"Gyeongg1", 1)
            dst.writestr(info, data)
    result = wacz_validate(tampered)
    assert result.returncode == 1, result.stdout
    assert "Validation failed" in result.stdout and "pages.jsonl" in result.stdout


def test_package_holds_every_warc_file_of_the_run_as_closed_on_disk(crawl, run):
    """Packaging runs after the writer closed its last file: all files, final names, same bytes."""
    package, _ = run
    on_disk = {p.name: p.read_bytes() for p in crawl.warc_dir.glob("*.warc.gz")}
    assert on_disk and not list(crawl.warc_dir.glob("*.open"))
    with zipfile.ZipFile(package) as zf:
        archived = {i.filename.removeprefix("archive/"): zf.read(i) for i in zf.infolist()
                    if i.filename.startswith("archive/")}
        stored = {i.filename: i.compress_type for i in zf.infolist()}
    assert archived == on_disk
    # WARCs and the gzip index are stored, so readers can seek into them (WACZ spec)
    assert {stored[f"archive/{name}"] for name in on_disk} == {zipfile.ZIP_STORED}
    assert stored[INDEX_PATH] == zipfile.ZIP_STORED
    assert read_datapackage(package)["bulletins"]["warc_files"] == sorted(on_disk)


def test_datapackage_lists_every_file_with_its_size_and_sha256(run):
    package, _ = run
    with zipfile.ZipFile(package) as zf:
        datapackage = zf.read("datapackage.json")
        digest = json.loads(zf.read("datapackage-digest.json"))
        contents = {name: zf.read(name) for name in zf.namelist()}
    meta = json.loads(datapackage)
    assert (meta["profile"], meta["wacz_version"]) == ("data-package", "1.1.1")
    listed = {r["path"]: (r["bytes"], r["hash"]) for r in meta["resources"]}
    expected = {name: (len(data), sha256(data)) for name, data in contents.items()
                if name not in ("datapackage.json", "datapackage-digest.json")}
    assert listed == expected
    assert {"pages/pages.jsonl", "indexes/index.cdx.gz", "indexes/index.idx"} <= set(listed)
    assert digest == {"path": "datapackage.json", "hash": sha256(datapackage)}


def test_run_index_is_sorted_in_c_byte_order(run):
    _, index = run
    data = index.read_bytes()
    lines = data.splitlines(keepends=True)
    assert lines == sorted(lines)
    check = subprocess.run(["sort", "-c"], input=data, capture_output=True,
                           env={**os.environ, "LC_ALL": "C"})
    assert check.returncode == 0, check.stderr


def test_run_index_has_a_line_per_response_pointing_at_it(crawl, run):
    _, index = run
    by_location = {(line.fields["filename"], int(line.fields["offset"])): line
                   for line in iter_cdxj(index)}
    responses = 0
    for path in sorted(crawl.warc_dir.glob("*.warc.gz")):
        for offset, record in iter_records(path):
            line = by_location.pop((path.name, offset), None)
            if record.record_type in ("response", "revisit"):
                responses += 1
                assert line is not None, (path.name, offset, record.target_uri)
                assert line.fields["url"] == record.target_uri
                assert line.timestamp == "".join(c for c in record.date if c.isdigit())[:14]
                if record.record_type == "response":
                    assert int(line.fields["status"]) == record.http_status
                else:
                    assert line.fields["mime"] == "warc/revisit"
            else:
                assert line is None, (record.record_type, record.target_uri)
    assert responses > 300 and by_location == {}


def test_run_index_made_as_the_crawl_wrote_is_what_a_read_of_its_files_gives(crawl, run, tmp_path):
    """The crawl indexes each record as it writes it (storage.webarchive.cdxj.LiveIndex): byte for
    byte the index cdxj-indexer makes reading the run's WARC files."""
    _, index = run
    assert "lines made as the records were written" in crawl.result.stderr  # not by reading the files
    warcs = sorted(crawl.warc_dir.glob("*.warc.gz"))
    write_cdxj(warcs, tmp_path / "read.cdxj")
    assert index.read_bytes() == (tmp_path / "read.cdxj").read_bytes()


def test_wacz_index_is_the_run_index_in_gzip_blocks_found_by_index_idx(run):
    package, index = run
    assert list(iter_index_lines(package)) == index.read_text(encoding="utf-8").splitlines(keepends=True)
    with zipfile.ZipFile(package) as zf:
        blocks = zf.read("indexes/index.cdx.gz")
        idx = zf.read("indexes/index.idx").decode("utf-8").splitlines()
    assert json.loads(idx[0].split(" ", 2)[2]) == {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}
    end = 0
    for entry in idx[1:]:
        key, _, meta = entry.rpartition(" {")
        meta = json.loads("{" + meta)
        member = blocks[meta["offset"]:meta["offset"] + meta["length"]]
        assert meta["offset"] == end and sha256(member) == meta["digest"]
        assert gzip.decompress(member).decode("utf-8").startswith(key + " {")
        end += meta["length"]
    assert end == len(blocks) and len(idx) > 1


def test_pages_list_every_stored_article_with_its_title_date_text_and_capture_time(crawl, run, rows):
    package, _ = run
    with zipfile.ZipFile(package) as zf:
        header = json.loads(zf.read("pages/pages.jsonl").splitlines()[0])
    assert header["format"] == "json-pages-1.0" and header["id"] and header["hasText"] is True
    pages = list(iter_pages(package))
    assert sorted(p["url"] for p in pages) == sorted(rows)
    assert len({p["id"] for p in pages}) == len(pages)
    for page in pages:
        row = rows[page["url"]]
        record = read_record(crawl.warc_dir, row.warc_file, row.warc_offset)
        assert page["ts"] == record.date  # replay finds the very capture the row came from
        assert datetime.fromisoformat(page["ts"]).tzinfo is not None  # RFC 3339
        assert page.get("title") == row.title
        assert page.get("text") == row.body_text
        assert page.get("published") == (row.published.isoformat() if row.published else None)
    sample = next(p for p in pages if p["url"].endswith(f"/{crawl.board.sample_id}"))
    assert sample["published"] == "2022-06-24"
    assert sample["title"].startswith("[JUN. 2022] Gyeonggi-do to Strengthen International")
    assert "Mongolia" in sample["text"]


def test_pywb_replays_an_article_from_the_unpacked_wacz(crawl, run, rows, tmp_path):
    """`wb-manager add --unpack-wacz` takes the WARCs and index.cdx.gz; the bytes come back."""
    package, _ = run
    bin_dir = pywb_bin()
    run_tool(bin_dir, tmp_path, "wb-manager", "init", "fromwacz")
    run_tool(bin_dir, tmp_path, "wb-manager", "add", "--unpack-wacz", "fromwacz", str(package))
    row = rows[f"{crawl.base_url}/blog/english-news/{crawl.board.sample_id}"]
    record = read_record(crawl.warc_dir, row.warc_file, row.warc_offset)
    ts = "".join(c for c in record.date if c.isdigit())[:14]
    with wayback(bin_dir, tmp_path) as base:
        status, _, body = fetch(f"{base}/fromwacz/{ts}id_/{row.url}")
    assert status == 200
    assert body == record.payload


# --- the index on its own -----------------------------------------------------------------


def _exchange(url: str, method: str = "GET", body: bytes = b"", when: int = 0) -> HttpExchange:
    request_headers = [("User-Agent", "test")]
    if method == "POST":
        request_headers += [("Content-Type", "application/x-www-form-urlencoded"),
                            ("Content-Length", str(len(body)))]
    page = f"<html><title>{url}</title></html>".encode()
    return HttpExchange(url=url, method=method, request_headers=request_headers, request_body=body,
                        protocol="HTTP/1.1", status=200, reason=None,
                        response_headers=[("Content-Type", "text/html; charset=utf-8"),
                                          ("Content-Length", str(len(page)))],
                        body=page, ip_address="127.0.0.1",
                        date=datetime(2026, 1, 2, 3, 4, 5 + when, tzinfo=UTC))


def _revisit_file(path: Path, url: str, refers_to: str) -> None:
    """A WARC with one identical-payload-digest revisit, as warcio writes one."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_revisit_record(url, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                              refers_to, "2026-01-02T03:04:05Z", http_headers=http)
        record.rec_headers.replace_header("WARC-Date", "2026-01-03T00:00:00.000000Z")
        writer.write_record(record)


def test_a_damaged_file_is_named_and_never_indexed_in_part(tmp_path):
    # cdxj-indexer reads through warcio, which stops at a member that does not inflate as if the
    # file ended there: the index (and a WACZ built on it) would hold the records before it only
    with WarcWriter(tmp_path / "warc", hostname="test") as writer:
        locations = [writer.write_exchange(_exchange(f"http://board.example/view/{n}", when=n)) for n in range(4)]
    [path] = writer.finished
    data = bytearray(path.read_bytes())
    damaged = locations[2].offset + locations[2].length // 2
    data[damaged] ^= 0xFF
    path.write_bytes(bytes(data))
    index = tmp_path / "run.cdxj"

    with pytest.raises(DamagedWarc, match=f"{path.name}: only its first {locations[2].offset} of "):
        write_cdxj([path], index)
    assert not index.exists() and not list(tmp_path.glob("*.part"))


def test_index_keys_post_responses_as_pywb_looks_them_up_and_lists_revisits(tmp_path):
    base = "http://board.example/bbs"
    with WarcWriter(tmp_path, hostname="test") as writer:
        for n, url in enumerate([f"{base}/list", f"{base}/a?x=1", f"{base}/view/2"]):
            writer.write_exchange(_exchange(url, when=n))
        writer.write_exchange(_exchange(f"{base}/list", "POST", b"page=2&kind=news", when=5))
    _revisit_file(tmp_path / "revisits.warc.gz", f"{base}/view/2", f"{base}/view/2")
    warcs = sorted(tmp_path.glob("*.warc.gz"))
    index = tmp_path / "run.cdxj"
    assert write_cdxj(warcs, index) == 5  # 4 responses + 1 revisit; no request, no warcinfo line
    lines = list(iter_cdxj(index))
    post = [line for line in lines if line.fields.get("method") == "POST"]
    assert len(post) == 1
    assert post[0].urlkey == "example,board)/bbs/list?__wb_method=post&kind=news&page=2"
    assert post[0].fields["requestBody"] == "page=2&kind=news"
    assert [line.fields["mime"] for line in lines if line.fields["url"].endswith("/view/2")] == \
        ["text/html", "warc/revisit"]


def test_the_live_index_is_the_index_a_read_of_the_files_gives(tmp_path):
    """What the writer indexes as it writes is, line for line, what cdxj-indexer reads from the
    files: responses (GET and POST), a cut-off one, both kinds of revisit (the 304 as received
    gets no line), a response with no Content-Type, across a rotation to a second file."""
    base = "http://board.example/bbs"
    live = LiveIndex(tmp_path, buffer_bytes=700)  # spilled to sorted runs on the way
    with WarcWriter(tmp_path / "warc", hostname="test", max_size=1500, index=live) as writer:
        first = writer.write_exchange(_exchange(f"{base}/file/1.pdf"))
        for n, url in enumerate([f"{base}/list", f"{base}/a?x=1", f"{base}/view/한글?q=%ED"]):
            writer.write_exchange(_exchange(url, when=n + 1))
        writer.write_exchange(_exchange(f"{base}/list", "POST", b"page=2&kind=news", when=5))
        writer.write_exchange(_exchange(f"{base}/view/9", when=6), truncated="length")
        bare = _exchange(f"{base}/raw", when=7)
        writer.write_exchange(HttpExchange(**{**bare.__dict__, "response_headers": [("X-Nothing", "1")]}))
        writer.write_revisit(_exchange(f"{base}/file/2.pdf", when=8), profile=IDENTICAL_PAYLOAD_DIGEST,
                             refers_to_uri=f"{base}/file/1.pdf", refers_to_date=first.captured_at,
                             refers_to_id=first.record_id, payload_digest=first.payload_digest)
        not_modified = _exchange(f"{base}/file/1.pdf", when=9)
        writer.write_revisit(HttpExchange(**{**not_modified.__dict__, "status": 304, "body": b""}),
                             profile=SERVER_NOT_MODIFIED, refers_to_uri=f"{base}/file/1.pdf",
                             refers_to_date=first.captured_at, refers_to_id=first.record_id,
                             payload_digest=first.payload_digest)
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert len(warcs) > 1 and live.files == {w.name for w in warcs} and live.broken is None
    assert live.write(tmp_path / "live.cdxj") == write_cdxj(warcs, tmp_path / "read.cdxj") == 9
    assert (tmp_path / "live.cdxj").read_bytes() == (tmp_path / "read.cdxj").read_bytes()
    lines = list(iter_cdxj(tmp_path / "live.cdxj"))
    assert sum(line.fields.get("method") == "POST" for line in lines) == 1
    assert sum(line.fields.get("mime") == "warc/revisit" for line in lines) == 2
    assert [line.fields.get("status") for line in lines if line.fields["url"].endswith("/raw")] == ["200"]
    live.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live.cdxj", "read.cdxj", "warc"]  # no run left


def test_a_record_the_live_index_cannot_take_leaves_it_broken_and_the_files_are_read(tmp_path):
    """Indexing never stops a write: a record whose headers the indexer cannot read marks the
    live index broken (the run's index is then made by reading the files)."""
    live = LiveIndex(tmp_path)
    with WarcWriter(tmp_path / "warc", hostname="test", index=live) as writer:
        writer.write_exchange(_exchange("http://board.example/ok"))
        live._loader = None  # any failure inside the indexer
        location = writer.write_exchange(_exchange("http://board.example/after", when=1))
    assert live.broken and "AttributeError" in live.broken and location.offset > 0
    with pytest.raises(RuntimeError, match="misses a record"):
        live.write(tmp_path / "live.cdxj")
    assert write_cdxj(sorted((tmp_path / "warc").glob("*.warc.gz")), tmp_path / "read.cdxj") == 2


def test_external_sort_gives_the_same_index_as_one_sort_in_memory(tmp_path):
    with WarcWriter(tmp_path / "warc", hostname="test") as writer:
        for n in range(40):
            writer.write_exchange(_exchange(f"http://board.example/view/{(n * 7919) % 97}", when=n))
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    write_cdxj(warcs, tmp_path / "small-runs.cdxj", buffer_bytes=500)
    write_cdxj(warcs, tmp_path / "one-run.cdxj")
    small, whole = (tmp_path / "small-runs.cdxj").read_bytes(), (tmp_path / "one-run.cdxj").read_bytes()
    assert small == whole and len(whole.splitlines()) == 40
    assert whole.splitlines() == sorted(whole.splitlines())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one-run.cdxj", "small-runs.cdxj", "warc"]


def test_cdxj_line_parses_key_timestamp_and_fields():
    line = CdxjLine.parse('com,example)/ 20260102030405 {"url": "http://example.com/", "offset": "7"}\n')
    assert (line.urlkey, line.timestamp, line.fields) == (
        "com,example)/", "20260102030405", {"url": "http://example.com/", "offset": "7"})


# --- `scrapy crawl` and the switch ---------------------------------------------------------


def _scrapy_crawl(tmp_path: Path, *settings: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "BULLETINS_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite'}",
           "BULLETINS_WARC_DIR": str(tmp_path / "warc")}
    extra = [arg for setting in settings for arg in ("-s", setting)]
    with ReplicaServer(Board(articles=30)) as server:
        return subprocess.run([str(BIN / "scrapy"), "crawl", "gyeonggi-en", "-a",
                               f"base_url={server.base_url}", *extra],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=300)


def test_scrapy_crawl_packages_a_run_of_several_rotated_files(tmp_path):
    result = _scrapy_crawl(tmp_path, "BULLETINS_WARC_MAX_SIZE=40000")
    assert result.returncode == 0, result.stderr
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    packages = list((tmp_path / "warc" / "packages").glob("*.wacz"))
    assert len(warcs) >= 3 and len(packages) == 1
    assert f"packaged the run in {packages[0]}" in result.stderr
    with zipfile.ZipFile(packages[0]) as zf:
        assert sorted(n for n in zf.namelist() if n.startswith("archive/")) == \
            [f"archive/{p.name}" for p in warcs]
    [index] = (tmp_path / "warc" / "indexes").glob("*.cdxj")
    assert {line.fields["filename"] for line in iter_cdxj(index)} == {p.name for p in warcs}
    assert len(list(iter_pages(packages[0]))) == 32  # 30 articles and 2 notices
    assert sorted(p.name for p in (tmp_path / "warc" / "packages").iterdir()) == [packages[0].name]
    validation = wacz_validate(packages[0])
    assert validation.returncode == 0, validation.stdout


def test_a_crawl_packages_what_an_earlier_run_left_and_names_a_damaged_file_it_cannot(tmp_path):
    """A run that was not packaged (here switched off; a killed run alike) leaves its files to the
    next crawl. When one of them is damaged, that crawl's summary names it; every run tries again."""
    env = {**os.environ, "BULLETINS_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite'}",
           "BULLETINS_WARC_DIR": str(tmp_path / "warc")}
    with ReplicaServer(Board(articles=30)) as server:
        def crawl(*command: str) -> subprocess.CompletedProcess:
            return subprocess.run([*command, "gyeonggi-en"], cwd=REPO, env=env, capture_output=True, text=True,
                                  timeout=300)

        left = crawl(str(BIN / "scrapy"), "crawl", "-a", f"base_url={server.base_url}", "-s",
                     "BULLETINS_PACKAGE_ENABLED=False", "-s", "BULLETINS_WARC_MAX_SIZE=40000")
        assert left.returncode == 0, left.stderr
        files = sorted((tmp_path / "warc").glob("*.warc.gz"))
        assert len(files) >= 2
        original = files[1].read_bytes()
        with open(files[1], "rb") as fh:  # a byte inside a record's deflate data: zlib checks it
            offset, length, _ = list(members(fh))[2]
        at = offset + length // 2
        files[1].write_bytes(original[:at] + bytes([original[at] ^ 0xFF]) + original[at + 1:])
        damaged = crawl(str(BIN / "bulletins"), "crawl", "--base-url", server.base_url, "--json")
        files[1].write_bytes(original)  # restored from a copy
        restored = crawl(str(BIN / "bulletins"), "crawl", "--base-url", server.base_url)

    outcome = json.loads(damaged.stdout)
    assert outcome["status"] == "ok" and outcome["earlier_files_package"] is None
    assert outcome["earlier_files_not_packaged"].startswith(
        f"DamagedWarc: {files[1].name}: only its first "), outcome
    assert restored.returncode == 0, restored.stdout + restored.stderr
    [line] = [line for line in restored.stdout.splitlines() if line.startswith("earlier runs' files:")]
    recovered = Path(line.removeprefix("earlier runs' files: packaged in "))
    assert recovered.name.endswith("-recovered.wacz") and recovered.exists()
    with zipfile.ZipFile(recovered) as zf:
        assert sorted(n for n in zf.namelist() if n.startswith("archive/")) == [f"archive/{p.name}" for p in files]


def test_packaging_can_be_switched_off(tmp_path):
    result = _scrapy_crawl(tmp_path, "BULLETINS_PACKAGE_ENABLED=False")
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "warc").glob("*.warc.gz"))
    assert not (tmp_path / "warc" / "packages").exists()
    assert not (tmp_path / "warc" / "indexes").exists()
