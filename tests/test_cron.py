"""cron/nightly.sh as cron runs it: dated log, lock, exit status."""

from __future__ import annotations

import gzip
import os
import re
import sqlite3
import subprocess
import time
from datetime import datetime, timezone

from scraper.replica import Board, ReplicaServer

from .conftest import BIN, REPO, run_cli

SCRIPT = REPO / "cron" / "nightly.sh"


def nightly(tmp_path, crawl_args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "BULLETINS_HOME": str(tmp_path), "BULLETINS_LOG_DIR": str(tmp_path / "logs"),
           "BULLETINS": str(BIN / "bulletins"), "BULLETINS_CRAWL_ARGS": crawl_args,
           "BULLETINS_SOURCES": "gyeonggi-en"}  # the one board the replica serves
    env.pop("BULLETINS_DATABASE_URL", None)
    env.pop("BULLETINS_WARC_DIR", None)
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=timeout)


def todays_log(tmp_path) -> str:
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    return (tmp_path / "logs" / f"nightly-{day}.log").read_text()


def test_nightly_crawls_every_source_into_a_dated_log(tmp_path):
    with ReplicaServer(Board(articles=20)) as server:
        result = nightly(tmp_path, f"--base-url {server.base_url}")
    assert result.returncode == 0, result.stderr
    log = todays_log(tmp_path)
    assert "crawl gyeonggi-en: ok" in log and "nightly: all sources ok" in log
    health = log.split("nightly: source health (bulletins status):", 1)[1]
    assert re.search(r"^gyeonggi-en\s+(ok|stale)\s", health, re.M)  # judged: only the source asked for
    assert re.search(r"^1 source: ", health, re.M)
    assert "articles: 22 parsed, 22 new" in log
    assert (tmp_path / "data" / "bulletins.sqlite").exists()


def test_nightly_exits_non_zero_and_names_the_failed_source(tmp_path):
    result = nightly(tmp_path, "--base-url http://127.0.0.1:9")
    assert result.returncode == 1
    assert "failed sources: gyeonggi-en" in result.stderr
    # the source's own status line, read from the crawl's summary
    assert "crawl gyeonggi-en: FAILED (status: FAILED - no listing page could be read)" in todays_log(tmp_path)


def test_nightly_crawls_every_runnable_source_in_one_process_and_names_the_failed_one(tmp_path):
    from .test_crawl_all import replicas

    runnable = run_cli("sources", "--runnable", cwd=tmp_path).stdout.split()
    with replicas(tmp_path, runnable, articles=12) as (servers, profiles):
        servers["gyeongbuk"].stop()  # its site refuses connections tonight
        env = {**os.environ, "BULLETINS_HOME": str(tmp_path), "BULLETINS_LOG_DIR": str(tmp_path / "logs"),
               "BULLETINS": str(BIN / "bulletins"), "BULLETINS_PROFILE_DIRS": str(profiles),
               "BULLETINS_TODAY": "2026-12-01"}
        for name in ("BULLETINS_SOURCES", "BULLETINS_CRAWL_ARGS", "BULLETINS_DATABASE_URL", "BULLETINS_WARC_DIR"):
            env.pop(name, None)
        result = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    assert "failed sources: gyeongbuk (log: " in result.stderr
    log = todays_log(tmp_path)
    for name in runnable:
        assert f"crawl {name}: start" in log
        if name != "gyeongbuk":
            assert f"crawl {name}: ok" in log
    assert "crawl gyeongbuk: FAILED (status: FAILED - no listing page could be read)" in log
    # the log ends with the health table of every source
    health = log.split("nightly: source health (bulletins status):", 1)[1]
    assert re.search(r"^gyeongbuk\s+failed\s", health, re.M)
    assert re.search(rf"^{len(runnable)} sources: ", health, re.M)
    # one `bulletins crawl --all` process for all of them, a run row each
    with sqlite3.connect(tmp_path / "data" / "bulletins.sqlite") as db:
        rows = db.execute("select source, status, pid from crawlrun").fetchall()
    assert sorted(source for source, _, _ in rows) == sorted(runnable)
    assert {source: status for source, status, _ in rows if status != "ok"} == {"gyeongbuk": "failed"}
    assert len({pid for _, _, pid in rows}) == 1


def test_two_nightly_runs_at_once_never_overlap(tmp_path):
    env = {**os.environ, "BULLETINS_HOME": str(tmp_path), "BULLETINS_LOG_DIR": str(tmp_path / "logs"),
           "BULLETINS": str(BIN / "bulletins"), "BULLETINS_SOURCES": "gyeonggi-en"}
    with ReplicaServer(Board(articles=300)) as server:
        env["BULLETINS_CRAWL_ARGS"] = f"--base-url {server.base_url}"
        first = subprocess.Popen(["bash", str(SCRIPT)], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        log_file = tmp_path / "logs" / f"nightly-{datetime.now(timezone.utc):%Y-%m-%d}.log"
        while not log_file.exists() or "crawl gyeonggi-en: start" not in log_file.read_text():
            assert time.monotonic() < deadline and first.poll() is None, "the first run did not start"
            time.sleep(0.05)
        second = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
        assert first.poll() is None  # the first was still crawling when the second gave up
        first.wait(timeout=300)
    assert second.returncode == 0 and "another run holds" in second.stderr
    assert first.returncode == 0, first.stderr
    log = todays_log(tmp_path)
    assert log.count("crawl gyeonggi-en: start") == 1 and "nightly: all sources ok" in log


def test_earlier_logs_are_compressed_and_old_ones_removed(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    old, recent = logs / "nightly-2026-01-01.log.gz", logs / "nightly-2026-11-20.log"
    old.write_bytes(b"")
    recent.write_text("an earlier night\n")
    long_ago = time.time() - 100 * 86400
    os.utime(old, (long_ago, long_ago))
    nightly(tmp_path, "--base-url http://127.0.0.1:9")
    assert not old.exists() and not recent.exists()
    assert gzip.decompress((logs / "nightly-2026-11-20.log.gz").read_bytes()) == b"an earlier night\n"
    assert "crawl gyeonggi-en: start" in todays_log(tmp_path)  # today's log stays plain text
