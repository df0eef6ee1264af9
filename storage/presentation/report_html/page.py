"""The report as one HTML page: the summary and health tables, the style sheet, the charts in
place; and writing it to a file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from storage.database.health import STALE_RULE, summary_line, table_rows

from .charts import _e, growth_chart, language_chart, monthly_chart
from .data import TOP_ARTICLES, ReportData, SourceSummary, collect


def summary_table(data: ReportData) -> str:
    """One row per source, then a total row when there are several."""
    rows = [(s, False) for s in data.summary]
    if len(rows) > 1:
        total = SourceSummary("all sources")
        languages: dict[str, int] = {}
        for s in data.summary:
            total.articles += s.articles
            total.dated += s.dated
            total.views += s.views
            total.attachments += s.attachments
            for lang, n in s.languages.items():
                languages[lang] = languages.get(lang, 0) + n
        total.languages = dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])))
        firsts = [s.first_published for s in data.summary if s.first_published]
        lasts = [s.last_published for s in data.summary if s.last_published]
        total.first_published = min(firsts) if firsts else None
        total.last_published = max(lasts) if lasts else None
        rows.append((total, True))
    head = (
        "<tr><th>source</th><th>articles</th><th>dated</th><th>first published</th>"
        "<th>last published</th><th>languages</th><th>views (sum)</th><th>attachments</th></tr>"
    )
    body = []
    for s, is_total in rows:
        langs = ", ".join(f"{lang} {n:,}" for lang, n in s.languages.items())
        attributes = ' class="total"' if is_total else f' data-source="{_e(s.source)}"'
        body.append(
            f'<tr{attributes}><td>{_e(s.source)}</td><td class="num">{s.articles:,}</td>'
            f'<td class="num">{s.dated:,}</td><td>{s.first_published or "–"}</td>'
            f"<td>{s.last_published or '–'}</td><td>{_e(langs)}</td>"
            f'<td class="num">{s.views:,}</td><td class="num">{s.attachments:,}</td></tr>'
        )
    return f'<table class="summary"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'


def health_table(data: ReportData) -> str:
    """One row per source: its verdict, last run, newest article and usual gap (as `bulletins
    status` prints them), problems first."""
    if not data.health:
        return '<p class="empty">No source known.</p>'
    order = {"drift": 0, "failed": 1, "stale": 2, "never": 3, "ok": 4}
    ranked = sorted(data.health, key=lambda h: (order.get(h.verdict, 5), h.source))
    header, *rows = table_rows(ranked)
    head = "<tr>" + "".join(f"<th>{_e(cell.lower())}</th>" for cell in header) + "</tr>"
    body = []
    for h, cells in zip(ranked, rows):
        tds = "".join(
            f'<td class="verdict {_e(h.verdict)}">{_e(c)}</td>' if i == 1 else f"<td>{_e(c)}</td>"
            for i, c in enumerate(cells)
        )
        body.append(f'<tr data-source="{_e(h.source)}" data-verdict="{_e(h.verdict)}">{tds}</tr>')
    note = (
        f'<p class="note">{_e(summary_line(data.health))}, judged on {data.today}. '
        f"Verdicts: ok; failed (the last run is not ok); drift (the last run found layout "
        f"drift); {_e(STALE_RULE)}; never (no crawl run recorded).</p>"
    )
    return f'<table class="health"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>{note}'


STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans KR", "Noto Sans CJK KR",
       "Malgun Gothic", "Apple SD Gothic Neo", "NanumGothic", sans-serif; color: #222;
       background: #fff; margin: 0 auto; max-width: 1000px; padding: 24px; line-height: 1.45; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta, .muted, .note { color: #666; font-size: 0.9em; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
svg .grid { stroke: #e5e5e5; stroke-width: 1; }
svg .baseline, svg .tick-mark { stroke: #444; stroke-width: 1; }
svg .tick { fill: #444; }
svg .axis-label { fill: #222; font-size: 13px; }
svg .row-label { fill: #222; font-size: 13px; }
svg .segment-label { fill: #fff; font-size: 12px; font-weight: 600; }
svg .line { stroke-width: 2; }
ul.legend, ol.legend { list-style: none; padding: 0; margin: 4px 0 8px; font-size: 0.9em; }
ul.legend li { display: inline-block; margin-right: 16px; }
ol.series-legend li { margin: 2px 0; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 6px;
          vertical-align: -1px; border-radius: 2px; }
.views { font-variant-numeric: tabular-nums; display: inline-block; min-width: 4.5em;
         text-align: right; margin-right: 6px; }
table.summary { border-collapse: collapse; width: 100%; font-size: 0.9em; }
table.summary th, table.summary td { border-bottom: 1px solid #e5e5e5; padding: 4px 8px; text-align: left; }
table.summary td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.summary tr.total td { font-weight: 600; border-top: 2px solid #999; }
.empty { color: #999; font-style: italic; }
table.health { border-collapse: collapse; width: 100%; font-size: 0.85em; }
table.health th, table.health td { border-bottom: 1px solid #e5e5e5; padding: 4px 6px; text-align: left;
                                   vertical-align: top; }
td.verdict { font-weight: 600; }
td.verdict.ok { color: #1a7f37; }
td.verdict.failed, td.verdict.drift { color: #b3261e; }
td.verdict.stale, td.verdict.never { color: #9a6700; }
"""


def render(data: ReportData) -> str:
    """The report as one HTML document (UTF-8, no outside references)."""
    scope = (
        f"source {data.source}"
        if data.source
        else f"{len(data.sources)} source" + ("" if len(data.sources) == 1 else "s")
    )
    articles = sum(s.articles for s in data.summary)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="bulletin-archiver">
<title>Bulletin archive report · {_e(scope)}</title>
<style>{STYLE}</style>
</head>
<body>
<h1>Bulletin archive report</h1>
<p class="meta">{articles:,} articles, {_e(scope)} · database {_e(data.database)} ·
generated {data.generated_at:%Y-%m-%d %H:%M} UTC</p>
<h2>Summary</h2>
{summary_table(data)}
<h2>Health</h2>
{health_table(data)}
<h2>Articles per month</h2>
{monthly_chart(data)}
<h2>Languages</h2>
{language_chart(data)}
<h2>View counts of the {TOP_ARTICLES} most viewed articles</h2>
{growth_chart(data)}
</body>
</html>
"""


def write_report(
    engine: Engine, path, source: str | None = None, now: datetime | None = None, known: tuple[str, ...] = ()
) -> ReportData:
    """Collect and write the report to `path`; returns what it showed."""
    data = collect(engine, source, now, known)
    html = render(data)  # rendered before the file is touched: a failure leaves no half report
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(target)
    return data
