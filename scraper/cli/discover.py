"""`bulletins discover HOME_URL`: find a government's press-release board from its home page."""

from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit

import click

from scraper.crawl.discover import Discoverer, PoliteFetcher
from ..extract.probe import FetchError
from scraper.crawl.settings import user_agent
from . import fail, main
from .options import contact_option, timeout_option


@main.command()
@click.argument("home_url", metavar="HOME_URL")
@click.option("--json", "as_json", is_flag=True,
              help="Machine output: one JSON object (home, found, reason, menu_path, listing_url, rows, "
                   "pagination, family, draft_profile, candidates, sections_read, other_hosts).")
@click.option("--follow/--no-follow", default=True, show_default=True,
              help="Also fetch the board's first article to draft the [view] part of the profile.")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between two requests to the site (none on loopback).")
@timeout_option
@contact_option
def discover(home_url, as_json, follow, delay, timeout, contact):
    """Find the press-release board from a site's home page, probe it, draft a profile.

    Reads the menus of HOME_URL (after an entry page's meta refresh or script redirect; nested
    and hidden mega-menus, javascript links such as goMenu('…') or location.href='…') for a link named 보도자료, 보도자료실, 언론보도, 보도·해명자료,
    Press Releases... (News last); when the home page names none, reads the sitemap page and the
    section pages (알림, 소식, 뉴스...) one level down. The best links are probed as `bulletins
    probe` does, and the first that reads as a board listing with rows is the board: printed
    with the menu path followed, its rows and pagination, its board family when a template
    profile reads it (with the crawl command) and a draft profile.

    Only the home page's host (and its www. twin) is visited; robots.txt is obeyed. Exits 0
    when a board was found, 1 when none was (with the reason), 2 on a bad URL.
    """
    parts = urlsplit(home_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        fail(f"HOME_URL must be an http(s) URL of a site, such as https://www.example.go.kr/ (got {home_url!r})")
    fetcher = PoliteFetcher(user_agent=user_agent(contact or ""), timeout=timeout, delay=delay)
    try:
        result = Discoverer(fetcher, follow=follow).discover(home_url)
    except FetchError as exc:
        click.echo(f"bulletins: error: cannot fetch {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(report_lines(result)))
    if not result.found:
        click.echo(f"bulletins: {result.reason}", err=True)
        sys.exit(1)


def report_lines(result) -> list[str]:
    lines = [f"home     {result.home}" + (f"  (from {result.entry})" if result.entry != result.home else "")]
    for section in result.visited:
        lines.append(f"read     {' > '.join(section.path)}  {section.url}  ({section.verdict})")
    for link in result.candidates:
        if link is result.chosen or not link.verdict:
            continue
        lines.append(f"tried    {' > '.join(link.path)}  {link.url}  ({link.verdict})")
    for link in result.elsewhere:
        lines.append(f"skipped  {' > '.join(link.path)}  {link.url}  (another host)")
    if not result.found:
        return lines + ["", f"not found: {result.reason}"]
    listing = result.listing
    p = listing.pagination
    lines += [f"menu     {' > '.join(result.chosen.path)}",
              f"listing  {listing.url}",
              f"rows     {result.rows}" + (f" (and {result.notices} pinned notices)" if result.notices else ""),
              f"pagination: {p.mechanism or 'none'}" + (f" ({p.param})" if p.param else "")
              + (f"    [rule: {p.rule}]" if p.rule else ""),
              f"  {p.description}"]
    if result.family:
        lines.append(f"family: {result.family.name} ({result.family.command})")
    else:
        lines.append("family: not recognised")
    if result.note:
        lines += ["", result.note]
    lines += ["", "draft profile (save it as a .toml file and check every selector):", ""]
    lines += [f"  {line}" if line else "" for line in result.draft.split("\n")]
    return lines
