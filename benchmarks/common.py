"""What the benchmark scripts share: the replica in its own process, and a process's peak memory."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_replica(articles: int, *options: str) -> tuple[subprocess.Popen, str]:
    """`python -m scraper.replica` on a free loopback port: (process, base URL).

    `options` are more command-line options of the replica (``"--attachment-every", "3"``).
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "scraper.replica", "--host", "127.0.0.1", "--port", "0",
         "--articles", str(articles), "--no-flaky", *options],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base_url = proc.stdout.readline().strip()
    proc.stdout.readline()  # the description line; "stopped" comes at the end
    if not base_url.startswith("http://127.0.0.1:"):
        proc.kill()
        proc.wait()
        raise RuntimeError(f"replica did not start (first line {base_url!r})")
    return proc, base_url


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (Linux), else ru_maxrss.

    Not ru_maxrss first: a child started by subprocess inherits its parent's peak in ru_maxrss,
    so a child of a large parent would report the parent's memory, not its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def stop(proc: subprocess.Popen) -> None:
    """Terminate a helper process (the replica), killing it if it does not stop."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
