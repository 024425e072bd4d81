"""What a profile is: per field the column names a help desk uses, signature columns, converters and skip rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .converters import _DEFAULT_CONVERTERS
from .fields import FIELDS, normalize_column


@dataclass(frozen=True)
class SkipRule:
    """Rows that are not a customer's complaint: skipped, counted under ``reason``.

    The first of ``columns`` the file has is read; a row is skipped when its
    value (trimmed, lower case) is one of ``values``.
    """

    columns: tuple[str, ...]
    values: frozenset[str]
    reason: str


@dataclass(frozen=True)
class Profile:
    """How one help desk names its columns.

    ``fields``: our field -> candidate column names, best first (matched after
    :func:`normalize_column`). ``signature``: columns typical of this source
    only; detection counts how many a file has. ``converters``: per-field
    overrides of the default value conversion. ``html_columns``: columns whose
    text is HTML and is reduced to plain text. ``skip``: rows that are the
    company's own words (replies, outbound messages) or not complaints at all
    (deleted tickets). ``no_text_reason``: rows without text are skipped with
    this reason instead of being rejected, when the source leaves text out on
    purpose. ``tag_columns``: columns whose values also become tags, so labels
    a source picks from menus can be filtered on. ``not_kept``: columns of
    personal data no field needs (column -> why), left out of the extra data.
    ``defaults``: a field's value when no column gives one (the channel of a
    single-channel source). ``one_customer_per_ticket``: the source publishes
    no customer identity and each ticket is a different customer.
    ``max_rating``: review sources skip ratings above it by default.
    """

    name: str
    fields: Mapping[str, tuple[str, ...]]
    signature: frozenset[str] = frozenset()
    converters: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    html_columns: frozenset[str] = frozenset()
    min_signature: int = 2  # signature columns needed before detection trusts it
    description: str = ""
    skip: tuple[SkipRule, ...] = ()
    no_text_reason: str | None = None
    tag_columns: tuple[str, ...] = ()
    not_kept: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    one_customer_per_ticket: bool = False
    # Rows rated above this are skipped unless --max-rating says otherwise; None:
    # ratings are kept whatever they are (a survey's 0-10 score is not a review).
    max_rating: float | None = None

    def candidates(self, field_name: str) -> tuple[str, ...]:
        return self.fields.get(field_name, ())

    def converter(self, field_name: str) -> Callable[[Any], Any]:
        return self.converters.get(field_name) or _DEFAULT_CONVERTERS[field_name]


# Extras every profile accepts, for custom columns users commonly add.
_COMMON: dict[str, tuple[str, ...]] = {
    "product": ("product", "product name"),
    "page_url": ("page url", "page", "url of page"),
    "defect_type": ("defect type", "defect category", "defect"),
    "updated_at": ("updated at", "updated", "last updated", "last modified", "modified at",
                   "last update time", "last modified date", "date updated"),
}


def _profile(name: str, fields: dict[str, tuple[str, ...]], signature: Iterable[str] = (),
             **kwargs: Any) -> Profile:
    merged: dict[str, tuple[str, ...]] = {}
    for f in FIELDS:
        names = fields.get(f, ()) + tuple(n for n in _COMMON.get(f, ()) if n not in fields.get(f, ()))
        merged[f] = tuple(normalize_column(n) for n in names)
    unknown = set(fields) - set(FIELDS)
    assert not unknown, f"profile {name}: unknown fields {unknown}"
    html = frozenset(normalize_column(c) for c in kwargs.pop("html_columns", ()))
    skip = tuple(SkipRule(tuple(normalize_column(c) for c in rule.columns),
                          frozenset(v.lower() for v in rule.values), rule.reason)
                 for rule in kwargs.pop("skip", ()))
    tag_columns = tuple(normalize_column(c) for c in kwargs.pop("tag_columns", ()))
    not_kept = MappingProxyType({normalize_column(c): why for c, why in kwargs.pop("not_kept", {}).items()})
    return Profile(name=name, fields=MappingProxyType(merged),
                   signature=frozenset(normalize_column(c) for c in signature),
                   html_columns=html, skip=skip, tag_columns=tag_columns, not_kept=not_kept, **kwargs)


_FALSE = frozenset({"false", "0", "no", "n", "f"})
