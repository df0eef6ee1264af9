"""Every source at once: `bulletins crawl A B C` and `bulletins crawl --all` crawl the sources side
by side in one process, through one database component, each source with its own run record,
summary, status, WARC files, CDXJ index and WACZ package (SQLite and PostgreSQL).

The replicas are pointed at by a user profile folder (BULLETINS_PROFILE_DIRS) holding copies of
the built-in profiles whose base_url is each replica's address: --base-url names one site only.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import time
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from scrapy.utils.test import get_crawler
from sqlmodel import select

from scraper.crawl.database import CrawlDatabase
from scraper.extract.items import ArticleRecord
from scraper.extract.profiles import BUILTIN_DIR
from scraper.replica import Board, ReplicaServer
from scraper.replica.sites import SiteServer, site_for
from scraper.crawl.report import CrawlReport
from storage.database.db import make_engine, session
from storage.database.models import Article, CrawlRun
from storage.webarchive.wacz import read_datapackage

from .conftest import BIN, run_cli

TODAY = "2026-12-01"  # the horizon counts back from a pinned day, not the calendar
SOURCES = ("gyeongbuk", "gangjin", "shinan")
SEEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


class TimedSiteServer(SiteServer):
    """A replica that also notes when each request came (time.monotonic())."""

    def __init__(self, site):
        super().__init__(site)
        self.times: list[float] = []

    def log(self, method: str, path: str, body: bytes) -> None:
        super().log(method, path, body)
        self.times.append(time.monotonic())


def profile_copy(name: str, base_url: str) -> str:
    text = (BUILTIN_DIR / f"{name}.toml").read_text(encoding="utf-8")
    replaced, n = re.subn(r'(?m)^base_url = ".*"$', f'base_url = "{base_url}"', text, count=1)
    assert n == 1, f"{name}.toml has no base_url line"
    return replaced


@contextmanager
def replicas(folder: Path, names, articles: int = 40):
    """A replica of each named source on loopback, and a profile folder pointing at them."""
    profiles = folder / "profiles"
    profiles.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        servers = {}
        for name in names:
            if name == "gyeonggi-en":
                server = stack.enter_context(ReplicaServer(Board(articles=articles)))
            else:
                server = stack.enter_context(TimedSiteServer(site_for(name, articles=articles)))
            servers[name] = server
            (profiles / f"{name}.toml").write_text(profile_copy(name, server.base_url), encoding="utf-8")
        yield servers, profiles


def crawl_cli(folder: Path, profiles: Path, db_url: str, *args: str) -> subprocess.CompletedProcess:
    return run_cli("crawl", *args, "--database-url", db_url, "--warc-dir", str(folder / "warc"),
                   cwd=folder, env={"BULLETINS_PROFILE_DIRS": str(profiles), "BULLETINS_TODAY": TODAY})


def blocks(stdout: str) -> dict[str, list[str]]:
    """The summary's `== SOURCE` blocks, by source."""
    found, current = {}, None
    for line in stdout.splitlines():
        if line.startswith("== "):
            current = found.setdefault(line[3:], [])
        elif current is not None:
            current.append(line)
            if line.startswith("status: "):  # a block ends with its status line
                current = None
    return found


def runs_and_articles(db_url: str) -> tuple[list[CrawlRun], dict[str, int]]:
    with session(make_engine(db_url)) as db:
        runs = db.exec(select(CrawlRun).order_by(CrawlRun.id)).all()
        counts: dict[str, int] = {}
        for source in db.exec(select(Article.source)):
            counts[source] = counts.get(source, 0) + 1
    return list(runs), counts


def warcio_check(paths) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "warcio"), "check", *map(str, paths)], capture_output=True, text=True)


def test_several_sources_crawl_side_by_side_each_with_its_own_run_and_package(db_url, tmp_path):
    with replicas(tmp_path, SOURCES) as (servers, profiles):
        result = crawl_cli(tmp_path, profiles, db_url, *SOURCES)
        times = {name: list(server.times) for name, server in servers.items()}
        posts = {name: len(server.site.posts) for name, server in servers.items()}
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    summaries = blocks(result.stdout)
    assert list(summaries) == list(SOURCES)
    runs, counts = runs_and_articles(db_url)
    for name in SOURCES:
        assert summaries[name][-1] == "status: ok"
        # every post (and pinned notice) of the board stored, each once
        assert counts[name] >= posts[name]
        assert summaries[name][0].startswith(f"articles: {counts[name]} parsed, {counts[name]} new,")
    assert "all sources: 3 of 3 ok" in result.stdout

    # one run row per source, all of this one process
    assert set(counts) == set(SOURCES)
    assert sorted(run.source for run in runs) == sorted(SOURCES)
    assert all(run.status == "ok" and run.complete for run in runs)
    assert len({run.pid for run in runs}) == 1

    # one CDXJ and one WACZ per source, named by the run, holding that source's files only
    for run in runs:
        package = Path(run.package)
        if not package.is_absolute():
            package = tmp_path / package
        assert package.name.endswith(f"-{run.source}.wacz")
        ours = read_datapackage(package)["bulletins"]
        files = run.warc_files.split(",")
        assert ours["source"] == run.source and ours["warc_files"] == files
        assert all(name.startswith(f"BULLETINS-{run.source}-") for name in files)
        assert ours["pages"] == counts[run.source]
        assert (tmp_path / "warc" / "indexes" / package.name.replace(".wacz", ".cdxj")).is_file()
    assert len(list((tmp_path / "warc" / "packages").glob("*.wacz"))) == 3
    assert len(list((tmp_path / "warc" / "indexes").glob("*.cdxj"))) == 3
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    assert len(warcs) == 3
    check = warcio_check(warcs)
    assert check.returncode == 0, check.stdout + check.stderr

    # side by side, not one after another: each replica was asked for something before another
    # one had served its last request (a sequential run has disjoint spans)
    spans = {name: (min(t), max(t)) for name, t in times.items()}
    for a in SOURCES:
        for b in SOURCES:
            if a != b:
                assert spans[a][0] < spans[b][1], f"{a} started after {b} had finished: {spans}"
    merged = sorted((t, name) for name, ts in times.items() for t in ts)
    switches = sum(1 for (_, x), (_, y) in zip(merged, merged[1:]) if x != y)
    assert switches > 2 * len(SOURCES), f"requests of the sites hardly interleave ({switches} switches)"


def test_a_failing_source_fails_alone_named_and_the_others_are_ok(db_url, tmp_path):
    with replicas(tmp_path, SOURCES, articles=15) as (servers, profiles):
        servers["gangjin"].stop()  # its port now refuses connections
        result = crawl_cli(tmp_path, profiles, db_url, *SOURCES, "--json")
    assert result.returncode == 1
    outcomes = [json.loads(line) for line in result.stdout.splitlines()]
    by_source = {o["source"]: o for o in outcomes}
    assert list(by_source) == list(SOURCES)
    assert by_source["gangjin"]["status"] == "failed"
    assert by_source["gangjin"]["failure"] == "no listing page could be read"
    assert by_source["gyeongbuk"]["status"] == by_source["shinan"]["status"] == "ok"
    runs, counts = runs_and_articles(db_url)
    assert {run.source: run.status for run in runs} == {"gyeongbuk": "ok", "gangjin": "failed", "shinan": "ok"}
    assert set(counts) == {"gyeongbuk", "shinan"}
    assert by_source["gyeongbuk"]["articles_new"] == counts["gyeongbuk"] >= 15
    assert by_source["shinan"]["articles_new"] == counts["shinan"] >= 15
    packaged = sorted(p.name.rsplit("-", 1)[1] for p in (tmp_path / "warc" / "packages").glob("*.wacz"))
    assert packaged == ["gyeongbuk.wacz", "shinan.wacz"]  # the refused site left nothing to package


def test_all_crawls_what_sources_runnable_lists_and_a_broken_profile_fails_alone(tmp_path):
    env = {"BULLETINS_TODAY": TODAY}
    db_url = f"sqlite:///{tmp_path / 'bulletins.sqlite'}"
    runnable = [line for line in run_cli("sources", "--runnable", cwd=tmp_path).stdout.splitlines()]
    with replicas(tmp_path, runnable, articles=12) as (servers, profiles):
        # every runnable source now points at a replica: no test reaches a real site
        assert sorted(p.stem for p in profiles.glob("*.toml")) == sorted(runnable)
        (profiles / "broken-one.toml").write_text('name = "broken-one"\n[listing]\nrows = 3\n', encoding="utf-8")
        env["BULLETINS_PROFILE_DIRS"] = str(profiles)
        listed = run_cli("sources", "--runnable", cwd=tmp_path, env=env).stdout.splitlines()
        assert sorted(listed) == sorted([*runnable, "broken-one"])
        result = run_cli("crawl", "--all", "--database-url", db_url, "--warc-dir", str(tmp_path / "warc"),
                         cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    summaries = blocks(result.stdout)
    assert sorted(summaries) == sorted(listed)
    assert summaries["broken-one"][-1].startswith("status: FAILED - source 'broken-one' cannot be crawled: ")
    for name in runnable:
        assert summaries[name][-1] == "status: ok", (name, summaries[name])
    assert result.stdout.rstrip().endswith("not ok: broken-one (failed)")
    runs, counts = runs_and_articles(db_url)
    assert sorted(run.source for run in runs) == sorted(runnable)  # the broken one was not crawled
    assert set(counts) == set(runnable)


def test_usage_errors_of_a_list(tmp_path):
    both = run_cli("crawl", "--all", "gyeongbuk", cwd=tmp_path)
    assert (both.returncode, both.stderr.strip()) == (
        2, "bulletins: error: --all crawls every source: give no SOURCE and no --url with it")
    base = run_cli("crawl", "gyeongbuk", "shinan", "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert (base.returncode, base.stderr.strip()) == (
        2, "bulletins: error: --base-url names one site: give it with one SOURCE")
    unknown = run_cli("crawl", "gyeongbuk", "nowhere", cwd=tmp_path)
    assert unknown.returncode == 2 and unknown.stderr.startswith("bulletins: error: unknown source 'nowhere'")
    assert not (tmp_path / "data").exists()  # nothing made before the checks


def test_the_crawlers_of_a_process_share_one_engine_and_unit_of_work_and_own_their_failures(tmp_path):
    settings = {"BULLETINS_DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite'}", "BULLETINS_COMMIT_EVERY": 100}
    crawlers = [get_crawler(settings_dict=settings), get_crawler(settings_dict=settings)]
    reports = [CrawlReport.from_crawler(c) for c in crawlers]
    first, second = (CrawlDatabase.from_crawler(c) for c in crawlers)
    assert first is not second  # each crawler its own run id and failures
    assert first.engine is second.engine and first.shared.work is second.shared.work

    from storage.database.articles import save_article

    def article(board_id: str) -> ArticleRecord:
        return ArticleRecord(source="s", board_id=board_id, url=f"http://127.0.0.1/{board_id}",
                             title="T", body_text="B")

    def broken(db):
        raise ValueError("nonsense from a page object")

    first.work.write(lambda db: save_article(db, article("1"), SEEN)[1], label="http://127.0.0.1/1")
    second.work.write(lambda db: save_article(db, article("2"), SEEN)[1], label="http://127.0.0.1/2")
    # one session: the first crawler reads the second's row before anything is committed
    assert sorted(first.read(lambda db: db.exec(select(Article.board_id)).all())) == ["1", "2"]
    assert sqlite3.connect(tmp_path / "b.sqlite").execute("select count(*) from article").fetchone() == (0,)
    second.work.write(broken, label="http://127.0.0.1/bad")  # the batch replayed: only it is lost
    first.close()  # commits the shared batch; the second crawler goes on
    assert not second.shared.closed
    second.work.write(lambda db: save_article(db, article("3"), SEEN)[1], label="http://127.0.0.1/3")
    second.close()
    assert second.shared.closed
    assert reports[0].failed_items == []
    assert reports[1].failed_items == [("http://127.0.0.1/bad", "not stored: ValueError: nonsense from a page object")]
    db = sqlite3.connect(tmp_path / "b.sqlite")
    assert sorted(r[0] for r in db.execute("select board_id from article")) == ["1", "2", "3"]
    # a later crawl of the process gets a new component, the closed one is not reused
    third = CrawlDatabase.from_crawler(get_crawler(settings_dict=settings))
    assert third.shared is not first.shared and not third.shared.closed
    third.close()


def test_two_sources_of_one_site_crawl_one_after_another_so_the_site_sees_one_crawlers_rate(tmp_path):
    """Each crawler has download slots of its own: two sources of one site (two boards of one
    host, a board family's county and its own profile) side by side would double the rate the
    site sees, so they take turns while the other sites' crawls go on beside them."""
    db_url = f"sqlite:///{tmp_path / 'bulletins.sqlite'}"
    with replicas(tmp_path, ["gyeongbuk", "shinan"], articles=15) as (servers, profiles):
        twin = profile_copy("gyeongbuk", servers["gyeongbuk"].base_url)
        twin = re.sub(r'(?m)^name = "gyeongbuk"$', 'name = "gyeongbuk-twin"', twin)
        (profiles / "gyeongbuk-twin.toml").write_text(twin, encoding="utf-8")
        result = crawl_cli(tmp_path, profiles, db_url, "gyeongbuk", "shinan", "gyeongbuk-twin")
        asked = [path for _, path, _ in servers["gyeongbuk"].requests]
        shinan_times = list(servers["shinan"].times)
        gyeongbuk_times = list(servers["gyeongbuk"].times)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert [b[-1] for b in blocks(result.stdout).values()] == ["status: ok"] * 3
    # the twin's crawl (its own robots.txt first) starts after the first one's last request
    robots = [i for i, path in enumerate(asked) if path == "/robots.txt"]
    assert len(robots) == 2 and robots[0] == 0
    assert robots[1] == len(asked) // 2 and sorted(asked[:robots[1]]) == sorted(asked[robots[1]:])
    # while the other site's crawl ran beside them
    assert shinan_times[0] < gyeongbuk_times[-1] and gyeongbuk_times[0] < shinan_times[-1]
    _, counts = runs_and_articles(db_url)
    assert counts["gyeongbuk"] == counts["gyeongbuk-twin"] > 0
