"""Research scale: ingest rate and search latency at 100,000 articles, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/research_scale.py [--articles 100000] [--seed 20260101] [--no-postgres] [--keep]

Generates the articles with benchmarks/synthetic_articles.py (deterministic: Korean and English,
1-3 KB bodies, six sources, 2018-2026) and stores them through storage.save_article, one commit
per 200 articles as a crawl does, into a new SQLite database (a temporary folder) and a new
PostgreSQL database (a server of its own on loopback, started as tests/services.py does; the
database is created with LC_CTYPE C.UTF-8 so pg_trgm indexes Hangul; words of one or two
characters go through the gram indexes of migration 0006). Then it runs QUERIES (100
searches: Korean of two syllables and longer, English, phrases, several terms, with and without
filters, some finding nothing) through storage.database.search.search, once unmeasured to warm the
caches, then measured: the time of search() (query, ranking, snippets; not the CLI's start-up).
On PostgreSQL the load is followed by VACUUM ANALYZE, which autovacuum would otherwise run
during the measurement.

Prints ingest rows/s, database size (for PostgreSQL also the sizes of its search indexes), and
search latency median / p95 / max (per kind of query too) for each database, and whether each
one's p95 is under the 50 ms target. Exit 0 whatever the figures; 1 if a search fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

sys.path.insert(0, str(ROOT))

from synthetic_articles import load_synthetic  # noqa: E402

TARGET_P95_MS = 50.0

# (query, filters, kind): 100 searches.
KO2 = ["경기", "도청", "협력", "관광", "보육", "창업", "주민", "개최", "서울", "인천", "몽골", "독일",
       "청년", "시청", "예산", "지진", "태풍", "의료", "문화", "돌봄"]
KO3 = ["반도체", "탄소중립", "국제협력", "국제협력네트워크", "청년일자리보장제", "심야버스", "어르신돌봄",
       "스마트팜박람회", "해안정화", "글로벌창업센터", "우즈베키스탄", "행정복지센터", "감염병대응센터",
       "기본주택사업", "공공어린이집", "디지털배움터", "블록체인", "협약 체결", "수원시", "해운대구"]
EN = ["cooperation", "semiconductor", "Mongolia", "tourism", "childcare", "housing", "startups",
      "Busan", "festival", "digital", "flood", "carbon", "Uzbekistan", "Seogwipo", "earthquake",
      "blockchain", "infectious", "Applicants", "Late-Night", "cleanup"]
MIXED = ['"Late-Night Bus"', '"carbon neutrality"', '"youth employment"', "semiconductor cluster",
         "경기 반도체", "서울 청년", "인천 관광 축제", "cooperation Mongolia", "Busan festival",
         '"국제협력 분야"', "협력 몽골", "경기도 도청", "tourism Jeju", "Smart Farm Expo", "청년 일자리",
         "도민 의견", "housing Incheon", "돌봄 어르신", "digital literacy", "재난안전 풍수해대책"]
FILTERED = [("경기", dict(source="gyeonggi-ko")), ("협력", dict(since="2024-01")),
            ("반도체", dict(until="2019-12")), ("cooperation", dict(language="en", since="2022-01")),
            ("tourism", dict(source="busan-en", until="2020-06")), ("탄소중립", dict(source="seoul-ko")),
            ("관광", dict(language="ko", since="2025-01", until="2025-12")), ("Mongolia", dict(source="jeju-mixed")),
            ("창업", dict(since="2026-01")), ("semiconductor", dict(since="2018-01", until="2018-03")),
            ("일자리", dict(language="ko")), ("housing", dict(language="en")),
            ("개최", dict(source="incheon-ko")), ("몽골", dict(until="2018-06")),
            ("festival", dict(since="2023-01", until="2023-12")), ("도청", dict(source="seoul-ko")),
            ("Busan", dict(source="gyeonggi-en")), ("국제협력네트워크", dict(since="2020-01", until="2020-12")),
            ("예산", dict(source="jeju-mixed", language="ko")), ("childcare", dict(since="2026-06"))]
QUERIES = ([(q, {}, "ko 2 syllables") for q in KO2] + [(q, {}, "ko 3+ syllables") for q in KO3]
           + [(q, {}, "en") for q in EN] + [(q, {}, "several terms / phrase") for q in MIXED]
           + [(q, f, "with filters") for q, f in FILTERED])
assert len(QUERIES) == 100


def measure(url: str) -> tuple[list[tuple[str, float, int]], int]:
    """(kind, ms, hits) per query, after one unmeasured pass; and the number of failures."""
    from storage.database.db import make_engine, session
    from storage.database.search import search

    engine = make_engine(url)
    failures = 0
    for measured in (False, True):
        results = []
        for query, filters, kind in QUERIES:
            with session(engine) as db:
                t0 = time.perf_counter()
                try:
                    hits = search(db, query, limit=20, **filters)
                except Exception as exc:  # a report, not a test: count and go on
                    failures += measured
                    print(f"  FAIL {query!r} {filters}: {type(exc).__name__}: {exc}")
                    hits = []
                results.append((kind, (time.perf_counter() - t0) * 1000, len(hits)))
    return results, failures


def report(name: str, rows_per_s: float, size_mb: float | None, results) -> float:
    times = [ms for _, ms, _ in results]
    p95 = statistics.quantiles(times, n=100, method="inclusive")[94]
    print(f"{name}: ingest {rows_per_s:,.0f} articles/s" + (f", database {size_mb:,.0f} MB" if size_mb else ""))
    print(f"  search over {len(times)} queries: median {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms, max {max(times):.1f} ms; "
          f"{sum(1 for _, _, n in results if n)} found something")
    for kind in dict.fromkeys(k for k, _, _ in results):
        mine = sorted(ms for k, ms, _ in results if k == kind)
        print(f"    {kind:<24} median {statistics.median(mine):6.1f} ms  max {mine[-1]:6.1f} ms")
    return p95


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite database; print its path")
    args = parser.parse_args(argv)

    print(f"command: {sys.executable} {' '.join([sys.argv[0], *(argv or sys.argv[1:])])}")
    import sqlite3
    print(f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPU(s), "
          f"{platform.platform()}")
    print(f"articles: {args.articles:,} synthetic (seed {args.seed}), stored with save_article in commits of 200")
    failed = 0

    folder = Path(tempfile.mkdtemp(prefix="bulletins-research-"))
    path = folder / "bulletins.sqlite"
    url = f"sqlite:///{path}"
    rows_per_s = load_synthetic(url, args.articles, args.seed)
    results, failures = measure(url)
    failed += failures
    size = sum(p.stat().st_size for p in folder.glob("bulletins.sqlite*")) / 2**20
    p95 = report("SQLite", rows_per_s, size, results)
    print(f"  SQLite search p95 {p95:.1f} ms: {'under' if p95 < TARGET_P95_MS else 'OVER'} "
          f"the {TARGET_P95_MS:.0f} ms target")
    if args.keep:
        print(f"  kept: {path}")
    else:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()

    if not args.no_postgres:
        failed += postgres(args)
    return 1 if failed else 0


def postgres(args) -> int:
    from tests.services import postgres_bindir, postgres_server

    if postgres_bindir() is None:
        print("PostgreSQL: skipped (no initdb/pg_ctl found: apt-get install postgresql)")
        return 0
    try:
        servers = postgres_server()
        server = servers.__enter__()
    except BaseException as exc:  # pytest's skip/fail outcomes are BaseExceptions
        print(f"PostgreSQL: skipped (the server did not start: {str(exc).splitlines()[0] if str(exc) else exc!r})")
        return 0
    try:
        import psycopg

        name = "research"
        with psycopg.connect(host="127.0.0.1", port=server.port, user=server.user, dbname="postgres",
                             autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                        "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
            version = con.execute("SHOW server_version").fetchone()[0]
        url = server.url(name)
        print(f"PostgreSQL {version} on loopback, database LC_CTYPE C.UTF-8")
        rows_per_s = load_synthetic(url, args.articles, args.seed)
        # Autovacuum vacuums and analyzes the table after such a load, maybe while the searches
        # run: done here first, so that they are not timed against it (quick if it came first).
        with psycopg.connect(host="127.0.0.1", port=server.port, user=server.user, dbname=name,
                             autocommit=True) as con:
            t0 = time.perf_counter()
            con.execute("VACUUM ANALYZE")
            print(f"  VACUUM ANALYZE after the load: {time.perf_counter() - t0:.0f} s")
        results, failures = measure(url)
        with psycopg.connect(host="127.0.0.1", port=server.port, user=server.user, dbname=name) as con:
            size = con.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
            indexes = con.execute("SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname IN "
                                  "('ix_article_title_trgm', 'ix_article_body_trgm', 'ix_article_title_grams', "
                                  "'ix_article_grams') ORDER BY relname").fetchall()
        p95 = report("PostgreSQL", rows_per_s, size, results)
        print("  search indexes: " + ", ".join(f"{n} {b / 2**20:,.0f} MB" for n, b in indexes))
        print(f"  PostgreSQL search p95 {p95:.1f} ms: {'under' if p95 < TARGET_P95_MS else 'OVER'} "
              f"the {TARGET_P95_MS:.0f} ms target")
        return failures
    finally:
        from storage.database.db import _pg_engines

        for engine in _pg_engines.values():
            engine.dispose()
        servers.__exit__(None, None, None)


if __name__ == "__main__":
    sys.exit(main())
