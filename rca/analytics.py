"""Figures about complaints and root causes, computed with SQL aggregates.

The CLI (`rca trends`, `rca causes …`) and the PDF reports use these same
functions, so a number means the same thing everywhere. Weeks are ISO weeks
in UTC; a period is a half-open interval [start, end).

Each query is written once, in SQL that SQLite and PostgreSQL both run, and
:func:`rows` runs it on either a SQLAlchemy session or a standard-library
sqlite3 connection (rca.db.read_only_sqlite). The commands that only read a
SQLite file, `rca causes list` first, so answer without importing SQLAlchemy,
which alone takes longer than the half second they have (issue #15).
"""

from __future__ import annotations

import dataclasses
import math
import sqlite3
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Union

from .causes.lifecycle import RECURRING, SAYS_NOTHING
from .errors import UsageError, option

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# What the functions below read from: a session, or a sqlite3 connection opened by rca.db.read_only_sqlite.
Reader = Union["Session", sqlite3.Connection]

EMERGING_BASELINE_WEEKS = 8
EMERGING_P_VALUE = 0.01
EMERGING_MIN_COUNT = 5
# Weeks with no complaints still count in a baseline; a cause never seen before
# has a baseline of zero, and Poisson needs a rate above zero.
EMERGING_RATE_FLOOR = 0.5


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC
    label: str
    # Set when the data stops inside the period (an export cut mid-week): the moment just
    # after its newest complaint.  Such a period is *partial*, and its previous period
    # covers the same span of time (the same days and hours of the week before), so a
    # comparison never reads the cut of an export as a drop.
    data_end: datetime | None = None

    @property
    def partial(self) -> bool:
        return self.data_end is not None and self.data_end < self.end

    def previous(self) -> Period:
        length = self.end - self.start
        start = self.start - length
        if self.partial:
            covered = self.data_end - self.start
            return Period(start, start + covered, f"the same span of {self._label_of(start, length)}")
        return Period(start, self.start, self._label_of(start, length))

    def _label_of(self, start: datetime, length: timedelta) -> str:
        if self.label.count("-W") == 1 and length == timedelta(days=7):
            return week_period(start.date()).label
        return f"{start:%Y-%m-%d} to {(start + length - timedelta(days=1)):%Y-%m-%d}"

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def cut_at(self, newest: datetime | None) -> Period:
        """This period, marked partial when the newest complaint (``newest``) falls before its end."""
        if newest is None or newest >= self.end - timedelta(microseconds=1) or newest < self.start:
            return self
        return dataclasses.replace(self, data_end=newest + timedelta(microseconds=1))


def week_start(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_period(day: date) -> Period:
    monday = week_start(day)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=timezone.utc)
    return Period(start, start + timedelta(days=7), week_label(monday))


def parse_period(text: str) -> Period:
    """'2026-W47' -> that ISO week."""
    try:
        year, week = text.upper().split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        raise UsageError(f"period '{text}' should be an ISO week like 2026-W47") from None
    return week_period(monday)


def date_range_period(first: date, last: date) -> Period:
    if last < first:
        raise UsageError(f"{option('to')} is before {option('from')}")
    start = datetime(first.year, first.month, first.day, tzinfo=timezone.utc)
    end = datetime(last.year, last.month, last.day, tzinfo=timezone.utc) + timedelta(days=1)
    return Period(start, end, f"{first:%Y-%m-%d} to {last:%Y-%m-%d}")


# -- running a query -------------------------------------------------------------

def rows(db: Reader, sql: str, **params: Any) -> list[tuple]:
    """The rows of one read query, on a SQLAlchemy session or a sqlite3 connection.

    Parameters are named (``:start``). A datetime is bound as rca stores it (naive
    UTC text on SQLite, as rca.models.UTCDateTime writes it); read one back with
    :func:`aware`, since SQLite returns text.
    """
    if isinstance(db, sqlite3.Connection):
        return db.execute(sql, _as_stored(params)).fetchall()
    from sqlalchemy import text

    if db.autoflush:  # as an ORM query would: pending changes are part of what is read
        db.flush()
    if db.get_bind().dialect.name == "sqlite":
        params = _as_stored(params)
    return [tuple(row) for row in db.execute(text(sql), params)]


def _as_stored(params: dict[str, Any]) -> dict[str, Any]:
    return {name: value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")
            if isinstance(value, datetime) else value for name, value in params.items()}


def _in(column: str, values: list[int], params: dict[str, Any]) -> str:
    """``column IN (:in0, :in1, …)``, its values added to ``params``."""
    names = [f"in{i}" for i in range(len(values))]
    params.update(zip(names, values))
    return f"{column} IN ({', '.join(':' + name for name in names)})"


def aware(value: datetime | str | None) -> datetime | None:
    """A datetime read back: SQLite gives naive UTC text, PostgreSQL an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def newest_received(db: Reader) -> datetime | None:
    return aware(rows(db, "SELECT max(received_at) FROM complaints")[0][0])


def latest_week(db: Reader) -> Period:
    """The ISO week of the newest complaint (this week if there are none)."""
    newest = newest_received(db)
    return week_period((newest or datetime.now(timezone.utc)).date())


def latest_complete_week(db: Reader) -> Period:
    """The last ISO week the data covers to its end: what a report is about by default.

    The week of the newest complaint counts as complete when that complaint was
    received on the week's last day (Sunday, UTC); otherwise the export was cut
    mid-week and the week before is the last complete one.  When the data holds
    nothing before that partial week, the partial week itself (marked partial).
    """
    newest = newest_received(db)
    if newest is None:
        return latest_week(db)
    week = week_period(newest.date())
    if newest.date() == (week.end - timedelta(days=1)).date():
        return week
    earlier = rows(db, "SELECT id FROM complaints WHERE received_at < :start LIMIT 1", start=week.start)
    return week_period((week.start - timedelta(days=1)).date()) if earlier else week.cut_at(newest)


# -- weekly counts -------------------------------------------------------------

def week_labels(last: Period, weeks: int) -> list[str]:
    monday = last.start.date()
    return [week_label(monday - timedelta(weeks=i)) for i in range(weeks - 1, -1, -1)]


def weekly_counts(db: Reader, last: Period, weeks: int = 12,
                  cause_ids: list[int] | None = None) -> dict[int | None, list[int]]:
    """Complaints per cause per ISO week, for ``weeks`` weeks ending with ``last``.

    The key None holds the unassigned complaints. Every list has ``weeks`` entries.
    """
    counts: dict[int | None, list[int]] = defaultdict(lambda: [0] * weeks)
    if cause_ids is not None and not cause_ids:
        return {}
    params: dict[str, Any] = {}
    only = "" if cause_ids is None else f" AND {_in('cause_id', cause_ids, params)}"
    # One index range scan per week: faster than grouping every row by its
    # computed day, and the same SQL on SQLite and PostgreSQL.
    for position in range(weeks):
        week_end = last.end - timedelta(weeks=weeks - 1 - position)
        for cause_id, count in rows(db, "SELECT cause_id, count(*) FROM complaints "
                                        f"WHERE received_at >= :start AND received_at < :end{only} GROUP BY cause_id",
                                    start=week_end - timedelta(weeks=1), end=week_end, **params):
            counts[cause_id][position] = count
    return dict(counts)


def total_weekly_counts(db: Reader, last: Period, weeks: int = 12) -> list[int]:
    totals = [0] * weeks
    for series in weekly_counts(db, last, weeks).values():
        totals = [a + b for a, b in zip(totals, series)]
    return totals


# -- a period's figures ----------------------------------------------------------

@dataclass
class CauseFigures:
    cause_id: int
    key: str
    title: str
    status: str
    owner: str | None
    defect_type: str | None
    count: int  # complaints received in the period
    previous: int  # in the previous period of the same length
    customers: int  # distinct customers in the period
    total: int  # all complaints ever
    first_seen: datetime | None
    fixed_at: datetime | None

    @property
    def growth(self) -> float | None:
        """Relative change against the previous period; None when it had none."""
        return None if self.previous == 0 else (self.count - self.previous) / self.previous


def cause_figures(db: Reader, period: Period) -> list[CauseFigures]:
    """Every active cause with its counts in ``period`` and the one before, biggest first."""
    previous = period.previous()
    # Two narrow queries instead of one join over every complaint: the totals
    # read the (cause_id, received_at) index, the periods the received_at one.
    totals = dict(rows(db, "SELECT cause_id, count(*) FROM complaints WHERE cause_id IS NOT NULL GROUP BY cause_id"))
    in_period = "received_at >= :start AND received_at < :end"
    recent = {cause_id: (count, prev, customers) for cause_id, count, prev, customers in rows(
        db, f"SELECT cause_id, count(CASE WHEN {in_period} THEN 1 END), "
            "count(CASE WHEN received_at < :previous_end THEN 1 END), "
            f"count(DISTINCT CASE WHEN {in_period} THEN customer_key END) "
            "FROM complaints WHERE received_at >= :previous_start AND received_at < :end AND cause_id IS NOT NULL "
            "GROUP BY cause_id",
        start=period.start, end=period.end, previous_start=previous.start, previous_end=previous.end)}
    figures = []
    for cause_id, key, title, status, owner, defect_type, first_seen, fixed_at in rows(
            db, 'SELECT id, "key", title, status, owner, defect_type, first_seen, fixed_at FROM root_causes '
                "WHERE merged_into_id IS NULL"):
        count, prev, customers = recent.get(cause_id, (0, 0, 0))
        figures.append(CauseFigures(cause_id, key, title, status, owner, defect_type, count, prev, customers,
                                    totals.get(cause_id, 0), aware(first_seen), aware(fixed_at)))
    figures.sort(key=lambda f: (-f.count, -f.total, f.key))
    return figures


@dataclass
class ParetoPoint:
    key: str
    count: int
    cumulative_share: float  # of all complaints in the period, unassigned included


def pareto(figures: list[CauseFigures], total_complaints: int) -> list[ParetoPoint]:
    points, running = [], 0
    for figure in sorted((f for f in figures if f.count), key=lambda f: (-f.count, f.key)):
        running += figure.count
        points.append(ParetoPoint(figure.key, figure.count, running / total_complaints if total_complaints else 0.0))
    return points


def top_share(figures: list[CauseFigures], total_complaints: int, n: int = 5) -> float:
    """Share of all complaints in the period explained by the n biggest causes."""
    if not total_complaints:
        return 0.0
    return sum(sorted((f.count for f in figures), reverse=True)[:n]) / total_complaints


@dataclass
class PeriodSummary:
    period: Period
    complaints: int
    customers: int
    unassigned: int  # in no cause, and saying something (not the replies below)
    new_causes: int  # causes whose first complaint was received in the period
    recurring_causes: int
    fixed_in_period: int
    top5_share: float
    median_days_to_fix: float | None  # over causes fixed in the period
    # In no cause because a run found their words name none (thanks, "ok, DM sent"; lifecycle.SAYS_NOTHING).
    says_nothing: int = 0

    @property
    def unassigned_share(self) -> float:
        return self.unassigned / self.complaints if self.complaints else 0.0


def period_summary(db: Reader, period: Period, figures: list[CauseFigures] | None = None) -> PeriodSummary:
    figures = cause_figures(db, period) if figures is None else figures
    [(complaints, customers, unassigned, says_nothing)] = rows(
        db, "SELECT count(*), count(DISTINCT customer_key), "
            "count(CASE WHEN cause_id IS NULL AND (assigned_by IS NULL OR assigned_by <> :silent) THEN 1 END), "
            "count(CASE WHEN cause_id IS NULL AND assigned_by = :silent THEN 1 END) "
            "FROM complaints WHERE received_at >= :start AND received_at < :end",
        start=period.start, end=period.end, silent=SAYS_NOTHING)
    fixed = [f for f in figures if f.fixed_at and period.contains(f.fixed_at)]
    days = [(f.fixed_at - f.first_seen).total_seconds() / 86400 for f in fixed if f.first_seen]
    return PeriodSummary(
        period=period, complaints=complaints, customers=customers, unassigned=unassigned, says_nothing=says_nothing,
        new_causes=sum(1 for f in figures if f.first_seen and period.contains(f.first_seen)),
        recurring_causes=sum(1 for f in figures if f.status == RECURRING),
        fixed_in_period=len(fixed), top5_share=top_share(figures, complaints),
        median_days_to_fix=statistics.median(days) if days else None)


def days_to_fix(figures: list[CauseFigures]) -> dict[str, float]:
    """Days from a cause's first complaint to its fix, for fixed causes."""
    return {f.key: (f.fixed_at - f.first_seen).total_seconds() / 86400
            for f in figures if f.fixed_at and f.first_seen}


def known_problem_complaints(db: Reader) -> dict[int, int]:
    """Per cause: complaints received after its first report and before its fix.

    These customers hit a problem we already knew about. For a cause not yet
    fixed, every complaint after the first one counts.
    """
    return dict(rows(db, "SELECT r.id, count(c.id) FROM root_causes r JOIN complaints c ON c.cause_id = r.id "
                         "WHERE r.merged_into_id IS NULL AND c.received_at > r.first_seen "
                         "AND (r.fixed_at IS NULL OR c.received_at < r.fixed_at) GROUP BY r.id"))


# -- emerging causes ---------------------------------------------------------------

@dataclass
class EmergingVerdict:
    emerging: bool
    reason: str
    p_value: float | None = None
    baseline: float = 0.0
    observed: int = 0


def poisson_at_least(k: int, rate: float) -> float:
    """P(X >= k) for X ~ Poisson(rate), summed in log space.

    Twenty lines instead of scipy.stats, whose import alone costs seconds in
    every report and listing.
    """
    if k <= 0:
        return 1.0
    log_rate = math.log(rate)
    below = sum(math.exp(i * log_rate - rate - math.lgamma(i + 1)) for i in range(k))
    return max(0.0, 1.0 - below) if below < 0.999 else _upper_tail(k, rate, log_rate)


def _upper_tail(k: int, rate: float, log_rate: float) -> float:
    # 1 - (sum below k) loses every digit when the tail is tiny: add the tail itself.
    total, i = 0.0, k
    while True:
        term = math.exp(i * log_rate - rate - math.lgamma(i + 1))
        total += term
        if term < total * 1e-16 or i > k + 10_000:
            return total
        i += 1


def emerging_rule(weekly: list[int], *, min_count: int = EMERGING_MIN_COUNT,
                  baseline_weeks: int = EMERGING_BASELINE_WEEKS, alpha: float = EMERGING_P_VALUE) -> EmergingVerdict:
    """Is the last week's count significantly above this cause's own baseline?

    The rule: with ``observed`` complaints in the latest week and the mean
    ``baseline`` of the ``baseline_weeks`` weeks before it, the cause is
    emerging when observed >= ``min_count`` and either
    - it had no complaint at all in the baseline weeks (new this week), or
    - P(X >= observed) < ``alpha`` for X ~ Poisson(max(baseline, 0.5)).
    """
    observed = weekly[-1] if weekly else 0
    history = weekly[-1 - baseline_weeks:-1] if len(weekly) > 1 else []
    history = [0] * (baseline_weeks - len(history)) + list(history)
    baseline = sum(history) / baseline_weeks
    if observed < min_count:
        return EmergingVerdict(False, f"{observed} this week, below {min_count}", None, baseline, observed)
    if sum(history) == 0:
        return EmergingVerdict(True, f"new: {observed} this week, none in the {baseline_weeks} weeks before",
                               0.0, baseline, observed)
    p_value = poisson_at_least(observed, max(baseline, EMERGING_RATE_FLOOR))
    if p_value < alpha:
        return EmergingVerdict(True, f"{observed} this week against {baseline:.1f}/week before (p={p_value:.2g})",
                               p_value, baseline, observed)
    return EmergingVerdict(False, f"{observed} this week is within its usual {baseline:.1f}/week",
                           p_value, baseline, observed)


def emerging_causes(db: Reader, last: Period) -> dict[int, EmergingVerdict]:
    weeks = EMERGING_BASELINE_WEEKS + 1
    counts = weekly_counts(db, last, weeks)
    return {cause_id: verdict for cause_id, series in counts.items() if cause_id is not None
            and (verdict := emerging_rule(series)).emerging}


@dataclass
class CauseBreakdown:
    pages: list[tuple[str, int]] = field(default_factory=list)
    products: list[tuple[str, int]] = field(default_factory=list)
    channels: list[tuple[str, int]] = field(default_factory=list)


BREAKDOWNS = {"pages": "page_url", "products": "product", "channels": "channel"}  # CauseBreakdown's field: column


def cause_breakdown(db: Reader, cause_id: int, top: int = 5) -> CauseBreakdown:
    """The pages, products and channels a cause's complaints mention most."""
    return CauseBreakdown(**{name: rows(db, f"SELECT {column}, count(*) FROM complaints "
                                            f"WHERE cause_id = :cause_id AND {column} IS NOT NULL "
                                            f"GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT :top",
                                        cause_id=cause_id, top=top)
                             for name, column in BREAKDOWNS.items()})


# -- figures for the reports (added with reports/; existing functions above are unchanged) --

def recurred_in_period(db: Reader, period: Period) -> dict[int, int]:
    """Causes that came back: per cause fixed at some point, its complaints received in
    ``period`` after its fix date.

    Unlike the ``recurring`` status (which describes today), this can be computed
    for any past period, so a report can compare it with the period before.
    """
    return dict(rows(db, "SELECT c.cause_id, count(*) FROM complaints c JOIN root_causes r ON c.cause_id = r.id "
                         "WHERE r.merged_into_id IS NULL AND r.fixed_at IS NOT NULL AND c.received_at > r.fixed_at "
                         "AND c.received_at >= :start AND c.received_at < :end GROUP BY c.cause_id",
                     start=period.start, end=period.end))


def period_breakdowns(db: Reader, cause_ids: list[int], period: Period, top: int = 5) -> dict[int, CauseBreakdown]:
    """Per cause, the pages, products and channels its complaints received in ``period`` mention most.

    Three grouped queries for all the causes together (cause_breakdown() runs three per cause over
    all time, which is slow for many big causes).
    """
    found = {cause_id: CauseBreakdown() for cause_id in cause_ids}
    if not cause_ids:
        return found
    params: dict[str, Any] = {}
    only = _in("cause_id", cause_ids, params)
    for name, column in BREAKDOWNS.items():
        per_cause: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for cause_id, value, count in rows(
                db, f"SELECT cause_id, {column}, count(*) FROM complaints WHERE {only} AND {column} IS NOT NULL "
                    f"AND received_at >= :start AND received_at < :end GROUP BY cause_id, {column}",
                start=period.start, end=period.end, **params):
            per_cause[cause_id].append((value, count))
        for cause_id, values in per_cause.items():
            values.sort(key=lambda pair: (-pair[1], pair[0]))
            setattr(found[cause_id], name, values[:top])
    return found
