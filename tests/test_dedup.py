"""Dedup without losing evidence: revisit records, conditional re-fetches, and pywb replaying them.

Four crawls of one replica board go into the same folder and database: a first one (everything in
full), a second one (attachments asked with If-None-Match, answered 304), a third with conditional
fetches off (attachments fetched again: identical payloads), a fourth with dedup off.
"""

from __future__ import annotations

import http.client
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.test import get_crawler
from sqlmodel import select

from scraper.archive.capture import WarcCaptureMiddleware
from scraper.crawl.conditional import EARLIER_CAPTURE, ConditionalRequestMiddleware
from scraper.replica import Board, ReplicaServer
from scraper.crawl.run import make_settings
from storage.database.db import make_engine, session
from storage.webarchive.digests import remember
from storage.database.models import Attachment, PayloadDigest
from storage.webarchive.warc import (
    IDENTICAL_PAYLOAD_DIGEST,
    SERVER_NOT_MODIFIED,
    ArchivedRecord,
    RecordLocation,
    iter_records,
    payload_digest,
)

from .conftest import BIN, REPO, CrawlFolder
from .pywb_harness import COLLECTION, fetch, replay_server

GyeonggiEnSpider = get_spider_loader(make_settings()).load("gyeonggi-en")  # the profile's spider


@dataclass
class Run:
    """One crawl: its WARC files' records in order, and what the replica was asked."""

    records: list[ArchivedRecord]
    requests: list[tuple[str, str]]
    log: str

    def of(self, url: str, record_type: str) -> list[ArchivedRecord]:
        return [r for r in self.records if r.target_uri == url and r.record_type == record_type]

    def after(self, record: ArchivedRecord) -> list[ArchivedRecord]:
        """The records written right after this one, up to the next revisit or response."""
        following = self.records[self.records.index(record) + 1:]
        end = next((i for i, r in enumerate(following) if r.record_type in ("response", "revisit")),
                   len(following))
        return following[:end]


@dataclass
class Crawls(CrawlFolder):
    board: Board
    base_url: str
    folder: Path
    full: Run
    not_modified: Run
    identical: Run
    dedup_off: Run

    def attachment_urls(self) -> dict[str, bytes]:
        return {self.base_url + att.url_path: att.data
                for article in self.board.by_id.values() for att in article.attachments}


def warc_records(paths) -> list[ArchivedRecord]:
    return [record for path in sorted(paths) for _, record in iter_records(path)]


def headers_of(record: ArchivedRecord) -> dict[str, str]:
    return {name.lower(): value for name, value in record.http_headers}


def warc_field(record: ArchivedRecord, name: str) -> str | None:
    return dict(record.warc_headers).get(name)


@pytest.fixture(scope="module")
def crawls(tmp_path_factory) -> Crawls:
    folder = tmp_path_factory.mktemp("dedup")
    database_url = f"sqlite:///{folder / 'bulletins.sqlite'}"
    warc_dir = folder / "warc"
    board = Board(articles=60)
    runs = []
    with ReplicaServer(board, flaky=False) as server:
        def crawl(*command: str) -> None:
            before = set(warc_dir.glob("*.warc.gz"))
            server.requests.clear()
            result = subprocess.run(command, cwd=REPO if command[0].endswith("scrapy") else folder,
                                    capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, result.stdout + result.stderr
            runs.append(Run(warc_records(set(warc_dir.glob("*.warc.gz")) - before),
                            list(server.requests), result.stdout + result.stderr))

        cli = [str(BIN / "bulletins"), "crawl", "gyeonggi-en", "--base-url", server.base_url,
               "--database-url", database_url, "--warc-dir", str(warc_dir)]
        scrapy = [str(BIN / "scrapy"), "crawl", "gyeonggi-en", "-a", f"base_url={server.base_url}",
                  "-a", "full=true", "-s", f"BULLETINS_DATABASE_URL={database_url}",
                  "-s", f"BULLETINS_WARC_DIR={warc_dir}"]
        crawl(*cli)
        crawl(*cli, "--full")  # every article and attachment again, not only new ones
        crawl(*scrapy, "-s", "BULLETINS_DEDUP_CONDITIONAL=False")
        crawl(*scrapy, "-s", "BULLETINS_DEDUP_ENABLED=False")
    return Crawls(board, server.base_url, folder, *runs)


# --- the replica ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def replica():
    board = Board(articles=40)
    with ReplicaServer(board, flaky=False) as server:
        yield board, server


def ask(server, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_replica_attachments_answer_304_to_their_validators(replica):
    board, server = replica
    att = next(att for article in board.articles for att in article.attachments)
    status, headers, body = ask(server, att.url_path)
    assert (status, body) == (200, att.data)
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert etag.startswith('"') and etag.endswith('"')

    for conditions in ({"If-None-Match": etag}, {"If-None-Match": f'"other", W/{etag}'},
                       {"If-Modified-Since": last_modified},
                       {"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}):
        status, headers, body = ask(server, att.url_path, **conditions)
        assert (status, body) == (304, b""), conditions
        assert (headers["ETag"], headers["Last-Modified"]) == (etag, last_modified)
        assert "Content-Length" not in headers and "Content-Type" not in headers

    for conditions in ({"If-None-Match": '"other"'},
                       {"If-Modified-Since": "Mon, 01 Jan 1990 00:00:00 GMT"},
                       # If-None-Match decides when both are sent (RFC 9110 13.2.2)
                       {"If-None-Match": '"other"', "If-Modified-Since": last_modified}):
        status, _, body = ask(server, att.url_path, **conditions)
        assert (status, body) == (200, att.data), conditions


def test_replica_pages_ignore_conditional_requests(replica):
    board, server = replica
    status, _, _ = ask(server, f"/blog/english-news/{board.sample_id}",
                       **{"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT", "If-None-Match": "*"})
    assert status == 200


# --- the first crawl: full records, indexed ------------------------------------------------------


def test_first_crawl_indexes_every_non_html_payload_it_archives(crawls):
    attachments = crawls.attachment_urls()
    assert len(attachments) >= 5
    with session(make_engine(crawls.database_url)) as db:
        rows = {row.url: row for row in db.exec(select(PayloadDigest))}
    assert set(rows) == {*attachments, crawls.base_url + "/robots.txt"}  # no page, no second row
    for url, data in attachments.items():
        (response,) = crawls.full.of(url, "response")
        row = rows[url]
        assert response.payload == data
        assert (row.digest, row.warc_record_id, row.warc_date) == (
            payload_digest(data), response.record_id, response.date)
        assert warc_field(response, "WARC-Payload-Digest") == row.digest
        assert (row.etag, row.last_modified) == (headers_of(response)["etag"],
                                                 headers_of(response)["last-modified"])
    assert not [r for r in crawls.full.records if r.record_type == "revisit"]


# --- the second crawl: conditional requests, 304s as server-not-modified revisits ---------------


def test_second_crawl_asks_with_the_validators_of_the_first_capture(crawls):
    for url in crawls.attachment_urls():
        (original,) = crawls.full.of(url, "response")
        (revisit,) = crawls.not_modified.of(url, "revisit")
        request = crawls.not_modified.after(revisit)[0]
        assert request.record_type == "request"
        assert warc_field(request, "WARC-Concurrent-To") == revisit.record_id
        sent = headers_of(request)
        assert sent["if-none-match"] == headers_of(original)["etag"]
        assert sent["if-modified-since"] == headers_of(original)["last-modified"]
    paths = [path for _, path in crawls.not_modified.requests if "/wp-content/" in path]
    assert sorted(paths) == sorted(urlsplit(url).path for url in crawls.attachment_urls())


def test_a_304_is_a_server_not_modified_revisit_of_the_first_capture(crawls):
    for url in crawls.attachment_urls():
        (original,) = crawls.full.of(url, "response")
        (revisit,) = crawls.not_modified.of(url, "revisit")
        assert not crawls.not_modified.of(url, "response")
        assert warc_field(revisit, "WARC-Profile") == SERVER_NOT_MODIFIED
        assert warc_field(revisit, "WARC-Refers-To") == original.record_id
        assert warc_field(revisit, "WARC-Refers-To-Target-URI") == url
        assert warc_field(revisit, "WARC-Refers-To-Date") == original.date
        assert warc_field(revisit, "WARC-Payload-Digest") == warc_field(original, "WARC-Payload-Digest")
        assert warc_field(revisit, "Content-Length") == "0"  # replay takes the original's headers
        assert warc_field(revisit, "WARC-IP-Address") == "127.0.0.1"
        # The 304 as received is kept beside it, in a metadata record.
        (metadata,) = [r for r in crawls.not_modified.after(revisit) if r.record_type == "metadata"]
        assert warc_field(metadata, "WARC-Concurrent-To") == revisit.record_id
        assert warc_field(metadata, "Content-Type") == "application/warc-fields"
        fields = metadata.payload.decode("latin-1").splitlines()
        assert fields[0] == "http-status-line: HTTP/1.1 304 Not Modified"
        sent = [field.removeprefix("http-header: ").partition(": ") for field in fields[1:]]
        sent = [(name.lower(), value) for name, _, value in sent]
        assert ("etag", headers_of(original)["etag"]) in sent
        assert "content-length" not in [name for name, _ in sent]  # the replica sent none


def test_robots_txt_without_validators_is_an_identical_payload_revisit(crawls):
    url = crawls.base_url + "/robots.txt"
    (original,) = crawls.full.of(url, "response")
    (revisit,) = crawls.not_modified.of(url, "revisit")
    assert warc_field(revisit, "WARC-Profile") == IDENTICAL_PAYLOAD_DIGEST
    assert warc_field(revisit, "WARC-Refers-To") == original.record_id
    assert revisit.http_line == "HTTP/1.1 200 OK"
    assert headers_of(revisit)["content-type"] == headers_of(original)["content-type"]
    assert revisit.payload == b""
    assert "if-none-match" not in headers_of(crawls.not_modified.after(revisit)[0])


def test_pages_are_always_archived_in_full(crawls):
    for run in (crawls.not_modified, crawls.identical):
        pages = [r for r in run.records if "/blog/english-news/" in (r.target_uri or "")
                 and r.record_type in ("response", "revisit")]
        assert len(pages) > len(crawls.board.articles)  # every article and the listing pages
        assert {(r.record_type, r.http_status) for r in pages} == {("response", 200)}
        assert all(r.payload for r in pages)


def test_stored_attachment_sizes_stay_after_a_304(crawls):
    attachments = crawls.attachment_urls()
    with session(make_engine(crawls.database_url)) as db:
        stored = {a.url: a.size for a in db.exec(select(Attachment))}
    assert stored == {url: len(data) for url, data in attachments.items()}
    assert "'bulletins/warc_revisits/not_modified': %d" % len(attachments) in crawls.not_modified.log


# --- conditional fetches off: attachments fetched again, identical payloads ---------------------


def test_identical_payloads_are_revisits_keeping_status_line_and_headers(crawls):
    for url, data in crawls.attachment_urls().items():
        (original,) = crawls.full.of(url, "response")
        (revisit,) = crawls.identical.of(url, "revisit")
        assert warc_field(revisit, "WARC-Profile") == IDENTICAL_PAYLOAD_DIGEST
        assert warc_field(revisit, "WARC-Refers-To") == original.record_id
        assert warc_field(revisit, "WARC-Refers-To-Target-URI") == url
        assert warc_field(revisit, "WARC-Refers-To-Date") == original.date
        assert warc_field(revisit, "WARC-Payload-Digest") == payload_digest(data)
        assert revisit.http_line == "HTTP/1.1 200 OK"
        assert headers_of(revisit)["content-length"] == str(len(data))
        assert headers_of(revisit)["etag"] == headers_of(original)["etag"]
        assert revisit.payload == b""
        request = crawls.identical.after(revisit)[0]
        assert request.record_type == "request"
        assert warc_field(request, "WARC-Concurrent-To") == revisit.record_id
        assert "if-none-match" not in headers_of(request)


def test_dedup_switched_off_archives_everything_in_full(crawls):
    assert not [r for r in crawls.dedup_off.records if r.record_type == "revisit"]
    for url, data in crawls.attachment_urls().items():
        (response,) = crawls.dedup_off.of(url, "response")
        assert response.payload == data
        assert "if-none-match" not in headers_of(crawls.dedup_off.after(response)[0])
    with session(make_engine(crawls.database_url)) as db:
        rows = db.exec(select(PayloadDigest)).all()
    assert len(rows) == len(crawls.attachment_urls()) + 1  # still the first crawl's only


def test_every_warc_file_passes_warcio_check(crawls):
    files = sorted(crawls.warc_dir.glob("*.warc.gz"))
    assert len(files) == 4
    for path in files:
        result = subprocess.run([str(BIN / "warcio"), "check", "-v", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("settings, reason", [
    ({"BULLETINS_STORAGE_ENABLED": False}, "storage switched off"),
    ({"BULLETINS_DEDUP_ENABLED": False}, "dedup switched off"),
])
def test_switched_off_there_is_no_digest_index(tmp_path, settings, reason):
    database = tmp_path / "db" / "bulletins.sqlite"
    crawler = get_crawler(GyeonggiEnSpider, {
        "BULLETINS_DATABASE_URL": f"sqlite:///{database}", "BULLETINS_WARC_DIR": str(tmp_path / "warc"),
        **settings})
    with pytest.raises(NotConfigured, match=reason):
        ConditionalRequestMiddleware.from_crawler(crawler)
    assert WarcCaptureMiddleware.from_crawler(crawler).digests is None
    assert not database.exists()


def test_conditional_fetches_alone_can_be_switched_off(tmp_path):
    crawler = get_crawler(GyeonggiEnSpider, {
        "BULLETINS_DATABASE_URL": f"sqlite:///{tmp_path / 'bulletins.sqlite'}",
        "BULLETINS_WARC_DIR": str(tmp_path / "warc"), "BULLETINS_DEDUP_CONDITIONAL": False})
    with pytest.raises(NotConfigured, match="BULLETINS_DEDUP_CONDITIONAL"):
        ConditionalRequestMiddleware.from_crawler(crawler)
    assert WarcCaptureMiddleware.from_crawler(crawler).digests is not None


def test_conditional_headers_never_follow_a_redirect_to_another_url(tmp_path):
    url, elsewhere = "http://127.0.0.1:9/files/a.pdf", "http://127.0.0.1:9/files/moved.pdf"
    database_url = f"sqlite:///{tmp_path / 'bulletins.sqlite'}"
    with session(make_engine(database_url)) as db:
        location = RecordLocation("F.warc.gz", 0, 10, "<urn:uuid:1>",
                                  datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC), "sha1:AAAA")
        remember(db, url, location, etag='"v1"', last_modified="Thu, 02 Jan 2025 00:00:00 GMT")
        db.commit()
    crawler = get_crawler(GyeonggiEnSpider, {"BULLETINS_DATABASE_URL": database_url,
                                             "BULLETINS_WARC_DIR": str(tmp_path / "warc"),
                                             "HTTPERROR_ALLOWED_CODES": [410]})
    middleware = ConditionalRequestMiddleware.from_crawler(crawler)

    request = Request(url, callback=lambda response: None)
    middleware.process_request(request)
    assert request.headers[b"If-None-Match"] == b'"v1"'
    assert request.headers[b"If-Modified-Since"] == b"Thu, 02 Jan 2025 00:00:00 GMT"
    assert request.meta["handle_httpstatus_list"] == [410, 304]  # the setting's codes still pass
    assert request.meta[EARLIER_CAPTURE]["record_id"] == "<urn:uuid:1>"

    moved = request.replace(url=elsewhere)  # as RedirectMiddleware builds it
    middleware.process_request(moved)
    assert b"If-None-Match" not in moved.headers and b"If-Modified-Since" not in moved.headers
    assert EARLIER_CAPTURE not in moved.meta and "handle_httpstatus_list" not in moved.meta

    robots = Request(url, callback=NO_CALLBACK)  # its answer never reaches a callback
    middleware.process_request(robots)
    assert b"If-None-Match" not in robots.headers


# --- replay ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pywb_over_all_crawls(crawls, tmp_path_factory):
    with replay_server(crawls.warc_dir, tmp_path_factory.mktemp("pywb-dedup")) as base_url:
        yield base_url


def timestamp(record: ArchivedRecord) -> str:
    return "".join(c for c in record.date if c.isdigit())[:14]


@pytest.mark.parametrize("run", ["not_modified", "identical"])
def test_pywb_replays_revisits_with_the_original_bytes(crawls, pywb_over_all_crawls, run):
    attachments = crawls.attachment_urls()
    for url, data in attachments.items():
        (revisit,) = getattr(crawls, run).of(url, "revisit")
        ts = timestamp(revisit)
        assert ts != timestamp(crawls.full.of(url, "response")[0])
        status, headers, body = fetch(f"{pywb_over_all_crawls}/{COLLECTION}/{ts}id_/{url}")
        assert (status, body) == (200, data), url
        assert headers["content-type"] == headers_of(crawls.full.of(url, "response")[0])["content-type"]
        # The capture served is the revisit of that crawl, resolved to the first crawl's payload.
        assert headers["memento-datetime"].endswith(revisit_http_date(revisit))


def revisit_http_date(record: ArchivedRecord) -> str:
    """The WARC-Date as an HTTP date without the weekday ("27 Nov 2026 23:14:27 GMT")."""
    moment = datetime.strptime(record.date[:19], "%Y-%m-%dT%H:%M:%S")
    return moment.strftime("%d %b %Y %H:%M:%S GMT")
