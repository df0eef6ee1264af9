"""A real pywb for the tests, set up by `scraper.archive.replay`: venv under .cache/, collection, `wayback`.

pywb pins old packages (redis 2.10.6), so it never goes into the project's environment. The tests
share one venv, `.cache/pywb-venv` in the checkout (or $BULLETINS_PYWB_VENV), installed on first use.
Set BULLETINS_SKIP_PYWB=1 to skip, rather than fail, when pywb cannot be installed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from scraper.archive.replay import ReplayError
from scraper.archive.replay.collection import COLLECTION  # noqa: F401  (the tests take it from here)
from scraper.archive.replay.collection import sync_collection, warc_files
from scraper.archive.replay.install import MARKER_NAME, VENV_ENV, ensure_pywb, pywb_venv
from scraper.archive.replay.server import Wayback

from .conftest import REPO

VENV = pywb_venv(os.environ.get(VENV_ENV) or REPO / ".cache" / "pywb-venv")
MARKER = VENV / MARKER_NAME

# No proxies: every request goes to pywb on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def pywb_bin() -> Path:
    """The bin/ folder of pywb's venv, created and installed on first use (fails or skips if not)."""
    try:
        return ensure_pywb(VENV)
    except ReplayError as error:
        if os.environ.get("BULLETINS_SKIP_PYWB") == "1":
            pytest.skip(str(error))
        pytest.fail(f"{error}\n(set BULLETINS_SKIP_PYWB=1 to skip the replay tests instead)",
                    pytrace=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, accept_encoding: str = "gzip", data: bytes | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET (POST with data) url; (status, lower-cased headers, body as sent: never decompressed)."""
    request = urllib.request.Request(url, data=data,
                                     headers={"Accept-Encoding": accept_encoding, **(headers or {})})
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _run(bin_dir: Path, cwd: Path, *args: str) -> None:
    """Run one of pywb's commands (wb-manager, cdx-indexer...) and insist it succeeds."""
    result = subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(args[:2])} failed:\n{result.stdout}{result.stderr}"


@contextmanager
def replay_server(warc_dir: Path, workdir: Path):
    """Base URL (http://127.0.0.1:PORT) of a wayback replaying every WARC file of `warc_dir`."""
    bin_dir = pywb_bin()
    try:
        sync_collection(warc_dir, workdir, bin_dir)
        server = Wayback(workdir, bin_dir)
    except ReplayError as error:
        pytest.fail(str(error), pytrace=False)
    with server:
        yield server.base_url


@pytest.fixture(scope="session")
def pywb_replay(crawl, tmp_path_factory):
    """Base URL (http://127.0.0.1:PORT) of a wayback server replaying every WARC file of `crawl`."""
    assert warc_files(crawl.warc_dir), f"no WARC files in {crawl.warc_dir}"
    with replay_server(crawl.warc_dir, tmp_path_factory.mktemp("pywb")) as base_url:
        yield base_url
