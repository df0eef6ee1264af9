"""`bulletins report`: one self-contained HTML file whose charts, opened in headless Chromium,
show the numbers the database holds; no outside references; the same report from PostgreSQL."""

from __future__ import annotations

import re
import subprocess
import sys
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from bs4 import BeautifulSoup

from storage.database.articles import ArticleRecord, record_listing_views, save_article
from storage.database.db import make_engine, session
from storage.presentation.report_html.data import TOP_ARTICLES, collect
from storage.presentation.report_html.page import render

from .conftest import REPO, run_cli
from .services import postgres_server
from .test_replay_cli import CHROMIUM_FLAGS, chromium
from .test_serve import add_observations, copy_database, sql

HOSTILE_TITLE = '<script>alert("x")</script> & 한국어 "따옴표" — see https://example.org/x?a=1&b=2'
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def hostile_record() -> ArticleRecord:
    """An article whose title must come out as text: markup, quotes, an ampersand, a URL."""
    return ArticleRecord(source="gyeonggi-en", board_id="99999", url="http://127.0.0.1/99999",
                         title=HOSTILE_TITLE, published=date(2023, 12, 30), views=10_000_000,
                         body_text="본문", language="ko", language_probability=0.9,
                         warc_file="x.warc.gz", warc_offset=1, warc_record_id="<urn:uuid:hostile>",
                         captured_at=NOW)


@pytest.fixture(scope="module")
def report(crawl, tmp_path_factory):
    """The report of a copy of the crawl with later view observations and one hostile title."""
    folder = tmp_path_factory.mktemp("report")
    path = folder / "bulletins.sqlite"
    copy_database(crawl.folder / "bulletins.sqlite", path)
    url = f"sqlite:///{path}"
    add_observations(url, 40)
    with session(make_engine(url)) as db:
        save_article(db, hostile_record(), NOW)
        record_listing_views(db, "gyeonggi-en", "99999", 10_000_500, NOW + timedelta(days=1))
        db.commit()
    out = folder / "report.html"
    result = run_cli("report", "-o", str(out), "--database-url", url)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"wrote {out}: {len(rows_of(path))} articles, 1 source"
    return path, out


def rows_of(path: Path) -> list[tuple]:
    return sql(path, "select id from article")


def dump_dom(html: Path, profile: Path) -> BeautifulSoup:
    result = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                             html.resolve().as_uri()], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return BeautifulSoup(result.stdout, "html.parser")


def test_charts_in_chromium_show_the_databases_numbers(report, tmp_path):
    path, html = report
    dom = dump_dom(html, tmp_path / "profile")
    charts = dom.select("svg.chart")
    assert [c["id"] for c in charts] == ["chart-monthly", "chart-languages", "chart-growth"]
    assert all(c.find("title").get_text() for c in charts)
    assert dom.find("script") is None

    bars = {(b["data-source"], b["data-month"], int(b["data-count"])) for b in dom.select("#chart-monthly rect.bar")}
    assert len(dom.select("#chart-monthly rect.bar")) == len(bars)
    assert bars == set(sql(path, "select source, substr(published, 1, 7) m, count(*) from article"
                                 " where published is not null group by source, m"))

    segments = {(s["data-source"], s["data-language"], int(s["data-count"]))
                for s in dom.select("#chart-languages rect.segment")}
    assert segments == set(sql(path, "select source, coalesce(language, 'unknown'), count(*) from article"
                                     " group by 1, 2"))
    assert len(segments) == 2

    top = sql(path, "select id from article where views is not null order by views desc, id limit ?", TOP_ARTICLES)
    series = dom.select("#chart-growth g.series")
    assert [int(g["data-article-id"]) for g in series] == [i for (i,) in top]
    for g in series:
        observed = sql(path, "select views from viewobservation where article_id = ? order by observed_at, id",
                       int(g["data-article-id"]))
        assert [int(c["data-views"]) for c in g.select("circle.point")] == [v for (v,) in observed]
        assert (g.find("polyline") is not None) == (len(observed) > 1)
    assert sum(len(g.select("circle.point")) for g in series) > len(series)  # series, not single points

    summary = dom.select("table.summary tbody tr")
    assert [td.get_text() for td in summary[0].find_all("td")][:3] == [
        "gyeonggi-en", f"{len(rows_of(path)):,}", f"{sql(path, 'select count(published) from article')[0][0]:,}"]


def test_korean_and_markup_in_titles_are_text(report, tmp_path):
    path, html = report
    raw = html.read_text(encoding="utf-8")
    assert "<script>" not in raw and "&lt;script&gt;" in raw
    dom = dump_dom(html, tmp_path / "profile")
    assert dom.find("script") is None
    legend = [li.get_text() for li in dom.select("ol.series-legend li")]
    titles = [t for (t,) in sql(path, "select title from article where views is not null"
                                      " order by views desc, id limit ?", TOP_ARTICLES)]
    assert titles[0] == HOSTILE_TITLE  # the most viewed, shown exactly as stored
    korean = [t for t in titles if re.search(r"[가-힣]", t)]
    assert len(korean) > 1
    assert all(title in item for title, item in zip(titles, legend, strict=True))


def test_the_file_references_nothing_outside_itself(report):
    _, html = report
    raw = html.read_text(encoding="utf-8")
    soup = BeautifulSoup(raw, "html.parser")
    assert not soup.find_all(["script", "link", "img", "iframe", "object", "embed", "use", "image", "base"])
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            assert "//" not in value and "url(" not in value, (tag.name, name, value)
    style = "".join(s.get_text() for s in soup.find_all("style"))
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    text = "".join(soup.find_all(string=True))
    # a URL may appear only as text (the hostile title's), never as a reference
    assert len(re.findall(r"https?://", raw)) == len(re.findall(r"https?://", text)) >= 1


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit, non-interlaced RGB(A) PNG (what Chromium writes): rows of RGB(A) bytes."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
            depth, color, interlace = body[8], body[9], body[12]
        elif kind == b"IDAT":
            idat += body
    assert depth == 8 and interlace == 0 and color in (2, 6)
    bpp = 3 if color == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line) if bpp == 3 else bytes(v for k, v in enumerate(line) if k % 4 != 3))
        prev = line
    return width, height, rows


def test_screenshot_shows_the_charts(report, tmp_path):
    _, html = report
    shot = tmp_path / "report.png"
    result = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                             "--window-size=1000,1900", "--hide-scrollbars", f"--screenshot={shot}",
                             html.resolve().as_uri()], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0 and shot.exists(), result.stderr[-3000:]
    width, height, rows = png_pixels(shot)
    assert (width, height) == (1000, 1900)
    counts: dict[bytes, int] = {}
    for row in rows:
        for x in range(0, len(row), 3):
            counts[row[x:x + 3]] = counts.get(row[x:x + 3], 0) + 1
    pixels = width * height
    # the bars of the source (#0072B2, also Korean in the language chart) and English (#E69F00)
    assert counts.get(bytes.fromhex("0072B2"), 0) > pixels * 0.02
    assert counts.get(bytes.fromhex("E69F00"), 0) > pixels * 0.005
    assert counts.get(b"\xff\xff\xff", 0) < pixels * 0.95 and len(counts) > 50


# --- several sources, a source filter, PostgreSQL ------------------------------------------------


def synthetic(n: int):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from synthetic_articles import synthetic_records
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return list(synthetic_records(n, seed=11))


def fill(url: str, records) -> str:
    """Store the records, then three nightly crawls re-reading the counters of 15 of them."""
    seen = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
    with session(make_engine(url)) as db:
        for r in records:
            save_article(db, r, seen)
        db.commit()
        for night in (1, 2, 3):
            for r in records[:15]:
                record_listing_views(db, r.source, r.board_id, r.views + night * (int(r.board_id) + 7),
                                     seen + timedelta(days=night, hours=night))
            db.commit()
    return url


def views_added(records) -> int:
    """What fill()'s nightly crawls add to the view counts (the last night's count stands)."""
    return sum(3 * (int(r.board_id) + 7) for r in records[:15])


@pytest.fixture(scope="module")
def several_sources(tmp_path_factory):
    records = synthetic(400)
    path = tmp_path_factory.mktemp("sources") / "s.sqlite"
    return records, fill(f"sqlite:///{path}", records), path


def test_stacked_bars_per_source_and_a_source_filter(several_sources, tmp_path):
    records, url, path = several_sources
    out = tmp_path / "all.html"
    assert run_cli("report", "-o", str(out), "--database-url", url).returncode == 0
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    bars = {(b["data-source"], b["data-month"], int(b["data-count"])) for b in soup.select("#chart-monthly rect.bar")}
    assert bars == set(sql(path, "select source, substr(published, 1, 7) m, count(*) from article group by 1, 2"))
    assert len({s for s, _, _ in bars}) == len({r.source for r in records}) > 3
    summary = {tr.get("data-source", "total"): [td.get_text() for td in tr.find_all("td")]
               for tr in soup.select("table.summary tbody tr")}
    assert summary.keys() == {r.source for r in records} | {"total"}
    assert summary["total"][:3] == ["all sources", f"{len(records):,}", f"{len(records):,}"]
    assert sum(int(row[1].replace(",", "")) for key, row in summary.items() if key != "total") == len(records)
    assert summary["total"][6] == f"{sum(r.views for r in records) + views_added(records):,}"
    one = sorted({r.source for r in records})[1]
    filtered = tmp_path / "one.html"
    result = run_cli("report", "-o", str(filtered), "--source", one, "--database-url", url)
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup(filtered.read_text(encoding="utf-8"), "html.parser")
    assert {b["data-source"] for b in soup.select("#chart-monthly rect.bar, #chart-languages rect.segment")} == {one}
    assert sum(int(b["data-count"]) for b in soup.select("#chart-monthly rect.bar")) == sum(
        r.source == one for r in records)
    top = [int(g["data-article-id"]) for g in soup.select("#chart-growth g.series")]
    assert top and set(top) <= {i for (i,) in sql(path, "select id from article where source = ?", one)}


def test_postgresql_gives_the_same_report(several_sources, tmp_path):
    records, sqlite_url, _ = several_sources
    with postgres_server() as server:
        pg_url = fill(server.create_database(f"report_{uuid4().hex[:12]}"), records)
        from_pg = collect(make_engine(pg_url), now=NOW)
        result = run_cli("report", "-o", str(tmp_path / "pg.html"), "--database-url", pg_url)
    assert result.returncode == 0, result.stderr
    from_sqlite = collect(make_engine(sqlite_url), now=NOW)
    assert from_pg.monthly == from_sqlite.monthly and from_pg.top == from_sqlite.top
    from_pg.database = from_sqlite.database = "db"
    assert render(from_pg) == render(from_sqlite)
    assert len(from_pg.top) == TOP_ARTICLES and len(from_pg.summary) > 3


def test_report_help_and_missing_database(tmp_path):
    result = run_cli("report", "--help")
    assert result.returncode == 0
    for needle in ("-o, --output", "--source", "self-contained", "most viewed"):
        assert needle in result.stdout
    missing = run_cli("report", "--database-url", f"sqlite:///{tmp_path / 'none.sqlite'}", cwd=tmp_path)
    assert (missing.returncode, missing.stderr.strip()) == (2, f"bulletins: error: no database at {tmp_path / 'none.sqlite'}")
    assert not (tmp_path / "bulletins-report.html").exists()


def test_the_health_section_gives_each_sources_verdict_as_status_does(report, tmp_path):
    import json

    path, _ = report
    url = f"sqlite:///{path}"
    for today, verdict in (("2024-01-05", "ok"), ("2026-11-20", "stale")):
        out = tmp_path / f"report-{today}.html"
        result = run_cli("report", "-o", str(out), "--database-url", url, env={"BULLETINS_TODAY": today})
        assert result.returncode == 0, result.stderr
        soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
        rows = {tr["data-source"]: tr for tr in soup.select("table.health tbody tr")}
        verdicts = {name: tr["data-verdict"] for name, tr in rows.items()}
        # every source a nightly run crawls is judged, those never crawled too
        runnable = set(run_cli("sources", "--runnable").stdout.split())
        assert set(verdicts) == runnable | {"gyeonggi-en"}
        assert verdicts.pop("gyeonggi-en") == verdict and set(verdicts.values()) == {"never"}
        status = json.loads(run_cli("status", "--json", "--source", "gyeonggi-en", "--today", today,
                                    "--database-url", url).stdout)["sources"][0]
        cells = [td.get_text() for td in rows["gyeonggi-en"].find_all("td")]
        assert cells[1] == status["verdict"] == verdict
        assert cells[7] == status["newest_article"] == sql(path, "select max(published) from article")[0][0]
        assert cells[-1] == status["why"]
        assert f"judged on {today}" in soup.select_one("table.health + p.note").get_text()
