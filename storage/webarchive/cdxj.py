"""Sorted CDXJ indexes of WARC files, and a one-pass summary of a WARC file's records.

Index lines are made by cdxj-indexer, the indexer behind py-wacz and `cdxj-indexer -s`:
``SURT-KEY 14-DIGIT-TIMESTAMP {"url", "mime", "status", "digest", "length", "offset",
"filename"}``. Response, revisit, resource and metadata records get a line (revisits with mime
``warc/revisit``); warcinfo records get none. A request record gets no line of its own either, but
is read to key the response of a POST or PUT as pywb looks it up: ``...?__wb_method=post&<body>``,
with ``method`` and ``requestBody`` in the JSON (our writer puts each request right after its
response, with ``WARC-Concurrent-To``, which is what that pairing needs). ``filename`` is the WARC
file's base name, so an index resolves against the folder of the WARC files or a WACZ's archive/.

Lines are sorted in LC_ALL=C byte order (UTF-8 code point order is the same): pywb and
ReplayWeb.page binary-search the index and find nothing in a crawl-order one. The sort is external:
sorted runs of at most ``buffer_bytes`` are spilled to temporary files and merged, so memory stays
flat however large the run. The temporary files have no name on disk (unlinked when made), so a
process killed meanwhile leaves none behind.

Two ways to the same lines: `write_cdxj` reads the WARC files (any files: a killed run's, a
repaired one); `LiveIndex` is told each record as the writer writes it (storage.webarchive.warc) and
makes its line from the headers in memory, with cdxj-indexer's own parser, fields and POST keys,
so a crawl's index needs no second read of its WARC files (which cost a 1,830-article crawl 0.5 s
at its close: every payload decompressed and copied again).
"""

from __future__ import annotations

import fcntl
import heapq
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from cdxj_indexer.bufferiter import join_req_resp
from cdxj_indexer.main import CDXJIndexer
from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

from .members import DamagedWarc, whole_records
from .warc import OPEN_SUFFIX

SORT_BUFFER_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class CdxjLine:
    urlkey: str  # SURT form of the URL (plus __wb_method=... for POST/PUT)
    timestamp: str  # 14 digits, UTC
    fields: dict  # url, mime, status, digest, length, offset, filename, ...

    @classmethod
    def parse(cls, line: str) -> CdxjLine:
        urlkey, timestamp, rest = line.rstrip("\n").split(" ", 2)
        return cls(urlkey, timestamp, json.loads(rest))


class _ExternalSort:
    """A text sink that sorts its lines with bounded memory (sorted runs merged at the end)."""

    def __init__(self, workdir: Path, buffer_bytes: int):
        self.workdir = workdir
        self.buffer_bytes = buffer_bytes
        self.lines: list[str] = []
        self.size = 0
        self.runs: list = []  # nameless temporary files, each a sorted run

    def write(self, line: str) -> None:  # cdxj-indexer writes exactly one line per call
        self.lines.append(line)
        self.size += len(line)
        if self.size >= self.buffer_bytes:
            self._spill()

    def flush(self) -> None:
        pass

    def _spill(self) -> None:
        self.lines.sort()
        run = tempfile.TemporaryFile("w+", encoding="utf-8", newline="", dir=self.workdir, prefix=".cdxj-run-")
        run.writelines(self.lines)
        self.runs.append(run)
        self.lines, self.size = [], 0

    def merged(self) -> Iterator[str]:
        """Every line once, in order; the temporary runs are closed (and so gone) when it ends."""
        with ExitStack() as stack:
            for run in self.runs:
                stack.enter_context(run)
                run.seek(0)
            self.lines.sort()
            previous = None
            for line in heapq.merge(self.lines, *self.runs):
                if line != previous:  # the same record indexed twice (a file given twice)
                    yield line
                previous = line
        self.runs = []

    def close(self) -> None:
        for run in self.runs:
            run.close()
        self.runs, self.lines = [], []


def write_cdxj(warc_paths: Iterable[Path | str], out_path: Path | str, *, buffer_bytes: int = SORT_BUFFER_BYTES) -> int:
    """Index the WARC files into a sorted CDXJ file (written whole or not at all); returns its lines.

    A .warc.gz file must be whole first (storage.webarchive.members), else DamagedWarc names it and
    the byte where its whole records end, and no index is written: cdxj-indexer reads through
    warcio, which ends a file early without a word at a member that does not inflate."""
    paths = [Path(p) for p in warc_paths]
    for path in paths:
        if path.name.endswith(".gz"):
            with open(path, "rb") as fh:
                for _ in whole_records(fh, path.name):
                    pass
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    sink = _ExternalSort(out_path.parent, buffer_bytes)
    try:
        CDXJIndexer(sink, [str(p) for p in paths], post_append=True).process_all()
        return _write_sorted(sink, out_path)
    finally:
        sink.close()


class LiveIndex:
    """The CDXJ lines of the response and revisit records a WarcWriter writes, made as each is
    written (`add`), then sorted into an index file (`write`).

    Each line is cdxj-indexer's: its record is built from the headers in memory by warcio's own
    record loader (as a read of the file would parse them), and indexed by CDXJIndexer's own
    fields, with a POST or PUT keyed by cdxj-indexer's own pairing of a response and the request
    record after it (from the request body as sent; a read decodes a chunked or compressed one,
    which Scrapy's form requests never are). Only the payload is not read again: the index needs
    its digest alone, which the WARC headers hold. `broken` names why the lines are not the whole of what was written
    (a record that could not be indexed); the caller then reads the files instead (write_cdxj).
    """

    def __init__(self, workdir: Path | str, *, buffer_bytes: int = SORT_BUFFER_BYTES):
        self._indexer = CDXJIndexer(None, [], post_append=True)
        self._loader = ArcWarcRecordLoader(verify_http=False)  # as cdxj-indexer's ArchiveIterator
        self._lines = _ExternalSort(Path(workdir), buffer_bytes)
        self.files: set[str] = set()
        self.count = 0
        self.broken: str | None = None

    def add(
        self,
        filename: str,
        record: ArcWarcRecord,
        offset: int,
        length: int,
        head: bytes | None,
        request: tuple[ArcWarcRecord, bytes, bytes] | None = None,
    ) -> None:
        """A record written at `offset` (`length` bytes, its gzip member) of `filename`: `head` is
        its HTTP status line and headers as written (None: an empty block); `request` the
        request record written after it, with its head and body (a POST's key needs them)."""
        self.files.add(filename)
        if self.broken:
            return
        try:
            indexed = self._parsed(record, head)
            indexed.file_offset, indexed.file_length = offset, length
            if request is not None and record.rec_type == "response":
                asked = self._parsed(*request[:2])
                asked.buffered_stream = BytesIO(request[2])
                join_req_resp(asked, indexed, True, self._indexer.get_url_key)
            if self._indexer.filter_record(indexed):
                self._indexer.curr_filename = filename
                self._indexer.process_index_entry(None, indexed, filename, self._lines)
                self.count += 1
        except Exception as error:  # whatever a record holds, the crawl goes on; the files are read at the end
            self.broken = f"{filename}@{offset}: {type(error).__name__}: {error}"

    def write(self, out_path: Path | str) -> int:
        """The sorted index file of every line so far (written whole or not at all); its lines."""
        if self.broken:
            raise RuntimeError(f"the live index misses a record ({self.broken})")
        out_path = Path(out_path)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        return _write_sorted(self._lines, out_path)

    def close(self) -> None:
        self._lines.close()

    def _parsed(self, record: ArcWarcRecord, head: bytes | None) -> ArcWarcRecord:
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        http_headers = None
        if head:
            http_headers = self._loader.load_http_headers(record.rec_type, uri, BytesIO(head), len(head))
        return ArcWarcRecord(
            "warc",
            record.rec_type,
            record.rec_headers,
            None,
            http_headers,
            record.rec_headers.get_header("Content-Type"),
            int(record.rec_headers.get_header("Content-Length") or 0),
        )


def _write_sorted(sink: _ExternalSort, out_path: Path) -> int:
    part = out_path.with_name(out_path.name + ".part")
    count = 0
    try:
        with open(part, "w", encoding="utf-8", newline="") as out:
            fcntl.flock(out.fileno(), fcntl.LOCK_EX)  # held while written (storage.webarchive.wacz.remove_stale_parts)
            for line in sink.merged():
                out.write(line)
                count += 1
            out.flush()
            os.fsync(out.fileno())
        part.replace(out_path)
    finally:
        part.unlink(missing_ok=True)
    return count


def _types_and_dates(path: Path) -> Iterator[tuple[str, str | None]]:
    """(WARC-Type, WARC-Date) of each record: strictly for gzip files (whole_records), by warcio
    for an uncompressed one."""
    if path.name.removesuffix(OPEN_SUFFIX).endswith(".gz"):
        with open(path, "rb") as fh:
            for _, _, headers in whole_records(fh, path.name):
                date = headers.get(b"warc-date")
                yield headers[b"warc-type"].decode("latin-1"), date.decode("latin-1") if date else None
        return
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh, no_record_parse=True):
            yield record.rec_type, record.rec_headers.get_header("WARC-Date")


def iter_cdxj(path: Path | str) -> Iterator[CdxjLine]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield CdxjLine.parse(line)


# --- what a WARC file holds ----------------------------------------------------------------


@dataclass
class WarcFileSummary:
    name: str
    size: int  # bytes on disk
    records: Counter = field(default_factory=Counter)  # WARC-Type -> count
    first_capture: str | None = None  # earliest WARC-Date of a response/revisit/request record
    last_capture: str | None = None
    complete: bool = True  # False: still being written (".open"), or unreadable past some record
    error: str | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "size": self.size,
            "records": dict(sorted(self.records.items())),
            "first_capture": self.first_capture,
            "last_capture": self.last_capture,
            "complete": self.complete,
            "error": self.error,
        }


_CAPTURE_TYPES = ("response", "revisit", "request", "resource")


def summarize_warc(path: Path | str) -> WarcFileSummary:
    """Count the records of a WARC file by type and find its capture dates (one streaming pass).

    A torn or unreadable tail is reported in `error`, with what came before it: a `.warc.gz` is
    read as iter_records reads it (every member inflated, every record whole), so a damaged one
    is never listed as complete. An open file that merely ends inside a member (being written, or
    left by a crash for `bulletins archive repair`) is no error; other damage in it is.
    """
    path = Path(path)
    summary = WarcFileSummary(path.name, path.stat().st_size, complete=not path.name.endswith(OPEN_SUFFIX))
    first = last = None
    try:
        for kind, date in _types_and_dates(path):
            summary.records[kind] += 1
            if not date or kind not in _CAPTURE_TYPES:
                continue
            moment = iso_date_to_datetime(date)
            if first is None or moment < first[0]:
                first = (moment, date)
            if last is None or moment > last[0]:
                last = (moment, date)
    except DamagedWarc as error:
        if summary.complete or not error.cut_short:  # an open file's torn tail is no damage
            summary.complete, summary.error = False, str(error)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        summary.complete = False
        summary.error = " ".join(f"{type(error).__name__}: {error}".split())
    summary.first_capture = first[1] if first else None
    summary.last_capture = last[1] if last else None
    return summary
