"""Where the database and the WARC files live: embedded defaults, overridable by environment."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DEFAULT_DATA_DIR = Path("data")
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATA_DIR / 'bulletins.sqlite'}"
DEFAULT_WARC_DIR = DEFAULT_DATA_DIR / "warc"

DATABASE_URL_ENV = "BULLETINS_DATABASE_URL"
WARC_DIR_ENV = "BULLETINS_WARC_DIR"


def database_url(explicit: str | None = None) -> str:
    """The database URL: explicit value, else $BULLETINS_DATABASE_URL, else ./data/bulletins.sqlite."""
    return explicit or os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


def warc_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The WARC folder: explicit value, else $BULLETINS_WARC_DIR, else ./data/warc."""
    return Path(explicit or os.environ.get(WARC_DIR_ENV) or DEFAULT_WARC_DIR)


def sqlite_path(url: str) -> Path | None:
    """The file behind a sqlite:/// URL, or None for other databases and in-memory SQLite."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == "sqlite://" or url.endswith(":memory:"):
        return None
    return Path(url[len(prefix) :])


class StorageError(Exception):
    """A storage location cannot be used; the message is one line for the user."""


def ensure_writable_dir(path: Path, what: str) -> Path:
    """Create `path` if needed and prove we can write in it, or raise StorageError."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        # a name of this process's own: crawlers sharing the folder must not remove each other's
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-"):
            pass
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise StorageError(f"cannot write the {what} in {path}: {reason}") from None
    return path
