"""Real servers for tests, on 127.0.0.1 only: a redis-server and a PostgreSQL cluster.

Each is started in a temporary folder on a free port and stopped (folder removed) when its
`with` block ends; a test module wraps them in fixtures of the scope it needs. When the binaries
are missing the tests FAIL with an install hint, unless BULLETINS_SKIP_SERVICES=1 (then they are
skipped).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from scraper.processes import start, stop

INSTALL_HINT = "apt-get install -y redis-server postgresql"
# The server runs in Korea time, so a test shows we store UTC whatever the server's zone.
SERVER_TIMEZONE = "Asia/Seoul"
# The PostgreSQL cluster's LC_CTYPE (collation stays C): see PostgresServer.start.
UTF8_CTYPE = "C.UTF-8"
READY_ATTEMPTS = 300  # x 0.1 s: waiting for a server to accept connections, not a timing check


def missing(what: str) -> None:
    message = f"{what} not found: install it ({INSTALL_HINT}) or set BULLETINS_SKIP_SERVICES=1"
    if os.environ.get("BULLETINS_SKIP_SERVICES") == "1":
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until(ready, what: str, process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    for _ in range(READY_ATTEMPTS):
        if process is not None and process.poll() is not None:
            break
        if ready():
            return
        time.sleep(0.1)
    detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not start\n{detail}")


# --- Redis -------------------------------------------------------------------------------------


class RedisServer:
    def __init__(self, binary: str):
        self.binary = binary
        self.folder = Path(tempfile.mkdtemp(prefix="bulletins-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        log = self.folder / "redis.log"
        self.process = start(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--logfile", str(log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        _wait_until(self.ping, "redis-server", self.process, log)
        return self

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def redis_server():
    """The URL of a fresh redis-server (no persistence) on a free loopback port."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing("redis-server")
    server = RedisServer(binary).start()
    try:
        yield server.url
    finally:
        server.stop()


# --- PostgreSQL --------------------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """Debian keeps the server tools out of PATH, one folder per major version: take the newest."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).resolve().parent if on_path else None


@dataclass
class PostgresServer:
    bindir: Path
    folder: Path
    port: int
    user: str = "bulletins"
    run_as: str | None = None  # PostgreSQL refuses to run as root: then as this system user
    ctype: str = ""            # the cluster's LC_CTYPE, once started

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> "PostgresServer":
        data = self.folder / "data"
        # Collation C (byte order, as SQLite compares), character classes of UTF-8: pg_trgm takes
        # its trigrams from letters and digits as LC_CTYPE sees them, and under C Hangul is
        # neither, so Korean searches would scan instead of using the GIN indexes. Every database
        # created here (CREATE DATABASE copies template1) inherits it. Without a C.UTF-8 locale
        # on the system the cluster falls back to C: searches are then right but slower.
        for locale in (["--locale=C", f"--lc-ctype={UTF8_CTYPE}"], ["--no-locale"]):
            init = self._run("initdb", "-D", str(data), "-U", self.user, "--auth=trust", "-E", "UTF8",
                             *locale, "--no-sync")
            if init.returncode == 0:
                self.ctype = UTF8_CTYPE if len(locale) == 2 else "C"
                break
            shutil.rmtree(data, ignore_errors=True)
        else:
            raise RuntimeError(f"initdb failed: {init.stderr}")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder}"
                   f" -c timezone={SERVER_TIMEZONE} -c fsync=off -c max_connections=100")
        started = self._run("pg_ctl", "-D", str(data), "-l", str(self.folder / "server.log"), "-o", options,
                            "-w", "-t", "60", "start")
        if started.returncode:
            log = (self.folder / "server.log")
            raise RuntimeError(f"pg_ctl start failed: {started.stderr}\n"
                               f"{log.read_text(errors='replace') if log.exists() else ''}")
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres",
                             autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def postgres_server():
    """A PostgreSQL cluster of our own on a free loopback port (trust auth, server zone Asia/Seoul,
    collation C, LC_CTYPE C.UTF-8)."""
    bindir = postgres_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        missing("PostgreSQL server (initdb, pg_ctl)")
    folder = Path(tempfile.mkdtemp(prefix="bulletins-pg-"))  # in /tmp: reachable by the server user
    run_as = None
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root needs a 'postgres' system user to run PostgreSQL as "
                        f"({INSTALL_HINT} creates it)", pytrace=False)
        os.chown(folder, account.pw_uid, account.pw_gid)
        run_as = "postgres"
    server = PostgresServer(bindir, folder, free_port(), run_as=run_as)
    try:
        server.start()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        yield server
    finally:
        server.stop()
