"""Scale-out: crawler processes sharing one frontier in a real redis-server, one PostgreSQL.

Each process is `bulletins crawl` as an operator starts it on a machine of its own, with its own
WARC folder; the replica board's request log says what was fetched, and how often.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.processes import start
from scraper.replica import Board, ReplicaServer

from .conftest import BIN, REPO, run_cli
from .services import free_port, postgres_server, redis_server

# Enough that the second process gets work while the first is busy, on a loaded machine too: one
# process crawls 300 replica articles in about 2 s, less than one may start later than the other.
ARTICLES = 1000
START_ATTEMPTS = 600  # x 0.05 s: waiting for a process to have fetched something


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as server:
        yield server


def article_path(path: str) -> bool:
    return path.rstrip("/").split("/")[-1].isdigit() and "/page/" not in path


def start_crawl(base_url: str, warc_dir: Path, env: dict, *extra: str) -> subprocess.Popen:
    warc_dir.parent.mkdir(parents=True, exist_ok=True)
    return start(
        [str(BIN / "bulletins"), "crawl", "gyeonggi-en", "--base-url", base_url, "--warc-dir", str(warc_dir),
         "--json", *extra],
        cwd=warc_dir.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_work(warc_dir: Path, process: subprocess.Popen) -> bool:
    """Whether the process has fetched something (its first WARC file is open) and still runs."""
    for _ in range(START_ATTEMPTS):
        if list(warc_dir.glob("*.warc.gz.open")) or process.poll() is not None:
            break
        time.sleep(0.05)
    return process.poll() is None


def crawl_env(redis: str, database: str, **more: str) -> dict:
    env = {**os.environ, "BULLETINS_REDIS_URL": redis, "BULLETINS_DATABASE_URL": database, **more}
    env.pop("BULLETINS_WARC_DIR", None)
    return env


def archived_articles(warc_dir: Path) -> list[str]:
    """Article URLs of the response records in a WARC folder."""
    urls = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response" and article_path(uri.split("://", 1)[-1].split("/", 1)[-1]):
                    urls.append(uri)
    return urls


def query(database: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(database.replace("postgresql+psycopg", "postgresql")) as con:
        return con.execute(sql).fetchall()


def shared_keys(redis: str) -> list[bytes]:
    import redis as redis_client

    return redis_client.Redis.from_url(redis).keys("bulletins:*")


def test_two_processes_fetch_and_store_every_article_once(tmp_path, redis_url, postgres):
    database = postgres.create_database("scale_out")
    board = Board(articles=ARTICLES)  # flaky: listing page 2 answers 500 once, retried by either
    expected = {f"/blog/english-news/{a.id}" for a in board.articles + board.notices}
    env = crawl_env(redis_url, database)
    folders = [tmp_path / "machine-a" / "warc", tmp_path / "machine-b" / "warc"]
    with ReplicaServer(board) as server:
        processes = [start_crawl(server.base_url, folder, env, "--full") for folder in folders]
        results = [p.communicate(timeout=600) for p in processes]
        requests = list(server.requests)
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0, out + err[-4000:]
    summaries = [json.loads(out) for out, _ in results]

    # Fetched once: each article path appears once in the board's request log, all of them.
    fetched = Counter(path for _, path in requests if article_path(path))
    assert set(fetched) == expected
    assert [path for path, n in fetched.items() if n > 1] == []
    # The first listing page was scheduled once for the crawl, not once per process.
    assert [path for _, path in requests].count("/blog/english-news/") == 1

    # Both did some of the work, and the work was split, not repeated.
    assert all(s["articles"] > 0 for s in summaries), [s["articles"] for s in summaries]
    assert sum(s["articles"] for s in summaries) == len(expected)
    archived = [archived_articles(folder) for folder in folders]
    assert all(archived) and not set(archived[0]) & set(archived[1])
    assert {url.split(server.base_url, 1)[1] for url in archived[0] + archived[1]} == expected

    # Stored once, with what users read: articles, attachment sizes as downloaded (often by the
    # other process), one capture each, pointing into the folder of the process that fetched it.
    rows = query(database, "select board_id, count(*) from article group by board_id")
    assert sorted(b for b, _ in rows) == sorted(p.rsplit("/", 1)[1] for p in expected)
    assert all(n == 1 for _, n in rows)
    sizes = dict(((u, n), s) for u, n, s in query(database, "select url, name, size from attachment"))
    assert sizes == {(server.base_url + a.url_path, a.filename): len(a.data)
                     for b in board.articles + board.notices for a in b.attachments}
    captures = query(database, "select c.warc_file, a.url from capture c join article a on a.id = c.article_id")
    assert len(captures) == len(expected)
    for name, url in captures:
        holders = [i for i, folder in enumerate(folders) if (folder / name).exists()]
        assert len(holders) == 1 and url in archived[holders[0]]

    # Each process recorded its run; the listing walk was complete for the crawl as a whole.
    runs = query(database, "select status, complete, articles_new from crawlrun")
    assert sorted(runs) == sorted(("ok", True, s["articles_new"]) for s in summaries)
    assert shared_keys(redis_url) == []  # the last process out cleared the crawl's state


def test_without_a_redis_url_scrapy_redis_is_not_even_imported(tmp_path, redis_url):
    """The same crawl through the library, once without and once with a Redis URL (a setting)."""
    script = (
        "import json, sys\n"
        "from scraper.crawl.run import make_settings, run_crawl\n"
        "url = sys.argv[2] or None\n"
        "settings = make_settings(database=sys.argv[3], warcs=sys.argv[4],\n"
        "                         overrides={'BULLETINS_REDIS_URL': url} if url else None)\n"
        "outcome = run_crawl('gyeonggi-en', settings, base_url=sys.argv[1])\n"
        "print(json.dumps({'ok': outcome.ok, 'imported': 'scrapy_redis' in sys.modules,\n"
        "                  'shared': outcome.stats.get('bulletins/frontier/enqueued', 0),\n"
        "                  'articles': outcome.report.articles}))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETINS_")}
    outcomes = []
    with ReplicaServer(Board(articles=12), flaky=False) as server:
        for name, url in (("plain", ""), ("shared", redis_url)):
            result = subprocess.run([sys.executable, "-c", script, server.base_url, url,
                                     f"sqlite:///{tmp_path / name}.sqlite", str(tmp_path / name)],
                                    env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, result.stderr[-3000:]
            outcomes.append(json.loads(result.stdout.strip().splitlines()[-1]))
            if url:
                assert "use PostgreSQL" in result.stderr  # SQLite cannot be shared across machines
    plain, shared = outcomes
    assert plain == {"ok": True, "imported": False, "shared": 0, "articles": 14}
    assert shared["ok"] and shared["imported"] and shared["shared"] > 14 and shared["articles"] == 14


def test_a_killed_process_does_not_hold_the_crawl_and_the_next_crawl_fills_the_gap(
        tmp_path, redis_url, postgres):
    database = postgres.create_database("killed")
    board = Board(articles=2 * ARTICLES)  # the second process starts late: leave it work to hold
    expected = sorted(str(a.id) for a in board.articles + board.notices)
    folders = [tmp_path / "a" / "warc", tmp_path / "b" / "warc"]
    with ReplicaServer(board, flaky=False) as server:
        def launch(folder: Path) -> subprocess.Popen:
            # `scrapy crawl` from the project folder, to set a setting: a worker whose heartbeat
            # is 2 s old counts as dead (60 s by default).
            return start(
                [str(BIN / "scrapy"), "crawl", "gyeonggi-en", "-a", f"base_url={server.base_url}", "-a", "full=true",
                 "-s", "BULLETINS_REDIS_WORKER_TTL=2", "-s", f"BULLETINS_WARC_DIR={folder}"],
                cwd=REPO, env=crawl_env(redis_url, database), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True)

        # The survivor first: it takes the first listing page (so the crawl has begun) ...
        survivor = launch(folders[0])
        assert wait_for_work(folders[0], survivor)
        # ... then the victim, killed (-9) once it holds work: it has begun writing a WARC file.
        victim = launch(folders[1])
        assert wait_for_work(folders[1], victim), "the second process ended before it could be killed"
        victim.send_signal(signal.SIGKILL)
        victim.communicate(timeout=60)
        out, err = survivor.communicate(timeout=600)
        assert survivor.returncode == 0, out + err[-4000:]
        assert "stopped answering" in err, err[-4000:]
        stored = [b for (b,) in query(database, "select board_id from article")]
        runs = query(database, "select status, complete from crawlrun")
        assert sorted(runs) == [("ok", False), ("running", False)]  # neither trusted by the next crawl
        assert shared_keys(redis_url) == []

        # The next (incremental, single) crawl pages to the end and stores what the killed one held.
        again = run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, "--database-url", database,
                        "--warc-dir", str(folders[1]), cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert len(stored) == len(set(stored)) and set(stored) <= set(expected)
    rows = query(database, "select board_id, count(*) from article group by board_id")
    assert sorted(b for b, _ in rows) == expected and all(n == 1 for _, n in rows)


def test_an_unusable_redis_url_is_a_one_line_error_naming_it_without_its_password(redis_url):
    from scraper.crawl.frontier import FrontierError, check_frontier

    check_frontier({"BULLETINS_REDIS_URL": redis_url})  # a server that answers: no error
    check_frontier({})  # no URL: nothing to check
    closed = free_port()
    with pytest.raises(FrontierError) as err:
        check_frontier({"BULLETINS_REDIS_URL": f"redis://:s3cret@127.0.0.1:{closed}/0"})
    message = str(err.value)
    assert "\n" not in message and "s3cret" not in message
    assert message.startswith(f"cannot use the shared frontier at redis://:***@127.0.0.1:{closed}/0: ")
    with pytest.raises(FrontierError, match="cannot use the shared frontier at http://127.0.0.1/"):
        check_frontier({"BULLETINS_REDIS_URL": "http://127.0.0.1/"})


def test_a_process_that_found_no_listing_left_still_succeeds(tmp_path, redis_url, postgres):
    database = postgres.create_database("small_crawl")
    board = Board(articles=12)
    env = crawl_env(redis_url, database)
    with ReplicaServer(board) as server:
        processes = [start_crawl(server.base_url, tmp_path / name / "warc", env, "--full")
                     for name in ("a", "b")]
        results = [p.communicate(timeout=600) for p in processes]
    for process, (out, err) in zip(processes, results):
        assert process.returncode == 0, out + err[-4000:]
    assert sum(json.loads(out)["articles"] for out, _ in results) == 14
