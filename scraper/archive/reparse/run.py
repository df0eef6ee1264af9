"""`reparse()`: the WARC files read in capture order, their article pages parsed in worker
processes, the results stored in this process (see the package docstring)."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from storage.config import StorageError, sqlite_path
from storage.database.db import make_engine
from storage.database.models import Article
from storage.database.unit_of_work import UnitOfWork, one_line
from storage.webarchive.warc import content_codings

from scraper.extract.answers import HTML_TYPES
from scraper.extract.fields import parse_month
from scraper.crawl.run import make_settings
from scraper.garbage import collected_less_often

from .files import WarcFile, _content_type, _download_of, _records, _warc_header, redirect_target, unusable, warc_files
from .parsing import Parser, _init_worker, parse_chunk, text_key
from .store import Page, Redirect, ReparseReport, _Store

CHUNK = 48            # records per task sent to a worker
IN_FLIGHT = 4         # tasks queued per worker: keeps workers busy, memory flat
COMMIT_EVERY = 200    # saves per commit, as the crawl's pipeline does


class ReparseError(Exception):
    """Nothing can be reparsed as asked; the message is one line for the user."""


def source_spiders() -> dict[str, type]:
    """Spider classes by source name, found as `bulletins crawl` finds them."""
    from scraper.crawl.run import source_classes

    return source_classes(make_settings())


def reparse(database_url: str, warc_dir: Path | str, *, source: str | None = None,
            since: str | None = None, rebuild: bool = False, jobs: int | None = None,
            redetect: bool = False) -> ReparseReport:
    """Parse the archived article pages again and save them; see the package docstring (scraper.archive.reparse).

    `rebuild` fills an empty database (refused when it holds articles). `jobs` parsing
    processes (default: the CPU count; 1 parses in this process). Unless `rebuild` or
    `redetect`, a text already stored keeps its stored language instead of a new detection.
    The garbage collector runs less often meanwhile (scraper.garbage), in this process and, forked,
    its workers; the caller's thresholds are put back at the end.
    """
    with collected_less_often():
        return _reparse(database_url, warc_dir, source=source, since=since, rebuild=rebuild, jobs=jobs,
                        redetect=redetect)


def _reparse(database_url: str, warc_dir: Path | str, *, source: str | None, since: str | None,
             rebuild: bool, jobs: int | None, redetect: bool) -> ReparseReport:
    t0 = time.perf_counter()
    spiders = source_spiders()
    if source is not None and source not in spiders:
        raise ReparseError(f"unknown source {source!r} (known: {', '.join(sorted(spiders))})")
    start = datetime.combine(parse_month(since), datetime.min.time(), UTC) if since else None
    report = ReparseReport(rebuild=rebuild)
    files, open_files = warc_files(warc_dir)
    report.left_aside += [(p.name, "still open: not closed or not repaired") for p in open_files]
    for f in files:
        if f.unread is not None:
            report.unread_files.append(f.unread)
        elif f.source is None or f.source not in spiders:
            why = (f"unknown source {f.source!r}" if f.source else
                   "its warcinfo names no source" if f.opened else "no readable warcinfo record")
            report.left_aside.append((f.path.name, why))
        elif source is None or f.source == source:
            report.files.append(f)
    if not report.files:
        what = f"WARC file of source {source!r}" if source else "WARC file of a known source"
        unread = "".join(f"; not readable: {u.why}" for u in report.unread_files)
        raise ReparseError(f"no {what} in {warc_dir}{unread}")

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


def _sized(revisit: tuple, known: tuple[int, str | None]) -> tuple:
    """A revisit's download: its URL, the original's size, its own content type or the original's."""
    url, content_type, pointer = revisit
    return (url, known[0], content_type or known[1], pointer)


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
    waiting: dict[str, list[tuple]] = {}   # payload digest -> revisits met before their original
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
                digest = _warc_header(record, "WARC-Payload-Digest")
                if record.http_status == 200 and digest:
                    # identical payload under another URL: its size is the original's, once met
                    # (later, when the original is in another source's file of a crawl --all)
                    revisit = (record.target_uri, _content_type(record), (warc.path.name, offset, record.record_id))
                    known = sizes.get(digest)
                    if known is not None:
                        sequence.append(_sized(revisit, known))
                    else:   # any later download of the payload sizes it (its original may predate --since)
                        waiting.setdefault(digest, []).append(revisit)
                continue
            report.responses += 1
            if record.http_status != 200:
                target = redirect_target(record)
                if target is not None:   # a listed attachment's file may come from another URL
                    sequence.append(Redirect(record.target_uri, target))
                continue
            page_cls = spider.page_for(record.target_uri) if hasattr(spider, "page_for") else None
            why = unusable(record, limits[0] if page_cls is not None else limits[1])
            if why is not None:  # the crawl failed it; nothing is stored from it here either
                report.left_out.append((record.target_uri, why))
                continue
            digest = _warc_header(record, "WARC-Payload-Digest")
            if page_cls is None:
                download = _download_of(record)
                sequence.append((*download, (warc.path.name, offset, record.record_id)))
            elif _content_type(record) not in HTML_TYPES and set(content_codings(record)) <= {"identity"}:
                download = _download_of(record)   # perhaps an attachment at a URL like an article's (_Store.apply)
            else:
                download = None
            if download is not None and digest and digest not in sizes:
                sizes[digest] = download[1:]
                sequence += [_sized(revisit, sizes[digest]) for revisit in waiting.pop(digest, [])]
            if page_cls is None:
                continue
            report.captures += 1
            sequence.append(Page(len(chunk), record, warc.path.name, offset))
            chunk.append((page_cls, record, warc.path.name, offset))
            if len(chunk) >= CHUNK:
                submit(chunk, sequence)
                chunk, sequence = [], []
        if chunk or sequence:
            submit(chunk, sequence)
    while window:
        settle(window.popleft())
