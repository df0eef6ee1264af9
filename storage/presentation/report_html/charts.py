"""The report's charts, drawn as inline SVG: scales and ticks, colours, legends, and the charts of
articles per month, languages per source and view counts over time. Every chart element carries
its numbers as data-* attributes and a <title> tooltip."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from html import escape

from .data import ReportData

# Okabe-Ito and Tableau-like colours, distinguishable with the common colour-vision deficiencies.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
    "#8C564B",
    "#17BECF",
    "#BCBD22",
)
LANGUAGE_COLORS = {"ko": "#0072B2", "en": "#E69F00", "unknown": "#BBBBBB"}
LANGUAGE_NAMES = {
    "ko": "Korean",
    "en": "English",
    "ja": "Japanese",
    "zh-cn": "Chinese",
    "zh-tw": "Chinese",
    "unknown": "unknown",
}


def _e(value) -> str:
    return escape(str(value), quote=True)


def _n(value: float) -> str:
    """A coordinate: short, no exponent."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_step(raw: float) -> float:
    """The round whole step (1, 2, 2.5 or 5 x 10^k; counts need no fractions) at least `raw`."""
    if raw <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(
        (m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw and float(m * magnitude).is_integer()),
        10 * magnitude,
    )


def nice_ticks(top: float, count: int = 5, bottom: float = 0) -> list[float]:
    """Round ticks from `bottom` (rounded down to a step) up to at least `top`."""
    if top <= bottom:
        top = bottom + 1
    step = _nice_step((top - bottom) / count)
    ticks = [math.floor(bottom / step) * step]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def tick_label(value: float) -> str:
    """A short axis label: 950, 9,500, 95k, 9.5M."""
    value = int(round(value))
    for limit, unit in ((1_000_000_000, "G"), (1_000_000, "M"), (10_000, "k")):
        if abs(value) >= limit:
            divisor = limit if unit != "k" else 1_000
            return f"{value / divisor:.2f}".rstrip("0").rstrip(".") + unit
    return f"{value:,}"


class Plot:
    """A plot area inside an SVG of width x height, with margins for the axes."""

    def __init__(self, width: int, height: int, left: int = 64, right: int = 20, top: int = 16, bottom: int = 48):
        self.width, self.height = width, height
        self.x0, self.x1 = left, width - right
        self.y0, self.y1 = height - bottom, top  # y0: the baseline (bottom)

    @property
    def plot_width(self) -> float:
        return self.x1 - self.x0

    def y(self, value: float, ticks: list[float]) -> float:
        """The y of `value` on a scale from the first to the last tick."""
        low, high = ticks[0], ticks[-1]
        return self.y0 - (value - low) / (high - low) * (self.y0 - self.y1)

    def y_axis(self, ticks: list[float], label: str) -> list[str]:
        parts = ['<g class="axis y-axis">']
        for t in ticks:
            y = _n(self.y(t, ticks))
            parts.append(f'<line class="grid" x1="{self.x0}" x2="{self.x1}" y1="{y}" y2="{y}"/>')
            parts.append(
                f'<text class="tick" x="{self.x0 - 6}" y="{y}" text-anchor="end" '
                f'dominant-baseline="middle">{tick_label(t)}</text>'
            )
        cy = (self.y0 + self.y1) / 2
        parts.append(
            f'<text class="axis-label" x="14" y="{_n(cy)}" text-anchor="middle" '
            f'transform="rotate(-90 14 {_n(cy)})">{_e(label)}</text>'
        )
        parts.append(f'<line class="baseline" x1="{self.x0}" x2="{self.x1}" y1="{self.y0}" y2="{self.y0}"/>')
        parts.append("</g>")
        return parts

    def x_label(self, label: str) -> str:
        return (
            f'<text class="axis-label" x="{_n((self.x0 + self.x1) / 2)}" y="{self.height - 6}" '
            f'text-anchor="middle">{_e(label)}</text>'
        )


def _svg(chart_id: str, width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" id="{chart_id}" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{_e(title)}</title>" + "".join(body) + "</svg>"
    )


def source_colors(sources: list[str]) -> dict[str, str]:
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sources)}


def language_colors(languages: list[str]) -> dict[str, str]:
    spare = [c for c in PALETTE if c not in LANGUAGE_COLORS.values()]
    out, i = {}, 0
    for lang in languages:
        if lang in LANGUAGE_COLORS:
            out[lang] = LANGUAGE_COLORS[lang]
        else:
            out[lang], i = spare[i % len(spare)], i + 1
    return out


def language_name(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})" if code != "unknown" else "unknown"


def _legend(items: list[tuple[str, str]], css_class: str = "legend") -> str:
    return (
        f'<ul class="{css_class}">'
        + "".join(
            f'<li><span class="swatch" style="background:{color}"></span>{_e(label)}</li>' for label, color in items
        )
        + "</ul>"
    )


def monthly_chart(data: ReportData) -> str:
    """Stacked bars: one column per month, one segment per source with articles that month."""
    months, sources = data.months, data.sources
    if not months:
        return '<p class="empty">No dated articles.</p>'
    colors = source_colors(sources)
    plot = Plot(960, 360)
    totals = [sum(data.monthly.get(s, {}).get(m, 0) for s in sources) for m in months]
    ticks = nice_ticks(max(totals))
    slot = plot.plot_width / len(months)
    bar = max(slot * 0.8, 1.0)
    body = plot.y_axis(ticks, "articles")
    label_every = 1 if len(months) <= 18 else (3 if len(months) <= 48 else 12)
    body.append('<g class="bars">')
    for i, month in enumerate(months):
        x = plot.x0 + i * slot + (slot - bar) / 2
        stacked = 0
        for s in sources:
            count = data.monthly.get(s, {}).get(month, 0)
            if not count:
                continue
            y_top = plot.y(stacked + count, ticks)
            height = plot.y(stacked, ticks) - y_top
            body.append(
                f'<rect class="bar" data-source="{_e(s)}" data-month="{month}" data-count="{count}" '
                f'x="{_n(x)}" y="{_n(y_top)}" width="{_n(bar)}" height="{_n(height)}" '
                f'fill="{colors[s]}"><title>{_e(s)} · {month}: {count:,} '
                f"article{'' if count == 1 else 's'}</title></rect>"
            )
            stacked += count
    body.append('</g><g class="axis x-axis">')
    for i, month in enumerate(months):
        first_of_year = month.endswith("-01")
        if (label_every == 12 and (first_of_year or i == 0)) or (label_every < 12 and i % label_every == 0):
            cx = plot.x0 + (i + 0.5) * slot
            text = month[:4] if label_every == 12 else month
            body.append(
                f'<line class="tick-mark" x1="{_n(cx)}" x2="{_n(cx)}" y1="{plot.y0}" '
                f'y2="{plot.y0 + 4}"/><text class="tick" x="{_n(cx)}" y="{plot.y0 + 16}" '
                f'text-anchor="middle">{text}</text>'
            )
    body.append("</g>")
    body.append(plot.x_label("month of publication"))
    title = "Articles per month of publication, by source"
    legend = _legend([(s, colors[s]) for s in sources])
    return legend + _svg("chart-monthly", plot.width, plot.height, title, body)


def language_chart(data: ReportData) -> str:
    """One 100 % bar per source, a segment per language, labelled with its share."""
    sources = data.sources
    if not sources:
        return '<p class="empty">No articles.</p>'
    all_languages = sorted(
        {lang for per in data.languages.values() for lang in per},
        key=lambda lang: (lang == "unknown", lang not in LANGUAGE_COLORS, lang),
    )
    colors = language_colors(all_languages)
    row, gap, left, right = 28, 12, 150, 20
    width = 960
    height = 24 + len(sources) * (row + gap) + 28
    x0, x1 = left, width - right
    body = ['<g class="axis x-axis">']
    for pct in (0, 25, 50, 75, 100):
        tick_x = _n(x0 + (x1 - x0) * pct / 100)
        body.append(
            f'<line class="grid" x1="{tick_x}" x2="{tick_x}" y1="16" y2="{height - 28}"/>'
            f'<text class="tick" x="{tick_x}" y="{height - 12}" text-anchor="middle">{pct} %</text>'
        )
    body.append("</g>")
    for i, s in enumerate(sources):
        y = 20 + i * (row + gap)
        per = data.languages.get(s, {})
        total = sum(per.values())
        body.append(
            f'<text class="row-label" x="{left - 8}" y="{_n(y + row / 2)}" text-anchor="end" '
            f'dominant-baseline="middle">{_e(s)}</text>'
        )
        x = float(x0)
        for lang in all_languages:
            count = per.get(lang, 0)
            if not count:
                continue
            w = (x1 - x0) * count / total
            share = 100 * count / total
            body.append(
                f'<rect class="segment" data-source="{_e(s)}" data-language="{_e(lang)}" '
                f'data-count="{count}" x="{_n(x)}" y="{y}" width="{_n(w)}" height="{row}" '
                f'fill="{colors[lang]}"><title>{_e(s)} · {_e(language_name(lang))}: {count:,} '
                f"articles ({share:.1f} %)</title></rect>"
            )
            if w > 44:
                body.append(
                    f'<text class="segment-label" x="{_n(x + w / 2)}" y="{_n(y + row / 2)}" '
                    f'text-anchor="middle" dominant-baseline="middle">{share:.0f} %</text>'
                )
            x += w
    title = "Language mix by source (share of articles)"
    legend = _legend([(language_name(lang), colors[lang]) for lang in all_languages])
    return legend + _svg("chart-languages", width, height, title, body)


DAY = 86400
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60)
_DAY_STEPS = (1, 2, 7, 14)
_HOUR_STEPS = (1, 2, 3, 6, 12)


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    return moment.replace(year=index // 12, month=index % 12 + 1)


def time_ticks(start: datetime, end: datetime, count: int = 6) -> tuple[list[datetime], str]:
    """Ticks at round UTC times between start and end (months, days or hours, by the span), and
    the strftime format of their labels."""
    span = (end - start).total_seconds()
    if span <= 0:
        return [start], "%Y-%m-%d %H:%M"
    if span >= 60 * DAY:
        months = next((m for m in _MONTH_STEPS if span / (m * 30.4 * DAY) <= count), _MONTH_STEPS[-1])
        tick = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if tick < start:
            tick = _add_months(tick, 1)
        ticks = []
        while tick <= end:
            ticks.append(tick)
            tick = _add_months(tick, months)
        return ticks or [start], "%Y-%m"
    if span >= 2 * DAY:
        step, fmt = timedelta(days=next((d for d in _DAY_STEPS if span / (d * DAY) <= count), 30)), "%Y-%m-%d"
        tick = start.replace(hour=0, minute=0, second=0, microsecond=0)
        if tick < start:
            tick += timedelta(days=1)
    else:
        step = timedelta(hours=next((h for h in _HOUR_STEPS if span / (h * 3600) <= count), 24))
        fmt = "%m-%d %H:%M"
        tick = start.replace(minute=0, second=0, microsecond=0)
        if tick < start:
            tick += timedelta(hours=1)
    ticks = []
    while tick <= end:
        ticks.append(tick)
        tick += step
    return ticks or [start], fmt


def growth_chart(data: ReportData) -> str:
    """Lines: each top article's view count at each observation, over time."""
    series = [a for a in data.top if a.points]
    if not series:
        return '<p class="empty">No view counts observed.</p>'
    colors = {a.id: PALETTE[i % len(PALETTE)] for i, a in enumerate(series)}
    plot = Plot(960, 380, right=44)
    times = [t for a in series for t, _ in a.points]
    start, end = min(times), max(times)
    views = [v for a in series for _, v in a.points]
    ticks = nice_ticks(max(views), bottom=min(views))  # growth shows better without a zero base
    span = (end - start).total_seconds()

    def x_of(moment: datetime) -> float:
        if not span:
            return (plot.x0 + plot.x1) / 2
        return plot.x0 + (moment - start).total_seconds() / span * plot.plot_width

    body = plot.y_axis(ticks, "views")
    body.append('<g class="axis x-axis">')
    moments, fmt = time_ticks(start, end)
    for t in moments:
        tick_x = _n(x_of(t))
        body.append(
            f'<line class="tick-mark" x1="{tick_x}" x2="{tick_x}" y1="{plot.y0}" y2="{plot.y0 + 4}"/>'
            f'<text class="tick" x="{tick_x}" y="{plot.y0 + 16}" text-anchor="middle">'
            f"{t.strftime(fmt)}</text>"
        )
    body.append("</g>")
    for a in series:
        color = colors[a.id]
        coords = [(x_of(t), plot.y(v, ticks)) for t, v in a.points]
        body.append(f'<g class="series" data-article-id="{a.id}" data-points="{len(a.points)}">')
        if len(coords) > 1:
            path = " ".join(f"{_n(x)},{_n(y)}" for x, y in coords)
            body.append(f'<polyline class="line" points="{path}" fill="none" stroke="{color}"/>')
        for (t, v), (x, y) in zip(a.points, coords):
            body.append(
                f'<circle class="point" data-views="{v}" data-observed="{t:%Y-%m-%dT%H:%M:%SZ}" '
                f'cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{color}"><title>{_e(a.title)} · '
                f"{t:%Y-%m-%d %H:%M} UTC: {v:,} views</title></circle>"
            )
        body.append("</g>")
    body.append(plot.x_label("observed (UTC)"))
    title = f"View counts over time of the {len(series)} most viewed articles"
    legend = (
        '<ol class="legend series-legend">'
        + "".join(
            f'<li><span class="swatch" style="background:{colors[a.id]}"></span>'
            f'<span class="views">{a.views:,}</span> {_e(a.title)} <span class="muted">({_e(a.source)} · '
            f"#{a.id} · {len(a.points)} observation{'' if len(a.points) == 1 else 's'})</span></li>"
            for a in series
        )
        + "</ol>"
    )
    note = ""
    if all(len(a.points) < 2 for a in series):
        note = (
            '<p class="note">Each article has one observation so far: the lines appear '
            "after later crawls have read the counters again.</p>"
        )
    return _svg("chart-growth", plot.width, plot.height, title, body) + note + legend
