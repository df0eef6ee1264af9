"""Crawl cost: the whole `bulletins crawl` process against a bare Scrapy spider on the same board.

    .venv/bin/python benchmarks/crawl_throughput.py [--articles 1830] [--attachment-every 3]
        [--repeat 3] [--modes scrapy,profile,url] [--no-warmup]

Serves one replica board in its own process (``Board(articles=1830, attachment_every=3)`` by
default: the board of issue 13, an attachment on every third article), with TCP_NODELAY on its
sockets (benchmarks/common.py says why), then runs, one process at a time, alternating:

* ``scrapy``: benchmarks/bare_spider.py, a plain scrapy.Spider in a process of its own that
  follows the same listing, article and attachment links and yields small dicts to nothing
  (Scrapy's default settings, the same concurrency as ours on loopback, log level INFO);
* ``profile``: ``bulletins crawl gyeonggi-en --base-url REPLICA --json --log-level info``;
* ``url``: ``bulletins crawl --url REPLICA/blog/english-news/ --json --log-level info`` (the
  zero-config crawl).

Each ``bulletins crawl`` writes a new SQLite database and WARC folder in a temporary folder
(deleted afterwards): it is the whole command, start-up, crawl, closing (final commit, WARC
close), CDXJ index and WACZ package. Rounds run ``scrapy, profile, url`` (``--repeat`` rounds),
after one uncounted bare run that fills the replica's page cache.

Figures of each run: seconds, the process's wall time from start to exit; CPU s, its user +
system time (``wait4``; that of the process reading articles for ours, scraper/crawl/extraction,
is in it: a child reaped before the crawl's process exits); spider s, Scrapy's finish_time -
start_time (the rest is start-up and closing); responses, Scrapy's ``response_received_count``
(from the ``--json`` line of the bare spider, from the stats dump in the log of ours); replica CPU
s, the server's CPU time during the run; peak RSS, the child's ``ru_maxrss`` (above the script's
own, so not inherited; the larger of the crawl's process and its reading process, not their sum).

The summary gives each mode's median seconds and CPU seconds, and the ratio bare/ours: the
median seconds of the scrapy runs over the median of the mode's (target >= 0.70), with the
range of the per-round ratios (each ours against the bare run of its round).

With ``--before DIR`` (a copy of the code before a change; ``--after DIR`` likewise for the code
after, else this checkout), each ``profile`` and ``url`` run has a ``profile-before`` /
``url-before`` twin in its round, run just before it with ``PYTHONPATH=DIR``: the same command on
the same board. The summary then gives each twin's median CPU seconds, and checks that the two
stored the same rows (every column of ``article`` and ``attachment`` but row ids, times and WARC
positions) and wrote the same WARC records (type, target URI and payload digest of each).

Before the runs, the ``scraper`` and ``storage`` packages of each version are byte-compiled, as
an installation compiles them: with ``PYTHONDONTWRITEBYTECODE`` set, every run would otherwise
compile them again, which the bare spider's installed modules never do.

Checks: the bare spider fetched every listing page, article and attachment of the board; each
``bulletins crawl`` exited 0 with status ok, stored one article row per board article, wrote one
response (or revisit) WARC record per response received and left no ``.open`` file, and made a
WACZ package. The printout is a report: exit 0 whatever the ratio; 1 when a run failed or a check
did not hold; 2 when the replica would not start.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from common import ROOT, StackSampler, peak_rss_mb, start_replica, stop

SOURCE = "gyeonggi-en"
TARGET = 0.70
MODES = ("scrapy", "profile", "url")
BIN = Path(sys.executable).parent
BARE_SPIDER = Path(__file__).resolve().parent / "bare_spider.py"
_RESPONSES = re.compile(r"'response_received_count': (\d+)")


@dataclass
class Run:
    mode: str
    round: int
    returncode: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    replica_cpu_seconds: float | None
    responses: int | None = None
    spider_seconds: float | None = None
    summary: dict = field(default_factory=dict)
    checks: list[tuple[str, bool]] = field(default_factory=list)
    failure: str | None = None
    fingerprint: tuple[str, str] | None = None   # (stored rows, WARC records): see fingerprint()

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class BoardFacts:
    articles: int          # regular articles and notices: one row each
    listing_pages: int
    attachments: int

    @property
    def pages(self) -> int:
        return self.listing_pages + self.articles + self.attachments


def board_facts(articles: int, attachment_every: int) -> tuple[BoardFacts, int]:
    """(what the board holds, its regular articles), counted in a child process."""
    code = ("import json, sys; from scraper.replica import Board; "
            "b = Board(articles=int(sys.argv[1]), attachment_every=int(sys.argv[2])); "
            "print(json.dumps([len(b.by_id), b.page_count(), len(b.attachments), len(b.articles)]))")
    out = subprocess.run([sys.executable, "-c", code, str(articles), str(attachment_every)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    total, pages, attachments, regular = json.loads(out)
    return BoardFacts(total, pages, attachments), regular


def proc_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process from /proc (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


BEFORE = "-before"
# Columns that differ from one run to the next whatever the code: row ids, times, WARC positions.
VOLATILE = {"id", "article_id", "bulletin_id", "first_seen", "last_seen", "warc_file", "warc_offset",
            "warc_record_id"}


def fingerprint(database: Path, warcs: Path) -> tuple[str, str]:
    """(digest of the stored rows, digest of the WARC records) of one crawl: every column of
    `article` and `attachment` but VOLATILE ones, rows sorted; each WARC record's type, target URI
    and payload digest, sorted. Two crawls of the same board that store the same thing match."""
    import hashlib

    from storage.webarchive.warc import iter_records

    rows = hashlib.sha256()
    if database.exists():
        with sqlite3.connect(database) as db:
            for table in ("article", "attachment"):
                columns = [r[1] for r in db.execute(f"pragma table_info({table})") if r[1] not in VOLATILE]
                found = db.execute(f"select {', '.join(columns)} from {table}").fetchall()
                rows.update(repr((table, columns, sorted(found, key=repr))).encode())
    records = []
    for path in sorted(warcs.glob("*.warc.gz")):
        for _, record in iter_records(path):
            digest = dict(record.warc_headers).get("WARC-Payload-Digest")
            records.append((record.record_type, record.target_uri or "", digest or ""))
    return rows.hexdigest(), hashlib.sha256(repr(sorted(records)).encode()).hexdigest()


def command(mode: str, base_url: str) -> list[str]:
    from scraper.replica.pages import BOARD_PATH

    mode = mode.removesuffix(BEFORE)
    if mode == "scrapy":
        return [sys.executable, str(BARE_SPIDER), base_url + BOARD_PATH, "--json"]
    crawl = [str(BIN / "bulletins"), "crawl"]
    crawl += [SOURCE, "--base-url", base_url] if mode == "profile" else ["--url", base_url + BOARD_PATH]
    return crawl + ["--json", "--log-level", "info"]


def run(mode: str, round_: int, base_url: str, scratch: Path, server_pid: int, facts: BoardFacts,
        code: dict[str, Path] | None = None) -> Run:
    """One process to its end, timed from the outside; then what it left is checked. `code`:
    {"before": DIR, "after": DIR}, the PYTHONPATH of the -before modes and of the others."""
    workdir = scratch / f"{round_:02d}-{mode}"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETINS_")}
    path = (code or {}).get("before" if mode.endswith(BEFORE) else "after")
    if path and mode != "scrapy":
        env["PYTHONPATH"] = str(path)
    database, warcs = workdir / "bulletins.sqlite", workdir / "warc"
    env.update(BULLETINS_DATABASE_URL=f"sqlite:///{database}", BULLETINS_WARC_DIR=str(warcs))
    parent_peak_kb = peak_rss_mb() * 1024
    out, err = workdir / "stdout", workdir / "stderr"
    server_cpu0 = proc_cpu_seconds(server_pid)
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command(mode, base_url), cwd=workdir, env=env, stdout=stdout, stderr=stderr)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        seconds = time.perf_counter() - t0
    server_cpu1 = proc_cpu_seconds(server_pid)
    proc.returncode = os.waitstatus_to_exitcode(status)   # reaped here, not by Popen
    result = Run(mode, round_, proc.returncode, seconds, usage.ru_utime + usage.ru_stime,
                 usage.ru_maxrss / 1024 if usage.ru_maxrss > parent_peak_kb else float("nan"),
                 None if None in (server_cpu0, server_cpu1) else server_cpu1 - server_cpu0)
    lines = out.read_text(errors="replace").splitlines()
    log = err.read_text(errors="replace")
    try:
        result.summary = json.loads(lines[-1]) if lines else {}
    except ValueError:
        result.summary = {}
    if mode == "scrapy":
        result.responses = result.summary.get("responses")
        result.spider_seconds = result.summary.get("spider_seconds")
    else:
        found = _RESPONSES.findall(log)
        result.responses = int(found[-1]) if found else None
        started, finished = result.summary.get("started"), result.summary.get("finished")
        try:
            result.spider_seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
        except (TypeError, ValueError):
            pass
    if proc.returncode != 0 or not result.summary:
        tail = "\n".join(log.splitlines()[-12:])
        result.failure = f"exit {proc.returncode}\n{tail}"
    result.checks = checks(result, facts, database, warcs)
    if code and mode != "scrapy" and result.ok:
        result.fingerprint = fingerprint(database, warcs)
    return result


def checks(r: Run, facts: BoardFacts, database: Path, warcs: Path) -> list[tuple[str, bool]]:
    """[(description, passed)] about what the run fetched and left on disk."""
    if r.mode == "scrapy":
        items = facts.articles + facts.attachments
        return [(f"{r.responses} responses == {facts.pages} listing pages, articles and attachments of "
                 f"the board; {r.summary.get('items')} items == {items}",
                 r.responses == facts.pages and r.summary.get("items") == items)]
    from storage.webarchive.warc import iter_records

    found = []
    found.append((f"exit {r.returncode}, status {r.summary.get('status')}",
                  r.returncode == 0 and r.summary.get("status") == "ok"))
    rows = distinct = -1
    if database.exists():
        with sqlite3.connect(database) as db:
            rows, distinct = db.execute("select count(*), count(distinct board_id) from article").fetchone()
    found.append((f"article rows {rows} ({distinct} distinct ids) == board articles {facts.articles}",
                  rows == distinct == facts.articles))
    counts: dict[str, int] = {}
    files = sorted(warcs.glob("*.warc.gz"))
    for path in files:
        for _, record in iter_records(path):
            counts[record.record_type] = counts.get(record.record_type, 0) + 1
    answers = counts.get("response", 0) + counts.get("revisit", 0)
    found.append((f"WARC: {len(files)} closed file(s), {answers} response/revisit records == "
                  f"{r.responses} responses received", bool(files) and not list(warcs.glob("*.open"))
                  and answers == r.responses and r.responses >= facts.pages))
    package = r.summary.get("package")
    found.append((f"WACZ package {Path(package).name if package else None} written",
                  bool(package) and Path(package).exists()))
    return found


# --------------------------------------------------------------------------- --breakdown

BREAKDOWN_MARK = "BREAKDOWN "
PHASES = ("start-up", "crawl", "closing")


def breakdown_child(mode: str, base_url: str, workdir: Path) -> int:
    """One `bulletins crawl` run in this process under the stack sampler (common.StackSampler);
    its CPU seconds by phase and category, and the phases' wall seconds, as one JSON line. The
    phases: start-up (imports, settings, database, spider opened), crawl (to spider_closed, whose
    handlers commit and close the WARC file), closing (engine_stopped: CDXJ, WACZ, run row)."""
    t0 = time.perf_counter()
    sampler = StackSampler().start()
    walls = {"start-up": t0}

    def enter(phase: str):
        def receiver(*args, **kwargs):
            if sampler.phase != phase:
                sampler.phase, walls[phase] = phase, time.perf_counter()
        return receiver

    from pydispatch import dispatcher
    from scrapy import signals

    receivers = [enter("crawl"), enter("closing")]   # held: pydispatch keeps weak references
    dispatcher.connect(receivers[0], signal=signals.spider_opened, sender=dispatcher.Any)
    dispatcher.connect(receivers[1], signal=signals.spider_closed, sender=dispatcher.Any)
    from scraper.cli import main as cli

    argv = command(mode, base_url)[2:]   # after `bulletins crawl`
    os.environ.update(BULLETINS_DATABASE_URL=f"sqlite:///{workdir / 'bulletins.sqlite'}",
                      BULLETINS_WARC_DIR=str(workdir / "warc"))
    try:
        cli.main(["crawl", *argv], standalone_mode=False)
        code = 0
    except SystemExit as exc:
        code = exc.code or 0
    end = time.perf_counter()
    cpu = sampler.stop()
    order = [p for p in PHASES if p in walls]
    wall = {p: (walls[order[i + 1]] if i + 1 < len(order) else end) - walls[p] for i, p in enumerate(order)}
    print(BREAKDOWN_MARK + json.dumps({"exit": code, "cpu": cpu, "wall": wall}), flush=True)
    return 0


def fts_cost(database: Path, repeat: int = 3) -> tuple[float, float, int]:
    """(seconds to insert every article row of `database` with the FTS triggers, without them,
    rows): the rows are copied back into an emptied article table of a copy of the database, once
    with the triggers that keep article_fts (storage/database/models.py), once without; median of `repeat`."""
    scratch = Path(tempfile.mkdtemp(prefix="bulletins-fts-"))
    try:
        copy = scratch / "copy.sqlite"
        shutil.copyfile(database, copy)
        con = sqlite3.connect(copy)
        con.execute("create temp table saved as select * from article")
        rows = con.execute("select count(*) from temp.saved").fetchone()[0]
        triggers = con.execute("select name, sql from sqlite_master where type = 'trigger' "
                               "and tbl_name = 'article' and name like 'article_fts%'").fetchall()
        timings: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(repeat):
            for with_fts in (True, False):
                con.execute("delete from article")
                con.commit()
                for name, sql in triggers:
                    con.execute(f"drop trigger if exists {name}")
                    if with_fts:
                        con.execute(sql)
                con.commit()
                t0 = time.perf_counter()
                con.execute("insert into article select * from temp.saved")
                con.commit()
                timings[with_fts].append(time.perf_counter() - t0)
        con.close()
        return median(timings[True]), median(timings[False]), rows
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def breakdown(mode: str, base_url: str, scratch: Path) -> int:
    """Run the breakdown child, print its table and the FTS index's cost."""
    workdir = scratch / f"breakdown-{mode}"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETINS_")}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child-breakdown", mode,
           "--base-url", base_url, "--workdir", str(workdir)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    lines = [line for line in proc.stdout.splitlines() if line.startswith(BREAKDOWN_MARK)]
    if not lines:
        print(f"breakdown run failed (exit {proc.returncode}):\n" + "\n".join(proc.stderr.splitlines()[-12:]))
        return 1
    found = json.loads(lines[-1][len(BREAKDOWN_MARK):])
    cpu = found["cpu"]
    total = sum(seconds_ for _, _, seconds_ in cpu)
    print(f"\n{mode}: one `bulletins crawl` in-process under the stack sampler, exit {found['exit']}, "
          f"{seconds:.1f} s for the whole child process; CPU seconds sampled: {total:.1f}")
    print("wall seconds by phase: " + ", ".join(f"{p} {s:.2f}" for p, s in found["wall"].items()))
    header = f"{'phase':<9}  {'where':<28}  {'CPU s':>6}  {'share':>6}"
    print(header)
    print("-" * len(header))
    for phase in PHASES:
        rows = sorted(((name, sec) for p, name, sec in cpu if p == phase), key=lambda r: -r[1])
        for name, sec in rows:
            print(f"{phase:<9}  {name:<28}  {sec:>6.2f}  {sec / total:>6.1%}")
    database = workdir / "bulletins.sqlite"
    if database.exists():
        with_fts, without, rows = fts_cost(database)
        print(f"full-text index (FTS5 trigram, article_fts): inserting the {rows} article rows takes "
              f"{with_fts:.2f} s with its triggers, {without:.2f} s without: {with_fts - without:.2f} s "
              f"of the 'database' time above is the index")
    return 0 if found["exit"] == 0 else 1


# --------------------------------------------------------------------------- --cprofile-report

# (label, file name ending, function name): entry points whose cumulative time cProfile gives.
ENTRY_POINTS = (
    ("whole process", "", "<module>"),   # the bulletins script (or reparse's CLI entry)
    ("reactor: CrawlerProcess.start", "scrapy/crawler.py", "start"),
    ("page objects: to_item", "scraper/extract/pages/base.py", "to_item"),
    ("  language: detect_language", "scraper/extract/language.py", "detect_language"),
    ("  sanitizing: clean_fragment", "scraper/extract/html_text.py", "clean_fragment"),
    ("listings: parse_listing", "scraper/crawl/spiders/base.py", "parse_listing"),
    ("storage pipeline: process_item", "scraper/crawl/pipelines.py", "process_item"),
    ("WARC capture: process_response", "scraper/archive/capture.py", "process_response"),
    ("scrapy-poet: page objects built", "scrapy_poet/injection.py", "build_callback_dependencies"),
    ("reparse()", "scraper/archive/reparse/run.py", "reparse"),
    ("  reparse: Parser.parse", "scraper/archive/reparse/parsing.py", "parse"),
    ("  reparse: _Store.apply", "scraper/archive/reparse/store.py", "apply"),
)


def cprofile_report(path: Path) -> int:
    """Cumulative seconds of ENTRY_POINTS in a cProfile file, and what they leave to Scrapy."""
    import pstats

    stats = pstats.Stats(str(path)).stats   # (file, line, function) -> (cc, nc, tt, ct, callers)
    total = max(ct for (_, _, _), (_, _, _, ct, _) in stats.items())
    found: dict[str, float] = {}
    for label, suffix, function in ENTRY_POINTS:
        if label == "whole process":
            found[label] = total
            continue
        found[label] = sum(ct for (filename, _, name), (_, _, _, ct, _) in stats.items()
                           if name == function and filename.endswith(suffix))
    print(f"cProfile {path}: cumulative seconds (profiled: cProfile's own cost is in them, most in "
          f"Python-heavy code)")
    for label, seconds in found.items():
        if seconds:
            print(f"  {label:<36} {seconds:>7.2f}  {seconds / total:>6.1%}")
    reactor = found["reactor: CrawlerProcess.start"]
    if reactor:
        ours = sum(found[k] for k in ("page objects: to_item", "listings: parse_listing",
                                      "storage pipeline: process_item", "WARC capture: process_response",
                                      "scrapy-poet: page objects built"))
        print(f"  {'before the reactor (imports, checks)':<36} {total - reactor:>7.2f}  {(total - reactor) / total:>6.1%}")
        print(f"  {'reactor less the entries above':<36} {reactor - ours:>7.2f}  {(reactor - ours) / total:>6.1%}"
              "  (Scrapy, Twisted, asyncio; our middlewares and extensions)")
        print("  (the CDXJ index and the WACZ package are built in a worker thread, which cProfile does not "
              "profile: --breakdown gives their time, in the closing phase)")
    return 0


def startup(code: dict[str, Path], runs: int) -> int:
    """`bulletins crawl --help` (start-up: the imports of the crawl command) `runs` times with the
    code before and after, by turns; the median CPU seconds (user + system) of each."""
    found: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(runs):
        for version in found:
            env = dict(os.environ)
            if code.get(version):
                env["PYTHONPATH"] = str(code[version])
            with tempfile.TemporaryDirectory() as cwd:
                proc = subprocess.Popen([str(BIN / "bulletins"), "crawl", "--help"], cwd=cwd, env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                _, status, usage = os.wait4(proc.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                print(f"bulletins crawl --help ({version}) failed")
                return 1
            found[version].append(usage.ru_utime + usage.ru_stime)
    for version, seconds in found.items():
        print(f"`bulletins crawl --help`, {version}: median CPU s {median(seconds):.2f} "
              f"({', '.join(f'{x:.2f}' for x in seconds)})")
    return 0


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def compiled(*trees: Path | None) -> None:
    """Our modules byte-compiled, as an installation compiles them (and as every run after the
    first finds them): with PYTHONDONTWRITEBYTECODE set, each run would compile them again, a
    cost the bare spider, whose modules are all installed, never pays."""
    for tree in {Path(t) for t in trees if t is not None}:
        for package in ("scraper", "storage"):
            compileall.compile_dir(tree / package, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1830, help="regular articles on the board (default 1830)")
    parser.add_argument("--attachment-every", type=int, default=3, metavar="N",
                        help="every Nth article carries one attachment (default 3; 0: the board's own)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds, each one run of every mode (default 3)")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="modes of a round, in order (default scrapy,profile,url)")
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="skip the uncounted bare run that fills the replica's page cache")
    parser.add_argument("--breakdown", choices=("profile", "url"), action="append",
                        help="instead of the rounds: one crawl of this mode under a stack sampler, "
                             "its CPU time by phase and by part of the work (repeatable)")
    parser.add_argument("--cprofile-report", type=Path, metavar="FILE",
                        help="print the cumulative time of the crawl's parts in a cProfile file "
                             "(python -m cProfile -o FILE .venv/bin/bulletins crawl ...) and exit")
    parser.add_argument("--before", type=Path, metavar="DIR",
                        help="a copy of the code before a change: each profile/url run gets a twin "
                             "run with PYTHONPATH=DIR, and their CPU time and outputs are compared")
    parser.add_argument("--after", type=Path, metavar="DIR",
                        help="with --before: the code after the change (default: this checkout)")
    parser.add_argument("--startup", type=int, metavar="N",
                        help="with --before: run `bulletins crawl --help` N times with each version, "
                             "by turns, print the median CPU seconds of each and exit")
    parser.add_argument("--child-breakdown", choices=("profile", "url"), help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cprofile_report:
        return cprofile_report(args.cprofile_report)
    if args.child_breakdown:
        return breakdown_child(args.child_breakdown, args.base_url, args.workdir)
    if args.startup:
        if not args.before:
            parser.error("--startup needs --before")
        compiled(ROOT, args.before, args.after)
        return startup({"before": args.before.resolve(), "after": args.after and args.after.resolve()},
                       args.startup)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if args.repeat < 1 or args.articles < 1 or args.attachment_every < 0:
        parser.error("--repeat and --articles must be at least 1, --attachment-every at least 0")
    if not modes or set(modes) - set(MODES):
        parser.error(f"--modes: a comma-separated list of {', '.join(MODES)}")
    code = None
    if args.before:
        code = {"before": args.before.resolve()}
        if args.after:
            code["after"] = args.after.resolve()
        modes = [twin for m in modes for twin in ((m + BEFORE, m) if m != "scrapy" else (m,))]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))   # a checkout that was not installed

    wall0 = time.perf_counter()
    from importlib.metadata import version

    # The board is counted in a child: this process stays small, so a child's ru_maxrss (which
    # starts from this process's peak, see common.peak_rss_mb) is the child's own.
    facts, regular = board_facts(args.articles, args.attachment_every)
    print("command: " + shlex.join([sys.executable, *sys.argv]))
    print(f"python {platform.python_version()}, Scrapy {version('scrapy')}, {os.cpu_count()} CPU(s), "
          f"{platform.platform()}")
    print(f"board: {regular} regular articles + {facts.articles - regular} notices, "
          f"{facts.listing_pages} listing pages, {facts.attachments} attachments")
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())
    options = ["--attachment-every", str(args.attachment_every)] if args.attachment_every else []
    try:
        server, base_url = start_replica(args.articles, *options)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"replica: {base_url} (pid {server.pid}, own process, TCP_NODELAY)")
    for mode in modes:
        where = f"PYTHONPATH={code['before' if mode.endswith(BEFORE) else 'after']} " if (
            code and mode != "scrapy" and code.get("before" if mode.endswith(BEFORE) else "after")) else ""
        print(f"{mode}: {where}{shlex.join(command(mode, base_url))}")

    compiled(ROOT, *(code or {}).values())
    scratch = Path(tempfile.mkdtemp(prefix="bulletins-crawl-bench-"))
    runs: list[Run] = []
    try:
        if args.warmup:
            warm = run("scrapy", 0, base_url, scratch, server.pid, facts)
            print(f"warm-up (bare, not counted): {warm.responses} responses in {warm.seconds:.2f} s", flush=True)
        if args.breakdown:
            return max(breakdown(mode, base_url, scratch) for mode in args.breakdown)
        for round_ in range(1, args.repeat + 1):
            for mode in modes:
                r = run(mode, round_, base_url, scratch, server.pid, facts, code)
                runs.append(r)
                print(f"round {round_} {mode}: " + (f"{r.seconds:.2f} s" if r.ok else "FAILED"), flush=True)
    finally:
        stop(server)
        shutil.rmtree(scratch, ignore_errors=True)

    failed = False
    print()
    header = (f"{'round':>5}  {'mode':<7}  {'seconds':>7}  {'CPU s':>6}  {'spider s':>8}  "
              f"{'start+close s':>13}  {'responses':>9}  {'replica CPU s':>13}  {'peak RSS MB':>11}")
    print(header)
    print("-" * len(header))
    for r in runs:
        if not r.ok:
            failed = True
            print(f"{r.round:>5}  {r.mode:<7}  FAILED: {r.failure}")
            continue
        rest = r.seconds - r.spider_seconds if r.spider_seconds is not None else float("nan")
        replica = "-" if r.replica_cpu_seconds is None else f"{r.replica_cpu_seconds:.2f}"
        print(f"{r.round:>5}  {r.mode:<7}  {r.seconds:>7.2f}  {r.cpu_seconds:>6.2f}  "
              f"{r.spider_seconds or 0:>8.2f}  {rest:>13.2f}  {r.responses or 0:>9}  {replica:>13}  "
              f"{r.peak_rss_mb:>11.1f}")

    print()
    print("checks:")
    for r in runs:
        for text, passed in r.checks:
            failed |= not passed
            print(f"  round {r.round} {r.mode}: {'ok  ' if passed else 'FAIL'} {text}")

    print()
    ok = {m: [r for r in runs if r.mode == m and r.ok] for m in modes}
    bare = median([r.seconds for r in ok.get("scrapy", [])])
    header = (f"{'mode':<7}  {'runs':>4}  {'median s':>8}  {'median CPU s':>12}  {'ms CPU/response':>15}  "
              f"{'bare/ours':>9}  {'per round':>11}")
    print(header)
    print("-" * len(header))
    for mode in modes:
        mine = ok[mode]
        if not mine:
            print(f"{mode:<7}  {0:>4}  n/a")
            failed = True
            continue
        seconds, cpu = median([r.seconds for r in mine]), median([r.cpu_seconds for r in mine])
        per_response = median([r.cpu_seconds * 1000 / r.responses for r in mine if r.responses])
        if mode == "scrapy" or "scrapy" not in ok:
            ratio, spread = "-", "-"
        else:
            bare_of = {r.round: r.seconds for r in ok["scrapy"]}
            rounds = [bare_of[r.round] / r.seconds for r in mine if r.round in bare_of]
            ratio = f"{bare / seconds:.2f}"
            spread = f"{min(rounds):.2f}-{max(rounds):.2f}" if rounds else "-"
        print(f"{mode:<7}  {len(mine):>4}  {seconds:>8.2f}  {cpu:>12.2f}  {per_response:>15.2f}  "
              f"{ratio:>9}  {spread:>11}")
    if code:
        print()
        for mode in modes:
            if not mode.endswith(BEFORE):
                continue
            after = mode.removesuffix(BEFORE)
            pairs = {}
            for r in runs:
                if r.mode in (mode, after) and r.ok:
                    pairs.setdefault(r.round, {})[r.mode] = r
            cpu_before = median([p[mode].cpu_seconds for p in pairs.values() if mode in p])
            cpu_after = median([p[after].cpu_seconds for p in pairs.values() if after in p])
            same = [p[mode].fingerprint == p[after].fingerprint for p in pairs.values() if len(p) == 2]
            rows_same = all(p[mode].fingerprint[0] == p[after].fingerprint[0] for p in pairs.values() if len(p) == 2)
            print(f"{after}: median CPU s before {cpu_before:.2f}, after {cpu_after:.2f} "
                  f"({(cpu_after - cpu_before) / cpu_before:+.1%}); same stored rows and WARC records "
                  f"as before in {sum(same)} of {len(same)} rounds" + ("" if rows_same else " (rows differ)"))
            failed |= not same or not all(same)
    print(f"bare/ours: the bare spider's median seconds over the mode's, whole processes "
          f"(target >= {TARGET:.2f}); per round: each run against the bare run of its round")
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    print(f"benchmark wall time: {time.perf_counter() - wall0:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
