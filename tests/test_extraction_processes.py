"""Articles read in a second process (scraper.crawl.extraction): the same articles as the crawl's
own process reads, and none lost when that process dies or cannot take a page."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys

import pytest
from web_poet import HttpResponse, PageParams

from scraper.crawl import extraction
from scraper.crawl.extraction import ExtractionProcesses, processes_wanted
from scraper.crawl.spiders.profiled import page_object
from scraper.extract.pages import portable
from scraper.extract.pages.gyeonggi_en import ArticlePage as GyeonggiEnPage
from scraper.extract.pages.zero_config import ArticlePage as ZeroConfigPage
from scraper.extract.profiles import load_profiles
from scraper.replica import Board, ReplicaServer

from .profile_harness import real_page
from .test_real_pages import PAGES, read

VIEWS = [i for i, entry in enumerate(PAGES) if entry["kind"] == "view"]
COLUMNS = ("source, board_id, url, title, issue_month, headline, author, department, published, views, "
           "body_text, body_html, language, language_probability, missing_fields, field_problems, "
           "extractor_version")


LIMIT = 120  # seconds any await here may take on a busy machine, before the test fails


@pytest.fixture(autouse=True)
def fresh_readers(monkeypatch):
    """Each test starts with no reader and the whole restart budget; its readers are closed."""
    monkeypatch.setattr(extraction, "_readers", [])
    monkeypatch.setattr(extraction, "_starts", 0)
    monkeypatch.setattr(extraction, "_read_here", 0)
    monkeypatch.setattr(extraction, "_expected", 0)
    yield
    for reader in extraction._readers:
        reader.close()


def within(awaitable):
    return asyncio.wait_for(awaitable, LIMIT)


def test_real_pages_read_by_a_reader_process_give_the_same_articles():
    """Every real captured view page, through a real reading process: the article it sends
    back is the one the page gives in this process, for the profile's page and the zero-config one."""
    pages = [read(index)[0] for index in VIEWS]
    for index in VIEWS:
        entry = PAGES[index]
        pages.append(ZeroConfigPage(HttpResponse(entry["url"], body=real_page(entry["file"]),
                                                 encoding=entry.get("encoding", "utf-8")), PageParams(source="auto-x")))
    readers = ExtractionProcesses(1)

    async def all_of_them():
        return await within(asyncio.gather(*(readers.item(page) for page in pages)))

    items = asyncio.run(all_of_them())
    assert readers.counts == {"read_apart": len(pages)}
    assert items == [page.to_item() for page in pages]


@pytest.mark.parametrize("index", VIEWS, ids=[f"{PAGES[i]['profile']}:{PAGES[i]['file']}" for i in VIEWS])
def test_a_real_page_sent_to_another_process_gives_the_same_article(index):
    """Every real captured view page: its job, pickled as it crosses to the reading process,
    builds the same page class there and gives the very article the page gives here."""
    page, item = read(index)
    work = pickle.loads(pickle.dumps(portable.job(page)))
    assert portable.page_class(work.recipe) is not None
    assert portable.article(work) == item


@pytest.mark.parametrize("index", VIEWS, ids=[PAGES[i]["file"] for i in VIEWS])
def test_the_zero_config_page_crosses_too(index):
    """The page class of `bulletins crawl --url` boards, on the same real pages."""
    entry = PAGES[index]
    page = ZeroConfigPage(HttpResponse(entry["url"], body=real_page(entry["file"]),
                                       encoding=entry.get("encoding", "utf-8")), PageParams(source="auto-x"))
    assert portable.article(pickle.loads(pickle.dumps(portable.job(page)))) == page.to_item()


def test_every_profiles_page_class_crosses_by_recipe():
    """A profile's generated page class (for_profile) is made again from its profile; a named
    page class is found again by its import path."""
    for name, profile in load_profiles("").items():
        cls = page_object(profile)
        again = portable.page_class(pickle.loads(pickle.dumps(portable.class_recipe(cls))))
        assert again.__name__ == cls.__name__, name
        assert getattr(again, "profile", None) == getattr(cls, "profile", None), name


def test_a_page_class_made_in_a_function_is_read_in_the_crawls_process():
    class Local(GyeonggiEnPage):
        pass

    page = Local(HttpResponse("http://127.0.0.1/view/1", body=b"<html><h1>x</h1></html>", encoding="utf-8"))
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        portable.job(page)
    readers = ExtractionProcesses(1)
    assert asyncio.run(within(readers.item(page))) == page.to_item()
    assert readers.counts == {"read_here": 1}


def test_a_page_class_of_the_main_script_is_not_sent():
    """The reading process's __main__ is not the crawl's: such a class would never be found there."""
    main = type("MainPage", (GyeonggiEnPage,), {"__module__": "__main__"})
    page = main(HttpResponse("http://127.0.0.1/view/2", body=b"<html><h1>x</h1></html>", encoding="utf-8"))
    with pytest.raises(pickle.PicklingError):
        portable.job(page)


def test_page_parameters_that_do_not_pickle_are_read_here_and_owe_nothing():
    page = GyeonggiEnPage(HttpResponse("http://127.0.0.1/view/3", body=b"<html><h1>x</h1></html>", encoding="utf-8"),
                          PageParams(source="gyeonggi-en", hook=lambda: None))
    readers = ExtractionProcesses(1)
    assert asyncio.run(within(readers.item(page))) == page.to_item()
    assert readers.counts == {"read_here": 1} and extraction._readers[0].owed == {}


def test_a_reader_that_cannot_start_has_every_page_read_here(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    page = GyeonggiEnPage(HttpResponse("http://127.0.0.1/view/4", body=b"<html><h1>x</h1></html>", encoding="utf-8"))
    readers = ExtractionProcesses(1)

    async def six():
        return [await within(readers.item(page)) for _ in range(6)]

    assert asyncio.run(six()) == [page.to_item()] * 6
    assert readers.counts == {"read_here": 6} and extraction._readers == []


def test_a_reader_that_dies_has_its_page_read_here_and_another_takes_its_place():
    page = GyeonggiEnPage(HttpResponse("http://127.0.0.1/view/7", body=b"<html><body>Hello</body></html>",
                                       encoding="utf-8"))
    readers = ExtractionProcesses(1)

    async def twice():
        first = await within(readers.item(page))  # through a reader process
        dying = extraction.reader(1)
        dying.process.kill()
        dying.process.wait(10)
        second = await within(readers.item(page))  # the reader is gone: read here
        third = await within(readers.item(page))  # another reader
        return first, second, third, dying

    first, second, third, dying = asyncio.run(twice())
    assert first == second == third == page.to_item()
    assert readers.counts == {"read_apart": 2, "read_here": 1}
    assert dying.gone and extraction.reader(1) is not dying


def test_a_busy_reader_owes_a_bounded_number_of_pages_and_the_crawls_process_reads_the_rest(monkeypatch):
    """Many sources side by side fetch faster than one process reads: the crawl's process must
    not pile their pages up in memory. A stopped reader is given OWED_AT_MOST pages; the pages
    past them are read in the crawl's process at once, and the owed ones once it goes on. (The
    bound is made small here: a stopped reader takes nothing from its socket, whose buffer the
    kernel may cap at 208 KiB, and 512 pages would fill it.)"""
    monkeypatch.setattr(extraction, "OWED_AT_MOST", 16)
    pages = [GyeonggiEnPage(HttpResponse(f"http://127.0.0.1/view/{n}", encoding="utf-8",
                                         body=f"<html><body><h1>Title {n}</h1><p>Body {n}</p></body></html>".encode()))
             for n in range(extraction.OWED_AT_MOST + 5)]
    readers = ExtractionProcesses(1)

    async def all_of_them():
        busy = extraction.reader(1)
        busy.process.send_signal(signal.SIGSTOP)
        try:
            tasks = [asyncio.ensure_future(readers.item(page)) for page in pages]
            waited = 0.0
            while sum(task.done() for task in tasks) < 5 and waited < 60:  # a busy machine: wait
                await asyncio.sleep(0.05)
                waited += 0.05
            await asyncio.sleep(0.2)  # time for more to end, were the bound not kept
            done_while_stopped = sum(task.done() for task in tasks)
            owed = len(busy.owed)
        finally:
            busy.process.send_signal(signal.SIGCONT)
        return await within(asyncio.gather(*tasks)), done_while_stopped, owed

    items, done_while_stopped, owed = asyncio.run(all_of_them())
    assert owed == extraction.OWED_AT_MOST and done_while_stopped == 5
    assert items == [page.to_item() for page in pages]


def test_auto_starts_a_reader_only_once_the_crawl_has_read_enough_articles_itself(monkeypatch):
    """A nightly run of a few new articles pays for no reading process; a large crawl gets one
    after START_AFTER articles."""
    monkeypatch.setattr(extraction, "START_AFTER", 3)
    page = GyeonggiEnPage(HttpResponse("http://127.0.0.1/view/9", body=b"<html><body>Hi</body></html>",
                                       encoding="utf-8"))
    auto = ExtractionProcesses(1, start_after=extraction.START_AFTER)

    async def five():
        started = []
        for _ in range(5):
            item = await within(auto.item(page))
            started.append(len(extraction._readers))
        return item, started

    item, started = asyncio.run(five())
    assert started == [0, 0, 0, 1, 1] and item == page.to_item()
    assert auto.counts == {"read_here": 3, "read_apart": 2}


def test_auto_starts_a_reader_once_enough_articles_are_asked_for(monkeypatch):
    """Articles asked for (their requests scheduled) count before any is read: the reader starts
    at the START_AFTER-th, ready by the time the pages come, and reads the very first page."""
    monkeypatch.setattr(extraction, "START_AFTER", 3)
    page = GyeonggiEnPage(HttpResponse("http://127.0.0.1/view/10", body=b"<html><body>Hi</body></html>",
                                       encoding="utf-8"))
    auto = ExtractionProcesses(1, start_after=extraction.START_AFTER)
    started = []
    for _ in range(3):
        started.append(len(extraction._readers))
        auto.expect()
    assert started == [0, 0, 0] and len(extraction._readers) == 1
    assert asyncio.run(within(auto.item(page))) == page.to_item()
    assert auto.counts == {"read_apart": 1}


def test_auto_starts_a_reader_at_once_for_a_crawl_of_a_whole_board(monkeypatch):
    """A source's first crawl, or a full recrawl, reads every article: its reader starts when
    it opens. Without a reader asked for (0), nothing starts."""
    monkeypatch.setattr(extraction, "START_AFTER", 3)
    auto = ExtractionProcesses(1, start_after=extraction.START_AFTER)
    ExtractionProcesses(0, start_after=extraction.START_AFTER).start_now()
    assert extraction._readers == []
    auto.start_now()
    assert len(extraction._readers) == 1 and extraction._starts == 1
    auto.start_now()  # a second crawl of the process opening: the same reader serves it
    assert len(extraction._readers) == 1 and extraction._starts == 1


def test_a_reader_yields_the_cpu_to_the_crawls_process():
    """On a busy machine the crawl's process, which everything waits on, goes first: the reading
    process runs NICENESS steps below it."""
    page = GyeonggiEnPage(HttpResponse("http://127.0.0.1/view/11", body=b"<html><body>Hi</body></html>",
                                       encoding="utf-8"))
    readers = ExtractionProcesses(1)
    assert asyncio.run(within(readers.item(page))) == page.to_item()  # the reader has started
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    assert readers.counts == {"read_apart": 1}
    assert os.getpriority(os.PRIO_PROCESS, extraction._readers[0].process.pid) == min(ours + extraction.NICENESS, 19)


def test_an_article_counts_once_towards_a_reader_not_again_for_its_redirects_and_retries():
    """A nightly run whose few articles redirect or are retried must not reach START_AFTER by
    counting each hop; a crawl narrowed to months, or capped below START_AFTER articles, does not
    start a reader at once."""
    from scrapy import Request
    from scrapy.spiderloader import get_spider_loader

    from scraper.crawl.run import make_settings

    GyeonggiEnSpider = get_spider_loader(make_settings()).load("gyeonggi-en")  # noqa: N806  (a class)
    spider = GyeonggiEnSpider(base_url="http://127.0.0.1:9")
    spider.extraction = ExtractionProcesses(1, start_after=extraction.START_AFTER)
    url = "http://127.0.0.1:9/blog/english-news/1"
    spider.request_scheduled(Request(url, callback=spider.parse_article))
    spider.request_scheduled(Request(url, callback=spider.parse_article, meta={"retry_times": 1}))
    spider.request_scheduled(Request(url + "/", callback=spider.parse_article, meta={"redirect_urls": [url]}))
    spider.request_scheduled(Request("http://127.0.0.1:9/files/a.pdf", callback=spider.parse_attachment))
    assert extraction._expected == 1 and extraction._readers == []
    assert spider.whole_board()
    assert not GyeonggiEnSpider(base_url="http://127.0.0.1:9", since="2026-01").whole_board()
    spider.max_articles = extraction.START_AFTER - 1
    assert not spider.whole_board()


def test_the_setting_is_checked():
    assert processes_wanted("0") == 0 and processes_wanted(2) == 2
    assert processes_wanted("auto") == (1 if (os.cpu_count() or 1) >= 2 else 0)
    for bad in ("two", "-1"):
        with pytest.raises(ValueError, match="BULLETINS_EXTRACT_PROCESSES"):
            processes_wanted(bad)


CRAWL = """
import json, os, signal, sys
from scrapy import signals
from scraper.crawl import extraction
from scraper.crawl.run import make_settings, run_crawl

processes, kill_after, full = sys.argv[4], int(sys.argv[5]), sys.argv[6] == "full"
settings = make_settings(database=sys.argv[2], warcs=sys.argv[3],
                         overrides={"BULLETINS_EXTRACT_PROCESSES": processes})
killed = []
if kill_after:  # kill the reading process in the middle of the crawl
    from scraper.crawl import spiders
    from scraper.crawl.spiders import base

    opened = base.BulletinSpider.from_crawler.__func__

    def from_crawler(cls, crawler, *args, **kwargs):
        spider = opened(cls, crawler, *args, **kwargs)

        def scraped(item):
            if crawler.stats.get_value("item_scraped_count", 0) == kill_after and not killed:
                reader = extraction._readers[0]
                os.kill(reader.process.pid, signal.SIGKILL)
                killed.append(reader.process.pid)
        crawler.signals.connect(scraped, signal=signals.item_scraped, weak=False)
        return spider
    base.BulletinSpider.from_crawler = classmethod(from_crawler)
outcome = run_crawl("gyeonggi-en", settings, base_url=sys.argv[1], full=full)
print(json.dumps({"status": outcome.status, "articles": outcome.report.articles, "killed": len(killed),
                  "started": extraction._starts, "full": full,
                  "apart": outcome.stats.get("bulletins/articles_read_apart", 0),
                  "here": outcome.stats.get("bulletins/articles_read_here", 0)}))
"""


def crawl(base_url, folder, processes: str, kill_after: int = 0, full: bool = False) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETINS_")}
    env["BULLETINS_TODAY"] = "2026-06-15"
    result = subprocess.run([sys.executable, "-c", CRAWL, base_url, f"sqlite:///{folder}/db.sqlite",
                             str(folder / "warc"), processes, str(kill_after), "full" if full else "new"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    outcome["told"] = "the process reading articles ended" in result.stderr
    with sqlite3.connect(folder / "db.sqlite") as db:
        outcome["rows"] = db.execute(f"SELECT {COLUMNS} FROM article ORDER BY board_id").fetchall()
        outcome["attachments"] = db.execute(
            "SELECT a.board_id, t.url, t.name FROM attachment t JOIN article a ON a.id = t.article_id "
            "ORDER BY a.board_id, t.url").fetchall()
    return outcome


def test_a_crawl_stores_the_same_articles_whichever_process_reads_them(tmp_path):
    """Through Scrapy's engine over HTTP: a crawl whose articles a second process reads stores
    what a crawl reading them itself stores, column for column; so does one whose reading
    process is killed halfway (its pages are read in the crawl's process, none is lost)."""
    board = Board(articles=40, attachment_every=3)
    with ReplicaServer(board, flaky=False) as server:
        outcomes = {}
        for name, processes, kill_after in (("here", "0", 0), ("apart", "1", 0), ("killed", "1", 15),
                                            ("auto", "auto", 0)):
            (tmp_path / name).mkdir()
            outcomes[name] = crawl(server.base_url, tmp_path / name, processes, kill_after)
        # the next night's run of the same source, and a full recrawl of it
        nightly = crawl(server.base_url, tmp_path / "auto", "auto")
        full = crawl(server.base_url, tmp_path / "auto", "auto", full=True)
    here, apart, killed, auto = outcomes["here"], outcomes["apart"], outcomes["killed"], outcomes["auto"]
    total = len(board.articles) + len(board.notices)
    assert [o["status"] for o in (here, apart, killed)] == ["ok"] * 3
    assert here["articles"] == apart["articles"] == killed["articles"] == len(here["rows"]) == total
    assert (here["apart"], here["here"]) == (0, 0)  # no reading process asked for: none used
    # the reader takes what it can; past OWED_AT_MOST pages owed, the crawl's process reads them
    assert apart["apart"] > 0 and apart["apart"] + apart["here"] == total
    assert killed["killed"] == 1 and killed["told"] and not apart["told"]
    assert killed["apart"] + killed["here"] == total
    # the default: a source's first crawl, and a full recrawl, read the whole board: a reader
    # from the start, which reads every article; a nightly run of fewer than START_AFTER
    # articles starts none
    assert auto["started"] == 1 and (auto["apart"], auto["here"]) == (total, 0)
    assert full["started"] == 1 and full["full"] and (full["apart"], full["here"]) == (total, 0)
    assert nightly["status"] == "ok" and nightly["started"] == 0 and nightly["apart"] == 0
    assert nightly["here"] < extraction.START_AFTER and total < extraction.START_AFTER
    assert apart["rows"] == here["rows"] and killed["rows"] == here["rows"] and auto["rows"] == here["rows"]
    assert full["rows"] == here["rows"]
    assert apart["attachments"] == here["attachments"] == killed["attachments"] != []
