"""Choosing the profile whose signature best fits a file's header (and its columns' content)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ...errors import ProfileError, option

from .base import Profile
from .columns import ColumnStats, date_columns
from .fields import FIELDS, REQUIRED_DATE, REQUIRED_TEXT, normalize_column
from .helpdesks import PROFILES


def _column_index(columns: Iterable[str]) -> dict[str, str]:
    """Normalised name -> the file's first column with that name."""
    index: dict[str, str] = {}
    for col in columns:
        index.setdefault(normalize_column(col), col)
    return index


def _resolve(profile: Profile, index: Mapping[str, str],
             taken: Iterable[str] = ()) -> dict[str, str]:
    """Our field -> file column, first candidate present; a column serves one field."""
    used = set(taken)
    found: dict[str, str] = {}
    for f in FIELDS:
        for candidate in profile.candidates(f):
            col = index.get(candidate)
            if col is not None and col not in used:
                found[f] = col
                used.add(col)
                break
    return found


def _usable(mapping: Mapping[str, str], need_date: bool = True) -> bool:
    return (REQUIRED_DATE in mapping or not need_date) and any(f in mapping for f in REQUIRED_TEXT)


def _free_text_columns(stats: Mapping[str, ColumnStats] | None) -> list[str]:
    """Columns of free text, longest first."""
    if not stats:
        return []
    return sorted((c for c, s in stats.items() if s.is_free_text()), key=lambda c: -stats[c].mean_chars)


def choose_profile(columns: list[str], stats: Mapping[str, ColumnStats] | None = None,
                   need_date: bool = True) -> tuple[Profile, str]:
    """The profile that best fits a file, and why: most signature columns, then most fields.

    A file no profile reads by column names alone is still read by the generic
    profile when a column holds free text and one holds dates (both are then
    chosen by content).
    Raises ProfileError naming the columns found, the fields needed and an
    example ``--map`` otherwise.
    """
    index = _column_index(columns)
    ranked: list[tuple[int, int, int, Profile]] = []
    free_text = _free_text_columns(stats)
    dates: list[str] | None = None  # read from the values only for a profile that finds no date by name
    for order, profile in enumerate(PROFILES.values()):
        hits = len(profile.signature & index.keys())
        if hits < profile.min_signature:
            continue
        mapping = _resolve(profile, index)
        if free_text and not any(f in mapping for f in REQUIRED_TEXT):
            mapping["body"] = free_text[0]
        if stats and REQUIRED_DATE not in mapping:
            dates = date_columns(stats) if dates is None else dates
            if dates:
                mapping[REQUIRED_DATE] = dates[0]
        if _usable(mapping, need_date):
            # Generic has no signature; any real match beats it.
            ranked.append((hits, len(mapping), -order, profile))
    if ranked:
        hits, _, _, profile = max(ranked, key=lambda r: r[:3])
        if not hits:
            return profile, "no help-desk signature among the columns; read by common column names"
        found = [index[c] for c in sorted(profile.signature & index.keys())]
        shown = ", ".join(f'"{c}"' for c in found[:4]) + (f" and {len(found) - 4} more" if len(found) > 4 else "")
        return profile, f"{hits} of its typical columns: {shown}"
    shown = ", ".join(f'"{c}"' for c in columns[:30]) or "(none)"
    more = f" and {len(columns) - 30} more" if len(columns) > 30 else ""
    raise ProfileError(
        f"no import profile fits this file's columns: {shown}{more}. "
        "rca needs a text column (body or subject) and a date column (received_at); "
        f'name them with {option("map")}, e.g. {option("map")} "Column Name=body" {option("map")} "Date Column=received_at", '
        f"or date every row with {option('received_on')} YYYY-MM-DD, "
        f"or choose {option('profile')} ({', '.join(PROFILES)})")


def detect_profile(columns: list[str], stats: Mapping[str, ColumnStats] | None = None) -> Profile:
    """The profile that best fits a header (see :func:`choose_profile`)."""
    return choose_profile(columns, stats)[0]
