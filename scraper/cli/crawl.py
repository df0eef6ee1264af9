"""`bulletins crawl SOURCE...`, `bulletins crawl --all` and `bulletins crawl --url LISTING_URL`."""

from __future__ import annotations

import json
import sys

import click
from scrapy.spiderloader import get_spider_loader

from storage.database.db import check_url

from scraper.crawl.run import CrawlOutcome, UsageError, make_settings, run_crawl, run_crawls, runnable_sources
from . import fail, finish, main
from .options import (contact_option, database_url_option, log_level_option, since_option,
                      until_option, warc_dir_option)


@main.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE]...")
@click.option("--all", "every_source", is_flag=True,
              help="Crawl every source `bulletins sources --runnable` lists, side by side in this "
                   "process (each site keeps its own delay and connection limit).")
@click.option("--url", "listing_url", default=None, metavar="LISTING_URL",
              help="Crawl the board at this listing URL with no profile (zero-config extraction); "
                   "the source is named after the site and the board, e.g. "
                   "auto-www.gg.go.kr-bbs-board.do-bsIdx-464 (`bulletins sources` lists them).")
@click.option("--name", "source_name", default=None, metavar="auto-NAME",
              help="With --url: store the board under this source name instead, e.g. the "
                   "auto-<host> name zero-config sources had before, to go on with its articles.")
@since_option("Only articles from this month on.")
@until_option("Only articles up to this month.")
@click.option("--base-url", default=None, help="Crawl this host instead of the real site (e.g. a replica).")
@click.option("--full", is_flag=True,
              help="Fetch every article again, not only new ones and those of the horizon months.")
@click.option("--horizon-months", type=click.IntRange(1), default=None,
              help="Re-fetch stored articles of this many recent months [default 2: this and last].")
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as one JSON object (several sources: one per line).")
@database_url_option
@warc_dir_option()
@contact_option
@log_level_option("INFO; WARNING on a terminal, where a progress line replaces the log")
def crawl(sources, every_source, listing_url, source_name, since, until, base_url, full, horizon_months, as_json,
          database_url, warc_dir, contact, log_level):
    """Crawl SOURCE's bulletin listings (or, with --url, any board's) into the database and WARC files.

    Incremental: listings are walked newest first; new articles and those of the horizon months are
    fetched, older stored ones only get their listing view count recorded, and paging stops at the
    first page holding nothing else; what earlier runs left unfinished is fetched again. Exits 0
    when the run is complete (every URL it discovered archived and stored), 1 when it failed or
    left URLs unfinished (named in the summary, retried by the next run), 2 on a usage error.

    Several SOURCEs, or --all, crawl side by side in this one process: each source keeps its own
    run record, summary (a `== SOURCE` block ending in its status line), WARC files, CDXJ index
    and WACZ package; a source that cannot be crawled (a broken profile) fails alone, named.
    Exits 0 when every source's run is complete, 1 when any is not. With --json, one JSON object
    per source, one per line.
    """
    # On a terminal a live progress line replaces the log; under cron the log is the record.
    settings = make_settings(database=database_url, warcs=warc_dir, contact=contact,
                             log_level=log_level or ("WARNING" if sys.stderr.isatty() else "INFO"),
                             overrides={"BULLETINS_HORIZON_MONTHS": horizon_months} if horizon_months else None)
    if every_source and (sources or listing_url is not None):
        fail("--all crawls every source: give no SOURCE and no --url with it")
    if not every_source and bool(sources) == (listing_url is not None):
        fail("give a SOURCE (see `bulletins sources`) or --url LISTING_URL, not both")
    if len(sources) != len(set(sources)):
        fail("a SOURCE is named twice")
    if base_url is not None and (every_source or len(sources) > 1):
        fail("--base-url names one site: give it with one SOURCE")
    check_url(database_url)  # one that cannot be used: one line, before anything
    spider_args = dict(base_url=base_url, since=since, until=until, full="true" if full else None)
    if source_name is not None and listing_url is None:
        fail("--name goes with --url: it names a board crawled with no profile")
    if every_source or len(sources) > 1:
        _crawl_many(sources, settings, spider_args, as_json)
    source = sources[0] if sources else None
    if listing_url is not None:
        from scraper.crawl.spiders.zero_config import check_name, zero_config_spider

        if not listing_url.startswith(("http://", "https://")):
            fail(f"--url must be an http(s) URL, got {listing_url!r}")
        if source_name is not None and check_name(source_name):
            fail(f"--name: {check_name(source_name)}")
        if source_name is not None and source_name in get_spider_loader(settings).list():
            fail(f"--name: {source_name!r} is a profile's source: choose another name")
        source, spider_args["url"] = zero_config_spider(listing_url, source_name), listing_url
    else:
        from scraper.crawl.spider_loader import broken_profiles

        problem = broken_profiles(settings).get(source)
        if problem is not None:
            fail(f"source {source!r} cannot be crawled: {problem}")
    try:
        outcome = run_crawl(source, settings, **spider_args)
    except (UsageError, ValueError) as exc:
        fail(str(exc))
    click.echo(json.dumps(outcome.as_dict(), ensure_ascii=False) if as_json else outcome.summary())
    finish(0 if outcome.ok else 1)


def _crawl_many(sources: tuple[str, ...], settings, spider_args: dict, as_json: bool) -> None:
    """Crawl several sources (or every runnable one) side by side; a broken profile, or a source
    refused by its own checks, fails alone and named. Exits."""
    from scraper.crawl.spider_loader import broken_profiles

    if sources:
        broken = {name: problem for name, problem in broken_profiles(settings).items() if name in sources}
        names = list(sources)
    else:
        names, broken = runnable_sources(settings)
    outcomes = {name: CrawlOutcome.refused(name, f"source {name!r} cannot be crawled: {problem}")
                for name, problem in broken.items()}
    jobs = [(name, dict(spider_args)) for name in names if name not in broken]
    try:
        crawled = run_crawls(jobs, settings, alone=True) if jobs else []
    except (UsageError, ValueError) as exc:
        fail(str(exc))
    outcomes.update((outcome.source, outcome) for outcome in crawled)
    ordered = [outcomes[name] for name in names]
    if as_json:
        for outcome in ordered:
            click.echo(json.dumps(outcome.as_dict(), ensure_ascii=False))
    else:
        for outcome in ordered:
            click.echo(outcome.summary())
        bad = [f"{o.source} ({o.status})" for o in ordered if not o.ok]
        click.echo(f"all sources: {len(ordered) - len(bad)} of {len(ordered)} ok"
                   + (f"; not ok: {', '.join(bad)}" if bad else ""))
    finish(0 if all(o.ok for o in ordered) else 1)
