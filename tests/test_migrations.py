"""Schema migrations: a populated first-release database is upgraded by `bulletins db upgrade`
and loses nothing; outdated databases are refused in one line; head matches the models."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timezone
from uuid import uuid4

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, Table, inspect, text
from sqlmodel import SQLModel, create_engine, select

from storage.database import schema
from storage.database.articles import ArticleRecord, AttachmentRecord, content_hash, save_article
from storage.config import StorageError
from storage.database.db import make_engine, session
from storage.database.models import (Article, ArticleRevision, Attachment, Bulletin, Capture, CrawlRun, PayloadDigest, Source, Unfinished, ViewObservation)
from storage.database.search import search

from .databases import dispose
from .services import postgres_server

# The DDL the first release (commit 370f414) wrote with create_all, as sqlite_master kept it.
FIRST_RELEASE_DDL = """
CREATE TABLE article (
	id INTEGER NOT NULL, 
	source VARCHAR NOT NULL, 
	board_id VARCHAR NOT NULL, 
	url VARCHAR NOT NULL, 
	title VARCHAR, 
	issue_month VARCHAR, 
	headline VARCHAR, 
	author VARCHAR, 
	published DATE, 
	views INTEGER, 
	body_text TEXT, 
	body_html TEXT, 
	language VARCHAR, 
	language_probability FLOAT, 
	missing_fields VARCHAR, 
	first_seen DATETIME NOT NULL, 
	last_seen DATETIME NOT NULL, 
	warc_file VARCHAR, 
	warc_offset INTEGER, 
	warc_record_id VARCHAR, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_article_source_board UNIQUE (source, board_id)
);
CREATE INDEX ix_article_issue_month ON article (issue_month);
CREATE INDEX ix_article_published ON article (published);
CREATE INDEX ix_article_source ON article (source);
CREATE TABLE attachment (
	id INTEGER NOT NULL, 
	article_id INTEGER NOT NULL, 
	name VARCHAR NOT NULL, 
	url VARCHAR NOT NULL, 
	size INTEGER, 
	content_type VARCHAR, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_attachment_article_url UNIQUE (article_id, url), 
	FOREIGN KEY(article_id) REFERENCES article (id)
);
CREATE INDEX ix_attachment_article_id ON attachment (article_id);
CREATE TABLE viewobservation (
	id INTEGER NOT NULL, 
	article_id INTEGER NOT NULL, 
	observed_at DATETIME NOT NULL, 
	views INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(article_id) REFERENCES article (id)
);
CREATE INDEX ix_viewobservation_article_id ON viewobservation (article_id);
"""

ARTICLES = [
    (1, "gyeonggi-ko", "501", "http://127.0.0.1/blog/korean-news/501",
     "[2022년 6월] 경기도, 반도체 특화단지 지정 신청", "2022-06", "경기도, 반도체 특화단지 지정 신청",
     "관리자", "2022-06-24", 87, "경기도는 24일 반도체 특화단지 지정을 신청했다.\n\n둘째 문단입니다.",
     "<p>경기도는 24일 반도체 특화단지 지정을 신청했다.</p><p>둘째 문단입니다.</p>", "ko", 0.9999, None,
     "2026-11-01 03:00:00.000000", "2026-11-02 03:00:00.000000",
     "BULLETINS-20261101030000000-00000-127.0.0.1.warc.gz", 1234, "<urn:uuid:8c1a7e0e-0001>"),
    (2, "gyeonggi-en", "1187", "http://127.0.0.1/blog/english-news/1187",
     "[JUN. 2022] Gyeonggi applies for a chip cluster", "2022-06", "Gyeonggi applies for a chip cluster",
     "관리자", None, None, "Body", "<p>Body</p>", "en", 0.857142, "published,views",
     "2026-11-01 03:00:05.250000", "2026-11-01 03:00:05.250000",
     "BULLETINS-20261101030000000-00000-127.0.0.1.warc.gz", 99871, "<urn:uuid:8c1a7e0e-0002>"),
    (3, "gyeonggi-ko", "502", "http://127.0.0.1/blog/korean-news/502", "도민 여러분께 알립니다 (Notice)",
     None, "도민 여러분께 알립니다 (Notice)", None, "2022-07-01", 5, "한국어와 English 혼합 본문",
     None, "ko", 0.4, None, "2026-11-02 03:00:00.000000", "2026-11-02 03:00:00.000000", None, None, None),
]
ATTACHMENTS = [
    (1, 1, "붙임1. 보도자료.hwp", "http://127.0.0.1/files/%EB%B3%B4%EB%8F%84.hwp", 40960, "application/x-hwp"),
    (2, 1, "사진 1.jpg", "http://127.0.0.1/files/photo-1.jpg", None, None),
    (3, 2, "a.pdf", "http://127.0.0.1/files/a.pdf", 12595, "application/pdf"),
]
OBSERVATIONS = [
    (1, 1, "2026-11-01 03:00:00.000000", 80),
    (2, 1, "2026-11-02 03:00:00.000000", 87),
    (3, 3, "2026-11-02 03:00:00.000000", 5),
]
NEW_TABLES = {"capture", "crawlrun", "payloaddigest", "source", "bulletin", "articlerevision"}
HEAD = "0007"
OUTDATED = ("the database schema is older than this version of bulletin-archiver: "
            "run `bulletins db upgrade`")


def test_the_head_a_database_is_opened_at_without_alembic_is_the_migrations_head():
    # storage.database.schema.HEAD spares start-up Alembic's scripts: a migration added without
    # moving it would have every database the migration brings to head refused as not current
    assert schema.HEAD == schema.scripts().get_current_head() == HEAD


def test_a_database_at_head_is_opened_without_importing_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'head.sqlite'}"
    code = ("import sys\nfrom storage.database.db import make_engine\nmake_engine(sys.argv[1]).dispose()\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'mako'}))")
    made = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "[]"  # a new database is made and stamped without Alembic too
    opened = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, timeout=120)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.strip() == "[]"
    assert schema.database_state(url) == schema.State(HEAD, True)


def test_a_new_database_is_stamped_as_alembic_stamps_one(any_url, tmp_path):
    """make_engine stamps a new database itself: the version table it makes, and the revision
    in it, are those `alembic stamp head` makes."""
    make_engine(any_url).dispose()
    ours = version_table(any_url)
    engine = create_engine(any_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    stamp = schema.migration_engine(any_url)
    with stamp.connect() as connection:
        command.stamp(schema.alembic_config(connection), "head")
        connection.commit()
    stamp.dispose()
    assert version_table(any_url) == ours
    assert ours[-1] == [(HEAD,)]


def version_table(url: str) -> tuple:
    """alembic_version's columns, primary key and rows, as the database describes them."""
    engine = create_engine(url)
    try:
        described = inspect(engine)
        columns = [(c["name"], str(c["type"]), c["nullable"]) for c in described.get_columns("alembic_version")]
        with engine.connect() as connection:
            rows = [tuple(r) for r in connection.execute(text("SELECT version_num FROM alembic_version"))]
        return columns, described.get_pk_constraint("alembic_version"), rows
    finally:
        engine.dispose()


def bulletins(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`bulletins ARGS` in a process of its own. Until scraper/cli/__init__.py imports the db
    module, the group is registered here by importing it first; then tests.conftest.run_cli."""
    full_env = {k: v for k, v in os.environ.items() if k != "BULLETINS_DATABASE_URL"}
    full_env.update(env or {})
    code = "import scraper.cli.db; from scraper.cli import main; main(prog_name='bulletins')"
    return subprocess.run([sys.executable, "-c", code, *args], env=full_env, text=True,
                          capture_output=True, timeout=120)


def first_release_database(path) -> str:
    """A database as the first release left it: its DDL, Korean and English rows, no version."""
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_RELEASE_DDL)
        db.executemany(f"INSERT INTO article VALUES ({','.join('?' * 20)})", ARTICLES)
        db.executemany("INSERT INTO attachment VALUES (?,?,?,?,?,?)", ATTACHMENTS)
        db.executemany("INSERT INTO viewobservation VALUES (?,?,?,?)", OBSERVATIONS)
    db.close()
    return f"sqlite:///{path}"


def first_release_rows(path) -> dict[str, list[tuple]]:
    """Every row of the first release's tables, by its columns, exactly as stored."""
    with sqlite3.connect(path) as db:
        return {table: db.execute(f"SELECT {', '.join(sorted(columns))} FROM {table} ORDER BY id").fetchall()
                for table, columns in schema.FIRST_RELEASE_COLUMNS.items()}


def dump(path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def schema_sql(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                          "WHERE tbl_name != 'alembic_version' ORDER BY name").fetchall()


def alembic_check(url: str) -> None:
    """`alembic check`: raises AutoGenerateDiffsDetected when the models differ from the database."""
    engine = schema.migration_engine(url)
    try:
        with engine.connect() as connection:
            command.check(schema.alembic_config(connection))
    finally:
        engine.dispose()


def migrate_to(url: str, revision: str) -> None:
    engine = schema.migration_engine(url)
    try:
        with engine.connect() as connection:
            command.upgrade(schema.alembic_config(connection), revision)
            connection.commit()
    finally:
        engine.dispose()


def test_upgrade_of_a_first_release_database_loses_nothing_and_adds_the_new_schema(tmp_path):
    path = tmp_path / "old.sqlite"
    url = first_release_database(path)
    before = first_release_rows(path)
    assert [len(rows) for rows in before.values()] == [3, 3, 3]

    result = bulletins("db", "upgrade", "--database-url", url)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"database: {url}",
                                          f"upgraded: 0001 (no version recorded) -> {HEAD} (head)"]
    assert first_release_rows(path) == before
    found = inspect(create_engine(url))
    assert NEW_TABLES <= set(found.get_table_names())
    assert "extractor_version" in {c["name"] for c in found.get_columns("article")}
    assert "ix_attachment_url" in {i["name"] for i in found.get_indexes("attachment")}
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM article WHERE extractor_version IS NOT NULL").fetchone() == (0,)
    alembic_check(url)  # the upgraded database is exactly what the models describe
    assert bulletins("db", "current", "--database-url", url).stdout == f"{HEAD} (head)\n"


def test_the_upgraded_database_works_with_the_current_models(tmp_path):
    url = first_release_database(tmp_path / "old.sqlite")
    assert bulletins("db", "upgrade", "--database-url", url).returncode == 0
    seen = datetime(2026, 11, 3, 3, 0, tzinfo=timezone.utc)
    with session(make_engine(url)) as db:
        old = db.get(Article, 1)
        assert (old.author, old.headline, old.published, old.first_seen, old.language_probability) == (
            "관리자", "경기도, 반도체 특화단지 지정 신청", date(2022, 6, 24),
            datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc), 0.9999)
        assert [a.name for a in old.attachments] == ["붙임1. 보도자료.hwp", "사진 1.jpg"]
        row, created = save_article(db, ArticleRecord(
            source="gyeonggi-ko", board_id="501", url=old.url, title=old.title, headline=old.headline,
            author="관리자", published=date(2022, 6, 24), views=120, body_text=old.body_text,
            language="ko", attachments=[AttachmentRecord("붙임1. 보도자료.hwp", ATTACHMENTS[0][3], 40960)],
            warc_file="BULLETINS-new.warc.gz", warc_offset=77, warc_record_id="<urn:uuid:new>",
            captured_at=seen, extractor_version="gyeonggi_ko/1"), seen)
        db.add(CrawlRun(source="gyeonggi-ko", started_at=seen, status="ok", complete=True))
        db.add(PayloadDigest(digest="sha1:ABC", url=ATTACHMENTS[0][3], warc_record_id="<urn:uuid:att>",
                             warc_date="2026-11-03T03:00:00Z", warc_file="BULLETINS-new.warc.gz", warc_offset=5))
        db.commit()
        assert not created and row.id == 1
    with session(make_engine(url)) as db:
        article = db.get(Article, 1)
        assert (article.views, article.extractor_version, article.first_seen, article.last_seen) == (
            120, "gyeonggi_ko/1", datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc), seen)
        series = db.exec(select(ViewObservation.views).where(ViewObservation.article_id == 1)
                         .order_by(ViewObservation.observed_at)).all()
        assert series == [80, 87, 120]
        assert len(db.exec(select(Attachment).where(Attachment.article_id == 1)).all()) == 2
        assert [c.warc_record_id for c in db.exec(select(Capture))] == ["<urn:uuid:new>"]
        assert db.exec(select(CrawlRun)).one().complete is True
        assert db.exec(select(PayloadDigest)).one().digest == "sha1:ABC"
        assert db.get(Article, 3).headline == "도민 여러분께 알립니다 (Notice)"


def test_make_engine_refuses_an_outdated_database_in_one_line(tmp_path):
    unversioned = first_release_database(tmp_path / "first-release.sqlite")
    versioned = f"sqlite:///{tmp_path / 'at-0001.sqlite'}"
    migrate_to(versioned, "0001")
    before = dump(tmp_path / "first-release.sqlite")
    for url in (unversioned, versioned):
        with pytest.raises(StorageError) as err:
            make_engine(url)
        assert str(err.value) == OUTDATED
    assert bulletins("db", "current", "--database-url", versioned).stdout == (
        f"0001 (older than {HEAD}: run `bulletins db upgrade`)\n")
    shown = bulletins("show", "1", "--database-url", unversioned)  # any command that opens it
    assert (shown.returncode, shown.stdout, shown.stderr) == (2, "", f"bulletins: error: {OUTDATED}\n")
    assert dump(tmp_path / "first-release.sqlite") == before  # refused, not touched


def test_an_unversioned_first_release_database_is_recognized(tmp_path):
    url = first_release_database(tmp_path / "old.sqlite")
    result = bulletins("db", "current", "--database-url", url)
    assert (result.returncode, result.stdout) == (0, (
        "0001 (no version recorded: made by the first release; "
        f"older than {HEAD}: run `bulletins db upgrade`)\n"))
    # A first-release schema is what migration 0001 builds, to the letter.
    built = tmp_path / "migrated.sqlite"
    migrate_to(f"sqlite:///{built}", "0001")
    assert schema_sql(built) == schema_sql(tmp_path / "old.sqlite")


def test_upgrading_twice_changes_nothing_the_second_time(tmp_path):
    path = tmp_path / "old.sqlite"
    url = first_release_database(path)
    assert bulletins("db", "upgrade", env={"BULLETINS_DATABASE_URL": url}).returncode == 0
    upgraded = dump(path)
    again = bulletins("db", "upgrade", env={"BULLETINS_DATABASE_URL": url})
    assert (again.returncode, again.stdout.splitlines()[-1]) == (0, f"already at {HEAD} (head): nothing to do")
    assert dump(path) == upgraded


def test_a_database_of_a_development_version_between_the_two_is_upgraded(tmp_path):
    """Commit 9d17010 added capture and extractor_version with create_all and no version."""
    path = tmp_path / "dev.sqlite"
    url = first_release_database(path)
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE article ADD COLUMN extractor_version VARCHAR")
        db.execute("UPDATE article SET extractor_version = 'gyeonggi_en/1' WHERE id = 2")
        db.execute("CREATE INDEX ix_attachment_url ON attachment (url)")
    SQLModel.metadata.tables["capture"].create(create_engine(url))
    with pytest.raises(StorageError, match="older than"):
        make_engine(url)
    result = bulletins("db", "upgrade", "--database-url", url)
    assert result.returncode == 0, result.stderr
    alembic_check(url)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT id, extractor_version FROM article ORDER BY id").fetchall() == [
            (1, None), (2, "gyeonggi_en/1"), (3, None)]


def test_a_new_database_is_created_at_head_and_a_premigration_one_is_stamped(tmp_path):
    new = f"sqlite:///{tmp_path / 'new.sqlite'}"
    make_engine(new).dispose()
    assert schema.database_state(new) == schema.State(HEAD, True)
    alembic_check(new)
    # Made by a version with today's tables but before migrations existed: no version recorded.
    premigration = f"sqlite:///{tmp_path / 'premigration.sqlite'}"
    SQLModel.metadata.create_all(create_engine(premigration))
    assert schema.database_state(premigration) == schema.State(HEAD, False)
    make_engine(premigration).dispose()
    assert schema.database_state(premigration) == schema.State(HEAD, True)


def test_an_empty_database_file_is_upgraded_by_every_migration(tmp_path):
    path = tmp_path / "empty.sqlite"
    sqlite3.connect(path).close()
    result = bulletins("db", "upgrade", "--database-url", f"sqlite:///{path}")
    assert result.stdout.splitlines()[-1] == f"upgraded: empty -> {HEAD} (head)"
    alembic_check(f"sqlite:///{path}")


@pytest.mark.filterwarnings(f"ignore:{schema.EXPRESSION_INDEX_WARNING}")
def test_head_matches_the_models_so_a_model_change_needs_a_migration(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    migrate_to(url, "head")
    alembic_check(url)
    # The same comparison notices a model column that no migration adds.
    changed = MetaData()
    for table in SQLModel.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["crawlrun"].append_column(Column("not_migrated", String))
    with create_engine(url).connect() as connection:
        # the comparison storage.database.schema and env.py make: search structures are not models
        context = MigrationContext.configure(connection, opts={"include_name": schema.include_name})
        diffs = compare_metadata(context, changed)
    assert [(d[0], d[2], d[3].name) for d in diffs] == [("add_column", "crawlrun", "not_migrated")]


def test_a_failed_upgrade_leaves_the_database_as_it_was(tmp_path):
    path = tmp_path / "old.sqlite"
    url = first_release_database(path)
    with sqlite3.connect(path) as db:  # an index name 0002 needs, taken: its step fails late
        db.execute("CREATE INDEX ix_crawlrun_source ON article (source)")
    before = dump(path)
    result = bulletins("db", "upgrade", "--database-url", url)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("bulletins: error: upgrade failed, the database is unchanged: ")
    assert dump(path) == before


def test_a_newer_or_missing_database_is_a_one_line_usage_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'newer.sqlite'}"
    make_engine(url).dispose()
    with sqlite3.connect(tmp_path / "newer.sqlite") as db:
        db.execute("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(StorageError, match="newer than this version"):
        make_engine(url)
    result = bulletins("db", "upgrade", "--database-url", url)
    assert (result.returncode, len(result.stderr.splitlines())) == (2, 1)
    assert "(0099) is newer than this version" in result.stderr
    missing = bulletins("db", "current", "--database-url", f"sqlite:///{tmp_path / 'nope.sqlite'}")
    assert (missing.returncode, missing.stderr) == (2, f"bulletins: error: no database at {tmp_path / 'nope.sqlite'}\n")
    assert not (tmp_path / "nope.sqlite").exists()


# --------------------------------------------------------------------------- 0003 on a 0002 database

T0 = datetime(2026, 10, 30, 22, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)
T2 = datetime(2026, 11, 2, 3, 0, 5, 250000, tzinfo=timezone.utc)
T3 = datetime(2026, 11, 5, 3, 0, tzinfo=timezone.utc)
KO_BODY = "경기도는 24일 국제협력네트워크를 넓힌다고 밝혔다.\n\n조회수 87\n\n둘째 문단입니다."
ERA_0002 = {  # rows as a 0002 database holds them (every table of that revision)
    "article": [
        dict(id=1, source="gyeonggi-ko", board_id="501", url="http://127.0.0.1/ko/501",
             title="[2022년 6월] 경기도, 국제협력 강화", issue_month="2022-06", headline="경기도, 국제협력 강화",
             author="관리자", published=date(2022, 7, 2), views=87, body_text=KO_BODY, body_html="<p>…</p>",
             language="ko", language_probability=0.99, missing_fields=None, first_seen=T1, last_seen=T2,
             warc_file="BULLETINS-a.warc.gz", warc_offset=1234, warc_record_id="<urn:uuid:k1>",
             extractor_version="gyeonggi_ko/1"),
        dict(id=2, source="gyeonggi-en", board_id="1187", url="http://127.0.0.1/en/1187",
             title="Semiconductor cluster", issue_month=None, headline="Semiconductor cluster", author=None,
             published=date(2022, 7, 1), views=None, body_text="Gyeonggi applies for a chip cluster.",
             body_html=None, language="en", language_probability=0.9, missing_fields="views",
             first_seen=T2, last_seen=T2, warc_file=None, warc_offset=None, warc_record_id=None,
             extractor_version=None),
        dict(id=3, source="gyeonggi-en", board_id="1188", url="http://127.0.0.1/en/1188",
             title="A notice without date or body", issue_month=None, headline=None, author=None,
             published=None, views=None, body_text=None, body_html=None, language=None,
             language_probability=None, missing_fields="published,body_text", first_seen=T1, last_seen=T1,
             warc_file=None, warc_offset=None, warc_record_id=None, extractor_version="gyeonggi_en/1"),
        dict(id=4, source="seoul-ko", board_id="9", url="http://127.0.0.1/seoul/9", title="서울시 도청 방문",
             issue_month="2022-06", headline="서울시 도청 방문", author=None, published=date(2022, 6, 3),
             views=3, body_text="서울시 공무원이 경기도청을 찾았다.", body_html=None, language="ko",
             language_probability=1.0, missing_fields=None, first_seen=T1, last_seen=T1, warc_file=None,
             warc_offset=None, warc_record_id=None, extractor_version=None),
    ],
    "attachment": [dict(id=1, article_id=1, name="붙임.hwp", url="http://127.0.0.1/f/1.hwp", size=40960,
                        content_type="application/x-hwp")],
    "viewobservation": [dict(id=1, article_id=1, observed_at=T1, views=80),
                        dict(id=2, article_id=1, observed_at=T2, views=87)],
    "capture": [dict(id=1, article_id=1, url="http://127.0.0.1/ko/501", warc_file="BULLETINS-a.warc.gz",
                     warc_offset=1234, warc_record_id="<urn:uuid:k1>", captured_at=T2)],
    "payloaddigest": [dict(id=1, digest="sha1:ABC", url="http://127.0.0.1/f/1.hwp", warc_record_id="<urn:uuid:d>",
                           warc_date="2026-11-01T03:00:00Z", warc_file="BULLETINS-a.warc.gz", warc_offset=5,
                           etag=None, last_modified=None)],
    "crawlrun": [dict(id=1, source="gyeonggi-ko", started_at=T0, finished_at=T2, status="ok", complete=True,
                      options=None, listing_pages=3, articles_new=1, articles_updated=0, pages_failed=0,
                      items_failed=0, warc_records=10, warc_files="BULLETINS-a.warc.gz", failure=None),
                 dict(id=2, source="busan-en", started_at=T3, finished_at=None, status="running",
                      complete=False, options=None, listing_pages=0, articles_new=0, articles_updated=0,
                      pages_failed=0, items_failed=0, warc_records=0, warc_files=None, failure=None)],
}


def utc(moment):
    """SQLite gives UTC wall time without a zone (or a string through raw SQL); PostgreSQL an aware time."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def database_at_0002(url: str) -> dict[str, list[tuple]]:
    """A populated 0002 database; returns every row of every table, by the 0002 columns."""
    migrate_to(url, "0002")
    engine = create_engine(url)
    with engine.begin() as connection:
        for table, rows in ERA_0002.items():  # the tables as that revision made them
            connection.execute(Table(table, MetaData(), autoload_with=connection).insert(), rows)
        if connection.dialect.name == "postgresql":
            for table in ERA_0002:  # explicit ids: move the sequences past them
                connection.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
    rows = all_rows(engine, {t: [c["name"] for c in inspect(engine).get_columns(t)] for t in ERA_0002})
    engine.dispose()
    return rows


def all_rows(engine, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {table: [tuple(r) for r in connection.execute(
                    text(f"SELECT {', '.join(names)} FROM {table} ORDER BY id"))]
                for table, names in columns.items()}


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'at-0002.sqlite'}"
    return request.getfixturevalue("postgres").create_database(f"migrations_{uuid4().hex[:12]}")


NEW_SINCE_0002 = {"article": ("bulletin_id", "department",  # 0003
                              "field_problems"),  # 0005
                  "attachment": ("warc_file", "warc_offset", "warc_record_id"),  # 0004
                  "crawlrun": ("host", "pid", "unfinished", "retried", "failures", "package")}


def test_a_populated_0002_database_is_upgraded_keeping_every_row_and_back_filled(any_url):
    before = database_at_0002(any_url)
    assert [len(rows) for rows in before.values()] == [4, 1, 2, 1, 1, 2]
    assert schema.database_state(any_url) == schema.State("0002", True)

    result = bulletins("db", "upgrade", "--database-url", any_url)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == f"upgraded: 0002 -> {HEAD} (head)"
    engine = create_engine(any_url)
    assert all_rows(engine, {t: [c["name"] for c in inspect(engine).get_columns(t)
                                 if c["name"] not in NEW_SINCE_0002.get(t, ())]
                             for t in ERA_0002}) == before
    alembic_check(any_url)
    with session(make_engine(any_url)) as db:
        sources = {s.name: (s.description, s.base_url, utc(s.first_crawled), utc(s.last_crawled))
                   for s in db.exec(select(Source))}
        assert sources == {  # every article source and crawl-run source, spanning both
            "busan-en": (None, None, T3, T3), "gyeonggi-en": (None, None, T1, T2),
            "gyeonggi-ko": (None, None, T0, T2), "seoul-ko": (None, None, T1, T1)}
        bulletins_by_id = {b.id: (b.source, b.month) for b in db.exec(select(Bulletin))}
        assert sorted(bulletins_by_id.values()) == [
            ("gyeonggi-en", "2022-07"), ("gyeonggi-ko", "2022-06"), ("seoul-ko", "2022-06")]
        articles = db.exec(select(Article).order_by(Article.id)).all()
        assert [bulletins_by_id.get(a.bulletin_id) for a in articles] == [
            ("gyeonggi-ko", "2022-06"),   # the issue month beats the published month
            ("gyeonggi-en", "2022-07"),   # published month
            None,                         # neither
            ("seoul-ko", "2022-06")]
        revisions = db.exec(select(ArticleRevision).order_by(ArticleRevision.article_id)).all()
        assert [(r.article_id, r.content_hash, r.title, r.body_text, utc(r.first_seen), utc(r.last_seen),
                 r.warc_file, r.warc_offset, r.warc_record_id, r.extractor_version) for r in revisions] == [
            (a.id, content_hash(a.title, a.body_text), a.title, a.body_text, utc(a.first_seen),
             utc(a.last_seen), a.warc_file, a.warc_offset, a.warc_record_id, a.extractor_version)
            for a in articles]
        # 0004: an attachment's download record comes from the digest index; runs keep their state
        [attachment] = db.exec(select(Attachment)).all()
        assert (attachment.warc_file, attachment.warc_offset, attachment.warc_record_id) == (
            "BULLETINS-a.warc.gz", 5, "<urn:uuid:d>")
        assert [(r.status, r.unfinished, r.retried, r.failures, r.host, r.package) for r in db.exec(
            select(CrawlRun).order_by(CrawlRun.id))] == [("ok", 0, 0, None, None, "(before 0004)"),
                                                         ("running", 0, 0, None, None, None)]
        assert db.exec(select(Unfinished)).all() == []
        # The search index covers the old articles: three-syllable, two-syllable, English.
        assert [h.board_id for h in search(db, "국제협력")] == ["501"]
        assert [h.board_id for h in search(db, "도청")] == ["9"]
        assert [h.board_id for h in search(db, "협력")] == ["501"]
        assert [h.board_id for h in search(db, "CHIP cluster")] == ["1187"]

    # The back-filled hash is the one saves compute: a new view count is no new revision...
    record = ArticleRecord(source="gyeonggi-ko", board_id="501", url="http://127.0.0.1/ko/501",
                           title=ERA_0002["article"][0]["title"], issue_month="2022-06",
                           published=date(2022, 7, 2), body_text=KO_BODY.replace("조회수 87", "조회수 95"),
                           views=95, warc_file="BULLETINS-b.warc.gz", warc_offset=1,
                           warc_record_id="<urn:uuid:k2>", captured_at=T3)
    with session(make_engine(any_url)) as db:
        save_article(db, record, T3)
        db.commit()
    with session(make_engine(any_url)) as db:
        [only] = db.exec(select(ArticleRevision).where(ArticleRevision.article_id == 1)).all()
        assert (utc(only.first_seen), utc(only.last_seen)) == (T1, T3)
        new = save_article(db, ArticleRecord(**{**record.__dict__, "body_text": "고친 본문",
                                                "warc_record_id": "<urn:uuid:k3>"}), T3)[0]
        db.commit()
        assert len(db.exec(select(ArticleRevision).where(ArticleRevision.article_id == new.id)).all()) == 2
        # ...and new articles join the back-filled sources and bulletins.
        save_article(db, ArticleRecord(source="seoul-ko", board_id="10", url="http://127.0.0.1/seoul/10",
                                       issue_month="2022-06", title="서울시 소식"), T3)
        db.commit()
        assert len(db.exec(select(Bulletin)).all()) == 3 and len(db.exec(select(Source)).all()) == 4


def sqlite_schema(path) -> dict:
    """Everything SQLite knows about a database's schema, in a form that ignores how a table's
    CREATE statement was spelled (ALTER TABLE appends to it): columns, keys, indexes (with their
    columns or expressions), triggers and the FTS table, by name."""
    with sqlite3.connect(path) as db:
        shape = {}
        for kind, name, sql in db.execute("SELECT type, name, sql FROM sqlite_master "
                                          "WHERE name != 'alembic_version' ORDER BY name"):
            if kind == "table" and not (sql or "").startswith("CREATE VIRTUAL"):
                shape[name] = (kind, db.execute(f"PRAGMA table_xinfo('{name}')").fetchall(),
                               sorted(db.execute(f"PRAGMA foreign_key_list('{name}')").fetchall()))
            elif kind == "index":
                shape[name] = (kind, db.execute(f"PRAGMA index_xinfo('{name}')").fetchall(),
                               sql and " ".join(sql.split()))
            else:
                shape[name] = (kind, sql)
    db.close()
    return shape


def test_a_new_and_an_upgraded_database_have_the_same_schema(tmp_path):
    new = tmp_path / "new.sqlite"
    make_engine(f"sqlite:///{new}").dispose()
    for old in ("first-release", "at-0002"):
        path = tmp_path / f"{old}.sqlite"
        if old == "first-release":
            first_release_database(path)
        else:
            database_at_0002(f"sqlite:///{path}")
        assert bulletins("db", "upgrade", "--database-url", f"sqlite:///{path}").returncode == 0
        assert sqlite_schema(path) == sqlite_schema(new)
    shape = sqlite_schema(new)
    assert shape["article_fts"][1].startswith("CREATE VIRTUAL TABLE article_fts USING fts5(")
    assert {"article_fts_insert", "article_fts_update", "article_fts_delete",
            "ix_article_title_tail", "ix_article_body_tail"} <= set(shape)


def test_a_new_and_an_upgraded_postgresql_database_have_the_same_schema(postgres):
    new = postgres.create_database(f"new_{uuid4().hex[:12]}")
    make_engine(new)
    old = postgres.create_database(f"old_{uuid4().hex[:12]}")
    database_at_0002(old)
    schema.upgrade(old)

    def shape(url):
        engine = create_engine(url)
        with engine.connect() as connection:
            found = {
                "columns": connection.execute(text(
                    "SELECT table_name, column_name, ordinal_position, data_type, is_nullable "
                    "FROM information_schema.columns WHERE table_schema = 'public' "
                    "ORDER BY table_name, ordinal_position")).all(),
                "indexes": connection.execute(text(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                    "ORDER BY indexname")).all(),
                "constraints": connection.execute(text(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2")).all(),
                "extensions": connection.execute(text("SELECT extname FROM pg_extension ORDER BY 1")).all(),
                **pg_search_objects(connection),
            }
        engine.dispose()
        return found

    assert shape(old) == shape(new)
    indexes = dict(shape(new)["indexes"])
    assert "gin (title gin_trgm_ops)" in indexes["ix_article_title_trgm"]
    assert "gin (body_text gin_trgm_ops)" in indexes["ix_article_body_trgm"]
    assert 'gin (article_grams((title)::text, NULL::text) COLLATE "C")' in indexes["ix_article_title_grams"]
    assert 'gin (article_grams((title)::text, body_text) COLLATE "C")' in indexes["ix_article_grams"]


def pg_search_objects(connection) -> dict:
    """The gram indexes' parts on PostgreSQL (0006): our functions, as defined, and the statistics
    targets of the indexes' expressions (0: ANALYZE leaves them aside)."""
    return {
        "functions": connection.execute(text(
            "SELECT pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = 'public'::regnamespace "
            "AND proname = 'article_grams'")).scalars().all(),
        "statistics": connection.execute(text(
            "SELECT attrelid::regclass::text, attstattarget FROM pg_attribute "
            "WHERE attrelid::regclass::text LIKE 'ix_article_%grams' ORDER BY 1")).all(),
    }


# --------------------------------------------------------------------------- 0005 and back

def migrate_down_to(url: str, revision: str) -> None:
    engine = schema.migration_engine(url)
    try:
        with engine.connect() as connection:
            command.downgrade(schema.alembic_config(connection), revision)
            connection.commit()
    finally:
        engine.dispose()


def populated_at(url: str, revision: str) -> tuple[dict[str, list[str]], dict[str, list[tuple]]]:
    """A populated 0002 database migrated to `revision`: each table's columns, and its rows."""
    database_at_0002(url)
    migrate_to(url, revision)
    engine = create_engine(url)
    columns = {t: [c["name"] for c in inspect(engine).get_columns(t)] for t in ERA_0002}
    rows = all_rows(engine, columns)
    engine.dispose()
    return columns, rows


def test_0005_adds_field_problems_keeping_every_row_and_its_downgrade_drops_only_that(any_url, tmp_path):
    columns, at_0004 = populated_at(any_url, "0004")

    result = bulletins("db", "upgrade", "--database-url", any_url)

    assert (result.returncode, result.stdout.splitlines()[-1]) == (0, f"upgraded: 0004 -> {HEAD} (head)")
    engine = create_engine(any_url)
    assert all_rows(engine, columns) == at_0004
    alembic_check(any_url)
    with session(make_engine(any_url)) as db:
        assert {a.field_problems for a in db.exec(select(Article))} == {None}  # a reparse fills it
        save_article(db, ArticleRecord(source="seoul-ko", board_id="9", url="http://127.0.0.1/seoul/9",
                                       title="서울시 도청 방문", views=None,
                                       missing_fields=["views"],
                                       field_problems={"views": "negative count (-5)"}), T3)
        db.commit()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT field_problems FROM article WHERE id = 4")).scalar_one() == (
            '{"views": "negative count (-5)"}')
    engine.dispose()

    migrate_down_to(any_url, "0004")

    engine = create_engine(any_url)
    assert "field_problems" not in {c["name"] for c in inspect(engine).get_columns("article")}
    assert len(all_rows(engine, columns)["article"]) == 4
    engine.dispose()
    if any_url.startswith("sqlite"):  # the downgrade keeps the search structures: same as at 0004
        fresh = tmp_path / "fresh-0004.sqlite"
        migrate_to(f"sqlite:///{fresh}", "0004")
        assert sqlite_schema(any_url.removeprefix("sqlite:///")) == sqlite_schema(fresh)


# --------------------------------------------------------------------------- 0006 and back

def test_0006_adds_the_gram_indexes_on_postgresql_only_keeping_every_row_and_its_downgrade_drops_them(
        any_url, tmp_path):
    database_at_0002(any_url)
    migrate_to(any_url, "0005")
    engine = create_engine(any_url)
    columns = {t: [c["name"] for c in inspect(engine).get_columns(t)] for t in ERA_0002}
    at_0005 = all_rows(engine, columns)
    sqlite = any_url.startswith("sqlite")

    def structures():
        if sqlite:
            return sqlite_schema(any_url.removeprefix("sqlite:///"))
        with engine.connect() as connection:
            return {"indexes": connection.execute(text(
                        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'article' "
                        "ORDER BY indexname")).all(), **pg_search_objects(connection)}

    before = structures()
    assert sqlite or (before["functions"], before["statistics"]) == ([], [])

    result = bulletins("db", "upgrade", "--database-url", any_url)

    assert (result.returncode, result.stdout.splitlines()[-1]) == (0, f"upgraded: 0005 -> {HEAD} (head)")
    assert all_rows(engine, columns) == at_0005
    alembic_check(any_url)
    after = structures()
    if sqlite:  # the FTS5 trigram table serves short terms there; 0007 changes its upkeep only
        changed = {name for name in after.keys() | before.keys() if after.get(name) != before.get(name)}
        assert changed == {"article_fts_pending", "article_fts_insert", "article_fts_delete", "article_fts_update"}
    else:
        added = dict(after["indexes"]).keys() - dict(before["indexes"]).keys()
        assert added == {"ix_article_title_grams", "ix_article_grams"}
        [function] = after["functions"]
        assert "article_grams(title text, body text)" in function and "COST 10000" in function
        assert after["statistics"] == [("ix_article_grams", 0), ("ix_article_title_grams", 0)]
    with session(make_engine(any_url)) as db:  # short terms in the rows that were there
        assert [h.board_id for h in search(db, "도청")] == ["9"]
        assert [h.board_id for h in search(db, "찾")] == ["9"]
        assert [h.board_id for h in search(db, "협력")] == ["501"]
        assert [h.board_id for h in search(db, "gY CHIP")] == ["1187"]
        assert [h.board_id for h in search(db, "시 경기도청")] == ["9"]
    dispose(any_url)

    migrate_down_to(any_url, "0005")

    assert structures() == before
    assert all_rows(engine, columns) == at_0005
    engine.dispose()


# --------------------------------------------------------------------------- 0007 and back

def test_0007_indexes_new_articles_per_commit_keeping_every_row_and_its_downgrade_restores_the_triggers(
        tmp_path):
    path = tmp_path / "db.sqlite"
    url = f"sqlite:///{path}"
    columns, at_0006 = populated_at(url, "0006")
    before = sqlite_schema(path)

    result = bulletins("db", "upgrade", "--database-url", url)

    assert (result.returncode, result.stdout.splitlines()[-1]) == (0, "upgraded: 0006 -> 0007 (head)")
    engine = create_engine(url)
    assert all_rows(engine, columns) == at_0006
    alembic_check(url)
    triggers = {name: shape[1] for name, shape in sqlite_schema(path).items() if shape[0] == "trigger"}
    assert "article_fts_pending" in triggers["article_fts_insert"]
    assert "article_fts(" not in triggers["article_fts_insert"]
    with session(make_engine(url)) as db:
        assert [h.board_id for h in search(db, "국제협력")] == ["501"]  # indexed before: still found
        save_article(db, ArticleRecord(source="seoul-ko", board_id="9", url="http://127.0.0.1/seoul/9",
                                       title="서울시 도청 방문"), T3)
        db.commit()
        assert [h.board_id for h in search(db, "도청 방문")] == ["9"]
    dispose(url)
    with engine.begin() as connection:  # waiting when the downgrade comes: it indexes it
        connection.execute(text("INSERT INTO article (source, board_id, url, title, first_seen, last_seen) "
                                "VALUES ('s', 'outside', 'http://127.0.0.1/s/outside', '수원시 정책', "
                                "'2026-11-01', '2026-11-01')"))
        connection.execute(text("UPDATE article SET title = '경기도 청주시청 교류' WHERE board_id = '501'"))
    engine.dispose()

    migrate_down_to(url, "0006")

    assert sqlite_schema(path) == before
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 1)")
        assert db.execute("SELECT a.board_id FROM article_fts JOIN article AS a ON a.id = article_fts.rowid "
                          "WHERE article_fts MATCH '수원시 OR \"도청 방문\" OR 청주시청' "
                          "ORDER BY a.board_id").fetchall() == [("501",), ("9",), ("outside",)]
    db.close()


def test_an_unversioned_database_with_the_search_of_before_0007_is_not_taken_for_head(tmp_path):
    """Tables as the models have them but no version recorded and, on SQLite, the search's per-row
    triggers (0006): stamped head, its articles would wait for a table it lacks. It is 0006, and
    `bulletins db upgrade` brings it to head."""
    path = tmp_path / "db.sqlite"
    url = f"sqlite:///{path}"
    make_engine(url).dispose()
    migrate_down_to(url, "0006")
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE alembic_version")
    db.close()
    assert schema.database_state(url) == schema.State("0006", False)
    with pytest.raises(StorageError, match="run `bulletins db upgrade`"):
        make_engine(url)

    result = bulletins("db", "upgrade", "--database-url", url)

    assert result.returncode == 0, result.stderr
    assert schema.database_state(url) == schema.State(HEAD, True)
    new = tmp_path / "new.sqlite"
    make_engine(f"sqlite:///{new}").dispose()
    assert sqlite_schema(path) == sqlite_schema(new)

