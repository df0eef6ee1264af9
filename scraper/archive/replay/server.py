"""`wayback`, pywb's server, running on loopback over a collection."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from scraper import processes

from . import ReplayError

START_TIMEOUT = 60.0


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Wayback:
    """A running `wayback` serving the collection in `root` on 127.0.0.1:port (a context manager).

    On Linux it is stopped by the kernel if the thread that started it dies: start it from a
    thread that lives as long as it should.
    """

    def __init__(self, root: Path, bin_dir: Path, port: int = 0):
        self.root = Path(root)
        self.port = port or free_port()
        self.log = self.root / f"wayback-{self.port}.log"
        with open(self.log, "wb") as out:
            self.process = processes.start(
                [str(bin_dir / "wayback"), "-p", str(self.port), "-b", "127.0.0.1"], own_session=True,
                cwd=self.root, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            self._wait_until_listening()
        except BaseException:
            self.stop()
            raise

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ReplayError(f"wayback exited with status {self.process.returncode}:\n"
                                  f"{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise ReplayError(f"wayback did not answer on port {self.port} within {START_TIMEOUT:.0f} s:\n"
                          f"{self.log_tail()}")

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def stop(self) -> None:
        processes.stop(self.process)

    def __enter__(self) -> Wayback:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
