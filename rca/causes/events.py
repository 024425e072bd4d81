"""The audit log of root causes: every change is one cause_events row, written and worded here."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import CauseEvent


def record(session: Session, cause_id: int, actor: str, kind: str, old: str | None = None,
           new: str | None = None, *, run_id: int | None = None) -> None:
    session.add(CauseEvent(cause_id=cause_id, actor=actor, kind=kind, old_value=old, new_value=new, run_id=run_id))


def describe(kind: str, old: str | None, new: str | None) -> str:
    """One event in words, as `rca causes show` and the team report both say it."""
    kind = kind.replace("_", " ")
    if old and new:
        return f"{kind}: {old} → {new}"
    return f"{kind} {new or old or ''}".strip()
