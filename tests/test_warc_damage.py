"""A damaged WARC file is named where it stops holding whole records, never read as if it ended
there or as if a record cut short were whole (storage.webarchive.members).

warcio, which the readers used before, prints zlib's error for a gzip member larger than its
16 KiB reads that fails its check, and reads on as if the file had ended: a reparse then rebuilt
fewer articles and said nothing. And it gives a record cut short (a copy cut in its middle) as
if it were whole: a reparse parsed it as a page.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from scraper.cli import main
from storage.webarchive import warc as warc_module
from storage.webarchive.members import DamagedWarc
from storage.webarchive.warc import (IDENTICAL_PAYLOAD_DIGEST, SERVER_NOT_MODIFIED, HttpExchange, RecordLocation,
                                     WarcWriter, _archived, iter_records, read_record)

from . import test_warc_writer as written

START = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
PAGES = 6


def _exchange(n: int) -> HttpExchange:
    body = (f"<html><body><h1>Article {n}</h1>" + "<p>Gyeonggi-do press bulletin text.</p>" * 200
            + "</body></html>").encode()
    return HttpExchange(
        url=f"http://board.example/view/{n}", method="GET", request_headers=[("Accept", "*/*")],
        request_body=b"", protocol="HTTP/1.1", status=200, reason=None,
        response_headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
        body=body, ip_address="127.0.0.1", date=START + timedelta(seconds=n))


@pytest.fixture
def warc(tmp_path) -> Path:
    """A finished file: warcinfo, then a response and a request record per page."""
    with WarcWriter(tmp_path, warcinfo={"source": "test"}, hostname="test", clock=lambda: START) as writer:
        for n in range(PAGES):
            writer.write_exchange(_exchange(n))
    [path] = writer.finished
    return path


def offsets(path: Path) -> list[int]:
    return [offset for offset, _ in iter_records(path)]


def warcio_records(path: Path) -> list[tuple]:
    """What the readers gave before: warcio's iteration, split as they split records."""
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh, no_record_parse=True)
        return [(records.get_record_offset(), record) for record in (_archived(raw) for raw in records)]


def flip(path: Path, at: int, count: int = 1) -> None:
    """Invert `count` bytes from byte `at`."""
    content = bytearray(path.read_bytes())
    content[at:at + count] = bytes(b ^ 0xFF for b in content[at:at + count])
    path.write_bytes(bytes(content))


def cut(path: Path, at: int) -> None:
    path.write_bytes(path.read_bytes()[:at])


def read_all(path: Path) -> tuple[list[str], DamagedWarc | None]:
    seen: list[str] = []
    try:
        for _, record in iter_records(path):
            seen.append(record.record_id)
    except DamagedWarc as error:
        return seen, error
    return seen, None


def test_a_whole_file_reads_as_warcio_reads_it(tmp_path):
    """Every kind of record the crawl writes: GET and POST exchanges, an attachment, a truncated
    answer, both revisit profiles (the 304 one with its metadata record), an empty 204."""
    with written.make_writer(tmp_path) as writer:
        locations = [writer.write_exchange(exchange) for exchange in (
            written.GET, written.POST, written.ATTACHMENT,
            replace(written.GET, status=204, reason=None, body=b"", response_headers=[("X-Name", "caf\xe9")]))]
        locations.append(writer.write_exchange(replace(written.ATTACHMENT, body=written.PDF[:100]), truncated="length"))
        original = locations[2]
        locations.append(writer.write_revisit(
            replace(written.ATTACHMENT, date=written.LATER), profile=IDENTICAL_PAYLOAD_DIGEST,
            refers_to_uri=written.PDF_URL, refers_to_date=original.captured_at, refers_to_id=original.record_id,
            payload_digest=original.payload_digest))
        locations.append(writer.write_revisit(
            written.NOT_MODIFIED, profile=SERVER_NOT_MODIFIED, refers_to_uri=written.PDF_URL,
            refers_to_date=original.captured_at, refers_to_id=original.record_id,
            payload_digest=original.payload_digest))
    [path] = writer.finished
    ours = list(iter_records(path))
    assert ours == warcio_records(path)
    assert {record.record_type for _, record in ours} == {"warcinfo", "response", "request", "revisit", "metadata"}
    for location in locations:
        assert read_record(tmp_path, location) == read_record(tmp_path, location.filename, location.offset)
        assert (location.offset, read_record(tmp_path, location)) in ours


def _member(head: bytes, block: bytes = b"") -> bytes:
    record = b"WARC/1.1\r\n" + head + f"Content-Length: {len(block)}\r\n\r\n".encode() + block + b"\r\n\r\n"
    return gzip.compress(record)


WARCINFO = b"WARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:0>\r\n"


@pytest.mark.parametrize("head, plain", [
    (b"WARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Date: 2026-03-04T05:06:07.000000Z\r\n", True),
    (b"warc-type:resource\r\nWARC-RECORD-ID:   <urn:uuid:1>  \r\nWARC-Type: metadata\r\nX-Empty:\r\n", True),
    (b"WARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\nX-Colon: a: b\r\nX-Tab:\tvalue\t\r\n", True),
    ("WARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\nX-Title: 보도자료 \r\n".encode(), False),
    (b"WARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\nX-Latin: caf\xe9\r\n", False),
    (b"WARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\nX-Long: first\r\n  second\r\n", False),
    (b"WARC-Type: resource\r\nWARC-Record-ID:\r\n <urn:uuid:1>\r\nWARC-Date: 2026-03-04\r\n\tT05:06:07Z\r\n", False),
    (b"WARC-Type\x0b: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\n", False),
    (b"WARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Target-URI: <http://board.example/a>\r\n", False),
    (b"WARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\nWARC-Target-URI: http://board.example/a b\r\n", False),
])
def test_records_from_other_tools_read_as_warcio_reads_them(tmp_path, monkeypatch, head, plain):
    """Plain headers (ASCII, one line each) are split by the readers themselves, the others by
    warcio (UTF-8, Latin-1, values folded over lines, a Target-URI warcio mends): each record reads
    as warcio reads it."""
    path = tmp_path / "other.warc.gz"
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbody" if b"response" in head else b"payload"
    path.write_bytes(_member(WARCINFO) + _member(head, block))
    expected = warcio_records(path)
    if plain:  # split without warcio's parser
        monkeypatch.setattr(warc_module, "_first_record", None)

    assert list(iter_records(path)) == expected
    assert read_record(tmp_path, path.name, len(_member(WARCINFO))) == expected[1][1]


@pytest.mark.parametrize("head", [
    b"WARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\n  \r\n",   # warcio ends the headers there
    b"WARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\nX: a\n\nY: b\r\n",   # and at a bare LF
    b"WARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Length: 99\r\n",   # the first one counts
])
def test_headers_warcio_would_read_otherwise_are_no_whole_record(tmp_path, head):
    """Headers whose block warcio would take for another than the one written: the file is damaged
    there, never read as two readers would read it differently."""
    path = tmp_path / "other.warc.gz"
    path.write_bytes(_member(WARCINFO) + _member(head, b"abc"))
    with pytest.raises(DamagedWarc, match=f"only its first {len(_member(WARCINFO))} of "):
        list(iter_records(path))


def test_a_large_record_whose_member_fails_its_check_is_named_not_read_as_the_end_of_the_file(tmp_path):
    """Past warcio's 16 KiB reads, it printed zlib's error, gave the record cut short and ended
    the file there: no error, and the records after it gone without a word."""
    big = replace(_exchange(1), body=bytes(range(256)) * 1200)  # 300 KB that do not compress
    with WarcWriter(tmp_path, hostname="test", clock=lambda: START) as writer:
        writer.write_exchange(_exchange(0))
        writer.write_exchange(big)
        writer.write_exchange(_exchange(2))
    [path] = writer.finished
    starts = offsets(path)
    flip(path, starts[4] - 8)  # the CRC-32 of the big response's member
    seen, error = read_all(path)
    assert len(seen) == 3  # warcinfo, the first exchange
    assert error is not None and error.at == starts[3] and not error.cut_short
    assert str(error).startswith(f"{path.name}: only its first {starts[3]} of {path.stat().st_size} bytes hold "
                                 "whole records (the gzip member there does not inflate (")


def test_a_file_cut_in_its_last_record_is_named_after_the_records_before_it(warc):
    starts, size = offsets(warc), warc.stat().st_size
    last = starts[-1]
    cut(warc, (last + size) // 2)
    seen, error = read_all(warc)
    assert len(seen) == len(starts) - 1  # warcio gave the last record too, cut short, and no error
    assert str(error) == (f"{warc.name}: only its first {last} of {warc.stat().st_size} bytes hold whole records "
                          "(the gzip member there is cut short)")
    assert error.cut_short and error.at == last


@pytest.mark.parametrize("where", ["crc", "deflate"])
def test_a_member_that_fails_its_check_is_named_and_nothing_after_it_is_read_as_whole(warc, where):
    starts = offsets(warc)
    middle = len(starts) // 2
    start, end = starts[middle], starts[middle + 1]
    # the gzip trailer's CRC-32, or a byte of the compressed data in the member's middle
    flip(warc, end - 8 if where == "crc" else (start + end) // 2)
    seen, error = read_all(warc)
    assert len(seen) == middle
    assert error is not None and f"only its first {start} of " in str(error) and "does not inflate" in str(error)


def test_bytes_after_the_last_member_are_damage(warc):
    with open(warc, "ab") as fh:
        fh.write(b"WARC/1.1\r\nWARC-Type: resource\r\n")
    seen, error = read_all(warc)
    assert len(seen) == 1 + 2 * PAGES
    assert error is not None and "hold whole records" in str(error)


def test_a_damaged_record_is_never_read_as_a_record_cut_short(warc):
    located = list(iter_records(warc))
    offset, record = located[3]
    following = located[4][0]
    location = RecordLocation(warc.name, offset, following - offset, record.record_id)
    assert read_record(warc.parent, location).payload == record.payload
    flip(warc, (offset + following) // 2, 2)
    with pytest.raises(DamagedWarc, match=f"{warc.name}@{offset}: no whole record there"):
        read_record(warc.parent, location)
    with pytest.raises(DamagedWarc, match=f"{warc.name}@{offset}: no whole record there"):
        read_record(warc.parent, warc.name, offset)
    assert read_record(warc.parent, warc.name, following).record_id == located[4][1].record_id


def list_archive(folder: Path):
    return CliRunner().invoke(main, ["archive", "list", "--warc-dir", str(folder), "--json"],
                              env={"BULLETINS_WARC_DIR": None})


def test_archive_list_names_a_damaged_file_and_exits_1(warc):
    starts = offsets(warc)
    flip(warc, starts[5] - 8)  # the CRC of the member before the sixth record
    result = list_archive(warc.parent)
    assert result.exit_code == 1, result.output
    [entry] = json.loads(result.stdout)["files"]
    assert entry["complete"] is False
    assert entry["error"].startswith(
        f"{warc.name}: only its first {starts[4]} of {warc.stat().st_size} bytes hold whole records")
    assert sum(entry["records"].values()) == 4


def test_the_torn_tail_of_a_file_still_open_is_not_damage_but_other_damage_in_it_is_shown(tmp_path):
    writer = WarcWriter(tmp_path, hostname="test", clock=lambda: START)
    try:
        writer.write_exchange(_exchange(1))
        writer.write_exchange(_exchange(2))
        path = writer.current_path
        starts = offsets(path)
        last_member = path.read_bytes()[starts[-1]:]
        with open(path, "ab") as fh:  # a record being written: the first half of a gzip member
            fh.write(last_member[:len(last_member) // 2])
        torn = list_archive(tmp_path)
        flip(path, starts[2] - 8)  # and the CRC of the first response's member
        damaged = list_archive(tmp_path)
    finally:
        writer.close()
    assert torn.exit_code == 0, torn.output
    [entry] = json.loads(torn.stdout)["files"]
    assert (entry["complete"], entry["error"], entry["records"]) == (False, None, {"warcinfo": 1, "response": 2,
                                                                                  "request": 2})
    assert damaged.exit_code == 0, damaged.output  # open: being written, or for archive repair to cut
    [entry] = json.loads(damaged.stdout)["files"]
    assert entry["records"] == {"warcinfo": 1} and "does not inflate" in entry["error"]
