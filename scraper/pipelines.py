"""Storage pipeline: items into the database, committed in batches."""

from __future__ import annotations

from datetime import datetime, timezone

from scrapy.exceptions import NotConfigured

from storage.articles import record_download, save_article
from storage.config import database_url
from storage.db import make_engine, session

from .items import ArticleRecord, AttachmentDownload


class StoragePipeline:
    """Saves each article (insert or update) with a view observation; one commit per batch.

    A commit per item costs about a fifth of the crawl rate on SQLite; a batch of 200 costs little,
    and a crash loses at most the batch, whose pages are still in the WARC files.
    """

    def __init__(self, crawler, url: str, batch_size: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.url = url
        self.batch_size = batch_size
        self.pending = 0
        self.session = None
        self.seen_at = datetime.now(timezone.utc)

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("BULLETINS_STORAGE_ENABLED", True):
            raise NotConfigured("storage switched off (BULLETINS_STORAGE_ENABLED)")
        return cls(crawler, database_url(settings.get("BULLETINS_DATABASE_URL")),
                   settings.getint("BULLETINS_COMMIT_EVERY", 200))

    def open_spider(self):
        self.session = session(make_engine(self.url))

    def process_item(self, item):
        if isinstance(item, ArticleRecord):
            _, created = save_article(self.session, item, self.seen_at)
            self.stats.inc_value("bulletins/articles_new" if created else "bulletins/articles_updated")
        elif isinstance(item, AttachmentDownload):
            record_download(self.session, item.url, item.size, item.content_type)
        else:
            return item
        self.pending += 1
        if self.pending >= self.batch_size:
            self.session.commit()
            self.pending = 0
        return item

    def close_spider(self):
        if self.session is not None:
            self.session.commit()
            self.session.close()
