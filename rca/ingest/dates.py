"""Parse the customer's date of a complaint, fast, with one decision per file.

Help desks write dates in a dozen shapes (ISO 8601, ``07/14/2025 3:42 PM``,
Jira's ``14/Jul/25 3:42 PM``, RFC 2822, Unix epochs, Excel cells...). The
ambiguous ones (``03/04/2025``) must be read the same way for every row of a
file, so :meth:`DateParser.for_values` looks at a sample once, decides the
shape and the day/month order, and the parser then applies that decision to
every row: a regex match and a ``datetime(...)`` call, or
``datetime.fromisoformat`` for ISO files (about 1 µs a row). Odd rows fall
back to trying every shape, then dateutil, still with the file's day/month order.

Every result is timezone-aware UTC; naive times are taken as UTC.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from ..errors import as_option

__all__ = ["DateParser", "looks_like_date"]

UTC = timezone.utc
_EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)  # Excel's day 0 (1900 leap-year bug included)
_SAMPLE_LIMIT = 500
_MEMO_SIZE = 4096

_MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}

# Time of day, optional AM/PM, optional zone; shared by every non-ISO shape.
# Groups: hour, minute, second, fraction, a/p, zone.
_TIME = (r"(?:(?:T|\s*,?\s+(?:at\s+)?)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?"
         r"(?:\s*([AaPp])\.?[Mm]\.?)?)?"
         r"(?:\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?\s*$")
_WEEKDAY = r"(?:[A-Za-z]{3,9}\.?,?\s+)?"


@dataclass(frozen=True)
class _Shape:
    name: str  # shown in the summary
    regex: re.Pattern[str]
    kind: str  # 'iso' | 'ymd' | 'numeric' | 'd_mon_y' | 'mon_d_y' | 'ctime'


_SHAPES: tuple[_Shape, ...] = (
    _Shape("ISO 8601", re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}.*)?$"), "iso"),
    _Shape("YYYY/MM/DD", re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME), "ymd"),
    _Shape("NN/NN/YYYY", re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME), "numeric"),
    _Shape("DD/Mon/YY", re.compile(_WEEKDAY + r"(\d{1,2})[-/ ]([A-Za-z]{3,9})\.?[-/ ,]+(\d{4}|\d{2})"
                                   + _TIME), "d_mon_y"),
    _Shape("Mon DD, YYYY", re.compile(_WEEKDAY + r"([A-Za-z]{3,9})\.?[- ](\d{1,2})(?:st|nd|rd|th)?,?"
                                      r"[- ](\d{4})" + _TIME), "mon_d_y"),
    # Twitter's API and C's ctime(): "Tue Oct 31 23:36:20 +0000 2017", the year last.
    _Shape("Www Mon DD HH:MM:SS +ZZZZ YYYY",
           re.compile(r"[A-Za-z]{3},? ([A-Za-z]{3}) +(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})"
                      r"(?: (Z|UTC|GMT|[+-]\d{2}:?\d{2}))? (\d{4})\s*$"), "ctime"),
)
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?$")

_tz_cache: dict[str, timezone] = {"Z": UTC, "UTC": UTC, "GMT": UTC}


def _zone(text: str) -> timezone:
    tz = _tz_cache.get(text)
    if tz is None:
        sign = -1 if text[0] == "-" else 1
        digits = text[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
        tz = _tz_cache[text] = timezone(timedelta(minutes=sign * minutes))
    return tz


def _year(text: str) -> int:
    y = int(text)
    if y < 100:  # strptime's %y pivot: 69-99 -> 1900s, 00-68 -> 2000s
        y += 1900 if y >= 69 else 2000
    return y


def _month(name: str) -> int:
    month = _MONTHS.get(name[:3].lower())
    if month is None:
        raise ValueError(f"unknown month {name!r}")
    return month


def _build(y: int, mo: int, d: int, g: tuple[Any, ...], i: int) -> datetime:
    """datetime from the date parts and the time groups g[i:i+6] (see _TIME)."""
    hh, mm, ss, frac, ampm, zone = g[i], g[i + 1], g[i + 2], g[i + 3], g[i + 4], g[i + 5]
    if hh is None:
        hour = minute = second = 0
    else:
        hour, minute, second = int(hh), int(mm), int(ss) if ss else 0
        if ampm:
            if hour > 12:
                raise ValueError("hour > 12 with AM/PM")
            if ampm in "pP":
                if hour != 12:
                    hour += 12
            elif hour == 12:
                hour = 0
    if zone is None:
        return datetime(y, mo, d, hour, minute, second,
                        int(frac.ljust(6, "0")) if frac else 0, UTC)
    return datetime(y, mo, d, hour, minute, second, int(frac.ljust(6, "0")) if frac else 0,
                    _zone(zone)).astimezone(UTC)


def _from_groups(kind: str, g: tuple[Any, ...], dayfirst: bool) -> datetime:
    if kind == "numeric":
        if dayfirst:
            return _build(_year(g[3]), int(g[2]), int(g[0]), g, 4)
        return _build(_year(g[3]), int(g[0]), int(g[2]), g, 4)
    if kind == "ymd":
        return _build(int(g[0]), int(g[1]), int(g[2]), g, 3)
    if kind == "d_mon_y":
        return _build(_year(g[2]), _month(g[1]), int(g[0]), g, 3)
    if kind == "mon_d_y":
        return _build(int(g[2]), _month(g[0]), int(g[1]), g, 3)
    if kind == "ctime":
        mon, d, hh, mm, ss, zone, y = g
        return _build(int(y), _month(mon), int(d), (hh, mm, ss, None, None, zone), 0)
    raise AssertionError(kind)


def _iso(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _from_number(value: float) -> datetime:
    """Unix epoch (s, ms, µs, ns by magnitude) or an Excel serial day number."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError("not a number")
    if value >= 1e8:  # 1e8 s is 1973; smaller epochs are not complaint dates
        if value >= 1e17:
            value /= 1e9
        elif value >= 1e14:
            value /= 1e6
        elif value >= 1e11:
            value /= 1e3
        return datetime.fromtimestamp(value, UTC)
    if 20000 <= value < 80000:  # Excel serial days: 1954..2119
        return _EXCEL_EPOCH + timedelta(days=value)
    raise ValueError("number is neither a Unix time nor an Excel date")


def looks_like_date(text: str) -> bool:
    """Whether a value is written as a date in one of the shapes below (a bare number is not:
    ids and counts look like Unix times)."""
    text = text.strip()
    return any(shape.regex.match(text) for shape in _SHAPES)


class DateParser:
    """Turn received-date cells into aware UTC datetimes, one format decision per file.

    Attributes for the import summary: ``format`` (the shape found in the
    samples), ``dayfirst`` (None when the shape has no day/month ambiguity),
    ``guessed`` (True when day/month order could not be told from the data) and
    ``note`` (a sentence explaining a guess or a contradiction).
    """

    def __init__(self, shape: _Shape | None = None, dayfirst: bool | None = None,
                 guessed: bool = False, note: str | None = None):
        self.format: str | None = shape.name if shape else None
        self.dayfirst = dayfirst
        self.guessed = guessed
        self.note = note
        self._shape = shape
        self._memo: dict[str, datetime] = {}
        self._fast: Callable[[str], datetime] | None = self._make_fast(shape)

    # -- deciding, once per file --------------------------------------------------------

    @classmethod
    def for_values(cls, samples: Iterable[Any], dayfirst: bool | None = None) -> DateParser:
        """Decide shape and day/month order from sample values (first 500 non-empty used).

        Day/month order: any first part > 12 means day-first, any second part
        > 12 means month-first; both -> the majority, with a note; neither ->
        ``dayfirst`` if given, else day-first for dotted dates and month-first
        otherwise, recorded as a guess.
        """
        texts: list[str] = []
        for value in samples:
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if isinstance(value, str):
                texts.append(value.strip())
            if len(texts) >= _SAMPLE_LIMIT:
                break
        if not texts:  # datetimes, numbers or nothing: no ambiguity to decide
            return cls(None, dayfirst)

        hits: Counter[str] = Counter()
        matches: dict[str, list[re.Match[str]]] = {}
        for text in texts:
            for shape in _SHAPES:
                m = shape.regex.match(text)
                if m:
                    hits[shape.name] += 1
                    matches.setdefault(shape.name, []).append(m)
                    break
        if not hits:
            return cls(None, dayfirst, note="no known date shape in the samples; "
                                            "every date is parsed on its own")
        best = next(s for s in _SHAPES if s.name == hits.most_common(1)[0][0])
        if best.kind != "numeric":
            return cls(best, None)
        return cls._decide_order(best, matches[best.name], dayfirst)

    @classmethod
    def _decide_order(cls, shape: _Shape, found: list[re.Match[str]],
                      dayfirst: bool | None) -> DateParser:
        day_first = month_first = 0
        dotted = False
        for m in found:
            a, sep, b = int(m.group(1)), m.group(2), int(m.group(3))
            dotted = dotted or sep == "."
            if a > 12 >= b:
                day_first += 1
            elif b > 12 >= a:
                month_first += 1
        if day_first and month_first:
            if day_first == month_first:
                choice = dayfirst if dayfirst is not None else False
                how = "a tie, so " + ("the given order" if dayfirst is not None else "a guess")
            else:
                choice = day_first > month_first
                how = "the majority"
            note = (f"contradictory dates: {day_first} only make sense day-first, "
                    f"{month_first} only month-first; read as "
                    f"{'day-first' if choice else 'month-first'} ({how}); "
                    "dates that do not fit are rejected")
            return cls(shape, choice, guessed=day_first == month_first and dayfirst is None,
                       note=note)
        if day_first or month_first:
            choice = bool(day_first)
            note = None
            if dayfirst is not None and dayfirst != choice:
                note = (f"dayfirst={dayfirst} was asked for, but the dates only make sense "
                        f"{'day-first' if choice else 'month-first'}; read them that way")
            return cls(shape, choice, note=note)
        if dayfirst is not None:
            return cls(shape, dayfirst, note="every date is ambiguous (day and month both "
                                             "<= 12); read as " +
                                             ("day-first" if dayfirst else "month-first") +
                                             " as asked")
        if dotted:
            return cls(shape, True, guessed=True,
                       note="every date is ambiguous; dotted dates (14.07.2025) are "
                            "day-first by convention, so read as day-first")
        return cls(shape, False, guessed=True,
                   note="every date is ambiguous (day and month both <= 12); guessed "
                        f"month-first (US); use {as_option('dayfirst')} if the file is day-first")

    def _make_fast(self, shape: _Shape | None) -> Callable[[str], datetime] | None:
        if shape is None:
            return None
        if shape.kind == "iso":
            return _iso
        match = shape.regex.match
        kind = shape.kind
        dayfirst = bool(self.dayfirst)

        def fast(text: str) -> datetime:
            m = match(text)
            if m is None:
                raise ValueError
            return _from_groups(kind, m.groups(), dayfirst)

        return fast

    # -- parsing, once per row ----------------------------------------------------------

    def __call__(self, value: Any) -> datetime:
        if value.__class__ is str:
            # Exports repeat the same stamp a lot (date-only columns, bursts in
            # one minute): a bounded memo turns those rows into a dict lookup.
            cached = self._memo.get(value)
            if cached is not None:
                return cached
            text = value.strip()
            result = None
            if self._fast is not None:
                try:
                    result = self._fast(text)
                except (ValueError, OverflowError):
                    pass
            if result is None:
                result = self._slow(text, value)
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[value] = result
            return result
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                return _from_number(float(value))
            except (ValueError, OverflowError, OSError):
                raise ValueError(f"unparseable date '{value}'") from None
        raise ValueError(f"unparseable date '{value}'")

    def _slow(self, text: str, original: Any) -> datetime:
        """Rows that do not fit the file's shape: try every shape, then dateutil."""
        if not text:
            raise ValueError("unparseable date '' (empty)")
        dayfirst = bool(self.dayfirst)
        try:
            if _NUMBER.match(text):
                if len(text) == 8 and text.isdigit():  # 20250714
                    return _iso(text)
                return _from_number(float(text))
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"unparseable date '{original}'") from None
        for shape in _SHAPES:
            m = shape.regex.match(text)
            if m:
                # The shape is known, so its verdict stands: handing "03/14/2025"
                # to dateutil in a day-first file would swap day and month for
                # this one row, which is exactly what must never happen.
                try:
                    if shape.kind == "iso":
                        return _iso(text)
                    return _from_groups(shape.kind, m.groups(), dayfirst)
                except (ValueError, OverflowError):
                    if shape.kind != "iso":
                        raise ValueError(f"unparseable date '{original}'") from None
                    continue  # fromisoformat is stricter than the ISO regex: try the rest
        try:  # RFC 2822 with odd zones ("EST"), which the shapes do not cover
            dt = parsedate_to_datetime(text)
            return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
        except (TypeError, ValueError, IndexError):
            pass
        return self._dateutil(text, original, dayfirst)

    @staticmethod
    def _dateutil(text: str, original: Any, dayfirst: bool) -> datetime:
        from dateutil import parser as du

        # A default with year 1 tells us when dateutil invented the year
        # ("12" or "Jul 14" alone are not a complaint date).
        sentinel = datetime(1, 1, 1)
        try:
            dt = du.parse(text, dayfirst=dayfirst, default=sentinel)
        except (ValueError, OverflowError, TypeError):
            raise ValueError(f"unparseable date '{original}'") from None
        if dt.year == 1:
            raise ValueError(f"unparseable date '{original}' (no year)")
        return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)

    def __repr__(self) -> str:
        return (f"DateParser(format={self.format!r}, dayfirst={self.dayfirst!r}, "
                f"guessed={self.guessed!r})")
