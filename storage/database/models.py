"""All tables in one module, so relationships never import in circles.

No `from __future__ import annotations` here: SQLModel needs real annotations for relationships.
"""

from datetime import date, datetime
from typing import List, Optional

from sqlalchemy import DDL, Column, Index, Table, Text, UniqueConstraint, event
from sqlalchemy.orm import Session, object_session
from sqlmodel import Field, Relationship, SQLModel


class Source(SQLModel, table=True):
    """A crawled board: `name` is the `source` string of its articles and crawl runs.

    Rows are made by storage (`register_source` when a crawl starts, `save_article` for any
    source it meets); first/last_crawled span the crawls and saves seen so far.
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, description="equals article.source")
    description: str | None = None
    base_url: str | None = None
    first_crawled: datetime | None = None
    last_crawled: datetime | None = None


class Bulletin(SQLModel, table=True):
    """A monthly issue of a source's bulletin: the articles of (source, month).

    An article's month is its issue month (the '[JUN. 2022]' prefix), else the month it was
    published; an article with neither has no bulletin. Counts are a `GROUP BY bulletin_id`
    away (article.bulletin_id is indexed).
    """

    __table_args__ = (UniqueConstraint("source", "month", name="uq_bulletin_source_month"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(foreign_key="source.name")
    month: str = Field(description="YYYY-MM")


class Article(SQLModel, table=True):
    """One bulletin article as last seen; unique on (source, board_id)."""

    __table_args__ = (
        UniqueConstraint("source", "board_id", name="uq_article_source_board"),
        # Search (storage.database.search) picks its candidates' dates and filters from this index
        # alone, without reading the rows.
        Index("ix_article_search", "id", "published", "source", "language"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)
    board_id: str = Field(description="the board's own article id")
    url: str = Field(description="canonical URL of the view page")
    title: str | None = Field(default=None, description="full title as printed")
    issue_month: str | None = Field(
        default=None, index=True, description="bulletin issue YYYY-MM from a '[JUN. 2022]' prefix"
    )
    headline: str | None = Field(default=None, description="title without the issue prefix")
    author: str | None = None
    published: date | None = Field(default=None, index=True)
    views: int | None = None
    body_text: str | None = Field(default=None, sa_column=Column(Text))
    body_html: str | None = Field(default=None, sa_column=Column(Text))
    language: str | None = Field(default=None, description="ISO 639-1")
    language_probability: float | None = None
    missing_fields: str | None = Field(default=None, description="comma-separated fields that could not be read")
    first_seen: datetime
    last_seen: datetime
    warc_file: str | None = Field(default=None, description="WARC file of the response parsed")
    warc_offset: int | None = None
    warc_record_id: str | None = None
    extractor_version: str | None = Field(default=None, description="page object that parsed it")
    # Columns added by migrations come last, in their order, so a new and an upgraded
    # database have the same column order.
    bulletin_id: int | None = Field(
        default=None,
        foreign_key="bulletin.id",
        index=True,
        description="the monthly issue (source, month) it belongs to",
    )
    department: str | None = Field(
        default=None, description="issuing department as printed (담당부서, 등록부서, 부서명)"
    )
    field_problems: str | None = Field(
        default=None,
        description=(
            "why fields were left empty though the page printed something, JSON {field: reason}: "
            "a value refused as impossible, an extraction error, undecodable text"
        ),
    )

    attachments: List["Attachment"] = Relationship(
        back_populates="article",
        sa_relationship_kwargs={"cascade": "all, delete-orphan", "order_by": "Attachment.id"},
    )


class Attachment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("article_id", "url", name="uq_attachment_article_url"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    name: str
    url: str = Field(index=True)
    size: int | None = Field(default=None, description="bytes: as downloaded, else as printed")
    content_type: str | None = None
    # Where its download is archived (a response or a revisit record); none: not archived yet,
    # so the next crawl of its source fetches it (an attachment is done only once archived).
    warc_file: str | None = Field(default=None, description="WARC file of its download's record")
    warc_offset: int | None = Field(default=None, description="offset of that record in warc_file")
    warc_record_id: str | None = Field(default=None, description="WARC-Record-ID of that record")

    article: Optional[Article] = Relationship(back_populates="attachments")


class ViewObservation(SQLModel, table=True):
    """A view count seen at a time: one per article per crawl, so counts form a series."""

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    observed_at: datetime
    views: int

    # One-way on purpose: adding an observation never loads an article's whole series.
    article: Optional[Article] = Relationship()


class Capture(SQLModel, table=True):
    """A WARC response record an article was parsed from: one per article per crawl."""

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    url: str
    warc_file: str
    warc_offset: int
    warc_record_id: str = Field(unique=True)
    captured_at: datetime | None = None

    article: Optional[Article] = Relationship()


class ArticleRevision(SQLModel, table=True):
    """One version of an article's title and body, told apart by `content_hash`
    (storage.database.articles.content_hash: volatile parts such as view counters are ignored).

    A save whose content hashes like a stored revision only moves that revision's last_seen;
    other content is a new revision. The WARC pointer is the capture it was first parsed from.
    """

    __table_args__ = (UniqueConstraint("article_id", "content_hash", name="uq_articlerevision_article_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id")
    content_hash: str = Field(description="sha256 hex of the normalized title and body")
    title: str | None = None
    body_text: str | None = Field(default=None, sa_column=Column(Text))
    first_seen: datetime
    last_seen: datetime
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_record_id: str | None = None
    extractor_version: str | None = None

    # One-way, like Capture: saving a revision never loads an article's history.
    article: Optional[Article] = Relationship()


class PayloadDigest(SQLModel, table=True):
    """A full response record of a non-HTML resource: the digest index behind revisit records.

    Written when such a record is archived; looked up by digest (identical payload: write a
    revisit) and by URL (its ETag / Last-Modified make the next fetch conditional).
    """

    id: int | None = Field(default=None, primary_key=True)
    digest: str = Field(index=True, description="WARC-Payload-Digest, e.g. sha1:BASE32")
    url: str = Field(index=True)
    warc_record_id: str = Field(unique=True)
    warc_date: str = Field(description="WARC-Date exactly as written (WARC-Refers-To-Date)")
    warc_file: str
    warc_offset: int
    etag: str | None = None
    last_modified: str | None = Field(default=None, description="Last-Modified as sent")


class CrawlRun(SQLModel, table=True):
    """One crawl of one source: what it did and whether its listing walk was complete.

    A run left `running` (killed) or not `complete` (a --since/--until window, a failed listing
    page) tells the next incremental crawl not to trust that stored articles imply older ones.
    """

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)
    started_at: datetime
    finished_at: datetime | None = None
    status: str = Field(default="running", description="running, ok, incomplete, failed or killed")
    complete: bool = Field(default=False, description="walked every listing page it needed to")
    options: str | None = Field(default=None, description="spider arguments, JSON")
    listing_pages: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    pages_failed: int = 0
    items_failed: int = 0
    warc_records: int = 0
    warc_files: str | None = Field(default=None, description="comma-separated WARC file names")
    failure: str | None = None
    # Who runs it: a `running` row whose process is gone from this host is marked `killed`.
    host: str | None = Field(default=None, description="host name of the crawling process")
    pid: int | None = Field(default=None, description="process id of the crawling process")
    unfinished: int = Field(default=0, description="discovered URLs left unfinished (see unfinished)")
    retried: int = Field(default=0, description="URLs left unfinished by earlier runs, fetched again")
    failures: str | None = Field(default=None, description="unfinished URLs by reason, JSON")
    package: str | None = Field(
        default=None,
        description=(
            "the WACZ holding its WARC files; none: not packaged yet (the next crawl of the source packages them)"
        ),
    )


class Unfinished(SQLModel, table=True):
    """A URL a crawl discovered but could not finish (archive and store), with the reason.

    The next plain crawl of the source fetches it again (articles and attachments; a failed
    listing page makes the next crawl walk every listing page); the row goes once it is done.
    """

    __table_args__ = (UniqueConstraint("source", "kind", "url", name="uq_unfinished_source_kind_url"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(index=True)
    kind: str = Field(description="listing, article or attachment")
    url: str
    board_id: str | None = Field(default=None, description="the article's board id (articles)")
    reason: str = Field(description="why the last try failed: HTTP 500, timeout, not stored, ...")
    attempts: int = Field(default=1, description="runs that tried and failed")
    first_failed: datetime
    last_failed: datetime
    run_id: int | None = Field(default=None, description="the last run that failed it (crawlrun.id)")


# --------------------------------------------------------------------------- search structures
# Not tables of the models (so alembic's comparison leaves them aside, see storage.database.schema
# .include_name): full-text search over article titles and bodies, made for a new database here
# (create_all) and for an upgraded one by migrations 0003, 0006 and 0007, with the same statements.
#
# SQLite: an FTS5 table over `article` (external content: the text is not stored twice) with the
# trigram tokenizer, kept in step by triggers and, for new and changed articles, once per
# commit (index_pending); two small expression indexes on the last two characters of title
# and body, for two-character queries (see storage.database.search).
# PostgreSQL: pg_trgm GIN indexes for ILIKE on title and body; and, for terms of one or two
# characters, which have no trigram, GIN indexes of the characters and character pairs of title
# and body (`article_grams`: lower-cased, pairs with whitespace left out), added by migration 0006.

SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE article_fts USING fts5("
    "title, body_text, content='article', content_rowid='id', tokenize='trigram')",
    # New and changed articles wait here and are indexed once per commit (index_pending, below):
    # FTS5 writes its memory to disk at every statement that opens a savepoint, which an INSERT
    # or UPDATE firing a trigger does, so indexing from the triggers made a segment of every
    # article written (migration 0007). A waiting article's row holds, when it was indexed
    # before (`indexed`), the title and body the index holds, which the commit deletes from the
    # index (FTS5's 'delete' needs the very values indexed); a deleted article leaves the index
    # at once, with those values when it waits. The triggers insert with WHERE NOT EXISTS, not
    # OR IGNORE: a conflict clause of the statement that fires them (an upsert's DO UPDATE,
    # UPDATE OR REPLACE) would override their own.
    "CREATE TABLE article_fts_pending (id INTEGER PRIMARY KEY, indexed INTEGER NOT NULL, title TEXT, body_text TEXT)",
    "CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN "
    "INSERT INTO article_fts_pending(id, indexed) SELECT new.id, 0 "
    "WHERE NOT EXISTS (SELECT 1 FROM article_fts_pending WHERE id = new.id); END",
    "CREATE TRIGGER article_fts_update AFTER UPDATE OF title, body_text ON article BEGIN "
    "INSERT INTO article_fts_pending(id, indexed, title, body_text) "
    "SELECT old.id, 1, old.title, old.body_text "
    "WHERE NOT EXISTS (SELECT 1 FROM article_fts_pending WHERE id = old.id); END",
    "CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN "
    "INSERT INTO article_fts(article_fts, rowid, title, body_text) "
    "SELECT 'delete', old.id, old.title, old.body_text "
    "WHERE NOT EXISTS (SELECT 1 FROM article_fts_pending WHERE id = old.id) "
    "UNION ALL SELECT 'delete', id, title, body_text FROM article_fts_pending WHERE id = old.id AND indexed; "
    "DELETE FROM article_fts_pending WHERE id = old.id; END",
    "CREATE INDEX ix_article_title_tail ON article (lower(substr(title, -2)))",
    "CREATE INDEX ix_article_body_tail ON article (lower(substr(body_text, -2)))",
)
# `article_grams(title, body)`: every character and every pair of adjacent characters of the
# lower-cased title and body, pairs holding whitespace left out (title and body are joined by a
# space: no pair across them), as a text[] with repeats (GIN keeps each key once). Built from C
# string functions: about 0.6 ms for a body of 1,300 characters; with the index's own work an
# article's insert costs about 1.3 ms more. COST tells the planner that a call is dear, so it
# reads the indexes rather than computing grams row by row (storage.database.search). The indexes compare
# keys byte-wise (COLLATE "C"): cheaper than the database's collation, and only equality
# matters. Statistics off: ANALYZE would compute the grams of its 30,000 sampled rows each time
# (21 s instead of 0.6 s at 100,000 articles).
POSTGRES_GRAMS_FUNCTION = (
    "CREATE OR REPLACE FUNCTION article_grams(title text, body text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 10000 AS $$ "
    "SELECT array_remove(array_remove(string_to_array(l, NULL) "
    r"|| string_to_array(regexp_replace(l, '(..)', '\1 ', 'g'), ' ') "
    r"|| string_to_array(regexp_replace(substr(l, 2), '(..)', '\1 ', 'g'), ' '), ' '), '') "
    "FROM (SELECT translate(lower(coalesce(title, '') || ' ' || coalesce(body, '')), "
    r"E'\t\n\r\f\v', '     ') AS l) AS lowered $$"
)
POSTGRES_GRAMS_DDL = (
    POSTGRES_GRAMS_FUNCTION,
    'CREATE INDEX ix_article_title_grams ON article USING gin ((article_grams(title, NULL) COLLATE "C"))',
    'CREATE INDEX ix_article_grams ON article USING gin ((article_grams(title, body_text) COLLATE "C"))',
    "ALTER INDEX ix_article_title_grams ALTER COLUMN 1 SET STATISTICS 0",
    "ALTER INDEX ix_article_grams ALTER COLUMN 1 SET STATISTICS 0",
)
POSTGRES_SEARCH_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_article_title_trgm ON article USING gin (title gin_trgm_ops)",
    "CREATE INDEX ix_article_body_trgm ON article USING gin (body_text gin_trgm_ops)",
    *POSTGRES_GRAMS_DDL,
)
# Names of those objects (tables include FTS5's shadow tables article_fts_* and
# article_fts_pending).
SEARCH_TABLE_PREFIX = "article_fts"
SEARCH_PENDING_TABLE = "article_fts_pending"  # SQLite, from 0007
SEARCH_INDEXES = frozenset(
    {
        "ix_article_title_tail",
        "ix_article_body_tail",
        "ix_article_title_trgm",
        "ix_article_body_trgm",
        "ix_article_title_grams",
        "ix_article_grams",
    }
)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model (SQLModel sets `__table__` on each, undeclared to mypy)."""
    return model.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass, not in its types


for _statement in SQLITE_SEARCH_DDL:
    event.listen(table_of(Article), "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRES_SEARCH_DDL:
    event.listen(table_of(Article), "after_create", DDL(_statement).execute_if(dialect="postgresql"))


# The other half of the SQLite index's per-commit upkeep: an article the ORM inserts or updates
# marks its session, and before that session's outermost commit the articles waiting in
# article_fts_pending (those of this transaction, and any a writer outside the ORM left) are
# indexed in three statements. What waits when a writer opens the database
# (storage.database.db.make_engine) is indexed then too.
SQLITE_INDEX_PENDING = (
    "INSERT INTO article_fts(article_fts, rowid, title, body_text) "
    "SELECT 'delete', id, title, body_text FROM article_fts_pending WHERE indexed",
    "INSERT INTO article_fts(rowid, title, body_text) "
    "SELECT id, title, body_text FROM article WHERE id IN (SELECT id FROM article_fts_pending)",
    "DELETE FROM article_fts_pending",
)
_ARTICLES_WRITTEN = "bulletins_articles_written"


def _article_written(_mapper, _connection, target) -> None:
    session = object_session(target)
    if session is not None:
        session.info[_ARTICLES_WRITTEN] = True


def index_pending(session: Session) -> None:
    """before_commit of every session: when the ORM wrote articles in it, flush, then index the
    articles waiting (SQLite). A savepoint's commit leaves them to the outermost one."""
    if session.in_nested_transaction():
        return
    session.flush()  # the commit would flush now: its articles mark the session
    if not session.info.pop(_ARTICLES_WRITTEN, False):
        return
    connection = session.connection(bind_arguments={"mapper": Article})
    if connection.dialect.name == "sqlite":
        _index_waiting(connection)


def waiting(connection) -> bool:
    """Whether articles wait in article_fts_pending (SQLite)."""
    return connection.exec_driver_sql(f"SELECT 1 FROM {SEARCH_PENDING_TABLE} LIMIT 1").first() is not None


def index_leftovers(connection) -> bool:
    """Index what waits in article_fts_pending (SQLite; a writer outside the ORM left it), in the
    caller's transaction; whether anything did."""
    if not waiting(connection):
        return False
    _index_waiting(connection)
    return True


def _index_waiting(connection) -> None:
    """SQLITE_INDEX_PENDING, in the caller's transaction."""
    for statement in SQLITE_INDEX_PENDING:
        connection.exec_driver_sql(statement)


event.listen(Article, "after_insert", _article_written)
event.listen(Article, "after_update", _article_written)
event.listen(Session, "before_commit", index_pending)


# Every table model, for code that describes the schema (Datasette's table and column notes).
TABLE_MODELS: tuple[type[SQLModel], ...] = (
    Source,
    Bulletin,
    Article,
    Attachment,
    ViewObservation,
    Capture,
    ArticleRevision,
    PayloadDigest,
    CrawlRun,
    Unfinished,
)
