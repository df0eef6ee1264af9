"""Reparse throughput: re-extraction from the WARC files against the crawl that wrote them.

    .venv/bin/python benchmarks/reparse_throughput.py [--articles 1830] [--attachment-every 3] [--jobs N]
        [--no-warmup] [--keep]

One run, one board: serve a replica board (``python -m scraper.replica``, with TCP_NODELAY as in
``benchmarks/crawl_throughput.py``; by default the board of issue 13, an attachment on every third
article) in its own process,
crawl it with the full pipeline (WARC + SQLite) in a child process (``run_crawl()`` in-process,
start-up excluded), then, from that crawl's WARC files, each in its own child:

* ``reparse``: ``scraper.archive.reparse.run.reparse()`` over the crawled database, the usual case after a
  crawl: nothing changed, so stored languages are reused (when the page objects accept a
  detector) and unchanged rows are not written;
* ``changed``: the same after every row was made to look parsed by an older extractor (title and
  extractor version altered, outside the timing): every language detected again, every row
  written — the worst case;
* ``rebuild``: ``rebuild=True`` into an empty database (every language detected, every row new).

Before the crawl an uncounted warm-up crawl (WARC and storage off) fills the replica's page
cache, so the measured crawl pays for no page rendering.

Seconds are the wall time of the library call inside each child (``run_crawl()``, ``reparse()``),
interpreter start-up and imports excluded. CPU seconds are the child's own plus its parsing
workers'. Crawl articles/s counts the articles stored; reparse and rebuild articles/s count the
article pages parsed (one per article: the board is crawled once). Load averages are printed:
other work on the machine slows every figure.

Checks: after each of the three the database holds the crawled articles with the same parsed
columns and attachments; the reparse reported no changed field, the changed run one changed
title per article; each parsed one page per stored article.
The printout is a report: exit 0 whatever the ratio; 1 when a run failed or a check did not
hold; 2 when the replica would not start.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import resource
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, peak_rss_mb, start_replica, stop

SOURCE = "gyeonggi-en"
TARGET = 10.0
RESULT_MARK = "BENCH-RESULT "
COLUMNS = ("source", "board_id", "url", "title", "issue_month", "headline", "author", "published",
           "views", "body_text", "body_html", "language", "language_probability", "missing_fields",
           "warc_file", "warc_offset", "warc_record_id", "extractor_version")


# --------------------------------------------------------------------------- children

def child(mode: str, workdir: Path, base_url: str | None, jobs: int | None) -> int:
    """One crawl, reparse or rebuild in this process; its figures as one JSON line."""
    database, warcs = workdir / "bulletins.sqlite", workdir / "warc"
    if mode in ("crawl", "warmup"):
        from scraper.crawl.run import make_settings, run_crawl

        overrides = ({"BULLETINS_WARC_ENABLED": False, "BULLETINS_STORAGE_ENABLED": False}
                     if mode == "warmup" else {})
        settings = make_settings(database=f"sqlite:///{database}", warcs=str(warcs),
                                 log_level="WARNING", overrides=overrides)
        cpu0, t0 = _cpu_seconds(), time.perf_counter()
        outcome = run_crawl(SOURCE, settings, base_url=base_url)
        seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - cpu0
        result = {"ok": outcome.ok, "failure": outcome.report.failure,
                  "pages": outcome.stats.get("response_received_count", 0),
                  "articles": outcome.stats.get("bulletins/articles", 0),
                  "pages_failed": outcome.stats.get("bulletins/pages_failed", 0)}
    else:
        from scraper.archive.reparse.run import reparse

        target = workdir / "rebuilt.sqlite" if mode == "rebuild" else database
        if mode == "changed":   # as if an older extractor had parsed every row
            from storage.database.models import SQLITE_INDEX_PENDING

            with contextlib.closing(sqlite3.connect(target)) as con, con:
                con.execute("update article set title = coalesce(title, '') || ' (old)', "
                            "extractor_version = 'gyeonggi_en/0'")
                # the search index takes the altered titles here too, outside the timing, as the
                # library's own commits do (storage.database.models.index_pending)
                for statement in SQLITE_INDEX_PENDING:
                    con.execute(statement)
        cpu0, t0 = _cpu_seconds(), time.perf_counter()
        report = reparse(f"sqlite:///{target}", warcs, rebuild=mode == "rebuild", jobs=jobs)
        seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - cpu0
        result = {"ok": not (report.unreadable or report.unread_files), "failure": None, "articles": report.captures,
                  "rows": report.new + report.updated, "changed": dict(report.field_counts()),
                  "languages_reused": report.languages_reused, "summary": report.summary_lines()}
    result.update(mode=mode, seconds=seconds, cpu_seconds=cpu,
                  max_rss_mb=peak_rss_mb())
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


def _cpu_seconds() -> float:
    """This process and its waited-for children (the parsing workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


# --------------------------------------------------------------------------- parent

def run_child(mode: str, workdir: Path, base_url: str | None = None, jobs: int | None = None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--workdir", str(workdir)]
    if base_url:
        cmd += ["--base-url", base_url]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stderr or "").splitlines()[-15:])
        return {"mode": mode, "ok": False, "failure": f"child exited {proc.returncode}\n{tail}"}
    return json.loads(lines[-1][len(RESULT_MARK):])


def parsed_digest(db: Path) -> tuple[int, str]:
    """(articles, digest of every parsed column and attachment), ids and seen times left out."""
    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(db)) as con:
        rows = con.execute(f"select id, {', '.join(COLUMNS)} from article order by source, board_id").fetchall()
        attachments: dict[int, list] = {}
        for article_id, *rest in con.execute("select article_id, name, url, size, content_type from attachment"):
            attachments.setdefault(article_id, []).append(tuple(rest))
    for row in rows:
        digest.update(repr((row[1:], sorted(attachments.get(row[0], [])))).encode())
    return len(rows), digest.hexdigest()


def rate(r: dict, key: str) -> float:
    return r[key] / r["seconds"] if r.get("seconds") else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1830, help="regular articles on the board (default 1830)")
    parser.add_argument("--attachment-every", type=int, default=3, metavar="N",
                        help="every Nth article carries one attachment (default 3; 0: the board's own)")
    parser.add_argument("--jobs", type=int, default=None, help="parsing processes (default: CPU count)")
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="skip the uncounted warm-up crawl that fills the replica's page cache")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (WARC files, databases)")
    parser.add_argument("--child", choices=("warmup", "crawl", "reparse", "changed", "rebuild"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))   # a checkout that was not installed
    if args.child:
        return child(args.child, args.workdir, args.base_url, args.jobs)
    if args.articles < 1 or args.attachment_every < 0:
        parser.error("--articles must be at least 1, --attachment-every at least 0")

    wall0 = time.perf_counter()
    import scrapy
    from scraper.replica import Board

    board = Board(articles=args.articles, attachment_every=args.attachment_every)
    expected = len(board.by_id)
    print("command: " + shlex.join([sys.executable, *sys.argv]))
    print(f"python {platform.python_version()}, Scrapy {scrapy.__version__}, {os.cpu_count()} CPU(s), "
          f"{platform.platform()}")
    print(f"board: {len(board.articles)} regular articles + {expected - len(board.articles)} notices, "
          f"{board.page_count()} listing pages, {len(board.attachments)} attachments")
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())
    try:
        options = ["--attachment-every", str(args.attachment_every)] if args.attachment_every else []
        server, base_url = start_replica(args.articles, *options)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"replica: {base_url} (pid {server.pid}, own process)")

    scratch = Path(tempfile.mkdtemp(prefix="bulletins-reparse-bench-"))
    results: dict[str, dict] = {}
    try:
        if args.warmup:
            (scratch / "warmup").mkdir()
            warm = run_child("warmup", scratch / "warmup", base_url)
            print(f"warm-up crawl (not counted): {warm.get('pages', 0)} pages, "
                  f"{'ok' if warm.get('ok') else 'FAILED'}")
        work = scratch / "run"
        work.mkdir()
        results["crawl"] = run_child("crawl", work, base_url)
        print(f"crawl: {'done' if results['crawl'].get('ok') else 'FAILED'}", flush=True)
    finally:
        stop(server)
    failed, checks = False, []
    try:
        if results["crawl"].get("ok"):
            # The replica is stopped: nothing below can reach the network.
            stored = results["crawl"]["articles"]
            crawled = parsed_digest(work / "bulletins.sqlite")
            checks.append((f"crawl stored {stored} articles == board {expected}", stored == expected))
            for mode, db, changed in (("reparse", "bulletins.sqlite", {}),
                                      ("changed", "bulletins.sqlite", {"title": stored}),
                                      ("rebuild", "rebuilt.sqlite", {})):
                r = results[mode] = run_child(mode, work, jobs=args.jobs)
                print(f"{mode}: {'done' if r.get('ok') else 'FAILED'}", flush=True)
                if not r.get("ok"):
                    continue
                checks.append((f"{mode}: database holds the crawled articles, parsed columns and "
                               f"attachments identical", parsed_digest(work / db) == crawled))
                if mode != "rebuild":
                    checks.append((f"{mode}: changed fields reported {r['changed'] or 'none'}",
                                   r["changed"] == changed))
                checks.append((f"{mode}: {r['articles']} pages parsed == articles stored",
                               r["articles"] == stored))
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    print()
    header = (f"{'run':<8}  {'pages':>5}  {'articles':>8}  {'seconds':>7}  {'pages/s':>7}  "
              f"{'articles/s':>10}  {'CPU s':>6}  {'peak RSS MB':>11}")
    print(header)
    print("-" * len(header))
    for mode, r in results.items():
        if not r.get("ok"):
            failed = True
            print(f"{mode:<8}  FAILED: {r.get('failure')}")
            continue
        pages = f"{r['pages']:>5}" if "pages" in r else f"{'-':>5}"
        pages_rate = f"{rate(r, 'pages'):>7.1f}" if "pages" in r else f"{'-':>7}"
        print(f"{mode:<8}  {pages}  {r['articles']:>8}  {r['seconds']:>7.2f}  {pages_rate}  "
              f"{rate(r, 'articles'):>10.1f}  {r['cpu_seconds']:>6.2f}  {r['max_rss_mb']:>11.1f}")
    for mode in ("reparse", "changed"):
        r = results.get(mode, {})
        if r.get("ok"):
            print(f"{mode}: languages reused for {r['languages_reused']} of {r['articles']} pages "
                  f"(text unchanged), detected for the rest")
    print()
    print("checks:")
    for text, passed in checks:
        failed |= not passed
        print(f"  {'ok  ' if passed else 'FAIL'} {text}")
    if not checks:
        failed = True
        print("  FAIL a run failed: nothing to check")
    if results.get("crawl", {}).get("pages_failed"):
        failed = True
        print(f"  FAIL {results['crawl']['pages_failed']} page(s) could not be fetched")
    print()
    if all(results.get(m, {}).get("ok") for m in ("crawl", "reparse", "changed", "rebuild")):
        crawl_rate = rate(results["crawl"], "articles")
        print(f"crawl: {rate(results['crawl'], 'pages'):.1f} pages/s, {crawl_rate:.1f} articles/s")
        print(f"reparse: {rate(results['reparse'], 'articles'):.1f} articles/s "
              f"(after an extractor change: {rate(results['changed'], 'articles'):.1f})")
        print(f"rebuild: {results['rebuild']['seconds']:.2f} s "
              f"({rate(results['rebuild'], 'articles'):.1f} articles/s)")
        print(f"reparse/crawl articles/s ratio: {rate(results['reparse'], 'articles') / crawl_rate:.2f} "
              f"(target >= {TARGET:.0f}); after an extractor change "
              f"{rate(results['changed'], 'articles') / crawl_rate:.2f}; rebuild "
              f"{rate(results['rebuild'], 'articles') / crawl_rate:.2f}")
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    print(f"benchmark wall time: {time.perf_counter() - wall0:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
