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

from .base import Profile, SkipRule
from .columns import ColumnStats, column_stats
from .converters import html_to_text, to_tags
from .detection import choose_profile, detect_profile
from .fields import DEFAULT_MAX_RATING, FIELDS, REQUIRED_DATE, REQUIRED_TEXT, normalize_column
from .helpdesks import PROFILES
from .mapper import MappedRow, RowMapper, RowSkipped, build_mapper

__all__ = ["FIELDS", "REQUIRED_TEXT", "REQUIRED_DATE", "DEFAULT_MAX_RATING", "Profile", "PROFILES",
           "MappedRow", "RowMapper", "RowSkipped", "SkipRule", "detect_profile", "build_mapper",
           "normalize_column", "html_to_text", "to_tags", "column_stats", "choose_profile", "ColumnStats"]
