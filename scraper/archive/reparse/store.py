"""Storing, in the parent process: parsed records saved in capture order through one unit of work,
what each save changed, and the report of the run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select
from w3lib.url import safe_url_string

from storage.database.articles import ArticleRecord, field_problems_json, record_download, save_article
from storage.database.models import Article, Attachment, Capture
from storage.database.unit_of_work import UnitOfWork
from storage.webarchive.warc import ArchivedRecord

from scraper.extract.answers import HTML_TYPES

from .files import Unread, WarcFile, _content_type, _download_of
from .parsing import text_key

MAX_NAMED = 20        # changes printed one per line; the rest are counted
COMPARED = ("url", "title", "issue_month", "headline", "author", "department", "published", "views", "body_text",
            "body_html", "language", "language_probability", "missing_fields", "field_problems", "attachments")


@dataclass
class ReparseReport:
    rebuild: bool
    files: list[WarcFile] = field(default_factory=list)
    left_aside: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    responses: int = 0
    captures: int = 0              # article pages parsed
    revisits: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (file@offset, why)
    unread_files: list[Unread] = field(default_factory=list)  # not read to their end: the run exits 1
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
    attachments_as_pages: int = 0   # downloads whose URL page_for took for an article's (see _Store.apply)
    seconds: float = 0.0

    def field_counts(self) -> Counter:
        return Counter(name for _, diff in self.changes.values() for name in diff)

    def summary_lines(self, limit: int = MAX_NAMED) -> list[str]:
        per_source = Counter(f.source for f in self.files)
        lines = [f"files: {len(self.files)} WARC file(s) ("
                 + ", ".join(f"{s} {n}" for s, n in sorted(per_source.items())) + ")"]
        lines += [f"left aside: {name} ({why})" for name, why in self.left_aside]
        lines.append(f"captures: {self.captures} article page(s) parsed of {self.responses} responses"
                     f"; {self.revisits} revisit record(s) not parsed (no payload)"
                     + (f"; {self.attachments_as_pages} attachment download(s) at URLs that look like "
                        "article pages, read as downloads" if self.attachments_as_pages else ""))
        lines += [f"not read to its end: {unread.why}" for unread in self.unread_files]
        if any(unread.damaged for unread in self.unread_files):
            lines.append("damaged files: their records from that byte on were not reparsed; restore them from a "
                         "copy (the runs' WACZ packages hold one)")
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


@dataclass(frozen=True)
class _Long:
    """A long text kept as a digest and a preview: the report needs to compare, not to hold."""
    digest: bytes
    preview: str = field(compare=False)
    length: int = field(compare=False)


def _as_requested(url: str) -> str:
    """A URL as Scrapy requests it, as the WARC records name it: a page may list an attachment
    with raw non-ASCII characters or spaces (w3lib's safe_url_string, as scrapy.Request)."""
    return safe_url_string(url)


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


@dataclass(frozen=True)
class Page:
    """A response its source's page_for takes for an article page: parsed in a worker, its
    result at `index` of its chunk's."""
    index: int
    record: ArchivedRecord
    file: str
    offset: int


@dataclass(frozen=True)
class Redirect:
    """An archived redirect of `url` to `to` (capture order: before the answer at `to`)."""
    url: str
    to: str


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
        # each attachment URL as it is requested (WARC-Target-URI) -> as the rows hold it (a page
        # may list `a b.hwp`, another `a%20b.hwp`: one download)
        self.attachment_urls: dict[str, set[str]] = {}
        for url in self.stored_sizes:
            self.attachment_urls.setdefault(_as_requested(url), set()).add(url)
        self.redirected: dict[str, set[str]] = {}   # a redirect's target (as requested) -> rows it sizes next
        self.urls: dict[tuple[str, str], str] = {}   # (source, board id) -> article URL
        self.held: list[Article] = []   # the session keeps rows weakly: preloaded ones must stay

    def apply(self, sequence: list, parsed: list) -> None:
        """`sequence`: Pages (whose parse is `parsed[page.index]`) and downloads, in capture order."""
        if self.track:
            self.held = []
            self._preload([record for record, _ in parsed if record is not None])
        for entry in sequence:
            if isinstance(entry, Page):
                record, error = parsed[entry.index]
                if self._an_attachment(entry, record):
                    self.report.captures -= 1
                    self.report.attachments_as_pages += 1
                    self.download(*_download_of(entry.record), (entry.file, entry.offset, entry.record.record_id))
                elif record is None:
                    self.report.unreadable.append(error)
                else:
                    self.article(record)
            elif isinstance(entry, Redirect):
                self.redirect(entry)
            else:
                self.download(*entry)

    def _an_attachment(self, page: Page, record: ArticleRecord | None) -> bool:
        """Whether a page its source's page_for took for an article's is an attachment's download:
        a download URL may carry its article's id (`fileDown.do?nttId=…`), and saved as that
        article it would empty its fields (the crawl knows, as it asks for attachments apart).
        It is when an article met before lists its URL as an attachment, and it is not a page
        (HTML), or it is one but parses as an article already held under another URL. An article
        page that another lists in its files stays an article."""
        if _as_requested(page.record.target_uri) not in self.attachment_urls:
            return False
        if _content_type(page.record) not in HTML_TYPES or record is None:   # a file, or no article
            return True
        key = (record.source, record.board_id)
        if key in self.urls:
            return self.urls[key] != record.url
        stored = self.before.get(key)
        return stored is not None and stored.values["url"] != _kept(record.url)

    def article(self, record: ArticleRecord) -> None:
        key = (record.source, record.board_id)
        again = record.warc_record_id in self.captured
        for attachment in record.attachments:
            self.attachment_urls.setdefault(_as_requested(attachment.url), set()).add(attachment.url)
        self.urls[key] = record.url
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

    def redirect(self, redirect: Redirect) -> None:
        """A listed attachment's URL redirected (a file server): the answer at the URL it led to
        is that attachment's download, as the crawl sizes it (scraper.crawl.spiders.base,
        parse_attachment)."""
        listed = self._rows_at(_as_requested(redirect.url))
        if listed:   # in a chain, the rows the first URL's page listed
            self.redirected.setdefault(_as_requested(redirect.to), set()).update(listed)

    def _rows_at(self, requested: str) -> set[str]:
        """The attachment rows (as they hold their URLs) an answer at `requested` sizes: those that
        list it, and those whose URL an archived redirect led here (taken once: the crawl sized
        them from the one answer their request led to)."""
        return self.attachment_urls.get(requested, set()) | self.redirected.pop(requested, set())

    def download(self, url: str, size: int, content_type: str | None,
                 record: tuple[str, int, str] | None = None) -> None:
        """An archived download of `url` (as requested): the attachment rows that list it, in
        whichever form, get its size and type, and point at its record."""
        listed = self._rows_at(_as_requested(url))
        if not listed:
            return
        self.report.downloads += 1
        for held in sorted(listed):   # as the rows hold it (raw characters, where the page had them)
            stored = self.stored_sizes.get(held)
            if stored and all(size == s and content_type in (None, t) and archived for s, t, archived in stored):
                continue   # every row linking it has this size and type, and a WARC record, already
            self.work.write(lambda db, held=held: record_download(db, held, size, content_type, record), label=held)

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
