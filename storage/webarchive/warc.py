"""WARC 1.1 archive of HTTP exchanges: a rotating gzip writer and a random-access reader.

Header names and values are ``str`` holding the wire bytes as latin-1 (the byte-preserving
convention of http.client and WSGI), so ``value.encode("latin-1")`` is what went over the wire.
A value with characters beyond latin-1 is written as UTF-8. The reader decodes as latin-1.
"""

from __future__ import annotations

import base64
import fcntl
import gzip
import hashlib
import http
import os
import socket
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast
from urllib.parse import urlsplit
from uuid import uuid4

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.times import WARC_DATE_FORMAT

from .members import DamagedWarc, members, record_id, whole_records

if TYPE_CHECKING:  # cdxj-indexer is imported by those who index
    from .cdxj import LiveIndex

WARC_VERSION = "WARC/1.1"
CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
OPEN_SUFFIX = ".open"
_HTTP_RECORD_TYPES = ("response", "request", "revisit")
IDENTICAL_PAYLOAD_DIGEST = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
REVISIT_PROFILES = (IDENTICAL_PAYLOAD_DIGEST, SERVER_NOT_MODIFIED)
# Why a response record holds less than the whole body (WARC 1.1 WARC-Truncated); Heritrix writes
# "length" when a size cap stopped the download.
TRUNCATION_REASONS = ("length", "time", "disconnect", "unspecified")


@dataclass(frozen=True)
class RecordLocation:
    """Where a record's gzip member sits: enough for a CDX line or a random-access read."""

    filename: str  # basename of the final file name (never the ".open" name)
    offset: int  # byte offset of the record's gzip member in the file
    length: int  # compressed length of that member
    record_id: str  # "<urn:uuid:...>"
    captured_at: datetime | None = None  # the record's WARC-Date
    payload_digest: str | None = None  # its WARC-Payload-Digest ("sha1:BASE32")


@dataclass(frozen=True)
class HttpExchange:
    url: str  # full URL incl. query string
    method: str  # "GET", "POST"
    request_headers: list[tuple[str, str]]  # every value, repeated headers kept, order kept
    request_body: bytes  # b"" for GET
    protocol: str  # "HTTP/1.1"
    status: int
    reason: str | None  # None -> http.HTTPStatus(status).phrase ("" if unknown code)
    response_headers: list[tuple[str, str]]  # every value, repeated headers kept, order kept
    body: bytes  # body bytes as received (still compressed if Content-Encoding says so)
    ip_address: str | None
    date: datetime  # capture time, tz-aware


@dataclass(frozen=True)
class ArchivedRecord:
    record_id: str
    record_type: str
    target_uri: str | None
    date: str  # WARC-Date as written
    warc_headers: list[tuple[str, str]]
    http_status: int | None  # response/revisit records only
    http_headers: list[tuple[str, str]]  # latin-1 view of the header bytes
    payload: bytes  # entity body as stored (not decompressed)
    http_line: str | None = None  # status line or request line as written, e.g. "HTTP/1.1 200 OK"


# --- formatting ---------------------------------------------------------------------------


def finished_warcs(directory: Path | str) -> list[Path]:
    """The finished WARC files of a folder (`*.warc.gz`), by name."""
    return sorted(Path(directory).glob("*.warc.gz"))


def open_warcs(directory: Path | str) -> list[Path]:
    """The WARC files of a folder still being written, or left by a crash (`*.warc.gz.open`)."""
    return sorted(Path(directory).glob("*.warc.gz" + OPEN_SUFFIX))


def warc_date(moment: datetime) -> str:
    """WARC 1.1 date, always with six fractional digits.

    warcio's own formatter drops the fraction when microsecond == 0 and breaks on aware datetimes.
    """
    return _as_utc(moment).strftime(WARC_DATE_FORMAT)


def warc_filename(prefix: str, created: datetime, serial: int, hostname: str) -> str:
    """IIPC-style name: PREFIX-YYYYMMDDHHMMSSfff-SERIAL-HOST.warc.gz (UTC, milliseconds)."""
    created = _as_utc(created)
    stamp = created.strftime("%Y%m%d%H%M%S") + f"{created.microsecond // 1000:03d}"
    return f"{prefix}-{stamp}-{serial:05d}-{hostname}.warc.gz"


def payload_digest(body: bytes) -> str:
    """WARC-Payload-Digest of a body, as warcio writes it: SHA-1 in base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def reason_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def request_target(url: str) -> str:
    """Path and query as sent in the request line ("/" for an empty path)."""
    parts = urlsplit(url)
    target = parts.path or "/"
    return f"{target}?{parts.query}" if parts.query else target


def host_of(url: str) -> str:
    """Host header value for a URL: the authority without user info, port kept as written."""
    return urlsplit(url).netloc.rpartition("@")[2]


def software() -> str:
    return f"bulletin-archiver/{_dist_version('bulletin-archiver')} warcio/{_dist_version('warcio')}"


def _dist_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: give a timezone-aware (UTC) time")
    return moment.astimezone(UTC)


def _line_bytes(line: str) -> bytes:
    """One header line as bytes; CR/LF inside it would forge headers, so they are refused."""
    if "\r" in line or "\n" in line:
        raise ValueError(f"line break inside a header line: {line!r}")
    try:
        return line.encode("latin-1")
    except UnicodeEncodeError:
        return line.encode("utf-8")


def _header_block(first_line: str | None, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [] if first_line is None else [first_line]
    lines += [f"{name}: {value}" for name, value in headers]
    return b"".join(_line_bytes(line) + b"\r\n" for line in lines)


def response_head(exchange: HttpExchange) -> bytes:
    """Status line and headers exactly as given, then the blank line."""
    reason = reason_phrase(exchange.status) if exchange.reason is None else exchange.reason
    status_line = f"{exchange.protocol} {exchange.status} {reason}"
    return _header_block(status_line, exchange.response_headers) + b"\r\n"


def request_head(exchange: HttpExchange) -> bytes:
    """Request line with the query string, Host first if the given headers lack it.

    The request line says HTTP/1.1 whatever the server answered: that is what Twisted sends.
    """
    request_line = f"{exchange.method} {request_target(exchange.url)} HTTP/1.1"
    headers = list(exchange.request_headers)
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", host_of(exchange.url)))
    return _header_block(request_line, headers) + b"\r\n"


# Each record's gzip member: zlib's default level. warcio's own (9) took twice the CPU time on the
# real board pages the tests read (11 pages, 1.9 MB: 64 ms against 30) for members 1.5 % smaller.
# A payload compressed already (a Content-Encoding, or a compressed format) goes into a stored
# member (level 0): deflate does not shrink it, and on the crawl benchmark's 611 attachments took
# 0.20 s against 0.03 stored. Every gzip reader reads a stored member.
GZIP_LEVEL = 6
STORED_TYPES = frozenset(
    """
    application/gzip application/x-gzip application/zip application/x-zip-compressed application/x-7z-compressed
    application/vnd.rar application/x-rar-compressed application/x-bzip2 application/zstd
    application/x-hwp application/haansofthwp application/vnd.hancom.hwp application/vnd.hancom.hwpx application/hwp+zip
    image/jpeg image/png image/gif image/webp image/avif audio/mpeg audio/mp4 video/mp4 video/mpeg video/webm
    """.split()
)
STORED_PREFIXES = ("application/vnd.openxmlformats-officedocument.",)  # .docx, .xlsx, .pptx: zip files


def gzip_level(headers: Iterable[tuple[str, str]]) -> int:
    """The gzip level of a response record with these HTTP headers: 0 (stored) when its payload is
    compressed already (GZIP_LEVEL's note), else GZIP_LEVEL."""
    for name, value in headers:
        name = name.lower()
        if name == "content-encoding" and any(c.strip().lower() not in ("", "identity") for c in value.split(",")):
            return 0
        if name == "content-type":
            kind = value.split(";", 1)[0].strip().lower()
            if kind in STORED_TYPES or kind.startswith(STORED_PREFIXES):
                return 0
    return GZIP_LEVEL


class _GzipMember:
    """warcio's GzippingWrapper at a level of our choosing: one gzip member per record."""

    def __init__(self, out: BinaryIO, level: int):
        self.compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.out = out

    def write(self, data: bytes) -> None:
        self.out.write(self.compressor.compress(data))

    def flush(self) -> None:
        self.out.write(self.compressor.flush())
        self.out.flush()


class _MemberWriter(WARCWriter):
    """warcio's writer (made with gzip=False), each record in a gzip member of its own at its
    `gzip_level` attribute, else GZIP_LEVEL. It overrides a method of warcio's own: should a
    warcio release rename it, this module refuses to load rather than write records uncompressed."""

    def _write_warc_record(self, out, record):
        return super()._write_warc_record(_GzipMember(out, getattr(record, "gzip_level", GZIP_LEVEL)), record)


if not callable(getattr(WARCWriter, "_write_warc_record", None)):  # _MemberWriter's docstring
    raise ImportError(
        "this warcio's WARCWriter has no _write_warc_record: storage.webarchive.warc cannot set gzip levels"
    )


class _VerbatimHttpHeaders(StatusAndHeaders):
    """An HTTP header block that warcio writes byte for byte.

    warcio re-serialises http_headers on every write (compute_headers_buffer) and then
    percent-encodes any non-ASCII value; keeping our own buffer avoids both.
    """

    def __init__(self, block: bytes):
        first, _, _ = block.partition(b"\r\n")
        protocol, _, statusline = first.decode("latin-1").partition(" ")
        super().__init__(statusline, [], protocol=protocol)
        self.headers_buff = block

    def compute_headers_buffer(self, header_filter=None) -> None:
        pass


# --- writing ------------------------------------------------------------------------------


def _new_record_id() -> str:
    return f"<urn:uuid:{uuid4()}>"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def fsync_directory(directory: Path) -> None:
    """Make a rename durable: the directory entry, not just the file, must reach the disk."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class WarcWriter:
    """Rotating WARC 1.1 writer: one gzip member per record, warcinfo first in every file.

    A file is opened at the first write as NAME.warc.gz.open and renamed to NAME.warc.gz by
    close() or by rotation (once its size reaches max_size). Writing after close() opens the
    next serial. With `index` (storage.webarchive.cdxj.LiveIndex), each response and revisit
    record written is indexed there too, once the file holds it.
    """

    def __init__(
        self,
        directory: Path | str,
        *,
        prefix: str = "BULLETINS",
        max_size: int = 1_000_000_000,
        warcinfo: dict[str, str] | None = None,
        hostname: str | None = None,
        clock: Callable[[], datetime] | None = None,
        id_factory: Callable[[], str] | None = None,
        index: LiveIndex | None = None,
    ):
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_size = max_size
        self.warcinfo = dict(warcinfo or {})
        self.hostname = hostname or socket.gethostname()
        self._clock = clock or _utc_now
        self._new_id = id_factory or _new_record_id
        self.finished: list[Path] = []
        self.current_path: Path | None = None
        self._final_path: Path | None = None
        self._file: BinaryIO | None = None
        self._warc: WARCWriter | None = None
        self._stage = BytesIO()
        self._serial = 0
        self.index = index
        self._warcinfo_fields()  # refuse bad fields now, not at the first write

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def write_exchange(self, exchange: HttpExchange, *, truncated: str | None = None) -> RecordLocation:
        """Write a response record then its request record; return the response's location.

        `truncated` (one of TRUNCATION_REASONS) says the body is cut short, e.g. "length" when a
        size limit stopped the download: the response record carries `WARC-Truncated`, so readers
        and replay know the payload is not the whole answer.
        """
        if truncated is not None and truncated not in TRUNCATION_REASONS:
            raise ValueError(f"unknown WARC-Truncated reason {truncated!r}")
        date = warc_date(exchange.date)
        response_block = response_head(exchange)
        request_block = request_head(exchange)  # everything validated before the file is touched
        warc = self._ensure_open()
        assert self._file is not None and self._final_path is not None  # opened with warc
        response_id = self._new_id()
        common = [("WARC-Date", date), ("WARC-Target-URI", exchange.url)]
        response = self._http_record(
            warc,
            "response",
            exchange.url,
            response_block,
            exchange.body,
            [("WARC-Type", "response"), ("WARC-Record-ID", response_id), *common]
            + ([("WARC-IP-Address", exchange.ip_address)] if exchange.ip_address else [])
            + ([("WARC-Truncated", truncated)] if truncated else []),
        )
        response.gzip_level = gzip_level(exchange.response_headers)
        request = self._http_record(
            warc,
            "request",
            exchange.url,
            request_block,
            exchange.request_body,
            [
                ("WARC-Type", "request"),
                ("WARC-Record-ID", self._new_id()),
                *common,
                ("WARC-Concurrent-To", response_id),
            ],
        )
        with self._whole_or_nothing() as offset:
            warc.write_record(response)
            length = self._stage.tell()
            warc.write_record(request)
        if self.index is not None:
            self.index.add(
                self._final_path.name,
                response,
                offset,
                length,
                response_block,
                (request, request_block, exchange.request_body),
            )
        location = RecordLocation(
            self._final_path.name,
            offset,
            length,
            response_id,
            _as_utc(exchange.date),
            response.rec_headers.get_header("WARC-Payload-Digest"),
        )
        if self._file.tell() >= self.max_size:
            self.close()
        return location

    def write_revisit(
        self,
        exchange: HttpExchange,
        *,
        profile: str,
        refers_to_uri: str,
        refers_to_date: datetime | str,
        refers_to_id: str | None,
        payload_digest: str,
    ) -> RecordLocation:
        """Write a revisit record, its request record (and for a 304 the 304 as received in a
        metadata record); return the revisit's location.

        identical-payload-digest: the block is the response's status line and headers, without
        the payload (exchange.body is not written). server-not-modified: the block is empty and
        the 304 as received follows in a metadata record. pywb 2.10 replays a revisit whose block
        holds a 3xx status as that status with no body ("if redirect, don't load payload
        record"); with an empty block it serves the status, headers and payload of the record
        referred to, found through WARC-Refers-To-Target-URI, -Date and the payload digest.
        """
        if profile not in REVISIT_PROFILES:
            raise ValueError(f"unknown revisit profile {profile!r}")
        date = warc_date(exchange.date)
        if isinstance(refers_to_date, datetime):
            refers_to_date = warc_date(refers_to_date)
        head = response_head(exchange)
        request_block = request_head(exchange)
        revisit_id = self._new_id()
        common = [("WARC-Date", date), ("WARC-Target-URI", exchange.url)]
        warc_headers = [
            ("WARC-Type", "revisit"),
            ("WARC-Record-ID", revisit_id),
            *common,
            *([("WARC-IP-Address", exchange.ip_address)] if exchange.ip_address else []),
            ("WARC-Profile", profile),
            *([("WARC-Refers-To", refers_to_id)] if refers_to_id else []),
            ("WARC-Refers-To-Target-URI", refers_to_uri),
            ("WARC-Refers-To-Date", refers_to_date),
            ("WARC-Payload-Digest", payload_digest),
        ]
        _header_block(None, warc_headers)  # no line break may forge a WARC header
        not_modified = profile == SERVER_NOT_MODIFIED
        warc = self._ensure_open()
        assert self._file is not None and self._final_path is not None  # opened with warc
        revisit = warc.create_warc_record(
            exchange.url,
            "revisit",
            payload=BytesIO(b""),
            length=0,
            warc_headers=StatusAndHeaders("", warc_headers, protocol=WARC_VERSION),
            http_headers=None if not_modified else _VerbatimHttpHeaders(head),
        )
        if not_modified:
            revisit.content_type = None  # an empty block has no type
        request = self._http_record(
            warc,
            "request",
            exchange.url,
            request_block,
            exchange.request_body,
            [("WARC-Type", "request"), ("WARC-Record-ID", self._new_id()), *common, ("WARC-Concurrent-To", revisit_id)],
        )
        with self._whole_or_nothing() as offset:
            warc.write_record(revisit)
            length = self._stage.tell()
            warc.write_record(request)
            if not_modified:
                warc.write_record(self._not_modified_record(warc, exchange, head, revisit_id, common))
        if self.index is not None:
            self.index.add(self._final_path.name, revisit, offset, length, None if not_modified else head)
        location = RecordLocation(
            self._final_path.name, offset, length, revisit_id, _as_utc(exchange.date), payload_digest
        )
        if self._file.tell() >= self.max_size:
            self.close()
        return location

    @contextmanager
    def _whole_or_nothing(self):
        """The records of one exchange go in whole or not at all. They are made in memory (the
        `warc` writer writes to self._stage), then appended to the file in one write; one that
        fails (a full disk) cuts the file back to where it was, so every record before stays
        readable and the next write, or the close, starts on a record boundary. Yields the
        offset the records will have in the file."""
        offset = self._file.tell()
        self._stage.seek(0)
        self._stage.truncate()
        yield offset
        data = self._stage.getbuffer()
        try:
            written = 0
            while written < len(data):
                written += self._file.write(data[written:])
        except BaseException:
            os.ftruncate(self._file.fileno(), offset)
            self._file.seek(offset)
            raise
        finally:
            data.release()

    def close(self) -> None:
        """Flush, fsync and rename the open file to its final name; does nothing if none is open."""
        if self._file is None:
            return
        file, open_path, final_path = self._file, self.current_path, self._final_path
        self._file = self._warc = self.current_path = self._final_path = None
        assert open_path is not None and final_path is not None  # set with the file
        try:  # renamed while still locked, so a repair never takes it for a crash's leftover
            file.flush()
            os.fsync(file.fileno())
            open_path.rename(final_path)
            fsync_directory(final_path.parent)
        finally:
            file.close()
        self.finished.append(final_path)

    def _ensure_open(self) -> WARCWriter:
        if self._warc is not None:
            return self._warc
        self.directory.mkdir(parents=True, exist_ok=True)
        created = self._clock()
        name = warc_filename(self.prefix, created, self._serial, self.hostname)
        final_path = self.directory / name
        if final_path.exists():
            raise FileExistsError(f"refusing to overwrite {final_path}")
        open_path = final_path.with_name(name + OPEN_SUFFIX)
        file = open(open_path, "xb", buffering=0)  # written a whole exchange at a time (_whole_or_nothing)
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)  # held until close(): storage.webarchive.repair skips it
        if os.fstat(file.fileno()).st_nlink == 0:  # a repair removed it as an empty leftover
            file.close()
            raise FileExistsError(f"{open_path} was removed before it could be locked")
        self._file = file
        self._serial += 1
        self.current_path, self._final_path = open_path, final_path
        self._stage = BytesIO()
        self._warc = _MemberWriter(self._stage, gzip=False, warc_version="1.1")
        try:
            with self._whole_or_nothing():
                self._warc.write_record(self._warcinfo_record(self._warc, name, created))
        except BaseException:
            self._abandon()
            raise
        return self._warc

    def _abandon(self) -> None:
        """Give up a file whose warcinfo record could not be written: it holds nothing."""
        file, path = self._file, self.current_path
        self._file = self._warc = self.current_path = self._final_path = None
        assert file is not None and path is not None  # _ensure_open set them before writing
        try:
            path.unlink(missing_ok=True)
        finally:
            file.close()

    def _warcinfo_fields(self) -> bytes:
        fields = [("software", software()), ("format", "WARC File Format 1.1"), ("conformsTo", CONFORMS_TO)]
        return _header_block(None, [*fields, *self.warcinfo.items()])

    def _warcinfo_record(self, warc: WARCWriter, filename: str, created: datetime) -> ArcWarcRecord:
        body = self._warcinfo_fields()
        warc_headers = StatusAndHeaders(
            "",
            [
                ("WARC-Type", "warcinfo"),
                ("WARC-Record-ID", self._new_id()),
                ("WARC-Filename", filename),
                ("WARC-Date", warc_date(created)),
            ],
            protocol=WARC_VERSION,
        )
        return warc.create_warc_record(
            "", "warcinfo", payload=BytesIO(body), length=len(body), warc_headers=warc_headers
        )

    def _not_modified_record(
        self, warc: WARCWriter, exchange: HttpExchange, head: bytes, revisit_id: str, common: list[tuple[str, str]]
    ) -> ArcWarcRecord:
        """The 304 exactly as received, as warc-fields: CDX indexers (pywb's, cdxj-indexer) skip
        those, so replay never serves it in place of the payload."""
        lines = head.decode("latin-1").split("\r\n")
        fields = [("http-status-line", lines[0])]
        fields += [("http-header", line) for line in lines[1:] if line]
        body = b"".join(field.encode("latin-1") + b": " + line.encode("latin-1") + b"\r\n" for field, line in fields)
        return warc.create_warc_record(
            exchange.url,
            "metadata",
            payload=BytesIO(body),
            length=len(body),
            warc_content_type="application/warc-fields",
            warc_headers=StatusAndHeaders(
                "",
                [
                    ("WARC-Type", "metadata"),
                    ("WARC-Record-ID", self._new_id()),
                    *common,
                    ("WARC-Concurrent-To", revisit_id),
                ],
                protocol=WARC_VERSION,
            ),
        )

    @staticmethod
    def _http_record(
        warc: WARCWriter, record_type: str, url: str, head: bytes, body: bytes, warc_headers: list[tuple[str, str]]
    ) -> ArcWarcRecord:
        """warcio adds the digests, Content-Type and Content-Length to these WARC headers."""
        return warc.create_warc_record(
            url,
            record_type,
            payload=BytesIO(body),
            length=len(body),
            warc_headers=StatusAndHeaders("", warc_headers, protocol=WARC_VERSION),
            http_headers=_VerbatimHttpHeaders(head),
        )


# --- reading ------------------------------------------------------------------------------


def read_record(
    directory: Path | str, location_or_filename: RecordLocation | str, offset: int | None = None
) -> ArchivedRecord:
    """The record at a RecordLocation, or at (filename, offset); FILE or FILE.open is found.

    With a RecordLocation only its own gzip member is read, and its record id must match. The
    member must inflate whole and hold one complete record (storage.webarchive.members), else
    DamagedWarc: a damaged member never reads as a record cut short.
    """
    directory = Path(directory)
    if isinstance(location_or_filename, RecordLocation):
        if offset is not None:
            raise TypeError("give either a RecordLocation or a filename and an offset")
        location = location_or_filename
        with _open_archive(directory, location.filename) as fh:
            fh.seek(location.offset)
            member = fh.read(location.length)
        if len(member) != location.length:
            raise ValueError(f"{location.filename} ends before {location.offset}+{location.length}")
        record = _member_record(BytesIO(member), 0, location.filename, location.offset, location.length)
        if record.record_id != location.record_id:
            raise ValueError(
                f"{location.filename}@{location.offset} holds {record.record_id}, not {location.record_id}"
            )
        return record
    if offset is None:
        raise TypeError("an offset is needed with a filename")
    with _open_archive(directory, location_or_filename) as fh:
        return _member_record(fh, offset, location_or_filename, offset)


def iter_records(path: Path | str) -> Iterator[tuple[int, ArchivedRecord]]:
    """Every record of a finished WARC file with the offset of its gzip member.

    The file must be whole (storage.webarchive.members.whole_records): after the records before
    a member that is cut short, fails to inflate (its CRC) or does not hold one complete record
    (its Content-Length), or when bytes follow the last member, DamagedWarc names the byte where
    the whole records end.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        for offset, data, _ in whole_records(fh, path.name):
            yield offset, _whole_record(data, path.name, offset)


def content_codings(record: ArchivedRecord) -> list[str]:
    """The record's Content-Encoding codings, in the order applied, lower-cased (identity kept)."""
    return [
        coding.strip().lower()
        for name, value in record.http_headers
        if name.lower() == "content-encoding"
        for coding in value.split(",")
        if coding.strip()
    ]


def decoded_payload(record: ArchivedRecord) -> bytes:
    """The payload with its Content-Encoding (gzip, deflate, identity) undone, for parsing."""
    data = record.payload
    for coding in reversed(content_codings(record)):
        try:
            if coding in ("gzip", "x-gzip"):
                data = gzip.decompress(data)
            elif coding == "deflate":
                data = _inflate(data)
            elif coding != "identity":
                raise ValueError(f"unsupported Content-Encoding {coding!r}")
        except (OSError, EOFError, zlib.error) as error:
            raise ValueError(f"payload is not valid {coding}: {error}") from error
    return data


def _inflate(data: bytes) -> bytes:
    """HTTP deflate is meant to be zlib-wrapped; some servers send raw deflate instead."""
    try:
        return zlib.decompress(data)
    except zlib.error:
        return zlib.decompress(data, -zlib.MAX_WBITS)


def _open_archive(directory: Path, filename: str) -> BinaryIO:
    """Open FILE or FILE.open; tried again after a miss, as close() may rename in between."""
    final = directory / filename.removesuffix(OPEN_SUFFIX)
    for path in (final, final.with_name(final.name + OPEN_SUFFIX), final):
        try:
            return open(path, "rb")
        except FileNotFoundError:
            continue
    raise FileNotFoundError(f"neither {final} nor {final.name}{OPEN_SUFFIX} in {directory}")


def _member_record(fh: BinaryIO, start: int, filename: str, offset: int, length: int | None = None) -> ArchivedRecord:
    """The record of the gzip member at byte `start` of fh (and `length` bytes long, when given),
    which `offset` of `filename` names in errors."""
    for _, size, data in members(fh, start):
        if (length is None or size == length) and record_id(data) is not None:
            return _whole_record(data, filename, offset)
        break
    raise DamagedWarc(
        f"{filename}@{offset}: no whole record there (a gzip member that inflates, holding one complete record)",
        at=offset,
    )


def _first_record(stream: BinaryIO, filename: str, offset: int) -> ArchivedRecord:
    for raw in ArchiveIterator(stream, no_record_parse=True):
        return _archived(raw)
    raise ValueError(f"no WARC record at {filename}@{offset}")


def _whole_record(data: bytes, filename: str, offset: int) -> ArchivedRecord:
    """The record that fills `data`, a gzip member's bytes holding one complete record (members).

    Plain WARC headers (ASCII, none folded over lines, a version warcio knows, a Target-URI it
    would leave as it is) are split here as warcio splits them, in a third of its time (the
    benchmark crawl's 5,255 records: 0.07-0.12 s against 0.23-0.28, two thirds of a reparse's
    reading); any other record is read by warcio."""
    end = data.find(b"\r\n\r\n")
    head = data[:end]
    if end > 0 and head.isascii() and head.count(b"\n") == head.count(b"\r") == head.count(b"\r\n"):
        lines = head.decode("ascii").split("\r\n")
        headers = [line.partition(":") for line in lines[1:]]
        if lines[0] in ("WARC/1.0", "WARC/1.1") and all(
            colon and name.strip() and name.rstrip(" \t") == name.strip() for name, colon, _ in headers
        ):
            fields = [(name.rstrip(" \t"), value.strip()) for name, _, value in headers]
            named = {name.lower(): value for name, value in reversed(fields)}  # the first of a name, as warcio
            uri, length = named.get("warc-target-uri"), named.get("content-length", "")
            if (
                length.isdigit()
                and len(data) == end + 4 + int(length) + 4
                and not (uri and (" " in uri or uri.startswith("<") and uri.endswith(">")))
            ):
                return _archived_parts(named.get("warc-type"), fields, named, data[end + 4 : end + 4 + int(length)])
    return _first_record(BytesIO(data), filename, offset)


def _archived(raw: ArcWarcRecord) -> ArchivedRecord:
    headers = list(raw.rec_headers.headers)
    named = {name.lower(): value for name, value in reversed(headers)}
    return _archived_parts(raw.rec_type, headers, named, raw.raw_stream.read())


def _archived_parts(
    record_type: str | None, warc_headers: list[tuple[str, str]], named: Mapping[str, Any], block: bytes
) -> ArchivedRecord:
    """Split the record block ourselves: warcio's parser decodes headers as UTF-8 when it can.
    `named`: the first value of each header name, lower-cased (None where absent, as warcio's
    get_header)."""
    target_uri = named.get("warc-target-uri")
    http_line: str | None = None
    http_headers: list[tuple[str, str]] = []
    payload = block
    if record_type in _HTTP_RECORD_TYPES and (target_uri or "").startswith(("http:", "https:")):
        http_line, http_headers, payload = _split_http(block)
    status = None
    if http_line is not None and record_type != "request":
        code = http_line.split(" ", 2)[1:2]
        status = int(code[0]) if code and code[0].isdigit() else None
    return ArchivedRecord(
        record_id=cast(str, named.get("warc-record-id")),  # None only in a record missing it
        record_type=cast(str, record_type),  # None only in a record missing it
        target_uri=target_uri,
        date=cast(str, named.get("warc-date")),
        warc_headers=warc_headers,
        http_status=status,
        http_headers=http_headers,
        payload=payload,
        http_line=http_line,
    )


def _split_http(block: bytes) -> tuple[str | None, list[tuple[str, str]], bytes]:
    if not block:  # a revisit without HTTP headers (server-not-modified)
        return None, [], b""
    head, separator, payload = block.partition(b"\r\n\r\n")
    if not separator:  # headers only (e.g. a revisit), possibly without the blank line
        head, payload = block.removesuffix(b"\r\n"), b""
    lines = head.decode("latin-1").split("\r\n")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers.append((name.strip(), value.strip(" \t")))
    return lines[0], headers, payload
