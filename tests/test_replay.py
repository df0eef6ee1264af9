"""The crawl's WARC files replayed through a real pywb (`wayback`) give back what was archived."""

from __future__ import annotations

import gzip
import html
import json
from urllib.parse import urlencode

import pytest

from storage.webarchive.warc import decoded_payload, read_record

from .pywb_harness import COLLECTION, fetch, pywb_replay  # noqa: F401  (session fixture)

KINDS = ["sample", "korean", "with-attachment"]


def board_article_id(board, kind: str) -> int:
    """The id of the sample article, of a Korean article, or of one with attachments."""
    if kind == "sample":
        return board.sample_id
    regular = [a for a in board.articles if a.quirk is None]
    if kind == "korean":
        return next(a.id for a in regular if a.language == "ko")
    return next(a.id for a in regular if a.attachments)


def timestamp(record) -> str:
    """14-digit pywb timestamp from a WARC-Date such as 2026-11-27T23:14:27.123456Z."""
    return "".join(c for c in record.date if c.isdigit())[:14]


def replay_url(base: str, ts: str, url: str, modifier: str = "") -> str:
    return f"{base}/{COLLECTION}/{ts}{modifier}/{url}"


@pytest.fixture(params=KINDS)
def article(request, crawl, rows):
    """(row, response record) of one article of each kind."""
    row = rows[str(board_article_id(crawl.board, request.param))]
    return row, read_record(crawl.warc_dir, row.warc_file, row.warc_offset)


def test_id_mode_returns_the_archived_bytes_still_gzip_compressed(pywb_replay, article):
    row, record = article
    assert record.payload[:2] == b"\x1f\x8b"  # the board sent these pages gzip-compressed
    status, headers, body = fetch(replay_url(pywb_replay, timestamp(record), row.url, "id_"))
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    assert body == record.payload


def test_id_mode_decompresses_for_a_client_that_does_not_accept_gzip(pywb_replay, article):
    """pywb undoes the Content-Encoding when the request's Accept-Encoding lacks it."""
    row, record = article
    status, headers, body = fetch(replay_url(pywb_replay, timestamp(record), row.url, "id_"),
                                  accept_encoding="identity")
    assert status == 200
    assert "content-encoding" not in headers
    assert body == decoded_payload(record)


def test_attachments_replay_byte_identical(pywb_replay, crawl, rows):
    attachments = [(a, att) for a in crawl.board.by_id.values() for att in a.attachments]
    assert len({att.content_type for _, att in attachments}) == 2  # PDF and HWP
    for board_article, att in attachments:
        row = rows[str(board_article.id)]
        ts = timestamp(read_record(crawl.warc_dir, row.warc_file, row.warc_offset))
        # The article page's timestamp: pywb serves the capture closest to it.
        status, headers, body = fetch(replay_url(pywb_replay, ts, crawl.base_url + att.url_path, "id_"))
        assert (status, headers.get("content-type")) == (200, att.content_type), att.url_path
        assert body == att.data, att.url_path


def test_replayed_page_shows_the_article_title(pywb_replay, crawl, article):
    """The replay URL answers with pywb's frame, whose iframe loads the rewritten page (mp_)."""
    row, record = article
    ts = timestamp(record)
    status, _, frame = fetch(replay_url(pywb_replay, ts, row.url))
    assert status == 200
    assert f'"url": "{row.url}"' in frame.decode("utf-8")  # what the frame's script loads
    status, headers, body = fetch(replay_url(pywb_replay, ts, row.url, "mp_"))
    assert status == 200
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    page = body.decode("utf-8")
    assert html.escape(row.title) in page
    assert "wombat" in page  # pywb's client-side rewriting is injected
    listing = f"{crawl.base_url}/blog/english-news/"
    assert f'href="/{COLLECTION}/{ts}mp_/{listing}"' in page  # links point into the archive


def test_cdx_api_lists_the_article_capture(pywb_replay, article):
    row, record = article
    status, _, body = fetch(f"{pywb_replay}/{COLLECTION}/cdx?" + urlencode({"url": row.url, "output": "json"}))
    assert status == 200
    lines = [json.loads(line) for line in body.decode("utf-8").splitlines() if line.strip()]
    captures = [c for c in lines if c["url"] == row.url and c["status"] == "200"]
    assert len(captures) == 1, lines
    capture = captures[0]
    assert capture["timestamp"] == timestamp(record)
    assert (capture["filename"], int(capture["offset"])) == (row.warc_file, row.warc_offset)
