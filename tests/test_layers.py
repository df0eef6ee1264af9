"""The layers hold: import-linter's contracts in pyproject.toml (storage never imports scraper;
scraper's layers cli > replica > archive > crawl > extract and storage's presentation >
webarchive > database; extraction never imports Scrapy or Twisted), and ruff finds no unused
or undefined name ([tool.ruff] in pyproject.toml)."""

from __future__ import annotations

import subprocess
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
