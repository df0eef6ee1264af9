"""`bulletins replay`: pywb on loopback over the WARC folder, and replay URLs of captures."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from storage.database.db import make_reader, session

from scraper.processes import stopped_like_ctrl_c
from scraper.archive.replay import ReplayError
from scraper.archive.replay.captures import CaptureRef, article_capture, newest_captures, replay_url
from scraper.archive.replay.collection import COLLECTION, collection_dir, sync_collection
from scraper.archive.replay.install import ensure_pywb
from scraper.archive.replay.server import Wayback, port_in_use
from . import fail, main
from .options import database_url_option, port_option, warc_dir_option

DEFAULT_PORT = 8080


@main.command()
@port_option(DEFAULT_PORT, "Port of pywb on 127.0.0.1 (0: any free port).")
@warc_dir_option(existing=True)
@database_url_option
@click.option("--article", "article_id", type=int, default=None, metavar="ID",
              help="Print the replay URL of the capture this article row was parsed from.")
@click.option("--no-serve", is_flag=True,
              help="Only print the URLs (for a pywb already running on --port); do not start pywb.")
def replay(port, warc_dir, database_url, article_id, no_serve):
    """Replay the archive in pywb on 127.0.0.1 until Ctrl-C.

    Prints the replay URL of the newest capture of each source (SOURCE, tab, URL), or with
    --article only that article's URL. pywb is installed on first use into its own virtualenv,
    ~/.cache/bulletin-archiver/pywb-venv [env BULLETINS_PYWB_VENV]; the collection's indexes are
    kept under ~/.cache/bulletin-archiver/replay/, and only new or changed WARC files are indexed.
    """
    if no_serve and port == 0:
        fail("--no-serve needs the --port of the running pywb")
    try:
        refs = _captures(database_url, warc_dir, article_id)
    except ReplayError as exc:
        fail(str(exc))
    bare = article_id is not None
    if no_serve:
        _print_urls(refs, f"http://127.0.0.1:{port}", bare)
    elif port and port_in_use(port):
        fail(f"port {port} on 127.0.0.1 is in use: choose another with --port (0: any free port)")
    else:
        _serve(warc_dir, port, refs, bare)


def _captures(url: str, folder: Path, article_id: int | None) -> list[CaptureRef]:
    with session(make_reader(url)) as db:  # reading only: read access is enough
        if article_id is not None:
            return [article_capture(db, article_id, folder)]
        refs = newest_captures(db)
    if not refs:
        _note(f"no article captures in {url} yet")
    return refs


def _print_urls(refs: list[CaptureRef], base_url: str, bare: bool) -> None:
    for ref in refs:
        link = replay_url(base_url, ref.captured_at, ref.url)
        click.echo(link if bare else f"{ref.source}\t{link}")
    sys.stdout.flush()  # a script reading our pipe sees the URLs while we serve


def _note(message: str) -> None:
    click.echo(f"bulletins: {message}", err=True)


def _serve(folder: Path, port: int, refs: list[CaptureRef], bare: bool) -> None:
    """Serve until Ctrl-C (or SIGTERM/SIGHUP): exit 0 then, 1 if pywb fails or stops by itself."""
    with stopped_like_ctrl_c():
        _serve_until_stopped(folder, port, refs, bare)


def _serve_until_stopped(folder: Path, port: int, refs: list[CaptureRef], bare: bool) -> None:
    wayback = None
    try:
        bin_dir = ensure_pywb(on_install=lambda venv: _note(
            f"installing pywb into {venv} (first use; needs the package index)"))
        synced = sync_collection(folder, collection_dir(folder), bin_dir,
                                 on_index=lambda warc: _note(f"indexing {warc.name}"))
        _note(f"{synced.files} WARC files, {len(synced.indexed)} newly indexed; "
              f"collection in {synced.root}")
        wayback = Wayback(synced.root, bin_dir, port)
        _print_urls(refs, wayback.base_url, bare)
        _note(f"pywb serves {wayback.base_url}/{COLLECTION}/ ; Ctrl-C to stop")
        status = wayback.process.wait()
        _note(f"error: wayback exited with status {status}:\n{wayback.log_tail()}")
        sys.exit(1)
    except ReplayError as exc:
        _note(f"error: {exc}")
        sys.exit(1)
    except KeyboardInterrupt:
        _note("stopping pywb")
    finally:
        if wayback is not None:
            wayback.stop()
