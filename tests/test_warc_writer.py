"""storage.webarchive.warc: faithful, replayable WARC 1.1 files and random access to their records."""

from __future__ import annotations

import errno
import gzip
import json
import os
import subprocess
import sys
import zlib
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata
from itertools import count
from pathlib import Path
from random import Random

import pytest

from storage.webarchive import warc
from storage.webarchive.warc import (
    HttpExchange,
    RecordLocation,
    WarcWriter,
    decoded_payload,
    iter_records,
    read_record,
)

from .conftest import small_disk

GOLDEN = Path(__file__).parent / "golden"
WARCIO = Path(sys.executable).parent / "warcio"
HTML = (GOLDEN / "article.html").read_bytes()
HTML_GZ = (GOLDEN / "article.html.gz").read_bytes()  # fixed bytes: zlib builds may compress differently
LIST_HTML = b"<html><body><ul><li><a href=\"view.do?nttId=42\">2025 spring wildfire plan</a></li></ul></body></html>"
CREATED = datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
HOST = "crawler01"
FIRST_NAME = "BULLETINS-20250304050607890-00000-crawler01.warc.gz"
VIEW_URL = "https://www.example.go.kr/news/view.do?bbsId=BBSMSTR_000000000001&nttId=42&pageIndex=2"
LIST_URL = "https://www.example.go.kr/news/list.do"
FORM = b"bbsId=BBSMSTR_000000000001&pageIndex=3"
# Scrapy hands header bytes over; the capture middleware decodes them as latin-1.
DISPOSITION = 'inline; filename="보도자료.html"'.encode().decode("latin-1")

GET = HttpExchange(
    url=VIEW_URL,
    method="GET",
    request_headers=[
        ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
        ("Accept-Language", "ko,en;q=0.7"),
        ("User-Agent", "bulletin-archiver/0.1 (+mailto:archive@example.org)"),
        ("Accept-Encoding", "gzip, deflate"),
        ("Referer", LIST_URL),
    ],
    request_body=b"",
    protocol="HTTP/1.1",
    status=200,
    reason="OK",
    response_headers=[
        ("Date", "Tue, 04 Mar 2025 05:06:08 GMT"),
        ("Server", "Apache"),
        ("Set-Cookie", "JSESSIONID=A1B2C3D4E5; Path=/; Secure; HttpOnly"),
        ("Set-Cookie", "WMONID=x9y8z7; Expires=Wed, 04-Mar-2026 05:06:08 GMT; Path=/"),
        ("Content-Type", "text/html;charset=UTF-8"),
        ("Content-Encoding", "gzip"),
        ("Vary", "Accept-Encoding"),
        ("Content-Disposition", DISPOSITION),
        ("Content-Length", str(len(HTML_GZ))),
    ],
    body=HTML_GZ,
    ip_address="203.0.113.7",
    date=datetime(2025, 3, 4, 5, 6, 8, 123456, tzinfo=UTC),
)

POST = HttpExchange(
    url=LIST_URL,
    method="POST",
    request_headers=[
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Content-Length", str(len(FORM))),
        ("host", "www.example.go.kr"),
        ("Cookie", "JSESSIONID=A1B2C3D4E5"),
    ],
    request_body=FORM,
    protocol="HTTP/1.1",
    status=200,
    reason=None,
    response_headers=[("Content-Type", "text/html;charset=UTF-8"), ("Content-Length", str(len(LIST_HTML)))],
    body=LIST_HTML,
    ip_address=None,
    date=datetime(2025, 3, 4, 5, 6, 9, tzinfo=UTC),  # whole second: still written with .000000
)


def sequential_ids():
    numbers = count(1)
    return lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(numbers):012d}>"


def make_writer(directory: Path, **options) -> WarcWriter:
    options.setdefault("warcinfo", {"robots": "obey", "operator": "archive@example.org",
                                    "isPartOf": "bulletins"})
    return WarcWriter(directory, hostname=HOST, clock=lambda: CREATED, id_factory=sequential_ids(),
                      **options)


def write_file(directory: Path, *exchanges: HttpExchange) -> tuple[Path, list[RecordLocation]]:
    with make_writer(directory) as writer:
        locations = [writer.write_exchange(exchange) for exchange in exchanges]
    (path,) = writer.finished
    return path, locations


def warcio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(WARCIO), *args], capture_output=True, text=True, check=False)


def records(path: Path) -> list[warc.ArchivedRecord]:
    return [record for _, record in iter_records(path)]


def test_file_matches_hand_reviewed_golden_bytes(tmp_path, monkeypatch):
    versions = {"bulletin-archiver": "0.1.0", "warcio": "1.8.1"}
    monkeypatch.setattr(warc, "_dist_version", versions.__getitem__)

    path, _ = write_file(tmp_path, GET, POST)

    assert path == tmp_path / FIRST_NAME
    assert gzip.decompress(path.read_bytes()) == (GOLDEN / "two_exchanges.warc").read_bytes()


def test_warcio_check_passes_and_index_lists_records_in_order(tmp_path):
    path, _ = write_file(tmp_path, GET, POST)

    check = warcio("check", "-v", str(path))
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 5

    index = warcio("index", "-f", "warc-type,warc-target-uri", str(path))
    assert index.returncode == 0, index.stderr
    rows = [json.loads(line) for line in index.stdout.splitlines()]
    assert [(row["warc-type"], row.get("warc-target-uri")) for row in rows] == [
        ("warcinfo", None),
        ("response", VIEW_URL), ("request", VIEW_URL),
        ("response", LIST_URL), ("request", LIST_URL),
    ]


def test_each_location_is_a_self_contained_gzip_member_of_its_response(tmp_path):
    path, (get_at, post_at) = write_file(tmp_path, GET, POST)
    data = path.read_bytes()

    for location, exchange in ((get_at, GET), (post_at, POST)):
        assert location.filename == FIRST_NAME
        member = gzip.decompress(data[location.offset:location.offset + location.length])
        assert member.startswith(b"WARC/1.1\r\nWARC-Type: response\r\n")
        assert member.count(b"WARC/1.1\r\n") == 1  # exactly one record per member
        record = read_record(tmp_path, location)
        assert (record.record_type, record.record_id) == ("response", location.record_id)
        assert record.payload == exchange.body
        by_offset = read_record(tmp_path, location.filename, location.offset)
        assert by_offset == record

    assert decoded_payload(read_record(tmp_path, get_at)) == HTML
    assert decoded_payload(read_record(tmp_path, post_at)) == LIST_HTML


def stored_only(member: bytes) -> bool:
    """Whether a gzip member's deflate stream starts with a stored (uncompressed) block: BTYPE 00
    in the first byte after the 10-byte header (no FNAME or other optional field: FLG 0)."""
    return member[3] == 0 and (member[10] >> 1) & 0b11 == 0


@pytest.mark.parametrize("headers, stored", [
    ([("Content-Type", "text/html; charset=UTF-8")], False),
    ([("Content-Type", "application/pdf")], False),
    ([("Content-Type", "text/html"), ("Content-Encoding", "gzip")], True),
    ([("Content-Encoding", "identity"), ("Content-Type", "text/plain")], False),
    ([("Content-Type", "application/x-hwp")], True),
    ([("content-type", "IMAGE/JPEG")], True),
    ([("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")], True),
])
def test_a_payload_compressed_already_is_stored_and_others_deflated(tmp_path, headers, stored):
    # Deflating a gzip-encoded page or a JPEG again costs the crawl's process CPU for nothing; a
    # compressible payload under those headers shows which way its record's member was written
    body = b"compressible " * 2000
    exchange = replace(GET, response_headers=headers, body=body)
    path, (location,) = write_file(tmp_path, exchange)
    member = path.read_bytes()[location.offset:location.offset + location.length]

    assert stored_only(member) is stored
    assert (location.length > len(body)) is stored
    assert read_record(tmp_path, location).payload == body
    check = warcio("check", str(path))
    assert check.returncode == 0, check.stdout + check.stderr
    request = path.read_bytes()[location.offset + location.length:]
    assert not stored_only(request)  # the request record after it: deflated as before


def test_location_with_a_wrong_record_id_is_refused(tmp_path):
    _, (location, _) = write_file(tmp_path, GET, POST)

    with pytest.raises(ValueError, match="not <urn:uuid:other>"):
        read_record(tmp_path, replace(location, record_id="<urn:uuid:other>"))


def test_file_is_named_open_while_written_and_renamed_on_close(tmp_path):
    directory = tmp_path / "warc" / "nested"
    writer = make_writer(directory)
    assert writer.current_path is None and not directory.exists()  # opened lazily

    location = writer.write_exchange(GET)
    assert writer.current_path == directory / (FIRST_NAME + ".open")
    assert sorted(p.name for p in directory.iterdir()) == [FIRST_NAME + ".open"]
    assert read_record(directory, location).payload == HTML_GZ  # readable before close

    writer.close()
    assert sorted(p.name for p in directory.iterdir()) == [FIRST_NAME]
    assert writer.finished == [directory / FIRST_NAME] and writer.current_path is None
    assert read_record(directory, location).payload == HTML_GZ

    writer.close()  # idempotent
    assert writer.finished == [directory / FIRST_NAME]
    assert sorted(p.name for p in directory.iterdir()) == [FIRST_NAME]


def test_rotation_by_size_starts_every_file_with_warcinfo(tmp_path):
    with make_writer(tmp_path, max_size=1) as writer:
        locations = [writer.write_exchange(exchange) for exchange in (GET, POST, GET)]

    names = [f"BULLETINS-20250304050607890-{serial:05d}-crawler01.warc.gz" for serial in range(3)]
    assert [p.name for p in writer.finished] == names
    assert [location.filename for location in locations] == names
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    for path, location in zip(writer.finished, locations):
        assert [r.record_type for r in records(path)] == ["warcinfo", "response", "request"]
        warcinfo = records(path)[0]
        assert ("WARC-Filename", path.name) in warcinfo.warc_headers
        assert read_record(tmp_path, location).record_id == location.record_id
        check = warcio("check", str(path))
        assert check.returncode == 0, check.stdout + check.stderr


def test_file_stays_open_below_max_size(tmp_path):
    with make_writer(tmp_path, max_size=10_000) as writer:
        writer.write_exchange(GET)
        writer.write_exchange(POST)
        assert writer.finished == []
    assert [p.name for p in writer.finished] == [FIRST_NAME]


def test_request_record_follows_its_response(tmp_path):
    path, _ = write_file(tmp_path, GET, POST)
    warcinfo, get_response, get_request, post_response, post_request = records(path)

    for response, request, exchange in ((get_response, get_request, GET), (post_response, post_request, POST)):
        assert request.record_type == "request"
        assert request.target_uri == response.target_uri == exchange.url
        assert request.date == response.date
        assert ("WARC-Concurrent-To", response.record_id) in request.warc_headers
        assert request.payload == exchange.request_body

    assert get_response.http_line == "HTTP/1.1 200 OK"
    assert get_response.http_status == 200
    assert get_response.date == "2025-03-04T05:06:08.123456Z"
    assert ("WARC-IP-Address", "203.0.113.7") in get_response.warc_headers
    assert get_request.http_line == "GET /news/view.do?bbsId=BBSMSTR_000000000001&nttId=42&pageIndex=2 HTTP/1.1"
    assert get_request.http_headers == [("Host", "www.example.go.kr"), *GET.request_headers]

    assert post_response.http_line == "HTTP/1.1 200 OK"  # reason None: phrase from http.HTTPStatus
    assert post_response.date == "2025-03-04T05:06:09.000000Z"
    assert not any(name == "WARC-IP-Address" for name, _ in post_response.warc_headers)
    assert post_request.http_line == "POST /news/list.do HTTP/1.1"
    assert post_request.http_headers == POST.request_headers  # has its own host: no second one


def test_http_headers_are_written_byte_for_byte(tmp_path):
    """No header added, dropped, reordered or "fixed" (warcio would percent-encode non-ASCII)."""
    headers = [
        ("content-type", "text/html; charset=euc-kr"),
        ("Set-Cookie", "a=1"),
        ("X-Title", "보도자료"),  # a real Unicode string: written as UTF-8
        ("Content-Disposition", DISPOSITION),  # latin-1 view of UTF-8 bytes: those bytes
        ("Set-Cookie", "b=2"),
        ("Content-Length", "999"),  # stale on purpose: kept as received
    ]
    exchange = replace(GET, status=404, reason=None, response_headers=headers, body=b"gone")
    odd_status = replace(GET, status=599, reason=None, response_headers=[], body=b"")
    path, (location, odd) = write_file(tmp_path, exchange, odd_status)

    expected = (
        b"HTTP/1.1 404 Not Found\r\n"
        b"content-type: text/html; charset=euc-kr\r\n"
        b"Set-Cookie: a=1\r\n"
        + "X-Title: 보도자료\r\n".encode()
        + 'Content-Disposition: inline; filename="보도자료.html"\r\n'.encode()
        + b"Set-Cookie: b=2\r\n"
        b"Content-Length: 999\r\n"
        b"\r\n"
        b"gone\r\n\r\n"
    )
    data = path.read_bytes()
    assert gzip.decompress(data[location.offset:location.offset + location.length]).endswith(expected)
    record = read_record(tmp_path, location)
    assert record.http_status == 404
    assert record.http_headers[3:] == headers[3:]
    assert read_record(tmp_path, odd).http_line == "HTTP/1.1 599 "  # unknown code: empty reason
    assert warcio("check", str(path)).returncode == 0


def test_invalid_exchange_is_refused_before_anything_is_written(tmp_path):
    writer = make_writer(tmp_path)
    with pytest.raises(ValueError, match="naive"):
        writer.write_exchange(replace(GET, date=datetime(2025, 3, 4, 5, 6, 8)))
    with pytest.raises(ValueError, match="line break"):
        writer.write_exchange(replace(GET, response_headers=[("X-Evil", "a\r\nSet-Cookie: forged=1")]))
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="line break"):
        make_writer(tmp_path, warcinfo={"operator": "me\nformat: forged"})


def test_existing_archive_is_never_overwritten(tmp_path):
    (tmp_path / FIRST_NAME).write_bytes(b"precious")

    with pytest.raises(FileExistsError):
        make_writer(tmp_path).write_exchange(GET)
    assert (tmp_path / FIRST_NAME).read_bytes() == b"precious"


def test_warcinfo_names_the_installed_software_versions(tmp_path, monkeypatch):
    path, _ = write_file(tmp_path, GET)
    expected = f"bulletin-archiver/{metadata.version('bulletin-archiver')} warcio/{metadata.version('warcio')}"
    assert f"software: {expected}\r\n".encode() in records(path)[0].payload

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(warc.metadata, "version", not_installed)
    assert warc.software() == "bulletin-archiver/0+unknown warcio/0+unknown"


@pytest.mark.parametrize("coding, encode", [
    ("gzip", lambda data: gzip.compress(data)),
    ("deflate", zlib.compress),
    ("deflate", lambda data: zlib.compress(data, wbits=-zlib.MAX_WBITS)),  # raw deflate, seen in the wild
    ("identity", lambda data: data),
])
def test_decoded_payload_undoes_content_encoding(coding, encode):
    record = warc.ArchivedRecord("<urn:uuid:x>", "response", VIEW_URL, "", [], 200,
                                 [("Content-Encoding", coding)], encode(HTML))
    assert decoded_payload(record) == HTML


def test_decoded_payload_refuses_what_it_cannot_decode():
    record = warc.ArchivedRecord("<urn:uuid:x>", "response", VIEW_URL, "", [], 200,
                                 [("Content-Encoding", "br")], b"\x0b\x02\x80")
    with pytest.raises(ValueError, match="br"):
        decoded_payload(record)
    with pytest.raises(ValueError, match="gzip"):
        decoded_payload(replace(record, http_headers=[("Content-Encoding", "gzip")], payload=HTML_GZ[:50]))


# --- revisit records ----------------------------------------------------------------------------

PDF_URL = "https://www.example.go.kr/upload/%EB%B3%B4%EB%8F%84%EC%9E%90%EB%A3%8C.pdf"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8
ATTACHMENT = replace(
    GET, url=PDF_URL, body=PDF, date=datetime(2025, 3, 4, 5, 6, 10, 5, tzinfo=UTC),
    response_headers=[("Content-Type", "application/pdf"), ("ETag", '"pdf-v1"'),
                      ("Last-Modified", "Mon, 03 Mar 2025 09:00:00 GMT"),
                      ("Content-Disposition", DISPOSITION), ("Content-Length", str(len(PDF)))])
LATER = datetime(2025, 4, 1, 0, 0, 0, 250000, tzinfo=UTC)
NOT_MODIFIED = replace(
    ATTACHMENT, status=304, reason=None, body=b"", date=LATER,
    request_headers=[*ATTACHMENT.request_headers, ("If-None-Match", '"pdf-v1"')],
    response_headers=[("Date", "Tue, 01 Apr 2025 00:00:00 GMT"), ("ETag", '"pdf-v1"'),
                      ("X-Note", "변경 없음"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])


def write_with_revisit(directory: Path, profile: str, revisit_of: HttpExchange):
    with make_writer(directory) as writer:
        original = writer.write_exchange(ATTACHMENT)
        revisit = writer.write_revisit(
            revisit_of, profile=profile, refers_to_uri=PDF_URL, refers_to_date=original.captured_at,
            refers_to_id=original.record_id, payload_digest=original.payload_digest)
    (path,) = writer.finished
    return path, original, revisit


def test_response_location_carries_the_payload_digest_warcio_wrote(tmp_path):
    path, (location,) = write_file(tmp_path, ATTACHMENT)
    record = read_record(tmp_path, location)
    assert location.payload_digest == dict(record.warc_headers)["WARC-Payload-Digest"]
    assert location.payload_digest == warc.payload_digest(PDF)
    assert warc.payload_digest(b"") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"  # pywb's empty digest


def test_identical_payload_revisit_keeps_status_line_and_headers_without_payload(tmp_path):
    path, original, location = write_with_revisit(
        tmp_path, warc.IDENTICAL_PAYLOAD_DIGEST, replace(ATTACHMENT, date=LATER))
    _, response, _, revisit, request = records(path)

    assert (revisit.record_id, revisit.record_type) == (location.record_id, "revisit")
    assert read_record(tmp_path, location) == revisit
    assert (location.captured_at, location.payload_digest) == (LATER, original.payload_digest)
    fields = dict(revisit.warc_headers)
    assert fields["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    assert fields["WARC-Refers-To"] == response.record_id
    assert fields["WARC-Refers-To-Target-URI"] == PDF_URL
    assert fields["WARC-Refers-To-Date"] == response.date == "2025-03-04T05:06:10.000005Z"
    assert fields["WARC-Payload-Digest"] == warc.payload_digest(PDF)
    assert fields["WARC-Date"] == "2025-04-01T00:00:00.250000Z"
    assert fields["WARC-Target-URI"] == PDF_URL and fields["WARC-IP-Address"] == "203.0.113.7"
    assert fields["Content-Type"] == "application/http; msgtype=response"
    head = warc.response_head(ATTACHMENT)
    assert int(fields["Content-Length"]) == len(head)  # status line and headers, nothing more
    assert revisit.http_line == "HTTP/1.1 200 OK" and revisit.http_status == 200
    assert revisit.http_headers == ATTACHMENT.response_headers and revisit.payload == b""
    assert request.record_type == "request"
    assert ("WARC-Concurrent-To", revisit.record_id) in request.warc_headers
    check = warcio("check", "-v", str(path))
    assert check.returncode == 0, check.stdout + check.stderr


def test_server_not_modified_revisit_has_no_block_and_keeps_the_304_beside_it(tmp_path):
    path, original, location = write_with_revisit(tmp_path, warc.SERVER_NOT_MODIFIED, NOT_MODIFIED)
    _, response, _, revisit, request, kept = records(path)

    assert read_record(tmp_path, location) == revisit
    fields = dict(revisit.warc_headers)
    assert fields["WARC-Profile"] == "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
    assert fields["WARC-Refers-To"] == response.record_id
    assert fields["WARC-Refers-To-Date"] == response.date
    assert fields["WARC-Payload-Digest"] == original.payload_digest
    # pywb would replay a 3xx block as an empty 304; without a block it serves the original.
    assert fields["Content-Length"] == "0" and "Content-Type" not in fields
    assert (revisit.http_line, revisit.http_status, revisit.payload) == (None, None, b"")
    assert ("WARC-Concurrent-To", revisit.record_id) in request.warc_headers
    assert ("If-None-Match", '"pdf-v1"') in request.http_headers

    assert kept.record_type == "metadata" and kept.target_uri == PDF_URL
    assert dict(kept.warc_headers)["WARC-Concurrent-To"] == revisit.record_id
    assert dict(kept.warc_headers)["Content-Type"] == "application/warc-fields"
    assert kept.payload == (
        b"http-status-line: HTTP/1.1 304 Not Modified\r\n"
        b"http-header: Date: Tue, 01 Apr 2025 00:00:00 GMT\r\n"
        b'http-header: ETag: "pdf-v1"\r\n'
        + "http-header: X-Note: 변경 없음\r\n".encode()
        + b"http-header: Set-Cookie: a=1\r\n"
        b"http-header: Set-Cookie: b=2\r\n")
    check = warcio("check", "-v", str(path))
    assert check.returncode == 0, check.stdout + check.stderr


def test_revisit_with_a_bad_field_is_refused_before_anything_is_written(tmp_path):
    writer = make_writer(tmp_path)
    good = {"refers_to_uri": PDF_URL, "refers_to_date": "2025-03-04T05:06:10.000005Z",
            "refers_to_id": "<urn:uuid:x>", "payload_digest": warc.payload_digest(PDF)}
    with pytest.raises(ValueError, match="profile"):
        writer.write_revisit(ATTACHMENT, profile="http://example.org/other", **good)
    with pytest.raises(ValueError, match="line break"):
        writer.write_revisit(ATTACHMENT, profile=warc.IDENTICAL_PAYLOAD_DIGEST,
                             **{**good, "refers_to_uri": PDF_URL + "\r\nWARC-Type: response"})
    with pytest.raises(ValueError, match="naive"):
        writer.write_revisit(replace(ATTACHMENT, date=datetime(2025, 4, 1)),
                             profile=warc.SERVER_NOT_MODIFIED, **good)
    assert list(tmp_path.iterdir()) == []


def test_a_body_cut_short_is_written_as_received_and_marked_truncated(tmp_path):
    """A download stopped at a size limit (scraper.crawl.limits): the record says WARC-Truncated: length
    (as Heritrix writes it), holds the bytes received, and still passes warcio check."""
    cut = replace(ATTACHMENT, body=PDF[:1000])  # Content-Length still says the whole size
    with make_writer(tmp_path) as writer:
        location = writer.write_exchange(cut, truncated="length")
        whole = writer.write_exchange(ATTACHMENT)
    (path,) = writer.finished

    record = read_record(tmp_path, location)
    assert ("WARC-Truncated", "length") in record.warc_headers
    assert record.payload == PDF[:1000] and location.payload_digest == warc.payload_digest(PDF[:1000])
    assert "WARC-Truncated" not in dict(read_record(tmp_path, whole).warc_headers)
    request = records(path)[2]
    assert request.record_type == "request" and "WARC-Truncated" not in dict(request.warc_headers)
    check = warcio("check", "-v", str(path))
    assert check.returncode == 0, check.stdout + check.stderr


def test_an_unknown_truncation_reason_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match="WARC-Truncated"):
        make_writer(tmp_path).write_exchange(ATTACHMENT, truncated="too big")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def disk(tmp_path):
    with small_disk(tmp_path / "disk", "256k") as folder:
        yield folder


def test_a_full_disk_fails_the_write_but_leaves_a_valid_file_of_the_exchanges_before(disk):
    bodies = [Random(n).randbytes(40_000) for n in range(12)]  # incompressible: 12 × 40 KB > 256 KiB
    writer = make_writer(disk)
    written, failures = [], []
    for n, body in enumerate(bodies):
        exchange = replace(GET, url=f"https://www.example.go.kr/files/{n}.pdf", body=body,
                           response_headers=[("Content-Type", "application/pdf"),
                                             ("Content-Length", str(len(body)))])
        try:
            written.append((exchange.url, writer.write_exchange(exchange)))
        except OSError as error:
            failures.append(error.errno)
    writer.close()
    assert written and failures and set(failures) == {errno.ENOSPC}
    (path,) = writer.finished
    result = warcio("check", "-v", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    responses = [r.target_uri for r in records(path) if r.record_type == "response"]
    assert responses == [url for url, _ in written]  # every exchange written before is whole
    for url, location in written:
        assert read_record(disk, location).target_uri == url
    assert os.path.getsize(path) < 256 * 1024
