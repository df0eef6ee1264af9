"""Shared fixtures: the replica board on loopback and one real crawl of it through the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from scraper.replica import Board, ReplicaServer

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the installed `bulletins` command as a user would."""
    full_env = {**os.environ, **(env or {})}
    for name in ("BULLETINS_DATABASE_URL", "BULLETINS_WARC_DIR"):
        if env is None or name not in env:
            full_env.pop(name, None)
    return subprocess.run([str(BIN / "bulletins"), *args], cwd=cwd, env=full_env, text=True,
                          capture_output=True, timeout=timeout)


class CrawlFolder:
    """A crawl's folder as `bulletins crawl` lays it out with the flags the tests pass."""

    folder: Path

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.folder / 'bulletins.sqlite'}"

    @property
    def warc_dir(self) -> Path:
        return self.folder / "warc"


@dataclass
class Crawl(CrawlFolder):
    board: Board
    base_url: str
    folder: Path
    result: subprocess.CompletedProcess
    requests: list


@pytest.fixture(scope="session")
def board() -> Board:
    return Board()


@pytest.fixture(scope="session")
def crawl(board, tmp_path_factory) -> Crawl:
    """One full crawl of the default replica board through `bulletins crawl`."""
    folder = tmp_path_factory.mktemp("crawl")
    with ReplicaServer(board) as server:
        result = run_cli("crawl", "gyeonggi-en", "--base-url", server.base_url,
                         "--database-url", f"sqlite:///{folder / 'bulletins.sqlite'}",
                         "--warc-dir", str(folder / "warc"), cwd=folder)
        requests = list(server.requests)
    assert result.returncode == 0, result.stdout + result.stderr
    return Crawl(board, server.base_url, folder, result, requests)


@pytest.fixture(scope="session")
def rows(crawl) -> dict:
    """The crawl's article rows by board id, attachments loaded."""
    from sqlmodel import select

    from storage.database.db import make_engine, session
    from storage.database.models import Article

    with session(make_engine(crawl.database_url)) as db:
        articles = db.exec(select(Article)).all()
        for a in articles:
            a.attachments  # load while the session is open
        return {a.board_id: a for a in articles}


# --- Databases: storage tests run on SQLite and on a real PostgreSQL server ---------------------


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server (tests/services.py) for the whole session. A module that defines a
    `postgres` fixture of its own gets its own server instead."""
    from .services import postgres_server

    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """The URL of a new, empty database: once a SQLite file (in a folder not made yet), once a
    database of its own on the session's PostgreSQL server. Its PostgreSQL engine is disposed
    afterwards, so that tests do not pile up idle server connections."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'bulletins.sqlite'}"
        return
    from .databases import dispose, new_postgres_database

    url = new_postgres_database(request.getfixturevalue("postgres"), request.node.name)
    yield url
    dispose(url)


@contextmanager
def small_disk(folder: Path, size: str):
    """`folder` as a real file system of `size` (tmpfs, e.g. "256k") that fills up, for disk-full
    tests; mounting needs root, as CI runs (skipped otherwise)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
