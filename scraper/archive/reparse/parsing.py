"""Parsing, in worker processes: an archived response through its page object to an ArticleRecord.
Workers are handed module-level names (parse_chunk, _init_worker), as multiprocessing needs."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from web_poet import HttpResponse, HttpResponseHeaders

from storage.database.articles import ArticleRecord
from storage.webarchive.warc import ArchivedRecord, decoded_payload

from scraper.extract.language import detect_language
from scraper.extract.pages.base import unusable_page
from scraper.garbage import collect_less_often

def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class Parser:
    """Archived response -> ArticleRecord.

    Language detection (seeded, so a text always gets the same answer) runs once per distinct
    text: later captures of an unchanged article reuse the answer, and so do texts found in
    `languages` (text key -> the answer stored in the database).
    """

    def __init__(self, languages: dict[bytes, tuple[str | None, float | None]] | None = None):
        self.known = dict(languages or {})
        self.reused = 0

    def detect(self, text: str) -> tuple[str | None, float | None]:
        if not text:
            return detect_language(text)
        key = text_key(text)
        answer = self.known.get(key)
        if answer is None:
            answer = self.known[key] = detect_language(text)
        else:
            self.reused += 1
        return answer

    def parse(self, page_cls: type, record: ArchivedRecord, filename: str, offset: int
              ) -> ArticleRecord:
        """The page object's item for a 200 response record, with its WARC pointer."""
        response = web_response(record)
        why = unusable_page(response)
        if why is not None:  # the crawl failed it: no article row of garbage here either
            raise ValueError(why)
        page = page_cls(response)
        item = page.to_item(detect=self.detect)
        item.warc_file, item.warc_offset, item.warc_record_id = filename, offset, record.record_id
        item.captured_at = datetime.fromisoformat(record.date).astimezone(UTC)
        return item


def web_response(record: ArchivedRecord) -> HttpResponse:
    """The archived answer as web-poet's HttpResponse, as the crawl's page object read it: the
    body decoded (Content-Encoding), without the encoding headers the crawl's response lost."""
    headers = [(name, value) for name, value in record.http_headers
               if name.lower() not in ("content-encoding", "transfer-encoding")]
    return HttpResponse(url=record.target_uri, body=decoded_payload(record), status=200,
                        headers=HttpResponseHeaders(headers))


def parse_chunk(jobs: list[tuple], parser: Parser | None = None):
    """[(ArticleRecord, None) or (None, (where, why))] for (page class, record, file, offset)
    jobs, and how many languages were reused."""
    parser = parser or _worker_parser
    before = parser.reused
    out = []
    for page_cls, record, filename, offset in jobs:
        try:
            out.append((parser.parse(page_cls, record, filename, offset), None))
        except ValueError as exc:   # a payload that cannot be decoded
            out.append((None, (f"{filename}@{offset}", str(exc))))
    return out, parser.reused - before


_worker_parser: Parser | None = None


def _init_worker(languages) -> None:
    global _worker_parser
    collect_less_often()  # inherited when forked, not when spawned
    _worker_parser = Parser(languages)
