"""Option types shared by the commands: numbers and dates are checked on the way in.

Out-of-range values would otherwise reach SQLite (a 20-digit id), date
arithmetic (year 1 minus a week) or scikit-learn (a negative seed) and end in
a traceback; click refuses them with one line naming the option and its range.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import click

from rca.errors import UsageError

from .output import terminal_text

LIMIT = click.IntRange(1, 10_000_000)
ID = click.IntRange(1, 2**31 - 1)  # ids are 32-bit integers on PostgreSQL
WEEKS = click.IntRange(1, 520)
TOP = click.IntRange(1, 10_000)
SEED = click.IntRange(0, 2**32 - 1)  # what numpy's random generators accept
MIN_SIZE = click.IntRange(2, 1_000_000)
THRESHOLD = click.FloatRange(0.0, 1.0, min_open=True, max_open=True)
# Dates outside these years are typing errors, and weeks before year 1 do not exist.
EARLIEST_YEAR, LATEST_YEAR = 1900, 9998
MAX_WINDOW_DAYS = 100 * 366
# A fix date may be "today" in a zone ahead of UTC, not later.
FUTURE_SLACK = timedelta(days=1)


def check_year(value: date, what: str) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise UsageError(f"{what} {value.isoformat()[:10]}: use a date between {EARLIEST_YEAR} and {LATEST_YEAR}")


def parse_day(value: str | None) -> datetime | None:
    """A day (YYYY-MM-DD, midnight UTC) or a moment with its zone, as UTC."""
    if value is None:
        return None
    try:
        day = datetime.fromisoformat(value).replace(tzinfo=timezone.utc) if len(value) <= 10 \
            else datetime.fromisoformat(value).astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise UsageError(f"'{value}' is not a date: use YYYY-MM-DD") from None
    check_year(day, "the date")
    return day


def period_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--period 2026-W47: an ISO week of a year rca can count in."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d{4})-[Ww](\d{1,2})\s*", value)
    if not match or not 1 <= int(match.group(2)) <= 53:
        raise click.BadParameter(f"'{terminal_text(value)}' should be an ISO week like 2026-W47")
    if not EARLIEST_YEAR <= int(match.group(1)) <= LATEST_YEAR:
        raise click.BadParameter(f"'{terminal_text(value)}': use a year between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value.strip()


def date_range_callback(ctx: click.Context, param: click.Parameter, value: datetime | None) -> datetime | None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise click.BadParameter(f"use a date between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


def not_in_future(value: datetime | None, what: str) -> datetime | None:
    if value is not None and value > datetime.now(timezone.utc) + FUTURE_SLACK:
        raise UsageError(f"{what} {value:%Y-%m-%d} is in the future: give the date the fix went live "
                         "(today at the latest)")
    return value
