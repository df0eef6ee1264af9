"""The storage pipeline keeps going when one item cannot be stored, and names it."""

from __future__ import annotations

from datetime import date

from scrapy.utils.test import get_crawler
from sqlmodel import select

from scraper.extract.items import ArticleRecord, AttachmentRecord
from scraper.crawl.pipelines import StoragePipeline
from scraper.crawl.report import CrawlReport
from storage.database.db import make_engine, session
from storage.database.models import Article, Attachment


def article(board_id: str, **changes) -> ArticleRecord:
    fields = dict(source="gyeonggi-en", board_id=board_id, url=f"http://127.0.0.1/blog/english-news/{board_id}",
                  title=f"Title {board_id}", published=date(2022, 6, 24), views=87, body_text="Body")
    fields.update(changes)
    return ArticleRecord(**fields)


def run_pipeline(tmp_path, items, batch: int):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    crawler = get_crawler(settings_dict={"BULLETINS_DATABASE_URL": url, "BULLETINS_COMMIT_EVERY": batch})
    report = CrawlReport.from_crawler(crawler)
    pipeline = StoragePipeline.from_crawler(crawler)
    for item in items:
        pipeline.process_item(item)
    pipeline.close_spider()
    with session(make_engine(url)) as db:
        stored = sorted(a.board_id for a in db.exec(select(Article)))
    return stored, report, crawler.stats


def test_one_unstorable_article_loses_only_itself_and_leaves_the_run_incomplete(tmp_path):
    items = [article("1"), article("2", views=10**30), article("3"), article("4")]
    stored, report, stats = run_pipeline(tmp_path, items, batch=3)
    assert stored == ["1", "3", "4"]
    assert [u for u, _ in report.failed_items] == ["http://127.0.0.1/blog/english-news/2"]
    assert report.failed_items[0][1].startswith("not stored: ")
    assert stats.get_value("bulletins/items_failed") == 1
    assert stats.get_value("bulletins/articles_new") == 3
    stats.set_value("bulletins/listing_pages", 1)  # as in a crawl that read its listings
    stats.set_value("bulletins/listing_rows", 4)
    assert report.failure is None and report.status == "incomplete"
    assert report.incomplete == "1 unfinished (1 article; not stored: 1)"
    assert report.summary_lines()[-1] == ("status: INCOMPLETE - 1 unfinished (1 article; not stored: 1); "
                                          "the next run retries them")


def test_an_attachment_linked_twice_on_a_page_is_stored_once(tmp_path):
    twice = [AttachmentRecord("a.pdf", "http://127.0.0.1/a.pdf"), AttachmentRecord("a.pdf", "http://127.0.0.1/a.pdf")]
    stored, report, _ = run_pipeline(tmp_path, [article("1", attachments=twice), article("2")], batch=200)
    assert stored == ["1", "2"] and report.failed_items == []
    with session(make_engine(f"sqlite:///{tmp_path / 'p.sqlite'}")) as db:
        assert len(db.exec(select(Attachment)).all()) == 1
