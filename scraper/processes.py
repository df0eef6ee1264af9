"""Child processes: start one, stop it (ask, wait, then kill), and Ctrl-C for server commands.

`bulletins serve` (Datasette) and `bulletins replay` (pywb) run a server as a child until Ctrl-C;
tests and benchmarks start crawls, replicas, Redis and PostgreSQL the same way. Storage imports
nothing of `scraper`, so this module lives here and uses only the standard library.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STOP_TIMEOUT = 15.0  # seconds a child is given to end after it is asked, before it is killed


def _parent_death_signal() -> Callable[[], None] | None:
    """Linux: a function asking the kernel to SIGTERM the child if we die first, even by SIGKILL.

    Looked up here, before any fork: the child must only call it (PR_SET_PDEATHSIG is option 1).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGTERM)


def start(command: list[str], *, own_session: bool = False, **popen) -> subprocess.Popen:
    """`subprocess.Popen(command, **popen)`; `own_session`: the child gets a session of its own,
    so that a Ctrl-C at the terminal reaches only us and we stop it in order, and (Linux) the
    kernel stops it if we die first, even by SIGKILL: start it from a thread that lives as long
    as the child should."""
    if own_session:
        popen.update(start_new_session=True, preexec_fn=_parent_death_signal())
    return subprocess.Popen(command, **popen)


def stop(process: subprocess.Popen, sig: int | None = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> int:
    """End a child: send it `sig` (None: let it end by itself), wait up to `timeout` seconds,
    then kill it. Its exit status (negative: the signal that ended it)."""
    if process.poll() is None:
        if sig is not None:
            process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def run_measured(command: list[str], **popen) -> tuple[int, int]:
    """Run a child to its end: (its exit status, its own peak resident memory in bytes, no other
    process's). Linux and BSD (where ru_maxrss counts kilobytes)."""
    process = start(command, **popen)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss * 1024


@contextmanager
def running(command: list[str], *, sig: int | None = signal.SIGTERM, timeout: float = STOP_TIMEOUT,
            **popen) -> Iterator[subprocess.Popen]:
    """A child for the length of a `with` block, stopped (`stop`) when the block ends, however."""
    process = start(command, **popen)
    try:
        yield process
    finally:
        stop(process, sig, timeout)


def _interrupted(signum, frame):
    raise KeyboardInterrupt


@contextmanager
def stopped_like_ctrl_c() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP (a `kill`, a closed terminal) raise KeyboardInterrupt
    in the main thread as Ctrl-C does, so that a server command stops its children in order and
    exits 0 whichever way it is asked to stop. The previous handlers come back after."""
    previous = {sig: signal.signal(sig, _interrupted) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
