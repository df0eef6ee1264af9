"""cron/nightly.sh as cron runs it: dated log, lock, exit status."""

from __future__ import annotations

import fcntl
import os
import subprocess
from datetime import datetime, timezone

from scraper.replica import Board, ReplicaServer

from .conftest import BIN, REPO

SCRIPT = REPO / "cron" / "nightly.sh"


def nightly(tmp_path, crawl_args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "BULLETINS_HOME": str(tmp_path), "BULLETINS_LOG_DIR": str(tmp_path / "logs"),
           "BULLETINS": str(BIN / "bulletins"), "BULLETINS_CRAWL_ARGS": crawl_args}
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
    assert "articles: 22 parsed, 22 new" in log
    assert (tmp_path / "data" / "bulletins.sqlite").exists()


def test_nightly_exits_non_zero_and_names_the_failed_source(tmp_path):
    result = nightly(tmp_path, "--base-url http://127.0.0.1:9")
    assert result.returncode == 1
    assert "failed sources: gyeonggi-en" in result.stderr
    assert "crawl gyeonggi-en: FAILED (exit 1)" in todays_log(tmp_path)


def test_a_second_run_while_one_holds_the_lock_exits_without_crawling(tmp_path):
    (tmp_path / "logs").mkdir()
    with open(tmp_path / "logs" / "nightly.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # the first run, still going
        result = nightly(tmp_path, "--base-url http://127.0.0.1:9", timeout=30)
    assert result.returncode == 0
    assert "another run holds" in result.stderr
    assert "crawl gyeonggi-en" not in todays_log(tmp_path)
    assert not (tmp_path / "data").exists()
