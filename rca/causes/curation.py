"""What people do to root causes: name, own, fix, merge, split, move.

Every change writes a cause_events row (who, what, when). Merges, splits and
moves change membership, and clustering runs never move a complaint that is
already in a cause, so these decisions hold in every later run; each is also
written to ``rules`` as the record of a person's decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlparse

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..errors import NotFoundError, UsageError, option
from ..models import Complaint, RootCause, Rule
from .events import record
from .keys import cause_key, get_cause, next_cause_number
from .lifecycle import FIXED, NEW, check_transition
from .recurrence import complaints_since_fix, flag_recurrences


def rename(session: Session, key: str, title: str, actor: str) -> RootCause:
    title = " ".join(title.split())
    if not title:
        raise UsageError("the new title is empty")
    if len(title) > 300:
        raise UsageError("titles are at most 300 characters")
    cause = get_cause(session, key)
    record(session, cause.id, actor, "renamed", cause.title, title)
    cause.title = title
    return cause


def assign(session: Session, key: str, owner: str | None, actor: str) -> RootCause:
    owner = (owner or "").strip() or None
    cause = get_cause(session, key)
    record(session, cause.id, actor, "owner", cause.owner, owner)
    cause.owner = owner
    return cause


@dataclass
class StatusChange:
    cause: RootCause
    old: str
    new: str
    received_since_fix: int = 0


def set_status(session: Session, key: str, status: str, actor: str, on: datetime | None = None) -> StatusChange:
    """Move a cause to ``status`` (as rca.causes.lifecycle allows); ``on`` dates a fix (default: now)."""
    cause = get_cause(session, key)
    old = cause.status
    check_transition(cause.key, old, status)
    if on is not None and status != FIXED:
        raise UsageError(f"{option('on')} gives the fix date: use it with status fixed")
    change = StatusChange(cause, old, status)
    record(session, cause.id, actor, "status", old, status)
    cause.status = status
    if status == FIXED:
        cause.fixed_at = on or datetime.now(timezone.utc)
        record(session, cause.id, actor, "fixed_at", None, cause.fixed_at.isoformat())
        # A fix dated in the past may already have complaints received after it.
        change.received_since_fix = complaints_since_fix(session, cause)
    return change


def add_note(session: Session, key: str, text: str, actor: str) -> RootCause:
    if not text.strip():
        raise UsageError("the note is empty")
    cause = get_cause(session, key)
    record(session, cause.id, actor, "note", None, text.strip())
    return cause


def link_ticket(session: Session, key: str, url: str, actor: str) -> RootCause:
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UsageError(f"'{url}' is not an http(s) URL")
    cause = get_cause(session, key)
    record(session, cause.id, actor, "ticket", cause.ticket_url, url.strip())
    cause.ticket_url = url.strip()
    return cause


def _refresh_dates(session: Session, cause: RootCause) -> None:
    first, last = session.execute(select(func.min(Complaint.received_at), func.max(Complaint.received_at))
                                  .where(Complaint.cause_id == cause.id)).one()
    cause.first_seen, cause.last_seen = first, last


def merge(session: Session, into_key: str, from_key: str, actor: str) -> tuple[RootCause, RootCause, int]:
    """Merge cause b into cause a: b's complaints join a, b's key resolves to a from now on."""
    target, source = get_cause(session, into_key), get_cause(session, from_key)
    if target.id == source.id:
        raise UsageError(f"{from_key} is {target.key} already (merged earlier?)")
    moved = session.execute(update(Complaint).where(Complaint.cause_id == source.id)
                            .values(cause_id=target.id, assigned_by="rule")).rowcount
    source.merged_into_id = target.id
    session.add(Rule(kind="merge", cause_id=source.id, target_cause_id=target.id, actor=actor))
    record(session, source.id, actor, "merged_into", None, target.key)
    record(session, target.id, actor, "merged", source.key, f"{moved} complaints from {source.key}")
    session.flush()
    _refresh_dates(session, target)
    flag_recurrences(session, [target.key], actor=actor)
    return target, source, moved


def move(session: Session, complaint_ids: list[int], to_key: str, actor: str) -> tuple[RootCause, int]:
    """Put complaints in the cause they belong to; returns the cause and how many moved
    (complaints already in it stay as they are and are not counted)."""
    target = get_cause(session, to_key)
    complaints = session.scalars(select(Complaint).where(Complaint.id.in_(complaint_ids))).all()
    missing = sorted(set(complaint_ids) - {c.id for c in complaints})
    if missing:
        raise NotFoundError(f"no complaint with id {', '.join(map(str, missing))}: "
                            "`rca complaints list` shows the ids")
    sources: dict[int, list[int]] = {}
    moved = []
    for complaint in complaints:
        if complaint.cause_id == target.id:
            continue
        if complaint.cause_id is not None:
            sources.setdefault(complaint.cause_id, []).append(complaint.id)
        complaint.cause_id = target.id
        complaint.assigned_by = "manual"
        complaint.similarity = None
        session.add(Rule(kind="move", complaint_id=complaint.id, target_cause_id=target.id, actor=actor))
        moved.append(complaint.id)
    if not moved:
        return target, 0
    record(session, target.id, actor, "moved_in", None, ", ".join(map(str, moved)))
    for cause_id, ids in sources.items():
        source = session.get(RootCause, cause_id)
        record(session, source.id, actor, "moved_out", ", ".join(map(str, ids)), target.key)
        session.flush()
        _refresh_dates(session, source)
    session.flush()
    _refresh_dates(session, target)
    flag_recurrences(session, [target.key], actor=actor)
    return target, len(moved)


@dataclass
class SplitPart:
    key: str
    title: str
    size: int
    created: bool


def split(session: Session, key: str, actor: str, *, backend: str = "auto", min_size: int = 5,
          random_state: int = 0, dry_run: bool = False) -> list[SplitPart]:
    """Re-cluster a cause's members as `rca cluster` clusters (same texts, backend choice and
    procedure); the biggest group keeps the key, the other groups become new causes."""
    import numpy as np

    from ..clustering import backends
    from ..clustering.algorithm import cluster_with_leftovers
    from ..runs.describe import REPRESENTATIVES, describe_groups
    from ..runs.texts import texts_to_cluster
    from ..titles import FALLBACK as TITLE_FALLBACK

    cause = get_cause(session, key)
    rows = session.execute(select(Complaint.id, Complaint.subject, Complaint.body, Complaint.received_at,
                                  Complaint.defect_type).where(Complaint.cause_id == cause.id)
                           .order_by(Complaint.id)).all()
    if len(rows) < 2 * min_size:
        raise UsageError(f"{cause.key} has {len(rows)} complaints: too few to split into groups of "
                         f"at least {min_size} (try {option('min_size')})")
    texts = texts_to_cluster(rows)
    vectors = backends.get_backend(backend, random_state=random_state).fit_transform(texts)
    result = cluster_with_leftovers(vectors, min_size=min_size, random_state=random_state)
    groups = [np.flatnonzero(result.labels == label) for label in range(result.n_clusters)]
    groups = [g for g in groups if len(g) >= min_size]
    if len(groups) < 2:
        raise UsageError(f"{cause.key} shows no distinct sub-groups of at least {min_size} complaints: "
                         "move single complaints with `rca causes move` instead")
    groups.sort(key=lambda g: (-len(g), int(g[0])))
    labels = np.full(len(rows), -1)
    for number, group in enumerate(groups):
        labels[group] = number
    words = describe_groups(texts, vectors, labels, untitled=[0])  # the biggest part keeps the title
    parts = [SplitPart(cause.key, cause.title, len(rows) - sum(len(g) for g in groups[1:]), False)]
    number = next_cause_number(session)
    for index, group in enumerate(groups[1:], start=1):
        title = words[index].title
        if title == TITLE_FALLBACK:
            title = f"part of {cause.title}"[:300]
        parts.append(SplitPart(cause_key(number + index - 1), title, len(group), True))
        if dry_run:
            continue
        child = RootCause(key=cause_key(number + index - 1), title=title, keywords=words[index].keywords,
                          representative_ids=[rows[i].id for i in words[index].central[:REPRESENTATIVES]],
                          defect_type=cause.defect_type, status=NEW, owner=cause.owner)
        session.add(child)
        session.flush()
        ids = [rows[i].id for i in group]
        session.execute(update(Complaint).where(Complaint.id.in_(ids)).values(cause_id=child.id, assigned_by="rule"))
        session.add(Rule(kind="split", cause_id=cause.id, target_cause_id=child.id, actor=actor))
        record(session, child.id, actor, "created", None, f"split from {cause.key}")
        record(session, cause.id, actor, "split", None, f"{len(ids)} complaints to {child.key}")
        session.flush()
        _refresh_dates(session, child)
    if not dry_run:
        cause.keywords = words[0].keywords
        cause.representative_ids = [rows[i].id for i in words[0].central[:REPRESENTATIVES]] or cause.representative_ids
        _refresh_dates(session, cause)
    return parts
