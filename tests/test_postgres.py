"""PostgreSQL as the database: storage round trips, a real crawl, reparse and rebuild from its
WARC files, and Korean search through the trigram and gram indexes, against a real server.

The server runs in Korea time (tests/services.py): datetimes must still come back as UTC.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from scraper.replica import Board, ReplicaServer
from storage.database.articles import ArticleRecord, AttachmentRecord, record_download, record_listing_views, save_article
from storage.database.db import make_engine, session
from storage.webarchive.digests import first_with_digest, latest_for_url, remember
from storage.database.models import Article, Attachment, Capture, CrawlRun, PayloadDigest, ViewObservation
from storage.database.runs import finish_run, last_run_complete, start_run
from storage.webarchive.warc import RecordLocation

from .conftest import run_cli
from .databases import dispose, new_postgres_database

T1 = datetime(2026, 11, 1, 23, 30, 15, 123456, tzinfo=timezone.utc)  # 2 Nov in Korea
T2 = datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc)
LONG_BODY = "본문 " * 40_000  # Text columns: no length limit


def utc(moment: datetime) -> datetime:
    """SQLite gives UTC wall time without a zone, PostgreSQL (timestamptz) an aware time."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def record(**changes) -> ArticleRecord:
    base = dict(source="gyeonggi-en", board_id="1187", url="http://127.0.0.1/blog/english-news/1187",
                title="[JUN. 2022] Title", issue_month="2022-06", headline="Title", author="관리자",
                published=date(2022, 6, 24), views=87, body_text=LONG_BODY, body_html=f"<p>{LONG_BODY}</p>",
                language="ko", language_probability=0.99,
                attachments=[AttachmentRecord("a.pdf", "http://127.0.0.1/a.pdf", 12595, "application/pdf")],
                warc_file="BULLETINS-x.warc.gz", warc_offset=1234, warc_record_id="<urn:uuid:1>",
                captured_at=T1)
    base.update(changes)
    return ArticleRecord(**base)


@pytest.fixture
def pg_url(postgres):  # the session's server (tests/conftest.py)
    url = new_postgres_database(postgres, "storage")
    yield url
    dispose(url)


def test_tables_and_unique_constraints_are_created_on_postgresql(pg_url):
    engine = make_engine(pg_url)
    found = inspect(engine)
    assert {"article", "attachment", "viewobservation", "capture", "payloaddigest", "crawlrun"} <= set(
        found.get_table_names())
    uniques = {c["name"] for c in found.get_unique_constraints("article")}
    assert "uq_article_source_board" in uniques
    with session(engine) as db:
        db.add(Article(source="s", board_id="1", url="u", first_seen=T1, last_seen=T1))
        db.add(Article(source="s", board_id="1", url="u", first_seen=T1, last_seen=T1))
        with pytest.raises(IntegrityError):
            db.commit()


def test_save_update_observations_and_captures_round_trip_on_postgresql(pg_url):
    engine = make_engine(pg_url)
    with session(engine) as db:
        save_article(db, record(), T1)
        db.commit()
    with session(engine) as db:
        _, created = save_article(db, record(views=120, title="[JUN. 2022] Title (corrected)",
                                             warc_record_id="<urn:uuid:2>", warc_offset=99, captured_at=T2), T2)
        assert record_download(db, "http://127.0.0.1/a.pdf", 12600, "application/pdf") == 1
        assert record_listing_views(db, "gyeonggi-en", "1187", 130, T2)
        db.commit()
    assert not created
    with session(engine) as db:  # a fresh session: values as stored, not as cached
        article = db.exec(select(Article)).one()
        assert (article.views, article.title, article.author, article.published) == (
            130, "[JUN. 2022] Title (corrected)", "관리자", date(2022, 6, 24))
        assert article.body_text == LONG_BODY and article.body_html == f"<p>{LONG_BODY}</p>"
        assert (article.first_seen, article.last_seen) == (T1, T2)
        # SQL sees UTC, as on SQLite, whatever the server's zone (a day, an hour, a comparison
        # with a literal): 23:30 UTC is already 2 November in Seoul.
        assert db.connection().execute(text(
            "select to_char(first_seen, 'YYYY-MM-DD HH24:MI'), first_seen::date = date '2026-11-01'"
            " from article")).one() == ("2026-11-01 23:30", True)
        assert [(a.name, a.size) for a in db.exec(select(Attachment))] == [("a.pdf", 12600)]
        series = db.exec(select(ViewObservation).order_by(ViewObservation.id)).all()
        assert [(o.observed_at, o.views) for o in series] == [(T1, 87), (T2, 120), (T2, 130)]
        captures = db.exec(select(Capture).order_by(Capture.id)).all()
        assert [(c.warc_record_id, c.warc_offset, c.captured_at) for c in captures] == [
            ("<urn:uuid:1>", 1234, T1), ("<urn:uuid:2>", 99, T2)]


def test_same_datetimes_on_sqlite_and_postgresql(pg_url, tmp_path):
    stored = []
    for url in (pg_url, f"sqlite:///{tmp_path / 'b.sqlite'}"):
        with session(make_engine(url)) as db:
            save_article(db, record(), T1)
            db.commit()
        with session(make_engine(url)) as db:
            row = db.exec(select(Article)).one()
            stored.append((utc(row.first_seen), utc(db.exec(select(Capture.captured_at)).one())))
    assert stored[0] == stored[1] == (T1, T1)


def test_digest_index_and_run_records_on_postgresql(pg_url):
    engine = make_engine(pg_url)
    location = RecordLocation("BULLETINS-y.warc.gz", 10, 500, "<urn:uuid:d1>", T1, "sha1:ABC")
    with session(engine) as db:
        remember(db, "http://127.0.0.1/a.pdf", location, etag='"v1"', last_modified="Wed, 01 Jun 2022 00:00:00 GMT")
        db.commit()
        run_id = start_run(db, "gyeonggi-en", '{"full": true}').id
        finish_run(db, run_id, status="ok", complete=True, articles_new=3, warc_files="a.warc.gz,b.warc.gz")
    with session(engine) as db:
        assert first_with_digest(db, "sha1:ABC").warc_record_id == "<urn:uuid:d1>"
        assert latest_for_url(db, "http://127.0.0.1/a.pdf").etag == '"v1"'
        assert last_run_complete(db, "gyeonggi-en")
        run = db.get(CrawlRun, run_id)
        assert run.finished_at >= run.started_at
        assert db.exec(select(PayloadDigest)).one().warc_date.endswith("Z")


def test_a_crawls_components_hold_one_server_connection_between_them(pg_url):
    """Pipeline, capture, conditional fetches, run records... each ask for an engine; on a server
    shared by many crawlers that must not mean an idle connection apiece."""
    import psycopg

    for _ in range(6):
        with session(make_engine(pg_url)) as db:
            db.exec(select(Article)).all()
    database = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql").rsplit("/", 1)[0] + "/postgres") as con:
        held = con.execute("select count(*) from pg_stat_activity where datname = %s", (database,)).fetchone()[0]
    assert held == 1


@pytest.fixture(scope="module")
def crawled(postgres, tmp_path_factory) -> dict:
    """One crawl of a small replica board through `bulletins crawl`, into PostgreSQL and into SQLite."""
    folder = tmp_path_factory.mktemp("pg-crawl")
    pg_url = new_postgres_database(postgres, "crawl")
    board = Board(articles=40)
    with ReplicaServer(board, flaky=False) as server:
        into_pg = run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, "--database-url", pg_url,
                          "--warc-dir", str(folder / "pg-warc"), "--json", cwd=folder)
        into_sqlite = run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url, "--database-url",
                              f"sqlite:///{folder / 'b.sqlite'}", "--warc-dir", str(folder / "sqlite-warc"),
                              "--json", cwd=folder)
    assert into_pg.returncode == 0, into_pg.stdout + into_pg.stderr[-3000:]
    assert into_sqlite.returncode == 0, into_sqlite.stdout + into_sqlite.stderr[-3000:]
    yield dict(board=board, folder=folder, pg_url=pg_url, warc_dir=folder / "pg-warc",
               sqlite=folder / "b.sqlite")
    dispose(pg_url)


def pg_query(url: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as con:
        return con.execute(sql).fetchall()


def test_crawl_into_postgresql_stores_what_a_crawl_into_sqlite_stores(crawled):
    board, pg_url = crawled["board"], crawled["pg_url"]
    columns = ("source, board_id, url, title, issue_month, headline, author, published, views, body_text,"
               " body_html, language, missing_fields")
    attachments = ("select a.board_id, t.name, t.url, t.size, t.content_type from attachment t"
                   " join article a on a.id = t.article_id")
    with sqlite3.connect(crawled["sqlite"]) as con:
        expected = sorted(con.execute(f"select {columns} from article").fetchall())
        expected_attachments = sorted(con.execute(attachments).fetchall())
    got = sorted(tuple(str(v) if isinstance(v, date) else v for v in row)
                 for row in pg_query(pg_url, f"select {columns} from article"))
    got_attachments = sorted(pg_query(pg_url, attachments))
    runs = pg_query(pg_url, "select status, complete, articles_new from crawlrun")
    [(observations,)] = pg_query(pg_url, "select count(*) from viewobservation")
    [(captures,)] = pg_query(pg_url, "select count(*) from capture")
    assert len(expected) == len(board.articles) + len(board.notices)
    assert got == expected
    assert got_attachments == expected_attachments and expected_attachments
    assert runs == [("ok", True, len(expected))]
    assert captures == len(expected) and observations > 0


def parsed_state(url: str) -> tuple[dict, list]:
    """Every parsed column and the attachments per (source, board_id); the captures."""
    from .test_reparse import COLUMNS

    attachments: dict[int, list] = {}
    for article_id, *rest in pg_query(url, "select article_id, name, url, size, content_type from attachment"):
        attachments.setdefault(article_id, []).append(tuple(rest))
    articles = {(row[1], row[2]): (*row[1:], sorted(attachments.get(row[0], [])))
                for row in pg_query(url, f"select id, {', '.join(COLUMNS)} from article")}
    captures = sorted(pg_query(url, "select a.source, a.board_id, c.url, c.warc_file, c.warc_offset,"
                                    " c.warc_record_id, c.captured_at from capture c"
                                    " join article a on a.id = c.article_id"))
    return articles, captures


def test_reparse_and_rebuild_on_postgresql_give_the_crawled_rows(crawled, postgres):
    crawled_state = parsed_state(crawled["pg_url"])
    count = len(crawled_state[0])
    assert count == len(crawled["board"].articles) + len(crawled["board"].notices)
    rebuilt_url = new_postgres_database(postgres, "rebuilt")
    try:
        rebuilt = run_cli("reparse", "--rebuild", "--database-url", rebuilt_url,
                          "--warc-dir", str(crawled["warc_dir"]), cwd=crawled["folder"])
        assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr[-3000:]
        assert f"rebuilt: {count} new, 0 updated" in rebuilt.stdout
        assert parsed_state(rebuilt_url) == crawled_state
    finally:
        dispose(rebuilt_url)
    again = run_cli("reparse", "--database-url", crawled["pg_url"], "--warc-dir", str(crawled["warc_dir"]),
                    cwd=crawled["folder"])
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert "changed fields: none" in again.stdout.splitlines()
    assert f"articles: 0 new, {count} updated" in again.stdout
    assert parsed_state(crawled["pg_url"]) == crawled_state


def plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def test_korean_terms_are_found_through_the_trigram_indexes(postgres, pg_url):
    """The tests' cluster has a UTF-8 LC_CTYPE (tests/services.py), as production needs: pg_trgm
    then makes trigrams of Hangul, and a Korean term of three or more syllables is looked up in
    the GIN index (which hands over the matching row only) instead of scanning every body."""
    from storage.database.search import search

    assert postgres.ctype == "C.UTF-8"
    engine = make_engine(pg_url)
    with session(engine) as db:
        for n in range(40):
            body = "인천시는 탄소중립 위원회를 꾸린다." if n == 7 else f"경기도는 {n}번째 사업을 발표했다."
            save_article(db, record(board_id=str(n), url=f"http://127.0.0.1/ko/{n}", title=f"보도자료 {n}",
                                    body_text=body, body_html=f"<p>{body}</p>", attachments=[],
                                    warc_record_id=f"<urn:uuid:k{n}>"), T1)
        db.commit()
    with session(engine) as db:
        con = db.connection()
        assert con.execute(text("SHOW lc_ctype")).scalar() == "C.UTF-8"
        assert con.execute(text("SELECT cardinality(show_trgm('탄소중립'))")).scalar() == 5
        con.execute(text("SET LOCAL enable_seqscan = off"))  # a table this small would be scanned
        [plan] = con.execute(text("EXPLAIN (ANALYZE, FORMAT JSON) "
                                  "SELECT id FROM article WHERE body_text LIKE '%탄소중립%'")).scalar()
        [lookup] = [node for node in plan_nodes(plan["Plan"]) if node.get("Index Name") == "ix_article_body_trgm"]
        # Under LC_CTYPE C the query has no trigram: the index would hand over all 40 rows to recheck.
        assert (lookup["Node Type"], lookup["Actual Rows"]) == ("Bitmap Index Scan", 1)
        assert [hit.board_id for hit in search(db, "탄소중립")] == ["7"]


def test_short_terms_are_found_through_the_gram_indexes(pg_url):
    """Terms of one or two characters have no trigram: they go through the GIN indexes of
    article_grams (migration 0006), which hand over exactly the matching rows. The plan of every
    statement search() runs takes its rows from those indexes and never computes a row's grams
    (article_grams in no Filter and nothing removed by a recheck), as the planner chooses alone."""
    from sqlalchemy import event

    from storage.database.search import search

    engine = make_engine(pg_url)
    with session(engine) as db:
        for n in range(40):
            body = ("인천시는 탄소중립 위원회를 꾸린다.\n담당: 도청" if n == 7 else
                    f"경기도는 {n}번째 사업을 발표했다. Seoul Cooperation" if n % 2 else f"{n}번째 Busan 소식")
            save_article(db, record(board_id=str(n), url=f"http://127.0.0.1/ko/{n}", title=f"보도자료 {n}",
                                    body_text=body, body_html=f"<p>{body}</p>", attachments=[],
                                    warc_record_id=f"<urn:uuid:g{n}>"), T1)
        db.commit()
        connection = db.connection()
        grams = connection.execute(text("SELECT article_grams('Ab 가나다', E'\\tX')")).scalar()
        assert set(grams) == {"a", "b", "가", "나", "다", "x", "ab", "가나", "나다"}  # lower-cased, no pair
        assert connection.execute(text("SELECT article_grams(NULL, NULL)")).scalar() == []  # across whitespace

    statements = []

    @event.listens_for(engine, "before_cursor_execute")
    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("SELECT a.id FROM article"):
            statements.append((statement, parameters))

    odd = [str(n) for n in range(39, 0, -2) if n != 7]   # same date: the newer row first
    queries = {"도청": ["7"], "꾸": ["7"], "경기 탄소중립": [], "시 탄소중립": ["7"], "seoul 경기": odd,
               "료 4": ["34", "24", "14", "4"], "부산 BUSAN": []}
    for query, found in queries.items():
        with session(engine) as db:
            assert [hit.board_id for hit in search(db, query)] == found, query
    event.remove(engine, "before_cursor_execute", keep)
    assert len(statements) >= len(queries)
    with engine.connect() as connection:
        for statement, parameters in statements:
            [plan] = connection.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()
            nodes = list(plan_nodes(plan["Plan"]))
            scans = [node["Index Name"] for node in nodes if node["Node Type"] == "Bitmap Index Scan"]
            assert scans in (["ix_article_title_grams"], ["ix_article_grams"]), (statement, parameters)
            assert not any("article_grams" in node.get("Filter", "") for node in nodes)
            assert not any(node.get("Rows Removed by Index Recheck") for node in nodes)
    # A lossy bitmap would compute grams: the search raises work_mem for its transaction only.
    with session(engine) as db:
        search(db, "도청")
        assert db.connection().execute(text("SHOW work_mem")).scalar() == "64MB"
    with session(engine) as db:
        assert db.connection().execute(text("SHOW work_mem")).scalar() == "4MB"
    # The grams follow an update (the index is over the columns: nothing else to keep in step).
    with session(engine) as db:
        db.connection().execute(text("UPDATE article SET body_text = '부산시 소식' WHERE board_id = '7'"))
        db.commit()
        assert [hit.board_id for hit in search(db, "도청")] == []
        assert [hit.board_id for hit in search(db, "산시")] == ["7"]
