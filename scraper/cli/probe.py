"""`bulletins probe URL`: what the zero-config extractor reads on one page, rule by rule."""

from __future__ import annotations

import json
import sys

import click

from ..extract import extract_article, extract_listing, guess_kind, parse
from ..extract.probe import FetchError, draft_profile, fetch
from scraper.crawl.settings import user_agent
from . import main
from .options import contact_option, timeout_option

FIELDS = (("title", "title"), ("date", "published"), ("author", "author"), ("department", "department"),
          ("views", "views"))


@main.command()
@click.argument("url")
@click.option("--json", "as_json", is_flag=True,
              help="Machine output: one JSON object (article: title, date, author, views, body, "
                   "attachments, rules; listing: kind, links, pagination, draft_profile).")
@click.option("--kind", type=click.Choice(["auto", "article", "listing"]), default="auto", show_default=True,
              help="Read the page as this kind instead of guessing.")
@click.option("--follow/--no-follow", default=True, show_default=True,
              help="For a listing, also fetch its first article to draft the [view] part of the profile.")
@click.option("--base-url", default=None,
              help="For a local file: the URL it was saved from, so its links resolve to the site.")
@timeout_option
@contact_option
def probe(url, as_json, kind, follow, base_url, timeout, contact):
    """Read one page with no profile: each field and the rule that found it.

    Fetches URL (http(s), file:// or a local file), decides whether it is a listing or an
    article, and prints what the zero-config extractor finds, field by field with the rule used.

    For a listing: the article links, the pagination mechanism with the rule that found it
    (pager-links, next-link, or a script-built pager: script-function, script-field,
    form-field) and a draft profile (TOML) to save and check. Exits 1 when the page cannot be
    fetched.
    """
    agent = user_agent(contact or "")
    try:
        page = fetch(url, user_agent=agent, timeout=timeout, base_url=base_url)
    except FetchError as exc:
        click.echo(f"bulletins: error: cannot fetch {exc}", err=True)
        sys.exit(1)
    doc = parse(page.body, page.url, page.encoding)
    if kind == "auto":
        kind = guess_kind(doc, page.url)
    if kind == "article":
        extraction = extract_article(doc, page.url)
        if as_json:
            click.echo(json.dumps(extraction.as_json(), ensure_ascii=False, indent=2))
        else:
            click.echo("\n".join(article_lines(page.url, extraction)))
        return
    guess = extract_listing(doc, page.url)
    view, note = None, None
    first = next((link.url for link in guess.links if link.url and not link.notice), None) \
        or next((link.url for link in guess.links if link.url), None)
    if follow and first:
        try:
            article = fetch(first, user_agent=agent, timeout=timeout)
            view = extract_article(article.body, article.url, encoding=article.encoding)
        except FetchError as exc:
            note = f"could not fetch the first article for [view]: {exc}"
    profile = draft_profile(guess, view, source_url=page.url)
    if as_json:
        data = guess.as_json()
        click.echo(json.dumps({"kind": "listing", "links": data["links"], "pagination": data["pagination"],
                               "draft_profile": profile}, ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(listing_lines(guess, profile, note)))


def article_lines(url: str, e) -> list[str]:
    lines = [f"article  {url}", ""]
    for label, name in FIELDS:
        value = getattr(e, name)
        if name == "published" and value is not None:
            value = e.published_at.strftime("%Y-%m-%d %H:%M:%S KST") if e.published_at else value.isoformat()
        rule = e.rules.get(label, "-")
        lines.append(f"{label:<12} {'-' if value in (None, '') else value}    [{rule}]")
    lines.append(f"{'attachments':<12} {len(e.attachments)}    [{e.rules.get('attachments', '-')}]")
    lines += [f"  {a.name}  {a.url}" for a in e.attachments]
    body = e.body_text or ""
    lines.append(f"{'body':<12} {len(body)} characters    [{e.rules.get('body', '-')}]")
    preview = body[:400] + ("…" if len(body) > 400 else "")
    lines += [f"  {line}" for line in preview.split("\n") if line.strip()]
    return lines


def listing_lines(guess, profile: str, note: str | None) -> list[str]:
    lines = [f"listing  {guess.url}", "", f"article links ({len(guess.links)}):"]
    for link in guess.links:
        flags = " [notice]" if link.notice else ""
        when = link.date.isoformat() if link.date else "-"
        lines.append(f"  {link.board_id or '-'}  {when}{flags}  {link.title or '-'}")
        lines.append(f"      {link.url or link.onclick}")
    p = guess.pagination
    lines += ["", f"pagination: {p.mechanism or 'none'}" + (f" ({p.param})" if p.param else "")
              + (f"    [rule: {p.rule}]" if p.rule else ""), f"  {p.description}"]
    if p.next_request:
        lines.append(f"  next request: {p.next_request['method']} {p.next_request['url']} "
                     f"{json.dumps(p.next_request['data'], ensure_ascii=False)}")
    if note:
        lines += ["", note]
    lines += ["", "draft profile (save it as a .toml file and check every selector):", ""]
    lines += [f"  {line}" if line else "" for line in profile.split("\n")]
    return lines
