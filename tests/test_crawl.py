"""A real crawl of the replica board, over HTTP on loopback, through the `bulletins` CLI."""

from __future__ import annotations

import subprocess
from datetime import date

from sqlmodel import select

from storage.database.db import make_engine, session
from storage.webarchive.warc import decoded_payload, iter_records, read_record

from .conftest import BIN, REPO

SAMPLE = (REPO / "scraper" / "replica" / "sample_article.txt").read_text(encoding="utf-8")
SAMPLE_TITLE = ("[JUN. 2022] Gyeonggi-do to Strengthen International Cooperation Network "
                "between Korea and Mongolia")


def sample_paragraphs() -> list[str]:
    body = SAMPLE.split("Views 87", 1)[1]
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def test_every_article_of_the_board_is_stored_once(crawl, rows):
    expected = {str(a.id) for a in crawl.board.articles + crawl.board.notices}
    assert len(expected) >= 300
    assert set(rows) == expected


def test_sample_bulletin_fields(crawl, rows):
    a = rows[str(crawl.board.sample_id)]
    assert a.title == SAMPLE_TITLE
    assert (a.issue_month, a.headline) == ("2022-06", SAMPLE_TITLE[len("[JUN. 2022] "):])
    assert (a.author, a.published, a.views, a.language) == ("관리자", date(2022, 6, 24), 87, "en")
    assert a.body_text.split("\n\n") == sample_paragraphs()
    assert a.body_html.startswith("<p>Gyeonggi-do to Strengthen International Cooperation Network")
    assert a.url == f"{crawl.base_url}/blog/english-news/{crawl.board.sample_id}"
    assert a.missing_fields is None


def test_languages_match_the_board(crawl, rows):
    expected = {"en": "en", "ko": "ko", "mixed": "ko"}
    regular = [b for b in crawl.board.articles if b.quirk is None]
    assert {b.language for b in regular} == {"en", "ko", "mixed"}
    wrong = [(b.id, b.language, rows[str(b.id)].language) for b in regular
             if rows[str(b.id)].language != expected[b.language]]
    assert wrong == []


def test_fields_of_every_regular_article_match_the_board(crawl, rows):
    for b in crawl.board.articles:
        if b.quirk is not None:
            continue
        a = rows[str(b.id)]
        assert (a.title, a.author, a.published, a.views) == (b.title, b.author, b.date, b.views), b.id
        assert a.body_text.split("\n\n") == list(b.paragraphs), b.id


def test_every_row_points_at_the_response_record_of_its_page(crawl, rows):
    for a in rows.values():
        record = read_record(crawl.warc_dir, a.warc_file, a.warc_offset)
        assert record.record_type == "response"
        assert record.record_id == a.warc_record_id
        assert record.target_uri == a.url
        assert record.http_status == 200
        page = decoded_payload(record).decode("utf-8")
        assert f'<link rel="canonical" href="{a.url}">' in page


def test_warc_files_are_closed_and_pass_warcio_check(crawl):
    assert list(crawl.warc_dir.glob("*.open")) == []
    files = sorted(crawl.warc_dir.glob("*.warc.gz"))
    assert files
    for path in files:
        result = subprocess.run([str(BIN / "warcio"), "check", "-v", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_every_exchange_is_archived_with_raw_bytes(crawl):
    responses = {}
    statuses = []
    for path in sorted(crawl.warc_dir.glob("*.warc.gz")):
        records = [r for _, r in iter_records(path)]
        assert records[0].record_type == "warcinfo"
        for first, second in zip(records, records[1:]):
            if first.record_type == "response":
                assert second.record_type == "request"
                assert dict(second.warc_headers)["WARC-Concurrent-To"] == first.record_id
        for r in records:
            if r.record_type == "response":
                path_part = r.target_uri[len(crawl.base_url):]
                responses.setdefault(path_part, []).append(r)
                statuses.append((path_part, r.http_status))
    assert "/robots.txt" in responses
    assert ("/blog/english-news/page/2/", 500) in statuses and ("/blog/english-news/page/2/", 200) in statuses
    listing = responses["/blog/english-news/"][0]
    assert listing.http_line == "HTTP/1.1 200 OK"
    assert dict(listing.warc_headers)["WARC-IP-Address"] == "127.0.0.1"
    assert dict(listing.warc_headers)["WARC-Date"].endswith("Z") and "." in dict(listing.warc_headers)["WARC-Date"]
    assert [r.http_line for r in responses["/blog/english-news/page/2/"]] == [
        "HTTP/1.1 500 Internal Server Error", "HTTP/1.1 200 OK"]
    headers = [name.lower() for name, _ in listing.http_headers]
    assert headers.count("set-cookie") == 2
    assert dict((k.lower(), v) for k, v in listing.http_headers)["content-encoding"] == "gzip"
    assert listing.payload[:2] == b"\x1f\x8b"  # stored compressed, as received
    assert int(dict((k.lower(), v) for k, v in listing.http_headers)["content-length"]) == len(listing.payload)
    attachments = [a for b in crawl.board.articles for a in b.attachments]
    assert attachments
    for att in attachments:
        archived = responses[att.url_path]
        assert archived[0].payload == att.data
    # Each request was made once, except the page that failed once.
    assert len(crawl.requests) == sum(len(v) for v in responses.values())


def test_attachments_are_stored_with_their_real_size_and_type(crawl, rows):
    for b in crawl.board.articles:
        stored = sorted((att.name, att.size, att.content_type, att.url) for att in rows[str(b.id)].attachments)
        expected = sorted((att.filename, len(att.data), att.content_type, crawl.base_url + att.url_path)
                          for att in b.attachments)
        assert stored == expected, b.id


def test_pinned_notices_are_fetched_once(crawl):
    for notice in crawl.board.notices:
        assert crawl.requests.count(("GET", f"/blog/english-news/{notice.id}")) == 1


def test_broken_pages_are_stored_with_what_could_be_read_and_named(crawl, rows):
    board = crawl.board
    malformed = rows[str(board.malformed_id)]
    assert malformed.title == board.by_id[board.malformed_id].title
    assert malformed.body_text and malformed.warc_record_id
    no_views = rows[str(board.no_views_id)]
    assert no_views.views is None and no_views.missing_fields == "views"
    bad_date = rows[str(board.bad_date_id)]
    assert bad_date.published is None and bad_date.missing_fields == "published"
    out = crawl.result.stdout
    assert f"/blog/english-news/{board.no_views_id} (missing views)" in out
    # with what the page printed, where it printed something that is no date
    assert f"/blog/english-news/{board.bad_date_id} (missing published (unreadable date ('2022-02-30')))" in out
    assert "missing fields: published 1, views 1" in out
    assert out.rstrip().endswith("status: ok")


def test_robots_txt_is_asked_first(crawl):
    assert crawl.requests[0] == ("GET", "/robots.txt")


def test_request_records_carry_what_was_sent(crawl):
    path = sorted(crawl.warc_dir.glob("*.warc.gz"))[0]
    requests = [r for _, r in iter_records(path) if r.record_type == "request"]
    listing = next(r for r in requests if r.target_uri == crawl.base_url + "/blog/english-news/")
    assert listing.http_line == "GET /blog/english-news/ HTTP/1.1"
    headers = dict(listing.http_headers)
    assert headers["Host"] == crawl.base_url.split("//")[1]
    assert headers["User-Agent"].startswith("bulletin-archiver/")
    assert "gzip" in headers["Accept-Encoding"]
    article = next(r for r in requests if r.target_uri.endswith(f"/{crawl.board.sample_id}"))
    assert "JSESSIONID=" in dict(article.http_headers).get("Cookie", "")


def test_warcinfo_describes_the_crawl(crawl):
    path = sorted(crawl.warc_dir.glob("*.warc.gz"))[0]
    _, info = next(iter_records(path))
    text = info.payload.decode("utf-8")
    assert dict(info.warc_headers)["WARC-Filename"] == path.name
    assert "software: bulletin-archiver/" in text and "robots: obey" in text
    assert "http-header-user-agent: bulletin-archiver/" in text


def test_each_article_has_its_capture_with_the_record_date(crawl, rows):
    from storage.database.models import Capture
    with session(make_engine(crawl.database_url)) as db:
        captures = {c.article_id: c for c in db.exec(select(Capture))}
    assert len(captures) == len(rows)
    sample = rows[str(crawl.board.sample_id)]
    capture = captures[sample.id]
    record = read_record(crawl.warc_dir, capture.warc_file, capture.warc_offset)
    assert capture.warc_record_id == sample.warc_record_id == record.record_id
    assert capture.captured_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ") == record.date
    assert sample.extractor_version == "gyeonggi_en/1"


def test_warcinfo_names_the_source(crawl):
    path = sorted(crawl.warc_dir.glob("*.warc.gz"))[0]
    _, info = next(iter_records(path))
    assert "source: gyeonggi-en" in info.payload.decode("utf-8")
