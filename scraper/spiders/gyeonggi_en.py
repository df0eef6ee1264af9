"""Gyeonggi-do English press board: walk the listing newest first, fetch each article once."""

from __future__ import annotations

import scrapy

from ..items import AttachmentDownload, ListingViews
from ..pages.gyeonggi_en import LISTING_PATH, SOURCE, ArticlePage, ListingPage, board_id_of
from .base import BulletinSpider


class GyeonggiEnSpider(BulletinSpider):
    name = SOURCE
    default_base_url = "https://english.gg.go.kr"
    description = "Gyeonggi-do (Korea) English press bulletins"

    @classmethod
    def page_for(cls, url: str):
        """The page object for an archived URL of this source, or None (reparse uses it)."""
        return ArticlePage if board_id_of(url) else None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen_ids: set[str] = set()

    async def start(self):
        yield scrapy.Request(self.base_url + LISTING_PATH, callback=self.parse_listing,
                             errback=self.failed)

    def parse_listing(self, response):
        self.count("listing_pages")
        page = ListingPage(response)
        rows = page.rows()
        unseen = [row for row in rows if row.board_id not in self.seen_ids]
        regular = [row for row in rows if not row.notice]
        for row in unseen:
            self.seen_ids.add(row.board_id)
            if not (row.notice or self.in_window(row.published)):
                continue
            if self.settled(row.board_id, row.published) or (row.notice and row.board_id in self.stored):
                if row.notice and response.url != self.base_url + LISTING_PATH:
                    continue  # pinned on every page: its count is read off the first page only,
                    # so processes sharing a frontier (each with its own seen_ids) record it once
                self.count("articles_not_refetched")
                if row.views is not None:
                    yield ListingViews(self.name, row.board_id, row.url, row.views)
            else:
                yield scrapy.Request(row.url, callback=self.parse_article, errback=self.failed)
        self.count("listing_rows", len(regular))
        if self.stop_paging(regular):
            return
        next_url = page.next_page_url()
        if next_url and unseen:  # a page with no unseen ids repeats the last one (out of range)
            yield scrapy.Request(next_url, callback=self.parse_listing, errback=self.failed)
        else:
            self.listing_ended()

    def parse_article(self, response):
        item = ArticlePage(response).to_item()
        location = response.meta.get("warc_location")
        if location is not None:
            item.warc_file, item.warc_offset, item.warc_record_id, item.captured_at = (
                location.filename, location.offset, location.record_id, location.captured_at)
        yield item
        for attachment in item.attachments:
            yield scrapy.Request(attachment.url, callback=self.parse_attachment, errback=self.failed,
                                 cb_kwargs={"url": attachment.url})

    def parse_attachment(self, response, url: str):
        if response.status == 304:
            return  # not modified since the archived copy (a revisit record): its size stays
        yield AttachmentDownload(url=url, size=len(response.body),
                                 content_type=(response.headers.get("Content-Type") or b"")
                                 .decode("latin-1").split(";")[0].strip() or None)
