"""pywb's own virtualenv (see the package docstring), installed on first use, and running its
command-line tools."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from . import ReplayError

PYWB_REQUIREMENT = "pywb~=2.10.0"  # the version replay was measured with (guides/warc.md)
VENV_ENV = "BULLETINS_PYWB_VENV"
MARKER_NAME = ".pywb-installed"
INSTALL_TIMEOUT = 900.0


def cache_home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bulletin-archiver"


def pywb_venv(explicit: str | os.PathLike[str] | None = None) -> Path:
    """pywb's virtualenv: explicit value, else $BULLETINS_PYWB_VENV, else the user cache."""
    return Path(explicit or os.environ.get(VENV_ENV) or cache_home() / "pywb-venv").absolute()


def is_installed(venv: Path) -> bool:
    bin_dir = venv / "bin"
    return all(p.exists() for p in (venv / MARKER_NAME, bin_dir / "wayback", bin_dir / "cdx-indexer"))


def ensure_pywb(venv: Path | None = None, on_install: Callable[[Path], None] | None = None) -> Path:
    """The bin/ folder of pywb's venv, installed first if needed (needs PyPI, about a minute).

    Raises ReplayError when the install fails.
    """
    venv = pywb_venv(venv)
    if is_installed(venv):
        return venv / "bin"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.with_name(venv.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one installer at a time; the others wait, then reuse
        if not is_installed(venv):
            if on_install is not None:
                on_install(venv)
            _install(venv)
    return venv / "bin"


def _install(venv: Path) -> None:
    shutil.rmtree(venv, ignore_errors=True)  # what an interrupted install left
    python = venv / "bin" / "python"
    for step in ([sys.executable, "-m", "venv", str(venv)],
                 [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                  PYWB_REQUIREMENT]):
        _check_run(step, f"could not install pywb into {venv}", INSTALL_TIMEOUT)
    (venv / MARKER_NAME).write_text(PYWB_REQUIREMENT + "\n")


def _check_run(command: list[str], what: str, timeout: float) -> None:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                stdin=subprocess.DEVNULL)
        failure = None if result.returncode == 0 else (result.stdout + result.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        failure = str(error)
    if failure is not None:
        raise ReplayError(f"{what} ({' '.join(command)}):\n{failure[-3000:]}")
