"""The one write path: a write that cannot be stored loses only itself, the session stays usable,
and every writer of a crawl shares one session (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.utils.test import get_crawler
from sqlmodel import select

from scraper.archive.capture import WarcCaptureMiddleware
from scraper.crawl.conditional import ConditionalRequestMiddleware
from scraper.crawl.database import CrawlDatabase
from scraper.extract.items import ArticleRecord
from scraper.crawl.pipelines import StoragePipeline
from scraper.crawl.report import CrawlReport
from scraper.crawl.runs import RunRecorder
from storage.database.articles import save_article
from storage.database.db import make_engine, session
from storage.webarchive.digests import first_with_digest, remember
from storage.database.models import Article, PayloadDigest
from storage.database.unit_of_work import UnitOfWork
from storage.webarchive.warc import RecordLocation

SEEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def location(n: int, digest: str = "sha1:AAAA") -> RecordLocation:
    return RecordLocation(f"F-{n}.warc.gz", n * 100, 90, f"<urn:uuid:{n}>", SEEN, digest)


def article(board_id: str) -> ArticleRecord:
    return ArticleRecord(source="s", board_id=board_id, url=f"http://127.0.0.1/{board_id}",
                         title=f"T {board_id}", body_text="B")


def stored(url: str) -> tuple[list[str], list[str]]:
    with session(make_engine(url)) as db:
        return (sorted(a.board_id for a in db.exec(select(Article))),
                sorted(d.warc_record_id for d in db.exec(select(PayloadDigest))))


def test_a_write_that_fails_at_commit_loses_only_itself_and_the_session_goes_on(db_url):
    failed, committed = [], []
    work = UnitOfWork(make_engine(db_url), commit_every=4,
                      on_failure=lambda label, error: failed.append((label, type(error).__name__)))
    work.write(lambda db: save_article(db, article("1"), SEEN)[1], label="a1", on_commit=committed.append)
    work.write(lambda db: remember(db, "http://127.0.0.1/x.pdf", location(1)), label="d1")
    # the same WARC record twice: a unique key broken, found only when the batch is flushed
    work.write(lambda db: remember(db, "http://127.0.0.1/y.pdf", location(1)), label="d1-again")
    work.write(lambda db: save_article(db, article("2"), SEEN)[1], label="a2", on_commit=committed.append)
    # the batch was committed at 4 writes: replayed one by one, only the broken one lost
    assert failed == [("d1-again", "IntegrityError")]
    assert committed == [True, True]
    assert stored(db_url) == (["1", "2"], ["<urn:uuid:1>"])
    # no PendingRollbackError afterwards: later writes are stored
    work.write(lambda db: remember(db, "http://127.0.0.1/z.pdf", location(3)), label="d3")
    work.write(lambda db: save_article(db, article("3"), SEEN)[1], label="a3")
    work.close()
    assert stored(db_url) == (["1", "2", "3"], ["<urn:uuid:1>", "<urn:uuid:3>"])


def test_a_write_that_raises_at_once_is_named_and_the_batch_survives(db_url):
    failed = []
    work = UnitOfWork(make_engine(db_url), commit_every=100, on_failure=lambda label, _: failed.append(label))
    work.write(lambda db: save_article(db, article("1"), SEEN)[1], label="a1")

    def broken(db):
        raise ValueError("a page object handed over nonsense")

    work.write(broken, label="bad")
    work.write(lambda db: save_article(db, article("2"), SEEN)[1], label="a2")
    work.close()
    assert failed == ["bad"]
    assert stored(db_url)[0] == ["1", "2"]


def test_reads_see_the_batch_not_committed_yet(db_url):
    work = UnitOfWork(make_engine(db_url), commit_every=100)
    work.write(lambda db: remember(db, "http://127.0.0.1/x.pdf", location(1, "sha1:BBBB")), label="d")
    assert work.read(lambda db: first_with_digest(db, "sha1:BBBB")).warc_record_id == "<urn:uuid:1>"
    assert stored(db_url)[1] == []  # nothing committed before the batch is full or closed
    work.close()
    assert stored(db_url)[1] == ["<urn:uuid:1>"]


def test_every_writer_of_a_crawl_shares_one_database_component(tmp_path):
    crawler = get_crawler(settings_dict={
        "BULLETINS_DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite'}",
        "BULLETINS_WARC_DIR": str(tmp_path / "warc")})
    CrawlReport.from_crawler(crawler)
    database = CrawlDatabase.from_crawler(crawler)
    assert StoragePipeline.from_crawler(crawler).database is database
    assert WarcCaptureMiddleware.from_crawler(crawler).digests is database
    assert ConditionalRequestMiddleware.from_crawler(crawler).database is database
    assert RunRecorder.from_crawler(crawler).database is database
    other = get_crawler(settings_dict={"BULLETINS_DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite'}"})
    assert CrawlDatabase.from_crawler(other) is not database  # one per crawl, not per process
