"""Soak: a 10,000-article board with repeated attachments, crawled on a busy machine.

    .venv/bin/python benchmarks/soak.py [--articles 10000] [--database sqlite|postgresql|both]
        [--busy N] [--mode profile|zero-config] [--attachment-every 3] [--payloads M]
        [--timeout 1200] [--keep]

For each database (``both``: SQLite, then PostgreSQL) the script serves a replica board in its own
process (``python -m scraper.replica --no-flaky --attachment-every 3 --payloads M``: exactly every
third article carries one attachment, and the attachments share M distinct payloads under
distinct URLs), keeps the machine busy with ``--busy`` CPU burners (default: one per core), and
runs the real command as a child process, as cron would:

* ``--mode profile`` (default): ``bulletins crawl gyeonggi-en --base-url REPLICA``;
* ``--mode zero-config``: ``bulletins crawl --url REPLICA/blog/english-news/``.

Each attachment's payload is picked by a hash of its article id. The default M is half the
attachments (1,666 at 10,000 articles, of which 1,444 are used): more than half the attachments
repeat a payload met before (revisit records), and first uses keep turning up all along the
crawl, so the payload-digest index keeps growing. It must get more than BULLETINS_COMMIT_EVERY
(200) rows for its batches to be committed while the crawl runs; with a handful of payloads
(``--payloads 4``) it is committed only at the end.

The command runs with ``--json --log-level info``, and ``BULLETINS_DATABASE_URL`` and
``BULLETINS_WARC_DIR`` in a temporary folder (other ``BULLETINS_*`` variables of the environment
are dropped). PostgreSQL is a throwaway server of its own on loopback (tests/services.py: initdb
in a temporary folder, ``pg_ctl start`` on a free port of 127.0.0.1, its unix socket in that
folder), stopped at the end.

Burners are child processes spinning on CPU. Each stops by itself after ``--timeout`` + 2
minutes, or when its parent is gone; the script kills them when the crawl ends, whatever
happened (also on Ctrl-C or SIGTERM).

Figures of each crawl:

* pages: Scrapy's ``response_received_count`` from the crawl's log (its stats dump);
* seconds: the wall time of the crawl process, interpreter start-up and close (index, WACZ
  package) included; pages/s is pages / seconds;
* CPU s: the crawl process's user + system time (``wait4``);
* peak RSS: the crawl process's ``VmHWM``, polled from ``/proc/PID/status`` every 0.1 s, or its
  ``ru_maxrss`` when that is higher than this script's own peak (below it, ``ru_maxrss`` may be
  this script's memory, inherited through fork and exec);
* load: the 1-minute load average when the crawl ended;
* the log lines saying ``database is locked`` or ``PendingRollbackError``, and the WARC records.

Checks, each printed PASS or FAIL with its numbers: the crawl exited 0 and its summary says
``ok``; no page failed; no item failed; the WARC files hold exactly one response or revisit record
per attachment URL of the board; the database holds exactly one ``article`` row per article of
the board (regular articles and notices); the newest ``crawlrun`` row says ``ok``; ``warcio
check`` passes on every WARC file and no ``.open`` file is left. Exit 1 when a check fails (or a
server would not start), else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from common import ROOT, peak_rss_mb, start_replica
from scraper.processes import start, stop, stopped_like_ctrl_c

SOURCE = "gyeonggi-en"
BIN = Path(sys.executable).parent          # the venv's bin: bulletins, warcio
POLL_SECONDS = 0.1
BURNER_GRACE = 120                         # burners outlive the crawl's timeout by this much at most
STATS_RE = re.compile(r"'response_received_count': (\d+)")
TROUBLE = {"locked": "database is locked", "rollback": "PendingRollbackError"}
# A CPU burner: spins until its deadline, or until its parent (this script) is gone.
BURNER = """
import os, sys, time
deadline = time.monotonic() + float(sys.argv[1])
parent = os.getppid()
while time.monotonic() < deadline and os.getppid() == parent:
    for _ in range(200_000):
        pass
"""


# --------------------------------------------------------------------------- the board

@dataclass
class BoardFacts:
    """What the crawl of the board must leave behind (the Board itself is not kept)."""

    articles: int
    notices: int
    ids: set[str]
    attachment_paths: set[str]          # unquoted URL paths
    distinct_payloads: int
    listing_pages: int


def board_facts(articles: int, every: int, payloads: int) -> BoardFacts:
    from scraper.replica import Board

    board = Board(articles=articles, attachment_every=every, payloads=payloads)
    return BoardFacts(
        articles=len(board.articles), notices=len(board.notices),
        ids={str(i) for i in board.by_id},
        attachment_paths={unquote(path) for path in board.attachments},
        distinct_payloads=len({att.data for att in board.attachments.values()}),
        listing_pages=board.page_count())


# --------------------------------------------------------------------------- helper processes

def start_burner(seconds: float) -> subprocess.Popen:
    """One CPU burner, stopping by itself after `seconds` at most."""
    return start([sys.executable, "-c", BURNER, str(seconds)],
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_all(procs: list[subprocess.Popen]) -> None:
    """Kill the burners (each by its own pid) and reap them."""
    for proc in procs:
        stop(proc, signal.SIGKILL)


class Postgres:
    """A throwaway PostgreSQL server on loopback (tests/services.py), with one database."""

    def __init__(self):
        from tests.services import postgres_bindir, postgres_server

        if postgres_bindir() is None:
            raise RuntimeError("no initdb/pg_ctl found (apt-get install postgresql)")
        self._servers = postgres_server()
        try:
            self.server = self._servers.__enter__()
        except BaseException as exc:   # pytest's fail/skip outcomes are BaseExceptions
            raise RuntimeError(str(exc).splitlines()[0] if str(exc) else repr(exc)) from None
        try:
            self.url = self.server.create_database("soak")
            import psycopg

            with psycopg.connect(host="127.0.0.1", port=self.server.port, user=self.server.user,
                                 dbname="soak") as con:
                self.version = con.execute("SHOW server_version").fetchone()[0]
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self._servers.__exit__(None, None, None)


# --------------------------------------------------------------------------- the crawl

@dataclass
class Crawl:
    returncode: int
    timed_out: bool
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    load: float
    summary: dict | None
    log: list[str]


def _vm_hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_crawl(cmd: list[str], env: dict[str, str], workdir: Path, timeout: float) -> Crawl:
    """Run the crawl command to its end (killed after `timeout` s), watching its memory."""
    out, err = workdir / "crawl.stdout", workdir / "crawl.stderr"
    parent_peak_kb = peak_rss_mb() * 1024
    timed_out, hwm_kb = False, 0
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        t0 = time.perf_counter()
        proc = start(cmd, cwd=workdir, env=env, stdout=stdout, stderr=stderr)
        try:
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                hwm_kb = max(hwm_kb, _vm_hwm_kb(proc.pid))
                if not timed_out and time.perf_counter() - t0 > timeout:
                    timed_out = True
                    proc.kill()
                time.sleep(POLL_SECONDS)
        except BaseException:
            stop(proc, signal.SIGKILL)
            raise
        seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)   # reaped here, not by Popen
    if usage.ru_maxrss > parent_peak_kb:   # then it is the child's own peak, not inherited
        hwm_kb = max(hwm_kb, usage.ru_maxrss)
    summary = None
    for line in reversed(out.read_text(errors="replace").splitlines()):
        if line.startswith("{"):
            try:
                summary = json.loads(line)
            except ValueError:
                pass
            break
    return Crawl(returncode=proc.returncode, timed_out=timed_out, seconds=seconds,
                 cpu_seconds=usage.ru_utime + usage.ru_stime, peak_rss_mb=hwm_kb / 1024,
                 load=os.getloadavg()[0], summary=summary,
                 log=err.read_text(errors="replace").splitlines())


# --------------------------------------------------------------------------- what it left

@dataclass
class Warcs:
    files: list[Path]
    open_files: list[Path]
    types: Counter = field(default_factory=Counter)
    per_attachment: Counter = field(default_factory=Counter)
    attachment_types: Counter = field(default_factory=Counter)
    attachment_digests: set = field(default_factory=set)
    check_ok: bool = False
    check_output: str = ""


def inspect_warcs(folder: Path, facts: BoardFacts) -> Warcs:
    """Count the records of the run's WARC files; records per attachment URL; warcio check."""
    from warcio.archiveiterator import ArchiveIterator

    found = Warcs(files=sorted(folder.glob("*.warc.gz")), open_files=sorted(folder.glob("*.open")))
    for path in found.files:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                found.types[record.rec_type] += 1
                if record.rec_type not in ("response", "revisit"):
                    continue
                target = unquote(urlsplit(record.rec_headers.get_header("WARC-Target-URI")).path)
                if target in facts.attachment_paths:
                    found.per_attachment[target] += 1
                    found.attachment_types[record.rec_type] += 1
                    found.attachment_digests.add(record.rec_headers.get_header("WARC-Payload-Digest"))
    if found.files:
        check = subprocess.run([str(BIN / "warcio"), "check", *map(str, found.files)],
                               capture_output=True, text=True)
        found.check_ok = check.returncode == 0
        found.check_output = (check.stdout + check.stderr).strip()
    return found


@dataclass
class Database:
    board_ids: list[str] = field(default_factory=list)
    run: dict | None = None
    payload_digests: int | None = None
    error: str | None = None


def inspect_database(url: str) -> Database:
    """Article ids, the newest crawlrun row and the payloaddigest row count."""
    from sqlalchemy import create_engine, text

    found = Database()
    engine = create_engine(url)
    try:
        with engine.connect() as con:
            found.board_ids = [row[0] for row in con.execute(text("select board_id from article"))]
            row = con.execute(text("select id, status, failure, pages_failed, items_failed "
                                   "from crawlrun order by id desc limit 1")).first()
            found.run = dict(row._mapping) if row is not None else None
            found.payload_digests = con.execute(text("select count(*) from payloaddigest")).scalar()
    except Exception as exc:   # a crawl that died early may leave no table
        found.error = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    finally:
        engine.dispose()
    return found


# --------------------------------------------------------------------------- one database

def soak(kind: str, args, facts: BoardFacts) -> dict:
    """Serve, burn, crawl and inspect for one database; a dict of figures and checks."""
    result: dict = {"database": kind, "checks": [], "notes": []}
    workdir = Path(tempfile.mkdtemp(prefix=f"bulletins-soak-{kind}-"))
    warcs = workdir / "warc"
    print(f"\n== {kind} ==", flush=True)
    with ExitStack() as stack:
        if args.keep:
            stack.callback(print, f"kept: {workdir}")
        else:
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        if kind == "postgresql":
            try:
                pg = Postgres()
            except RuntimeError as exc:
                result["checks"].append((f"PostgreSQL server started ({exc})", False))
                return result
            stack.callback(pg.stop)
            url = pg.url
            print(f"database: PostgreSQL {pg.version}, own server on 127.0.0.1:{pg.server.port} "
                  f"(pid files and socket in {pg.server.folder})")
        else:
            url = f"sqlite:///{workdir / 'bulletins.sqlite'}"
            import sqlite3
            print(f"database: SQLite {sqlite3.sqlite_version}, {workdir / 'bulletins.sqlite'}")

        try:
            replica, base_url = start_replica(
                args.articles, "--attachment-every", str(args.attachment_every),
                "--payloads", str(args.payloads))
        except RuntimeError as exc:
            result["checks"].append((f"replica started ({exc})", False))
            return result
        stack.callback(stop, replica)
        print(f"replica: {base_url} (pid {replica.pid}, own process)")

        if args.mode == "profile":
            cmd = [str(BIN / "bulletins"), "crawl", SOURCE, "--base-url", base_url]
        else:
            from scraper.replica.pages import BOARD_PATH
            cmd = [str(BIN / "bulletins"), "crawl", "--url", base_url + BOARD_PATH]
        cmd += ["--json", "--log-level", "info"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("BULLETINS_")}
        env.update(BULLETINS_DATABASE_URL=url, BULLETINS_WARC_DIR=str(warcs))
        print(f"crawl: {shlex.join(cmd)}")

        burners: list[subprocess.Popen] = []
        try:
            for _ in range(args.busy):
                burners.append(start_burner(args.timeout + BURNER_GRACE))
            print(f"busy: {len(burners)} CPU burner(s)"
                  + (f" (pids {', '.join(str(b.pid) for b in burners)})" if burners else ""), flush=True)
            crawl = run_crawl(cmd, env, workdir, args.timeout)
        finally:
            kill_all(burners)
        state = "killed after the timeout" if crawl.timed_out else f"exit {crawl.returncode}"
        print(f"crawl: {state} after {crawl.seconds:.1f} s", flush=True)

        found = inspect_warcs(warcs, facts)
        db = inspect_database(url)
    result.update(figures(crawl, found, db, facts))
    result["checks"] = checks(crawl, found, db, facts, args.mode)
    result["notes"] = notes(crawl, found, db)
    return result


def figures(crawl: Crawl, found: Warcs, db: Database, facts: BoardFacts) -> dict:
    log = "\n".join(crawl.log)
    pages = [int(n) for n in STATS_RE.findall(log)]
    return {
        "pages": pages[-1] if pages else None,
        "seconds": crawl.seconds, "cpu_seconds": crawl.cpu_seconds,
        "peak_rss_mb": crawl.peak_rss_mb, "load": crawl.load,
        **{key: sum(text in line for line in crawl.log) for key, text in TROUBLE.items()},
        "records": dict(found.types),
        "attachment_records": dict(found.attachment_types),
        "attachment_digests": len(found.attachment_digests),
        "payload_digest_rows": db.payload_digests,
    }


def checks(crawl: Crawl, found: Warcs, db: Database, facts: BoardFacts, mode: str) -> list[tuple[str, bool]]:
    """[(text, passed)], the figures in the text."""
    summary = crawl.summary or {}
    status = summary.get("status", "no summary")
    out = [(f"crawl exit code {crawl.returncode}"
            + (" (killed after the timeout)" if crawl.timed_out else "")
            + f", summary status {status}", crawl.returncode == 0 and status == "ok")]

    out.append((f"failed pages {summary.get('pages_failed', '?')}"
                + _grouped(summary.get("failed_pages", []), facts), summary.get("pages_failed") == 0))
    out.append((f"failed items {summary.get('items_failed', '?')}"
                + _grouped(summary.get("failed_items", []), facts), summary.get("items_failed") == 0))

    per = found.per_attachment
    missing = [p for p in facts.attachment_paths if per[p] == 0]
    repeated = [p for p in facts.attachment_paths if per[p] > 1]
    kinds = found.attachment_types
    out.append((f"attachments with exactly one response/revisit record: "
                f"{len(facts.attachment_paths) - len(missing) - len(repeated)} of "
                f"{len(facts.attachment_paths)} ({len(missing)} with none, {len(repeated)} with "
                f"more; {kinds.get('response', 0)} response + {kinds.get('revisit', 0)} revisit records)",
                not missing and not repeated))

    ids = db.board_ids
    extra, absent = set(ids) - facts.ids, facts.ids - set(ids)
    expected = len(facts.ids)
    text = (f"article rows {len(ids)} ({len(set(ids))} distinct ids) == board articles {expected} "
            f"({facts.articles} + {facts.notices} notices)")
    if absent or extra:
        text += f"; {len(absent)} missing, {len(extra)} not on the board"
    if db.error:
        text += f"; {db.error}"
    out.append((text, len(ids) == len(set(ids)) == expected and not absent and not extra))

    run = db.run or {}
    out.append((f"newest crawlrun row: status {run.get('status', 'none')}"
                + (f" (id {run['id']}, pages_failed {run['pages_failed']}, items_failed "
                   f"{run['items_failed']}, failure {run['failure']!r})" if run else ""),
                run.get("status") == "ok"))

    out.append((f"warcio check on {len(found.files)} WARC file(s): "
                + ("passes" if found.check_ok else "fails" if found.files else "no file")
                + f"; {len(found.open_files)} .open file(s) left",
                found.check_ok and not found.open_files))
    return out


def _kind(url: str, facts: BoardFacts) -> str:
    """What a URL of the replica is: listing, article, attachment or other."""
    from scraper.replica.pages import BOARD_PATH

    path = unquote(urlsplit(url).path)
    if path in facts.attachment_paths:
        return "attachment"
    if path == BOARD_PATH or path.startswith(BOARD_PATH + "page/"):
        number = path[len(BOARD_PATH + "page/"):].strip("/") or "1"
        past = number.isdigit() and int(number) > facts.listing_pages
        return "listing past the last page" if past else "listing"
    return "article" if path[len(BOARD_PATH):].isdigit() else "other"


def _grouped(failures: list[dict], facts: BoardFacts) -> str:
    """': 402 attachment (OperationalError 1, PendingRollbackError 401), first ...' or ''."""
    if not failures:
        return ""
    groups: dict[str, Counter] = {}
    for failure in failures:
        reason = failure["reason"].splitlines()[0]
        cause = reason if reason.startswith("HTTP ") else reason.split(":", 1)[0][:60]
        groups.setdefault(_kind(failure["url"], facts), Counter())[cause] += 1
    parts = [f"{sum(c.values())} {kind} (" + ", ".join(f"{cause} {n}" for cause, n in c.most_common(3))
             + (", ..." if len(c) > 3 else "") + ")" for kind, c in groups.items()]
    first = failures[0]
    return (": " + "; ".join(parts) + f"; first: {first['url']} "
            f"({first['reason'].splitlines()[0][:100]})")


def _exception_after(log: list[str], index: int) -> str | None:
    """The exception line of the traceback following log line `index`, if any."""
    for line in log[index + 1:index + 80]:
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Warning)\b", line):
            return line
        if re.match(r"^\d{4}-\d\d-\d\d ", line):   # the next log line: no traceback
            return None
    return None


def _log_time(line: str):
    """The timestamp of a Scrapy log line (to the second), or None."""
    from datetime import datetime

    try:
        return datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def notes(crawl: Crawl, found: Warcs, db: Database) -> list[str]:
    """The crawl log's first line naming each trouble, its first distinct ERROR lines (with the
    exception of their traceback), and the checker's complaints."""
    out, seen = [], set()
    start = _log_time(crawl.log[0]) if crawl.log else None
    for text in TROUBLE.values():
        first = next((line for line in crawl.log if text in line), None)
        if first:
            at = _log_time(first)
            when = (f"{(at - start).total_seconds():.0f} s after the crawl's first log line: "
                    if at and start else "")
            out.append(f"first {text!r}, {when}{first[:200]}")
    for i, line in enumerate(crawl.log):
        if " ERROR: " not in line:
            continue
        key = re.sub(r"https?://\S+|0x[0-9a-f]+", "_", line.split("] ", 1)[-1])[:120]
        if key in seen:
            continue
        seen.add(key)
        exception = _exception_after(crawl.log, i)
        out.append(line[:200] + (f" -> {exception[:160]}" if exception else ""))
        if len(seen) == 3:
            break
    if found.files and not found.check_ok:
        out.append("warcio check: " + " | ".join(found.check_output.splitlines()[:3]))
    return out


# --------------------------------------------------------------------------- report

def code_of(root: Path) -> str:
    """Where the crawler's code comes from, with its git commit when it is a checkout."""
    git = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"],
                         capture_output=True, text=True)
    described = f" (git {git.stdout.strip()})" if git.returncode == 0 and git.stdout.strip() else ""
    pythonpath = os.environ.get("PYTHONPATH")
    return f"{root}{described}" + (f"; PYTHONPATH={pythonpath}" if pythonpath else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000,
                        help="regular articles on the board (default 10000)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both",
                        help="the database of the crawl (default both: SQLite, then PostgreSQL)")
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 1,
                        help="CPU-burning processes during the crawl (default: one per core, "
                             f"{os.cpu_count()} here)")
    parser.add_argument("--mode", choices=("profile", "zero-config"), default="profile",
                        help="crawl with the gyeonggi-en profile (default) or zero-config (--url)")
    parser.add_argument("--attachment-every", type=int, default=3,
                        help="exactly every Nth article carries an attachment (default 3)")
    parser.add_argument("--payloads", type=int, default=None,
                        help="distinct payloads the attachments' bytes are drawn from (default: "
                             "half the attachments, 1,666 at 10,000 articles)")
    parser.add_argument("--timeout", type=float, default=1200,
                        help="kill a crawl after this many seconds (default 1200)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders, print their paths")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))   # scraper.replica, tests.services
    if args.payloads is None:
        args.payloads = max(1, args.articles // max(args.attachment_every, 1) // 2)
    if args.articles < 4 or args.busy < 0 or args.attachment_every < 1 or args.payloads < 1:
        parser.error("--articles must be at least 4, --busy at least 0, --attachment-every and "
                     "--payloads at least 1")

    wall0 = time.perf_counter()
    import scrapy

    print("command: " + shlex.join([sys.executable, *sys.argv]))
    print(f"python {platform.python_version()}, Scrapy {scrapy.__version__}, {os.cpu_count()} CPU(s), "
          f"{platform.platform()}")
    print(f"code: {code_of(ROOT)}")
    facts = board_facts(args.articles, args.attachment_every, args.payloads)
    print(f"board: {facts.articles} regular articles + {facts.notices} notices, {facts.listing_pages} "
          f"listing pages, {len(facts.attachment_paths)} attachments (every {args.attachment_every}"
          f"{'rd' if args.attachment_every == 3 else 'th'} article, and a notice's) with "
          f"{facts.distinct_payloads} distinct payloads")
    print(f"mode: {args.mode}; busy: {args.busy} CPU burner(s) during each crawl; timing: wall time of "
          "the crawl process; peak RSS: its VmHWM")

    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = []
    for kind in kinds:
        results.append(soak(kind, args, facts))

    print()
    header = (f"{'database':<10}  {'pages':>6}  {'seconds':>7}  {'pages/s':>7}  {'CPU s':>6}  "
              f"{'peak RSS MB':>11}  {'load':>5}  {'locked':>6}  {'rollback':>8}  {'revisits':>8}  "
              f"{'digest rows':>11}")
    print(header)
    print("-" * len(header))
    for r in results:
        if "seconds" not in r:
            print(f"{r['database']:<10}  not run")
            continue
        pages = r["pages"]
        rate = f"{pages / r['seconds']:.1f}" if pages else "-"
        print(f"{r['database']:<10}  {pages if pages is not None else '-':>6}  {r['seconds']:>7.1f}  "
              f"{rate:>7}  {r['cpu_seconds']:>6.1f}  {r['peak_rss_mb']:>11.1f}  {r['load']:>5.2f}  "
              f"{r['locked']:>6}  {r['rollback']:>8}  {r['records'].get('revisit', 0):>8}  "
              f"{'-' if r['payload_digest_rows'] is None else r['payload_digest_rows']:>11}")
    for r in results:
        if "records" in r:
            records = ", ".join(f"{n} {kind}" for kind, n in sorted(r["records"].items()))
            print(f"{r['database']}: WARC records: {records or 'none'}; attachments' payload "
                  f"digests in the WARC files: {r['attachment_digests']} (board: "
                  f"{facts.distinct_payloads})")

    print()
    print("checks:")
    failed = False
    for r in results:
        for text, passed in r["checks"]:
            failed |= not passed
            print(f"  {r['database']}: {'PASS' if passed else 'FAIL'} {text}")
    for r in results:
        for line in r["notes"]:
            print(f"  note {r['database']}: {line}")
    print()
    print(f"benchmark wall time: {time.perf_counter() - wall0:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        with stopped_like_ctrl_c():   # SIGTERM unwinds like Ctrl-C, so every finally block runs
            raise SystemExit(main())
    except KeyboardInterrupt:   # every helper process was stopped on the way out
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None
