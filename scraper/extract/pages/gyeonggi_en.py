"""Gyeonggi-do English press board: article view pages.

Layout (see the sample bulletin): a view page with the full title, a field block Name/Date/Views,
the body, attachments, then prev/next navigation. The listing (a table No/Title/Name/Date/Views
with notices pinned on every page, titles cut with '...', a 'Next' link) is declared by the
profile, scraper/extract/profiles/gyeonggi-en.toml, which names this page object for its views.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote, urlsplit

from ..fields import parse_count, parse_date, parse_size
from ..items import AttachmentRecord
from web_poet import field

from .base import ArticlePageBase, guess_type

SOURCE = "gyeonggi-en"
_ID = re.compile(r"/blog/english-news/(\d+)/?$")
_LABELS = {"name": "author", "writer": "author", "date": "published", "views": "views", "hit": "views", "hits": "views"}


def board_id_of(url: str) -> str | None:
    m = _ID.search(urlsplit(url).path)
    return m.group(1) if m else None


class ArticlePage(ArticlePageBase):
    source = SOURCE

    def _fields(self) -> dict[str, str]:
        if not hasattr(self, "_field_cache"):
            found: dict[str, str] = {}
            for li in self.response.css("div.board-view ul.view-info li"):
                label = (li.css("strong::text").get() or "").strip().lower()
                value = " ".join(li.css("span ::text").getall()).strip()
                if label in _LABELS and _LABELS[label] not in found:
                    found[_LABELS[label]] = value
            self._field_cache = found
        return self._field_cache

    @field
    def board_id(self) -> str | None:
        return board_id_of(str(self.response.url)) or board_id_of(self.canonical_url)

    @field
    def canonical_url(self) -> str:
        href = self.response.css('link[rel="canonical"]::attr(href)').get()
        return str(self.response.urljoin(href) if href else self.response.url)

    @field
    def title(self) -> str | None:
        text = " ".join(" ".join(self.response.css("div.board-view .view-title ::text").getall()).split())
        return text or None

    @field
    def author(self) -> str | None:
        return self._fields().get("author") or None

    @field
    def published(self) -> date | None:
        return self.parsed("published", self._fields().get("published"), parse_date)

    @field
    def views(self) -> int | None:
        return self.parsed("views", self._fields().get("views"), parse_count)

    @field
    def body_html_fragment(self) -> str | None:
        return self.response.css("div.board-view div.view-content").get()

    @field
    def attachments(self) -> list[AttachmentRecord]:
        found = []
        for li in self.response.css("div.board-view div.view-files li"):
            href = li.css("a::attr(href)").get()
            if not href:
                continue
            url = str(self.response.urljoin(href))
            name = " ".join(li.css("a ::text").getall()).strip() or unquote(urlsplit(url).path.rsplit("/", 1)[-1])
            found.append(
                AttachmentRecord(
                    name=name, url=url, size=parse_size(li.css(".file-size::text").get()), content_type=guess_type(name)
                )
            )
        return found
