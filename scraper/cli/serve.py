"""`bulletins serve`: browse the SQLite database in Datasette (storage.presentation.datasette_config)."""

from __future__ import annotations

import importlib
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from storage.config import sqlite_path
from storage.presentation.datasette_config import PLUGIN_SOURCE, SERVE_EXTRA, SETTINGS, datasette_metadata

from ..processes import running, stopped_like_ctrl_c
from scraper.archive.replay.server import port_in_use
from . import fail, main
from .options import database_url_option, port_option

DEFAULT_PORT = 8001


@main.command()
@port_option(DEFAULT_PORT, "Port to listen on (0: any free port, printed by Datasette).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 exposes the database to the network.")
@database_url_option
def serve(port, host, database_url):
    """Browse and query the SQLite database in Datasette until Ctrl-C.

    Tables and columns carry their descriptions (docs/data-dictionary.md); articles are faceted
    by source, language, issue month and month of publication, newest first, with full-text
    search when the database has the article_fts index; stored queries: articles per month per
    source, most viewed articles, fastest-growing view counts. The database is opened read-only.

    \b
    Needs Datasette: pip install 'bulletin-archiver[serve]'.
    Datasette serves SQLite only: for PostgreSQL, use `bulletins export`.
    """
    url = database_url
    path = sqlite_path(url)
    if not url.startswith("sqlite"):
        fail("Datasette serves SQLite databases only: export a PostgreSQL database with "
             "`bulletins export --format parquet -o FILE` (or csv) instead")
    if path is None:
        fail("Datasette needs a SQLite database file, not an in-memory database")
    if not path.exists():
        fail(f"no database at {path}")
    try:
        importlib.import_module("datasette")  # run below as `python -m datasette`
    except ImportError:
        fail(f"bulletins serve needs Datasette: pip install 'bulletin-archiver[{SERVE_EXTRA}]'")
    if port and host in ("127.0.0.1", "localhost") and port_in_use(port):
        fail(f"port {port} on {host} is in use: choose another with --port (0: any free port)")
    try:
        metadata = datasette_metadata(path)
    except sqlite3.DatabaseError as exc:
        fail(f"cannot read {path} as a SQLite database: {exc}")
    with stopped_like_ctrl_c(), tempfile.TemporaryDirectory(prefix="bulletins-serve-") as folder:
        meta_file = Path(folder) / "metadata.json"
        meta_file.write_text(json.dumps(metadata, ensure_ascii=False, indent=2), encoding="utf-8")
        plugins = Path(folder) / "plugins"
        plugins.mkdir()
        (plugins / "bulletins_month_facet.py").write_text(PLUGIN_SOURCE, encoding="utf-8")
        command = [sys.executable, "-m", "datasette", "serve", str(path.resolve()),
                   "--metadata", str(meta_file), "--plugins-dir", str(plugins),
                   "--host", host, "--port", str(port)]
        for name, value in SETTINGS.items():
            command += ["--setting", name, str(value)]
        shown = f"http://{host}:{port}/" if port else "the port Datasette prints"
        click.echo(f"bulletins: Datasette serves {path} on {shown} ; Ctrl-C to stop", err=True)
        try:
            with running(command, own_session=True, stdin=subprocess.DEVNULL) as process:
                status = process.wait()
        except KeyboardInterrupt:
            click.echo("bulletins: stopping Datasette", err=True)
            status = 0
    if status:
        click.echo(f"bulletins: error: Datasette exited with status {status}", err=True)
        sys.exit(1)
