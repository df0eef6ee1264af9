"""Re-extraction: run the page objects again over the archived responses, without the network.

Capture order: closed WARC files by the time they were opened (their warcinfo date), records in
the order written. A crawl writes its own files and fetches an article once, so an article's
newest capture is saved last and its values win. `.open` files (being written, or torn by a
crash until `bulletins archive repair`) are left aside.

A record is parsed when it is a 200 `response` and the source named by its file's warcinfo has a
page object for its URL (`Spider.page_for`). Other 200 responses give attachments their real
size and type (`record_download`). `revisit` records carry no payload and are not parsed; one
that repeats a payload read in this run gives its URL that payload's size.

`since` selects captures by their WARC-Date, not by article date: records are skipped before
parsing, and an article's newest capture is never left out while an older one is kept.

Parsing runs in worker processes (fork) fed chunks of records; reading the files and every
database write stay in this process, in capture order. Language detection, the costliest step,
runs once per distinct text (see Parser); a reparse leaves unchanged rows unwritten (see _Store).
Writes go through one unit of work (storage.database.unit_of_work), as a crawl's do: a row that cannot be
stored is named (`not stored: URL (why)`) and the others are kept.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
import time
import zlib
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select
from warcio.exceptions import ArchiveLoadFailed
from web_poet import HttpResponse, HttpResponseHeaders

from storage.database.articles import ArticleRecord, field_problems_json, record_download, save_article
from storage.config import StorageError, sqlite_path
from storage.database.db import make_engine
from storage.database.models import Article, Attachment, Capture
from storage.database.unit_of_work import UnitOfWork, one_line
from storage.webarchive.warc import (ArchivedRecord, decoded_payload, finished_warcs, iter_records, open_warcs,
                          read_record)

from scraper.extract.fields import parse_month
from scraper.extract.language import detect_language
from scraper.crawl.limits import CorruptBody, decompresses_beyond
from scraper.extract.answers import media_type
from scraper.extract.pages.base import unusable_page
from scraper.crawl.run import make_settings

CHUNK = 48            # records per task sent to a worker
IN_FLIGHT = 4         # tasks queued per worker: keeps workers busy, memory flat
COMMIT_EVERY = 200    # saves per commit, as the crawl's pipeline does
MAX_NAMED = 20        # changes printed one per line; the rest are counted
COMPARED = ("url", "title", "issue_month", "headline", "author", "department", "published", "views", "body_text",
            "body_html", "language", "language_probability", "missing_fields", "field_problems", "attachments")


class ReparseError(Exception):
    """Nothing can be reparsed as asked; the message is one line for the user."""


@dataclass(frozen=True)
class WarcFile:
    path: Path
    source: str | None   # the warcinfo `source:` field
    opened: str          # the warcinfo WARC-Date


@dataclass
class ReparseReport:
    rebuild: bool
    files: list[WarcFile] = field(default_factory=list)
    left_aside: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    responses: int = 0
    captures: int = 0              # article pages parsed
    revisits: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file@offset, why)
    not_stored: list[tuple[str, str]] = field(default_factory=list)  # (url, why): a write that failed
    # (url, why): answers the crawl failed as unusable (cut at a size limit, a bomb, corrupt)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    changes: dict[tuple[str, str], tuple[int | None, dict]] = field(default_factory=dict)
    stamped: Counter = field(default_factory=Counter)      # extractor version -> rows
    restamped: Counter = field(default_factory=Counter)    # (old, new) -> rows
    downloads: int = 0
    languages_reused: int = 0
    seconds: float = 0.0

    def field_counts(self) -> Counter:
        return Counter(name for _, diff in self.changes.values() for name in diff)

    def summary_lines(self, limit: int = MAX_NAMED) -> list[str]:
        per_source = Counter(f.source for f in self.files)
        lines = [f"files: {len(self.files)} WARC file(s) ("
                 + ", ".join(f"{s} {n}" for s, n in sorted(per_source.items())) + ")"]
        lines += [f"left aside: {name} ({why})" for name, why in self.left_aside]
        lines.append(f"captures: {self.captures} article page(s) parsed of {self.responses} responses"
                     f"; {self.revisits} revisit record(s) not parsed (no payload)")
        lines += [f"unreadable: {where} ({why})" for where, why in self.unreadable[:limit]]
        if len(self.unreadable) > limit:
            lines.append(f"unreadable: ... {len(self.unreadable) - limit} more")
        lines += [f"left out: {url} ({why})" for url, why in self.left_out[:limit]]
        if len(self.left_out) > limit:
            lines.append(f"left out: ... {len(self.left_out) - limit} more")
        lines += [f"not stored: {url} ({why})" for url, why in self.not_stored[:limit]]
        if len(self.not_stored) > limit:
            lines.append(f"not stored: ... {len(self.not_stored) - limit} more")
        verb = "rebuilt" if self.rebuild else "articles"
        lines.append(f"{verb}: {self.new} new, {self.updated} updated; attachment sizes from "
                     f"{self.downloads} download(s)")
        lines.append(f"language: detected for {self.captures - self.languages_reused} capture(s), "
                     f"reused for {self.languages_reused} whose text was judged already")
        if not self.rebuild:
            counts = self.field_counts()
            if not counts:
                lines.append("changed fields: none")
            else:
                lines.append("changed fields: " + ", ".join(f"{n} {c}" for n, c in sorted(counts.items()))
                             + f" ({len(self.changes)} article(s))")
                named = [(row_id, name, old, new) for row_id, diff in self.changes.values()
                         for name, (old, new) in diff.items()]
                lines += [f"  {row_id} {name}: {_show(old)} -> {_show(new)}"
                          for row_id, name, old, new in named[:limit]]
                if len(named) > limit:
                    lines.append(f"  ... {len(named) - limit} more change(s) not shown")
        for version, rows in sorted(self.stamped.items()):
            was = [f"{n} were {old}" for (old, new), n in sorted(self.restamped.items(), key=str)
                   if new == version]
            lines.append(f"extractor version: {version} on {rows} row(s)"
                         + (f" ({', '.join(was)})" if was else ""))
        rate = self.captures / self.seconds if self.seconds else 0.0
        lines.append(f"time: {self.seconds:.1f} s, {rate:.0f} article pages/s")
        return lines


# --------------------------------------------------------------------------- files and sources

def source_spiders() -> dict[str, type]:
    """Spider classes by source name, found as `bulletins crawl` finds them."""
    from scraper.crawl.run import source_classes

    return source_classes(make_settings())


def warc_files(directory: Path | str) -> tuple[list[WarcFile], list[Path]]:
    """Closed WARC files in capture order, and the `.open` ones left aside."""
    directory = Path(directory)
    found = []
    for path in finished_warcs(directory):
        try:
            info = read_record(directory, path.name, 0)
        except (OSError, ValueError, EOFError, ArchiveLoadFailed):
            found.append(WarcFile(path, None, ""))   # left aside: it names no source
            continue
        fields = _warcinfo_fields(info) if info.record_type == "warcinfo" else {}
        found.append(WarcFile(path, fields.get("source") or None, info.date or ""))
    found.sort(key=lambda f: (f.opened, f.path.name))
    return found, open_warcs(directory)


def _warcinfo_fields(record: ArchivedRecord) -> dict[str, str]:
    lines = record.payload.decode("utf-8", "replace").splitlines()
    return {k.strip(): v.strip() for k, sep, v in (line.partition(":") for line in lines) if sep}


# --------------------------------------------------------------------------- parsing (workers)

def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class Parser:
    """Archived response -> ArticleRecord.

    Language detection (seeded, so a text always gets the same answer) runs once per distinct
    text: later captures of an unchanged article reuse the answer, and so do texts found in
    `languages` (text key -> the answer stored in the database).
    """

    def __init__(self, languages: dict[bytes, tuple[str | None, float | None]] | None = None):
        self.known = dict(languages or {})
        self.reused = 0

    def detect(self, text: str) -> tuple[str | None, float | None]:
        if not text:
            return detect_language(text)
        key = text_key(text)
        answer = self.known.get(key)
        if answer is None:
            answer = self.known[key] = detect_language(text)
        else:
            self.reused += 1
        return answer

    def parse(self, page_cls: type, record: ArchivedRecord, filename: str, offset: int
              ) -> ArticleRecord:
        """The page object's item for a 200 response record, with its WARC pointer."""
        response = web_response(record)
        why = unusable_page(response)
        if why is not None:  # the crawl failed it: no article row of garbage here either
            raise ValueError(why)
        page = page_cls(response)
        item = page.to_item(detect=self.detect)
        item.warc_file, item.warc_offset, item.warc_record_id = filename, offset, record.record_id
        item.captured_at = datetime.fromisoformat(record.date).astimezone(UTC)
        return item


def web_response(record: ArchivedRecord) -> HttpResponse:
    """The archived answer as web-poet's HttpResponse, as the crawl's page object read it: the
    body decoded (Content-Encoding), without the encoding headers the crawl's response lost."""
    headers = [(name, value) for name, value in record.http_headers
               if name.lower() not in ("content-encoding", "transfer-encoding")]
    return HttpResponse(url=record.target_uri, body=decoded_payload(record), status=200,
                        headers=HttpResponseHeaders(headers))


def parse_chunk(jobs: list[tuple], parser: Parser | None = None):
    """[(ArticleRecord, None) or (None, (where, why))] for (page class, record, file, offset)
    jobs, and how many languages were reused."""
    parser = parser or _worker_parser
    before = parser.reused
    out = []
    for page_cls, record, filename, offset in jobs:
        try:
            out.append((parser.parse(page_cls, record, filename, offset), None))
        except ValueError as exc:   # a payload that cannot be decoded
            out.append((None, (f"{filename}@{offset}", str(exc))))
    return out, parser.reused - before


_worker_parser: Parser | None = None


def _init_worker(languages) -> None:
    global _worker_parser
    _worker_parser = Parser(languages)


# --------------------------------------------------------------------------- storing (parent)

@dataclass(frozen=True)
class _Long:
    """A long text kept as a digest and a preview: the report needs to compare, not to hold."""
    digest: bytes
    preview: str = field(compare=False)
    length: int = field(compare=False)


def _kept(value):
    if isinstance(value, str) and len(value) > 200:
        return _Long(text_key(value), value[:60], len(value))
    return value


def _show(value) -> str:
    if isinstance(value, _Long):
        return f"{value.preview!r}... ({value.length} chars)"
    return repr(value)


def _snapshot(row: Article) -> dict:
    values = {name: _kept(getattr(row, name)) for name in COMPARED if name != "attachments"}
    values["attachments"] = sorted((a.name, a.url) for a in row.attachments)
    return values


def _values(record: ArticleRecord) -> dict:
    """What save_article would write for these COMPARED fields (attachments: as they are listed)."""
    values = {name: _kept(getattr(record, name)) for name in COMPARED
              if name not in ("attachments", "missing_fields", "field_problems")}
    values["missing_fields"] = ",".join(record.missing_fields) or None
    values["field_problems"] = field_problems_json(record.field_problems)
    values["attachments"] = sorted((a.name, a.url) for a in record.attachments)
    return values


@dataclass
class _Stored:
    """A row as it was before this run."""
    values: dict
    version: str | None
    pointer: tuple


class _Store:
    """Saves parsed records in capture order; in a reparse, notes what each save changed.

    A reparse does not write an article met for the first time whose capture is stored already
    and whose values, pointer and extractor version are all unchanged: saving it would only
    move its last_seen to the capture time.
    """

    def __init__(self, work: UnitOfWork, report: ReparseReport):
        self.work = work
        self.db = db = work.session   # reads see the batch (storage.database.unit_of_work)
        self.report = report
        self.track = not report.rebuild
        self.before: dict[tuple[str, str], _Stored | None] = {}   # None: new in this run
        self.versions: dict[tuple[str, str], list] = {}   # [stored version, version now]
        self.captured: set[str] = set(db.exec(select(Capture.warc_record_id))) if self.track else set()
        # url -> {(size, content type)} of the stored attachment rows, while no save touched them
        self.stored_sizes: dict[str, set] = {}
        for url, size, content_type, record_id in db.exec(select(
                Attachment.url, Attachment.size, Attachment.content_type, Attachment.warc_record_id)):
            self.stored_sizes.setdefault(url, set()).add((size, content_type, record_id is not None))
        self.attachment_urls: set[str] = set(self.stored_sizes)
        self.held: list[Article] = []   # the session keeps rows weakly: preloaded ones must stay

    def apply(self, sequence: list, parsed: list) -> None:
        """`sequence`: ints (index into `parsed`) and downloads, in capture order."""
        if self.track:
            self.held = []
            self._preload([record for record, _ in parsed if record is not None])
        for entry in sequence:
            if isinstance(entry, int):
                record, error = parsed[entry]
                if record is None:
                    self.report.unreadable.append(error)
                else:
                    self.article(record)
            else:
                self.download(*entry)

    def article(self, record: ArticleRecord) -> None:
        key = (record.source, record.board_id)
        again = record.warc_record_id in self.captured
        self.attachment_urls.update(a.url for a in record.attachments)
        if key not in self.versions:   # first met in this run
            stored = self.before.setdefault(key, None)
            self.versions[key] = [stored.version if stored else None, record.extractor_version]
            if again and stored is not None and stored.version == record.extractor_version and (
                    stored.pointer == (record.warc_file, record.warc_offset, record.warc_record_id)
                    and stored.values == _values(record)):
                return
        self.versions[key][1] = record.extractor_version
        for attachment in record.attachments:
            self.stored_sizes.pop(attachment.url, None)
        self.work.write(lambda db: self._save(db, key, record), label=record.url)

    def _save(self, db: Session, key: tuple[str, str], record: ArticleRecord) -> None:
        row, _ = save_article(db, record, record.captured_at)
        if self.track:
            self.captured.add(record.warc_record_id)
            stored = self.before[key]
            if stored is not None:
                diff = {name: (stored.values[name], now) for name, now in _snapshot(row).items()
                        if now != stored.values[name]}
                if diff:
                    self.report.changes[key] = (row.id, diff)
                else:
                    self.report.changes.pop(key, None)

    def download(self, url: str, size: int, content_type: str | None,
                 record: tuple[str, int, str] | None = None) -> None:
        if url not in self.attachment_urls:
            return
        self.report.downloads += 1
        stored = self.stored_sizes.get(url)
        if stored and all(size == s and content_type in (None, t) and archived for s, t, archived in stored):
            return   # every row linking it has this size and type, and a WARC record, already
        self.work.write(lambda db: record_download(db, url, size, content_type, record), label=url)

    def finish(self) -> None:
        self.work.commit()
        for old, new in self.versions.values():
            self.report.stamped[new] += 1
            if old is not None and old != new:
                self.report.restamped[(old, new)] += 1
        existed = sum(1 for key in self.versions if self.before.get(key) is not None)
        self.report.updated, self.report.new = existed, len(self.versions) - existed

    def _preload(self, records: list[ArticleRecord]) -> None:
        """Stored rows of the articles first met in this chunk, attachments included, in one
        query per source: their values before the reparse, and no lazy load in save_article."""
        wanted: dict[str, set[str]] = {}
        for record in records:
            if (record.source, record.board_id) not in self.before:
                wanted.setdefault(record.source, set()).add(record.board_id)
        for source, ids in wanted.items():
            rows = self.db.exec(select(Article).where(Article.source == source, Article.board_id.in_(ids))
                                .options(selectinload(Article.attachments)))
            for row in rows:
                self.held.append(row)
                self.before[(source, row.board_id)] = _Stored(
                    _snapshot(row), row.extractor_version, (row.warc_file, row.warc_offset, row.warc_record_id))

# --------------------------------------------------------------------------- the run

def reparse(database_url: str, warc_dir: Path | str, *, source: str | None = None,
            since: str | None = None, rebuild: bool = False, jobs: int | None = None,
            redetect: bool = False) -> ReparseReport:
    """Parse the archived article pages again and save them; see the module docstring.

    `rebuild` fills an empty database (refused when it holds articles). `jobs` parsing
    processes (default: the CPU count; 1 parses in this process). Unless `rebuild` or
    `redetect`, a text already stored keeps its stored language instead of a new detection.
    """
    t0 = time.perf_counter()
    spiders = source_spiders()
    if source is not None and source not in spiders:
        raise ReparseError(f"unknown source {source!r} (known: {', '.join(sorted(spiders))})")
    start = datetime.combine(parse_month(since), datetime.min.time(), UTC) if since else None
    report = ReparseReport(rebuild=rebuild)
    files, open_files = warc_files(warc_dir)
    report.left_aside += [(p.name, "still open: not closed or not repaired") for p in open_files]
    for f in files:
        if f.source is None or f.source not in spiders:
            why = (f"unknown source {f.source!r}" if f.source else
                   "its warcinfo names no source" if f.opened else "no readable warcinfo record")
            report.left_aside.append((f.path.name, why))
        elif source is None or f.source == source:
            report.files.append(f)
    if not report.files:
        what = f"WARC file of source {source!r}" if source else "WARC file of a known source"
        raise ReparseError(f"no {what} in {warc_dir}")

    engine = _engine(database_url, rebuild)
    languages = None
    if not rebuild and not redetect:
        languages = _stored_languages(engine, {f.source for f in report.files})
    engine.dispose()  # no open connection crosses the fork below
    jobs = max(1, jobs or os.cpu_count() or 1)
    pool = None
    if jobs > 1:
        # fork starts at once; it is only safe while no other thread could hold a lock
        single = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if single else "spawn")
        pool = context.Pool(jobs, initializer=_init_worker, initargs=(languages,))
    try:
        work = UnitOfWork(engine, commit_every=COMMIT_EVERY,
                          on_failure=lambda url, error: report.not_stored.append((str(url), one_line(error))))
        try:
            store = _Store(work, report)
            _run(report.files, spiders, start, store, pool, jobs, Parser(languages), size_limits())
            store.finish()
        finally:
            work.session.close()
    except BaseException:
        if pool is not None:
            pool.terminate()
        raise
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    report.seconds = time.perf_counter() - t0
    return report


def _engine(database_url: str, rebuild: bool):
    path = sqlite_path(database_url)
    if not rebuild and path is not None and not path.exists():
        raise ReparseError(f"no database at {path} (--rebuild builds one from the WARC files)")
    try:
        engine = make_engine(database_url)
    except StorageError as exc:
        raise ReparseError(str(exc)) from None
    if rebuild:
        with Session(engine) as db:
            count = db.exec(select(func.count()).select_from(Article)).one()
        if count:
            engine.dispose()
            raise ReparseError(f"the database already holds {count} articles: --rebuild fills an "
                               "empty database only (reparse without --rebuild updates it)")
    return engine


def _stored_languages(engine, sources: set[str]) -> dict[bytes, tuple]:
    """Stored language of each stored text, keyed as Parser.detect looks texts up."""
    known = {}
    with Session(engine) as db:
        rows = db.exec(select(Article.title, Article.body_text, Article.language,
                              Article.language_probability).where(Article.source.in_(sources)))
        for title, body, language, probability in rows:
            text = "\n".join(filter(None, [title, body]))
            if text:
                known[text_key(text)] = (language, probability)
    return known


def size_limits() -> tuple[int, int]:
    """(page, attachment) size limits, as the crawl has them (scraper.crawl.limits)."""
    settings = make_settings()
    try:
        return settings.getint("BULLETINS_MAX_PAGE_SIZE"), settings.getint("BULLETINS_MAX_ATTACHMENT_SIZE")
    except ValueError as error:
        raise ReparseError(f"size limits must be whole numbers of bytes ({error})") from None


def _run(files: list[WarcFile], spiders: dict, start: datetime | None, store: _Store, pool,
         jobs: int, parser: Parser, limits: tuple[int, int]) -> None:
    report = store.report
    window: deque = deque()
    in_flight = IN_FLIGHT * jobs if pool is not None else 0

    def settle(task) -> None:
        result, sequence = task
        parsed, reused = result.get() if pool is not None else result
        report.languages_reused += reused
        store.apply(sequence, parsed)

    def submit(chunk: list, sequence: list) -> None:
        if pool is not None:
            result = pool.apply_async(parse_chunk, (chunk,))
        else:
            result = parse_chunk(chunk, parser)
        window.append((result, sequence))
        while len(window) > in_flight:
            settle(window.popleft())

    sizes: dict[str, tuple[int, str | None]] = {}   # payload digest -> what was downloaded
    for warc in files:
        spider = spiders[warc.source]
        chunk, sequence = [], []
        for offset, record in _records(warc.path, report):
            if record.record_type not in ("response", "revisit"):
                continue
            if start is not None and datetime.fromisoformat(record.date) < start:
                continue
            if record.record_type == "revisit":
                report.revisits += 1
                known = sizes.get(_warc_header(record, "WARC-Payload-Digest"))
                if known is not None and record.http_status == 200:
                    # identical payload under another URL: its size is the original's
                    sequence.append((record.target_uri, known[0], _content_type(record) or known[1],
                                     (warc.path.name, offset, record.record_id)))
                continue
            report.responses += 1
            if record.http_status != 200:
                continue
            page_cls = spider.page_for(record.target_uri) if hasattr(spider, "page_for") else None
            why = unusable(record, limits[0] if page_cls is not None else limits[1])
            if why is not None:  # the crawl failed it; nothing is stored from it here either
                report.left_out.append((record.target_uri, why))
                continue
            if page_cls is None:
                download = _download_of(record)
                digest = _warc_header(record, "WARC-Payload-Digest")
                if digest:
                    sizes[digest] = download[1:]
                sequence.append((*download, (warc.path.name, offset, record.record_id)))
                continue
            report.captures += 1
            sequence.append(len(chunk))
            chunk.append((page_cls, record, warc.path.name, offset))
            if len(chunk) >= CHUNK:
                submit(chunk, sequence)
                chunk, sequence = [], []
        if chunk or sequence:
            submit(chunk, sequence)
    while window:
        settle(window.popleft())


def unusable(record: ArchivedRecord, limit: int) -> str | None:
    """Why the crawl failed this archived answer (scraper.crawl.limits), or None: cut at a size limit
    (`WARC-Truncated`), or a compressed body that is corrupt or decompresses beyond `limit`
    (checked a step at a time, so a bomb costs no memory here either)."""
    cut = _warc_header(record, "WARC-Truncated")
    if cut:
        return f"truncated: {cut}"
    codings = [coding.strip().lower() for name, value in record.http_headers
               if name.lower() == "content-encoding" for coding in value.split(",")]
    codings = [coding for coding in codings if coding and coding != "identity"]
    if codings and codings[-1] in ("gzip", "x-gzip", "deflate"):
        try:
            if decompresses_beyond(record.payload, codings[-1], limit):
                return f"too large: decompresses to more than {limit:,} bytes"
        except CorruptBody as error:
            return f"corrupt {'deflate' if codings[-1] == 'deflate' else 'gzip'} body: {error}"
    return None


def _records(path: Path, report: ReparseReport):
    """iter_records, stopping at a torn or corrupt record: what was read before it counts."""
    try:
        yield from iter_records(path)
    except (OSError, ValueError, EOFError, zlib.error, ArchiveLoadFailed) as exc:
        report.unreadable.append((path.name, f"{type(exc).__name__}: {exc}"))


def _download_of(record: ArchivedRecord) -> tuple[str, int, str | None]:
    """(url, size as the crawl measures it: decoded body, content type without parameters)."""
    try:
        size = len(decoded_payload(record))
    except ValueError:
        size = len(record.payload)
    return record.target_uri, size, _content_type(record)


def _content_type(record: ArchivedRecord) -> str | None:
    return media_type(next((v for k, v in record.http_headers if k.lower() == "content-type"), None))


def _warc_header(record: ArchivedRecord, name: str) -> str | None:
    return next((v for k, v in record.warc_headers if k.lower() == name.lower()), None)
