"""Incremental crawl: what a nightly run costs after a full crawl, against the minimum and --full.

    .venv/bin/python benchmarks/incremental_crawl.py [--articles 10000] [--new 5] [--horizon-months N]

Issue 6, point 1. Serves a replica board in its own process, then runs three crawls of the
``gyeonggi-en`` spider into one temporary database and WARC folder, each crawl in its own child
process (the Twisted reactor starts once per process, and each child reports its own peak RSS):

1. ``first``: the default (incremental) crawl of an empty database, so it walks and fetches the
   whole ``Board(articles=N)``: the memory of a full N-article crawl;
2. ``nightly``: the board gains ``--new`` articles (``Board(articles=N, new=K)``, served on the
   same port, so every URL stays the same), and the default crawl runs again;
3. ``full``: a ``full=true`` recrawl (``bulletins crawl --full``) of the same board, for comparison.

``python -m scraper.replica`` has no flag for ``new``, so the replica runs in a small server
process of this script (``--serve``) around ``scraper.replica.ReplicaServer``: it starts with the
first board, and on a command from the parent stops and serves the grown board on the same port.
After each crawl the parent reads (and clears) the server's request log.

The minimum for the nightly run is computed from the two boards: robots.txt, the listing pages down
to the last article it must fetch plus one page proving the rest is stored (unless the listing ends
first), the new articles and the stored ones inside the horizon (dated on or after the horizon's
first day, as the spider computes it today), and their attachments.

Requests are the replica's request log (every HTTP request it answered), with Scrapy's
``downloader/request_count`` alongside. Seconds are the wall time of ``scraper.crawl.run.run_crawl()``
inside the child (set-up, crawl, close: final commit, WARC fsync, CDXJ index and WACZ package);
peak RSS is the child's ``VmHWM`` (``/proc/self/status``; not ``ru_maxrss``, which a child inherits
from the parent that started it, see ``peak_rss_mb``).

Checks: each crawl finished; the first stored every article once; after the nightly run the
database holds N + K + notices articles, each once; the nightly run fetched exactly the article
pages, attachments and listing pages of the minimum, and no more requests than it; the full recrawl
leaves every article stored once.

The printout is a report: exit 0 whatever the figures and checks (a check that does not hold is
printed ``FAIL``); 1 when a crawl failed; 2 when the replica would not start.
"""

from __future__ import annotations

import argparse
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
from collections import Counter
from pathlib import Path

from common import peak_rss_mb
from scraper.processes import start, stop
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "gyeonggi-en"
RESULT_MARK = "BENCH-RESULT "
READY_MARK = "READY "
LOG_MARK = "REQUESTS "


# --------------------------------------------------------------------------- server process

def serve(articles: int) -> int:
    """The replica, driven by lines on stdin: ``grow K`` (serve Board(articles, new=K) on the same
    port), ``log`` (print and clear the request log); end of input stops it."""
    from scraper.replica import Board, ReplicaServer

    server = ReplicaServer(Board(articles=articles), host="127.0.0.1", port=0, flaky=False).start()
    print(READY_MARK + server.base_url, flush=True)
    try:
        for line in sys.stdin:
            command, *rest = line.split()
            if command == "grow":
                board = Board(articles=articles, new=int(rest[0]))  # built before the old one stops
                port = server.port
                server.stop()
                server = ReplicaServer(board, host="127.0.0.1", port=port, flaky=False).start()
                print(READY_MARK + server.base_url, flush=True)
            elif command == "log":
                # between crawls: no request in flight
                requests, server.requests = server.requests, []
                print(LOG_MARK + json.dumps(requests), flush=True)
    finally:
        server.stop()
    return 0


class Replica:
    """The parent's handle on the server process."""

    def __init__(self, articles: int):
        self.proc = start(
            [sys.executable, str(Path(__file__).resolve()), "--serve", "--articles", str(articles)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True)
        self.base_url = self._read(READY_MARK)

    def _read(self, mark: str) -> str:
        line = self.proc.stdout.readline()
        if not line.startswith(mark):
            raise RuntimeError(f"replica answered {line[:80]!r}, expected {mark.strip()}")
        return line[len(mark):].strip()

    def _send(self, command: str) -> None:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def grow(self, new: int) -> str:
        self._send(f"grow {new}")
        return self._read(READY_MARK)

    def requests(self) -> list[tuple[str, str]]:
        self._send("log")
        return [tuple(r) for r in json.loads(self._read(LOG_MARK))]

    def stop(self) -> None:
        try:
            self.proc.stdin.close()  # end of input: the server stops by itself
        except OSError:
            pass
        stop(self.proc, None)


# --------------------------------------------------------------------------- child: one crawl

def child(mode: str, base_url: str, workdir: Path, horizon_months: int | None) -> int:
    """Run one crawl in this process and print its figures as one JSON line."""
    from scraper.crawl.run import make_settings, run_crawl

    overrides = {"BULLETINS_PROGRESS": "off"}
    if horizon_months:
        overrides["BULLETINS_HORIZON_MONTHS"] = horizon_months
    settings = make_settings(database=f"sqlite:///{workdir / 'bulletins.sqlite'}",
                             warcs=str(workdir / "warc"), log_level="WARNING", overrides=overrides)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    outcome = run_crawl(SOURCE, settings, base_url=base_url,
                        full="true" if mode == "full" else None)
    seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    stats = outcome.stats
    start, finish = stats.get("start_time"), stats.get("finish_time")
    keys = ("listing_pages", "articles", "articles_new", "articles_updated",
            "articles_not_refetched", "pages_failed", "items_failed", "warc_records")
    result = {
        "mode": mode,
        "ok": outcome.ok,
        "failure": outcome.report.failure,
        "seconds": seconds,
        "stats_seconds": (finish - start).total_seconds() if start and finish else None,
        "cpu_seconds": usage.ru_utime + usage.ru_stime - cpu0.ru_utime - cpu0.ru_stime,
        "max_rss_mb": peak_rss_mb(),
        "request_count": stats.get("downloader/request_count", 0),
        "responses": stats.get("response_received_count", 0),
        "status_304": stats.get("downloader/response_status_count/304", 0),
        **{key: stats.get(f"bulletins/{key}", 0) for key in keys},
    }
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


def run_child(mode: str, base_url: str, workdir: Path, horizon_months: int | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--base-url", base_url,
           "--workdir", str(workdir)]
    if horizon_months:
        cmd += ["--horizon-months", str(horizon_months)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    process_seconds = time.perf_counter() - t0
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stderr or "").splitlines()[-15:])
        return {"mode": mode, "ok": False, "failure": f"child exited {proc.returncode}\n{tail}"}
    result = json.loads(lines[-1][len(RESULT_MARK):])
    result["process_seconds"] = process_seconds
    warnings = [line for line in (proc.stderr or "").splitlines() if "WARNING" in line or "ERROR" in line]
    result["log_warnings"], result["first_warnings"] = len(warnings), warnings[:3]
    return result


# --------------------------------------------------------------------------- the boards

def kind_of(path: str, attachment_paths: set[str]) -> str:
    from scraper.replica.pages import BOARD_PATH

    path = unquote(urlsplit(path).path)
    if path == "/robots.txt":
        return "robots"
    if path == BOARD_PATH or (path.startswith(BOARD_PATH + "page/")):
        return "listing"
    if path.startswith(BOARD_PATH) and path[len(BOARD_PATH):].isdigit():
        return "article"
    if path in attachment_paths:
        return "attachment"
    return "other"


def minimum_nightly(before, after, horizon) -> dict:
    """What the nightly run must fetch, from the board before and after it grew."""
    from scraper.replica.pages import listing_path, view_path

    to_fetch = [a for a in after.articles if a.id not in before.by_id or a.date >= horizon]
    to_fetch += [a for a in after.notices if a.id not in before.by_id]
    new = [a for a in to_fetch if a.id not in before.by_id]
    in_horizon = [a for a in to_fetch if a.id in before.by_id]
    last = max((after.page_of(a.id) for a in to_fetch if not a.notice), default=0)
    listing_pages = min(last + 1, after.page_count())   # + 1 page proving the rest is stored
    attachments = [unquote(att.url_path) for a in to_fetch for att in a.attachments]
    return {
        "new": new, "in_horizon": in_horizon, "last_page": last, "listing_pages": listing_pages,
        "listing_paths": {listing_path(n) for n in range(1, listing_pages + 1)},
        "article_paths": {view_path(a.id) for a in to_fetch},
        "attachment_paths": set(attachments),
        "total": 1 + listing_pages + len(to_fetch) + len(attachments),
    }


def db_articles(database: Path) -> tuple[int, int, set[str]]:
    """(article rows, distinct board ids, board ids) of the source."""
    if not database.exists():
        return 0, 0, set()
    with sqlite3.connect(database) as db:
        ids = [row[0] for row in db.execute("select board_id from article where source = ?", (SOURCE,))]
    return len(ids), len(set(ids)), set(ids)


# --------------------------------------------------------------------------- parent

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000,
                        help="regular articles on the board of the first crawl (default 10000)")
    parser.add_argument("--new", type=int, default=5,
                        help="articles the board gains before the nightly run (default 5)")
    parser.add_argument("--horizon-months", type=int, default=None,
                        help="BULLETINS_HORIZON_MONTHS for the crawls (default: the setting, 2)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder, print its path")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=("first", "nightly", "full"), help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))   # a checkout that was not installed
    if args.articles < 4 or args.new < 0 or (args.horizon_months is not None and args.horizon_months < 1):
        parser.error("--articles must be at least 4, --new at least 0, --horizon-months at least 1")

    if args.serve:
        return serve(args.articles)
    if args.child:
        return child(args.child, args.base_url, args.workdir, args.horizon_months)

    wall0 = time.perf_counter()
    import scrapy
    from scraper.replica import Board
    from scraper.crawl.spiders.base import horizon_start

    print("command: " + shlex.join([sys.executable, *sys.argv]))
    print(f"python {platform.python_version()}, Scrapy {scrapy.__version__}, {os.cpu_count()} CPU(s), "
          f"{platform.platform()}")
    before = Board(articles=args.articles)
    after = Board(articles=args.articles, new=args.new)
    horizon = horizon_start(args.horizon_months or 2)
    minimum = minimum_nightly(before, after, horizon)
    attachment_paths = {unquote(p) for p in after.attachments}
    full_minimum = 1 + after.page_count() + len(after.by_id) + len(after.attachments)
    print(f"board: {len(before.articles)} regular articles + {len(before.notices)} notices, "
          f"{before.page_count()} listing pages, {len(before.attachments)} attachments; "
          f"then Board(articles={args.articles}, new={args.new}): {len(after.articles)} + "
          f"{len(after.notices)}, {after.page_count()} pages, {len(after.attachments)} attachments")
    print(f"horizon: {args.horizon_months or 2} month(s), from {horizon} (Korea time); newest stored "
          f"article {before.articles[0].date}; new articles dated "
          + (", ".join(sorted({str(a.date) for a in minimum['new']})) or "-"))
    print(f"nightly minimum: 1 robots.txt + {minimum['listing_pages']} listing page(s) (last article "
          f"to fetch on page {minimum['last_page']}, + 1 proving the rest is stored) + "
          f"{len(minimum['new'])} new + {len(minimum['in_horizon'])} in-horizon article(s) + "
          f"{len(minimum['attachment_paths'])} attachment(s) = {minimum['total']} requests")

    try:
        replica = Replica(args.articles)
    except (RuntimeError, OSError) as exc:
        print(f"error: replica did not start: {exc}", file=sys.stderr)
        return 2
    print(f"replica: {replica.base_url} (pid {replica.proc.pid}, own process: "
          f"scraper.replica.ReplicaServer, flaky=False)")
    print("timing: wall time of run_crawl() inside each child (set-up + crawl + close, "
          "interpreter start-up excluded); peak RSS = the child's VmHWM")
    print()

    scratch = Path(tempfile.mkdtemp(prefix="bulletins-incremental-"))
    results: dict[str, dict] = {}
    logs: dict[str, list[tuple[str, str]]] = {}
    counts: dict[str, tuple[int, int, set[str]]] = {}
    try:
        for mode in ("first", "nightly", "full"):
            if mode == "nightly":
                url = replica.grow(args.new)
                print(f"replica now serves Board(articles={args.articles}, new={args.new}) on {url}")
                if url != replica.base_url:
                    print("error: the grown board is not on the same URL", file=sys.stderr)
                    return 1
            r = run_child(mode, replica.base_url, scratch, args.horizon_months)
            results[mode] = r
            logs[mode] = replica.requests()
            counts[mode] = db_articles(scratch / "bulletins.sqlite")
            print(f"{mode}: " + (f"{len(logs[mode])} requests, {r['seconds']:.1f} s, peak RSS "
                                 f"{r['max_rss_mb']:.1f} MB" if r.get("ok") else
                                 f"FAILED: {r.get('failure')}"), flush=True)
            if not r.get("ok"):
                break
    finally:
        replica.stop()
        if args.keep:
            print(f"kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    failed = any(not r.get("ok") for r in results.values()) or len(results) < 3
    print()
    header = (f"{'crawl':<8}  {'requests':>8}  {'scrapy req':>10}  {'robots':>6}  {'listing':>7}  "
              f"{'articles':>8}  {'attach.':>7}  {'304':>5}  {'seconds':>7}  {'spider s':>8}  "
              f"{'CPU s':>6}  {'peak RSS MB':>11}")
    print(header)
    print("-" * len(header))
    kinds: dict[str, Counter] = {}
    for mode, r in results.items():
        if "seconds" not in r:
            print(f"{mode:<8}  FAILED: {r.get('failure')}")
            continue
        kinds[mode] = Counter(kind_of(path, attachment_paths) for _, path in logs[mode])
        k = kinds[mode]
        print(f"{mode:<8}  {len(logs[mode]):>8}  {r['request_count']:>10}  {k['robots']:>6}  "
              f"{k['listing']:>7}  {k['article']:>8}  {k['attachment']:>7}  {r['status_304']:>5}  "
              f"{r['seconds']:>7.1f}  {r['stats_seconds'] or 0:>8.1f}  {r['cpu_seconds']:>6.1f}  "
              f"{r['max_rss_mb']:>11.1f}")

    print()
    if "first" in results and "seconds" in results["first"]:
        r = results["first"]
        print(f"memory of a {args.articles}-article crawl (first, full walk): peak RSS "
              f"{r['max_rss_mb']:.1f} MB, {r['seconds']:.1f} s, "
              f"{len(logs['first']) / r['seconds']:.1f} requests/s")
    if "nightly" in results and "seconds" in results["nightly"]:
        made = len(logs["nightly"])
        r = results["nightly"]
        print(f"nightly: {made} requests made; minimum {minimum['total']} "
              f"({made / minimum['total']:.2f}x the minimum); "
              + (f"full recrawl {len(logs['full'])} ({100 * made / len(logs['full']):.2f}% of it); "
                 if "full" in logs else "")
              + f"{r['seconds']:.1f} s"
              + (f" vs {results['full']['seconds']:.1f} s" if "seconds" in results.get("full", {}) else "")
              + f"; peak RSS {r['max_rss_mb']:.1f} MB")
        print(f"nightly stats: listing_pages={r['listing_pages']} articles={r['articles']} "
              f"articles_new={r['articles_new']} articles_updated={r['articles_updated']} "
              f"articles_not_refetched={r['articles_not_refetched']} warc_records={r['warc_records']}")
    if "seconds" in results.get("full", {}):
        r = results["full"]
        print(f"full recrawl: {len(logs['full'])} requests (1 robots + {after.page_count()} listing "
              f"+ {len(after.by_id)} articles + {len(after.attachments)} attachments = {full_minimum}), "
              f"{r['status_304']} attachment(s) answered 304 Not Modified")

    print()
    print("checks:")

    def check(text: str, passed: bool) -> None:
        print(f"  {'ok  ' if passed else 'FAIL'} {text}")

    for mode, r in results.items():
        check(f"{mode}: crawl finished"
              + ("" if r.get("ok") else f" (failure: {r.get('failure')})"), bool(r.get("ok")))
        if r.get("pages_failed") or r.get("items_failed"):
            check(f"{mode}: {r['pages_failed']} page(s) and {r['items_failed']} item(s) failed", False)
        if "request_count" in r:
            check(f"{mode}: replica log {len(logs[mode])} requests == Scrapy downloader/request_count "
                  f"{r['request_count']}", len(logs[mode]) == r["request_count"])
        if r.get("log_warnings"):
            print(f"  note {mode}: {r['log_warnings']} warning/error log line(s), first: "
                  + " | ".join(r["first_warnings"]))
    if "first" in counts:
        rows, distinct, _ = counts["first"]
        check(f"first: article rows {rows} ({distinct} distinct ids) == {len(before.by_id)} "
              f"({len(before.articles)} + {len(before.notices)} notices)",
              rows == distinct == len(before.by_id))
    if "nightly" in counts and "nightly" in logs:
        rows, distinct, ids = counts["nightly"]
        new_ids = {str(a.id) for a in minimum["new"]}
        check(f"nightly: article rows {rows} ({distinct} distinct ids) == {len(after.by_id)} "
              f"({args.articles} + {args.new} new + {len(after.notices)} notices), each once",
              rows == distinct == len(after.by_id))
        check(f"nightly: the {len(new_ids)} new articles are stored", new_ids <= ids)
        paths = [unquote(urlsplit(p).path) for _, p in logs["nightly"]]
        paths_of = {kind: [p for p in paths if kind_of(p, attachment_paths) == kind]
                    for kind in ("listing", "article", "attachment")}
        fetched = {kind: set(found) for kind, found in paths_of.items()}
        extra = [p for p in paths if kind_of(p, attachment_paths) in ("other",)]
        ids_fetched = sorted(int(p.rsplit("/", 1)[1]) for p in fetched["article"])
        shown = ", ".join(map(str, ids_fetched[:10])) + (", ..." if len(ids_fetched) > 10 else "")
        check(f"nightly: article pages fetched ({len(paths_of['article'])}: ids {shown}) == the "
              f"{len(minimum['new'])} new + {len(minimum['in_horizon'])} in-horizon",
              fetched["article"] == minimum["article_paths"]
              and len(paths_of["article"]) == len(minimum["article_paths"]))
        check(f"nightly: attachments fetched ({len(fetched['attachment'])}) == theirs "
              f"({len(minimum['attachment_paths'])})", fetched["attachment"] == minimum["attachment_paths"])
        check(f"nightly: listing pages fetched ({len(paths_of['listing'])}) == pages 1-"
              f"{minimum['listing_pages']}", fetched["listing"] == minimum["listing_paths"])
        duplicates = [p for p, n in Counter(paths).items() if n > 1]
        check(f"nightly: no URL requested twice ({len(duplicates)} repeated), no other request "
              f"({len(extra)})", not duplicates and not extra)
        check(f"nightly: requests {len(logs['nightly'])} <= minimum {minimum['total']}",
              len(logs["nightly"]) <= minimum["total"])
    if "full" in counts:
        rows, distinct, _ = counts["full"]
        check(f"full: article rows {rows} ({distinct} distinct ids) == {len(after.by_id)}, each once",
              rows == distinct == len(after.by_id))
        check(f"full: requests {len(logs['full'])} == {full_minimum} (whole board, robots.txt once)",
              len(logs["full"]) == full_minimum)
    print()
    print(f"benchmark wall time: {time.perf_counter() - wall0:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
