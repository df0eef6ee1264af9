"""A real pywb for the tests: its own virtualenv under .cache/, a collection, a `wayback` server.

pywb pins old packages (redis 2.10.6), so it never goes into the project's environment. The venv
is created on first use and counts as installed only once its marker file is written (last).
Set BULLETINS_SKIP_PYWB=1 to skip, rather than fail, when pywb cannot be installed.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPO

VENV = REPO / ".cache" / "pywb-venv"
MARKER = VENV / ".pywb-installed"
COLLECTION = "bulletins"
START_TIMEOUT = 30.0

# No proxies: every request goes to pywb on loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def pywb_bin() -> Path:
    """The bin/ folder of pywb's venv, created and installed on first use (fails or skips if not)."""
    bin_dir = VENV / "bin"
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.parent / "pywb-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one installer at a time (parallel test runs)
        if not (MARKER.exists() and (bin_dir / "wayback").exists() and (bin_dir / "wb-manager").exists()):
            _install(bin_dir)
    return bin_dir


def _install(bin_dir: Path) -> None:
    shutil.rmtree(VENV, ignore_errors=True)  # a half-made venv from an interrupted install
    steps = [[sys.executable, "-m", "venv", str(VENV)],
             [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "pywb"]]
    for step in steps:
        try:
            result = subprocess.run(step, capture_output=True, text=True, timeout=900)
            failure = None if result.returncode == 0 else result.stdout + result.stderr
        except (OSError, subprocess.TimeoutExpired) as error:
            failure = str(error)
        if failure is not None:
            message = f"could not install pywb into {VENV} ({' '.join(step)}):\n{failure[-3000:]}"
            if os.environ.get("BULLETINS_SKIP_PYWB") == "1":
                pytest.skip(message)
            pytest.fail(message + "\n(set BULLETINS_SKIP_PYWB=1 to skip the replay tests instead)",
                        pytrace=False)
    MARKER.write_text("pywb installed\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, accept_encoding: str = "gzip") -> tuple[int, dict[str, str], bytes]:
    """GET url; (status, lower-cased headers, body exactly as sent: never decompressed here)."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _run(bin_dir: Path, cwd: Path, *args: str) -> None:
    result = subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(args[:2])} failed:\n{result.stdout}{result.stderr}"


def _wait_until_listening(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"wayback exited with {process.returncode}:\n{log.read_text()[-3000:]}",
                        pytrace=False)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"wayback did not answer on port {port} within {START_TIMEOUT:.0f} s:\n"
                f"{log.read_text()[-3000:]}", pytrace=False)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def pywb_replay(crawl, tmp_path_factory):
    """Base URL (http://127.0.0.1:PORT) of a wayback server replaying every WARC file of `crawl`."""
    bin_dir = pywb_bin()
    workdir = tmp_path_factory.mktemp("pywb")
    warcs = sorted(str(p) for p in crawl.warc_dir.glob("*.warc.gz"))
    assert warcs, f"no WARC files in {crawl.warc_dir}"
    _run(bin_dir, workdir, "wb-manager", "init", COLLECTION)
    _run(bin_dir, workdir, "wb-manager", "add", COLLECTION, *warcs)
    port = free_port()
    log = workdir / "wayback.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(bin_dir / "wayback"), "-p", str(port), "-b", "127.0.0.1"],
                                   cwd=workdir, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    try:
        _wait_until_listening(process, port, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process)
