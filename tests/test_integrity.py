"""Nothing lost, nothing hidden: every URL a crawl discovers ends archived and stored, or failed
with a reason the summary names, the run row records and the next plain run retries; `ok`
(exit 0) only when the run is complete. Real crawls through `bulletins crawl` over loopback."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from scraper.processes import start, stop
from scraper.replica import Board, ReplicaServer
from scraper.replica.pages import listing_path, view_path

VIEW = re.compile(r"/blog/english-news/[0-9]+")

from .conftest import BIN, run_cli, small_disk


class BreakableReplica(ReplicaServer):
    """The replica, with paths that answer 500 every time while they are in `broken`."""

    def __init__(self, board: Board):
        super().__init__(board, flaky=False)
        self.broken: set[str] = set()

    def _respond(self, raw_path: str):
        from urllib.parse import unquote, urlsplit

        if unquote(urlsplit(raw_path).path) in self.broken:
            return self._html(500, "<html><body>Internal Server Error</body></html>")
        return super()._respond(raw_path)


# "Today" pinned: the replica's articles (2021-2023) are all older than the horizon whatever day
# the tests run, so which articles an incremental run fetches never depends on the calendar.
TODAY = {"BULLETINS_TODAY": "2026-11-30"}


def crawl(folder: Path, server: ReplicaServer, *extra: str) -> subprocess.CompletedProcess:
    return run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, "--json",
                   "--database-url", f"sqlite:///{folder / 'b.sqlite'}", "--warc-dir", str(folder / "warc"),
                   *extra, cwd=folder, env=TODAY)


def query(folder: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(folder / "b.sqlite") as con:
        return con.execute(sql, args).fetchall()


def summary(result: subprocess.CompletedProcess) -> dict:
    return json.loads(result.stdout)


def fetched(server: ReplicaServer, start: int) -> list[str]:
    return [path for _, path in server.requests[start:]]


def stored_ids(folder: Path) -> set[int]:
    return {int(b) for (b,) in query(folder, "select board_id from article where warc_record_id is not null")}


def every_id(board: Board) -> set[int]:
    return {a.id for a in board.articles + board.notices}


@pytest.fixture
def board() -> Board:
    return Board(articles=60)


def test_a_listing_page_that_keeps_failing_leaves_the_run_incomplete_until_a_plain_run_completes(tmp_path, board):
    with BreakableReplica(board) as server:
        server.broken.add(listing_path(3))
        first = crawl(tmp_path, server)
        assert first.returncode == 1, first.stderr
        out = summary(first)
        assert out["status"] == "incomplete" and out["failure"] is None
        assert out["unfinished_by_reason"] == {"HTTP 500": 1}
        assert out["failed_pages"] == [{"url": server.url(listing_path(3)), "reason": "HTTP 500"}]
        assert stored_ids(tmp_path) < every_id(board)  # the articles behind that page are missing
        [(status, complete, unfinished, failures)] = query(
            tmp_path, "select status, complete, unfinished, failures from crawlrun")
        assert (status, complete, unfinished, json.loads(failures)) == ("incomplete", 0, 1, {"HTTP 500": 1})
        assert query(tmp_path, "select kind, url, reason, attempts from unfinished") == [
            ("listing", server.url(listing_path(3)), "HTTP 500", 1)]

        server.broken.clear()
        second = crawl(tmp_path, server)  # plain: no --full
    assert second.returncode == 0, second.stdout + second.stderr
    assert summary(second)["status"] == "ok"
    assert stored_ids(tmp_path) == every_id(board)
    assert query(tmp_path, "select count(*) from unfinished") == [(0,)]
    assert query(tmp_path, "select status, complete from crawlrun order by id") == [("incomplete", 0), ("ok", 1)]


def test_a_failed_article_and_attachment_are_retried_by_the_next_plain_run(tmp_path, board):
    # an old article (beyond the horizon, on a late listing page) with an attachment of its own
    article = next(a for a in reversed(board.articles) if a.attachments)
    other = next(a for a in board.articles if a.attachments and a is not article)
    attachment = other.attachments[0]
    with BreakableReplica(board) as server:
        server.broken |= {view_path(article.id), attachment.url_path}
        first = crawl(tmp_path, server)
        assert first.returncode == 1
        out = summary(first)
        assert out["status"] == "incomplete"
        assert out["incomplete"] == "2 unfinished (1 article, 1 attachment; HTTP 500: 2)"
        assert sorted(query(tmp_path, "select kind, board_id, reason from unfinished")) == [
            ("article", str(article.id), "HTTP 500"), ("attachment", None, "HTTP 500")]
        assert article.id not in stored_ids(tmp_path)
        assert query(tmp_path, "select warc_record_id from attachment where url = ?",
                     server.url(attachment.url_path)) == [(None,)]

        server.broken.clear()
        start = len(server.requests)
        second = run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url,
                         "--database-url", f"sqlite:///{tmp_path / 'b.sqlite'}",
                         "--warc-dir", str(tmp_path / "warc"), cwd=tmp_path, env=TODAY)
        paths = fetched(server, start)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "retried: 1 article, 1 attachment from earlier runs" in second.stdout
    assert second.stdout.rstrip().endswith("status: ok")
    # incremental all the same: no article view but the one left unfinished
    assert [p for p in paths if VIEW.fullmatch(p)] == [view_path(article.id)]
    assert attachment.url_path in paths
    assert article.id in stored_ids(tmp_path)
    assert query(tmp_path, "select count(*) from unfinished") == [(0,)]
    assert query(tmp_path, "select count(*) from attachment where warc_record_id is null") == [(0,)]
    assert query(tmp_path, "select retried, status from crawlrun order by id desc limit 1") == [(2, "ok")]


def test_what_a_killed_run_left_unarchived_is_fetched_by_the_next_plain_run(tmp_path, board):
    """An attachment whose download never reached the archive, and an article row whose record
    was cut off a torn file (repair clears its pointer), are not done: the next run fetches them."""
    with BreakableReplica(board) as server:
        assert crawl(tmp_path, server).returncode == 0
        [(att_url,)] = query(tmp_path, "select url from attachment order by id limit 1")
        old = sorted(board.articles, key=lambda a: a.id)[0]
        with sqlite3.connect(tmp_path / "b.sqlite") as con:
            con.execute("update attachment set warc_file = null, warc_offset = null, warc_record_id = null "
                        "where url = ?", (att_url,))
            con.execute("update article set warc_file = null, warc_offset = null, warc_record_id = null "
                        "where board_id = ?", (str(old.id),))
        start = len(server.requests)
        again = crawl(tmp_path, server)
        paths = fetched(server, start)
    assert again.returncode == 0, again.stdout
    assert att_url.removeprefix(server.base_url) in paths
    assert view_path(old.id) in paths
    assert query(tmp_path, "select count(*) from attachment where warc_record_id is null") == [(0,)]
    assert old.id in stored_ids(tmp_path)
    assert query(tmp_path, "select count(*) from article") == [(len(every_id(board)),)]  # each once


def dead_pid() -> int:
    child = start([sys.executable, "-c", "pass"])
    stop(child, None)
    return child.pid


def test_a_run_left_running_by_a_dead_process_is_marked_killed_at_the_next_start(tmp_path, board):
    with BreakableReplica(board) as server:
        assert crawl(tmp_path, server).returncode == 0
        host = socket.gethostname()
        with sqlite3.connect(tmp_path / "b.sqlite") as con:
            for pid, on in ((dead_pid(), host), (1, host), (dead_pid(), "another-host")):
                con.execute("insert into crawlrun (source, started_at, status, complete, listing_pages, "
                            "articles_new, articles_updated, pages_failed, items_failed, warc_records, host, pid, "
                            "unfinished, retried) values ('gyeonggi-en', '2026-12-01 00:00:00', 'running', 0, "
                            "0, 0, 0, 0, 0, 0, ?, ?, 0, 0)", (on, pid))
        assert crawl(tmp_path, server).returncode == 0
    assert query(tmp_path, "select status, host from crawlrun where started_at = '2026-12-01 00:00:00' "
                           "order by id") == [
        ("killed", host),          # its process is gone
        ("running", host),         # pid 1 runs: not ours to judge
        ("running", "another-host")]  # another machine's crawler may still run


# --- scale: thousands of articles, attachments sharing payloads, a busy machine --------------

def burners(seconds: float) -> list[subprocess.Popen]:
    """One CPU-burning process per core, each ending by itself after `seconds`."""
    spin = f"import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end: pass\n"
    return [start([sys.executable, "-c", spin]) for _ in range(os.cpu_count() or 1)]


def test_thousands_of_articles_with_repeated_attachments_on_a_busy_machine_lose_nothing(tmp_path):
    """Every third article of 1,800 carries an attachment, and the 600 attachments share 300
    payloads, so the payload-digest index grows past a commit batch mid-crawl (what locked
    SQLite when it had a session of its own: 256 attachments lost, the run `ok`). With one write
    path every attachment is archived exactly once (a response, or a revisit of the first one)
    and pointed at, every article stored once, and the run is `ok`."""
    from storage.webarchive.warc import iter_records

    board = Board(articles=1800, attachment_every=3, payloads=300)
    busy = burners(600)
    try:
        with ReplicaServer(board, flaky=False) as server:
            result = crawl(tmp_path, server)
    finally:
        for burner in busy:
            stop(burner, signal.SIGKILL)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = summary(result)
    assert out["status"] == "ok" and out["failed_items"] == [] and out["failed_pages"] == []
    urls = {server.url(path) for path in board.attachments}
    payloads = {attachment.data for attachment in board.attachments.values()}
    assert len(urls) == 601 and len(payloads) > 250  # the articles' 600 and the notice's guide
    archived: dict[str, list[str]] = {}
    for path in sorted((tmp_path / "warc").glob("*.warc.gz")):
        for _, record in iter_records(path):
            if record.record_type in ("response", "revisit") and record.target_uri in urls:
                archived.setdefault(record.target_uri, []).append(record.record_type)
    assert set(archived) == urls and all(len(kinds) == 1 for kinds in archived.values())
    kinds = [k for (k,) in archived.values()]
    assert kinds.count("response") == len(payloads)  # one full record a payload, revisits after
    assert kinds.count("revisit") == len(urls) - len(payloads)
    assert query(tmp_path, "select count(*) from payloaddigest where url like '%/wp-content/uploads/%'") == [
        (len(payloads),)]
    assert query(tmp_path, "select count(*) from attachment where warc_record_id is null") == [(0,)]
    assert query(tmp_path, "select count(*), count(distinct board_id) from article") == [(1802, 1802)]
    assert query(tmp_path, "select status, complete from crawlrun") == [("ok", 1)]


@pytest.fixture
def small_warc_disk(tmp_path):
    """The WARC folder on a real 120 KiB file system that fills up before every article page is
    archived, whichever order the pages come in (attachments are asked for once their article is
    read, in another process: all 60 article pages fit in 300 KiB before them)."""
    with small_disk(tmp_path / "warc", "120k") as folder:
        yield folder


def test_a_full_warc_disk_leaves_the_run_incomplete_and_valid_files_and_the_next_run_completes(
        tmp_path, board, small_warc_disk):
    from storage.webarchive.warc import iter_records

    with BreakableReplica(board) as server:
        first = crawl(tmp_path, server)
        assert first.returncode == 1, first.stdout + first.stderr
        out = summary(first)
        assert out["status"] == "incomplete"
        assert "OSError" in out["unfinished_by_reason"]  # [Errno 28] No space left on device
        assert not list(small_warc_disk.glob("*.open"))
        for path in small_warc_disk.glob("*.warc.gz"):
            check = subprocess.run([str(BIN / "warcio"), "check", str(path)], capture_output=True, text=True)
            assert check.returncode == 0, check.stdout
            list(iter_records(path))
        # what was stored points at records on disk; what could not be archived is not stored
        assert stored_ids(tmp_path) < every_id(board)
        assert query(tmp_path, "select count(*) from article where warc_record_id is null") == [(0,)]

        subprocess.run(["mount", "-o", "remount,size=64m", str(small_warc_disk)], check=True)
        second = crawl(tmp_path, server)
    assert second.returncode == 0, second.stdout + second.stderr
    assert summary(second)["status"] == "ok"
    assert stored_ids(tmp_path) == every_id(board)
    assert query(tmp_path, "select count(*) from unfinished") == [(0,)]
    assert query(tmp_path, "select count(*) from attachment where warc_record_id is null") == [(0,)]


def test_a_guessed_page_past_the_last_one_ends_the_listing_and_is_no_failure(tmp_path):
    """A board with no profile is paged by guessing the next page; the 404 of the page after the
    last one is where its listing ends, not an unfinished URL."""
    board = Board(articles=30)
    with BreakableReplica(board) as server:
        result = run_cli("crawl", "--url", server.url(listing_path(1)), "--json",
                         "--database-url", f"sqlite:///{tmp_path / 'b.sqlite'}",
                         "--warc-dir", str(tmp_path / "warc"), cwd=tmp_path)
        past = listing_path(board.page_count() + 1)
        assert ("GET", past) in server.requests
    assert result.returncode == 0, result.stdout + result.stderr
    out = summary(result)
    assert out["status"] == "ok" and out["failed_pages"] == []
    assert query(tmp_path, "select status, complete, unfinished from crawlrun") == [("ok", 1, 0)]


class EndlessReplica(BreakableReplica):
    """A board whose listing never ends: past its last page, every page lists ten new ids (a
    broken paginator, a calendar board)."""

    def _respond(self, raw_path: str):
        from urllib.parse import urlsplit

        path = urlsplit(raw_path).path
        found = re.fullmatch(r"/blog/english-news/page/([0-9]+)/", path)
        if found and int(found.group(1)) > self.board.page_count():
            n = int(found.group(1))
            rows = "".join(f'<li><a href="/blog/english-news/{n * 1000 + k}">Endless {n}-{k}</a></li>'
                           for k in range(10))
            return self._html(200, f'<html><body><ul class="list">{rows}</ul>'
                                   f'<a class="next" href="/blog/english-news/page/{n + 1}/">next</a></body></html>')
        return super()._respond(raw_path)


@pytest.mark.parametrize("cap, value, listing_pages, articles, said", [
    ("BULLETINS_MAX_LISTING_PAGES", "12", 12, None, "the listing-page cap (12, BULLETINS_MAX_LISTING_PAGES) "
                                                    "was reached at "),
    ("BULLETINS_MAX_ARTICLES", "70", None, 70, "the article cap (70, BULLETINS_MAX_ARTICLES) was reached on "),
])
def test_a_board_whose_listing_never_ends_stops_at_a_cap_named_in_the_summary(tmp_path, cap, value, listing_pages,
                                                                              articles, said):
    board = Board(articles=30)
    with EndlessReplica(board) as server:
        result = run_cli("crawl", "--url", server.url(listing_path(1)), "--json",
                         "--database-url", f"sqlite:///{tmp_path / 'b.sqlite'}",
                         "--warc-dir", str(tmp_path / "warc"), cwd=tmp_path, env={**TODAY, cap: value})
        paths = [p for _, p in server.requests]
    assert result.returncode == 1, result.stdout + result.stderr
    out = summary(result)
    assert out["status"] == "incomplete" and out["incomplete"].startswith("stopped: " + said)
    if listing_pages is not None:  # page 1 and pages 2..12, no more
        assert len([p for p in paths if p.startswith("/blog/english-news/page/")]) == listing_pages - 1
    if articles is not None:
        assert len([p for p in paths if VIEW.fullmatch(p)]) == articles
    assert query(tmp_path, "select status, complete from crawlrun") == [("incomplete", 0)]


def test_a_cap_that_is_no_whole_number_is_a_one_line_error(tmp_path):
    result = run_cli("crawl", "gyeonggi-en", "--base-url", "http://127.0.0.1:9", cwd=tmp_path,
                     env={"BULLETINS_MAX_ARTICLES": "lots"})
    assert (result.returncode, result.stderr.strip().splitlines()) == (2, [
        "bulletins: error: BULLETINS_MAX_ARTICLES must be a whole number of at least 1, got 'lots'"])


# --- redirects: nothing stored under an article's id but that article ---------------------

class RedirectingReplica(BreakableReplica):
    """The replica, with view pages that answer a 302 or a meta refresh to another URL."""

    def __init__(self, board: Board):
        super().__init__(board)
        self.redirects: dict[str, tuple[str, str]] = {}   # path -> ("302" or "meta", target URL)

    def _respond(self, raw_path: str):
        from urllib.parse import urlsplit

        how = self.redirects.get(urlsplit(raw_path).path)
        if how is None:
            return super()._respond(raw_path)
        kind, target = how
        if kind == "302":
            return self._html(302, "<html><body>Moved</body></html>", headers=[("Location", target)])
        return self._html(200, f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head>'
                               "<body>Moving</body></html>")


def test_an_article_redirected_to_another_page_is_failed_and_nothing_is_stored_under_its_id(tmp_path, board):
    moved, elsewhere, meta, target, offsite = (a.id for a in board.articles[10:15])
    with RedirectingReplica(board) as server:
        other_host = server.base_url.replace("127.0.0.1", "localhost")
        server.redirects = {
            view_path(moved): ("302", server.url(view_path(elsewhere))),   # another article
            view_path(meta): ("meta", server.url(view_path(target))),      # the same by meta refresh
            view_path(offsite): ("302", other_host + view_path(offsite)),  # another host name
        }
        first = crawl(tmp_path, server)
        assert first.returncode == 1
        out = summary(first)
        failed = {f["url"]: f["reason"] for f in out["failed_pages"]}
        assert failed[server.url(view_path(moved))] == f"redirected to {server.url(view_path(elsewhere))}"
        assert failed[server.url(view_path(meta))] == f"redirected to {server.url(view_path(target))}"
        assert failed[server.url(view_path(offsite))] == (
            f"redirected to {other_host}{view_path(offsite)}: another host (localhost)")
        assert out["status"] == "incomplete" and out["unfinished_by_reason"] == {"redirected": 3}
        # the redirected articles were not stored with another page's content; the pages they
        # were sent to are stored once, under their own ids
        assert query(tmp_path, "select board_id, title from article where board_id in (?, ?, ?, ?, ?) "
                               "order by board_id", *map(str, (moved, elsewhere, meta, target, offsite))) == sorted(
            (str(a.id), a.title) for a in board.articles if a.id in (elsewhere, target))
        server.redirects = {}
        second = crawl(tmp_path, server)
    assert second.returncode == 0, second.stdout  # the site fixed: the next plain run stores them
    assert stored_ids(tmp_path) == every_id(board)
    titles = dict(query(tmp_path, "select board_id, title from article"))
    assert all(titles[str(a.id)] == a.title for a in board.articles)


def test_a_redirect_that_keeps_the_page_is_harmless():
    from scraper.crawl.spiders.base import same_page

    assert same_page("http://www.gg.go.kr/bbs/view.do?id=1", "https://www.gg.go.kr/bbs/view.do?id=1")
    assert same_page("https://gg.go.kr/bbs/view.do?id=1", "https://www.gg.go.kr/bbs/view.do?id=1")
    assert same_page("https://www.gg.go.kr/news/1", "https://www.gg.go.kr/news/1/")
    assert not same_page("https://www.gg.go.kr/bbs/view.do?id=1", "https://www.gg.go.kr/bbs/view.do?id=2")
    assert not same_page("https://www.gg.go.kr/news/1", "https://www.gg.go.kr/")
    assert not same_page("https://www.gg.go.kr/news/1", "https://evil.example/news/1")
    assert not same_page("http://127.0.0.1:8000/news/1", "http://127.0.0.1:9000/news/1")

