"""Run records, the JSON summary, and incremental crawls that do not trust an incomplete past."""

from __future__ import annotations

import json
import sqlite3

from scraper.replica import Board, ReplicaServer

from .conftest import run_cli


def runs(db):
    with sqlite3.connect(db) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("select * from crawlrun order by id")]


def test_each_crawl_is_stored_as_a_run_with_its_counts_and_files(tmp_path):
    with ReplicaServer(Board(articles=20)) as server:
        result = run_cli("crawl", "gyeonggi-en", "--json", "--base-url", server.base_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    [run] = runs(tmp_path / "data" / "bulletins.sqlite")
    assert (run["source"], run["status"], run["complete"]) == ("gyeonggi-en", "ok", 1)
    assert run["finished_at"] > run["started_at"]
    assert run["articles_new"] == summary["articles_new"] == 22
    assert run["listing_pages"] == summary["listing_pages"] == 2
    assert run["warc_files"].split(",") == summary["warc_files"]
    assert (tmp_path / "data" / "warc" / summary["warc_files"][0]).exists()
    assert summary["status"] == "ok" and summary["failure"] is None
    assert summary["missing_fields"] == {"published": 1, "views": 1}
    assert json.loads(run["options"])["base_url"] == server.base_url


def test_a_failed_crawl_is_recorded_failed_with_its_reason(tmp_path):
    result = run_cli("crawl", "gyeonggi-en", "--json", "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert result.returncode == 1
    assert json.loads(result.stdout)["failure"] == "no listing page could be read"
    [run] = runs(tmp_path / "data" / "bulletins.sqlite")
    assert (run["status"], run["complete"], run["failure"]) == ("failed", 0, "no listing page could be read")


def test_after_windowed_runs_a_plain_crawl_walks_on_and_fills_the_gap(tmp_path):
    board = Board(articles=60)
    months = sorted({a.date.strftime("%Y-%m") for a in board.articles})
    old_end, new_start = months[len(months) // 3], months[2 * len(months) // 3]
    with ReplicaServer(board) as server:
        for window in (["--until", old_end], ["--since", new_start]):
            assert run_cli("crawl", "gyeonggi-en", *window, "--base-url", server.base_url,
                           cwd=tmp_path).returncode == 0
        db = tmp_path / "data" / "bulletins.sqlite"
        assert [r["complete"] for r in runs(db)] == [0, 0]
        gap = [a for a in board.articles if old_end < a.date.strftime("%Y-%m") < new_start]
        assert gap
        # Page 1 holds only stored articles, but the last run was windowed: do not stop there.
        result = run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, cwd=tmp_path)
    assert result.returncode == 0
    with sqlite3.connect(db) as con:
        stored = {r[0] for r in con.execute("select board_id from article")}
    assert {str(a.id) for a in gap} <= stored
    assert len(stored) == len(board.articles) + len(board.notices)
    assert runs(db)[-1]["complete"] == 1


def test_a_crawl_records_its_source_with_description_and_site(crawl):
    with sqlite3.connect(crawl.folder / "bulletins.sqlite") as con:
        rows = con.execute("select name, description, base_url, first_crawled is not null, "
                           "last_crawled >= first_crawled from source").fetchall()
    assert rows == [("gyeonggi-en", "Gyeonggi-do (Korea) English press bulletins", crawl.base_url, 1, 1)]
