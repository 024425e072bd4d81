"""What columns hold, by content: free text, labels, ticket statuses, dates."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..dates import DateParser, looks_like_date
from .converters import _text


@dataclass
class ColumnStats:
    """What a sample of a column holds: enough to tell free text from labels and codes."""

    filled: int = 0
    distinct: int = 0
    mean_chars: float = 0.0
    mean_words: float = 0.0
    common: tuple[str, ...] = ()  # its most frequent values, lower case
    # The sampled values, for what only some files need (is_dates): most files name their date column.
    values: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def distinct_share(self) -> float:
        return self.distinct / self.filled if self.filled else 0.0

    def is_free_text(self) -> bool:
        """Sentences people wrote: several words a value, and mostly different values."""
        return self.filled > 0 and self.mean_words >= 6 and self.distinct_share >= 0.6

    @cached_property
    def is_dates(self) -> bool:
        """Nearly every value a written date or time ("2015-02-24 11:35:52 -0800", "Oct 31, 2017");
        a bare number is not one (ids and counts look like Unix times)."""
        return self.filled > 0 and sum(1 for v in self.values if looks_like_date(v)) >= 0.9 * self.filled

    @cached_property
    def median_date(self) -> str:
        """Of a date column: its middle value, UTC ISO text (sorts as time does); "" when none parses."""
        parse = DateParser.for_values(self.values)
        parsed = []
        for value in self.values:
            try:
                parsed.append(parse(value).isoformat())
            except (ValueError, OverflowError):
                continue
        return sorted(parsed)[len(parsed) // 2] if parsed else ""

    def is_label(self) -> bool:
        """Few distinct short values (a menu pick, a category), judged on enough rows."""
        return self.filled >= 10 and (self.distinct_share < 0.5 or self.mean_words < 4)


def column_stats(columns: Iterable[str], records: Iterable[Mapping[str, Any]]) -> dict[str, ColumnStats]:
    """ColumnStats of each column over sample records (lists and objects are not text)."""
    values: dict[str, list[str]] = {c: [] for c in columns}
    for record in records:
        for column, bucket in values.items():
            value = record.get(column)
            if value is None or isinstance(value, (list, dict)):
                continue
            text = value.strip() if value.__class__ is str else _text(value)
            if text:
                bucket.append(text)
    stats: dict[str, ColumnStats] = {}
    for column, texts in values.items():
        if not texts:
            stats[column] = ColumnStats()
            continue
        counts = Counter(t.lower() for t in texts)
        stats[column] = ColumnStats(
            filled=len(texts), distinct=len(set(texts)),
            mean_chars=sum(map(len, texts)) / len(texts),
            mean_words=sum(len(t.split()) for t in texts) / len(texts),
            common=tuple(v for v, _ in counts.most_common(8)), values=tuple(texts))
    return stats


# A date column is told by its values; among several, the name says which one is
# when the customer wrote (created, sent, posted) and which ones came later.
_WHEN_WRITTEN = re.compile(r"creat|receiv|submit|post|sent|open|report|publish|written|date|time", re.IGNORECASE)
_LATER_EVENT = re.compile(r"updat|modif|chang|clos|resolv|solv|due|expir|birth|dob|last|repl|respon|assign",
                          re.IGNORECASE)


def date_columns(stats: Mapping[str, ColumnStats]) -> list[str]:
    """Columns of written dates, the likeliest receive date first.

    A name that says a later event (updated, closed, due) goes last; then a name that
    says when it was written (created, posted, date); then, in any language, the
    earlier dates: a ticket is written before it is answered, closed or due.
    """
    order = {c: i for i, c in enumerate(stats)}

    def rank(column: str) -> tuple:
        later = bool(_LATER_EVENT.search(column))
        return later, not later and not _WHEN_WRITTEN.search(column), stats[column].median_date, order[column]

    return sorted((c for c, s in stats.items() if s.is_dates), key=rank)


def says_when_written(column: str) -> bool:
    """The column's name says when a message was written (created, posted, date), not a later event."""
    return bool(_WHEN_WRITTEN.search(column)) and not _LATER_EVENT.search(column)



# Words ticket statuses are made of, in the help desks rca knows and in plain
# English; a "status" column none of whose common values holds one (US state
# codes, priorities, names) is not a status.
_STATUS_WORDS = frozenset("""
    new open opened reopened pending solved resolved closed close hold waiting wait progress active
    assigned escalated cancelled canceled done complete completed fixed rejected duplicate spam deleted
    archived draft submitted received acknowledged investigating answered unanswered responded awaiting
    snoozed published todo backlog review blocked wontfix triage triaged accepted declined expired
    processing untriaged verified explanation relief response responses monetary non-monetary untimely
    working working-on-it on-hold in-progress needs-info
    offen geschlossen gelöst neu wartend bearbeitung erledigt ouvert fermé résolu nouveau attente
    abierto cerrado resuelto nuevo pendiente aperto chiuso risolto nuovo""".split())


_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _looks_like_statuses(stats: ColumnStats) -> bool:
    if stats.filled < 5 or not stats.common:
        return True  # too little to judge
    hits = sum(1 for value in stats.common
               if value.isdigit() or any(w in _STATUS_WORDS for w in _WORD.findall(value)))
    return hits * 2 >= len(stats.common)
