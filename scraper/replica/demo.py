"""`bulletins demo`: the whole path on a fresh machine, against the bundled replica board."""

from __future__ import annotations

from contextlib import ExitStack

import click
from sqlalchemy import func
from sqlmodel import select

from storage.database.db import make_engine, session
from storage.database.models import Article

from scraper.replica import Board, ReplicaServer
from scraper.replica.sites import SiteServer, replica_names, site_for
from scraper.crawl.run import check_locations, make_settings, run_crawls

SOURCE = "gyeonggi-en"


def run_demo(*, articles: int, database: str | None, warcs: str | None, contact: str | None,
             log_level: str, regions: bool = True) -> int:
    """Crawl the Gyeonggi-do English replica board and, with `regions`, the replica of every other
    profile (provinces, counties and board families), side by side, into one database. Prints one
    line per source, and the whole summary of those that are not ok or left something out."""
    settings = make_settings(database=database, warcs=warcs, contact=contact, log_level=log_level)
    db_url, warc_folder = check_locations(settings)
    board = Board(articles=articles)
    with ExitStack() as servers:
        server = servers.enter_context(ReplicaServer(board))
        click.echo(f"replica board: {server.base_url}/blog/english-news/ ({len(board.articles)} articles)")
        jobs = [(SOURCE, {"base_url": server.base_url})]
        names = [name for name in replica_names() if name != SOURCE] if regions else []
        for name in names:
            site = servers.enter_context(SiteServer(site_for(name)))
            jobs.append((name, {"base_url": site.base_url}))
        if names:
            click.echo(f"replica boards of {len(names)} other profiles on 127.0.0.1 "
                       f"(python -m scraper.replica.sites NAME serves one)")
        outcomes = run_crawls(jobs, settings)
    width = max(len(o.source) for o in outcomes)
    for outcome in outcomes:
        click.echo(_short(outcome, width))
    for outcome in outcomes:
        if not outcome.ok or outcome.report.problems or outcome.report.failed_pages:
            click.echo(outcome.summary())
    click.echo(f"database: {db_url}")
    files = sum(len(o.stats.get("bulletins/warc_files", [])) for o in outcomes)
    click.echo(f"WARC files: {warc_folder}/ ({files} files; `bulletins archive list` lists them)")
    _show_rows(db_url, str(board.sample_id))
    return 0 if all(o.ok for o in outcomes) else 1


def _short(outcome, width: int) -> str:
    """One line of a source's run: `gyeongbuk  ok  25 articles read, 25 new, 0 updated; 40 exchanges`."""
    d = outcome.as_dict()
    line = (f"{outcome.source:<{width}}  {d['status']:<10}  {d['articles']} articles read, "
            f"{d['articles_new']} new, {d['articles_updated']} updated; {d['warc_records']} exchanges archived")
    left_out = len(d["incomplete_articles"]) + len(d["failed_pages"]) + len(d["failed_items"])
    return line + (f"; {left_out} to look at (below)" if left_out else "")


def _show_rows(db_url: str, sample_board_id: str) -> None:
    with session(make_engine(db_url)) as db:
        total = db.exec(select(func.count()).select_from(Article)).one()
        langs = db.exec(select(Article.language, func.count()).group_by(Article.language)).all()
        click.echo(f"articles in the database: {total} ("
                   + ", ".join(f"{lang or '?'}: {n}" for lang, n in sorted(langs, key=str)) + ")")
        rows = [db.exec(select(Article).where(Article.source == SOURCE,
                                              Article.board_id == sample_board_id)).first()]
        rows += db.exec(select(Article).where(Article.language == "ko")
                        .order_by(Article.published.desc()).limit(1)).all()
        rows += db.exec(select(Article).order_by(Article.published.desc()).limit(2)).all()
        click.echo("examples (id | published | issue | lang | views | author | title):")
        shown = set()
        for row in rows:
            if row is None or row.id in shown:
                continue
            shown.add(row.id)
            click.echo(f"  {row.id} | {row.published} | {row.issue_month or '-'} | {row.language} | "
                       f"{row.views} | {row.author} | {_cut(row.title, 70)}")


def _cut(text: str | None, width: int) -> str:
    if not text:
        return "-"
    return text if len(text) <= width else text[: width - 1] + "…"
