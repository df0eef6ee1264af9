"""`bulletins status`: each verdict from real crawls of replica boards through the CLI.

One database holds: gyeonggi-en crawled once (ok) and again after a redesign (layout drift),
gangjin crawled once (ok; stale once "today" is far past its newest article), shinan crawled
while its listing answers 500 (failed); korea-kr is a profile never crawled. "Today" is always
injected (--today or BULLETINS_TODAY), never the calendar's.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import socket
import sqlite3
import subprocess
from statistics import median

from dataclasses import dataclass
from pathlib import Path

import pytest

from scraper.replica import Board, ReplicaServer
from scraper.replica.sites import SiteResponse, SiteServer, site_for
from scraper.replica.sites.shinan import LISTING

from .conftest import run_cli

TODAY = "2024-01-05"  # shortly after the replicas' newest articles (2023-12)


@dataclass
class Archive:
    folder: Path
    env: dict


class ListingDown:
    """A replica whose listing pages answer 500 (everything else as the site serves it)."""

    def __init__(self, site):
        self.site = site

    def respond(self, request):
        if request.path == LISTING:
            return SiteResponse(500, b"<h1>Internal Server Error</h1>", "text/html")
        return self.site.respond(request)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("status")
    env = {"BULLETINS_DATABASE_URL": f"sqlite:///{folder / 'bulletins.sqlite'}",
           "BULLETINS_WARC_DIR": str(folder / "warc"), "BULLETINS_TODAY": TODAY}

    def crawl(*args):
        return run_cli("crawl", *args, "--log-level", "WARNING", cwd=folder, env=env)

    with ReplicaServer(Board(articles=20)) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        first = crawl("gyeonggi-en", "--base-url", server.base_url)
    assert first.returncode == 0, first.stdout + first.stderr
    with ReplicaServer(Board(articles=20, new=8, redesign=True), port=port, flaky=False) as server:
        drifted = crawl("gyeonggi-en", "--base-url", server.base_url)
    assert drifted.returncode == 1 and "layout drift" in drifted.stdout
    with SiteServer(site_for("gangjin", articles=23)) as server:
        ok = crawl("gangjin", "--base-url", server.base_url)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    with SiteServer(ListingDown(site_for("shinan", articles=12))) as server:
        down = crawl("shinan", "--base-url", server.base_url)
    assert down.returncode == 1
    return Archive(folder, env)


def status(archive, *args, today=TODAY):
    env = {k: v for k, v in archive.env.items() if k != "BULLETINS_TODAY"}
    return run_cli("status", *args, *(["--today", today] if today else []), cwd=archive.folder, env=env)


def by_source(result) -> dict:
    return {s["source"]: s for s in json.loads(result.stdout)["sources"]}


def stored_dates(archive, source) -> list[datetime.date]:
    with sqlite3.connect(archive.folder / "bulletins.sqlite") as con:
        return [datetime.date.fromisoformat(d) for (d,) in con.execute(
            "select published from article where source = ? and published is not null "
            "order by published desc limit 21", (source,))]


def test_each_verdict_from_real_runs(archive):
    result = status(archive, "--json")
    assert result.returncode == 1, result.stderr
    found = by_source(result)
    assert found["gyeonggi-en"]["verdict"] == "drift"
    assert found["gyeonggi-en"]["why"].startswith("layout drift: gyeonggi-en: published missing on 8 of 8")
    assert found["gyeonggi-en"]["last_run"]["status"] == "failed"
    assert found["gyeonggi-en"]["last_run"]["articles_new"] == 8
    assert found["gangjin"]["verdict"] == "ok"
    assert found["gangjin"]["last_run"]["status"] == "ok"
    assert found["gangjin"]["last_run"]["articles_new"] == found["gangjin"]["articles"] > 20
    assert found["shinan"]["verdict"] == "failed"
    assert found["shinan"]["why"] == "last run failed: no listing page could be read"
    assert found["shinan"]["newest_article"] is None
    assert found["korea-kr"]["verdict"] == "never"
    assert found["korea-kr"]["last_run"] is None and found["korea-kr"]["why"] == "never crawled"
    assert json.loads(result.stdout)["today"] == TODAY


def test_a_board_that_stopped_publishing_is_stale_past_its_usual_gap(archive):
    dates = stored_dates(archive, "gangjin")
    gap = median((a - b).days for a, b in zip(dates, dates[1:]))
    threshold = max(14, 5 * gap)
    assert threshold > 14  # the board's own rhythm decides here, not the floor

    def verdict(today):
        result = status(archive, "--json", "--source", "gangjin", today=today.isoformat())
        return result.returncode, by_source(result)["gangjin"]

    limit = int(threshold)  # whole days; the median may end in .5
    rc, at_limit = verdict(dates[0] + datetime.timedelta(days=limit))
    assert (rc, at_limit["verdict"]) == (0, "ok")
    assert at_limit["median_gap_days"] == gap and at_limit["newest_article"] == dates[0].isoformat()
    rc, past = verdict(dates[0] + datetime.timedelta(days=limit + 1))
    assert (rc, past["verdict"]) == (1, "stale")
    assert past["days_since_newest"] == limit + 1 and past["stale_after_days"] == threshold
    assert past["why"] == (f"newest article {limit + 1} days old; stale after {threshold:g} days "
                           f"(usual gap {gap:g} days)")


def test_today_comes_from_bulletins_today_when_not_given(archive):
    dates = stored_dates(archive, "gangjin")
    far = (dates[0] + datetime.timedelta(days=3650)).isoformat()
    env = {**archive.env, "BULLETINS_TODAY": far}
    result = run_cli("status", "--json", "--source", "gangjin", cwd=archive.folder, env=env)
    assert by_source(result)["gangjin"]["verdict"] == "stale"
    assert json.loads(result.stdout)["today"] == far


def test_the_table_has_one_line_per_source_and_a_summary(archive):
    result = status(archive)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["SOURCE", "VERDICT", "LAST"]
    rows = {line.split()[0]: line for line in lines[1:-1]}
    assert rows["gangjin"].split()[1] == "ok"
    assert rows["shinan"].split()[1] == "failed"
    assert rows["gyeonggi-en"].split()[1] == "drift" and " 8/0 " in rows["gyeonggi-en"]
    assert rows["korea-kr"].split()[1] == "never"
    assert lines[-1].startswith(f"{len(rows)} sources: ") and "1 drift" in lines[-1]
    assert lines[-1].endswith(f"(today {TODAY})")


def test_failing_lists_only_the_problems(archive):
    result = status(archive, "--failing")
    assert result.returncode == 1
    rows = {line.split()[0] for line in result.stdout.splitlines()[1:-1]}
    assert {"gyeonggi-en", "shinan", "korea-kr"} <= rows and "gangjin" not in rows
    failing = status(archive, "--failing", "--json")
    as_json = by_source(failing)
    assert {"gyeonggi-en", "shinan", "korea-kr"} <= set(as_json) and "gangjin" not in as_json
    counts = json.loads(failing.stdout)["counts"]  # of every source, the ok ones included
    assert counts["ok"] == 1 and counts["drift"] == 1 and sum(counts.values()) == len(as_json) + 1


def test_exit_status_is_zero_only_when_every_source_shown_is_ok(archive):
    ok = status(archive, "--source", "gangjin")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.splitlines()[-1] == f"1 source: 1 ok (today {TODAY})"
    assert status(archive, "--failing", "--source", "gangjin").stdout.splitlines() == [
        f"1 source: 1 ok (today {TODAY})"]
    assert status(archive, "--source", "gangjin", "--source", "shinan").returncode == 1


@pytest.mark.parametrize("args, message", [
    (["--today", "2024-13-01"], "bulletins: error: --today (or BULLETINS_TODAY): expected a date "
                                "YYYY-MM-DD for today, got '2024-13-01'"),
    (["--source", "nowhere"], "bulletins: error: unknown source 'nowhere': neither a profile with a "
                              "site nor in the database (see `bulletins sources`)"),
])
def test_usage_errors_are_one_line_and_exit_2(archive, args, message):
    result = status(archive, *args, today=None)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [message]


def test_with_no_database_every_known_source_never_ran(tmp_path):
    result = run_cli("status", "--json", "--today", TODAY, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    found = by_source(result)
    assert {"gyeonggi-en", "gangjin", "shinan", "korea-kr"} <= set(found)
    assert {found[name]["verdict"] for name in ("gyeonggi-en", "gangjin", "shinan", "korea-kr")} == {"never"}
    assert all(s["verdict"] == "never" or s["why"].startswith("profile broken: ") for s in found.values())
    assert not (tmp_path / "data").exists()  # read-only: nothing created


def test_a_broken_profile_is_failed_whatever_its_runs_say(archive, tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "gangjin.toml").write_text("this is = not [valid toml\n")
    env = {**archive.env, "BULLETINS_PROFILE_DIRS": str(profiles)}
    result = run_cli("status", "--json", "--source", "gangjin", cwd=archive.folder, env=env)
    found = by_source(result)["gangjin"]
    assert (result.returncode, found["verdict"]) == (1, "failed")
    assert found["why"].startswith("profile broken: ") and found["last_run"]["status"] == "ok"


def test_a_run_killed_on_this_host_counts_as_failed_and_a_live_one_is_not_judged(archive, tmp_path):
    copy = tmp_path / "copy.sqlite"
    shutil.copy(archive.folder / "bulletins.sqlite", copy)
    dead = subprocess.Popen(["true"])
    dead.wait()
    with sqlite3.connect(copy) as con:
        con.execute("insert into crawlrun (source, started_at, status, complete, listing_pages, "
                    "articles_new, articles_updated, pages_failed, items_failed, warc_records, host, "
                    "pid, unfinished, retried) values ('gangjin', '2024-01-04 01:00:00', 'running', 0, "
                    "0, 0, 0, 0, 0, 0, ?, ?, 0, 0)", (socket.gethostname(), dead.pid))
    env = {"BULLETINS_DATABASE_URL": f"sqlite:///{copy}"}
    killed = run_cli("status", "--json", "--source", "gangjin", "--today", TODAY, cwd=tmp_path, env=env)
    found = by_source(killed)["gangjin"]
    assert (killed.returncode, found["verdict"], found["last_run"]["status"]) == (1, "failed", "killed")
    with sqlite3.connect(copy) as con:
        con.execute("update crawlrun set pid = ? where status = 'running'", (os.getpid(),))
    live = run_cli("status", "--json", "--source", "gangjin", "--today", TODAY, cwd=tmp_path, env=env)
    found = by_source(live)["gangjin"]
    assert (live.returncode, found["verdict"], found["last_run"]["status"]) == (0, "ok", "ok")
    assert found["running_since"].startswith("2024-01-04T01:00:00")


@pytest.mark.parametrize("today", [TODAY, "2026-11-20"])
def test_datasettes_stored_query_gives_the_verdicts_status_gives(archive, today):
    from storage.presentation.datasette_config import QUERIES

    con = sqlite3.connect(f"file:{archive.folder / 'bulletins.sqlite'}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        rows = {r["source"]: dict(r) for r in con.execute(QUERIES["source_health"]["sql"], {"today": today})}
    finally:
        con.close()
    from_status = by_source(status(archive, "--json", today=today))
    assert set(rows) == {"gyeonggi-en", "gangjin", "shinan"}  # what the database knows of
    for name, row in rows.items():
        want = from_status[name]
        assert row["verdict"] == want["verdict"], name
        assert (row["newest_article"], row["median_gap_days"], row["days_since_newest"]) == (
            want["newest_article"], want["median_gap_days"], want["days_since_newest"]), name
        assert (row["status"], row["articles_new"]) == (want["last_run"]["status"], want["last_run"]["articles_new"])
    assert rows["gangjin"]["verdict"] == ("ok" if today == TODAY else "stale")


def test_datasette_serves_the_stored_query_with_today_as_a_parameter(archive, tmp_path):
    import asyncio

    from datasette.app import Datasette

    from storage.presentation.datasette_config import datasette_metadata

    path = tmp_path / "bulletins.sqlite"
    shutil.copy(archive.folder / "bulletins.sqlite", path)
    ds = Datasette([str(path)], metadata=datasette_metadata(path))

    async def get(query):
        response = await ds.client.get(f"/bulletins/source_health.json?_shape=objects&{query}")
        return response.status_code, response.json()

    code, data = asyncio.run(get(f"today={TODAY}"))
    assert code == 200, data
    assert {r["source"]: r["verdict"] for r in data["rows"]} == {
        "gangjin": "ok", "gyeonggi-en": "drift", "shinan": "failed"}
    code, data = asyncio.run(get(""))  # no today given: today in Korea, whatever it is
    assert code == 200 and {r["source"] for r in data["rows"]} == {"gangjin", "gyeonggi-en", "shinan"}


def test_the_verdicts_are_the_same_on_sqlite_and_postgresql(db_url):
    """storage.database.health on stored runs and articles, straight from the library, on both backends."""
    from storage.database.articles import ArticleRecord, save_article
    from storage.database.db import make_engine, make_reader, session
    from storage.database.health import source_health
    from storage.database.runs import finish_run, start_run

    seen = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    every_other_day = [datetime.date(2023, 12, 1) + datetime.timedelta(days=2 * k) for k in range(10)]
    with session(make_engine(db_url)) as db:
        for source in ("daily", "drifted", "broken"):
            for k, day in enumerate(every_other_day):
                save_article(db, ArticleRecord(source=source, board_id=str(k), url=f"http://127.0.0.1/{source}/{k}",
                                               title="제목", published=day), seen)
        outcomes = {"daily": ("ok", None),
                    "drifted": ("failed", "layout drift: drifted: body missing on 5 of 5 articles (100% > 20%)"),
                    "broken": ("incomplete", "2 unfinished (2 articles; HTTP 500: 2)")}
        for source, (run_status, failure) in outcomes.items():
            run = start_run(db, source)
            finish_run(db, run.id, status=run_status, failure=failure, articles_new=10,
                       failures='{"HTTP 500": 2}' if run_status == "incomplete" else None)
        db.commit()
    newest = every_other_day[-1]  # gaps of 2 days: stale after max(14, 5 x 2) = 14 days
    engine = make_reader(db_url)
    try:
        health = {h.source: h for h in source_health(engine, ["never-run"], newest + datetime.timedelta(days=14))}
        later = {h.source: h.verdict for h in source_health(engine, [], newest + datetime.timedelta(days=15))}
    finally:
        engine.dispose()
    assert {name: h.verdict for name, h in health.items()} == {
        "daily": "ok", "drifted": "drift", "broken": "failed", "never-run": "never"}
    assert later == {"daily": "stale", "drifted": "drift", "broken": "failed"}
    assert health["daily"].median_gap_days == 2 and health["daily"].stale_after_days == 14
    assert health["daily"].newest_article == newest and health["daily"].articles == 10
    assert health["broken"].last_run.failures == {"HTTP 500": 2}
    assert health["broken"].why == "last run incomplete: 2 unfinished (2 articles; HTTP 500: 2)"
