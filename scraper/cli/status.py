"""`bulletins status`: one line per source, its last run, its publishing rhythm and a verdict
(storage.database.health)."""

from __future__ import annotations

import sys

import click

from storage.database.db import NoDatabase, make_reader
from storage.database.health import (RHYTHM_ARTICLES, STALE_FACTOR, STALE_MIN_DAYS, BadToday, as_json,
                            korea_today, source_health, summary_line, table_rows)

from scraper.crawl.run import make_settings, runnable_sources
from scraper.terminal import printable
from . import fail, main
from .options import database_url_option, source_option


def known_sources() -> tuple[list[str], dict[str, str]]:
    """The sources a nightly run crawls (`bulletins sources --runnable`: profiles with a site of
    their own, broken ones included) and the broken ones with their problem."""
    names, broken = runnable_sources(make_settings())
    return names, {name: str(problem) for name, problem in broken.items()}


def format_table(rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell; the last one (WHY) as it is."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join([cell.ljust(w) for cell, w in zip(row, widths)] + [row[-1]]).rstrip()
            for row in rows]


STATUS_HELP = f"""Is every source healthy? One line per source with its last crawl run (start in
UTC, duration, status, new/updated articles, unfinished URLs by reason), its newest article's
date, its usual gap between article dates, and a verdict:

\b
ok      the last run is ok and the board publishes as usual
failed  the last run is not ok (failed, incomplete, killed), or the profile is broken
drift   the last run failed with layout drift (the site changed its markup)
stale   the last run is ok, but the newest article is older than max({STALE_MIN_DAYS} days,
        {STALE_FACTOR} x the median gap between consecutive article dates over the newest
        {RHYTHM_ARTICLES + 1} dated articles): a board that stops publishing has usually moved
never   a source known (a profile with a site, or one in the database) that never ran

The sources are the profiles a nightly run crawls (`bulletins sources --runnable`) and every
source the database holds. A crawl still running is shown beside the last finished run, which
is the one judged. Exit status: 0 when every source is ok, 1 when any is not (so cron mail or a
monitoring check can use it as it is), 2 on a usage error. The database is opened read-only;
with no database yet, every source is `never`.
"""


@main.command(help=STATUS_HELP)
@click.option("--json", "as_json_output", is_flag=True,
              help="One JSON object: today, counts by verdict, and each source's fields.")
@click.option("--failing", is_flag=True, help="Only the sources whose verdict is not ok.")
@source_option("Only this source; repeat for several (the exit status is theirs alone).", multiple=True)
@click.option("--today", envvar="BULLETINS_TODAY", default=None, metavar="YYYY-MM-DD",
              help="The day to judge staleness on [env BULLETINS_TODAY; default: today in Korea].")
@database_url_option
def status(as_json_output, failing, sources, today, database_url):
    try:
        day = korea_today(today)
    except BadToday as exc:
        fail(f"--today (or BULLETINS_TODAY): {exc}")
    names, broken = known_sources()
    try:
        engine = make_reader(database_url)
    except NoDatabase:
        engine = None
    health = source_health(engine, names, day, broken=broken)
    if engine is not None:
        engine.dispose()
    if sources:
        unknown = sorted(set(sources) - {h.source for h in health})
        if unknown:
            fail(f"unknown source {unknown[0]!r}: neither a profile with a site nor in the database "
                 "(see `bulletins sources`)")
        health = [h for h in health if h.source in sources]
    shown = [h for h in health if h.verdict != "ok"] if failing else health
    if as_json_output:
        click.echo(as_json(shown, day, health))
    else:
        if shown:
            for line in format_table(table_rows(shown)):
                click.echo(printable(line))
        click.echo(f"{summary_line(health)} (today {day.isoformat()})")
    sys.exit(1 if any(h.verdict != "ok" for h in health) else 0)
