"""Parsers for the small fields boards print: dates, counts, sizes, the bulletin issue prefix."""

from __future__ import annotations

import re
from datetime import date, timedelta

from storage.database.months import parse_month  # noqa: F401  (the one month parser, re-exported)

_MONTHS = {
    m: i for i, m in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)
}

# "[JUN. 2022] Title", also "[June 2022]" and "[JUN.2022]".
ISSUE_PREFIX = re.compile(r"^\s*\[\s*([A-Za-z]{3})[A-Za-z]*\.?\s*(\d{4})\s*\]\s*")
# Year first, 4 or 2 digits, not part of a longer number ("24.06.2022" is not 2024-06-20).
_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{4}|\d{2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})(?!\d)")
# "2025년 12월 10일" (Korean year-month-day, spaces optional).
_KOREAN_DATE = re.compile(r"(?<!\d)(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일")
_ENGLISH_DATE = re.compile(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})")
_ENGLISH_DATE_DMY = re.compile(r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?,?\s+(\d{4})")
# A count, with its sign when one is printed against it ("-5", "−5"): a lone "-" means none.
_COUNT = re.compile(r"([-\u2212]?)(\d[\d,.\s]*)")
_SIZE = re.compile(r"([\d.,]+)\s*([KMG]?B)\b", re.IGNORECASE)
_SIZE_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def split_issue(title: str | None) -> tuple[str | None, str | None]:
    """'[JUN. 2022] Gyeonggi-do ...' -> ('2022-06', 'Gyeonggi-do ...'); no prefix -> (None, title)."""
    if not title:
        return None, title
    m = ISSUE_PREFIX.match(title)
    if not m or m.group(1).upper() not in _MONTHS:
        return None, title
    return f"{m.group(2)}-{_MONTHS[m.group(1).upper()]:02d}", title[m.end() :].strip()


def parse_date(text: str | None) -> date | None:
    """The first real calendar date in `text` (2022-06-24, 2026.05.13., 26-01-07, 2025년 12월 10일,
    June 24, 2022...)."""
    if not text:
        return None
    m = _NUMERIC_DATE.search(text)
    if m:
        year, month, day = (int(g) for g in m.groups())
        if year < 100:
            year += 2000
        return _valid(year, month, day)
    m = _KOREAN_DATE.search(text)
    if m:
        return _valid(*(int(g) for g in m.groups()))
    m = _ENGLISH_DATE.search(text)
    if m and m.group(1).upper() in _MONTHS:
        return _valid(int(m.group(3)), _MONTHS[m.group(1).upper()], int(m.group(2)))
    m = _ENGLISH_DATE_DMY.search(text)
    if m and m.group(2).upper() in _MONTHS:
        return _valid(int(m.group(3)), _MONTHS[m.group(2).upper()], int(m.group(1)))
    return None


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_count(text: str | None) -> int | None:
    """'3,623,361' -> 3623361; '-5' -> -5 (as printed: count_problem judges it); '-' or '' -> None."""
    if not text:
        return None
    m = _COUNT.search(text)
    if not m:
        return None
    digits = re.sub(r"\D", "", m.group(2))
    if not digits:
        return None
    return -int(digits) if m.group(1) else int(digits)


# --------------------------------------------------------------------------- plausibility
# A value read off a page that cannot be true is recorded as missing, with the reason
# (ArticleRecord.field_problems), not stored as if it were.

# No page is read a trillion times; far below what the database's 64-bit integers hold (2**63-1).
MAX_COUNT = 10**12
# Boards of Korean local governments went online in the 1990s; a date before is a placeholder.
EARLIEST_DATE = date(1990, 1, 1)
# A date may be a day ahead of the page (embargoed releases dated the next morning, time zones).
DATE_SLACK = timedelta(days=1)


def count_problem(count: int | None) -> str | None:
    """Why a count read off a page cannot be the count (negative, implausibly large), or None."""
    if count is None:
        return None
    if count < 0:
        return f"negative count ({count})"
    if count > MAX_COUNT:
        return f"implausible count ({count} is more than 10^12)"
    return None


def plausible_count(count: int | None) -> int | None:
    """The count when it can be one, else None (listing rows, which have no place for reasons)."""
    return None if count_problem(count) else count


def date_problem(day: date | None, reference: date) -> str | None:
    """Why a published date cannot be true on a page of the day `reference` (the page's own
    date), or None: before 1990-01-01, or more than a day after `reference`."""
    if day is None:
        return None
    if day < EARLIEST_DATE:
        return f"implausible date ({day.isoformat()} is before {EARLIEST_DATE.isoformat()})"
    if day > reference + DATE_SLACK:
        return f"implausible date ({day.isoformat()} is more than a day after the page's date, {reference.isoformat()})"
    return None


def plausible(day: date | None, today: date) -> bool:
    """Whether a date read on a page fetched on `today` can be a publication date (listing rows:
    an implausible date neither stops nor widens a walk)."""
    return day is not None and date_problem(day, today) is None


def parse_size(text: str | None) -> int | None:
    """'(12.3 KB)' -> 12595 bytes."""
    if not text:
        return None
    m = _SIZE.search(text)
    if not m:
        return None
    try:
        number = float(m.group(1).replace(",", ""))
    except ValueError:
        return None
    return int(round(number * _SIZE_UNITS[m.group(2).upper()]))


_DISPOSITION_EXT = re.compile(rb"filename\*\s*=\s*([\w!#$&+.^`|~-]+)'[^']*'([^;\s]+)", re.IGNORECASE)
_DISPOSITION = re.compile(rb'filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))', re.IGNORECASE)


def attachment_filename(header: bytes | str | None) -> str | None:
    """The file name in a Content-Disposition header, as the server meant it.

    RFC 5987 `filename*=charset''percent-encoded` wins; a plain `filename=` is taken as UTF-8,
    else as CP949 (a superset of EUC-KR, which older Korean boards send raw), else Latin-1.
    """
    if not header:
        return None
    raw = header.encode("latin-1", "replace") if isinstance(header, str) else bytes(header)
    m = _DISPOSITION_EXT.search(raw)
    if m:
        from urllib.parse import unquote_to_bytes

        charset = m.group(1).decode("ascii").lower()
        data = unquote_to_bytes(m.group(2).decode("ascii", "replace"))
        try:
            return data.decode(charset).strip() or None
        except (LookupError, UnicodeDecodeError):
            pass
    m = _DISPOSITION.search(raw)
    if not m:
        return None
    data = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
    if b"%" in data and re.fullmatch(rb"[\x21-\x7e]+", data):
        from urllib.parse import unquote_to_bytes

        data = unquote_to_bytes(data.decode("ascii"))  # some servers percent-encode it plainly
    for charset in ("utf-8", "cp949", "latin-1"):
        try:
            return data.decode(charset).replace('\\"', '"').strip() or None
        except UnicodeDecodeError:
            continue
    return None
