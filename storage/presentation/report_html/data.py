"""What the report shows, read from the database (SQLAlchemy Core: SQLite and PostgreSQL alike)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import extract, func, select
from sqlalchemy.engine import Connection, Engine

from storage.database.health import KOREA, SourceHealth, korea_today, source_health
from storage.database.models import Article, Attachment, ViewObservation, table_of
from storage.webarchive.provenance import utc

TOP_ARTICLES = 10


@dataclass
class SeriesArticle:
    id: int
    source: str
    title: str
    views: int
    points: list[tuple[datetime, int]] = field(default_factory=list)  # observed_at (UTC), views


@dataclass
class SourceSummary:
    source: str
    articles: int = 0
    dated: int = 0
    first_published: date | None = None
    last_published: date | None = None
    views: int = 0
    attachments: int = 0
    languages: dict[str, int] = field(default_factory=dict)


@dataclass
class ReportData:
    database: str
    source: str | None
    generated_at: datetime
    monthly: dict[str, dict[str, int]]  # source -> YYYY-MM -> articles
    languages: dict[str, dict[str, int]]  # source -> language -> articles
    top: list[SeriesArticle]
    summary: list[SourceSummary]
    health: list[SourceHealth] = field(default_factory=list)
    today: date | None = None  # the day the health verdicts are judged on

    @property
    def sources(self) -> list[str]:
        return [s.source for s in self.summary]

    @property
    def months(self) -> list[str]:
        """Every month from the first to the last with a dated article, gaps included."""
        found = sorted({m for per in self.monthly.values() for m in per})
        if not found:
            return []
        year, month = map(int, found[0].split("-"))
        out = []
        while True:
            out.append(f"{year:04d}-{month:02d}")
            if out[-1] >= found[-1]:
                return out
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def collect(
    engine: Engine, source: str | None = None, now: datetime | None = None, known: tuple[str, ...] = ()
) -> ReportData:
    """What the report shows. `now` (default: the clock) dates the report and, as a day in Korea,
    is the day health is judged on (default: BULLETINS_TODAY, else today in Korea); `known`:
    source names to show in the health table even when the database holds nothing of them."""
    article = table_of(Article)
    attachment = table_of(Attachment)
    observation = table_of(ViewObservation)

    def scoped(stmt):
        return stmt.where(article.c.source == source) if source else stmt

    with engine.connect() as con:
        year, month = extract("year", article.c.published), extract("month", article.c.published)
        monthly: dict[str, dict[str, int]] = defaultdict(dict)
        for src, y, m, count in con.execute(
            scoped(
                select(article.c.source, year, month, func.count())
                .where(article.c.published.is_not(None))
                .group_by(article.c.source, year, month)
            )
        ):
            monthly[src][f"{int(y):04d}-{int(m):02d}"] = count

        language = func.coalesce(article.c.language, "unknown")
        languages: dict[str, dict[str, int]] = defaultdict(dict)
        for src, lang, count in con.execute(
            scoped(select(article.c.source, language, func.count()).group_by(article.c.source, language))
        ):
            languages[src][lang] = count

        summary = _summaries(con, scoped, article, attachment, languages)
        top = _top_series(con, scoped, article, observation)
    today = utc(now).astimezone(KOREA).date() if now else korea_today()
    health = [h for h in source_health(engine, () if source else known, today) if source is None or h.source == source]
    return ReportData(
        database=engine.url.render_as_string(hide_password=True),
        source=source,
        generated_at=utc(now or datetime.now(UTC)),
        monthly=dict(monthly),
        languages=dict(languages),
        top=top,
        summary=summary,
        health=health,
        today=today,
    )


def _summaries(con: Connection, scoped, article, attachment, languages) -> list[SourceSummary]:
    rows = con.execute(
        scoped(
            select(
                article.c.source,
                func.count(),
                func.count(article.c.published),
                func.min(article.c.published),
                func.max(article.c.published),
                func.coalesce(func.sum(article.c.views), 0),
            )
            .group_by(article.c.source)
            .order_by(article.c.source)
        )
    )
    out = {
        src: SourceSummary(
            src,
            n,
            dated,
            _day(first),
            _day(last),
            int(views),
            languages=dict(sorted(languages.get(src, {}).items(), key=lambda kv: (-kv[1], kv[0]))),
        )
        for src, n, dated, first, last, views in rows
    }
    for src, count in con.execute(
        scoped(
            select(article.c.source, func.count(attachment.c.id))
            .select_from(article.join(attachment, attachment.c.article_id == article.c.id))
            .group_by(article.c.source)
        )
    ):
        out[src].attachments = count
    return list(out.values())


def _top_series(con: Connection, scoped, article, observation) -> list[SeriesArticle]:
    top = [
        SeriesArticle(id_, src, title or "(no title)", views)
        for id_, src, title, views in con.execute(
            scoped(
                select(article.c.id, article.c.source, article.c.title, article.c.views)
                .where(article.c.views.is_not(None))
                .order_by(article.c.views.desc(), article.c.id)
                .limit(TOP_ARTICLES)
            )
        )
    ]
    by_id = {a.id: a for a in top}
    if by_id:
        for article_id, observed_at, views in con.execute(
            select(observation.c.article_id, observation.c.observed_at, observation.c.views)
            .where(observation.c.article_id.in_(list(by_id)))
            .order_by(observation.c.article_id, observation.c.observed_at, observation.c.id)
        ):
            by_id[article_id].points.append((utc(observed_at), views))
    return top
