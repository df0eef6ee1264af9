"""Crawl throughput: the full pipeline (WARC capture + SQLite storage) against the bare spider.

    .venv/bin/python benchmarks/crawl_throughput.py [--articles 2000] [--repeat 1]

Serves a replica board (``python -m scraper.replica``) in its own process, so the crawler's CPU is
measured alone, then crawls it with the ``gyeonggi-en`` spider, each crawl in its own child
process (the Twisted reactor starts once per process, and each child reports its own peak RSS):

* ``bare``: the same spider and page objects (parsing, language detection) with
  ``BULLETINS_WARC_ENABLED=False`` and ``BULLETINS_STORAGE_ENABLED=False`` (the WARC middleware
  and the storage pipeline raise NotConfigured);
* ``full``: the project settings, WARC files and an SQLite database in a temporary folder.

Runs alternate bare, full, bare, full... (``--repeat N`` pairs). Before them an uncounted warm-up
crawl fills the replica's page cache, so no measured run pays for rendering pages.

Pages are Scrapy's ``response_received_count``. Seconds are the wall time of
``scraper.run.run_crawl()`` inside the child: crawler set-up, crawl and close (final commit, WARC
fsync and rename) included; interpreter start-up and imports excluded. The crawl's own
``finish_time - start_time`` (spider open to spider close) is printed alongside. Peak RSS is the
child's own peak RSS (VmHWM, see common.peak_rss_mb). With several repeats the ratio uses the median pages/s of each mode.

After each run the child checks what it left behind: a full run must hold one ``article`` row
per article of the board and one response + one request WARC record per response received; a
bare run must leave no database and no WARC file. The temporary folders are deleted afterwards.

The printout is a report: exit 0 whatever the ratio; 1 when a crawl failed or a check did not
hold; 2 when the replica would not start.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, peak_rss_mb, start_replica, stop

SOURCE = "gyeonggi-en"
TARGET = 0.70
RESULT_MARK = "BENCH-RESULT "
DISABLED_IN_BARE = ("scraper.capture.WarcCaptureMiddleware", "scraper.pipelines.StoragePipeline",
                    "scraper.conditional.ConditionalRequestMiddleware", "scraper.packaging.RunPackager")


# --------------------------------------------------------------------------- child: one crawl

def child(mode: str, base_url: str, workdir: Path, expected_articles: int) -> int:
    """Run one crawl in this process and print its figures as one JSON line."""
    from scraper.run import make_settings, run_crawl

    database = workdir / "bulletins.sqlite"
    warcs = workdir / "warc"
    overrides = {}
    if mode == "bare":
        overrides = {"BULLETINS_WARC_ENABLED": False, "BULLETINS_STORAGE_ENABLED": False}
    settings = make_settings(database=f"sqlite:///{database}", warcs=str(warcs),
                             log_level="WARNING", overrides=overrides)

    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    outcome = run_crawl(SOURCE, settings, base_url=base_url)
    seconds = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0
    max_rss_kb = peak_rss_mb() * 1024

    stats = outcome.stats
    start, finish = stats.get("start_time"), stats.get("finish_time")
    result = {
        "mode": mode,
        "ok": outcome.ok,
        "failure": outcome.report.failure,
        "pages": stats.get("response_received_count", 0),
        "seconds": seconds,
        "stats_seconds": (finish - start).total_seconds() if start and finish else None,
        "cpu_seconds": cpu,
        "max_rss_mb": max_rss_kb / 1024,
        "items": stats.get("item_scraped_count", 0),
        "articles": stats.get("bulletins/articles", 0),
        "warc_records_stat": stats.get("bulletins/warc_records", 0),
        "pages_failed": stats.get("bulletins/pages_failed", 0),
        "checks": _checks(mode, workdir, database, warcs, stats, expected_articles),
    }
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _checks(mode, workdir: Path, database: Path, warcs: Path, stats, expected_articles: int):
    """[(description, passed)] about what the crawl left on disk."""
    pages = stats.get("response_received_count", 0)
    if mode == "bare":
        files = sorted(str(p.relative_to(workdir)) for p in workdir.rglob("*") if p.is_file())
        return [
            (f"no database, no WARC file written (files: {', '.join(files) or 'none'})", not files),
            (f"no WARC record counted (bulletins/warc_records={stats.get('bulletins/warc_records', 0)})",
             not stats.get("bulletins/warc_records")),
        ]

    import sqlite3

    from storage.warc import iter_records

    checks = []
    if database.exists():
        with sqlite3.connect(database) as db:
            rows = db.execute("select count(*) from article").fetchone()[0]
            distinct = db.execute("select count(distinct board_id) from article").fetchone()[0]
        checks.append((f"article rows {rows} ({distinct} distinct ids) == board articles "
                       f"{expected_articles}", rows == distinct == expected_articles))
    else:
        checks.append((f"database {database.name} exists", False))
    files = sorted(warcs.glob("*.warc.gz"))
    leftovers = sorted(warcs.glob("*.open"))
    counts: dict[str, int] = {}
    for path in files:
        for _, record in iter_records(path):
            counts[record.record_type] = counts.get(record.record_type, 0) + 1
    size_mb = sum(p.stat().st_size for p in files) / 1e6
    checks.append((f"WARC: {len(files)} closed file(s), {size_mb:.1f} MB, "
                   f"{counts.get('response', 0)} response + {counts.get('request', 0)} request "
                   f"records == {pages} responses received",
                   bool(files) and not leftovers
                   and counts.get("response", 0) == counts.get("request", 0) == pages))
    return checks


# --------------------------------------------------------------------------- parent

def proc_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process from /proc (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def run_child(mode: str, base_url: str, scratch: Path, index: int, expected_articles: int,
              server_pid: int) -> dict:
    workdir = scratch / f"{index:02d}-{mode}"
    workdir.mkdir()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--base-url", base_url,
           "--workdir", str(workdir), "--expected-articles", str(expected_articles)]
    server_cpu0 = proc_cpu_seconds(server_pid)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    process_seconds = time.perf_counter() - t0
    server_cpu1 = proc_cpu_seconds(server_pid)
    shutil.rmtree(workdir, ignore_errors=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stderr or "").splitlines()[-15:])
        return {"mode": mode, "ok": False, "failure": f"child exited {proc.returncode}\n{tail}",
                "checks": []}
    result = json.loads(lines[-1][len(RESULT_MARK):])
    result["process_seconds"] = process_seconds
    if server_cpu0 is not None and server_cpu1 is not None:
        result["server_cpu_seconds"] = server_cpu1 - server_cpu0
    log = (proc.stderr or "").splitlines()
    if mode == "bare":   # Scrapy logs each component that raised NotConfigured
        result["checks"].append((
            "WARC middleware and storage pipeline raised NotConfigured",
            all(any(f"Disabled {name}:" in line for line in log) for name in DISABLED_IN_BARE)))
    warnings = [line for line in log if ("WARNING" in line or "ERROR" in line)
                and not any(f"Disabled {name}:" in line for name in DISABLED_IN_BARE)]
    result["log_warnings"] = len(warnings)
    result["first_warnings"] = warnings[:3]
    return result


def rate(r: dict) -> float:
    return r["pages"] / r["seconds"] if r.get("seconds") else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000,
                        help="regular articles on the board (default 2000)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="bare/full pairs to run, alternating (default 1)")
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="skip the uncounted warm-up crawl that fills the replica's page cache")
    parser.add_argument("--child", choices=("bare", "full"), help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--expected-articles", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))   # a checkout that was not installed
    if args.repeat < 1 or args.articles < 1:
        parser.error("--repeat and --articles must be at least 1")

    if args.child:
        return child(args.child, args.base_url, args.workdir, args.expected_articles)

    wall0 = time.perf_counter()
    import scrapy
    from scraper.replica import Board

    board = Board(articles=args.articles)
    expected_articles = len(board.by_id)   # regular articles plus the pinned notices
    print("command: " + shlex.join([sys.executable, *sys.argv]))
    print(f"python {platform.python_version()}, Scrapy {scrapy.__version__}, {os.cpu_count()} CPU(s), "
          f"{platform.platform()}")
    print(f"board: {len(board.articles)} regular articles + {expected_articles - len(board.articles)} "
          f"notices, {board.page_count()} listing pages, {len(board.attachments)} attachments")

    try:
        server, base_url = start_replica(args.articles)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"replica: {base_url} (pid {server.pid}, own process)")
    print("timing: wall time of run_crawl() inside each child (set-up + crawl + close, "
          "interpreter start-up excluded); 'spider s' = stats finish_time - start_time")

    scratch = Path(tempfile.mkdtemp(prefix="bulletins-bench-"))
    results: list[dict] = []
    try:
        if args.warmup:
            warm = run_child("bare", base_url, scratch, 0, expected_articles, server.pid)
            state = "ok" if warm.get("ok") else "FAILED"
            print(f"warm-up (bare, not counted): {warm.get('pages', 0)} pages in "
                  f"{warm.get('seconds', 0):.2f} s, {state}")
        order = ["bare", "full"] * args.repeat
        for i, mode in enumerate(order, start=1):
            r = run_child(mode, base_url, scratch, i, expected_articles, server.pid)
            results.append(r)
            print(f"run {i}/{len(order)} {mode}: "
                  + (f"{r['pages']} pages, {r['seconds']:.2f} s" if r.get("ok") else "FAILED"),
                  flush=True)
    finally:
        stop(server)
        shutil.rmtree(scratch, ignore_errors=True)

    failed = False
    print()
    header = (f"{'run':>3}  {'mode':<4}  {'pages':>5}  {'seconds':>7}  {'pages/s':>7}  "
              f"{'spider s':>8}  {'CPU s':>6}  {'replica CPU s':>13}  {'peak RSS MB':>11}")
    print(header)
    print("-" * len(header))
    for i, r in enumerate(results, start=1):
        if not r.get("ok") or "pages" not in r:
            failed = True
            print(f"{i:>3}  {r['mode']:<4}  FAILED: {r.get('failure')}")
            if "pages" not in r:
                continue
        server_cpu = r.get("server_cpu_seconds")
        print(f"{i:>3}  {r['mode']:<4}  {r['pages']:>5}  {r['seconds']:>7.2f}  {rate(r):>7.1f}  "
              f"{r['stats_seconds'] or 0:>8.2f}  {r['cpu_seconds']:>6.2f}  "
              f"{'-' if server_cpu is None else f'{server_cpu:.2f}':>13}  {r['max_rss_mb']:>11.1f}")

    print()
    print("checks:")
    for i, r in enumerate(results, start=1):
        for text, passed in r.get("checks", []):
            failed |= not passed
            print(f"  run {i} {r['mode']}: {'ok  ' if passed else 'FAIL'} {text}")
        if r.get("pages_failed"):
            failed = True
            print(f"  run {i} {r['mode']}: FAIL {r['pages_failed']} page(s) could not be fetched")
        if r.get("log_warnings"):
            print(f"  run {i} {r['mode']}: note: {r['log_warnings']} warning/error log line(s), first: "
                  + " | ".join(r["first_warnings"]))

    by_mode = {m: [r for r in results if r.get("mode") == m and r.get("ok") and "pages" in r]
               for m in ("bare", "full")}
    print()
    if by_mode["bare"] and by_mode["full"]:
        summary = {}
        for mode, runs in by_mode.items():
            summary[mode] = (statistics.median(rate(r) for r in runs),
                             max(r["max_rss_mb"] for r in runs),
                             statistics.median(r["cpu_seconds"] * 1000 / r["pages"] for r in runs))
            label = "median of %d runs" % len(runs) if len(runs) > 1 else "1 run"
            print(f"{mode}: {summary[mode][0]:.1f} pages/s ({label}), peak RSS {summary[mode][1]:.1f} MB, "
                  f"{summary[mode][2]:.2f} ms CPU/page")
        ratio = summary["full"][0] / summary["bare"][0]
        print(f"full/bare pages/s ratio: {ratio:.2f} (target >= {TARGET:.2f})")
    else:
        print("full/bare pages/s ratio: n/a (a crawl failed)")
        failed = True
    print(f"benchmark wall time: {time.perf_counter() - wall0:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
