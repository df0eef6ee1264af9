"""What makes a WARC file whole: gzip members that inflate (their CRC checked), each holding
one complete record (its Content-Length, and its block digest where asked), filling the file.

Crash repair (storage.webarchive.repair) cuts an open file after its last whole record; the
readers (storage.webarchive.warc: iter_records, read_record; cdxj.summarize_warc, write_cdxj) raise
DamagedWarc where a file stops being whole, rather than yield a record cut short or end early without a
word, as warcio does on a member larger than its 16 KiB reads that fails to inflate (it prints
zlib's error and reads on as if the file had ended).
"""

from __future__ import annotations

import base64
import hashlib
import os
import zlib
from collections.abc import Iterator
from typing import BinaryIO

_CHUNK = 1 << 16  # each member's leftover input is copied: bigger chunks cost more
CUT_SHORT = "is cut short"


class DamagedWarc(ValueError):
    """A WARC file (or a record's place in one) that does not hold whole records. The message
    names the file and the byte where that starts; `at` is that byte, `cut_short` whether the
    file merely ends inside a member there (a torn tail, as a crash or a write in progress leaves)."""

    def __init__(self, message: str, at: int = 0, cut_short: bool = False):
        super().__init__(message)
        self.at, self.cut_short = at, cut_short


def members(fh: BinaryIO, start: int = 0, stopped: list[str] | None = None) -> Iterator[tuple[int, int, bytes]]:
    """(offset, length, inflated bytes) of each complete gzip member of fh from byte `start`.

    Stops at the first member that is cut short or does not inflate (zlib checks its CRC), saying
    which in `stopped` when given: the caller compares where the last one ends with where the
    file does.
    """
    fh.seek(start)
    offset, pending = start, b""
    while True:
        pending = pending or fh.read(_CHUNK)
        if not pending:
            return
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        parts, length = [], 0
        while not inflater.eof:
            pending = pending or fh.read(_CHUNK)
            if not pending:
                if stopped is not None:
                    stopped.append(CUT_SHORT)
                return
            try:
                parts.append(inflater.decompress(pending))
            except zlib.error as error:
                if stopped is not None:
                    stopped.append(f"does not inflate ({error})")
                return
            rest = inflater.unused_data if inflater.eof else b""
            length += len(pending) - len(rest)
            pending = rest
        data = b"".join(parts)
        del parts  # one copy of a large record at a time
        yield offset, length, data
        offset += length


def record_headers(data: bytes, check_digest: bool = True) -> dict[bytes, bytes] | None:
    """The WARC headers (lower-cased names) of the complete record that fills data exactly, else None.

    Complete means: a WARC/ version line, headers with a record id and type, a block of exactly
    Content-Length bytes (matching WARC-Block-Digest when there is one and `check_digest`), then
    CRLF CRLF.
    """
    end = data.find(b"\r\n\r\n")
    head = data[:end]
    lines = head.split(b"\r\n")
    # A CR or LF outside CRLF: readers split lines differently (warcio at LF), so it is no record
    # every reader reads alike.
    crlf_only = head.count(b"\n") == head.count(b"\r") == len(lines) - 1
    if end < 0 or not lines[0].startswith(b"WARC/") or not crlf_only:
        return None
    headers: dict[bytes, bytes] = {}
    name: bytes | None = None  # the header a folded line continues, when it is the first of its name
    for number, line in enumerate(lines[1:]):
        if not line.strip():  # warcio ends the headers at a blank line: the record is not what it says
            return None
        if line[:1] in (b" ", b"\t") and number:  # a value folded over lines (WARC 1.1's LWS)
            if name is not None:
                headers[name] += line.rstrip()  # joined as warcio joins it
            continue
        found, colon, value = line.partition(b":")
        if not colon:
            return None
        found = found.strip().lower()
        name = None if found in headers else found  # the first of a name counts, as warcio's get_header
        if name is not None:
            headers[name] = value.strip()
    try:
        length = int(headers.get(b"content-length", b""))
    except ValueError:
        return None
    block = end + 4
    if (
        not headers.get(b"warc-record-id")
        or b"warc-type" not in headers
        or len(data) != block + length + 4
        or not data.endswith(b"\r\n\r\n")
    ):
        return None
    digest = headers.get(b"warc-block-digest")
    if check_digest and digest is not None:
        with memoryview(data) as view:
            if not _digest_matches(digest.decode("latin-1"), view[block : block + length]):
                return None
    return headers


def record_id(data: bytes) -> str | None:
    """The id of the complete WARC record that fills data exactly (its block digest checked), else None."""
    headers = record_headers(data)
    return headers[b"warc-record-id"].decode("latin-1") if headers is not None else None


def whole_records(fh: BinaryIO, name: str) -> Iterator[tuple[int, bytes, dict[bytes, bytes]]]:
    """(offset, inflated member, WARC headers) of each record of the gzip WARC file fh, named
    `name` in errors; DamagedWarc, after the whole records, where the file stops holding them: a
    member cut short or that does not inflate, one not holding one complete record, bytes after
    the last member. (The block digest is not computed again: the member's CRC-32 and the
    record's Content-Length prove its bytes are those written.)"""
    stopped: list[str] = []
    end = 0
    for offset, length, data in members(fh, 0, stopped):
        headers = record_headers(data, check_digest=False)
        if headers is None:
            stopped.append("does not hold one complete WARC record")
            break
        yield offset, data, headers
        end = offset + length
    size = os.fstat(fh.fileno()).st_size
    if end != size:
        why = stopped[0] if stopped else "does not inflate"
        raise DamagedWarc(
            f"{name}: only its first {end} of {size} bytes hold whole records (the gzip member there {why})",
            at=end,
            cut_short=why == CUT_SHORT,
        )


def _digest_matches(digest: str, block: bytes | memoryview) -> bool:
    """Base32 (warcio, Heritrix) or hex digests; an algorithm hashlib lacks is not held against it."""
    algorithm, _, value = digest.partition(":")
    try:
        computed = hashlib.new(algorithm.lower().replace("-", ""), block).digest()
    except ValueError:
        return True
    return value.upper() == base64.b32encode(computed).decode() or value.lower() == computed.hex()
