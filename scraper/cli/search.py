"""`bulletins search QUERY`: full-text search over the stored articles (storage.database.search)."""

from __future__ import annotations

import click

from storage.database.db import make_reader, session
from storage.database.search import SearchError, mark, parse_terms, search as run_search

from scraper.terminal import json_text, printable
from . import fail, main
from .options import (database_url_option, lang_option, limit_option, since_option, source_option,
                      until_option)


@main.command()
@click.argument("query")
@source_option("Only articles of this source.")
@since_option("Only articles published in or after this month.")
@until_option("Only articles published in or before this month.")
@lang_option
@limit_option
@click.option("--json", "as_json", is_flag=True, help="Machine output: a JSON array, one object per result.")
@database_url_option
def search(query, source, since, until, language, limit, as_json, database_url):
    """Search article titles and bodies for QUERY, best matches first.

    QUERY is one or more words; "double quotes" keep a phrase together. An article matches
    when it contains every word, as a substring and whatever the case: "협력" finds
    "국제협력네트워크", "cooperat" finds "Cooperation". Two-syllable Korean words work too.

    --since and --until filter on the published date (an undated article is then left
    out); --source and --lang on the article's source and language.

    Order: articles with more query words in the title first, then more occurrences in title
    and body, then newer. Each result shows source:board_id, date, language, score, the title
    and a snippet of the body with matches in [brackets], and the URL.

    --json prints a JSON array of objects with source, board_id, url, title, published,
    language, score and snippet (matches in [brackets]). Exits 2 on bad input (an empty query,
    a month not written YYYY-MM), with a one-line message.

    The database is opened read-only: read access is all it needs. Control characters and
    terminal escape sequences in the stored text are not printed (--json escapes them).
    """
    with session(make_reader(database_url)) as db:
        try:
            hits = run_search(db, query, source=source, since=since, until=until, language=language,
                              limit=limit)
        except SearchError as exc:
            fail(str(exc))
    if as_json:
        fields = ("source", "board_id", "url", "title", "published", "language", "score", "snippet")
        click.echo(json_text([{name: hit.as_dict()[name] for name in fields} for hit in hits], indent=2))
        return
    terms = parse_terms(query)  # the words to [mark]; the query was checked by the search
    for rank, hit in enumerate(hits, 1):
        published = hit.published.isoformat() if hit.published else "-"
        # titles and bodies are the boards' text: no escape sequence of theirs reaches the terminal
        click.echo(printable(f"{rank}. {hit.source}:{hit.board_id} · {published} · {hit.language or '-'} · "
                             f"score {hit.score}"))
        click.echo(printable(f"   {mark(hit.title or '-', terms)}"))
        if hit.snippet:
            click.echo(printable(f"   {hit.snippet}"))
        click.echo(printable(f"   {hit.url}"))
    click.echo(f"{len(hits)} result{'s' if len(hits) != 1 else ''}"
               + (f" (--limit {limit})" if len(hits) == limit else ""))
