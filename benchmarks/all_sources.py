"""Every source at once: one `bulletins crawl A B C ...` process against one crawl per source.

    .venv/bin/python benchmarks/all_sources.py [--articles 30] [--delay 0.2] [--sources a,b,...]
        [--modes apart,together] [--sample 5]

Issue 13, point 2. Serves the replica of every runnable source that has one (the Gyeonggi-do
English board, `scraper.replica.Board`, and `scraper.replica.sites.site_for(name)` for the
others) in a server process of this script, points a user profile folder (BULLETINS_PROFILE_DIRS)
at them (copies of the built-in profiles, base_url set to each replica), and crawls them twice,
each time into a new SQLite database and WARC folder:

1. one after another (`apart`): a `bulletins crawl SOURCE` process per source, as cron/nightly.sh did;
2. side by side (`together`): one `bulletins crawl SOURCE SOURCE ...` process for all of them, as
   `bulletins crawl --all` and nightly.sh do now.

`--modes together` runs only the second, for the memory figure of a large crawl (issue 13: every
replica at 10,000 articles), where the first would take hours.

A crawl of a replica on loopback lifts the download delay; here it is put back (`--delay`,
default 0.2 s, Scrapy's jitter of 0.5-1.5x on; 2 connections per host), so the crawls wait on
their politeness as real crawls do. The `bulletins` command runs in a child of this script
(`--child`) that sets those two settings at command-line priority and then runs the command as
installed, so each figure is the whole process: start-up, crawl, closing, CDXJ index and WACZ.

Printed: each single source's wall time, their sum, the longest, the side-by-side wall time and
its ratio to the longest single source (target <= 1.3), and the peak RSS of the side-by-side
process: `ru_maxrss` from os.wait4 (Linux counts the parent's peak at fork in it; this parent
imports nothing heavy, and serves the replicas from another process) and the child's own VmHWM.
With `--sample S` (default 5 s) the side-by-side process's VmRSS is read from /proc every S seconds,
with the articles stored so far (the highest `article` row id, read from the WAL database), and
printed against them: the peak within each step of articles, and the least-squares growth in MB
per 1,000 articles past the first fifth of the crawl (flat memory shows as about 0).
Checks: every run exits 0, every source has one run row and as many articles stored as its
replica serves, in each mode.
Exit 0 whatever the figures (a check that does not hold prints FAIL), 1 when a crawl failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-12-01"


# --------------------------------------------------------------------------- child processes

def serve(names: list[str], articles: int) -> None:
    """The replicas, one per source, until stdin closes: prints `NAME URL ARTICLES` lines (ARTICLES:
    what a crawl of it stores), then `ready`."""
    from contextlib import ExitStack

    from scraper.replica import Board, ReplicaServer
    from scraper.replica.sites import SiteServer, site_for

    with ExitStack() as stack:
        for name in names:
            if name == "gyeonggi-en":
                board = Board(articles=articles)
                server = stack.enter_context(ReplicaServer(board, flaky=False))
                expected = len(board.by_id)  # the articles and the two notices
            else:
                site = site_for(name, articles=articles)
                server = stack.enter_context(SiteServer(site))
                expected = len(site.posts)  # what a crawl of it stores
            print(name, server.base_url, expected, flush=True)
        print("ready", flush=True)
        sys.stdin.read()


def child(delay: float, args: list[str]) -> None:
    """`bulletins ARGS` with the download delay put back (loopback crawls lift it), and this
    process's VmHWM printed to stderr at exit."""
    import atexit

    import scraper.cli.crawl as crawl_command

    points = [int(n) for n in os.environ.get("BENCHMARK_TRACEMALLOC", "").split(",") if n]
    if points:
        import tracemalloc

        tracemalloc.start(1)
        Snapshots.points = points

    made = crawl_command.make_settings

    def make_settings(**kwargs):
        settings = made(**kwargs)
        # above the spider's loopback lift (priority "spider")
        settings.set("DOWNLOAD_DELAY", delay, priority="cmdline")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 2, priority="cmdline")
        if points:
            settings.set("EXTENSIONS", {**settings.getdict("EXTENSIONS"), "__main__.Snapshots": 0},
                         priority="cmdline")
        return settings

    crawl_command.make_settings = make_settings

    def hwm() -> None:
        print(f"benchmark-vmhwm-kb {status_kb('self', 'VmHWM')}", file=sys.stderr, flush=True)
        # the processes that read articles (scraper.crawl.extraction), still alive at this point
        for reader in extraction._readers:
            peak = status_kb(reader.process.pid, "VmHWM")
            if peak is not None:
                print(f"benchmark-reader-vmhwm-kb {peak}", file=sys.stderr, flush=True)

    from scraper.cli import main
    # extraction's exit hook closes the processes reading articles: registered after it, hwm runs
    # before it, while they are still there to be measured
    from scraper.crawl import extraction

    atexit.register(hwm)

    main(args, prog_name="bulletins")


class Snapshots:
    """A Scrapy extension (of every crawler of the process, with `--tracemalloc A,B`): a tracemalloc
    snapshot when the process's crawlers have scraped A items in all, another at B, and the lines
    whose memory grew most between the two, printed to stderr."""

    points: list[int] = []
    scraped = 0
    taken: list = []

    def __init__(self, crawler):
        from scrapy import signals

        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def item_scraped(self, item, response, spider) -> None:
        import tracemalloc

        cls = Snapshots
        cls.scraped += 1
        if len(cls.taken) < len(cls.points) and cls.scraped == cls.points[len(cls.taken)]:
            cls.taken.append(tracemalloc.take_snapshot())
            if len(cls.taken) == 2:
                first, second = cls.taken
                grown = second.compare_to(first, "lineno")
                total = sum(d.size_diff for d in grown)
                print(f"benchmark-tracemalloc {cls.points[0]} -> {cls.points[1]} items: traced memory "
                      f"{total / 2**20:+.1f} MB; the lines that grew most:", file=sys.stderr)
                for d in grown[:15]:
                    print(f"benchmark-tracemalloc {d.size_diff / 2**20:+7.2f} MB {d.count_diff:+8d} blocks  "
                          f"{d.traceback[0].filename}:{d.traceback[0].lineno}", file=sys.stderr, flush=True)
                cls.taken = [None, None]  # free the snapshots, take no more


# --------------------------------------------------------------------------- the parent

def runnable_with_replicas() -> list[str]:
    """Runnable sources (`bulletins sources --runnable`) that have a replica."""
    out = subprocess.run([str(Path(sys.executable).parent / "bulletins"), "sources", "--runnable"],
                         capture_output=True, text=True, check=True, cwd=ROOT,
                         env={k: v for k, v in os.environ.items() if k != "BULLETINS_PROFILE_DIRS"}).stdout
    check = ("import sys\nfrom scraper.replica.sites import replica_names\n"
             "names = set(replica_names())\n"
             "for n in sys.argv[1:]:\n"
             "    if n == 'gyeonggi-en' or n in names:\n"
             "        print(n)\n")
    return subprocess.run([sys.executable, "-c", check, *out.split()], capture_output=True, text=True,
                          check=True, cwd=ROOT).stdout.split()


def profile_folder(folder: Path, urls: dict[str, str]) -> Path:
    profiles = folder / "profiles"
    profiles.mkdir()
    for name, url in urls.items():
        text = (ROOT / "scraper" / "extract" / "profiles" / f"{name}.toml").read_text(encoding="utf-8")
        text, n = re.subn(r'(?m)^base_url = ".*"$', f'base_url = "{url}"', text, count=1)
        if n != 1:
            raise SystemExit(f"{name}.toml: no base_url line to point at the replica")
        (profiles / f"{name}.toml").write_text(text, encoding="utf-8")
    return profiles


def run(folder: Path, profiles: Path, delay: float, args: list[str], sample: float = 0,
        tracemalloc_points: str = "") -> dict:
    """One `bulletins` process (through --child): wall time, exit code, ru_maxrss, VmHWM, and with
    `sample` > 0 its VmRSS and the articles stored so far every `sample` seconds."""
    env = {**os.environ, "BULLETINS_PROFILE_DIRS": str(profiles), "BULLETINS_TODAY": TODAY,
           "BULLETINS_PROGRESS": "off"}
    for name in ("BULLETINS_DATABASE_URL", "BULLETINS_WARC_DIR"):
        env.pop(name, None)
    if tracemalloc_points:
        env["BENCHMARK_TRACEMALLOC"] = tracemalloc_points
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--delay", str(delay), "--",
               *args, "--database-url", f"sqlite:///{folder / 'bulletins.sqlite'}",
               "--warc-dir", str(folder / "warc"), "--json", "--log-level", "WARNING"]
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    texts: dict[str, str] = {}
    readers = [threading.Thread(target=lambda n=n, f=f: texts.__setitem__(n, f.read()))
               for n, f in (("out", proc.stdout), ("err", proc.stderr))]
    samples: list[tuple[float, int, float]] = []
    done = threading.Event()
    if sample > 0:
        readers.append(threading.Thread(target=sampler, args=(proc.pid, folder / "bulletins.sqlite", sample,
                                                              started, samples, done)))
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(proc.pid, 0)  # reaped here, with its resource usage
    seconds = time.perf_counter() - started
    done.set()
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    out, err = texts["out"], texts["err"]
    hwm = re.search(r"benchmark-vmhwm-kb (\d+)", err)
    return {"seconds": seconds, "code": code, "maxrss_mb": usage.ru_maxrss / 1024,
            "vmhwm_mb": int(hwm.group(1)) / 1024 if hwm else None,
            "readers_vmhwm_mb": [int(kb) / 1024 for kb in re.findall(r"benchmark-reader-vmhwm-kb (\d+)", err)],
            "outcomes": [json.loads(line) for line in out.splitlines() if line.startswith("{")],
            "stderr": err, "samples": samples}


def sampler(pid: int, database: Path, every: float, started: float, samples: list, done: threading.Event,
            progress: float = 60) -> None:
    """Every `every` seconds until `done`: (seconds, articles stored, VmRSS MB) of process `pid`,
    and a line of them every `progress` seconds.
    The articles are the highest `article` row id, read from the WAL database without a lock the
    crawl waits on."""
    next_line = progress
    while not done.wait(every):
        own = status_kb(pid, "VmRSS")
        if own is None:  # gone, or a zombie: the crawl has exited
            return
        rss_kb = own + children_rss_kb(pid)
        articles = samples[-1][1] if samples else 0
        if database.exists():
            try:
                db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=0.5)
                try:
                    articles = db.execute("select max(rowid) from article").fetchone()[0] or 0
                finally:
                    db.close()
            except sqlite3.Error:  # not created yet, or busy: keep the last count
                pass
        samples.append((time.perf_counter() - started, articles, rss_kb / 1024))
        if progress and samples[-1][0] >= next_line:  # so a long run can be watched
            print(f"  [{samples[-1][0]:6.0f} s] {articles:,} articles stored, VmRSS {samples[-1][2]:.0f} MB (with its readers)",
                  flush=True)
            next_line += progress


def children_rss_kb(pid: int) -> int:
    """The VmRSS of `pid`'s child processes (the processes reading articles), in kB."""
    total = 0
    try:
        children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                    for c in (task / "children").read_text().split()]
    except OSError:
        return 0
    for child in children:
        total += status_kb(child, "VmRSS") or 0
    return total


def status_kb(pid: int | str, field: str) -> int | None:
    """A kB figure of /proc/PID/status (VmRSS, VmHWM); None when the process is gone or has none
    (a zombie)."""
    try:
        found = re.search(rf"^{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    except OSError:
        return None
    return int(found.group(1)) if found else None


def growth_report(samples: list[tuple[float, int, float]], total: int) -> None:
    """The side-by-side process's RSS against the articles it had stored: the peak in each step of
    1,000 articles per source (or a tenth of the crawl, whichever is fewer rows), then the slope."""
    if not samples:
        print("RSS samples: none (the crawl ended before the first sample)")
        return
    step = max(1000, -(-total // 10 // 1000) * 1000)
    print(f"\nVmRSS of the side-by-side process and its article readers, sampled every few seconds (peak within each step of "
          f"{step:,} articles stored, all sources together):")
    print(f"{'articles stored':>17} {'at s':>8} {'peak VmRSS MB':>14}")
    buckets: dict[int, tuple[float, float]] = {}
    for seconds, articles, rss in samples:
        key = min(-(-articles // step) * step, total) if articles else 0
        if key not in buckets or rss > buckets[key][1]:
            buckets[key] = (seconds, rss)
    last_article_time = min((s for s, a, _ in samples if a >= total), default=None)
    for key in sorted(buckets):
        seconds, rss = buckets[key]
        label = "start-up" if key == 0 else f"<= {key:,}"
        if last_article_time is not None and key >= total:
            label = f"{total:,}"
        print(f"{label:>17} {seconds:>8.0f} {rss:>14.0f}")
    closing = [rss for s, a, rss in samples if last_article_time is not None and s >= last_article_time]
    if closing:
        print(f"{'after the last article (closing)':>32}: peak VmRSS {max(closing):.0f} MB")
    # least squares over the samples past the first fifth of the articles (start-up and the first
    # queues filled), up to the last article
    tail = [(a, r) for s, a, r in samples if total * 0.2 <= a < total]
    if len(tail) >= 3:
        n = len(tail)
        mean_a = sum(a for a, _ in tail) / n
        mean_r = sum(r for _, r in tail) / n
        var = sum((a - mean_a) ** 2 for a, _ in tail)
        if var:
            slope = sum((a - mean_a) * (r - mean_r) for a, r in tail) / var
            print(f"growth of VmRSS from {tail[0][0]:,} to {tail[-1][0]:,} articles stored: "
                  f"{slope * 1000:+.1f} MB per 1,000 articles ({len(tail)} samples, least squares)")


def stored(folder: Path) -> tuple[dict[str, int], dict[str, int]]:
    db = sqlite3.connect(folder / "bulletins.sqlite")
    try:
        articles = dict(db.execute("select source, count(*) from article group by source").fetchall())
        runs = dict(db.execute("select source, count(*) from crawlrun group by source").fetchall())
    finally:
        db.close()
    return articles, runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=30, help="posts per replica [30]")
    parser.add_argument("--delay", type=float, default=0.2, help="DOWNLOAD_DELAY in seconds [0.2]")
    parser.add_argument("--sources", default=None, help="comma-separated [every runnable one with a replica]")
    parser.add_argument("--modes", default="apart,together",
                        help="apart (a process per source, one after another), together (one process "
                             "for all), or both [apart,together]")
    parser.add_argument("--sample", type=float, default=5.0,
                        help="seconds between RSS samples of the side-by-side process; 0: none [5]")
    parser.add_argument("--tracemalloc", default="", metavar="A,B",
                        help="trace the side-by-side process's allocations and print the lines whose "
                             "memory grew most between A and B items scraped (slows it down)")
    parser.add_argument("--serve", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve is not None:
        serve(options.serve, options.articles)
        return 0
    if options.child:
        child(options.delay, options.rest)
        return 0
    modes = [m.strip() for m in options.modes.split(",") if m.strip()]
    if not modes or set(modes) - {"apart", "together"}:
        parser.error("--modes takes apart, together or apart,together")

    names = options.sources.split(",") if options.sources else runnable_with_replicas()
    building = time.perf_counter()
    server = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--articles", str(options.articles),
                               "--serve", *names], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    urls, expected = {}, {}
    for line in server.stdout:
        if line.strip() == "ready":
            break
        name, url, count = line.split()
        urls[name], expected[name] = url, int(count)
    failed = False
    try:
        with tempfile.TemporaryDirectory(prefix="all-sources-", ignore_cleanup_errors=True) as tmp:
            tmp = Path(tmp)
            profiles = profile_folder(tmp, urls)
            print(f"sources ({len(names)}): {', '.join(names)}; {options.articles} posts each "
                  f"({sum(expected.values()):,} articles to store); replicas built in "
                  f"{time.perf_counter() - building:.0f} s; DOWNLOAD_DELAY {options.delay} s (jitter on), "
                  f"2 connections per host; SQLite", flush=True)
            single: dict[str, dict] = {}
            if "apart" in modes:
                (tmp / "one-by-one").mkdir()
                for name in names:
                    single[name] = run(tmp / "one-by-one", profiles, options.delay, ["crawl", name])
                print(f"\n{'source':<14} {'one by one (s)':>15} {'articles':>9}")
                for name in names:
                    r = single[name]
                    articles = sum(o.get("articles_new", 0) for o in r["outcomes"])
                    print(f"{name:<14} {r['seconds']:>15.1f} {articles:>9}  exit {r['code']}")
                total = sum(r["seconds"] for r in single.values())
                longest_name = max(single, key=lambda n: single[n]["seconds"])
                longest = single[longest_name]["seconds"]
                print(f"\none after another, sum:       {total:7.1f} s")
                print(f"longest single source:        {longest:7.1f} s ({longest_name})")
                print(f"peak RSS of single crawls: ru_maxrss max {max(r['maxrss_mb'] for r in single.values()):.0f} MB")
            together = None
            if "together" in modes:
                (tmp / "side-by-side").mkdir()
                together = run(tmp / "side-by-side", profiles, options.delay, ["crawl", *names],
                               sample=options.sample, tracemalloc_points=options.tracemalloc)
                print(f"side by side, one process:    {together['seconds']:7.1f} s  exit {together['code']}")
                if single:
                    ratio = together["seconds"] / longest
                    print(f"side by side / longest:       {ratio:7.2f}x  (target <= 1.3)  "
                          f"{'ok' if ratio <= 1.3 else 'FAIL'}")
                    print(f"one after another / side by side: {total / together['seconds']:.1f}x")
                readers = together["readers_vmhwm_mb"]
                peak = max(together["maxrss_mb"], together["vmhwm_mb"] or 0) + sum(readers)
                print(f"peak RSS of the side-by-side process: ru_maxrss {together['maxrss_mb']:.0f} MB (os.wait4), "
                      f"VmHWM {together['vmhwm_mb'] or float('nan'):.0f} MB; of its {len(readers)} process(es) "
                      f"reading articles: VmHWM {' + '.join(f'{r:.0f}' for r in readers) or '-'} MB; "
                      f"the sum of the peaks {peak:.0f} MB  (target < 1024 MB)  {'ok' if peak < 1024 else 'FAIL'}")
                growth_report(together["samples"], sum(expected.values()))
                traced = [line.split(" ", 1)[1] for line in together["stderr"].splitlines()
                          if line.startswith("benchmark-tracemalloc ")]
                if traced:
                    print("\ntracemalloc, " + "\n  ".join(traced))

            checked = []
            if single:
                checked.append(("one by one", tmp / "one-by-one", list(single.values())))
            if together:
                checked.append(("side by side", tmp / "side-by-side", [together]))
            for label, folder, runs in checked:
                articles, run_rows = stored(folder)
                ok = all(r["code"] == 0 for r in runs)
                failed |= not ok
                complete = set(articles) == set(names) and all(run_rows.get(n) == 1 for n in names)
                short = {n: (articles.get(n, 0), expected[n]) for n in names if articles.get(n, 0) != expected[n]}
                print(f"check {label}: exit 0 {'ok' if ok else 'FAIL'}; every source stored with one run row "
                      f"{'ok' if complete else 'FAIL'} ({sum(articles.values()):,} articles); every source's "
                      f"articles all stored {'ok' if not short else 'FAIL'}")
                for n, (got, want) in short.items():
                    print(f"  {n}: {got} stored of {want}")
                if not ok:
                    for r in runs:
                        if r["code"]:
                            print(r["stderr"][-2000:])
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
