"""The layers hold: import-linter's contracts in pyproject.toml (storage never imports scraper;
scraper's layers cli > replica > archive > crawl > extract and storage's presentation >
webarchive > database; extraction never imports Scrapy or Twisted), ruff finds no unused or
undefined name ([tool.ruff] in pyproject.toml) and storage/ and the extraction code are formatted
as `ruff format` formats them, and mypy finds no type error in storage/ and the
extraction code ([tool.mypy])."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from .conftest import BIN, REPO


def test_import_contracts_are_kept():
    result = subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert f"{len(contracts)} kept, 0 broken" in result.stdout


def test_ruff_finds_no_unused_or_undefined_names():
    result = subprocess.run([str(BIN / "ruff"), "check", "--no-cache", "scraper", "storage", "tests", "benchmarks"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_storage_and_extraction_are_formatted_as_ruff_formats():
    # [tool.ruff] line-length; the rest of the tree keeps its own layout for now
    result = subprocess.run([str(BIN / "ruff"), "format", "--no-cache", "--check", "storage", "scraper/extract"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, "run `ruff format storage scraper/extract`: " + result.stdout.strip()


def test_mypy_finds_no_type_errors():
    # the files and per-library settings are [tool.mypy]'s; /dev/null: no cache left in the tree
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", "/dev/null"], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    shown = errors[:5] or (result.stdout + result.stderr).strip().splitlines()[-3:]
    assert result.returncode == 0, f"mypy: {len(errors)} error(s), first: " + " | ".join(shown)
