"""The pywb collection of a WARC folder: its config.yaml and one sorted CDXJ index per WARC file,
kept in sync (see the package docstring)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from storage.webarchive.warc import OPEN_SUFFIX

from . import ReplayError
from .install import _check_run, cache_home

COLLECTION = "bulletins"
WARC_SUFFIXES = (".warc.gz", ".warc")
INDEX_TIMEOUT = 600.0


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
