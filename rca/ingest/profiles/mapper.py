"""Mapping rows: the columns resolved once, then each record into a MappedRow."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import ProfileError, as_option, option
from ...export import plain_value

from .base import Profile
from .columns import ColumnStats, _looks_like_statuses, date_columns, says_when_written
from .converters import _html_text, _label, _raw_value, _text
from .detection import _column_index, _free_text_columns, _resolve, _usable
from .fields import FIELDS, REQUIRED_DATE, REQUIRED_TEXT, normalize_column


class RowSkipped(Exception):
    """A row that is not a customer's complaint (a company reply, a 5-star review); counted by reason."""


@dataclass(slots=True)
class MappedRow:
    """One record in our terms. ``received_raw`` and ``updated_raw`` are parsed later, once per file."""

    external_id: str | None
    received_raw: Any
    subject: str | None
    body: str | None
    requester_email: str | None
    requester_name: str | None
    channel: str | None
    tags: list[str]
    status: str | None
    product: str | None
    page_url: str | None
    defect_type: str | None
    customer_id: str | None
    requester_phone: str | None
    updated_raw: Any
    rating: Any
    extra: dict[str, Any]  # every unmapped, non-empty column, JSON-ready


_TAGS_AT = FIELDS.index("tags")


_RATING_AT = FIELDS.index("rating")


# Converters whose str case RowMapper.__call__ does inline (see there).
_CALL, _RAW, _TEXT, _LABEL = 0, 1, 2, 3


_INLINE: dict[Callable[[Any], Any], int] = {_raw_value: _RAW, _text: _TEXT, _label: _LABEL}


_STAR = "\u2605"


def _rating(value: Any) -> float | None:
    """A star rating as a number: 4, "4", "4.0", "4/5", "★★★★"; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = _text(value)
    if not text:
        return None
    if _STAR in text:
        return float(text.count(_STAR))
    try:
        return float(text.split("/")[0].strip())
    except ValueError:
        return None


class RowMapper:
    """Turns a reader record into a :class:`MappedRow`; columns resolved once per file.

    Raises :class:`RowSkipped` for rows the profile says are not complaints and,
    when a rating is mapped, for ratings above ``max_rating``.
    """

    def __init__(self, profile: Profile, field_columns: dict[str, str], *, columns: Iterable[str] = (),
                 how: Mapping[str, str] | None = None, warnings: Iterable[str] = (),
                 max_rating: float | None = None, profile_reason: str = ""):
        self.profile = profile
        self.profile_reason = profile_reason
        self.field_columns = dict(field_columns)  # our field -> file column (for the summary)
        self.how = dict(how or {})  # field -> how its column was chosen, when not simply by name
        self.warnings = list(warnings)
        self.columns = list(columns) or list(field_columns.values())
        index = _column_index(self.columns)
        self.not_kept = {index[c]: why for c, why in profile.not_kept.items() if c in index}
        self.tag_columns = [index[c] for c in dict.fromkeys(profile.tag_columns) if c in index]
        # A rating has no column of its own: it stays visible in the extra data.
        self._mapped_columns = (frozenset(c for f, c in field_columns.items() if f != "rating")
                                | frozenset(self.not_kept))
        self.skip_rules: list[tuple[str, frozenset[str], str]] = []
        for rule in profile.skip:
            col = next((index[c] for c in rule.columns if c in index), None)
            if col is not None:
                self.skip_rules.append((col, rule.values, rule.reason))
        if max_rating is None:
            max_rating = profile.max_rating
        self.max_rating = max_rating if "rating" in field_columns else None
        self.defaults = [(FIELDS.index(f), v) for f, v in profile.defaults.items() if f not in field_columns]
        html = profile.html_columns
        # (position in MappedRow, column, converter or None for the raw value);
        # resolved once so the per-row loop only does lookups and calls.
        self._plan: list[tuple[int, str, int, Callable[[Any], Any]]] = []
        for i, f in enumerate(FIELDS):
            col = field_columns.get(f)
            if col is None:
                continue
            convert = profile.converter(f) if f != REQUIRED_DATE else _raw_value
            if f in ("body", "subject") and normalize_column(col) in html:
                convert = _html_text
            self._plan.append((i, col, _INLINE.get(convert, _CALL), convert))

    def __call__(self, record: dict[str, Any]) -> MappedRow:
        get = record.get
        if self.skip_rules:
            for col, values, reason in self.skip_rules:
                value = get(col)
                if value is not None and str(value).strip().lower() in values:
                    raise RowSkipped(reason)
        values: list[Any] = [None] * len(FIELDS)
        for i, col, kind, convert in self._plan:
            raw = get(col)
            if raw is None:
                continue
            # The usual CSV cell (a str) is handled inline: a function call per
            # field is a measurable share of the per-row budget.
            if raw.__class__ is str and kind:
                if kind == _RAW:
                    values[i] = raw
                elif kind == _TEXT:
                    values[i] = raw.strip() or None
                else:  # _LABEL
                    values[i] = raw.strip().lower() or None
            else:
                values[i] = convert(raw)
        if self.max_rating is not None and values[_RATING_AT] is not None:
            stars = _rating(values[_RATING_AT])
            if stars is not None and stars > self.max_rating:
                raise RowSkipped(f"ratings above {self.max_rating:g}")
        if values[_TAGS_AT] is None:
            values[_TAGS_AT] = []
        if self.tag_columns:
            labels = [t for t in (_text(get(c)) for c in self.tag_columns) if t]
            values[_TAGS_AT] = list(dict.fromkeys([*values[_TAGS_AT], *labels]))
        for i, value in self.defaults:
            if values[i] is None:
                values[i] = value
        mapped = self._mapped_columns
        extra = {k: (v if v.__class__ is str else plain_value(v))
                 for k, v in record.items() if v is not None and k not in mapped}
        return MappedRow(*values, extra)

    def describe(self) -> dict[str, Any]:
        """What this mapper does, as data: the profile and why, each field's column, the rest."""
        fields = [{"field": f, "column": self.field_columns[f], "how": self.how.get(f, "by name")}
                  for f in FIELDS if f in self.field_columns]
        for f, value in self.profile.defaults.items():
            if f not in self.field_columns:
                fields.append({"field": f, "column": None, "how": f"always '{value}' ({self.profile.name} profile)"})
        kept = [c for c in self.columns if c not in self._mapped_columns]
        return {
            "profile": self.profile.name,
            "profile_reason": self.profile_reason,
            "fields": fields,
            "tags_from": list(self.tag_columns),
            "extra_columns": kept,
            "not_kept": [{"column": c, "why": why} for c, why in self.not_kept.items()],
            "customer": self._customer_rule(),
            "skip_rules": [{"column": c, "values": sorted(v), "reason": r} for c, v, r in self.skip_rules],
            "max_rating": self.max_rating,
            "warnings": list(self.warnings),
        }

    def _customer_rule(self) -> str:
        order = [(f, label) for f, label in (("requester_email", "email"), ("customer_id", "id"),
                                              ("requester_name", "name"), ("requester_phone", "phone"))
                 if f in self.field_columns]
        parts = [f"{label} '{self.field_columns[f]}'" for f, label in order]
        if not parts and self.profile.one_customer_per_ticket:
            return "each ticket is its own customer: the source publishes no customer identity"
        if not parts:
            return "unknown: no column identifies the customer, so customers are not counted"
        rule = "salted hash of " + ", else ".join(parts)
        if self.profile.one_customer_per_ticket:
            rule += ", else each ticket is its own customer"
        return rule

    def __repr__(self) -> str:
        return f"RowMapper({self.profile.name!r}, {self.field_columns!r})"


def build_mapper(profile: Profile, columns: list[str], overrides: Mapping[str, str],
                 stats: Mapping[str, ColumnStats] | None = None, *, need_date: bool = True,
                 max_rating: float | None = None, profile_reason: str = "") -> RowMapper:
    """Resolve each field to a column of this file; ``overrides`` (field -> column) win.

    With ``stats`` (:func:`column_stats` of a sample), columns are also judged
    by what they hold: a body column of a few short labels gives way to a
    column of free text, and a status column whose values are not statuses is
    left in the extra data; both are named in the mapper's warnings.

    Raises ProfileError for an unknown field or column (naming the valid
    ones), or when neither body nor subject, or no received date, is found.
    """
    index = _column_index(columns)
    chosen: dict[str, str] = {}
    for f, col in overrides.items():
        if f not in FIELDS:
            raise ProfileError(f"'{f}' is not a field rca imports; fields are {', '.join(FIELDS)}")
        actual = col if col in columns else index.get(normalize_column(col))
        if actual is None:
            close = difflib.get_close_matches(col, columns, n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ProfileError(f"the file has no column '{col}' (for {option('map')} '{col}={f}'){hint} "
                               f"Columns are: {', '.join(columns)}")
        chosen[f] = actual
    auto = _resolve(profile, index, taken=chosen.values())
    field_columns = {f: chosen.get(f) or auto[f] for f in FIELDS if f in chosen or f in auto}
    how = {f: as_option("map") for f in chosen}
    warnings: list[str] = []
    if stats:
        _judge_by_content(field_columns, chosen, stats, how, warnings)
    if not _usable(field_columns, need_date):
        missing = []
        if not any(f in field_columns for f in REQUIRED_TEXT):
            missing.append("a text column (body or subject)")
        if REQUIRED_DATE not in field_columns and need_date:
            missing.append("a date column (received_at)")
        fix = (f'name it with {option("map")}, e.g. {option("map")} "Column Name=body"' if len(missing) > 1 or "text" in missing[0]
               else f'name it with {option("map")} "Column Name=received_at", or date every row with '
                    f"{option('received_on')} YYYY-MM-DD (the day the export was made)")
        raise ProfileError(
            f"the {profile.name} profile finds no {' and no '.join(missing)} in this file "
            f"(columns: {', '.join(columns) or 'none'}); {fix}")
    return RowMapper(profile, field_columns, columns=columns, how=how, warnings=warnings,
                     max_rating=max_rating, profile_reason=profile_reason)


def _judge_by_content(field_columns: dict[str, str], chosen: Mapping[str, str],
                      stats: Mapping[str, ColumnStats], how: dict[str, str], warnings: list[str]) -> None:
    """Check the name-based choice against what the columns hold (see build_mapper)."""
    used = set(field_columns.values())
    free_text = [c for c in _free_text_columns(stats) if c not in used]
    body = field_columns.get("body")
    body_stats = stats.get(body) if body else None
    if body is None and free_text:
        field_columns["body"] = free_text[0]
        how["body"] = "by content: the longest free-text column"
    elif body_stats is not None and free_text and (
            body_stats.is_label() or not body_stats.is_free_text()) \
            and stats[free_text[0]].mean_chars >= 3 * max(body_stats.mean_chars, 1):
        longer = free_text[0]
        what = (f"'{body}' holds {body_stats.distinct} distinct values in {body_stats.filled} rows, "
                f"about {body_stats.mean_words:.0f} words each, while '{longer}' holds free text "
                f"(about {stats[longer].mean_words:.0f} words)")
        if "body" in chosen:
            warnings.append(f"body: {what}; is {as_option('map')} '{body}=body' right?")
        else:
            field_columns["body"] = longer
            how["body"] = f"by content: {what}"
            warnings.append(f"body read from '{longer}', not '{body}': {what}; "
                            f"{as_option('map')} '{body}=body' if '{body}' is the complaint text")
    if REQUIRED_DATE not in field_columns:
        dates = [c for c in date_columns(stats) if c not in used]
        if dates:
            field_columns[REQUIRED_DATE] = dates[0]
            how[REQUIRED_DATE] = "by content: its values are dates"
            if len(dates) > 1:
                others = ", ".join(repr(c) for c in dates[1:4])
                how[REQUIRED_DATE] += f" (so are {others})"
                if not says_when_written(dates[0]):  # the name does not confirm the choice: say so
                    warnings.append(f"received date read from '{dates[0]}', a column of dates ({others} "
                                    f"hold dates too): {as_option('map')} 'COLUMN=received_at' if another one "
                                    "is when the customer wrote")
    status = field_columns.get("status")
    status_stats = stats.get(status) if status else None
    if status_stats is not None and not _looks_like_statuses(status_stats):
        shown = ", ".join(v for v in status_stats.common[:3])
        if "status" in chosen:
            warnings.append(f"status: '{status}' holds values that are not ticket statuses ({shown}, ...)")
        else:
            del field_columns["status"]
            warnings.append(f"'{status}' is not read as the status: its values are not ticket statuses "
                            f"({shown}, ...); it is kept as extra data. {as_option('map')} '{status}=status' reads it anyway")
