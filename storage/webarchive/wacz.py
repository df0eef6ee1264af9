"""WACZ 1.1.1 packages: WARC files, their sorted index and a page list, in one ZIP.

Layout, as py-wacz writes it (so ReplayWeb.page, pywb and `wacz validate` all read it):

- ``archive/<name>.warc.gz``: the WARC files, stored (not deflated: they are gzip already, and
  replay reads records at their offsets);
- ``indexes/index.cdx.gz``: the sorted CDXJ lines in gzip members of ``INDEX_BLOCK_LINES`` lines,
  stored; ``indexes/index.idx``: the first key of each member with its offset, length and sha256
  (ReplayWeb.page fetches only the members it needs; pywb's ``wb-manager add --unpack-wacz``
  reads the ``.cdx.gz`` whole);
- ``pages/pages.jsonl``: a header line, then one page per line (``id``, ``url``, ``ts`` = capture
  time, ``title``, ``text``; ``published`` as an ISO date is our own extra property);
- ``datapackage.json``: every file above with its sha256 and size; ``datapackage-digest.json``:
  the sha256 of datapackage.json.

Everything is streamed: files are copied and hashed in blocks, pages come from a file, and the
package is written to ``<name>.part`` and renamed when complete.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, BinaryIO

WACZ_VERSION = "1.1.1"
PAGES_FORMAT = "json-pages-1.0"
INDEX_BLOCK_LINES = 1024  # py-wacz's (and ArchiveWeb.page's) block size
COPY_BLOCK = 1024 * 1024
PACKAGE_KEY = "bulletins"  # our own datapackage.json property: run id, source, counts

ARCHIVE_DIR = "archive/"
INDEX_PATH = "indexes/index.cdx.gz"
IDX_PATH = "indexes/index.idx"
PAGES_PATH = "pages/pages.jsonl"


@dataclass(frozen=True)
class Page:
    url: str
    captured_at: datetime  # the capture's WARC-Date: replay finds the capture by it
    title: str | None = None
    text: str | None = None
    published: date | None = None
    id: str | None = None

    def as_json(self) -> dict:
        entry = {
            "id": self.id or hashlib.sha1(f"{self.url} {self.ts}".encode()).hexdigest()[:20],
            "url": self.url,
            "ts": self.ts,
        }
        if self.title is not None:
            entry["title"] = self.title
        if self.text is not None:
            entry["text"] = self.text
        if self.published is not None:
            entry["published"] = self.published.isoformat()
        return entry

    @property
    def ts(self) -> str:
        """RFC 3339 in UTC, with the microseconds of the WARC-Date."""
        return self.captured_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class PageList:
    """pages.jsonl entries collected in a temporary file (not memory) until the package is built."""

    def __init__(self, directory: Path | str | None = None):
        self._file: BinaryIO = tempfile.TemporaryFile(dir=directory, prefix=".pages-")
        self.count = 0

    def add(self, page: Page) -> None:
        self._file.write(json.dumps(page.as_json(), ensure_ascii=False).encode("utf-8") + b"\n")
        self.count += 1

    @property
    def size(self) -> int:
        self._file.flush()
        return os.fstat(self._file.fileno()).st_size

    def lines(self) -> Iterator[bytes]:
        self._file.flush()
        self._file.seek(0)
        yield from self._file
        self._file.seek(0, os.SEEK_END)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> PageList:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


@dataclass(frozen=True)
class PackageSummary:
    """What `bulletins archive list` shows of a run's package."""

    path: Path
    run_id: str | None
    source: str | None
    created: str | None
    warc_files: int
    pages: int
    size: int  # bytes of the .wacz

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "source": self.source,
            "created": self.created,
            "files": self.warc_files,
            "pages": self.pages,
            "size": self.size,
            "package": self.path.name,
        }


class _HashingWriter:
    """Counts and hashes what goes through it into a ZIP member."""

    def __init__(self, out: IO[bytes]):
        self.out = out
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.sha256.update(data)
        self.size += len(data)

    def resource(self, path: str) -> dict:
        return {
            "name": path.rsplit("/", 1)[-1].lower(),
            "path": path,
            "hash": "sha256:" + self.sha256.hexdigest(),
            "bytes": self.size,
        }


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    return moment.astimezone(UTC).timetuple()[:6]


def _member(
    zf: zipfile.ZipFile, path: str, moment: datetime, *, stored: bool, size: int | None = None
) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(path, _zip_time(moment))
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    if size is not None:
        info.file_size = size  # lets zipfile pick ZIP64 for members over 2 GiB
    return info


def _may_exceed_zip32(size_hint: int) -> bool:
    """Whether a member written from a stream needs ZIP64 headers (zipfile must know up front)."""
    return size_hint > zipfile.ZIP64_LIMIT // 2


def _write_index(
    zf: zipfile.ZipFile, cdxj_lines: Iterable[str], moment: datetime, block_lines: int, size_hint: int
) -> list[dict]:
    """index.cdx.gz as gzip members of `block_lines` lines, and the index.idx pointing into it."""
    idx = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="")
    with idx:
        name = INDEX_PATH.rsplit("/", 1)[-1]
        idx.write("!meta 0 " + json.dumps({"format": "cdxj-gzip-1.0", "filename": name}) + "\n")
        with zf.open(
            _member(zf, INDEX_PATH, moment, stored=True), "w", force_zip64=_may_exceed_zip32(size_hint)
        ) as raw:
            out = _HashingWriter(raw)
            block: list[str] = []

            def flush() -> None:
                member = gzip.compress("".join(block).encode("utf-8"), mtime=0)
                key = block[0].split("{", 1)[0].strip()
                entry = {
                    "offset": out.size,
                    "length": len(member),
                    "digest": "sha256:" + hashlib.sha256(member).hexdigest(),
                }
                idx.write(f"{key} {json.dumps(entry)}\n")
                out.write(member)
                block.clear()

            for line in cdxj_lines:
                block.append(line if line.endswith("\n") else line + "\n")
                if len(block) == block_lines:
                    flush()
            if block:
                flush()
        resources = [out.resource(INDEX_PATH)]
        idx.seek(0)
        with zf.open(_member(zf, IDX_PATH, moment, stored=False), "w") as raw:
            out = _HashingWriter(raw)
            for line in idx:
                out.write(line.encode("utf-8"))
        resources.append(out.resource(IDX_PATH))
    return resources


def _write_pages(zf: zipfile.ZipFile, header: dict, lines: Iterable[bytes], moment: datetime, size_hint: int) -> dict:
    with zf.open(_member(zf, PAGES_PATH, moment, stored=False), "w", force_zip64=_may_exceed_zip32(size_hint)) as raw:
        out = _HashingWriter(raw)
        out.write(json.dumps(header, ensure_ascii=False).encode("utf-8") + b"\n")
        for line in lines:
            out.write(line)
    return out.resource(PAGES_PATH)


def _write_warc(zf: zipfile.ZipFile, path: Path) -> dict:
    arcname = ARCHIVE_DIR + path.name
    info = _member(
        zf, arcname, datetime.fromtimestamp(path.stat().st_mtime, UTC), stored=True, size=path.stat().st_size
    )
    with open(path, "rb") as src, zf.open(info, "w") as raw:
        out = _HashingWriter(raw)
        while chunk := src.read(COPY_BLOCK):
            out.write(chunk)
    return out.resource(arcname)


def build_wacz(
    out_path: Path | str,
    warc_paths: Iterable[Path | str],
    cdxj_path: Path | str,
    pages: PageList | Iterable[bytes],
    *,
    title: str,
    description: str = "",
    software: str = "",
    pages_title: str = "Articles",
    extra: dict | None = None,
    created: datetime | None = None,
    block_lines: int = INDEX_BLOCK_LINES,
) -> Path:
    """Write a WACZ of the WARC files with their sorted CDXJ index and page list.

    `pages` is a PageList or an iterable of pages.jsonl lines (bytes, each ending in a newline,
    no header). `extra` goes into datapackage.json under "bulletins". Refuses to overwrite.
    """
    out_path = Path(out_path)
    if out_path.exists():
        raise FileExistsError(f"refusing to overwrite {out_path}")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    created = (created or datetime.now(UTC)).astimezone(UTC)
    paths = [Path(p) for p in warc_paths]
    if not paths:
        raise ValueError("a WACZ needs at least one WARC file")
    lines: Iterable[bytes]
    if isinstance(pages, PageList):
        lines, pages_size = pages.lines(), pages.size
    else:
        lines, pages_size = pages, zipfile.ZIP64_LIMIT  # unknown: allow for a large one
    part = out_path.with_name(out_path.name + ".part")
    try:
        with open(part, "wb") as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
            fcntl.flock(raw.fileno(), fcntl.LOCK_EX)  # held while written: remove_stale_parts skips it
            resources = [_write_warc(zf, path) for path in paths]
            with open(cdxj_path, encoding="utf-8", newline="") as cdxj:
                resources += _write_index(zf, cdxj, created, block_lines, os.fstat(cdxj.fileno()).st_size)
            header = {"format": PAGES_FORMAT, "id": "pages", "title": pages_title, "hasText": True}
            resources.append(_write_pages(zf, header, lines, created, pages_size))
            package: dict[str, object] = {
                "profile": "data-package",
                "wacz_version": WACZ_VERSION,
                "title": title,
                "description": description,
                "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "software": software,
                "resources": resources,
            }
            if extra:
                package[PACKAGE_KEY] = extra
            package_bytes = json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
            zf.writestr(_member(zf, "datapackage.json", created, stored=False), package_bytes)
            digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
            zf.writestr(
                _member(zf, "datapackage-digest.json", created, stored=False),
                json.dumps(digest, indent=2).encode("utf-8"),
            )
        with open(part, "rb+") as fh:
            os.fsync(fh.fileno())
        part.replace(out_path)
    finally:
        part.unlink(missing_ok=True)
    return out_path


def remove_stale_parts(directory: Path) -> list[Path]:
    """Delete the `.part` files a killed packager left in `directory` (those no live writer
    holds locked); returns them."""
    removed = []
    for part in sorted(Path(directory).glob("*.part")):
        try:
            with open(part, "rb") as fh:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # being written
                part.unlink(missing_ok=True)
                removed.append(part)
        except FileNotFoundError:
            continue
    return removed


# --- reading ------------------------------------------------------------------------------


def read_datapackage(path: Path | str) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("datapackage.json"))


def iter_pages(path: Path | str) -> Iterator[dict]:
    """The page entries of a WACZ's pages.jsonl, header line excluded."""
    with zipfile.ZipFile(path) as zf, zf.open(PAGES_PATH) as raw:
        for number, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8")):
            if number and line.strip():
                yield json.loads(line)


def iter_index_lines(path: Path | str) -> Iterator[str]:
    """The CDXJ lines of a WACZ's index.cdx.gz, in file order."""
    with zipfile.ZipFile(path) as zf, zf.open(INDEX_PATH) as raw:
        yield from io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8", newline="")


def summarize_package(path: Path | str) -> PackageSummary:
    path = Path(path)
    package = read_datapackage(path)
    ours = package.get(PACKAGE_KEY) or {}
    resources = package.get("resources", [])
    warcs = sum(1 for r in resources if r.get("path", "").startswith(ARCHIVE_DIR))
    pages = ours.get("pages")
    if pages is None:
        pages = sum(1 for _ in iter_pages(path))
    return PackageSummary(
        path, ours.get("run_id"), ours.get("source"), package.get("created"), warcs, pages, path.stat().st_size
    )
