"""Dates and times as boards print them, in Korea time.

`parse_when("2026-01-07 14:11:54")` -> (date(2026, 1, 7), datetime(2026, 1, 7, 14, 11, 54, KST)).
Every form of scraper.extract.fields.parse_date is accepted; ISO 8601 timestamps with an offset (meta tags,
JSON-LD) are converted to Korea time before the date is taken, so 2022-06-23T20:00:00Z is the
24th. A time is only returned when one is printed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from scraper.extract.fields import parse_date

KST = timezone(timedelta(hours=9), "KST")

_ISO = re.compile(
    r"(?<!\d)(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"\s*(Z|[+-]\d{2}:?\d{2})?(?!\d)"
)
_TIME = re.compile(r"(?<![\d.:])(오전|오후|AM|PM)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])\s*(AM|PM|am|pm)?")


def parse_when(text: str | None) -> tuple[date | None, datetime | None]:
    """(the date, the datetime in KST when a time is printed) or (None, None)."""
    if not text:
        return None, None
    m = _ISO.search(text)
    if m:
        zone = m.group(3)
        stamp = f"{m.group(1)}T{m.group(2)}"
        if zone:
            zone = "+00:00" if zone == "Z" else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
        try:
            when = datetime.fromisoformat(stamp + (zone or ""))
        except ValueError:
            when = None
        if when is not None:
            when = when.astimezone(KST) if when.tzinfo else when.replace(tzinfo=KST)
            return when.date(), when
    day = parse_date(text)
    if day is None:
        return None, None
    m = _TIME.search(text)
    if not m:
        return day, None
    hour, minute, second = int(m.group(2)), int(m.group(3)), int(m.group(4) or 0)
    marker = (m.group(1) or m.group(5) or "").upper()
    if marker in ("오후", "PM") and hour < 12:
        hour += 12
    elif marker in ("오전", "AM") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return day, None
    return day, datetime.combine(day, time(hour, minute, second), KST)


def is_date_only(text: str, slack: int = 12) -> bool:
    """Whether `text` is a printed date (and maybe a time) with little else around it."""
    if not text or len(text) > 40:
        return False
    if parse_date(text) is None:
        return False
    rest = re.sub(r"[\d\s./:\-년월일()TZ+]|오전|오후|AM|PM", "", text, flags=re.I)
    rest = re.sub(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?", "", rest)
    return len(rest) <= slack
