"""Replay in pywb: its own virtualenv, a collection over a WARC folder, `wayback` on loopback.

pywb pins old packages (redis 2.10.6) that break others installed beside it, so it lives in a
virtualenv of its own: ``$BULLETINS_PYWB_VENV``, else ``~/.cache/bulletin-archiver/pywb-venv``
(``$XDG_CACHE_HOME`` honoured), shared by every folder the tool runs in. Its marker file is
written last, so an interrupted install is started over; an flock serializes installers.

A collection is a folder holding pywb's ``config.yaml`` and one sorted CDXJ index per WARC file
(``indexes/NAME.cdxj``, POST bodies keyed in, as wb-manager does). The WARC files are read where
they are, never copied; a sync indexes only files that are new or changed since their index was
written and drops indexes of files that are gone, so repeated runs are cheap. ``.open`` files,
still being written, are never indexed. Only files directly in the folder count.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from storage.webarchive import provenance
from storage.database.models import Article, Capture
from storage.webarchive.warc import OPEN_SUFFIX, read_record

from scraper import processes

PYWB_REQUIREMENT = "pywb~=2.10.0"  # the version replay was measured with (guides/warc.md)
VENV_ENV = "BULLETINS_PYWB_VENV"
MARKER_NAME = ".pywb-installed"
COLLECTION = "bulletins"
WARC_SUFFIXES = (".warc.gz", ".warc")
INSTALL_TIMEOUT = 900.0
INDEX_TIMEOUT = 600.0
START_TIMEOUT = 60.0


class ReplayError(Exception):
    """Replay cannot go on; the message is one line for the user (details may follow)."""


# --- pywb's own virtualenv -----------------------------------------------------------------


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


# --- the collection ------------------------------------------------------------------------


def collection_dir(warc_dir: Path) -> Path:
    """Default collection folder of a WARC folder: in the user cache, named after its path."""
    resolved = Path(warc_dir).resolve()
    key = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    return cache_home() / "replay" / f"{resolved.name or 'root'}-{key}"


def warc_files(warc_dir: Path) -> list[Path]:
    """The finished WARC files of a folder (never ``.open`` ones), sorted by name."""
    return sorted(p for p in Path(warc_dir).iterdir() if p.is_file()
                  and p.name.endswith(WARC_SUFFIXES) and not p.name.endswith(OPEN_SUFFIX))


@dataclass
class SyncResult:
    root: Path
    files: int  # WARC files in the collection
    indexed: list[str] = field(default_factory=list)  # (re)indexed by this sync
    dropped: list[str] = field(default_factory=list)  # indexes whose WARC file is gone


def sync_collection(warc_dir: Path, root: Path, bin_dir: Path,
                    on_index: Callable[[Path], None] | None = None) -> SyncResult:
    """Write pywb's config for `warc_dir` in `root` and bring its indexes up to date.

    `on_index` is told of each file about to be indexed (a 1 GB file takes a while).
    """
    warc_dir = Path(warc_dir).resolve()
    if not warc_dir.is_dir():
        raise ReplayError(f"no WARC folder at {warc_dir}")
    indexes = root / "indexes"
    indexes.mkdir(parents=True, exist_ok=True)
    with open(root / ".sync.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two syncs of one collection never write the same index
        _write_config(root, warc_dir, indexes)
        files = warc_files(warc_dir)
        result = SyncResult(root, len(files))
        for warc in files:
            index = indexes / (warc.name + ".cdxj")
            mtime = warc.stat().st_mtime_ns
            if index.exists() and index.stat().st_mtime_ns == mtime:
                continue  # indexed since its last change
            if on_index is not None:
                on_index(warc)
            _index(bin_dir, warc, index, mtime)
            result.indexed.append(warc.name)
        names = {warc.name + ".cdxj" for warc in files}
        for index in indexes.iterdir():
            if index.name.endswith(".cdxj") and index.name not in names:
                index.unlink()
                result.dropped.append(index.name.removesuffix(".cdxj"))
    return result


def _write_config(root: Path, warc_dir: Path, indexes: Path) -> None:
    """JSON is YAML: no YAML library needed on our side."""
    config = {"collections": {COLLECTION: {"index_paths": str(indexes),
                                           "archive_paths": str(warc_dir) + os.sep}}}
    text = json.dumps(config, indent=2) + "\n"
    path = root / "config.yaml"
    if not path.exists() or path.read_text() != text:
        tmp = root / "config.yaml.tmp"
        tmp.write_text(text)
        tmp.replace(path)


def _index(bin_dir: Path, warc: Path, index: Path, mtime_ns: int) -> None:
    """Sorted CDXJ with POST bodies in the key (-p): needed to replay POST-paginated listings."""
    tmp = index.with_name(index.name + ".tmp")  # not *.cdxj: pywb never reads a half-written one
    _check_run([str(bin_dir / "cdx-indexer"), "--sort", "--cdxj", "--postappend",
                "--output", str(tmp), str(warc)], f"could not index {warc.name}", INDEX_TIMEOUT)
    os.utime(tmp, ns=(mtime_ns, mtime_ns))
    tmp.replace(index)


# --- the server ----------------------------------------------------------------------------


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


# --- replay URLs of captures ---------------------------------------------------------------


def replay_url(base_url: str, captured_at: datetime, url: str, modifier: str = "") -> str:
    """``BASE/bulletins/TS/URL`` of the wayback server at base_url (see storage.webarchive.provenance)."""
    return provenance.replay_url(f"{base_url}/{COLLECTION}", captured_at, url, modifier)


@dataclass(frozen=True)
class CaptureRef:
    source: str
    article_id: int
    url: str
    captured_at: datetime


def newest_captures(db: Session) -> list[CaptureRef]:
    """The newest article capture of each source, by source name."""
    newest = (select(Article.source, func.max(Capture.captured_at).label("at"))
              .join(Capture, Capture.article_id == Article.id)
              .group_by(Article.source).subquery())
    rows = db.exec(select(Article.source, Article.id, Capture.url, Capture.captured_at)
                   .join(Capture, Capture.article_id == Article.id)
                   .join(newest, (newest.c.source == Article.source)
                         & (newest.c.at == Capture.captured_at))
                   .order_by(Article.source, Capture.id.desc())).all()
    seen: dict[str, CaptureRef] = {}
    for source, article_id, url, at in rows:
        seen.setdefault(source, CaptureRef(source, article_id, url, at))
    return list(seen.values())


def article_capture(db: Session, article_id: int, warc_dir: Path) -> CaptureRef:
    """The capture an article row was parsed from (its warc_record_id); ReplayError if none."""
    article = db.get(Article, article_id)
    if article is None:
        raise ReplayError(f"no article with id {article_id}")
    if not article.warc_record_id:
        raise ReplayError(f"article {article_id} has no WARC record")
    capture = db.exec(select(Capture).where(Capture.warc_record_id == article.warc_record_id)).first()
    if capture is not None and capture.captured_at is not None:
        return CaptureRef(article.source, article.id, capture.url, capture.captured_at)
    # A row stored before captures were recorded: the record itself holds the time.
    try:
        record = read_record(warc_dir, article.warc_file, article.warc_offset)
    except (OSError, ValueError) as error:
        raise ReplayError(f"article {article_id}: cannot read its WARC record: {error}") from None
    at = datetime.strptime(record.date[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    return CaptureRef(article.source, article.id, record.target_uri or article.url, at)
