"""Re-extraction from the WARC files alone: rebuild, reparse, and what each reports."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.archive.reparse.run import reparse
from storage.webarchive.warc import IDENTICAL_PAYLOAD_DIGEST, HttpExchange, WarcWriter, iter_records, payload_digest

from .conftest import REPO, run_cli
from .test_crawl import SAMPLE_TITLE

# Every column parsing fills; ids and first/last seen are the run's, not the page's.
COLUMNS = ("source", "board_id", "url", "title", "issue_month", "headline", "author", "published",
           "views", "body_text", "body_html", "language", "language_probability", "missing_fields",
           "warc_file", "warc_offset", "warc_record_id", "extractor_version")


def query(db: Path, sql: str, *params) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(db)) as con:
        return con.execute(sql, params).fetchall()


def parsed_state(db: Path) -> dict:
    """Per (source, board_id): every parsed column, then the attachments (name, url, size, type)."""
    attachments: dict[int, list] = {}
    for article_id, *rest in query(db, "select article_id, name, url, size, content_type from attachment"):
        attachments.setdefault(article_id, []).append(tuple(rest))
    return {(row[1], row[2]): (*row[1:], sorted(attachments.get(row[0], [])))
            for row in query(db, f"select id, {', '.join(COLUMNS)} from article")}


def captures(db: Path) -> list[tuple]:
    return sorted(query(db, "select a.source, a.board_id, c.url, c.warc_file, c.warc_offset, c.warc_record_id, "
                            "c.captured_at from capture c join article a on a.id = c.article_id"))


def observations(db: Path) -> dict:
    series: dict[tuple, list] = {}
    for source, board_id, at, views in query(
            db, "select a.source, a.board_id, o.observed_at, o.views from viewobservation o "
                "join article a on a.id = o.article_id order by o.observed_at"):
        series.setdefault((source, board_id), []).append((at, views))
    return series


def copy_db(source: Path, target: Path) -> str:
    with contextlib.closing(sqlite3.connect(source)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


def invoke(*args: str):
    """`bulletins ARGS` in this process (stdout and stderr apart)."""
    return CliRunner().invoke(main, [str(a) for a in args])


# --------------------------------------------------------------------------- a real crawl

@pytest.fixture(scope="module")
def crawled_db(crawl) -> Path:
    return crawl.folder / "bulletins.sqlite"


@pytest.fixture(scope="module")
def rebuilt(crawl, tmp_path_factory):
    """`bulletins reparse --rebuild` into an empty database, both places given by environment."""
    folder = tmp_path_factory.mktemp("rebuilt")
    db = folder / "rebuilt.sqlite"
    result = run_cli("reparse", "--rebuild", cwd=folder,
                     env={"BULLETINS_DATABASE_URL": f"sqlite:///{db}", "BULLETINS_WARC_DIR": str(crawl.warc_dir)})
    assert result.returncode == 0, result.stdout + result.stderr
    return folder, db, result


def test_rebuild_from_the_warc_files_gives_the_crawled_articles_and_fields(crawled_db, rebuilt):
    folder, db, result = rebuilt
    crawled = parsed_state(crawled_db)
    assert len(crawled) >= 300
    assert parsed_state(db) == crawled
    assert f"rebuilt: {len(crawled)} new, 0 updated" in result.stdout
    assert not (folder / "data").exists()   # the environment chose both places


def test_rebuild_keeps_every_capture_and_one_view_observation_per_capture(crawled_db, rebuilt):
    _, db, _ = rebuilt
    assert captures(db) == captures(crawled_db)
    times: dict[tuple, list] = {}
    for source, board_id, *_, at in captures(db):
        times.setdefault((source, board_id), []).append(at)
    views = {key: row[8] for key, row in parsed_state(db).items()}
    expected = {key: [(at, views[key]) for at in sorted(ats)] for key, ats in times.items()
                if views[key] is not None}
    assert observations(db) == expected
    assert {k: len(v) for k, v in observations(crawled_db).items()} == {k: len(v) for k, v in expected.items()}


def test_rebuild_refuses_a_database_that_holds_articles(crawl, crawled_db, tmp_path):
    url = copy_db(crawled_db, tmp_path / "copy.sqlite")
    result = invoke("reparse", "--rebuild", "--database-url", url, "--warc-dir", crawl.warc_dir)
    assert result.exit_code == 2
    count = len(parsed_state(crawled_db))
    assert result.stderr.splitlines() == [
        f"bulletins: error: the database already holds {count} articles: --rebuild fills an empty "
        "database only (reparse without --rebuild updates it)"]
    assert observations(tmp_path / "copy.sqlite") == observations(crawled_db)


def test_reparse_of_the_crawled_database_changes_nothing(crawl, crawled_db, tmp_path):
    db = tmp_path / "copy.sqlite"
    result = invoke("reparse", "--database-url", copy_db(crawled_db, db), "--warc-dir", crawl.warc_dir)
    assert result.exit_code == 0, result.output
    count = len(parsed_state(crawled_db))
    assert "changed fields: none" in result.stdout.splitlines()
    assert f"articles: 0 new, {count} updated" in result.stdout
    assert f"extractor version: gyeonggi_en/1 on {count} row(s)" in result.stdout.splitlines()
    assert parsed_state(db) == parsed_state(crawled_db)
    assert captures(db) == captures(crawled_db)
    # A capture observed once stays observed once.
    assert {k: len(v) for k, v in observations(db).items()} == {
        k: len(v) for k, v in observations(crawled_db).items()}


def test_reparse_reports_and_fixes_exactly_the_field_an_older_extractor_got_wrong(crawl, crawled_db, tmp_path):
    db = tmp_path / "copy.sqlite"
    url = copy_db(crawled_db, db)
    [(row_id,)] = query(db, "select id from article where board_id = ?", str(crawl.board.sample_id))
    with contextlib.closing(sqlite3.connect(db)) as con, con:
        con.execute("update article set title = 'Gyeonggi-do to Strengthen', "
                    "extractor_version = 'gyeonggi_en/0' where id = ?", (row_id,))
    result = invoke("reparse", "--database-url", url, "--warc-dir", crawl.warc_dir)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    count = len(parsed_state(crawled_db))
    assert "changed fields: title 1 (1 article(s))" in lines
    assert f"  {row_id} title: 'Gyeonggi-do to Strengthen' -> {SAMPLE_TITLE!r}" in lines
    assert f"extractor version: gyeonggi_en/1 on {count} row(s) (1 were gyeonggi_en/0)" in lines
    assert parsed_state(db) == parsed_state(crawled_db)


def test_reparse_takes_attachment_sizes_from_the_archived_downloads(crawl, crawled_db, tmp_path):
    db = tmp_path / "copy.sqlite"
    url = copy_db(crawled_db, db)
    with contextlib.closing(sqlite3.connect(db)) as con, con:
        con.execute("update attachment set size = 1, content_type = 'text/plain'")
    result = invoke("reparse", "--database-url", url, "--warc-dir", crawl.warc_dir)
    assert result.exit_code == 0, result.output
    assert parsed_state(db) == parsed_state(crawled_db)


def test_unknown_source_is_a_one_line_error(crawl, crawled_db):
    result = invoke("reparse", "--source", "nowhere", "--warc-dir", crawl.warc_dir,
                    "--database-url", f"sqlite:///{crawled_db}")
    assert result.exit_code == 2
    known = ", ".join(sorted(path.stem for path in (REPO / "scraper" / "extract" / "profiles").glob("*.toml")))
    assert result.stderr.splitlines() == [f"bulletins: error: unknown source 'nowhere' (known: {known})"]


def test_a_folder_without_warc_files_is_a_one_line_error(tmp_path):
    result = invoke("reparse", "--rebuild", "--warc-dir", tmp_path, "--database-url",
                    f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"bulletins: error: no WARC file of a known source in {tmp_path}"]


def test_reparse_help_documents_options_and_environment():
    out = invoke("reparse", "--help").stdout
    for word in ("--source", "--since", "--rebuild", "EMPTY", "capture date", "BULLETINS_DATABASE_URL",
                 "BULLETINS_WARC_DIR"):
        assert word in out


# --------------------------------------------------------------------------- a written history

FIXTURE = REPO / "tests" / "fixtures" / "gyeonggi_en" / "article-korean-attachment"
JAN = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
MAR = datetime(2024, 3, 10, 9, 0, tzinfo=UTC)
MAY = datetime(2024, 5, 10, 9, 0, tzinfo=UTC)
ATTACHMENT = b"HWP Document File" + bytes(range(256)) * 20   # 5137 bytes; the page says 15,770
SECOND = timedelta(seconds=1)


def _exchange(url: str, body: bytes, content_type: str, date: datetime, status: int = 200) -> HttpExchange:
    return HttpExchange(url=url, method="GET", request_headers=[("Accept", "*/*")], request_body=b"",
                        protocol="HTTP/1.1", status=status, reason=None,
                        response_headers=[("Content-Type", content_type), ("Content-Length", str(len(body)))],
                        body=body, ip_address="127.0.0.1", date=date)


def write_history(folder: Path) -> dict:
    """Three crawls of one article, as WARC files only: January (314 views, its attachment in
    full), March (320 views, the attachment as a revisit, a 404), May (999 views) left `.open` as a
    crash leaves it. Their names sort March before January."""
    page = (FIXTURE / "input.html").read_bytes()
    url = json.loads((FIXTURE / "meta.json").read_text())["url"]
    attachment_url = json.loads((FIXTURE / "output.json").read_text())["attachments"][0]["url"]
    html = "text/html; charset=UTF-8"
    info = {"source": "gyeonggi-en"}
    with WarcWriter(folder, prefix="ZZZ", warcinfo=info, clock=lambda: JAN, hostname="test") as warc:
        january = warc.write_exchange(_exchange(url, page, html, JAN))
        original = warc.write_exchange(_exchange(attachment_url, ATTACHMENT, "application/x-hwp", JAN + SECOND))
    with WarcWriter(folder, prefix="AAA", warcinfo=info, clock=lambda: MAR, hostname="test") as warc:
        march = warc.write_exchange(_exchange(url, page.replace(b"<span>314<", b"<span>320<"), html, MAR))
        warc.write_revisit(_exchange(attachment_url, ATTACHMENT, "application/x-hwp", MAR + SECOND),
                           profile=IDENTICAL_PAYLOAD_DIGEST, refers_to_uri=attachment_url,
                           refers_to_date=JAN + SECOND, refers_to_id=original.record_id,
                           payload_digest=payload_digest(ATTACHMENT))
        warc.write_exchange(_exchange(url.replace("1279", "1280"), b"gone", html, MAR, status=404))
    crashed = WarcWriter(folder, prefix="MMM", warcinfo=info, clock=lambda: MAY, hostname="test")
    crashed.write_exchange(_exchange(url, page.replace(b"<span>314<", b"<span>999<"), html, MAY))
    return {"url": url, "attachment_url": attachment_url, "january": january, "march": march,
            "open_file": crashed.current_path.name}


@pytest.fixture
def history(tmp_path) -> dict:
    found = write_history(tmp_path / "warc")
    found.update(warc_dir=tmp_path / "warc", db=tmp_path / "history.sqlite")
    return found


def test_rebuild_takes_the_newest_capture_and_keeps_the_view_series(history):
    report = reparse(f"sqlite:///{history['db']}", history["warc_dir"], rebuild=True, jobs=1)
    [row] = parsed_state(history["db"]).values()
    values = dict(zip(COLUMNS, row))
    march = history["march"]
    assert (values["views"], values["warc_file"], values["warc_offset"], values["warc_record_id"]) == (
        320, march.filename, march.offset, march.record_id)
    assert row[-1] == [("20231005_보도자료(탄소중립).hwp", history["attachment_url"], len(ATTACHMENT),
                        "application/x-hwp")]
    assert observations(history["db"]) == {("gyeonggi-en", "1279"): [
        ("2024-01-10 09:00:00.000000", 314), ("2024-03-10 09:00:00.000000", 320)]}
    assert sorted((c[-1], c[-2]) for c in captures(history["db"])) == [
        ("2024-01-10 09:00:00.000000", history["january"].record_id),
        ("2024-03-10 09:00:00.000000", march.record_id)]
    assert (report.captures, report.revisits, report.new) == (2, 1, 1)
    assert (history["open_file"], "still open: not closed or not repaired") in report.left_aside


def test_files_that_cannot_be_read_are_named_and_the_rest_rebuilt(history):
    (history["warc_dir"] / "junk.warc.gz").write_bytes(b"not a WARC file")
    (history["warc_dir"] / "empty.warc.gz").write_bytes(b"")  # a writer never finishes a file without its warcinfo
    report = reparse(f"sqlite:///{history['db']}", history["warc_dir"], rebuild=True, jobs=1)
    assert sorted((u.file, u.damaged) for u in report.unread_files) == [("empty.warc.gz", True), ("junk.warc.gz", True)]
    assert report.captures == 2 and len(parsed_state(history["db"])) == 1


def test_a_damaged_file_is_named_read_up_to_the_damage_and_the_run_exits_1(history):
    """The January file cut in its last record (the attachment): its page is rebuilt, the file is
    named with the byte where its whole records end, and the run does not claim success."""
    [january] = history["warc_dir"].glob("ZZZ*.warc.gz")
    whole = [offset for offset, _ in iter_records(january)]
    january.write_bytes(january.read_bytes()[:whole[-2] + 40])   # into the attachment's response
    result = invoke("reparse", "--rebuild", "--jobs", "1", "--database-url", f"sqlite:///{history['db']}",
                    "--warc-dir", history["warc_dir"])
    assert result.exit_code == 1, result.output
    assert (f"not read to its end: {january.name}: only its first {whole[-2]} of {whole[-2] + 40} bytes hold "
            "whole records (the gzip member there is cut short)") in result.stdout
    assert "damaged files: their records from that byte on were not reparsed" in result.stdout
    assert sorted(c[-2] for c in captures(history["db"])) == sorted(
        [history["january"].record_id, history["march"].record_id])


def test_a_file_whose_warcinfo_is_damaged_is_named_and_the_run_exits_1(history):
    """Not set aside as a file of no known source: none of its articles would be reparsed."""
    [january] = history["warc_dir"].glob("ZZZ*.warc.gz")
    whole = [offset for offset, _ in iter_records(january)]
    content = bytearray(january.read_bytes())
    content[whole[1] - 8] ^= 0xFF   # the CRC-32 of the warcinfo record's member
    january.write_bytes(bytes(content))
    result = invoke("reparse", "--rebuild", "--jobs", "1", "--database-url", f"sqlite:///{history['db']}",
                    "--warc-dir", history["warc_dir"])
    assert result.exit_code == 1, result.output
    assert f"not read to its end: {january.name}@0: no whole record there" in result.stdout
    assert [c[-2] for c in captures(history["db"])] == [history["march"].record_id]


def test_a_revisit_met_before_its_original_gets_the_original_size(tmp_path):
    """`crawl --all` writes a file per source, opened at once: an attachment archived as a revisit
    in the file read first can have its original in a file read later. A rebuild once left such
    an attachment's size empty."""
    page = (FIXTURE / "input.html").read_bytes()
    url = json.loads((FIXTURE / "meta.json").read_text())["url"]
    attachment_url = json.loads((FIXTURE / "output.json").read_text())["attachments"][0]["url"]
    other_url = "https://www.gg.go.kr/other/attachment.hwp"
    info = {"source": "gyeonggi-en"}
    first = WarcWriter(tmp_path, prefix="AAA", warcinfo=info, clock=lambda: JAN, hostname="test")
    second = WarcWriter(tmp_path, prefix="BBB", warcinfo=info, clock=lambda: JAN + SECOND, hostname="test")
    original = second.write_exchange(_exchange(other_url, ATTACHMENT, "application/x-hwp", JAN + 5 * SECOND))
    first.write_exchange(_exchange(url, page, "text/html; charset=UTF-8", JAN + 2 * SECOND))
    first.write_revisit(_exchange(attachment_url, ATTACHMENT, "application/x-hwp", JAN + 6 * SECOND),
                        profile=IDENTICAL_PAYLOAD_DIGEST, refers_to_uri=other_url, refers_to_date=original.captured_at,
                        refers_to_id=original.record_id, payload_digest=payload_digest(ATTACHMENT))
    first.close()
    second.close()
    database = tmp_path / "rebuilt.sqlite"
    report = reparse(f"sqlite:///{database}", tmp_path, rebuild=True, jobs=1)
    assert [f.path.name[:3] for f in report.files] == ["AAA", "BBB"]   # the revisit is read first
    assert query(database, "select url, size, content_type from attachment") == [
        (attachment_url, len(ATTACHMENT), "application/x-hwp")]


LISTED = b"/wp-content/uploads/2023/10/20231005_%EB%B3%B4%EB%8F%84%EC%9E%90%EB%A3%8C%28%ED%83%84%EC%86%8C%EC%A4%91%EB%A6%BD%29.hwp"


def rebuild_of(folder: Path, page: bytes, *others: tuple[str, bytes, str]) -> Path:
    """Article 1279's page listing what `page` lists, then the `others` (URL, body, type), as one
    crawl writes them; rebuilt into a new database."""
    url = json.loads((FIXTURE / "meta.json").read_text())["url"]
    with WarcWriter(folder / "warc", warcinfo={"source": "gyeonggi-en"}, clock=lambda: JAN, hostname="test") as warc:
        warc.write_exchange(_exchange(url, page, "text/html; charset=UTF-8", JAN))
        for n, (other, body, kind) in enumerate(others, 1):
            warc.write_exchange(_exchange(other, body, kind, JAN + n * SECOND))
    reparse(f"sqlite:///{folder / 'rebuilt.sqlite'}", folder / "warc", rebuild=True, jobs=1)
    return folder / "rebuilt.sqlite"


@pytest.mark.parametrize("kind", ["application/x-hwp", "text/html"])
def test_a_download_at_an_article_url_is_the_attachment_even_listed_with_raw_characters(tmp_path, kind):
    """The page lists `…/1279?download=1&name=보도 자료.hwp`; the crawl asked for it percent-encoded,
    as the WARC record names it. A server may call the file text/html."""
    page = (FIXTURE / "input.html").read_bytes()
    listed = "/blog/english-news/1279?download=1&name=보도 자료.hwp"
    asked = "http://127.0.0.1:8000/blog/english-news/1279?download=1&name=%EB%B3%B4%EB%8F%84%20%EC%9E%90%EB%A3%8C.hwp"
    database = rebuild_of(tmp_path, page.replace(LISTED, listed.encode()), (asked, ATTACHMENT, kind))
    expected = json.loads((FIXTURE / "output.json").read_text())
    [(title, views, url)] = query(database, "select title, views, url from article")
    assert (title, views) == (expected["title"], expected["views"]) and url.endswith("/1279")
    assert query(database, "select url, size from attachment") == [("http://127.0.0.1:8000" + listed, len(ATTACHMENT))]


def test_an_article_another_lists_among_its_files_stays_an_article(tmp_path):
    page = (FIXTURE / "input.html").read_bytes()
    url = json.loads((FIXTURE / "meta.json").read_text())["url"]
    other = url.replace("1279", "1280")
    database = rebuild_of(tmp_path, page.replace(LISTED, b"/blog/english-news/1280"),
                          (other, page.replace(b"1279", b"1280"), "text/html; charset=UTF-8"))
    assert [b for b, in query(database, "select board_id from article order by board_id")] == ["1279", "1280"]


def test_one_download_sizes_every_row_listing_it_in_either_form(tmp_path):
    page = (FIXTURE / "input.html").read_bytes()
    url = json.loads((FIXTURE / "meta.json").read_text())["url"]
    database = rebuild_of(tmp_path, page.replace(LISTED, b"/files/a b.hwp"),
                          (url.replace("1279", "1280"), page.replace(b"1279", b"1280").replace(LISTED, b"/files/a%20b.hwp"),
                           "text/html; charset=UTF-8"),
                          ("http://127.0.0.1:8000/files/a%20b.hwp", ATTACHMENT, "application/x-hwp"))
    assert query(database, "select url, size, warc_record_id is not null from attachment order by url") == [
        ("http://127.0.0.1:8000/files/a b.hwp", len(ATTACHMENT), 1),
        ("http://127.0.0.1:8000/files/a%20b.hwp", len(ATTACHMENT), 1)]


def test_a_redirected_download_sizes_the_attachment_its_page_lists(tmp_path):
    """A file server: the listed URL answers 302 and the file comes from another host. The crawl
    sizes the listed row from the answer it was led to (parse_attachment); a rebuild once left it
    with the page's printed size and no WARC record."""
    page = (FIXTURE / "input.html").read_bytes().replace(LISTED, b"/files/a.hwp")
    url = json.loads((FIXTURE / "meta.json").read_text())["url"]
    listed = "http://127.0.0.1:8000/files/a.hwp"
    with WarcWriter(tmp_path / "warc", warcinfo={"source": "gyeonggi-en"}, clock=lambda: JAN, hostname="test") as warc:
        warc.write_exchange(_exchange(url, page, "text/html; charset=UTF-8", JAN))
        moved = _exchange(listed, b"", "text/html", JAN + SECOND, status=302)
        warc.write_exchange(replace(moved, response_headers=[("Location", "/elsewhere"),   # Scrapy follows the last
                                                             ("Location", "//127.0.0.1:8001/down load?id=7#file")]))
        final = warc.write_exchange(_exchange("http://127.0.0.1:8001/down%20load?id=7", ATTACHMENT, "application/x-hwp",
                                              JAN + 2 * SECOND))
    database = tmp_path / "rebuilt.sqlite"
    reparse(f"sqlite:///{database}", tmp_path / "warc", rebuild=True, jobs=1)
    assert query(database, "select url, size, content_type, warc_record_id from attachment") == [
        (listed, len(ATTACHMENT), "application/x-hwp", final.record_id)]
    report = reparse(f"sqlite:///{database}", tmp_path / "warc", jobs=1)
    assert report.changes == {} and report.downloads == 1


def test_since_selects_captures_by_their_date(history):
    report = reparse(f"sqlite:///{history['db']}", history["warc_dir"], rebuild=True, since="2024-02", jobs=1)
    assert report.captures == 1
    assert observations(history["db"]) == {("gyeonggi-en", "1279"): [("2024-03-10 09:00:00.000000", 320)]}


def test_reparse_after_a_rebuild_adds_and_changes_nothing(history):
    url = f"sqlite:///{history['db']}"
    reparse(url, history["warc_dir"], rebuild=True, jobs=1)
    before = (parsed_state(history["db"]), captures(history["db"]), observations(history["db"]))
    report = reparse(url, history["warc_dir"], jobs=2)
    assert (report.new, report.updated, report.changes) == (0, 1, {})
    assert (parsed_state(history["db"]), captures(history["db"]), observations(history["db"])) == before


def test_reparse_leaves_the_process_free_to_crawl(history):
    """No Twisted reactor installed: Scrapy could still start its own in the same process."""
    code = ("import sys\nfrom scraper.archive.reparse.run import reparse\n"
            f"reparse({'sqlite:///' + str(history['db'])!r}, {str(history['warc_dir'])!r}, rebuild=True)\n"
            "assert 'twisted.internet.reactor' not in sys.modules, 'a reactor was installed'\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(parsed_state(history["db"])) == 1


def test_a_row_that_cannot_be_stored_is_named_and_the_others_are_kept(tmp_path):
    """reparse writes through the crawl's unit of work: one record the database refuses (a view
    count past SQLite's integers) loses only itself, and the report names it."""
    from scraper.archive.reparse.store import ReparseReport, _Store
    from storage.database.articles import ArticleRecord
    from storage.database.db import make_engine
    from storage.database.unit_of_work import UnitOfWork, one_line

    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    report = ReparseReport(rebuild=True)
    work = UnitOfWork(make_engine(url), commit_every=2,
                      on_failure=lambda label, error: report.not_stored.append((str(label), one_line(error))))
    store = _Store(work, report)
    for n, views in ((1, 5), (2, 10**30), (3, 7)):
        store.article(ArticleRecord(source="s", board_id=str(n), url=f"http://127.0.0.1/{n}", title=f"T{n}",
                                    views=views, warc_file="F.warc.gz", warc_offset=n, warc_record_id=f"<urn:{n}>",
                                    captured_at=datetime(2026, 1, n, tzinfo=UTC), extractor_version="v1"))
    store.finish()
    assert [u for u, _ in report.not_stored] == ["http://127.0.0.1/2"]
    assert any(line.startswith("not stored: http://127.0.0.1/2 (OverflowError") for line in report.summary_lines())
    with sqlite3.connect(tmp_path / "r.sqlite") as con:
        assert con.execute("select board_id from article order by board_id").fetchall() == [("1",), ("3",)]
