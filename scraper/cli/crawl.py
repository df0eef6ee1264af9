"""`bulletins crawl SOURCE` and `bulletins crawl --url LISTING_URL`."""

from __future__ import annotations

import json
import sys

import click
from scrapy.spiderloader import get_spider_loader

from storage.config import database_url as configured_database_url
from storage.db import check_url

from ..run import UsageError, make_settings, run_crawl
from . import fail, main, month_option, with_storage_options


@main.command()
@click.argument("source", required=False)
@click.option("--url", "listing_url", default=None, metavar="LISTING_URL",
              help="Crawl the board at this listing URL with no profile (zero-config extraction); "
                   "the source is named after the site and the board, e.g. "
                   "auto-www.gg.go.kr-bbs-board.do-bsIdx-464 (`bulletins sources` lists them).")
@click.option("--name", "source_name", default=None, metavar="auto-NAME",
              help="With --url: store the board under this source name instead, e.g. the "
                   "auto-<host> name zero-config sources had before, to go on with its articles.")
@click.option("--since", callback=month_option, metavar="YYYY-MM", help="Only articles from this month on.")
@click.option("--until", callback=month_option, metavar="YYYY-MM", help="Only articles up to this month.")
@click.option("--base-url", default=None, help="Crawl this host instead of the real site (e.g. a replica).")
@click.option("--full", is_flag=True,
              help="Fetch every article again, not only new ones and those of the horizon months.")
@click.option("--horizon-months", type=click.IntRange(1), default=None,
              help="Re-fetch stored articles of this many recent months [default 2: this and last].")
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as one JSON object.")
@with_storage_options
def crawl(source, listing_url, source_name, since, until, base_url, full, horizon_months, as_json, database_url, warc_dir,
          contact, log_level):
    """Crawl SOURCE's bulletin listings (or, with --url, any board's) into the database and WARC files.

    Incremental: listings are walked newest first; new articles and those of the horizon months are
    fetched, older stored ones only get their listing view count recorded, and paging stops at the
    first page holding nothing else; what earlier runs left unfinished is fetched again. Exits 0
    when the run is complete (every URL it discovered archived and stored), 1 when it failed or
    left URLs unfinished (named in the summary, retried by the next run), 2 on a usage error.
    """
    # On a terminal a live progress line replaces the log; under cron the log is the record.
    settings = make_settings(database=database_url, warcs=warc_dir, contact=contact,
                             log_level=log_level or ("WARNING" if sys.stderr.isatty() else "INFO"),
                             overrides={"BULLETINS_HORIZON_MONTHS": horizon_months} if horizon_months else None)
    if (source is None) == (listing_url is None):
        fail("give a SOURCE (see `bulletins sources`) or --url LISTING_URL, not both")
    check_url(configured_database_url(database_url))  # one that cannot be used: one line, before anything
    spider_args = dict(base_url=base_url, since=since, until=until, full="true" if full else None)
    if source_name is not None and listing_url is None:
        fail("--name goes with --url: it names a board crawled with no profile")
    if listing_url is not None:
        from ..spiders.zero_config import check_name, zero_config_spider

        if not listing_url.startswith(("http://", "https://")):
            fail(f"--url must be an http(s) URL, got {listing_url!r}")
        if source_name is not None and check_name(source_name):
            fail(f"--name: {check_name(source_name)}")
        if source_name is not None and source_name in get_spider_loader(settings).list():
            fail(f"--name: {source_name!r} is a profile's source: choose another name")
        source, spider_args["url"] = zero_config_spider(listing_url, source_name), listing_url
    else:
        from ..profiles.loader import broken_profiles

        problem = broken_profiles(settings).get(source)
        if problem is not None:
            fail(f"source {source!r} cannot be crawled: {problem}")
    try:
        outcome = run_crawl(source, settings, **spider_args)
    except (UsageError, ValueError) as exc:
        fail(str(exc))
    click.echo(json.dumps(outcome.as_dict(), ensure_ascii=False) if as_json else outcome.summary())
    sys.exit(0 if outcome.ok else 1)
