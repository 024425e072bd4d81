"""Listing causes: the status filters and sort orders (the CLI's choices), and the list itself.

Light to import: the list is read with rca.analytics' plain SQL, from a session
or from the sqlite3 connection rca.schema.read_only_sqlite opens, so
`rca causes list` answers without loading SQLAlchemy.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from ..analytics import (Period, Reader, aware, cause_figures, emerging_causes, known_problem_complaints,
                         latest_week, newest_received, rows)
from ..errors import UsageError, option
from .lifecycle import CAUSE_STATUSES, FIXED

SORTS = ("count", "growth", "recent")
EMERGING = "emerging"  # a filter beside the lifecycle's statuses: causes growing unusually fast
STATUS_FILTERS = (*CAUSE_STATUSES, EMERGING)
VERIFY_AFTER_DAYS = 14


def list_causes(db: Reader, *, status: str | None = None, owner: str | None = None,
                sort: str = "count", period: Period | None = None) -> list[dict[str, Any]]:
    """Active causes with their figures for ``period`` (default: the newest week with data)."""
    if status is not None and status not in STATUS_FILTERS:
        raise UsageError(f"unknown status '{status}': statuses are {', '.join(CAUSE_STATUSES)} (or emerging)")
    if sort not in SORTS:
        raise UsageError(f"{option('sort')} takes one of {', '.join(SORTS)}")
    period = period or latest_week(db)
    emerging = emerging_causes(db, period)
    known = known_problem_complaints(db)
    found = []
    for f in cause_figures(db, period):
        if status == EMERGING and f.cause_id not in emerging:
            continue
        if status not in (None, EMERGING) and f.status != status:
            continue
        if owner is not None and (f.owner or "").lower() != owner.lower():
            continue
        found.append({
            "key": f.key, "title": f.title, "status": f.status, "owner": f.owner, "defect_type": f.defect_type,
            "total": f.total, "this_period": f.count, "previous": f.previous,
            "growth": None if f.growth is None else round(f.growth, 3),
            "customers": f.customers, "emerging": f.cause_id in emerging,
            "known_before_fix": known.get(f.cause_id, 0),
            "first_seen": f.first_seen, "fixed_at": f.fixed_at, "_id": f.cause_id,
        })
    if sort == "growth":
        found.sort(key=lambda r: (-(r["this_period"] - r["previous"]), r["key"]))
    elif sort == "recent":
        last = {cause_id: aware(seen) for cause_id, seen in rows(db, "SELECT id, last_seen FROM root_causes")}
        epoch = datetime.min.replace(tzinfo=timezone.utc)
        found.sort(key=lambda r: (-(last.get(r["_id"]) or epoch).timestamp(), r["key"]))
    return found


def verification_candidates(db: Reader, quiet_days: int = VERIFY_AFTER_DAYS,
                            now: datetime | None = None) -> list[tuple[str, int]]:
    """Fixed causes with no complaint received since their fix, fixed ``quiet_days`` or more ago.

    Returns (cause key, days since the fix). Quiet time is measured against the
    newest complaint in the database when no ``now`` is given, so an old
    database does not verify everything by the calendar alone.
    """
    now = now or newest_received(db) or datetime.now(timezone.utc)
    found = []
    # "Since the fix" as rca.causes.recurrence counts it: received after fixed_at.
    for key, fixed_at in rows(db, 'SELECT "key", fixed_at FROM root_causes r '
                                  "WHERE status = :fixed AND merged_into_id IS NULL AND fixed_at IS NOT NULL "
                                  "AND NOT EXISTS (SELECT 1 FROM complaints c "
                                  "WHERE c.cause_id = r.id AND c.received_at > r.fixed_at)", fixed=FIXED):
        quiet = now - aware(fixed_at)
        if quiet >= timedelta(days=quiet_days):
            found.append((key, quiet.days))
    return found
