"""`bulletins archive list`: the WARC files and the packaged runs of a folder, for people and scripts."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlmodel import func, select

from scraper.cli import main
from storage.database.db import make_engine, session
from storage.database.models import Article
from storage.webarchive.warc import HttpExchange, WarcWriter, iter_records


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["archive", "list", *args],
                              env={"BULLETINS_WARC_DIR": None, **(env or {})})


@pytest.fixture(scope="module")
def listing(crawl):
    result = invoke("--warc-dir", str(crawl.warc_dir), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_lists_every_warc_file_with_size_record_counts_and_capture_dates(crawl, listing):
    files = {f["name"]: f for f in listing["files"]}
    paths = sorted(crawl.warc_dir.glob("*.warc.gz"))
    assert sorted(files) == [p.name for p in paths]
    for path in paths:
        records = [record for _, record in iter_records(path)]
        dates = [r.date for r in records if r.record_type != "warcinfo"]
        entry = files[path.name]
        assert entry["size"] == path.stat().st_size
        assert entry["records"] == dict(Counter(r.record_type for r in records))
        assert (entry["first_capture"], entry["last_capture"]) == (min(dates), max(dates))
        assert entry["complete"] is True and entry["error"] is None


def test_json_lists_the_run_with_its_source_files_pages_and_size(crawl, listing):
    packages = list((crawl.warc_dir / "packages").glob("*.wacz"))
    with session(make_engine(crawl.database_url)) as db:
        articles = db.exec(select(func.count()).select_from(Article)).one()
    assert len(listing["runs"]) == 1
    run = listing["runs"][0]
    assert run["run_id"] == packages[0].stem and run["package"] == packages[0].name
    assert run["source"] == "gyeonggi-en"
    assert run["files"] == len(list(crawl.warc_dir.glob("*.warc.gz")))
    assert run["pages"] == articles
    assert run["size"] == packages[0].stat().st_size
    datetime.strptime(run["created"], "%Y-%m-%dT%H:%M:%SZ")


def test_text_output_names_files_and_runs(crawl, listing):
    result = invoke("--warc-dir", str(crawl.warc_dir))
    assert result.exit_code == 0, result.output
    out = result.stdout
    run = listing["runs"][0]
    assert f"WARC files in {crawl.warc_dir}: {len(listing['files'])}" in out
    for f in listing["files"]:
        line = next(line for line in out.splitlines() if line.startswith(f["name"]))
        assert f"response {f['records']['response']}" in line
        assert f["first_capture"] in line and f["last_capture"] in line
    line = next(line for line in out.splitlines() if line.startswith(run["run_id"]))
    assert line.split()[1:4] == ["gyeonggi-en", str(run["files"]), str(run["pages"])]


def test_environment_names_the_folder(crawl, listing):
    result = invoke("--json", env={"BULLETINS_WARC_DIR": str(crawl.warc_dir)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == listing


def test_missing_folder_is_a_one_line_error(tmp_path):
    result = invoke("--warc-dir", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.stderr == f"bulletins: error: no WARC folder at {tmp_path / 'nowhere'}\n"
    assert result.stdout == ""


def test_a_file_still_being_written_and_a_broken_package_are_shown_as_such(tmp_path):
    writer = WarcWriter(tmp_path, hostname="test")
    writer.write_exchange(HttpExchange(
        url="http://board.example/", method="GET", request_headers=[], request_body=b"",
        protocol="HTTP/1.1", status=200, reason=None, response_headers=[("Content-Length", "2")],
        body=b"hi", ip_address=None, date=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)))
    (tmp_path / "packages").mkdir()
    with zipfile.ZipFile(tmp_path / "packages" / "broken.wacz", "w") as zf:
        zf.writestr("pages/pages.jsonl", "{}\n")  # no datapackage.json
    try:
        result = invoke("--warc-dir", str(tmp_path), "--json")
    finally:
        writer.close()
    assert result.exit_code == 1, result.output  # the broken package; the open file is no damage
    listing = json.loads(result.stdout)
    [entry] = listing["files"]
    assert entry["name"].endswith(".warc.gz.open") and entry["complete"] is False
    assert entry["records"] == {"warcinfo": 1, "response": 1, "request": 1}
    assert entry["first_capture"] == "2026-01-02T03:04:05.000000Z"
    [run] = listing["runs"]
    assert run["package"] == "broken.wacz" and "datapackage.json" in run["error"]


def test_empty_folder_lists_nothing(tmp_path):
    result = invoke("--warc-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "WARC files in" in result.stdout and ": 0" in result.stdout
    assert json.loads(invoke("--warc-dir", str(tmp_path), "--json").stdout)["runs"] == []


def test_help_says_what_is_listed():
    result = CliRunner().invoke(main, ["archive", "list", "--help"])
    assert result.exit_code == 0
    for words in ("WARC files", "records by type", "--json", "BULLETINS_WARC_DIR", "packages/"):
        assert words in result.output
