"""Datasette over the SQLite database: the metadata (`bulletins serve` writes it to a temporary
file), stored queries researchers start from, and a facet by month for date columns.

Column descriptions of `article` come from storage.database.export.EXPORT_COLUMNS, the data dictionary's
source of truth; other columns from the models' field descriptions and `COLUMN_NOTES`. The
metadata is made for the database as it is: full-text search and hidden tables only for the
tables the file holds. This module imports Datasette only inside `month_facet_class()`.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

from storage.database.export import EXPORT_COLUMNS
from storage.database.models import TABLE_MODELS
from storage.database.health import DRIFT_PREFIX, RHYTHM_ARTICLES, STALE_FACTOR, STALE_MIN_DAYS

SERVE_EXTRA = "serve"
FTS_TABLE = "article_fts"
TITLE = "Regional-government press bulletins"
DESCRIPTION = (
    "Articles archived by bulletin-archiver: one row per article in `article`, its view "
    "counts over time in `viewobservation`, its attachments and WARC captures. Column "
    "meanings: docs/data-dictionary.md. Dates are ISO 8601, times UTC."
)

# One or two sentences per table, for researchers (docs/data-dictionary.md says more).
TABLE_DESCRIPTIONS = {
    "article": "One row per bulletin article as last seen: title, bulletin issue month, author, "
    "publication date, views, body, language, and the WARC record it was parsed from. "
    "Unique on (source, board_id).",
    "attachment": "Files attached to articles: name, URL, size in bytes (as downloaded, else as "
    "printed) and content type.",
    "viewobservation": "View counts over time: one row per article per crawl (time in UTC), so each "
    "article's counter forms a series.",
    "capture": "Every WARC response record an article was parsed from (one per article per crawl), "
    "with its capture time in UTC.",
    "crawlrun": "One row per crawl of a source: start and end (UTC), status (ok, incomplete, failed, "
    "killed), whether the listing walk was complete, counts of pages and articles, "
    "unfinished URLs by reason, WARC files written and their package.",
    "unfinished": "URLs a crawl could not archive and store, with the reason and the number of "
    "attempts; the next crawl of the source fetches them again. Archive bookkeeping.",
    "payloaddigest": "Where each attachment payload was first archived (payload digest, WARC file, "
    "offset): the index behind WARC revisit records. Archive bookkeeping.",
    "source": "The crawled boards: `name` is `article.source`; first and last crawl (UTC).",
    "bulletin": "Monthly bulletin issues of a source (`month` as YYYY-MM: the issue month, else "
    "the month of publication); `article.bulletin_id` points here.",
    "articlerevision": "Each distinct version of an article's title and body seen over time (by "
    "content hash), with when it was first and last seen and its WARC record.",
    FTS_TABLE: "Full-text index (SQLite FTS5, trigram tokenizer) over article title and body_text, "
    "kept up to date at each commit; searched by the article table's search box (terms of "
    "three characters or more).",
    "alembic_version": "The database schema's version (Alembic). Internal.",
}

# Columns whose meaning the models do not spell out.
COLUMN_NOTES = {
    ("article", "body_html"): "Article body as sanitized HTML.",
    ("article", "bulletin_id"): "The monthly bulletin issue (bulletin.id) the article belongs to.",
    ("attachment", "article_id"): "The article (article.id).",
    ("attachment", "name"): "File name as shown on the page (or sent by the server).",
    ("attachment", "url"): "Download URL.",
    ("attachment", "content_type"): "MIME type as served, e.g. application/pdf.",
    ("viewobservation", "article_id"): "The article (article.id).",
    ("viewobservation", "observed_at"): "When the count was read (UTC).",
    ("viewobservation", "views"): "The site's view counter at that time.",
    ("capture", "article_id"): "The article (article.id).",
    ("capture", "url"): "URL of the captured page.",
    ("capture", "warc_file"): "WARC file holding the response record.",
    ("capture", "warc_offset"): "Byte offset of the record in the WARC file.",
    ("capture", "warc_record_id"): "WARC-Record-ID of the response record.",
    ("capture", "captured_at"): "When the page was fetched (UTC, the record's WARC-Date).",
    ("crawlrun", "started_at"): "Start of the crawl (UTC).",
    ("crawlrun", "finished_at"): "End of the crawl (UTC); empty while running or when killed.",
    ("crawlrun", "failure"): "Why the crawl failed, one line.",
}

# Stored queries (Datasette "canned queries"), SQLite SQL.
QUERIES = {
    "articles_per_month": {
        "title": "Articles per month per source",
        "description": "Articles by month of publication (published, YYYY-MM) and source; "
        "articles without a date are left out.",
        "sql": (
            "select source, substr(published, 1, 7) as month, count(*) as articles\n"
            "from article\nwhere published is not null\n"
            "group by source, month\norder by month, source"
        ),
    },
    "most_viewed": {
        "title": "Most viewed articles",
        "description": "The 100 articles with the highest view count when last seen.",
        "sql": (
            "select id, source, published, views, language, title\nfrom article\n"
            "where views is not null\norder by views desc, id\nlimit 100"
        ),
    },
    "source_health": {
        "title": "Source health",
        "description": "Each source's last finished crawl run, newest article, usual gap between "
        "article dates (the median over its newest "
        f"{RHYTHM_ARTICLES + 1} dated articles) and a verdict, as `bulletins "
        "status` judges them: never (no run), drift (the last run failed with layout "
        "drift), failed (the last run is not ok), stale (the newest article is older "
        f"than max({STALE_MIN_DAYS} days, {STALE_FACTOR} x the usual gap)), ok. "
        "today: YYYY-MM-DD, empty for today in Korea. Sources known only as profiles "
        "(never crawled) are not in the database; `bulletins status` lists them too.",
        "sql": f"""with names as (
  select source from crawlrun union select source from article union select name from source
), runs as (
  select r.*, row_number() over (partition by r.source order by r.id desc) as k
  from crawlrun r where r.status != 'running'
), last_run as (
  select * from runs where k = 1
), running as (
  select r.source, max(r.started_at) as running_since from crawlrun r
  where r.status = 'running' and r.id > coalesce((select l.id from last_run l where l.source = r.source), 0)
  group by r.source
), dated as (
  select source, published, row_number() over (partition by source order by published desc) as k
  from article where published is not null
), recent as (
  select * from dated where k <= {RHYTHM_ARTICLES + 1}
), gaps as (
  select a.source, julianday(a.published) - julianday(b.published) as gap
  from recent a join recent b on b.source = a.source and b.k = a.k + 1
), ordered as (
  select source, gap, row_number() over (partition by source order by gap) as i,
         count(*) over (partition by source) as n
  from gaps
), rhythm as (
  select source, avg(gap) as median_gap_days from ordered
  where i in ((n + 1) / 2, (n + 2) / 2) group by source
), newest as (
  select source, count(*) as articles, max(published) as newest_article from article group by source
), judged as (
  select n.source, l.id as run_id, l.started_at, l.finished_at,
    round((julianday(l.finished_at) - julianday(l.started_at)) * 86400, 1) as duration_seconds,
    l.status, l.articles_new, l.articles_updated, l.failures, l.failure, g.running_since,
    coalesce(a.articles, 0) as articles, a.newest_article, r.median_gap_days,
    max(0, cast(julianday(coalesce(nullif(:today, ''), date('now', '+9 hours')))
                - julianday(a.newest_article) as integer)) as days_since_newest,
    max({STALE_MIN_DAYS}, {STALE_FACTOR} * r.median_gap_days) as stale_after_days
  from names n
  left join last_run l on l.source = n.source
  left join running g on g.source = n.source
  left join newest a on a.source = n.source
  left join rhythm r on r.source = n.source
)
select source,
  case
    when run_id is null then 'never'
    when substr(failure, 1, {len(DRIFT_PREFIX)}) = '{DRIFT_PREFIX}' then 'drift'
    when status != 'ok' then 'failed'
    when stale_after_days is not null and days_since_newest > stale_after_days then 'stale'
    else 'ok'
  end as verdict,
  started_at, duration_seconds, status, articles_new, articles_updated, failures, failure,
  running_since, articles, newest_article, median_gap_days, days_since_newest, stale_after_days
from judged
order by source""",
    },
    "fastest_growing": {
        "title": "Fastest-growing view counts",
        "description": "Views gained per day between an article's first and last view observation "
        "(articles observed at two different times at least), fastest first.",
        "sql": """with bounds as (
  select article_id, min(observed_at) as first_observed, max(observed_at) as last_observed,
         count(*) as observations
  from viewobservation
  group by article_id
  having max(observed_at) > min(observed_at)
), ends as (
  select b.*,
    (select o.views from viewobservation o where o.article_id = b.article_id
       and o.observed_at = b.first_observed order by o.id limit 1) as first_views,
    (select o.views from viewobservation o where o.article_id = b.article_id
       and o.observed_at = b.last_observed order by o.id desc limit 1) as last_views
  from bounds b
)
select a.id, a.source, a.title, e.first_observed, e.last_observed, e.observations,
  e.first_views, e.last_views, e.last_views - e.first_views as views_gained,
  round((e.last_views - e.first_views)
        / (julianday(e.last_observed) - julianday(e.first_observed)), 2) as views_per_day
from ends e join article a on a.id = e.article_id
order by views_per_day desc, a.id
limit 100""",
    },
}

ARTICLE_FACETS = ["source", "language", "issue_month", {"month": "published"}]

# Datasette settings: the stored queries and facets scan whole tables of a large archive.
SETTINGS = {"sql_time_limit_ms": 20000, "facet_time_limit_ms": 5000}

# The file `bulletins serve` puts in Datasette's --plugins-dir to register the month facet.
PLUGIN_SOURCE = '''"""bulletin-archiver: a facet by month (YYYY-MM) of a date column."""
from datasette import hookimpl

from storage.presentation.datasette_config import month_facet_class


@hookimpl
def register_facet_classes():
    return [month_facet_class()]
'''


def database_name(path: Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return Path(path).stem


def sqlite_tables(path: Path) -> list[str]:
    """Tables and views in the SQLite file, read-only (sqlite3.DatabaseError if it is none)."""
    con = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        return [
            name
            for (name,) in con.execute("select name from sqlite_master where type in ('table', 'view') order by name")
        ]
    finally:
        con.close()


def _model_descriptions() -> dict[str, tuple[str | None, dict[str, str]]]:
    """Table name -> (first docstring line, {column: field description}) of each model."""
    out = {}
    for cls in TABLE_MODELS:
        table = getattr(cls, "__tablename__", None)
        if not isinstance(table, str):
            continue
        doc = (cls.__doc__ or "").strip().split("\n")[0] or None
        fields = {name: info.description for name, info in getattr(cls, "model_fields", {}).items() if info.description}
        out[table] = (doc, fields)
    return out


def column_descriptions(table: str, columns: list[str]) -> dict[str, str]:
    exported = {c.name: c.meaning for c in EXPORT_COLUMNS} if table == "article" else {}
    _, fields = _model_descriptions().get(table, (None, {}))
    out = {}
    for name in columns:
        text = exported.get(name) or COLUMN_NOTES.get((table, name)) or fields.get(name)
        if text:
            out[name] = text
    return out


def table_description(table: str) -> str | None:
    return TABLE_DESCRIPTIONS.get(table) or _model_descriptions().get(table, (None, {}))[0]


def datasette_metadata(path: Path) -> dict:
    """Datasette (0.65) metadata for the bulletin database in the SQLite file `path`."""
    tables = sqlite_tables(path)
    con = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        columns = {t: [row[1] for row in con.execute(f'pragma table_info("{t}")')] for t in tables}
    finally:
        con.close()
    config: dict[str, dict] = {}
    for table in tables:
        entry: dict = {}
        description = table_description(table)
        if description:
            entry["description"] = description
        described = column_descriptions(table, columns[table])
        if described:
            entry["columns"] = described
        if table == "alembic_version" or table == FTS_TABLE or table.startswith(FTS_TABLE + "_"):
            entry["hidden"] = True
        config[table] = entry
    if "article" in config:
        article = config["article"]
        article.update(facets=ARTICLE_FACETS, sort_desc="published", label_column="title")
        if FTS_TABLE in tables:
            article.update(fts_table=FTS_TABLE, fts_pk="id")
    if "viewobservation" in config:
        config["viewobservation"].update(sort_desc="observed_at")
    if "crawlrun" in config:
        config["crawlrun"].update(sort_desc="started_at", facets=["source", "status"])
    if "attachment" in config:
        config["attachment"].update(facets=["content_type"])
    queries = QUERIES if {"article", "viewobservation"} <= set(tables) else {}
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "databases": {database_name(path): {"tables": config, "queries": queries}},
    }


@cache
def month_facet_class():
    """A Datasette facet class, type "month": counts by YYYY-MM of a date column
    (`{"month": "published"}` in metadata, `?_facet_month=published` in a URL), newest month
    first; a month links to `?published__startswith=YYYY-MM`."""
    from datasette.database import QueryInterrupted
    from datasette.facets import Facet
    from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

    class MonthFacet(Facet):
        type = "month"

        async def facet_results(self):
            results, timed_out = [], []
            args = dict(self.get_querystring_pairs())
            size = self.get_facet_size()
            for source_and_config in self.get_configs():
                config = source_and_config["config"]
                column = config.get("column") or config["simple"]
                col = escape_sqlite(column)
                sql = (
                    f"select substr({col}, 1, 7) as value, count(*) as count from ({self.sql}) "
                    f"where {col} glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]*' "
                    f"group by value order by value desc limit {size + 1}"
                )
                try:
                    rows = await self.ds.execute(
                        self.database,
                        sql,
                        self.params,
                        truncate=False,
                        custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                    )
                except QueryInterrupted:
                    timed_out.append(column)
                    continue
                key = f"{column}__startswith"
                values = []
                for row in rows.rows[:size]:
                    selected = args.get(key) == row["value"]
                    toggle = (
                        path_with_removed_args(self.request, {key: row["value"]})
                        if selected
                        else path_with_added_args(self.request, {key: row["value"]})
                    )
                    values.append(
                        {
                            "value": row["value"],
                            "label": row["value"],
                            "count": row["count"],
                            "toggle_url": self.ds.absolute_url(self.request, toggle),
                            "selected": selected,
                        }
                    )
                results.append(
                    {
                        "name": column,
                        "type": self.type,
                        "results": values,
                        "hideable": source_and_config["source"] != "metadata",
                        "toggle_url": path_with_removed_args(self.request, {"_facet_month": column}),
                        "truncated": len(rows.rows) > size,
                    }
                )
            return results, timed_out

    return MonthFacet
