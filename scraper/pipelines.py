"""Storage pipeline: items into the database, committed in batches."""

from __future__ import annotations

from datetime import datetime, timezone

import logging

from scrapy.exceptions import NotConfigured

from storage.articles import record_download, record_listing_views, save_article
from storage.config import database_url
from storage.db import make_engine, session

from .items import ArticleRecord, AttachmentDownload, ListingViews
from .report import item_failed

log = logging.getLogger(__name__)

# SQLAlchemy errors, and what drivers raise unwrapped (sqlite3: OverflowError for huge ints):
# whatever one item does, the others are stored.
STORAGE_ERRORS = (Exception,)


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
        self.batch: list = []
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
        if not isinstance(item, (ArticleRecord, AttachmentDownload, ListingViews)):
            return item
        try:
            created = self._save(item)
        except STORAGE_ERRORS:  # may come from flushing an earlier item of the batch
            self.session.rollback()
            self.batch.append((item, None))
            self._retry_one_by_one()
            return item
        self.batch.append((item, created))
        if len(self.batch) >= self.batch_size:
            self._commit()
        return item

    def close_spider(self):
        if self.session is not None:
            self._commit()
            self.session.close()

    def _save(self, item) -> bool | None:
        """Save without committing; for an article, whether it is new."""
        if isinstance(item, ArticleRecord):
            return save_article(self.session, item, self.seen_at)[1]
        if isinstance(item, ListingViews):
            record_listing_views(self.session, item.source, item.board_id, item.views, self.seen_at)
        else:
            record_download(self.session, item.url, item.size, item.content_type)
        return None

    def _count(self, created: bool | None) -> None:
        if created is not None:
            self.stats.inc_value("bulletins/articles_new" if created else "bulletins/articles_updated")

    def _commit(self) -> None:
        try:
            self.session.commit()
        except STORAGE_ERRORS:
            self.session.rollback()
            self._retry_one_by_one()
            return
        for _, created in self.batch:
            self._count(created)
        self.batch = []

    def _retry_one_by_one(self) -> None:
        """A failed commit loses the whole batch: save its items again one commit each, so only
        the item at fault is lost (its page stays in the WARC files) and it is named."""
        batch, self.batch = self.batch, []
        for item, _ in batch:
            try:
                created = self._save(item)
                self.session.commit()
                self._count(created)
            except STORAGE_ERRORS as exc:
                self.session.rollback()
                self._report(item, exc)

    def _report(self, item, exc: Exception) -> None:
        reason = f"not stored: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        log.error("%s %s", item.url, reason)
        self.crawler.signals.send_catch_log(item_failed, url=item.url, reason=reason)
