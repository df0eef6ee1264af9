"""Storage pipeline: items into the database, through the crawl's one unit of work."""

from __future__ import annotations

from datetime import datetime, timezone

from storage.database.articles import record_download, record_listing_views, save_article
from storage.database.unfinished import Discovered, finished

from .database import CrawlDatabase
from scraper.extract.items import ArticleRecord, AttachmentDownload, ListingViews


class StoragePipeline:
    """Saves each article (insert or update) with a view observation, each downloaded
    attachment's size and capture, and each listing row's view count.

    Writes go through the crawl's unit of work (scraper.crawl.database): committed in batches of
    BULLETINS_COMMIT_EVERY (a commit per item costs about a fifth of the crawl rate on SQLite),
    and a write that fails loses only itself, named in the summary; its page stays in the WARC.
    """

    def __init__(self, crawler, database: CrawlDatabase):
        self.crawler = crawler
        self.stats = crawler.stats
        self.database = database
        self.seen_at = datetime.now(timezone.utc)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, CrawlDatabase.from_crawler(crawler))

    def process_item(self, item):
        work = self.database.work
        if isinstance(item, ArticleRecord):
            # done: stored with its WARC record; an earlier run's ledger row for it goes
            done = item.warc_record_id is not None and self.database.was_unfinished(item.source, "article", item.url)

            def save(db):
                created = save_article(db, item, self.seen_at)[1]
                if done:
                    finished(db, item.source, "article", [item.url])
                return created

            work.write(save, label=Discovered(item.url, "article", item.board_id), on_commit=self._count)
        elif isinstance(item, ListingViews):
            work.write(lambda db: record_listing_views(db, item.source, item.board_id, item.views, self.seen_at),
                       label=Discovered(item.url, "article", item.board_id))
        elif isinstance(item, AttachmentDownload):
            done = (item.warc_record_id is not None and item.source is not None
                    and self.database.was_unfinished(item.source, "attachment", item.url))

            def download(db):
                record = ((item.warc_file, item.warc_offset, item.warc_record_id)
                          if item.warc_record_id is not None else None)
                record_download(db, item.url, item.size, item.content_type, record)
                if done:
                    finished(db, item.source, "attachment", [item.url])

            work.write(download, label=Discovered(item.url, "attachment"))
        return item

    def close_spider(self):
        self.database.work.commit()

    def _count(self, created: bool) -> None:
        self.stats.inc_value("bulletins/articles_new" if created else "bulletins/articles_updated")
