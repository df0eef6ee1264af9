"""What makes a WARC file whole: gzip members that inflate (their CRC checked), each holding
one complete record (its Content-Length and block digest checked).

Crash repair (storage.webarchive.repair) cuts an open file after its last whole record; the
readers (storage.webarchive.warc: iter_records, read_record) raise DamagedWarc where a finished
file stops being whole, rather than yield a record cut short or end early without a word, as
warcio does on a member that fails to inflate (it prints zlib's error and reads on as if the file
had ended).
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Iterator
from typing import BinaryIO

_CHUNK = 1 << 16  # each member's leftover input is copied: bigger chunks cost more


class DamagedWarc(ValueError):
    """A WARC file (or a record's place in one) that does not hold whole records; the message
    names the file and the byte where that starts."""


def members(fh: BinaryIO, start: int = 0) -> Iterator[tuple[int, int, bytes]]:
    """(offset, length, inflated bytes) of each complete gzip member of fh from byte `start`.

    Stops at the first member that is cut short or does not inflate (zlib checks its CRC): the
    caller compares where the last one ends with where the file does.
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
                return
            try:
                parts.append(inflater.decompress(pending))
            except zlib.error:
                return
            rest = inflater.unused_data if inflater.eof else b""
            length += len(pending) - len(rest)
            pending = rest
        yield offset, length, b"".join(parts)
        offset += length


def record_id(data: bytes) -> str | None:
    """The id of the complete WARC record that fills data exactly, else None.

    Complete means: a WARC/ version line, headers with a record id and type, a block of exactly
    Content-Length bytes matching WARC-Block-Digest when there is one, then CRLF CRLF.
    """
    head, separator, rest = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not separator or not lines[0].startswith(b"WARC/"):
        return None
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon:
            return None
        headers[name.strip().lower()] = value.strip()
    try:
        length = int(headers.get(b"content-length", b""))
    except ValueError:
        return None
    ident = headers.get(b"warc-record-id")
    if not ident or b"warc-type" not in headers or len(rest) != length + 4 or not rest.endswith(b"\r\n\r\n"):
        return None
    digest = headers.get(b"warc-block-digest")
    if digest is not None and not _digest_matches(digest.decode("latin-1"), rest[:length]):
        return None
    return ident.decode("latin-1")


def _digest_matches(digest: str, block: bytes) -> bool:
    """Base32 (warcio, Heritrix) or hex digests; an algorithm hashlib lacks is not held against it."""
    algorithm, _, value = digest.partition(":")
    try:
        computed = hashlib.new(algorithm.lower().replace("-", ""), block).digest()
    except ValueError:
        return True
    return value.upper() == base64.b32encode(computed).decode() or value.lower() == computed.hex()
