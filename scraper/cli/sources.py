"""`bulletins sources`: the site profiles (working or broken) and the boards crawled with none;
with --registry, Korea's 243 local governments and how far each can be crawled."""

from __future__ import annotations

from dataclasses import dataclass

import click
from sqlalchemy import func
from sqlmodel import select

from storage.database.db import NoDatabase, make_reader, session
from storage.database.models import Article, Source

from scraper.crawl.spider_loader import broken_profiles
from scraper.extract.profiles.registry import REGISTRY_ENV, RegistryError, crawlability, load_registry, summary
from scraper.crawl.run import make_settings, source_classes
from scraper.crawl.spiders.zero_config import PREFIX, described_url
from scraper.terminal import json_text, printable
from . import fail, main
from .options import database_url_option


@dataclass
class ZeroConfigSource:
    name: str
    url: str | None        # the listing URL it was crawled from (a site only, for older sources)
    articles: int
    by_board: bool         # named by site and board; False: by host only (before boards were)


def zero_config_sources(url: str, profiles: set[str]) -> list[ZeroConfigSource]:
    """The boards crawled with no profile that have articles in the database at `url` (none
    when there is no database yet), read with read access only."""
    try:
        engine = make_reader(url)
    except NoDatabase:
        return []
    with session(engine) as db:
        counts = db.exec(select(Article.source, func.count()).where(Article.source.startswith(PREFIX))
                         .group_by(Article.source).order_by(Article.source)).all()
        names = [name for name, _ in counts if name not in profiles]
        rows = {row.name: row for row in db.exec(select(Source).where(Source.name.in_(names)))}
        found = []
        for name, n in counts:
            if name not in names:
                continue
            row = rows.get(name)
            listing = described_url(row.description if row else None)
            site = listing or (row.base_url if row else None) or db.exec(
                select(Article.url).where(Article.source == name).limit(1)).first()
            found.append(ZeroConfigSource(name, site, n, by_board=listing is not None))
    engine.dispose()
    return found


@main.command()
@click.option("--verbose", "-v", is_flag=True, help="Add each source's description and site.")
@click.option("--runnable", is_flag=True,
              help="Only what `bulletins crawl SOURCE` crawls, names alone: no board families "
                   "(profiles with no site of their own, crawled with --base-url), no boards "
                   "crawled with no profile; what cron/nightly.sh crawls.")
@click.option("--registry", "registry", is_flag=True,
              help="List Korea's 243 local governments instead, each with how it is crawled today.")
@click.option("--province", metavar="SLUG",
              help="With --registry: only this province and its cities, counties and districts "
                   "(seoul, jeonnam, …).")
@click.option("--json", "as_json", is_flag=True, help="With --registry: a JSON list instead of lines.")
@database_url_option
def sources(verbose, runnable, registry, province, as_json, database_url):
    """List the sources, one per line: one per site profile, then the boards crawled with no
    profile (`bulletins crawl --url`) that have articles in the database.

    \b
    NAME                    a profile
    NAME<TAB>broken: WHY    a profile file that cannot be used: its crawl fails, the others work
    NAME<TAB>URL            a board crawled with no profile, and its listing URL

    With -v, each profile's line ends with how sure it is: "tested on a real page of DATE" (its
    tests read a real captured page of the board, whose newest article is of DATE), or "structure
    from public code (WHERE), not yet checked against the live site": crawl such a source with a
    one-month --since first and look at what it stored.

    Zero-config sources crawled before they were named by board too are named by their host
    alone (auto-www-example-go-kr) and shown with the site: `bulletins crawl --url LISTING_URL
    --name NAME` goes on with such a source. With --runnable, broken profiles stay listed, so
    that a nightly run of every source reports them.

    With --registry, one line per local government (17 provinces, 226 cities, counties and
    districts), tab-separated:

    \b
    CODE  NAME  LEVEL  PROVINCE  HOW-CRAWLABLE  HOW-SURE

    PROVINCE is "-" on a province's own line. HOW-CRAWLABLE, best first: "crawlable: bulletins crawl NAME" (a profile), "crawlable with the
    FAMILY family: bulletins crawl FAMILY --base-url URL", "zero-config: bulletins crawl --url URL"
    (a known press board), "find the board: bulletins discover HOME_URL" (a home page only), or
    "unknown". HOW-SURE is the profile's mark (as with -v) or the public source of the URL. A
    summary line goes to stderr. The registry is scraper/extract/profiles/registry.csv, or the file
    $BULLETINS_REGISTRY names.
    """
    if registry:
        if verbose or runnable:
            fail("--registry lists governments: -v and --runnable are for the profile list")
        _registry(province, as_json)
        return
    if province or as_json:
        fail(f"{'--province' if province else '--json'} goes with --registry")
    settings = make_settings()
    working, broken = source_classes(settings), broken_profiles(settings)
    lines = []
    for name in sorted({*working, *broken}):
        if name in broken:
            problem = str(broken[name])
            lines.append(name if runnable else
                         f"{name}\t(broken)\t{problem}" if verbose else f"{name}\tbroken: {problem}")
            continue
        site = working[name].default_base_url
        if runnable and not site:
            continue
        profile = getattr(working[name], "profile", None)
        mark = f"\t{profile.checked.mark()}" if profile is not None else ""
        lines.append(f"{name}\t{site or '(board family: give --base-url)'}\t{working[name].description}{mark}"
                     if verbose else name)
    if not runnable:
        for found in zero_config_sources(database_url, {*working, *broken}):
            if not verbose:
                lines.append(f"{found.name}\t{found.url or '-'}")
                continue
            what = (f"no profile (zero-config), {found.articles} articles" if found.by_board else
                    f"no profile (zero-config), {found.articles} articles, named by its host alone: "
                    f"`bulletins crawl --url LISTING_URL --name {found.name}` goes on with it")
            lines.append(f"{found.name}\t{found.url or '-'}\t{what}")
    for line in lines:
        click.echo(printable(line))


def _registry(province: str | None, as_json: bool) -> None:
    try:
        governments = load_registry()
    except RegistryError as exc:
        fail(f"{exc} (the registry file; {REGISTRY_ENV} names another)")
    if province:
        provinces = sorted(g.code for g in governments if g.level == "province")
        if province not in provinces:
            fail(f"unknown province {province!r} (one of: {', '.join(provinces)})")
        governments = [g for g in governments if province in (g.code, g.province)]
    settings = make_settings()
    working, broken = source_classes(settings), broken_profiles(settings)
    profiles = {name: getattr(cls, "profile", None) for name, cls in working.items() if name not in broken}
    rows = [(gov, crawlability(gov, profiles, broken)) for gov in governments]
    if as_json:
        click.echo(json_text([{**gov.to_dict(), "crawl": crawl.to_dict()} for gov, crawl in rows], indent=2))
    else:
        for gov, crawl in rows:
            click.echo(printable("\t".join((gov.code, gov.name_ko, gov.level, gov.province or "-",
                                            crawl.how, crawl.sure or "-"))))
    click.echo(summary(rows, f" of {province}" if province else ""), err=True)
