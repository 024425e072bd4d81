"""Help-desk column profiles: which export column holds which of our fields.

A :class:`Profile` lists, per field, the column names a help desk uses (in its
CSV export and in its JSON API, flattened with dots by the reader), a few
*signature* columns that identify the source, and converters for values the
source encodes (Freshdesk's integer status, Intercom's HTML body).

Column names are compared case- and space-insensitively, with ``_`` treated
as a space, so ``Created at`` (Zendesk CSV) and ``created_at`` (Zendesk API)
are the same column.

:func:`detect_profile` picks the profile whose signature best fits a file's
header; :func:`build_mapper` resolves the columns once and returns a
:class:`RowMapper` that turns each record into a :class:`MappedRow`.

One module a job: ``fields`` (our fields), ``converters`` (encoded values),
``base`` (what a profile is), ``helpdesks`` (the profiles: a new help desk is
one entry there), ``columns`` (what columns hold, by content), ``detection``
and ``mapper``.
"""

from __future__ import annotations

import importlib

# The names below load their module on first use: `rca import --help` reads
# PROFILES and FIELDS without loading the mapper (issue #15).
_EXPORTS = {
    "Profile": "base", "SkipRule": "base", "ColumnStats": "columns", "column_stats": "columns",
    "html_to_text": "converters", "to_tags": "converters", "choose_profile": "detection",
    "detect_profile": "detection", "DEFAULT_MAX_RATING": "fields", "FIELDS": "fields",
    "REQUIRED_DATE": "fields", "REQUIRED_TEXT": "fields", "normalize_column": "fields",
    "PROFILES": "helpdesks", "MappedRow": "mapper", "RowMapper": "mapper", "RowSkipped": "mapper",
    "build_mapper": "mapper",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
