"""Read-only views of causes and complaints, shaped for listing, showing and reporting.

Reading never depends on writing: nothing here imports rca.causes.curation.
The list of causes is in rca.causes.listing, which reads without SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..analytics import (CauseBreakdown, Period, aware, cause_breakdown, latest_complete_week, latest_week, week_labels,
                         weekly_counts)
from ..errors import UsageError
from ..models import CauseEvent, Complaint, RootCause
from .keys import get_cause
from .lifecycle import FIXED_STATUSES
from .recurrence import complaints_since_fix

if TYPE_CHECKING:
    from ..quotes import ChosenQuote

# rca.quotes and rca.redact load in the functions that quote or show complaint
# text: `rca causes list` needs neither, and redaction's patterns take a
# tenth of a second to compile (issue #15).


@dataclass
class CauseDetail:
    cause: RootCause
    total: int
    customers: int
    weeks: list[str]
    weekly: list[int]
    quotes: list[ChosenQuote]  # as every report quotes the cause (rca.quotes)
    quotes_period: Period
    breakdown: CauseBreakdown
    events: list[CauseEvent]
    received_since_fix: int
    first_seen: datetime | None
    last_seen: datetime | None
    merged_keys: list[str] = field(default_factory=list)


def cause_detail(session: Session, key: str, weeks: int = 12) -> CauseDetail:
    cause = get_cause(session, key)
    last = latest_week(session)
    total, customers, first_received, last_received = session.execute(
        select(func.count(), func.count(func.distinct(Complaint.customer_key)), func.min(Complaint.received_at),
               func.max(Complaint.received_at)).where(Complaint.cause_id == cause.id)).one()
    series = weekly_counts(session, last, weeks, cause_ids=[cause.id]).get(cause.id, [0] * weeks)
    report_period = latest_complete_week(session)  # the period `rca report` quotes by default
    from ..quotes import choose_quotes

    quotes = choose_quotes(session, cause.id, cause.keywords, report_period)
    merged = merged_keys(session, cause.id)
    return CauseDetail(cause, total, customers, week_labels(last, weeks), series, quotes, report_period,
                       cause_breakdown(session, cause.id), history(session, key), complaints_since_fix(session, cause),
                       aware(first_received), aware(last_received), merged)


def merged_keys(session: Session, cause_id: int) -> list[str]:
    """The keys of the causes merged into this one."""
    return list(session.scalars(select(RootCause.key).where(RootCause.merged_into_id == cause_id)
                                .order_by(RootCause.key)))


def cause_keywords(session: Session, cause_id: int) -> list[str] | None:
    return session.scalar(select(RootCause.keywords).where(RootCause.id == cause_id))


def causes_by_id(session: Session, cause_ids: list[int]) -> dict[int, RootCause]:
    if not cause_ids:
        return {}
    return {c.id: c for c in session.scalars(select(RootCause).where(RootCause.id.in_(cause_ids)))}


def cause_keys(session: Session) -> dict[int, str]:
    """Every cause's key by id (merged ones too: old events name them)."""
    return dict(session.execute(select(RootCause.id, RootCause.key)).all())


def cause_titles(session: Session) -> dict[int, str]:
    return dict(session.execute(select(RootCause.id, RootCause.title)).all())


def database_is_empty(session: Session) -> bool:
    """No complaint and no cause at all: nothing was imported yet."""
    return session.scalar(select(Complaint.id).limit(1)) is None and session.scalar(select(RootCause.id).limit(1)) is None


def history(session: Session, key: str) -> list[CauseEvent]:
    """All events of a cause, and of the causes merged into it, oldest first."""
    cause = get_cause(session, key)
    ids = [cause.id] + list(session.scalars(select(RootCause.id).where(RootCause.merged_into_id == cause.id)))
    return list(session.scalars(select(CauseEvent).where(CauseEvent.cause_id.in_(ids))
                                .order_by(CauseEvent.at, CauseEvent.id)))


def list_complaints(session: Session, *, cause: str | None = None, unassigned: bool = False,
                    limit: int = 50) -> list[dict[str, Any]]:
    """Complaints for display, text redacted again (a database imported by an older rca
    holds kinds it did not redact yet)."""
    from ..redact import redact

    query = select(Complaint, RootCause.key).outerjoin(RootCause, Complaint.cause_id == RootCause.id)
    if cause is not None:
        query = query.where(Complaint.cause_id == get_cause(session, cause).id)
    elif unassigned:
        query = query.where(Complaint.cause_id.is_(None))
    query = query.order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(limit)
    return [{"id": c.id, "received": c.received_at, "source": c.source, "ticket": c.external_id,
             "cause": key, "assigned_by": c.assigned_by, "similarity": c.similarity, "channel": c.channel,
             "defect_type": c.defect_type, "subject": redact(c.subject) if c.subject else c.subject,
             "body": redact(c.body) if c.body else c.body}
            for c, key in session.execute(query)]


def followup_contacts(session: Session, key: str) -> tuple[RootCause, list[dict[str, Any]]]:
    """Customers who reported a fixed cause, so support can tell them it is fixed.

    The one place contacts leave the database, and only for fixed causes.
    """
    cause = get_cause(session, key)
    if cause.status not in FIXED_STATUSES:
        raise UsageError(f"{cause.key} is {cause.status}: follow-up lists are for fixed or verified causes "
                         f"(mark it with `rca causes status {cause.key} fixed`)")
    rows = session.execute(select(Complaint.contact, Complaint.id, Complaint.external_id, Complaint.source,
                                  Complaint.received_at, Complaint.channel)
                           .where(Complaint.cause_id == cause.id, Complaint.contact.is_not(None))
                           .order_by(Complaint.contact, Complaint.received_at)).all()
    return cause, [{"contact": r.contact, "complaint_id": r.id, "ticket": r.external_id, "source": r.source,
                    "received": r.received_at, "channel": r.channel} for r in rows]
