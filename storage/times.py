"""The archive's one clock convention: moments are UTC, written as WARC-Date writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime

# WARC 1.1 date with six fractional digits (warcio's own formatter drops a zero fraction)
WARC_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc(moment: datetime) -> datetime:
    """A stored moment in UTC: SQLite hands datetimes back without a zone (it keeps UTC wall
    time); an aware one is converted."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime | date | None) -> str | None:
    """A moment as WARC-Date writes it (so one can be searched for the other), a day as
    YYYY-MM-DD, None as None."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return utc(moment).strftime(WARC_DATE_FORMAT)
    return moment.isoformat()
