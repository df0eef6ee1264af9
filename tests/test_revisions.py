"""Sources, monthly bulletins and article revisions, as save_article and register_source keep
them: every test on SQLite and on a real PostgreSQL (the `db_url` fixture, tests/conftest.py),
and two crawlers' sessions at once on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event
from sqlmodel import select

from storage.database.articles import ArticleRecord, content_hash, register_source, save_article
from storage.database.db import make_engine, session
from storage.database.models import Article, ArticleRevision, Bulletin, Source

from .databases import dispose, new_postgres_database

T1 = datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)
T2 = T1 + timedelta(days=1)
T3 = T1 + timedelta(days=2)
T4 = T1 + timedelta(days=3)
BODY = "경기도는 24일 반도체 특화단지 지정을 신청했다.\n\n조회수 87\n\n둘째 문단입니다."


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def record(**changes) -> ArticleRecord:
    base = dict(source="gyeonggi-ko", board_id="501", url="http://127.0.0.1/ko/501",
                title="경기도, 반도체 특화단지 지정 신청", published=date(2022, 6, 24), body_text=BODY,
                language="ko", views=87, warc_file="BULLETINS-a.warc.gz", warc_offset=100,
                warc_record_id="<urn:uuid:a1>", captured_at=T1, extractor_version="gyeonggi_ko/1")
    base.update(changes)
    if "warc_record_id" not in changes and base["board_id"] != "501":
        base["warc_record_id"] = f"<urn:uuid:{base['board_id']}>"  # one capture per article
    return ArticleRecord(**base)


def save(url: str, rec: ArticleRecord, seen: datetime) -> Article:
    with session(make_engine(url)) as db:
        row, _ = save_article(db, rec, seen)
        db.commit()
        return row


def revisions(url: str, article_id: int | None = None) -> list[ArticleRevision]:
    with session(make_engine(url)) as db:
        query = select(ArticleRevision).order_by(ArticleRevision.id)
        if article_id is not None:
            query = query.where(ArticleRevision.article_id == article_id)
        return list(db.exec(query))


@pytest.fixture
def url(db_url) -> str:
    return db_url


# --------------------------------------------------------------------------- content hash

def test_the_content_hash_ignores_view_counters_update_stamps_and_whitespace():
    title, body = "경기도, 국제협력 강화", "첫 문단입니다.\n\n둘째 문단입니다."
    same = content_hash(title, body)
    for noisy_title, noisy_body in [
        ("경기도, 국제협력 강화", "첫 문단입니다.\n\n조회수 123\n\n둘째 문단입니다."),
        ("경기도, 국제협력 강화", "첫 문단입니다. 조회 : 1,234 둘째 문단입니다."),
        ("경기도,  국제협력\t강화 ", "  첫 문단입니다.\n\n\n둘째   문단입니다.\n"),
        ("경기도, 국제협력 강화", "첫 문단입니다.\n최종업데이트 2025.12.12\n둘째 문단입니다."),
        ("경기도, 국제협력 강화", "첫 문단입니다. 최종 수정일: 2025-12-12 14:03 둘째 문단입니다."),
        ("경기도, 국제협력 강화", "첫 문단입니다. 수정일 2025년 12월 12일 둘째 문단입니다."),
    ]:
        assert content_hash(noisy_title, noisy_body) == same, noisy_body
    english = content_hash("Gyeonggi news", "Body text.")
    for noisy in ("Body text. Views 87", "Body text. Hit 209", "Views: 1,087 Body text.",
                  "Body text. Last updated 2025/12/12", "Body text. Updated: 2025.12.12 09:30:15"):
        assert content_hash("Gyeonggi news", noisy) == english, noisy
    # Anything else is content: a word, a number, punctuation, the title, case.
    for changed_title, changed_body in [
        ("경기도, 국제협력 강화", "첫 문단입니다.\n\n셋째 문단입니다."),
        ("경기도, 국제협력 강화", "첫 문단입니다. 예산 123억 원. 둘째 문단입니다."),
        ("경기도, 국제협력 강화!", body),
        ("경기도, 국제협력 강화", "첫 문단입니다. 둘째 문단입니다"),
    ]:
        assert content_hash(changed_title, changed_body) != same
    assert content_hash("Gyeonggi News", "Body text.") != english
    assert content_hash("Gyeonggi news", "Reviews 87 Body text.") != english  # not a counter
    assert len(same) == 64 and int(same, 16) >= 0  # sha256 hex


# --------------------------------------------------------------------------- revisions

def test_a_revision_per_distinct_content_and_last_seen_for_the_same(url):
    first = save(url, record(), T1)
    [rev] = revisions(url)
    assert (rev.article_id, rev.content_hash, rev.title, rev.body_text) == (
        first.id, content_hash(first.title, BODY), first.title, BODY)
    assert (utc(rev.first_seen), utc(rev.last_seen)) == (T1, T1)
    assert (rev.warc_file, rev.warc_offset, rev.warc_record_id, rev.extractor_version) == (
        "BULLETINS-a.warc.gz", 100, "<urn:uuid:a1>", "gyeonggi_ko/1")

    # The next day: more views, the counter in the body moved, whitespace differs: same content.
    save(url, record(views=120, body_text=BODY.replace("조회수 87", "조회수 120") + "\n",
                     warc_record_id="<urn:uuid:a2>", warc_offset=200, captured_at=T2), T2)
    [rev] = revisions(url)
    assert (utc(rev.first_seen), utc(rev.last_seen), rev.warc_record_id) == (T1, T2, "<urn:uuid:a1>")

    # A corrected body: a new revision from the capture it came from.
    corrected = BODY.replace("24일", "25일")
    save(url, record(body_text=corrected, warc_record_id="<urn:uuid:a3>", warc_offset=300,
                     extractor_version="gyeonggi_ko/2"), T3)
    old, new = revisions(url)
    assert (utc(old.last_seen), new.body_text, utc(new.first_seen), new.warc_record_id, new.warc_offset,
            new.extractor_version) == (T2, corrected, T3, "<urn:uuid:a3>", 300, "gyeonggi_ko/2")

    # Back to the first text: no third row, the first revision is seen again.
    save(url, record(warc_record_id="<urn:uuid:a4>"), T4)
    old, new = revisions(url)
    assert (utc(old.first_seen), utc(old.last_seen), utc(new.last_seen)) == (T1, T4, T3)
    with session(make_engine(url)) as db:
        assert db.exec(select(Article)).one().body_text == BODY


def test_a_title_change_alone_is_a_revision_and_articles_keep_their_own(url):
    save(url, record(), T1)
    save(url, record(title="경기도, 반도체 특화단지 지정 신청 (수정)"), T2)
    save(url, record(board_id="502", url="http://127.0.0.1/ko/502", warc_record_id="<urn:uuid:b1>"), T2)
    rows = revisions(url)
    assert [(r.article_id, r.title) for r in rows] == [
        (1, "경기도, 반도체 특화단지 지정 신청"), (1, "경기도, 반도체 특화단지 지정 신청 (수정)"),
        (2, "경기도, 반도체 특화단지 지정 신청")]
    assert rows[0].content_hash == rows[2].content_hash  # same content, different articles


def test_saving_twice_in_one_batch_counts_content_once(url):
    with session(make_engine(url)) as db:
        save_article(db, record(), T1)
        save_article(db, record(views=99), T2)                  # same content
        save_article(db, record(body_text=BODY + " 추가"), T2)  # changed before the commit
        db.commit()
    rows = revisions(url)
    assert [(utc(r.first_seen), utc(r.last_seen)) for r in rows] == [(T1, T2), (T2, T2)]


def test_a_reparse_of_an_older_capture_moves_first_seen_and_pointer_back(url):
    save(url, record(warc_record_id="<urn:uuid:new>", warc_offset=900), T3)
    save(url, record(warc_record_id="<urn:uuid:old>", warc_offset=100), T1)
    [rev] = revisions(url)
    assert (utc(rev.first_seen), utc(rev.last_seen), rev.warc_record_id, rev.warc_offset) == (
        T1, T3, "<urn:uuid:old>", 100)


def test_saves_are_not_flushed_one_by_one(url):
    """A batch of new articles reaches the database at the commit, not article by article."""
    engine = make_engine(url)
    with session(engine) as db:  # the source and its month exist already
        save_article(db, record(board_id="1", warc_record_id="<urn:uuid:x1>"), T1)
        db.commit()
    statements = []
    event.listen(engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: statements.append(statement))
    with session(engine) as db:
        for n in range(2, 12):
            save_article(db, record(board_id=str(n), warc_record_id=f"<urn:uuid:x{n}>"), T2)
        written_before_commit = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
        db.commit()
    assert written_before_commit == []
    assert len(revisions(url)) == 11


# --------------------------------------------------------------------------- bulletins

def test_articles_belong_to_the_bulletin_of_their_issue_else_published_month(url):
    save(url, record(board_id="1", issue_month="2022-06", published=date(2022, 7, 2)), T1)
    save(url, record(board_id="2", issue_month=None, published=date(2022, 7, 15)), T1)
    save(url, record(board_id="3", issue_month=None, published=None), T1)
    save(url, record(board_id="4", source="seoul-ko", issue_month=None, published=date(2022, 7, 1)), T1)
    save(url, record(board_id="5", issue_month=None, published=date(2022, 6, 30)), T1)
    with session(make_engine(url)) as db:
        bulletins = {b.id: (b.source, b.month) for b in db.exec(select(Bulletin))}
        by_article = {a.board_id: bulletins.get(a.bulletin_id) for a in db.exec(select(Article))}
    assert by_article == {"1": ("gyeonggi-ko", "2022-06"), "2": ("gyeonggi-ko", "2022-07"), "3": None,
                          "4": ("seoul-ko", "2022-07"), "5": ("gyeonggi-ko", "2022-06")}
    assert sorted(bulletins.values()) == [("gyeonggi-ko", "2022-06"), ("gyeonggi-ko", "2022-07"),
                                          ("seoul-ko", "2022-07")]
    # A corrected date moves the article to another issue.
    save(url, record(board_id="2", issue_month=None, published=date(2022, 8, 1)), T2)
    with session(make_engine(url)) as db:
        article = db.exec(select(Article).where(Article.board_id == "2")).one()
        assert db.get(Bulletin, article.bulletin_id).month == "2022-08"


# --------------------------------------------------------------------------- sources

def test_sources_are_made_by_saves_and_by_register_source(url):
    save(url, record(), T2)
    save(url, record(board_id="2"), T1)  # an older capture (a reparse) widens the span
    engine = make_engine(url)
    with session(engine) as db:
        register_source(db, "gyeonggi-ko", "Gyeonggi-do Korean press releases", "https://gnews.gg.go.kr", at=T3)
        register_source(db, "seoul-ko", "Seoul", "https://mediahub.seoul.go.kr", at=T4)  # no article yet
        db.commit()
    with session(engine) as db:
        register_source(db, "seoul-ko", at=T4 + timedelta(days=1))  # None leaves fields alone
        db.commit()
    with session(engine) as db:
        found = {s.name: (s.description, s.base_url, utc(s.first_crawled), utc(s.last_crawled))
                 for s in db.exec(select(Source))}
    assert found == {
        "gyeonggi-ko": ("Gyeonggi-do Korean press releases", "https://gnews.gg.go.kr", T1, T3),
        "seoul-ko": ("Seoul", "https://mediahub.seoul.go.kr", T4, T4 + timedelta(days=1)),
    }


def test_register_source_defaults_to_now(url):
    before = datetime.now(timezone.utc)
    with session(make_engine(url)) as db:
        row = register_source(db, "busan-en")
        db.commit()
    assert before <= utc(row.first_crawled) == utc(row.last_crawled) <= datetime.now(timezone.utc)


# --------------------------------------------------------------------------- PostgreSQL only

@pytest.fixture
def pg_url(postgres):
    url = new_postgres_database(postgres, "revisions")
    yield url
    dispose(url)


def test_two_crawlers_making_the_same_bulletin_do_not_wait_for_each_other(pg_url):
    """Two sessions (two crawlers) save articles of one new source and month, the first holding
    its batch open: the second neither waits for the first's commit nor makes the first fail on
    a duplicate source or bulletin; one row of each results."""
    engine = make_engine(pg_url)
    first, second = session(engine), session(engine)
    try:
        save_article(first, record(board_id="1", warc_record_id="<urn:uuid:p1>"), T1)
        save_article(second, record(board_id="2", warc_record_id="<urn:uuid:p2>"), T1)
        second.commit()
        first.commit()
    finally:
        first.close()
        second.close()
    with session(engine) as db:
        assert len(db.exec(select(Source)).all()) == 1
        assert len(db.exec(select(Bulletin)).all()) == 1
        assert len(db.exec(select(Article)).all()) == 2
        assert len(db.exec(select(ArticleRevision)).all()) == 2
