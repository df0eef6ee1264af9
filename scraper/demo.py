"""`bulletins demo`: the whole path on a fresh machine, against the bundled replica board."""

from __future__ import annotations

from contextlib import ExitStack

import click
from sqlalchemy import func
from sqlmodel import select

from storage.db import make_engine, session
from storage.models import Article

from .replica import Board, ReplicaServer
from .replica.sites import SITES, SiteServer, site_for
from .run import check_locations, make_settings, run_crawls

SOURCE = "gyeonggi-en"


def run_demo(*, articles: int, database: str | None, warcs: str | None, contact: str | None,
             log_level: str, regions: bool = True) -> int:
    """Crawl the Gyeonggi-do English replica board and, with `regions`, a replica of every other
    profiled board, side by side, into one database."""
    settings = make_settings(database=database, warcs=warcs, contact=contact, log_level=log_level)
    db_url, warc_folder = check_locations(settings)
    board = Board(articles=articles)
    with ExitStack() as servers:
        server = servers.enter_context(ReplicaServer(board))
        click.echo(f"replica board: {server.base_url}/blog/english-news/ ({len(board.articles)} articles)")
        jobs = [(SOURCE, {"base_url": server.base_url})]
        for name in sorted(SITES) if regions else []:
            site = servers.enter_context(SiteServer(site_for(name)))
            click.echo(f"replica board: {site.base_url}/ ({name}, {len(site.site.posts)} articles)")
            jobs.append((name, {"base_url": site.base_url}))
        outcomes = run_crawls(jobs, settings)
    for outcome in outcomes:
        click.echo(outcome.summary())
    click.echo(f"database: {db_url}")
    click.echo(f"WARC files: {warc_folder}/")
    for outcome in outcomes:
        for name in outcome.stats.get("bulletins/warc_files", []):
            click.echo(f"  {name}")
    _show_rows(db_url, str(board.sample_id))
    return 0 if all(o.ok for o in outcomes) else 1


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
