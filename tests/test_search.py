"""Full-text search (storage.database.search, `bulletins search`) on SQLite and on a real PostgreSQL:
Korean queries of one, two and more syllables, substrings inside longer words, English, filters,
ranking, snippets, the index kept in step with updates, the same answers from both databases,
and the command's input errors."""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import date, datetime, timezone
from random import Random
from uuid import uuid4

import pytest
from sqlalchemy import bindparam, text

import storage.database.search
from storage.database.articles import ArticleRecord, save_article
from storage.database.db import make_engine, session
from storage.database.search import SearchError, parse_terms, search

from .conftest import run_cli
from .services import postgres_server

SEEN = datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)

# board_id -> (source, language, published, title, body)
ARTICLES = {
    "ko-network": ("gyeonggi-ko", "ko", date(2022, 6, 24), "경기도, 국제협력네트워크 구축",
                   "경기도는 몽골 울란바토르와 교류를 넓힌다고 24일 밝혔다.\n\n의료진 연수도 이어간다."),
    "ko-jobs": ("gyeonggi-ko", "ko", date(2023, 3, 2), "경기도 청년 일자리 지원 확대",
                "경기도는 청년 일자리 예산을 늘린다.\n\n신청은 누리집에서 받는다."),
    "ko-forum": ("seoul-ko", "ko", date(2024, 5, 9), "서울시 교통 정책 토론회 개최",
                 "서울시는 심야버스 노선을 늘린다고 밝혔다."),
    "ko-office": ("seoul-ko", "ko", date(2024, 7, 1), "서울시 주거 지원",
                  "자세한 내용은 주거정책과로 문의하면 된다. 담당: 도청"),
    "ko-carbon": ("incheon-ko", "ko", date(2021, 1, 15), "인천시 2050 목표 발표",
                  "인천시는 탄소중립 실현을 위한 로드맵을 내놓았다. 탄소중립 위원회도 꾸린다."),
    "en-chips-title": ("gyeonggi-en", "en", date(2019, 4, 1), "[APR. 2019] Semiconductor Cluster Selected",
                       "The province was selected for the cluster."),
    "en-chips-body": ("gyeonggi-en", "en", date(2025, 9, 1), "[SEP. 2025] Jobs for Young People",
                      "Semiconductor firms will hire. A semiconductor fair and semiconductor classes follow."),
    "en-chips-once": ("busan-en", "en", date(2024, 2, 2), "[FEB. 2024] Busan Port News",
                      "One semiconductor plant opens near the port."),
    "en-chips-once-newer": ("busan-en", "en", date(2026, 2, 2), "[FEB. 2026] Busan Harbour Update",
                            "Another semiconductor plant opens in the harbour."),
    "en-bus": ("busan-en", "en", date(2023, 8, 8), "[AUG. 2023] Late-Night Bus Service Extended",
               "The Late-Night Bus now runs until 4 a.m. International cooperation with Japan continues."),
    "en-undated": ("busan-en", "en", None, "Notice without a date", "International COOPERATION notice."),
}


def records() -> list[ArticleRecord]:
    return [ArticleRecord(source=source, board_id=board_id, url=f"http://127.0.0.1/{source}/{board_id}",
                          title=title, published=published, body_text=body, language=language)
            for board_id, (source, language, published, title, body) in ARTICLES.items()]


def fill(url: str) -> None:
    with session(make_engine(url)) as db:
        for rec in records():
            save_article(db, rec, SEEN)
        db.commit()


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'search.sqlite'}"
    else:
        url = request.getfixturevalue("postgres").create_database(f"search_{uuid4().hex[:12]}")
    fill(url)
    return url


def found(url: str, query: str, **options) -> list[str]:
    with session(make_engine(url)) as db:
        return [hit.board_id for hit in search(db, query, **options)]


# --------------------------------------------------------------------------- matching

def test_korean_queries_of_two_and_more_syllables(database):
    assert sorted(found(database, "경기")) == ["ko-jobs", "ko-network"]
    assert sorted(found(database, "일자리")) == ["ko-jobs"]
    assert found(database, "탄소중립") == ["ko-carbon"]
    assert found(database, "울란바토르") == ["ko-network"]
    assert found(database, "없는단어") == []


def test_a_korean_substring_inside_a_longer_word(database):
    assert found(database, "협력") == ["ko-network"]         # in 국제협력네트워크
    assert found(database, "협력네트") == ["ko-network"]
    assert found(database, "력네") == ["ko-network"]


def test_two_syllables_at_the_very_end_of_a_title_or_body(database):
    """No trigram starts with a two-character word that ends the text: still found."""
    assert found(database, "개최") == ["ko-forum"]    # last word of the title only
    assert found(database, "도청") == ["ko-office"]   # last word of the body only
    assert found(database, "서울") == ["ko-forum", "ko-office"]  # both in the title; 2 vs 1 matches


def test_one_character_queries_fall_back_to_like(database):
    assert found(database, "몽") == ["ko-network"]
    assert sorted(found(database, "꾸")) == ["ko-carbon"]


def test_english_queries_ignore_case_and_find_substrings(database):
    assert found(database, "cooperation") == ["en-bus", "en-undated"]
    assert found(database, "COOPERAT") == ["en-bus", "en-undated"]
    assert found(database, "bus late-night") == ["en-bus"]   # words: each anywhere
    assert found(database, "late-night port") == []           # ...but every one of them
    assert found(database, '"Late-Night Bus"') == ["en-bus"]  # a quoted phrase: as written
    assert found(database, '"night bus now"') == ["en-bus"]
    assert found(database, '"bus late-night"') == []


def test_every_term_must_match(database):
    assert found(database, "경기 일자리") == ["ko-jobs"]
    assert found(database, "경기 몽골") == ["ko-network"]
    assert found(database, "경기 탄소중립") == []
    assert found(database, "서울 도청") == ["ko-office"]   # two short terms, one at the body's end


# --------------------------------------------------------------------------- ranking and output

def test_title_matches_first_then_more_matches_then_newer(database):
    assert found(database, "semiconductor") == [
        "en-chips-title",       # the only title match, though oldest and with one occurrence
        "en-chips-body",        # three occurrences in the body
        "en-chips-once-newer",  # one each: the newer first
        "en-chips-once",
    ]
    assert found(database, "semiconductor", limit=2) == ["en-chips-title", "en-chips-body"]


def test_hits_carry_what_a_reader_needs(database):
    with session(make_engine(database)) as db:
        [hit] = search(db, "탄소중립")
    assert (hit.source, hit.board_id, hit.url, hit.title, hit.published, hit.language) == (
        "incheon-ko", "ko-carbon", "http://127.0.0.1/incheon-ko/ko-carbon", "인천시 2050 목표 발표",
        date(2021, 1, 15), "ko")
    assert hit.snippet == "인천시는 [탄소중립] 실현을 위한 로드맵을 내놓았다. [탄소중립] 위원회도 꾸린다."
    assert hit.score == 2  # no title match, two occurrences
    with session(make_engine(database)) as db:
        [hit] = search(db, "clusTER selected")
    assert hit.score == 2000 + 4 and hit.snippet == "The province was [selected] for the [cluster]."


def test_filters(database):
    assert found(database, "경기 OR", ) == []  # "OR" is a word to find, not an operator
    assert found(database, "semiconductor", source="busan-en") == ["en-chips-once-newer", "en-chips-once"]
    assert found(database, "semiconductor", since="2024-02", until="2025-12") == ["en-chips-body", "en-chips-once"]
    assert found(database, "semiconductor", until="2024-01") == ["en-chips-title"]
    assert found(database, "cooperation", since="2000-01") == ["en-bus"]  # undated: left out
    assert found(database, "서울", language="en") == []
    assert sorted(found(database, "시는", language="ko", source="seoul-ko")) == ["ko-forum"]


def test_the_index_follows_updates_and_deletes(database):
    engine = make_engine(database)
    with session(engine) as db:
        rec = records()[0]
        rec.body_text = "경기도는 베트남 하노이와 교류를 넓힌다."
        save_article(db, rec, SEEN)
        db.commit()
    assert found(database, "울란바토르") == []
    assert found(database, "하노이") == ["ko-network"]
    with engine.begin() as connection:
        for table in ("articlerevision", "viewobservation", "capture", "attachment"):
            connection.execute(text(f"DELETE FROM {table} WHERE article_id = "
                                    "(SELECT id FROM article WHERE board_id = 'ko-carbon')"))
        connection.execute(text("DELETE FROM article WHERE board_id = 'ko-carbon'"))
    assert found(database, "탄소중립") == []


def fts_checked(path) -> int:
    """How many articles still wait to be indexed; when none does, FTS5's own check of the index
    against the article rows has passed (it raises on any difference: a row missing, one too
    many, a stale text)."""
    with sqlite3.connect(path) as db:
        pending = db.execute("SELECT count(*) FROM article_fts_pending").fetchone()[0]
        if not pending:
            db.execute("INSERT INTO article_fts(article_fts, rank) VALUES ('integrity-check', 1)")
    db.close()
    return pending


def test_sqlite_indexes_new_and_changed_articles_at_their_commit_and_the_index_stays_whole(tmp_path):
    """New and changed articles enter the FTS5 index once per commit
    (storage.database.models.index_pending), not from a trigger per row: whatever happens to an
    article before that commit, the index agrees with the rows after it; a deleted article
    leaves it at once; an article written outside the ORM is indexed at the next commit that
    writes one."""
    path = tmp_path / "search.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    first, second, third, fourth, *rest = records()

    def sql(db, statement: str, board_id: str) -> None:
        db.connection().execute(text(statement), {"b": board_id})

    def delete(db, board_id: str) -> None:
        for table in ("articlerevision", "viewobservation", "capture", "attachment"):
            sql(db, f"DELETE FROM {table} WHERE article_id = (SELECT id FROM article WHERE board_id = :b)", board_id)
        sql(db, "DELETE FROM article WHERE board_id = :b", board_id)

    with session(engine) as db:
        for rec in (first, second, third, fourth):
            save_article(db, rec, SEEN)
        db.flush()  # inserted, waiting for the commit
        assert db.connection().execute(text("SELECT count(*) FROM article_fts_pending")).scalar_one() == 4
        # changed (twice) and deleted before they were ever indexed
        sql(db, "UPDATE article SET title = '경기도 하노이 교류' WHERE board_id = :b", first.board_id)
        sql(db, "UPDATE article SET title = title || ' 2차' WHERE board_id = :b", first.board_id)
        delete(db, second.board_id)
        db.commit()
    assert fts_checked(path) == 0
    assert found(url, "하노이 교류 2차") == [first.board_id]
    assert found(url, "국제협력네트워크") == []  # its title before the updates
    assert found(url, "일자리") == []  # deleted
    with session(engine) as db:  # indexed ones: changed twice, changed then deleted, in one commit
        third.body_text = "인천시 항만 소식"
        save_article(db, third, SEEN)
        db.flush()
        sql(db, "UPDATE article SET body_text = body_text || ' 속보' WHERE board_id = :b", third.board_id)
        sql(db, "UPDATE article SET title = '부산 소식' WHERE board_id = :b", fourth.board_id)
        delete(db, fourth.board_id)
        db.commit()
    assert fts_checked(path) == 0
    assert found(url, "항만 소식 속보") == [third.board_id] and found(url, "심야버스") == []
    assert found(url, "부산 소식") == [] and found(url, "주거 지원") == []
    with engine.begin() as connection:  # a writer outside the ORM: its articles wait...
        connection.execute(text("INSERT INTO article (source, board_id, url, title, first_seen, last_seen) "
                                "VALUES ('s', 'outside', 'http://127.0.0.1/s/outside', '수원시 정책', "
                                "'2026-11-01', '2026-11-01')"))
        connection.execute(text("UPDATE article SET title = '경기도 청주시청 교류' WHERE board_id = :b"),
                           {"b": first.board_id})
    # waiting: the index holds the old title, the row the new one, so neither is found yet by a
    # term of three characters or more (shorter ones read the rows themselves)
    assert fts_checked(path) == 2
    with session(engine) as db:  # this process's engine: opening one would index them (below)
        assert [[hit.board_id for hit in search(db, q)] for q in ("수원시", "하노이", "청주시청")] == [[], [], []]
    with session(engine) as db:  # ...until the next commit that writes articles
        for rec in rest:
            save_article(db, rec, SEEN)
        db.commit()
    assert fts_checked(path) == 0
    assert found(url, "수원시") == ["outside"]
    assert found(url, "청주시청") == [first.board_id] and found(url, "하노이") == []
    assert sorted(found(url, "탄소중립")) == ["ko-carbon"]
    engine.dispose()


def segments(path) -> int:
    with sqlite3.connect(path) as db:
        count = db.execute("SELECT count(DISTINCT segid) FROM article_fts_idx").fetchone()[0]
    db.close()
    return count


def test_sqlite_a_commit_of_new_articles_makes_one_index_segment(tmp_path):
    """What the per-commit upkeep is for: indexed from a trigger per row, each article became an
    FTS5 segment of its own (merged again and again later); one commit makes one."""
    path = tmp_path / "search.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    with session(engine) as db:
        for rec in records()[:3]:
            save_article(db, rec, SEEN)
        db.commit()
    engine.dispose()
    assert fts_checked(path) == 0
    assert segments(path) == 1


def test_sqlite_index_stays_whole_through_upserts_savepoints_and_outside_writers(tmp_path):
    """Statements whose conflict clause overrides the triggers' own (an upsert's DO UPDATE,
    UPDATE OR REPLACE), savepoints rolled back around a committed one, and articles a writer
    outside the ORM leaves waiting (indexed when a writer next opens the database)."""
    path = tmp_path / "search.sqlite"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    first, second, *rest = records()
    with session(engine) as db:
        save_article(db, first, SEEN)
        db.commit()
    upsert = ("INSERT INTO article (source, board_id, url, title, first_seen, last_seen) "
              "VALUES ('s', :b, 'http://127.0.0.1/s', :t, '2026-11-01', '2026-11-01') "
              "ON CONFLICT (source, board_id) DO UPDATE SET title = excluded.title")
    with engine.begin() as connection:
        connection.execute(text(upsert), {"b": "up", "t": "대전시 첫 소식"})
        connection.execute(text(upsert), {"b": "up", "t": "대전시 둘째 소식"})  # waiting already
        for title in ("광주시 하나", "광주시 둘"):
            connection.execute(text("UPDATE OR REPLACE article SET title = :t WHERE board_id = :b"),
                               {"t": title, "b": first.board_id})
    assert fts_checked(path) == 2
    engine.dispose()
    engine = make_engine(url)  # a writer opens the database: what waits is indexed
    assert fts_checked(path) == 0
    assert found(url, "대전시 둘째") == ["up"] and found(url, "첫 소식") == []
    assert found(url, "광주시 둘") == [first.board_id] and found(url, "국제협력네트워크") == []
    with session(engine) as db:
        outer = db.begin_nested()
        save_article(db, second, SEEN)
        inner = db.begin_nested()
        save_article(db, rest[0], SEEN)
        inner.commit()
        outer.rollback()  # both gone
        save_article(db, rest[1], SEEN)
        db.commit()
    assert fts_checked(path) == 0
    assert found(url, "일자리") == [] and found(url, "심야버스") == []
    assert found(url, "주거정책과") == [rest[1].board_id]
    engine.dispose()


def test_sqlite_a_writer_opening_beside_another_takes_no_lock_when_nothing_waits(tmp_path, caplog):
    """Opening the database looks for articles left waiting for the index; a crawl starting while
    another writes to the same database must not queue for its write lock to find none."""
    path = tmp_path / "search.sqlite"
    make_engine(f"sqlite:///{path}").dispose()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer, mid-transaction
    try:
        with caplog.at_level(logging.INFO, logger="storage.database.schema"):
            make_engine(f"sqlite:///{path}").dispose()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "search index" not in caplog.text


# --------------------------------------------------------------------------- SQLite and PostgreSQL alike

WORDS = ["경기도", "경기", "도청", "국제협력네트워크", "협력", "서울시", "개최", "몽골", "탄소중립", "청년",
         "일자리", "주민", "시", "도", "의", "문화", "관광", "Gyeonggi", "cooperation", "COOPERATION",
         "Late-Night", "bus", "Bus", "semiconductor", "2050", "24일", "(사진)", "※", "a", "A", "x"]


def corpus() -> list[ArticleRecord]:
    """Articles strung together from WORDS at random (seeded): words at the very start and end of
    titles and bodies, glued to others or apart, across lines and tabs, in either case."""
    rng = Random(13)
    glue = ["", "", " ", "\n", "\n\n", "\t", ", ", ". "]

    def text_of(n: int) -> str:
        return "".join(rng.choice(WORDS) + rng.choice(glue) for _ in range(n)).strip() or "빈"

    found = []
    for n in range(60):
        title = None if n == 7 else text_of(rng.randint(1, 4))
        body = None if n == 11 else text_of(rng.randint(1, 30))
        published = None if n % 9 == 0 else date(2018 + n % 8, 1 + n % 12, 1 + n % 28)
        found.append(ArticleRecord(source=("a-ko", "b-en")[n % 2], board_id=f"c{n}",
                                   url=f"http://127.0.0.1/c/{n}", title=title, published=published,
                                   body_text=body, language=("ko", "en")[n % 2]))
    return found


def expected(records: list[ArticleRecord], query: str) -> set[str]:
    """What the query means (storage.database.search): every term in the title or the body, any case."""
    def has(record, term):
        return any(term.lower() in (value or "").lower() for value in (record.title, record.body_text))
    return {r.board_id for r in records if all(has(r, term) for term in parse_terms(query))}


def expected_in_title(records: list[ArticleRecord], query: str) -> set[str]:
    """The title tier's matches: those with some term in the title."""
    terms = parse_terms(query)
    return {r.board_id for r in records if r.board_id in expected(records, query)
            and any(term.lower() in (r.title or "").lower() for term in terms)}


def candidates(url: str, query: str, title_only: bool) -> set[str]:
    """Every article the database itself selects for the query (the finder's candidates, before
    ranking in Python, which would hide a database selecting too much)."""
    with session(make_engine(url)) as db:
        connection = db.connection()
        finder = storage.database.search._SQLite if connection.dialect.name == "sqlite" else storage.database.search._Postgres
        ids = finder(connection, parse_terms(query), storage.database.search._Filters(None, None, None, None)).candidates(
            title_only=title_only, limit=10_000)
        return set(connection.execute(text("SELECT board_id FROM article WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)), {"ids": ids or [0]}).scalars())


def test_sqlite_and_postgresql_find_and_rank_the_same_articles(postgres, tmp_path):
    """Every character of the corpus, every pair of characters in it (and pairs it lacks), longer
    words and English ones, alone and together: the same articles in the same order, with the
    same scores and snippets, on both databases, and exactly the articles the query means, as
    each database selects them (on PostgreSQL, terms of one or two characters through the gram
    indexes; longer ones there by their pairs of characters, then LIKE)."""
    records = corpus()
    urls = [f"sqlite:///{tmp_path / 'same.sqlite'}", postgres.create_database(f"same_{uuid4().hex[:12]}")]
    for url in urls:
        with session(make_engine(url)) as db:
            for record in records:
                save_article(db, record, SEEN)
            db.commit()
    texts = [t for r in records for t in (r.title, r.body_text) if t]
    characters = sorted({c for t in texts for c in t if not c.isspace()})
    pairs = sorted({t[i:i + 2] for t in texts for i in range(len(t) - 1) if not any(c.isspace() for c in t[i:i + 2])})
    queries = (characters + Random(5).sample(pairs, 120)
               + ["기경", "청도", "zz", "ㄱ", "Q", "협약", "최개"]          # pairs and characters, some absent
               + ["경기도", "국제협력", "력네트", "Gyeonggi", "GYEONGGI", "cooperat", "late-night bus",
                  '"Late-Night Bus"', "semiconductor", "2050", "(사진)", "없는단어"]
               + ["경기 도청", "시 도", "a 경기", "협력 Gyeonggi", "의 문화 관광", "x 2050", "청년 일자리 주민",
                  "도 semiconductor", '"시 의"', "경기 없는단어"])
    # Three characters whose two pairs are in one article, but not together: that article has
    # the grams of the term without the term (the gram path must still leave it out).
    traps = sorted({a + b[1] for t in texts for a in pairs if a in t for b in pairs
                    if b[0] == a[1] and b in t and a + b[1] not in "\n".join(texts)})
    queries += [f"시 {trap}" for trap in Random(6).sample(traps, 20)]
    results = []
    for url in urls:
        with session(make_engine(url)) as db:
            results.append({q: [(h.board_id, h.score, h.snippet) for h in search(db, q, limit=100)]
                            for q in queries})
    sqlite, postgresql = results
    assert [q for q in queries if sqlite[q] != postgresql[q]] == []
    assert [q for q in queries if {b for b, _, _ in sqlite[q]} != expected(records, q)] == []
    assert sum(1 for q in queries if len(sqlite[q]) > 1) > len(queries) // 2   # not all empty
    assert {q for q in queries if not sqlite[q]} >= {"ㄱ", "zz", "없는단어", "경기 없는단어"}
    for url in urls:
        assert [q for q in queries if candidates(url, q, title_only=False) != expected(records, q)] == []
        assert [q for q in queries if candidates(url, q, title_only=True) != expected_in_title(records, q)] == []
    assert len(sqlite["시"]) > 20 and len(sqlite["경기 도청"]) > 5


def test_bad_input_is_a_search_error(database):
    with session(make_engine(database)) as db:
        for query, options, message in [
            ("", {}, "empty query"), ('  "" ', {}, "empty query"),
            ("경기", {"since": "2022-13"}, "--since: expected a month as YYYY-MM, got '2022-13'"),
            ("경기", {"until": "June"}, "--until: expected a month as YYYY-MM, got 'June'"),
            ("경기", {"since": "2023-01", "until": "2022-12"}, "--since 2023-01 is after --until 2022-12"),
        ]:
            with pytest.raises(SearchError, match="^" + message.replace("(", r"\(")):
                search(db, query, **options)


def test_parse_terms():
    assert parse_terms('경기  "Late-Night   Bus" 경기 x"y') == ["경기", "Late-Night Bus", "xy"]
    assert parse_terms("Gyeonggi gyeonggi") == ["Gyeonggi"]


# --------------------------------------------------------------------------- the command

@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'search.sqlite'}"
    fill(url)
    return url


def test_search_command_prints_ranked_results_with_highlights(filled):
    result = run_cli("search", "semiconductor", "--limit", "2", "--database-url", filled)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "1. gyeonggi-en:en-chips-title · 2019-04-01 · en · score 1001"
    assert lines[1] == "   [APR. 2019] [Semiconductor] Cluster Selected"
    assert lines[3] == "   http://127.0.0.1/gyeonggi-en/en-chips-title"
    assert lines[4] == "2. gyeonggi-en:en-chips-body · 2025-09-01 · en · score 3"
    assert lines[5] == "   [SEP. 2025] Jobs for Young People"
    assert lines[6] == ("   [Semiconductor] firms will hire. A [semiconductor] fair and "
                        "[semiconductor] classes follow.")
    assert lines[-1] == "2 results (--limit 2)"


def test_search_command_json(filled):
    result = run_cli("search", "경기", "--json", "--source", "gyeonggi-ko", "--since", "2023-01",
                     "--lang", "ko", "--database-url", filled)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{
        "source": "gyeonggi-ko", "board_id": "ko-jobs", "url": "http://127.0.0.1/gyeonggi-ko/ko-jobs",
        "title": "경기도 청년 일자리 지원 확대", "published": "2023-03-02", "language": "ko", "score": 1002,
        "snippet": "[경기]도는 청년 일자리 예산을 늘린다. 신청은 누리집에서 받는다."}]
    nothing = run_cli("search", "없는단어", "--json", "--database-url", filled)
    assert (nothing.returncode, json.loads(nothing.stdout)) == (0, [])


@pytest.mark.parametrize("args, message", [
    (["   "], "empty query: give a word or a \"phrase\" to search for"),
    (["경기", "--since", "2022-6"], "--since: expected a month as YYYY-MM, got '2022-6'"),
    (["경기", "--until", "2022-00"], "--until: expected a month as YYYY-MM, got '2022-00'"),
    (["경기", "--lang", "korean"], "--lang: expected a language code (ISO 639-1) such as ko, en or zh-cn, "
                                   "got 'korean'"),
    (["경기", "--limit", "0"], "--limit: expected a positive number, got '0'"),
    (["경기", "--limit", "x"], "--limit: expected a positive number, got 'x'"),
    (["경기", "--since", "2023-01", "--until", "2022-12"], "--since 2023-01 is after --until 2022-12"),
])
def test_search_command_bad_input_is_one_line(filled, args, message):
    result = run_cli("search", *args, "--database-url", filled)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"bulletins: error: {message}\n")


def test_search_command_missing_database_and_help(tmp_path):
    missing = run_cli("search", "경기", "--database-url", f"sqlite:///{tmp_path / 'none.sqlite'}")
    assert (missing.returncode, missing.stderr) == (2, f"bulletins: error: no database at {tmp_path / 'none.sqlite'}\n")
    assert not (tmp_path / "none.sqlite").exists()
    shown = run_cli("search", "--help")
    assert shown.returncode == 0
    for option in ("--source", "--since", "--until", "--lang", "--limit", "--json", "--database-url"):
        assert option in shown.stdout
    assert "국제협력네트워크" in shown.stdout
