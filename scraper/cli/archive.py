"""`bulletins archive ...`: the WARC collection itself (subcommands in archive_*.py)."""

from __future__ import annotations

from . import main


@main.group()
def archive():
    """Inspect and maintain the WARC files."""
