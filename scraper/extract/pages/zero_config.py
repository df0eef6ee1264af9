"""The article page of a board with no profile: every field from the zero-config extractor
(scraper/extract), which records the rule that produced each one."""

from __future__ import annotations

import hashlib
from datetime import date
from urllib.parse import parse_qsl, urlsplit

from scrapy.http import Response, TextResponse

from scraper.extract import Extraction, extract_article
from ..items import AttachmentRecord
from .base import ArticlePageBase

# Query parameters that name an article on Korean boards, best first.
ID_PARAMS = ("nttId", "nttSn", "idx", "B_NUM", "bIdx", "newsId", "articleId", "articleNo", "no",
             "seq", "num", "id", "wr_id", "document_srl", "dataSid", "boardSeq", "list_no", "sno")


def board_id_from_url(url: str) -> str:
    """The article's id from its view URL: a known id parameter, else the last number in the
    path, else a short hash of the whole URL (stable for the same URL)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    for name in ID_PARAMS:
        if query.get(name, "").strip():
            return query[name].strip()
    digits = [seg for seg in parts.path.split("/") if seg.isdigit()]
    if digits:
        return digits[-1]
    return hashlib.sha1(url.encode()).hexdigest()[:16]


class ArticlePage(ArticlePageBase):
    version = 1

    def __init__(self, response: Response, source: str = "auto"):
        super().__init__(response)
        self.source = source
        self._found: Extraction | None = None

    @property
    def extractor_version(self) -> str:
        return f"zero-config/{self.version}"

    @property
    def found(self) -> Extraction:
        if self._found is None:
            encoding = self.response.encoding if isinstance(self.response, TextResponse) else None
            self._found = extract_article(self.response.body, self.response.url, encoding=encoding)
        return self._found

    @property
    def rules(self) -> dict[str, str]:
        return self.found.rules

    def board_id(self) -> str:
        return self.response.meta.get("board_id") or board_id_from_url(self.response.url)

    def title(self) -> str | None:
        return self.found.title

    def author(self) -> str | None:
        return self.found.author

    def department(self) -> str | None:
        return self.found.department

    def published(self) -> date | None:
        return self.found.published

    def views(self) -> int | None:
        return self.found.views

    def body_html_fragment(self) -> str | None:
        return self.found.body_html

    def attachments(self) -> list[AttachmentRecord]:
        return list(self.found.attachments)
