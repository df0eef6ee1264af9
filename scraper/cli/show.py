"""`bulletins show ID`: an article with its captures (provenance) and its view-count series."""

from __future__ import annotations

import click

from storage.database.db import make_reader, session
from storage.webarchive.provenance import DEFAULT_REPLAY_BASE, Provenance, as_dict, find_article, iso, provenance
from storage.webarchive.provenance import replay_base as configured_replay_base
from storage.webarchive.provenance import replay_url

from scraper.terminal import json_text, printable
from . import fail, main
from .options import database_url_option

LABELS = (("url", "url"), ("title", "title"), ("issue month", "issue_month"),
          ("headline", "headline"), ("author", "author"), ("department", "department"),
          ("published", "published"),
          ("views", "views"), ("missing", "missing_fields"), ("first seen", "first_seen"),
          ("last seen", "last_seen"))


@main.command()
@click.argument("article_ref", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Machine output: one JSON object.")
@click.option("--replay-base", envvar="BULLETINS_REPLAY_BASE", default=None,
              help=f"Replay URLs start with this [env BULLETINS_REPLAY_BASE; default {DEFAULT_REPLAY_BASE}]")
@database_url_option
def show(article_ref, as_json, replay_base, database_url):
    """Print article ID (its row id, or SOURCE:BOARD_ID) with its captures and view counts.

    Each capture names its WARC file, offset, record id and time, and a replay URL
    (BASE/<14-digit timestamp>/<url>, for pywb or ReplayWeb.page). Exits 2 when there is no
    such article. The database is opened read-only; control characters and terminal escape
    sequences in the stored text are not printed (--json escapes them).
    """
    base = configured_replay_base(replay_base)
    with session(make_reader(database_url)) as db:
        try:
            article = find_article(db, article_ref)
        except ValueError as exc:
            fail(str(exc))
        if article is None:
            fail(f"no article {article_ref}")
        found = provenance(db, article)
    if as_json:
        click.echo(json_text(as_dict(found, base), indent=2))
    else:  # the board's text, without the escape sequences it may hold (scraper.terminal)
        click.echo("\n".join(printable(line) for line in text_lines(found, base)))


def text_lines(p: Provenance, base: str) -> list[str]:
    a = p.article
    lines = [f"article {a.id} · {a.source}:{a.board_id} · extractor {a.extractor_version or '-'}"]
    for label, name in LABELS:
        value = getattr(a, name)
        value = iso(value) if name in ("published", "first_seen", "last_seen") else value
        lines.append(f"{label + ':':<13}{'-' if value in (None, '') else value}")
    language = f"{a.language} ({a.language_probability})" if a.language else "-"
    lines.append(f"{'language:':<13}{language}")
    lines.append(f"{'parsed from:':<13}{a.warc_file} @ {a.warc_offset} {a.warc_record_id}"
                 if a.warc_file else f"{'parsed from:':<13}-")
    lines.append(f"attachments ({len(p.attachments)}):")
    lines += [f"  {att.name} · {att.size if att.size is not None else '?'} bytes · "
              f"{att.content_type or '?'} · {att.url}" for att in p.attachments]
    lines.append(f"captures ({len(p.captures)}):")
    for c in p.captures:
        mark = "  (parsed from)" if p.parsed_from(c) else ""
        lines.append(f"  {iso(c.captured_at) or '?'}  {c.warc_file} @ {c.warc_offset}  {c.warc_record_id}{mark}")
        lines.append(f"    replay: {replay_url(base, c.captured_at, c.url)}")
    lines.append(f"views ({len(p.views)}):")
    lines += [f"  {iso(o.observed_at)}  {o.views}" for o in p.views]
    lines.append("body:")
    lines += [f"  {line}" if line else "" for line in (a.body_text or "-").split("\n")]
    return lines
