"""Months as the command line gives them (`--since 2022-01 --until 2022-12`): one parser and the
day arithmetic every command shares (crawl windows, search, export, reparse)."""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text: str) -> date:
    """'2022-06' -> date(2022, 6, 1); ValueError with a readable message otherwise."""
    m = _MONTH.fullmatch(text or "")
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        pass
    raise ValueError(f"expected a month as YYYY-MM, got {text!r}")


def month_after(first: date) -> date:
    """The first day of the next month."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def month_end(first: date) -> date:
    """The last day of the month."""
    return month_after(first) - timedelta(days=1)


def month_span(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """(first day of `since`, first day after `until`), either None when not given: the half-open
    range of days from the first month to the last, both included. ValueError naming the option
    when a month is unreadable or `since` comes after `until`."""
    try:
        start = parse_month(since) if since is not None else None
    except ValueError as exc:
        raise ValueError(f"--since: {exc}") from None
    try:
        end = month_after(parse_month(until)) if until is not None else None
    except ValueError as exc:
        raise ValueError(f"--until: {exc}") from None
    if start and end and start >= end:
        raise ValueError(f"--since {since} is after --until {until}")
    return start, end
