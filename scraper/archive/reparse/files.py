"""The WARC folder a reparse reads: its closed files in capture order (and the `.open` ones left
aside), their records, and the answers the crawl failed as unusable."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit

from w3lib.url import safe_url_string
from warcio.exceptions import ArchiveLoadFailed

from storage.webarchive.members import DamagedWarc
from storage.webarchive.warc import (ArchivedRecord, content_codings, decoded_payload, finished_warcs, iter_records, open_warcs,
                          read_record)

from scraper.crawl.limits import CorruptBody, decompresses_beyond
from scraper.extract.answers import media_type

if TYPE_CHECKING:
    from .store import ReparseReport


@dataclass(frozen=True)
class WarcFile:
    path: Path
    source: str | None   # the warcinfo `source:` field
    opened: str          # the warcinfo WARC-Date
    unread: Unread | None = None   # why not even its warcinfo record can be read


@dataclass(frozen=True)
class Unread:
    """A WARC file not read to its end: where it stopped, and whether the file is damaged."""
    file: str
    why: str          # names the file
    damaged: bool     # DamagedWarc: restore it from a copy


def warc_files(directory: Path | str) -> tuple[list[WarcFile], list[Path]]:
    """Closed WARC files in capture order, and the `.open` ones left aside."""
    directory = Path(directory)
    found = []
    for path in finished_warcs(directory):
        try:
            info = read_record(directory, path.name, 0)
        except (OSError, ValueError, EOFError, ArchiveLoadFailed) as exc:
            found.append(WarcFile(path, None, "", _unread(path, exc)))
            continue
        fields = _warcinfo_fields(info) if info.record_type == "warcinfo" else {}
        found.append(WarcFile(path, fields.get("source") or None, info.date or ""))
    found.sort(key=lambda f: (f.opened, f.path.name))
    return found, open_warcs(directory)


def _unread(path: Path, exc: BaseException) -> Unread:
    if isinstance(exc, DamagedWarc):
        return Unread(path.name, str(exc), True)
    return Unread(path.name, f"{path.name}: {type(exc).__name__}: {exc}", False)


def _warcinfo_fields(record: ArchivedRecord) -> dict[str, str]:
    lines = record.payload.decode("utf-8", "replace").splitlines()
    return {k.strip(): v.strip() for k, sep, v in (line.partition(":") for line in lines) if sep}


def unusable(record: ArchivedRecord, limit: int) -> str | None:
    """Why the crawl failed this archived answer (scraper.crawl.limits), or None: cut at a size limit
    (`WARC-Truncated`), or a compressed body that is corrupt or decompresses beyond `limit`
    (checked a step at a time, so a bomb costs no memory here either)."""
    cut = _warc_header(record, "WARC-Truncated")
    if cut:
        return f"truncated: {cut}"
    codings = [coding for coding in content_codings(record) if coding != "identity"]
    if codings and codings[-1] in ("gzip", "x-gzip", "deflate"):
        try:
            if decompresses_beyond(record.payload, codings[-1], limit):
                return f"too large: decompresses to more than {limit:,} bytes"
        except CorruptBody as error:
            return f"corrupt {'deflate' if codings[-1] == 'deflate' else 'gzip'} body: {error}"
    return None


def _records(path: Path, report: ReparseReport):
    """iter_records, stopping where the file stops holding whole records (cut short, a member
    that fails its CRC: DamagedWarc) or cannot be read: what was read before counts, the file is
    named among those not read to their end."""
    try:
        yield from iter_records(path)
    except (OSError, ValueError, EOFError, ArchiveLoadFailed) as exc:
        report.unread_files.append(_unread(path, exc))


def _download_of(record: ArchivedRecord) -> tuple[str, int, str | None]:
    """(url, size as the crawl measures it: decoded body, content type without parameters)."""
    try:
        size = len(decoded_payload(record))
    except ValueError:
        size = len(record.payload)
    return record.target_uri, size, _content_type(record)


REDIRECTS = frozenset({301, 302, 303, 307, 308})   # those Scrapy's RedirectMiddleware follows


def redirect_target(record: ArchivedRecord) -> str | None:
    """Where an archived redirect sent its request, as Scrapy's RedirectMiddleware followed it
    (its Location made safe and joined to the URL asked for); None for any other answer."""
    locations = [v for k, v in record.http_headers if k.lower() == "location"]
    if record.http_status not in REDIRECTS or not locations or not record.target_uri:
        return None
    raw = locations[-1].encode("latin-1")   # Scrapy's headers give the last; http_headers: a latin-1 view
    target = safe_url_string(raw)
    if raw.startswith(b"//"):
        target = urlsplit(record.target_uri).scheme + "://" + target.lstrip("/")
    return urldefrag(urljoin(record.target_uri, target))[0]   # as the answer's URL, without a fragment


def _content_type(record: ArchivedRecord) -> str | None:
    return media_type(next((v for k, v in record.http_headers if k.lower() == "content-type"), None))


def _warc_header(record: ArchivedRecord, name: str) -> str | None:
    return next((v for k, v in record.warc_headers if k.lower() == name.lower()), None)
