"""`bulletins archive list`: the WARC files of the folder and the packaged runs."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import click

from storage.webarchive.cdxj import summarize_warc
from storage.webarchive.wacz import summarize_package
from storage.webarchive.warc import OPEN_SUFFIX

from scraper.archive.packaging import PACKAGE_DIR
from .archive import archive
from .options import warc_dir_option

WARC_PATTERNS = ("*.warc.gz", "*.warc", "*.warc.gz.open", "*.warc.open")


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def warc_files(folder: Path) -> list[Path]:
    return sorted({p for pattern in WARC_PATTERNS for p in folder.glob(pattern) if p.is_file()})


def package_summaries(folder: Path) -> list[dict]:
    runs = []
    for path in sorted((folder / PACKAGE_DIR).glob("*.wacz")):
        try:
            runs.append(summarize_package(path).as_dict())
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
            runs.append({"package": path.name, "size": path.stat().st_size,
                         "error": " ".join(f"{type(error).__name__}: {error}".split())})
    return runs


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                      for i, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in rows]


def _records(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in counts.items()) or "-"


@archive.command("list")
@warc_dir_option(existing=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout, for scripts.")
def list_archive(warc_dir, as_json):
    """Show the WARC files (size, records by type, first and last capture) and the packaged runs.

    Runs are the WACZ packages under WARC-DIR/packages/ (run id, source, WARC files, pages, size).
    Every record of every file is read: a file that stops holding whole records (cut short, a
    gzip member that fails its check) is shown with the byte where they end. Exits 1 when a
    finished WARC file or a package cannot be read whole, else 0 (a file still open is being
    written, or waits for `bulletins archive repair`).
    """
    files = [summarize_warc(path).as_dict() for path in warc_files(warc_dir)]
    runs = package_summaries(warc_dir)
    damaged = any(f["error"] and not f["name"].endswith(OPEN_SUFFIX) for f in files) or any("error" in r for r in runs)
    if as_json:
        click.echo(json.dumps({"warc_dir": str(warc_dir), "files": files, "runs": runs}, indent=2))
    else:
        _print(warc_dir, files, runs)
    if damaged:
        sys.exit(1)


def _print(warc_dir: Path, files: list[dict], runs: list[dict]) -> None:
    click.echo(f"WARC files in {warc_dir}: {len(files)}")
    if files:
        rows = [["name", "size", "records", "first capture", "last capture"]]
        for f in files:
            note = "" if f["complete"] else (f"  ({f['error']})" if f["error"] else "  (open)")
            rows.append([f["name"], human_size(f["size"]), _records(f["records"]) + note,
                         f["first_capture"] or "-", f["last_capture"] or "-"])
        click.echo("\n".join(_table(rows, right={1})))
    click.echo(f"\nRuns (packages in {warc_dir / PACKAGE_DIR}): {len(runs)}")
    if runs:
        rows = [["run id", "source", "files", "pages", "size"]]
        for r in runs:
            if "error" in r:
                rows.append([r["package"], f"unreadable: {r['error']}", "-", "-", human_size(r["size"])])
            else:
                rows.append([r["run_id"] or r["package"], r["source"] or "-", str(r["files"]),
                             str(r["pages"]), human_size(r["size"])])
        click.echo("\n".join(_table(rows, right={2, 3, 4})))
