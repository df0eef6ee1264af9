"""The `bulletins` command as users and cron call it: real processes, replica on loopback."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from datetime import date

import click
import pytest

from scraper.replica import Board, ReplicaServer
from scraper.replica.sites import replica_names
from scraper.crawl.spiders.base import horizon_start
from storage.webarchive.warc import read_record

from .conftest import BIN, REPO, run_cli

def registered_commands() -> list[list[str]]:
    """Every command and subcommand registered on `bulletins`, walked as click sees them (as
    sqlite-utils' documentation test does), so a new command is checked without being listed."""
    from scraper.cli import main

    found: list[list[str]] = [[]]

    def walk(group: click.Group, path: list[str]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            found.append([*path, name])
            if isinstance(command, click.Group):
                walk(command, [*path, name])

    walk(main, [])
    return found


COMMANDS = registered_commands()


def test_the_walk_finds_every_command_group_and_subcommand():
    assert {"crawl", "status", "discover", "export", "eval"} <= {c[0] for c in COMMANDS if c}
    assert ["archive", "list"] in COMMANDS and ["db", "upgrade"] in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "main")
def test_every_command_has_help_and_the_readme_names_it(command):
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: bulletins")
    assert len(result.stdout.splitlines()) > 4
    if command:
        assert f"bulletins {' '.join(command)}" in README, f"README never shows `bulletins {' '.join(command)}`"


def test_crawl_help_documents_options_and_environment():
    out = run_cli("crawl", "--help").stdout
    for word in ("--since", "--until", "--base-url", "BULLETINS_DATABASE_URL", "BULLETINS_WARC_DIR",
                 "BULLETINS_CONTACT"):
        assert word in out


README = (REPO / "README.md").read_text(encoding="utf-8")
PROFILES = sorted(path.stem for path in (REPO / "scraper" / "extract" / "profiles").glob("*.toml"))


def test_sources_one_per_line_one_per_profile_file():
    assert "gyeonggi-en" in PROFILES and "gyeongbuk" in PROFILES
    assert run_cli("sources").stdout.splitlines() == PROFILES


def test_sources_runnable_leaves_out_board_families_that_need_a_base_url():
    from scraper.extract.profiles import load_profiles

    families = {name for name, profile in load_profiles().items() if profile.template}
    assert "egov-bbs" in families
    assert run_cli("sources", "--runnable").stdout.splitlines() == [p for p in PROFILES if p not in families]
    verbose = dict(line.split("\t", 1) for line in run_cli("sources", "-v").stdout.splitlines())
    assert verbose["egov-bbs"].startswith("(board family: give --base-url)")
    assert verbose["gyeongbuk"].startswith("https://www.gb.go.kr\t")


def test_unknown_source_is_one_line_error(tmp_path):
    result = run_cli("crawl", "nowhere", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"bulletins: error: unknown source 'nowhere' (known: {', '.join(PROFILES)})"]
    assert not (tmp_path / "data").exists()


def test_unwritable_data_folder_is_one_line_error(tmp_path):
    (tmp_path / "data").write_text("a file where the data folder should be")
    result = run_cli("crawl", "gyeonggi-en", "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bulletins: error: cannot write the database in data")
    assert "Traceback" not in result.stderr


def test_reversed_month_window_is_a_one_line_error(tmp_path):
    result = run_cli("crawl", "gyeonggi-en", "--since", "2023-01", "--until", "2022-01", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "bulletins: error: --since 2023-01 is after --until 2022-01"]


def test_bad_month_is_a_usage_error():
    result = run_cli("crawl", "gyeonggi-en", "--since", "June")
    assert (result.returncode, result.stderr) == (
        2, "bulletins: error: --since: expected a month as YYYY-MM, got 'June'\n")


def count(db, sql):
    with sqlite3.connect(db) as con:
        return con.execute(sql).fetchone()[0]


def test_month_window_fetches_only_that_window(tmp_path):
    board = Board()
    june = [a for a in board.articles if (a.date.year, a.date.month) == (2022, 6)]
    with ReplicaServer(board) as server:
        result = run_cli("crawl", "gyeonggi-en", "--since", "2022-06", "--until", "2022-06",
                         "--base-url", server.base_url, cwd=tmp_path)
        fetched = [p for m, p in server.requests if p.startswith("/blog/english-news/") and p[-1].isdigit()]
        listings = [p for m, p in server.requests if "/page/" in p or p == "/blog/english-news/"]
    assert result.returncode == 0, result.stderr
    db = tmp_path / "data" / "bulletins.sqlite"
    stored = {r[0] for r in sqlite3.connect(db).execute("select board_id from article")}
    expected = {str(a.id) for a in june} | {str(n.id) for n in board.notices}
    assert stored == expected
    assert sorted(fetched) == sorted(f"/blog/english-news/{i}" for i in expected)
    # Newest first: paging stops at the first page wholly older than June 2022.
    last_needed = max(board.page_of(a.id) for a in june)
    assert len(listings) <= last_needed + 2  # + the page proving the window ended, + the 500 retry


def test_recrawl_updates_without_duplicates_and_adds_view_observations(tmp_path):
    board = Board(articles=40)
    with ReplicaServer(board) as server:
        first = run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, cwd=tmp_path)
        second = run_cli("crawl", "gyeonggi-en", "--full", "--base-url", server.base_url, cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    db = tmp_path / "data" / "bulletins.sqlite"
    total = len(board.articles) + len(board.notices)
    assert count(db, "select count(*) from article") == total
    assert "0 new, 42 updated" in second.stdout
    assert count(db, "select count(*) from viewobservation") == 2 * count(
        db, "select count(*) from article where views is not null")
    assert count(db, "select count(*) from article where first_seen < last_seen") == total
    assert len(list((tmp_path / "data" / "warc").glob("*.warc.gz"))) == 2


def article_paths(requests) -> list[str]:
    return sorted(p for _, p in requests if p.rstrip("/").split("/")[-1].isdigit() and "/page/" not in p)


def test_nightly_recrawl_fetches_only_new_articles_and_records_listing_views(tmp_path):
    before, after = Board(articles=40), Board(articles=40, new=5)
    with ReplicaServer(before) as server:
        port = server.base_url.rsplit(":", 1)[1]
        assert run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, cwd=tmp_path).returncode == 0
    db = tmp_path / "data" / "bulletins.sqlite"
    observations = count(db, "select count(*) from viewobservation")
    with ReplicaServer(after, port=int(port), flaky=False) as server:
        result = run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, cwd=tmp_path)
        requests = list(server.requests)
    assert result.returncode == 0, result.stderr
    new_ids = sorted(a.id for a in after.articles[:5])
    assert article_paths(requests) == sorted(f"/blog/english-news/{i}" for i in new_ids)
    # Page 1 holds the new articles, page 2 only stored old ones: paging stops there.
    assert [p for _, p in requests if p == "/blog/english-news/" or "/page/" in p] == [
        "/blog/english-news/", "/blog/english-news/page/2/"]
    assert count(db, "select count(*) from article") == 47
    assert "5 new, 0 updated" in result.stdout
    # The old rows of pages 1 and 2 and the notices get the count read off the listing.
    listed = [a for a in after.listing_page(1) + after.listing_page(2) + after.notices
              if a.id not in new_ids and a.quirk != "no-views"]  # that row shows '-'
    assert len(listed) >= 15
    assert count(db, "select count(*) from viewobservation") == observations + 5 + len(listed)


# "Today" as the crawl sees it (BULLETINS_TODAY), pinned: a month end, a year end, 29 February, the
# replica's last month, and a day years ahead. The horizon is chosen to cut the board in the
# middle whatever the day, so the expectation never runs out as the calendar moves on.
FROZEN_TODAYS = ["2023-12-31", "2024-02-29", "2026-11-30", "2027-01-01", "2041-06-15"]
HORIZON_CUT = date(2022, 7, 1)


@pytest.mark.parametrize("today", FROZEN_TODAYS)
def test_horizon_months_refetch_recent_stored_articles(tmp_path, today):
    board = Board(articles=40)
    day = date.fromisoformat(today)
    months = (day.year * 12 + day.month) - (HORIZON_CUT.year * 12 + HORIZON_CUT.month) + 1
    assert horizon_start(months, today=day) == HORIZON_CUT
    env = {"BULLETINS_TODAY": today}
    with ReplicaServer(board) as server:
        assert run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, cwd=tmp_path,
                       env=env).returncode == 0
        server.requests.clear()
        result = run_cli("crawl", "gyeonggi-en", "--horizon-months", str(months), "--base-url", server.base_url,
                         cwd=tmp_path, env=env)
        requests = list(server.requests)
    assert result.returncode == 0, result.stderr
    expected = sorted(f"/blog/english-news/{a.id}" for a in board.articles if a.date >= HORIZON_CUT)
    assert expected and len(expected) < len(board.articles)
    assert article_paths(requests) == expected


def test_a_bad_pinned_today_is_a_one_line_error(tmp_path):
    result = run_cli("crawl", "gyeonggi-en", "--base-url", "http://127.0.0.1:9", cwd=tmp_path,
                     env={"BULLETINS_TODAY": "2026-02-30"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "bulletins: error: BULLETINS_TODAY must be a date YYYY-MM-DD, got '2026-02-30'"]


def test_environment_chooses_database_and_warc_folder(tmp_path):
    board = Board(articles=12)
    env = {"BULLETINS_DATABASE_URL": f"sqlite:///{tmp_path / 'env.sqlite'}",
           "BULLETINS_WARC_DIR": str(tmp_path / 'env-warc'),
           "HOME": str(tmp_path), "TLDEXTRACT_CACHE": str(tmp_path / "tld")}  # a fresh machine
    with ReplicaServer(board) as server:
        result = run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "Public Suffix List" not in result.stderr  # nothing fetched from outside hosts
    assert count(tmp_path / "env.sqlite", "select count(*) from article") == 14
    assert list((tmp_path / "env-warc").glob("BULLETINS-*.warc.gz"))
    assert not (tmp_path / "data").exists()


def test_unreachable_site_fails_the_crawl_with_a_named_page(tmp_path):
    result = run_cli("crawl", "gyeonggi-en", "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert result.returncode == 1
    assert "failed page: http://127.0.0.1:9/blog/english-news/" in result.stdout
    assert "status: FAILED - no listing page could be read" in result.stdout


def test_scrapy_crawl_works_from_the_project_root_and_rotates_warc_files(tmp_path):
    board = Board(articles=30)
    env = {**os.environ, "BULLETINS_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite'}",
           "BULLETINS_WARC_DIR": str(tmp_path / "warc")}
    with ReplicaServer(board) as server:
        result = subprocess.run([str(BIN / "scrapy"), "crawl", "gyeonggi-en", "-a", f"base_url={server.base_url}",
                                 "-s", "BULLETINS_WARC_MAX_SIZE=40000"],
                                cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "'bulletins/warc_records'" in result.stderr
    files = sorted((tmp_path / "warc").glob("BULLETINS-gyeonggi-en-*.warc.gz"))
    assert [f.name.split("-")[4] for f in files] == [f"{n:05d}" for n in range(len(files))]
    assert len(files) >= 3 and not list((tmp_path / "warc").glob("*.open"))
    for path in files:
        check = subprocess.run([str(BIN / "warcio"), "check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout
    with sqlite3.connect(tmp_path / "s.sqlite") as con:
        rows = con.execute("select url, warc_file, warc_offset, warc_record_id from article").fetchall()
    assert len(rows) == 32
    assert len({row[1] for row in rows}) >= 3  # articles point into several files
    for url, name, offset, record_id in rows:
        record = read_record(tmp_path / "warc", name, offset)
        assert (record.target_uri, record.record_id) == (url, record_id)


def test_demo_in_an_empty_folder(tmp_path):
    result = run_cli("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "data" / "bulletins.sqlite"
    assert count(db, "select count(*) from article") >= 300
    assert list((tmp_path / "data" / "warc").glob("BULLETINS-*.warc.gz"))
    out = result.stdout
    assert "database: sqlite:///data/bulletins.sqlite" in out
    warcs = list((tmp_path / "data" / "warc").glob("BULLETINS-*.warc.gz"))
    assert f"WARC files: data/warc/ ({len(warcs)} files; `bulletins archive list` lists them)" in out
    assert "| 2022-06-24 | 2022-06 | en | 87 | 관리자 | [JUN. 2022] Gyeonggi-do to Strengthen" in out
    # every profile's replica (provinces, counties, board families) was crawled too, into one database
    sources = {row[0] for row in sqlite3.connect(db).execute("select distinct source from article")}
    assert sources == set(replica_names()) | {"gyeonggi-en"} and len(sources) >= 25
    # one short line per source; the whole summary only of a source with something to look at
    for name in sources:
        stored = count(db, f"select count(*) from article where source = '{name}'")
        assert re.search(rf"^{name}\s+ok\s+{stored} articles read, {stored} new, 0 updated; \d+ exchanges archived",
                         out, re.M), name
    assert [line for line in out.splitlines() if line.startswith("== ")] == ["== gyeonggi-en"]
    assert "incomplete article: " in out  # the replica board's deliberate quirks, named
    again = run_cli("demo", cwd=tmp_path)  # nothing new on the boards, all of it older than 2 months
    assert again.returncode == 0, again.stderr
    assert len(re.findall(r"^\S+\s+ok\s+0 articles read, 0 new, 0 updated", again.stdout, re.M)) == len(sources)


def test_replica_and_real_site_articles_never_share_a_database(tmp_path):
    with ReplicaServer(Board(articles=5)) as server:
        assert run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, cwd=tmp_path).returncode == 0
    result = run_cli("crawl", "gyeonggi-en", cwd=tmp_path)  # the real site, into the demo's database
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "bulletins: error: sqlite:///data/bulletins.sqlite holds replica (loopback) articles of gyeonggi-en; "
        "crawl https://english.gg.go.kr into another database (--database-url)"]


def test_layout_drift_fails_the_run_naming_source_and_field(tmp_path):
    with ReplicaServer(Board(articles=20)) as server:
        port = int(server.base_url.rsplit(":", 1)[1])
        first = run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, cwd=tmp_path)
    assert first.returncode == 0 and first.stdout.rstrip().endswith("status: ok")
    with ReplicaServer(Board(articles=20, new=8, redesign=True), port=port, flaky=False) as server:
        second = run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, cwd=tmp_path)
    assert second.returncode == 1
    assert second.stdout.rstrip().splitlines()[-1] == (
        "status: FAILED - layout drift: gyeonggi-en: published missing on 8 of 8 articles (100% > 20%)")
    db = tmp_path / "data" / "bulletins.sqlite"
    # The redesigned pages are still archived and stored with what could be read.
    assert count(db, "select count(*) from article where published is null and body_text is null"
                     " and title is not null") == 8


def test_an_interactive_crawl_shows_a_live_progress_line_and_cron_gets_a_plain_log(tmp_path):
    with ReplicaServer(Board(articles=12)) as server:
        command = f"{BIN / 'bulletins'} crawl gyeonggi-en --base-url {server.base_url}"
        on_terminal = subprocess.run(["script", "-qec", command, "/dev/null"], cwd=tmp_path,
                                     capture_output=True, text=True, timeout=300)
        plain = run_cli("crawl", "gyeonggi-en", "--full", "--base-url", server.base_url, cwd=tmp_path)
    assert on_terminal.returncode == 0, on_terminal.stdout
    assert "\x1b[Kgyeonggi-en: " in on_terminal.stdout  # (text mode turned its \r into \n)
    assert "14 articles" in on_terminal.stdout and "pages/s" in on_terminal.stdout
    assert "[scrapy.core.engine] INFO" not in on_terminal.stdout  # the line replaces the log
    assert "\x1b[K" not in plain.stderr and "[scrapy.core.engine] INFO: Spider closed" in plain.stderr


@pytest.mark.parametrize("command", [["search", "x"], ["export", "--format", "csv"], ["show", "1"],
                                     ["report", "-o", "r.html"], ["crawl", "gyeongbuk"]])
def test_a_database_that_cannot_be_reached_is_one_line_with_the_password_hidden(command, tmp_path):
    url = "postgresql+psycopg://bulletins:secret@127.0.0.1:9/archive"  # nothing listens on port 9
    result = run_cli(*command, "--database-url", url, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "bulletins: error: cannot open the database postgresql+psycopg://bulletins:***@127.0.0.1:9/archive: ")
    assert "secret" not in result.stderr


def test_every_command_is_in_the_lazy_table_so_a_crawl_imports_only_its_own_module():
    import importlib

    from scraper.cli import LAZY_COMMANDS, main

    ctx = click.Context(main)
    assert set(main.list_commands(ctx)) == set(LAZY_COMMANDS)
    for modules in LAZY_COMMANDS.values():
        for module in modules:
            importlib.import_module(f"scraper.cli.{module}")
    # `bulletins crawl --help` in a fresh interpreter imports no other command's module (the shared
    # options' module is no command's)
    probe = ("import sys; from scraper.cli import main\n"
             "try:\n    main(['crawl', '--help'])\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.startswith('scraper.cli.')))")
    loaded = subprocess.run([str(BIN / "python"), "-c", probe], capture_output=True, text=True, cwd=REPO)
    assert loaded.stdout.strip().splitlines()[-1] == "['scraper.cli.crawl', 'scraper.cli.options']", \
        loaded.stdout + loaded.stderr
