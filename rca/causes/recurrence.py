"""Recurrence: a fixed or verified cause that gets a complaint received after its fix flips to recurring."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Complaint, RootCause
from .events import record
from .lifecycle import FIXED_STATUSES, RECURRING


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
        record(session, cause.id, actor, "status", cause.status, RECURRING, run_id=run_id)
        record(session, cause.id, actor, "recurred", None,
               f"{count} complaint(s) received since the fix on {cause.fixed_at:%Y-%m-%d}", run_id=run_id)
        cause.status = RECURRING
        recurred.append(cause.key)
    return sorted(recurred)
