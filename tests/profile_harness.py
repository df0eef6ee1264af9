"""Crawl a replica site through `bulletins crawl PROFILE --base-url ...` and read back what landed.

`replica_crawl` crawls a profile's replica once per test session (tests/test_site_replicas.py and
tests/test_profile_specifics.py read the same crawl); `crawl_site` crawls a given site. Tests
assert on the result: stored rows against the site's posts, the WARC files (`warcio check`), the
requests made. `real_page` reads a real captured page from ../shared/real-pages.
"""

from __future__ import annotations

import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from scraper.replica.sites import SiteServer, site_for
from storage.webarchive.warc import iter_records

from .conftest import BIN, REPO, run_cli

REAL_PAGES = REPO.parent / "shared" / "real-pages"


def real_page(name: str) -> bytes:
    """A real captured page from ../shared/real-pages (never copied into the project)."""
    path = REAL_PAGES / name
    if not path.exists():
        pytest.skip(f"{path} is absent (real pages live beside the project, in shared/)")
    return path.read_bytes()


@dataclass
class SiteCrawl:
    site: object
    base_url: str
    folder: Path
    result: subprocess.CompletedProcess
    requests: list          # (method, path with query, body) as the server saw them

    @property
    def database(self) -> Path:
        return self.folder / "bulletins.sqlite"

    @property
    def warc_dir(self) -> Path:
        return self.folder / "warc"

    def rows(self, sql: str = "select * from article") -> list[dict]:
        con = sqlite3.connect(self.database)
        con.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in con.execute(sql)]
        finally:
            con.close()

    def articles(self) -> dict[str, dict]:
        return {r["board_id"]: r for r in self.rows()}

    def records(self) -> list:
        return [r for path in sorted(self.warc_dir.glob("*.warc.gz")) for _, r in iter_records(path)]

    def warcio_check(self) -> None:
        files = sorted(self.warc_dir.glob("*.warc.gz"))
        assert files and not list(self.warc_dir.glob("*.open"))
        for path in files:
            result = subprocess.run([str(BIN / "warcio"), "check", "-v", str(path)],
                                    capture_output=True, text=True)
            assert result.returncode == 0, result.stdout + result.stderr


def crawl_site(profile: str, site, folder: Path, *args: str) -> SiteCrawl:
    """Serve `site` on loopback and crawl it with the named profile through the CLI."""
    with SiteServer(site) as server:
        result = run_cli("crawl", profile, "--base-url", server.base_url,
                         "--database-url", f"sqlite:///{folder / 'bulletins.sqlite'}",
                         "--warc-dir", str(folder / "warc"), "--log-level", "WARNING", *args,
                         cwd=folder)
        return SiteCrawl(site, server.base_url, folder, result, list(server.requests))


_CRAWLS: dict[tuple[str, int], SiteCrawl] = {}


def replica_crawl(profile: str, tmp_path_factory, articles: int = 23) -> SiteCrawl:
    """The crawl of `site_for(profile, articles=…)`, made once per test session: the checks every
    replica gets and a profile's own checks read the same crawl. Read it, never change its folder
    or its site (copy the folder, make a new site)."""
    key = (profile, articles)
    if key not in _CRAWLS:
        _CRAWLS[key] = crawl_site(profile, site_for(profile, articles=articles), tmp_path_factory.mktemp(profile))
    return _CRAWLS[key]
