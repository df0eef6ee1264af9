"""Storing articles (save_article and friends) on SQLite and on a real PostgreSQL server."""

from datetime import date, datetime, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage.database.articles import ArticleRecord, AttachmentRecord, record_download, save_article
from storage.config import StorageError, database_url, ensure_writable_dir, warc_dir
from storage.database.db import make_engine, session
from storage.database.models import Article, Attachment, Capture, ViewObservation

T1 = datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)
T2 = datetime(2026, 11, 2, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def db(db_url):
    """A session on a new database: each test runs on SQLite and on PostgreSQL (tests/conftest.py)."""
    with session(make_engine(db_url)) as s:
        yield s


def record(**changes):
    base = dict(source="gyeonggi-en", board_id="1187", url="http://127.0.0.1/blog/english-news/1187",
                title="[JUN. 2022] Title", issue_month="2022-06", headline="Title", author="관리자",
                published=date(2022, 6, 24), views=87, body_text="Body", body_html="<p>Body</p>",
                language="en", language_probability=0.99,
                attachments=[AttachmentRecord("a.pdf", "http://127.0.0.1/a.pdf", 12595, "application/pdf")],
                warc_file="BULLETINS-x.warc.gz", warc_offset=1234, warc_record_id="<urn:uuid:1>")
    base.update(changes)
    return ArticleRecord(**base)


def test_insert_keeps_every_field_and_a_view_observation(db):
    row, created = save_article(db, record(), T1)
    db.commit()
    assert created
    stored = db.exec(select(Article)).one()
    assert (stored.title, stored.issue_month, stored.author, stored.published, stored.views) == (
        "[JUN. 2022] Title", "2022-06", "관리자", date(2022, 6, 24), 87)
    assert (stored.warc_file, stored.warc_offset, stored.warc_record_id) == (
        "BULLETINS-x.warc.gz", 1234, "<urn:uuid:1>")
    assert (stored.first_seen, stored.last_seen) == (T1, T1)
    assert [(a.name, a.size, a.content_type) for a in stored.attachments] == [("a.pdf", 12595, "application/pdf")]
    assert [(o.views, o.observed_at) for o in db.exec(select(ViewObservation))] == [(87, T1)]


def test_recrawl_updates_in_place_and_extends_the_view_series(db):
    save_article(db, record(), T1)
    db.commit()
    row, created = save_article(db, record(views=120, title="[JUN. 2022] Title (corrected)",
                                           warc_record_id="<urn:uuid:2>"), T2)
    db.commit()
    assert not created
    rows = db.exec(select(Article)).all()
    assert len(rows) == 1
    assert (rows[0].views, rows[0].title, rows[0].first_seen, rows[0].last_seen) == (
        120, "[JUN. 2022] Title (corrected)", T1, T2)
    assert len(db.exec(select(Attachment)).all()) == 1
    series = db.exec(select(ViewObservation).order_by(ViewObservation.observed_at)).all()
    assert [(o.observed_at, o.views) for o in series] == [(T1, 87), (T2, 120)]


def test_missing_fields_are_recorded_and_no_observation_without_views(db):
    save_article(db, record(views=None, published=None, missing_fields=["published", "views"]), T1)
    db.commit()
    stored = db.exec(select(Article)).one()
    assert stored.missing_fields == "published,views"
    assert db.exec(select(ViewObservation)).all() == []


def test_unique_on_source_and_board_id(db):
    db.add(Article(source="s", board_id="1", url="u", first_seen=T1, last_seen=T1))
    db.add(Article(source="s", board_id="1", url="u", first_seen=T1, last_seen=T1))
    with pytest.raises(IntegrityError):
        db.commit()


def test_same_board_id_in_two_sources_is_two_articles(db):
    save_article(db, record(), T1)
    save_article(db, record(source="other", warc_record_id="<urn:uuid:2>"), T1)
    db.commit()
    assert len(db.exec(select(Article)).all()) == 2


def test_downloaded_size_replaces_the_printed_one(db):
    save_article(db, record(), T1)
    assert record_download(db, "http://127.0.0.1/a.pdf", 12600, "application/pdf") == 1
    db.commit()
    save_article(db, record(warc_record_id="<urn:uuid:2>"), T2)  # a re-crawl prints the rounded size again
    db.commit()
    assert db.exec(select(Attachment)).one().size == 12600


def test_locations_from_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("BULLETINS_DATABASE_URL", raising=False)
    monkeypatch.delenv("BULLETINS_WARC_DIR", raising=False)
    assert database_url() == "sqlite:///data/bulletins.sqlite"
    assert str(warc_dir()) == "data/warc"
    monkeypatch.setenv("BULLETINS_DATABASE_URL", "sqlite:///elsewhere.sqlite")
    monkeypatch.setenv("BULLETINS_WARC_DIR", str(tmp_path))
    assert database_url() == "sqlite:///elsewhere.sqlite"
    assert warc_dir() == tmp_path
    assert database_url("sqlite:///flag.sqlite") == "sqlite:///flag.sqlite"


def test_unwritable_folder_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError) as err:
        ensure_writable_dir(blocker / "warc", "WARC files")
    assert "\n" not in str(err.value) and str(blocker / "warc") in str(err.value)


def test_the_same_article_twice_in_one_batch_is_one_row(db):
    first, created_first = save_article(db, record(), T1)
    second, created_second = save_article(db, record(views=90, warc_record_id="<urn:uuid:2>"), T1)
    db.commit()
    assert (created_first, created_second) == (True, False) and first is second
    assert db.exec(select(Article)).one().views == 90
    assert sorted(o.views for o in db.exec(select(ViewObservation))) == [87, 90]


def test_download_size_reaches_an_attachment_not_yet_committed(db):
    save_article(db, record(), T1)
    assert record_download(db, "http://127.0.0.1/a.pdf", 12600, "application/pdf") == 1
    db.commit()
    assert db.exec(select(Attachment)).one().size == 12600


def test_an_article_saved_in_an_earlier_batch_is_updated_not_duplicated(db):
    save_article(db, record(), T1)
    db.commit()
    assert "articles_by_key" not in db.info  # nothing held across batches
    _, created = save_article(db, record(views=95, warc_record_id="<urn:uuid:2>"), T2)
    db.commit()
    assert not created and db.exec(select(Article)).one().views == 95


def test_each_crawl_adds_a_capture_and_reparsing_the_same_record_adds_none(db):
    save_article(db, record(captured_at=T1), T1)
    db.commit()
    save_article(db, record(warc_record_id="<urn:uuid:2>", warc_offset=99, captured_at=T2), T2)
    db.commit()
    save_article(db, record(warc_record_id="<urn:uuid:2>", warc_offset=99, captured_at=T2), T2)
    db.commit()
    captures = db.exec(select(Capture).order_by(Capture.captured_at)).all()
    assert [(c.warc_record_id, c.warc_offset, c.captured_at) for c in captures] == [
        ("<urn:uuid:1>", 1234, T1), ("<urn:uuid:2>", 99, T2)]
    assert db.exec(select(Article)).one().warc_record_id == "<urn:uuid:2>"


def test_a_stored_article_saved_again_without_attachments_keeps_its_new_capture_and_views(db):
    """A stored article with no attachment, fetched again: its capture and view observation are
    written though the commit finds no ORM change left to flush (reading the article's
    attachments flushed it already). Every article of a nightly run's re-fetched months."""
    for n in (1, 2, 3):
        save_article(db, record(board_id=str(n), url=f"http://127.0.0.1/v/{n}", attachments=[],
                                warc_record_id=f"<urn:uuid:{n}-1>", captured_at=T1), T1)
    db.commit()
    for n in (1, 2, 3):
        save_article(db, record(board_id=str(n), url=f"http://127.0.0.1/v/{n}", attachments=[], views=90 + n,
                                warc_record_id=f"<urn:uuid:{n}-2>", captured_at=T2), T2)
    db.commit()
    assert sorted(c.warc_record_id for c in db.exec(select(Capture))) == sorted(
        f"<urn:uuid:{n}-{k}>" for n in (1, 2, 3) for k in (1, 2))
    assert sorted((o.observed_at, o.views) for o in db.exec(select(ViewObservation))) == sorted(
        [(T1, 87)] * 3 + [(T2, 91), (T2, 92), (T2, 93)])


def test_every_table_has_its_model_listed_for_the_schema_notes():
    """Datasette's table and column notes come from storage.database.models.TABLE_MODELS: a new table
    model left out of it would go undescribed."""
    from sqlmodel import SQLModel

    from storage.database.models import TABLE_MODELS

    assert {t.name for t in SQLModel.metadata.sorted_tables} == {m.__tablename__ for m in TABLE_MODELS}
