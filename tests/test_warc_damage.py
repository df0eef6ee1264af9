"""A damaged WARC file is named where it stops holding whole records, never read as if it ended
there or as if a record cut short were whole (storage.webarchive.members).

warcio, which the readers used before, prints zlib's error for a gzip member that fails its
check and reads on as if the file had ended: a reparse then rebuilt fewer articles and said
nothing, and a record cut short was parsed as a page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from scraper.cli import main
from storage.webarchive.members import DamagedWarc
from storage.webarchive.warc import HttpExchange, RecordLocation, WarcWriter, iter_records, read_record

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
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh, no_record_parse=True)
        return [(raw.rec_headers.get_header("WARC-Record-ID"), raw.rec_headers.headers, raw.raw_stream.read(),
                 records.get_record_offset()) for raw in records]


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


def test_a_whole_file_reads_as_warcio_reads_it(warc):
    ours = list(iter_records(warc))
    theirs = warcio_records(warc)
    assert len(ours) == len(theirs) == 1 + 2 * PAGES
    for (offset, record), (record_id, headers, block, their_offset) in zip(ours, theirs):
        assert (offset, record.record_id, record.warc_headers) == (their_offset, record_id, headers)
        assert block.endswith(record.payload)
        assert record.record_type != "response" or record.payload.startswith(b"<html><body><h1>Article")


def test_a_file_cut_in_its_last_record_is_named_after_the_records_before_it(warc):
    starts, size = offsets(warc), warc.stat().st_size
    last = starts[-1]
    cut(warc, (last + size) // 2)
    seen, error = read_all(warc)
    assert len(seen) == len(starts) - 1  # warcio gave the last record too, cut short, and no error
    assert str(error) == f"{warc.name}: only its first {last} of {warc.stat().st_size} bytes hold whole records"


@pytest.mark.parametrize("where", ["crc", "deflate"])
def test_a_member_that_fails_its_check_is_named_and_nothing_after_it_is_read_as_whole(warc, where):
    starts = offsets(warc)
    middle = len(starts) // 2
    start, end = starts[middle], starts[middle + 1]
    # the gzip trailer's CRC-32, or a byte of the compressed data in the member's middle
    flip(warc, end - 8 if where == "crc" else (start + end) // 2)
    seen, error = read_all(warc)
    assert len(seen) == middle  # warcio printed zlib's error and stopped as if at the end: no error
    assert error is not None and f"only its first {start} of " in str(error)


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
    assert entry["error"] == f"{warc.name}: only its first {starts[4]} of {warc.stat().st_size} bytes hold whole records"
    assert sum(entry["records"].values()) == 4


def test_the_torn_tail_of_a_file_still_open_is_not_damage(tmp_path):
    writer = WarcWriter(tmp_path, hostname="test", clock=lambda: START)
    try:
        writer.write_exchange(_exchange(1))
        path = writer.current_path
        with open(path, "ab") as fh:  # a record being written: half a gzip member
            fh.write(path.read_bytes()[-300:-150])
        result = list_archive(tmp_path)
    finally:
        writer.close()
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)["files"]
    assert (entry["complete"], entry["error"], entry["records"]) == (False, None, {"warcinfo": 1, "response": 1,
                                                                                  "request": 1})
