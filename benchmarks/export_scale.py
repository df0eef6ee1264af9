"""Export at scale: `bulletins export` of a large database, time and the exporter's peak memory.

    .venv/bin/python benchmarks/export_scale.py [--articles 100000] [--formats parquet,csv,xlsx] [--keep]

Loads ``--articles`` synthetic articles (``benchmarks/synthetic_articles.py``: six sources,
Korean and English bodies of 1-3 KB, ~1 in 8 with an attachment) into a temporary SQLite
database with ``storage.database.articles.save_article``, then exports them once per format, each export in
its own child process running the ``bulletins export ... -o FILE`` command itself (click's
``main(args, standalone_mode=False)``), so the figures are those of the command a researcher runs.

Per export: rows, seconds (wall time of the command inside the child, imports excluded), CPU
seconds, rows/s, the file's size, the child's memory after its imports (``VmHWM`` before the
export) and its peak (``VmHWM`` at the end, from ``/proc/self/status``; not ``ru_maxrss``, which
a child inherits from its parent, see ``common.peak_rss_mb``). Target: peak < 300 MB whatever the
size of the database, since rows are streamed (server-side cursor, batches of 2,000 rows for CSV
and xlsx, and 2,000 per Parquet row group; xlsx with openpyxl's write-only mode, inline strings).

Checks: each export wrote one row per article (the Parquet footer's row count; the CSV read back
row by row; the xlsx sheet's <row> elements counted as its XML streams by) with the data
dictionary's columns. Exit 0 whatever the figures (a check or target
that does not hold prints FAIL); 1 when an export failed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
RESULT_MARK = "BENCH-RESULT "
TARGET_MB = 300.0
SEED = 20260101


def child(fmt: str, database_url: str, output: Path) -> int:
    """One `bulletins export` in this process; its figures as one JSON line."""
    from scraper.cli import main

    imported_mb = peak_rss_mb()
    own = resource.getrusage(resource.RUSAGE_SELF)
    cpu0, t0 = own.ru_utime + own.ru_stime, time.perf_counter()
    main(["export", "--format", fmt, "-o", str(output), "--database-url", database_url],
         prog_name="bulletins", standalone_mode=False)
    seconds = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF)
    print(RESULT_MARK + json.dumps({
        "format": fmt, "seconds": seconds, "cpu_seconds": own.ru_utime + own.ru_stime - cpu0,
        "imported_mb": imported_mb, "peak_mb": peak_rss_mb()}), flush=True)
    return 0


def run_child(fmt: str, database_url: str, output: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", fmt, "--database-url", database_url,
           "--output", str(output)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        tail = "\n".join((proc.stderr or "").splitlines()[-15:])
        return {"format": fmt, "ok": False, "failure": f"child exited {proc.returncode}\n{tail}"}
    return {"ok": True, **json.loads(lines[-1][len(RESULT_MARK):])}


def rows_written(fmt: str, path: Path) -> tuple[int, list[str]]:
    """(rows, column names) of an export file, read without holding it in memory."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path)
        return meta.metadata.num_rows, meta.schema_arrow.names
    if fmt == "xlsx":
        import zipfile

        import openpyxl
        from lxml import etree

        workbook = openpyxl.load_workbook(path, read_only=True)
        header = [c for c in next(workbook["articles"].iter_rows(max_row=1, values_only=True))]
        workbook.close()
        ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
        rows = 0
        with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
            for _, element in etree.iterparse(sheet, tag=f"{ns}row"):
                rows += 1
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
        return rows - 1, header  # less the header row
    if fmt == "jsonl":
        with open(path, encoding="utf-8") as f:
            first = f.readline()
            return (1 if first else 0) + sum(1 for _ in f), list(json.loads(first)) if first else []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return sum(1 for _ in reader), header


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="synthetic articles to load")
    parser.add_argument("--formats", default="parquet,csv,xlsx",
                        help="comma-separated: parquet, csv, jsonl, xlsx")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder; print its path")
    parser.add_argument("--child", choices=("csv", "jsonl", "parquet", "xlsx"), help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.database_url, args.output)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]

    from storage.database.export import COLUMN_NAMES
    from synthetic_articles import load_synthetic

    scratch = Path(tempfile.mkdtemp(prefix="bench-export-"))
    url = f"sqlite:///{scratch / 'bulletins.sqlite'}"
    print(f"python {platform.python_version()} · {os.cpu_count()} CPUs · {platform.platform()}")
    try:
        t0 = time.perf_counter()
        per_second = load_synthetic(url, args.articles, seed=SEED)
        size_mb = (scratch / "bulletins.sqlite").stat().st_size / 2**20
        print(f"loaded {args.articles:,} synthetic articles in {time.perf_counter() - t0:.0f} s "
              f"({per_second:,.0f} articles/s); database {size_mb:,.0f} MB")
        print()
        print(f"{'format':<8} {'rows':>8} {'seconds':>8} {'CPU s':>7} {'rows/s':>8} {'file MB':>8} "
              f"{'imports MB':>10} {'peak MB':>8}")
        failed, checks = False, []
        for fmt in formats:
            out = scratch / f"articles.{fmt}"
            r = run_child(fmt, url, out)
            if not r["ok"]:
                print(f"{fmt:<8} FAILED: {r['failure']}")
                failed = True
                continue
            rows, columns = rows_written(fmt, out)
            print(f"{fmt:<8} {rows:>8,} {r['seconds']:>8.1f} {r['cpu_seconds']:>7.1f} "
                  f"{rows / r['seconds']:>8,.0f} {out.stat().st_size / 2**20:>8.1f} "
                  f"{r['imported_mb']:>10.0f} {r['peak_mb']:>8.0f}")
            checks.append((f"{fmt}: one row per article ({rows:,} of {args.articles:,})", rows == args.articles))
            checks.append((f"{fmt}: the data dictionary's columns", tuple(columns) == COLUMN_NAMES))
            checks.append((f"{fmt}: peak memory {r['peak_mb']:.0f} MB < {TARGET_MB:.0f} MB", r["peak_mb"] < TARGET_MB))
        print()
        for label, ok in checks:
            print(f"{'ok  ' if ok else 'FAIL'} {label}")
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
