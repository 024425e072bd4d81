"""A root cause's life: statuses, the allowed moves between them, and recurrence.

    new -> investigating -> fixing -> fixed -> verified
    any open status -> wont_fix;  fixed/verified -> recurring (automatic) -> investigating/fixing/fixed

A complaint *received* after a cause's fix date (not merely imported after it)
that lands in a fixed or verified cause flips the cause to ``recurring``.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import CauseEvent, Complaint, RootCause

FIXED_STATUSES = ("fixed", "verified")

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("investigating", "fixing", "fixed", "wont_fix"),
    "investigating": ("fixing", "fixed", "wont_fix"),
    "fixing": ("fixed", "investigating", "wont_fix"),
    "fixed": ("verified", "recurring", "fixing"),
    "verified": ("recurring",),
    "recurring": ("investigating", "fixing", "fixed", "wont_fix"),
    "wont_fix": ("investigating",),
}


def complaints_since_fix(session: Session, cause: RootCause) -> int:
    if cause.fixed_at is None:
        return 0
    return session.scalar(select(func.count()).select_from(Complaint).where(
        Complaint.cause_id == cause.id, Complaint.received_at > cause.fixed_at)) or 0


def flag_recurrences(session: Session, keys: list[str], *, run_id: int | None = None,
                     actor: str = "rca cluster") -> list[str]:
    """Flip fixed/verified causes among ``keys`` that got a complaint received after the fix."""
    if not keys:
        return []
    recurred = []
    causes = session.scalars(select(RootCause).where(RootCause.key.in_(keys),
                                                     RootCause.status.in_(FIXED_STATUSES))).all()
    for cause in causes:
        count = complaints_since_fix(session, cause)
        if count == 0:
            continue
        session.add(CauseEvent(cause_id=cause.id, actor=actor, kind="status", old_value=cause.status,
                               new_value="recurring", run_id=run_id))
        session.add(CauseEvent(cause_id=cause.id, actor=actor, kind="recurred", run_id=run_id,
                               new_value=f"{count} complaint(s) received since the fix on "
                                         f"{cause.fixed_at:%Y-%m-%d}"))
        cause.status = "recurring"
        recurred.append(cause.key)
    return sorted(recurred)
