"""`bulletins show`: an article traced to its captures in the WARC files, and its view series."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.archive.reparse.run import reparse
from storage.webarchive.warc import read_record

from .test_reparse import query, write_history

PAGE = "http://127.0.0.1:8000/blog/english-news/1279"


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict:
    """The article of test_reparse's written history, rebuilt: captured in January and March."""
    folder = tmp_path_factory.mktemp("history")
    found = write_history(folder / "warc")
    db = folder / "history.sqlite"
    reparse(f"sqlite:///{db}", folder / "warc", rebuild=True, jobs=1)
    [(row_id,)] = query(db, "select id from article")
    return {**found, "db": db, "url": f"sqlite:///{db}", "id": row_id}


def test_show_prints_the_article_its_captures_and_its_view_series(history):
    result = invoke("show", history["id"], "--database-url", history["url"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    january, march = history["january"], history["march"]
    assert lines[0] == f"article {history['id']} · gyeonggi-en:1279 · extractor gyeonggi_en/1"
    assert "views:       320" in lines
    assert "attachments (1):" in lines
    assert "captures (2):" in lines
    start = lines.index("captures (2):")
    assert lines[start + 1:start + 5] == [
        f"  2024-01-10T09:00:00.000000Z  {january.filename} @ {january.offset}  {january.record_id}",
        f"    replay: http://127.0.0.1:8080/bulletins/20240110090000/{PAGE}",
        f"  2024-03-10T09:00:00.000000Z  {march.filename} @ {march.offset}  {march.record_id}  (parsed from)",
        f"    replay: http://127.0.0.1:8080/bulletins/20240310090000/{PAGE}",
    ]
    start = lines.index("views (2):")
    assert lines[start + 1:start + 3] == ["  2024-01-10T09:00:00.000000Z  314",
                                          "  2024-03-10T09:00:00.000000Z  320"]


def test_source_and_board_id_name_the_same_article(history):
    by_id = invoke("show", history["id"], "--database-url", history["url"])
    by_key = invoke("show", "gyeonggi-en:1279", "--database-url", history["url"])
    assert by_key.exit_code == 0 and by_key.stdout == by_id.stdout


def test_json_output_carries_the_same_provenance(history):
    result = invoke("show", "gyeonggi-en:1279", "--json", "--database-url", history["url"],
                    "--replay-base", "https://replay.example.org/coll/")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["article"]["id"], data["article"]["views"], data["article"]["published"]) == (
        history["id"], 320, "2023-10-05")
    assert [a["size"] for a in data["article"]["attachments"]] == [5137]
    found = [(c["captured_at"], c["warc_record_id"], c["parsed_from"], c["replay_url"]) for c in data["captures"]]
    assert found == [
        ("2024-01-10T09:00:00.000000Z", history["january"].record_id, False,
         f"https://replay.example.org/coll/20240110090000/{PAGE}"),
        ("2024-03-10T09:00:00.000000Z", history["march"].record_id, True,
         f"https://replay.example.org/coll/20240310090000/{PAGE}"),
    ]
    assert data["views"] == [{"observed_at": "2024-01-10T09:00:00.000000Z", "views": 314},
                             {"observed_at": "2024-03-10T09:00:00.000000Z", "views": 320}]


def test_replay_base_from_the_environment(history):
    result = invoke("show", history["id"], "--database-url", history["url"],
                    env={"BULLETINS_REPLAY_BASE": "http://archive.local:9000/bulletins"})
    assert f"    replay: http://archive.local:9000/bulletins/20240310090000/{PAGE}" in result.stdout.splitlines()


def test_each_capture_of_a_crawl_opens_its_record_in_the_warc_files(crawl):
    """On a real crawl: what `show` names is what the WARC file holds at that offset."""
    [(row_id,)] = query(crawl.folder / "bulletins.sqlite", "select id from article where board_id = ?",
                        str(crawl.board.sample_id))
    result = invoke("show", row_id, "--json", "--database-url", crawl.database_url)
    data = json.loads(result.stdout)
    [capture] = data["captures"]
    record = read_record(crawl.warc_dir, capture["warc_file"], capture["warc_offset"])
    assert (record.record_type, record.record_id, record.target_uri) == (
        "response", capture["warc_record_id"], data["article"]["url"])
    assert capture["captured_at"] == record.date
    stamp = "".join(ch for ch in record.date[:19] if ch.isdigit())
    assert capture["replay_url"] == f"http://127.0.0.1:8080/bulletins/{stamp}/{record.target_uri}"
    assert [v["views"] for v in data["views"]] == [87]


@pytest.mark.parametrize("ref, message", [
    ("999999", "no article 999999"),
    ("gyeonggi-en:0", "no article gyeonggi-en:0"),
    ("yesterday", "expected a row id or SOURCE:BOARD_ID, got 'yesterday'"),
])
def test_an_unknown_article_is_a_one_line_error(history, ref, message):
    result = invoke("show", ref, "--database-url", history["url"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"bulletins: error: {message}"]


def test_a_missing_database_is_a_one_line_error(tmp_path):
    result = invoke("show", "1", "--database-url", f"sqlite:///{tmp_path / 'none.sqlite'}")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"bulletins: error: no database at {tmp_path / 'none.sqlite'}"]
    assert not (tmp_path / "none.sqlite").exists()


def test_show_help_documents_options_and_environment():
    out = invoke("show", "--help").stdout
    for word in ("SOURCE:BOARD_ID", "--json", "--replay-base", "BULLETINS_REPLAY_BASE", "BULLETINS_DATABASE_URL"):
        assert word in out
