"""The health of every source at a glance: its last crawl run, its newest article, its publishing
rhythm, and one verdict (`bulletins status`, the report's health section; the Datasette stored
query `source_health` in storage.presentation.datasette_config says the same in SQL).

Verdicts, the first that applies:

- `failed` first for a profile that is broken (its file cannot be used: no crawl of it runs);
- `never`: a known source (a profile the caller names, or one in the database) with no crawl run;
- `drift`: its last run failed with layout drift (`crawlrun.failure` starts with "layout drift:",
  as scraper/crawl/report.py words it);
- `failed`: its last run is not `ok` (failed, incomplete, or killed: a `running` row of this host
  whose process is gone);
- `stale`: its last run is ok, but its newest article is older than `stale_after` days before
  today: max(STALE_MIN_DAYS, STALE_FACTOR x the median gap between consecutive article dates over
  its newest RHYTHM_ARTICLES + 1 dated articles). A board that used to publish daily and has had
  nothing for weeks has usually moved. Not judged with fewer than two dated articles;
- `ok`.

A `running` row that may still run (another host's, or a live process of this one) is not the
last run: the newest finished run is judged, and the running one shown beside it.

Reads only, through an engine from storage.database.db.make_reader (SQLAlchemy Core: SQLite and
PostgreSQL alike). "Today" is the day in Korea, or the one given (BULLETINS_TODAY), so that
nothing here depends on the wall clock in tests.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from statistics import median

from sqlalchemy import func, select, union
from sqlalchemy.engine import Engine

from .models import Article, CrawlRun, Source, table_of
from storage.times import iso, utc
from .runs import process_alive

KOREA = timezone(timedelta(hours=9))
VERDICTS = ("ok", "failed", "drift", "stale", "never")
STALE_MIN_DAYS = 14
STALE_FACTOR = 5
RHYTHM_ARTICLES = 20  # gaps between the newest 21 dated articles
DRIFT_PREFIX = "layout drift:"
STALE_RULE = (
    f"stale: the last run is ok but the newest article is older than "
    f"max({STALE_MIN_DAYS} days, {STALE_FACTOR} x the median gap between consecutive "
    f"article dates over the newest {RHYTHM_ARTICLES + 1} dated articles)"
)


class BadToday(ValueError):
    """A time reference that is not a date YYYY-MM-DD."""


def korea_today(setting: str | None = None) -> date:
    """The day `setting` (YYYY-MM-DD) names, else $BULLETINS_TODAY, else today in Korea."""
    setting = setting or os.environ.get("BULLETINS_TODAY") or None
    if setting:
        try:
            return date.fromisoformat(str(setting).strip())
        except ValueError:
            raise BadToday(f"expected a date YYYY-MM-DD for today, got {setting!r}") from None
    return datetime.now(KOREA).date()


@dataclass
class LastRun:
    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str  # ok, incomplete, failed, killed (running: see SourceHealth)
    articles_new: int
    articles_updated: int
    failure: str | None
    failures: dict[str, int] = field(default_factory=dict)  # unfinished URLs by reason

    @property
    def duration(self) -> timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None

    @property
    def drift(self) -> str | None:
        """The layout-drift line the run failed with, or None."""
        return self.failure if self.failure and self.failure.startswith(DRIFT_PREFIX) else None


@dataclass
class SourceHealth:
    source: str
    verdict: str
    why: str  # one line: what the verdict rests on
    last_run: LastRun | None
    running_since: datetime | None  # a newer run still running (not judged)
    articles: int
    newest_article: date | None
    median_gap_days: float | None  # the board's usual gap between article dates
    days_since_newest: int | None
    stale_after_days: float | None  # the threshold of the stale rule

    def as_dict(self) -> dict:
        """JSON-ready: dates ISO 8601, times UTC with a Z, the duration in seconds."""
        run = self.last_run
        return {
            "source": self.source,
            "verdict": self.verdict,
            "why": self.why,
            "last_run": None
            if run is None
            else {
                "id": run.id,
                "started_at": iso(run.started_at),
                "finished_at": iso(run.finished_at),
                "duration_seconds": None if run.duration is None else round(run.duration.total_seconds(), 1),
                "status": run.status,
                "articles_new": run.articles_new,
                "articles_updated": run.articles_updated,
                "failures": run.failures,
                "drift": run.drift,
                "failure": run.failure,
            },
            "running_since": iso(self.running_since),
            "articles": self.articles,
            "newest_article": iso(self.newest_article),
            "median_gap_days": self.median_gap_days,
            "days_since_newest": self.days_since_newest,
            "stale_after_days": self.stale_after_days,
        }


def stale_after(median_gap: float | None) -> float | None:
    """Days without a new article after which a board counts as stale (None: not judged)."""
    if median_gap is None:
        return None
    return float(max(STALE_MIN_DAYS, STALE_FACTOR * median_gap))


def source_health(
    engine: Engine | None,
    known: Iterable[str] = (),
    today: date | None = None,
    host: str | None = None,
    broken: Mapping[str, str] | None = None,
) -> list[SourceHealth]:
    """The health of every source, by name: those `known` (the caller's profiles) and every one
    the database holds (runs, articles, the source table); `engine` None: no database yet. A
    source in `broken` (name -> why its profile cannot be used: no crawl of it can run) is
    `failed` whatever its runs say."""
    broken = dict(broken or {})
    today = today or korea_today()
    host = host or socket.gethostname()
    article, run, source = table_of(Article), table_of(CrawlRun), table_of(Source)
    if engine is None:  # no database yet: every source known has never run
        return [_flag_broken(_judge(name, [], [], 0, today, host), broken) for name in sorted({*known, *broken})]
    with engine.connect() as con:
        names = {
            *known,
            *broken,
            *con.execute(union(select(run.c.source), select(article.c.source), select(source.c.name))).scalars(),
        }
        counts: dict[str, int] = dict(
            con.execute(select(article.c.source, func.count()).group_by(article.c.source)).all()
        )
        out = []
        for name in sorted(names):
            runs = (
                con.execute(select(run).where(run.c.source == name).order_by(run.c.id.desc()).limit(50))
                .mappings()
                .all()
            )
            dates = [
                _day(d)
                for d in con.execute(
                    select(article.c.published)
                    .where(article.c.source == name, article.c.published.is_not(None))
                    .order_by(article.c.published.desc())
                    .limit(RHYTHM_ARTICLES + 1)
                ).scalars()
            ]
            out.append(_flag_broken(_judge(name, runs, dates, counts.get(name, 0), today, host), broken))
    return out


def _flag_broken(health: SourceHealth, broken: Mapping[str, str]) -> SourceHealth:
    if health.source in broken:
        health.verdict, health.why = "failed", f"profile broken: {broken[health.source]}"
    return health


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _last_run(rows, host: str) -> tuple[LastRun | None, datetime | None]:
    """The run to judge (newest first in `rows`) and the start of a newer one still running."""
    running_since = None
    for row in rows:
        status = row["status"]
        failure = row["failure"]
        if status == "running":
            gone = row["host"] is None or (
                row["host"] == host and row["pid"] is not None and not process_alive(row["pid"])
            )
            if not gone:
                running_since = running_since or utc(row["started_at"])
                continue
            status, failure = "killed", "killed: the crawl process ended before the run did"
        try:
            failures = json.loads(row["failures"]) if row["failures"] else {}
        except ValueError:
            failures = {}
        return LastRun(
            row["id"],
            utc(row["started_at"]),
            utc(row["finished_at"]) if row["finished_at"] else None,
            status,
            row["articles_new"],
            row["articles_updated"],
            failure,
            failures,
        ), running_since
    return None, running_since


def _judge(name, runs, dates: list[date], articles: int, today: date, host: str) -> SourceHealth:
    last, running_since = _last_run(runs, host)
    newest = dates[0] if dates else None
    gaps = [(a - b).days for a, b in zip(dates, dates[1:])]
    gap = float(median(gaps)) if gaps else None
    threshold = stale_after(gap)
    since = max(0, (today - newest).days) if newest else None
    if last is None:
        verdict = "never"
        why = (
            "crawl running, none finished yet"
            if running_since
            else f"no crawl run recorded ({articles} articles stored)"
            if articles
            else "never crawled"
        )
    elif last.drift:
        verdict, why = "drift", last.drift
    elif last.status != "ok":
        verdict, why = "failed", f"last run {last.status}" + (f": {last.failure}" if last.failure else "")
    elif threshold is not None and since is not None and since > threshold:
        verdict = "stale"
        why = f"newest article {since} days old; stale after {threshold:g} days (usual gap {gap:g} days)"
    else:
        verdict, why = "ok", "last run ok"
    return SourceHealth(name, verdict, why, last, running_since, articles, newest, gap, since, threshold)


def counts(health: list[SourceHealth]) -> dict[str, int]:
    """Sources per verdict, in VERDICTS order, verdicts with none left out."""
    found = {v: sum(1 for h in health if h.verdict == v) for v in VERDICTS}
    return {v: n for v, n in found.items() if n}


def summary_line(health: list[SourceHealth]) -> str:
    """`7 sources: 5 ok, 1 failed, 1 never`."""
    n = len(health)
    return f"{n} source{'' if n == 1 else 's'}: " + (
        ", ".join(f"{k} {v}" for v, k in counts(health).items()) or "none known"
    )


def duration_text(delta: timedelta | None) -> str:
    if delta is None:
        return "-"
    seconds = int(round(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def failures_text(run: LastRun | None) -> str:
    if run is None or not run.failures:
        return "-"
    return ", ".join(f"{reason}: {n}" for reason, n in run.failures.items())


def gap_text(gap: float | None) -> str:
    return "-" if gap is None else f"{gap:g}d"


def table_rows(health: list[SourceHealth]) -> list[list[str]]:
    """The status table as text cells, a header row first (the CLI and the report share it)."""
    rows = [["SOURCE", "VERDICT", "LAST RUN (UTC)", "TOOK", "STATUS", "NEW/UPD", "FAILURES", "NEWEST", "GAP", "WHY"]]
    for h in health:
        run = h.last_run
        rows.append(
            [
                h.source,
                h.verdict,
                run.started_at.strftime("%Y-%m-%d %H:%M") if run else "-",
                duration_text(run.duration) if run else "-",
                (run.status if run else "-") + (" (+running)" if h.running_since else ""),
                f"{run.articles_new}/{run.articles_updated}" if run else "-",
                failures_text(run),
                h.newest_article.isoformat() if h.newest_article else "-",
                gap_text(h.median_gap_days),
                h.why,
            ]
        )
    return rows


def as_json(shown: list[SourceHealth], today: date, judged: list[SourceHealth] | None = None) -> str:
    """One JSON object: the day judged on, sources per verdict (of all `judged`, default the
    `shown`), and the `shown` sources."""
    return json.dumps(
        {
            "today": today.isoformat(),
            "counts": counts(shown if judged is None else judged),
            "sources": [h.as_dict() for h in shown],
        },
        ensure_ascii=False,
        indent=1,
    )


__all__ = [
    "SourceHealth",
    "LastRun",
    "source_health",
    "korea_today",
    "BadToday",
    "VERDICTS",
    "STALE_RULE",
    "stale_after",
    "table_rows",
    "summary_line",
    "counts",
    "as_json",
]
