"""Root-cause keys (RC-0001, never reused) and finding the cause a key names."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from ..models import RootCause


def cause_key(number: int) -> str:
    return f"RC-{number:04d}"


def next_cause_number(session: Session) -> int:
    keys = session.scalars(select(RootCause.key)).all()
    return max((int(key.split("-")[1]) for key in keys), default=0) + 1


def get_cause(session: Session, key: str) -> RootCause:
    """The cause for a key; a merged cause's key resolves to the cause it went into."""
    normalized = key.strip().upper()
    if normalized.isdigit():
        normalized = cause_key(int(normalized))
    cause = session.scalar(select(RootCause).where(RootCause.key == normalized))
    if cause is None:
        raise NotFoundError(f"no root cause {key}: `rca causes list` shows the keys")
    seen = set()
    while cause.merged_into_id is not None and cause.id not in seen:
        seen.add(cause.id)
        cause = session.get(RootCause, cause.merged_into_id)
    return cause
