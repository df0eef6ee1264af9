"""Gyeonggi-do English press board: listing pages linked by 'next', fetched newest first."""

from __future__ import annotations

import scrapy

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

    def listing_request(self, page: int, response=None):
        if page == 1:
            url = self.base_url + LISTING_PATH
        else:
            url = ListingPage(response).next_page_url()
            if url is None:
                return None
        return scrapy.Request(url, callback=self.parse_listing, errback=self.failed,
                              cb_kwargs={"page": page})

    def listing_page(self, response):
        return ListingPage(response)

    def article_page(self, response):
        return ArticlePage(response)
