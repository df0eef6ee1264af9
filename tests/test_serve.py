"""`bulletins serve`: Datasette over a crawled database, queried through its JSON API: descriptions,
facets, full-text search, the stored queries' numbers, and a clean stop; errors in one line."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import pytest
from sqlmodel import SQLModel, select

from storage.database.articles import record_listing_views
from storage.presentation.datasette_config import TABLE_DESCRIPTIONS
from storage.database.db import make_engine, session
from storage.database.export import EXPORT_COLUMNS
from storage.database.models import Article

from scraper.processes import start, stop

from .conftest import BIN, run_cli
from .services import free_port

START_ATTEMPTS = 600  # x 0.1 s: waiting for Datasette to listen, not a timing check
GROWING = 12          # articles given two more view observations


@dataclass
class Served:
    base: str         # http://127.0.0.1:PORT/bulletins
    path: Path        # the SQLite file
    process: subprocess.Popen


def copy_database(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def add_observations(url: str, count: int) -> None:
    """Two later crawls read the counters of `count` articles again: +1 day and +2 days after
    the crawl, gaining 10 x id views over the two days (5 x id a day: distinct, exact rates)."""
    with session(make_engine(url)) as db:
        articles = db.exec(select(Article).where(Article.views.is_not(None)).order_by(Article.id)
                           .limit(count)).all()
        for a in articles:
            start, views = a.last_seen, a.views  # (recording updates the row)
            record_listing_views(db, a.source, a.board_id, views + 4 * a.id, start + timedelta(days=1))
            record_listing_views(db, a.source, a.board_id, views + 10 * a.id, start + timedelta(days=2))
        db.commit()


def start_serve(url: str, log: Path, port: int | None = None) -> tuple[subprocess.Popen, int]:
    port = port or free_port()
    with open(log, "wb") as out:
        process = start([str(BIN / "bulletins"), "serve", "--port", str(port), "--database-url", url],
                        stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    for _ in range(START_ATTEMPTS):
        if process.poll() is not None:
            break
        try:
            with urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=5) as answer:
                if answer.status == 200:
                    return process, port
        except OSError:
            time.sleep(0.1)
    stop(process, timeout=30)
    raise AssertionError(f"bulletins serve did not start:\n{log.read_text(errors='replace')[-3000:]}")


def get(url: str):
    with urlopen(url, timeout=60) as answer:
        return json.loads(answer.read().decode("utf-8"))


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def served(crawl, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    path = folder / "bulletins.sqlite"
    copy_database(crawl.folder / "bulletins.sqlite", path)
    add_observations(f"sqlite:///{path}", GROWING)
    process, port = start_serve(f"sqlite:///{path}", folder / "serve.log")
    try:
        yield Served(f"http://127.0.0.1:{port}/bulletins", path, process)
    finally:
        stop(process, timeout=30)


def sql(path: Path, query: str, *params) -> list[tuple]:
    with sqlite3.connect(path) as con:
        return con.execute(query, params).fetchall()


def test_metadata_describes_tables_and_columns_and_hides_internal_tables(served):
    meta = get(served.base.rsplit("/", 1)[0] + "/-/metadata.json")
    tables = meta["databases"]["bulletins"]["tables"]
    meanings = {c.name: c.meaning for c in EXPORT_COLUMNS}
    assert tables["article"]["description"] == TABLE_DESCRIPTIONS["article"]
    assert tables["article"]["columns"]["published"] == meanings["published"]
    assert tables["viewobservation"]["columns"]["observed_at"] == "When the count was read (UTC)."
    database = get(served.base + ".json")
    hidden = {t["name"] for t in database["tables"] if t["hidden"]}
    shown = {t["name"] for t in database["tables"] if not t["hidden"]}
    assert {"alembic_version", "article_fts", "article_fts_data", "article_fts_idx"} <= hidden
    assert {"article", "attachment", "viewobservation", "capture", "crawlrun"} <= shown
    table = get(served.base + "/article.json?_size=0&_extra=columns")
    assert "published" in table["columns"]


def test_every_table_of_the_models_has_a_description_for_researchers():
    assert set(SQLModel.metadata.tables) <= set(TABLE_DESCRIPTIONS)


def test_articles_are_faceted_by_source_language_and_month(served):
    facets = get(served.base + "/article.json?_size=0")["facet_results"]
    counts = {name: {str(r["value"]): r["count"] for r in facet["results"]} for name, facet in facets.items()}
    assert counts["source"] == dict(sql(served.path, "select source, count(*) from article group by 1"))
    assert counts["language"] == dict(sql(served.path, "select language, count(*) from article group by 1"))
    months = sql(served.path, "select substr(published, 1, 7) as m, count(*) from article"
                              " where published is not null group by m order by m desc limit 30")
    month_facet = next(f for f in facets.values() if f["type"] == "month")
    assert month_facet["name"] == "published"
    assert [(r["value"], r["count"]) for r in month_facet["results"]] == months
    issue = dict(sql(served.path, "select issue_month, count(*) from article where issue_month is not null group by 1"))
    assert all(issue[value] == n for value, n in counts["issue_month"].items()) and counts["issue_month"]
    # a month links to its articles
    newest = months[0][0]
    page = get(served.base + f"/article.json?_size=0&published__startswith={newest}")
    assert page["filtered_table_rows_count"] == months[0][1]


def test_articles_are_sorted_newest_first(served):
    rows = get(served.base + "/article.json?_shape=array&_size=5")
    newest = sql(served.path, "select max(published) from article")[0][0]
    assert rows[0]["published"] == newest
    assert [r["published"] for r in rows] == sorted((r["published"] for r in rows), reverse=True)


@pytest.mark.parametrize("term, language", [("Ulaanbaatar", "en"), ("울란바토르", "ko")])
def test_full_text_search_finds_english_and_korean_articles(served, term, language):
    assert sql(served.path, "select name from sqlite_master where name = 'article_fts'")  # made by the schema
    expected = sql(served.path, "select id, language from article where instr(lower(title), lower(?))"
                                " or instr(lower(body_text), lower(?)) order by id", term, term)
    found = get(served.base + f"/article.json?_search={quote(term)}&_size=max&_shape=objects")
    assert found["filtered_table_rows_count"] == len(expected) > 0
    assert sorted((r["id"], r["language"]) for r in found["rows"]) == expected
    assert language in {lang for _, lang in expected}
    total = sql(served.path, "select count(*) from article")[0][0]
    assert len(expected) < total


def test_articles_per_month_match_the_replica_board(served, crawl):
    rows = get(served.base + "/articles_per_month.json?_shape=array&_size=max")
    board = crawl.board
    dated = [a for a in (*board.articles, *board.notices) if a.quirk != "bad-date"]
    expected = Counter(a.date.strftime("%Y-%m") for a in dated)
    assert {(r["source"], r["month"]): r["articles"] for r in rows} == {
        ("gyeonggi-en", m): n for m, n in expected.items()}
    assert [r["month"] for r in rows] == sorted(r["month"] for r in rows)


def test_most_viewed_lists_the_highest_counts(served):
    rows = get(served.base + "/most_viewed.json?_shape=array")
    expected = sql(served.path, "select id, views from article where views is not null")
    expected = sorted(expected, key=lambda r: (-r[1], r[0]))[:100]
    assert [(r["id"], r["views"]) for r in rows] == expected


def test_fastest_growing_ranks_views_gained_per_day(served):
    series = defaultdict(list)
    for article_id, observed_at, views, row_id in sql(
            served.path, "select article_id, observed_at, views, id from viewobservation"):
        series[article_id].append((datetime.fromisoformat(observed_at), row_id, views))
    expected = []
    for article_id, points in series.items():
        points.sort()
        (first_at, _, first_views), (last_at, _, last_views) = points[0], points[-1]
        if last_at > first_at:
            days = (last_at - first_at).total_seconds() / 86400
            expected.append((article_id, last_views - first_views, round((last_views - first_views) / days, 2)))
    expected.sort(key=lambda r: (-r[2], r[0]))
    assert len(expected) == GROWING
    rows = get(served.base + "/fastest_growing.json?_shape=array")
    assert [(r["id"], r["views_gained"], r["views_per_day"]) for r in rows] == expected
    assert rows[0]["views_per_day"] == 5 * rows[0]["id"] and rows[0]["observations"] == 3


def test_serve_stops_datasette_on_sigterm(crawl, tmp_path):
    process, port = start_serve(crawl.database_url, tmp_path / "serve.log")
    assert listening(port)
    assert stop(process, timeout=30) == 0  # SIGTERM: Datasette stopped, exit 0
    for _ in range(100):  # Datasette is a child of ours: it must go with us
        if not listening(port):
            break
        time.sleep(0.1)
    assert not listening(port)
    assert "stopping Datasette" in (tmp_path / "serve.log").read_text()


def test_serve_refuses_postgresql_and_missing_databases_in_one_line(tmp_path):
    pg = run_cli("serve", "--database-url", "postgresql+psycopg://u@127.0.0.1:1/bulletins")
    assert pg.returncode == 2 and len(pg.stderr.strip().splitlines()) == 1
    assert "Datasette serves SQLite" in pg.stderr and "bulletins export" in pg.stderr
    missing = run_cli("serve", "--database-url", f"sqlite:///{tmp_path / 'none.sqlite'}")
    assert (missing.returncode, missing.stderr.strip()) == (2, f"bulletins: error: no database at {tmp_path / 'none.sqlite'}")


def test_without_datasette_serve_names_the_extra(crawl, tmp_path):
    blocker = tmp_path / "blocked" / "datasette"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('datasette hidden by the test')\n")
    result = run_cli("serve", "--database-url", crawl.database_url, env={"PYTHONPATH": str(tmp_path / "blocked")})
    assert result.returncode == 2
    assert result.stderr.strip() == ("bulletins: error: bulletins serve needs Datasette: "
                                     "pip install 'bulletin-archiver[serve]'")


def test_serve_help():
    result = run_cli("serve", "--help")
    assert result.returncode == 0
    for needle in ("--port", "--host", "127.0.0.1", "Datasette", "bulletin-archiver[serve]"):
        assert needle in result.stdout
