"""The weekly clustering run: complaints into stable, tracked root causes.

A root cause *is* its member complaints, so its identity never depends on one
run's vector space. Each run:

1. vectorizes the unassigned complaints in the window together with a bounded
   sample of every cause's members (one space for this run),
2. recomputes each cause's centroid from its members in that space and gives a
   complaint to the nearest cause when it is similar enough,
3. clusters what no cause claims; groups of at least ``min_size`` become new
   causes (RC-0001, …, status ``new``); the rest stays unassigned.  A group
   whose centre is plainly one existing cause (similar enough, and clearly
   nearer to it than to any other cause) joins that cause instead of
   becoming a duplicate of it.

The decisions are rca.runs.plan's; this module runs them: the lock, the read
snapshot, the vectors (through the embedding cache this run wraps around an
embedding backend, rca.clustering.cache), the plan, and one write transaction.

Members are never moved by a run — only people move them — so adding a week
of data keeps every existing cause's key and members. A run with nothing newer
than the last run's newest complaint has nothing to do, which makes running
twice on the same data change nothing. Everything is seeded.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from ..causes.events import record
from ..causes.keys import cause_key, next_cause_number
from ..causes.lifecycle import NEW, SAYS_NOTHING
from ..causes.recurrence import flag_recurrences
from ..db import Database
from ..errors import UsageError, option
from ..locks import cluster_lock
from ..models import ClusterRun, Complaint, RootCause
from .plan import Plan, Progress, Snapshot, make_plan, read_snapshot

RUN_ACTOR = "rca cluster"


@dataclass
class ClusterOptions:
    since: datetime | None = None
    window_days: int | None = 90
    backend: str = "auto"  # semantic when its extra is installed, else tfidf
    min_size: int = 5
    threshold: float | None = None  # similarity needed to join an existing cause; None: the backend's default
    dry_run: bool = False
    random_state: int = 0
    wait: bool = False
    # A cause's centroid from its 100 most recent members: enough to place it,
    # and it bounds the cost of a weekly run however big causes grow.
    members_per_cause: int = 100

    def __post_init__(self) -> None:
        if self.min_size < 2:
            raise UsageError(f"{option('min_size')} must be at least 2")
        if self.threshold is not None and not 0.0 < self.threshold < 1.0:
            raise UsageError(f"{option('threshold')} is a cosine similarity between 0 and 1 (exclusive)")


@dataclass
class CauseChange:
    key: str
    title: str
    status: str
    created: bool
    added: int
    total: int
    defect_type: str | None
    keywords: list[str]


@dataclass
class RunResult:
    run_id: int | None = None
    nothing_new: bool = False
    last_run_id: int | None = None
    dry_run: bool = False
    backend: str = ""
    window_start: datetime | None = None
    considered: int = 0
    assigned_existing: int = 0
    new_causes: int = 0
    new_cause_members: int = 0
    unassigned: int = 0
    # Of the unassigned: complaints whose words name no cause (only thanks, "ok, DM sent", a
    # lone link), left out of clustering (rca.textnoise.says_nothing).
    says_nothing: int = 0
    silhouette: float | None = None
    # What the silhouette means for this run, in words (rca.clustering.algorithm.explain_silhouette).
    score_note: str = ""
    # Reasons not to trust this run's new causes as they are (too concentrated, label-like texts).
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    changes: list[CauseChange] = field(default_factory=list)
    recurred: list[str] = field(default_factory=list)


def _window_start(session: Session, options: ClusterOptions) -> datetime | None:
    if options.since is not None:
        return options.since
    if options.window_days is None:
        return None
    newest = session.scalar(select(func.max(Complaint.received_at)))
    return None if newest is None else newest - timedelta(days=options.window_days)


def run_clustering(database: Database, options: ClusterOptions | None = None,
                   progress: Progress | None = None) -> RunResult:
    from ..clustering import backends  # scikit-learn loads only when a run needs it

    options = options or ClusterOptions()
    say = progress or (lambda message: None)
    started = time.perf_counter()
    backend = backends.get_backend(options.backend, random_state=options.random_state)
    result = RunResult(dry_run=options.dry_run, backend=backend.name)
    with cluster_lock(database, wait=options.wait):
        with database.session() as session:
            last_run = session.scalars(select(ClusterRun).where(ClusterRun.finished_at.is_not(None))
                                       .order_by(ClusterRun.id.desc())).first()
            newest_id = session.scalar(select(func.max(Complaint.id))) or 0
            if last_run is not None and newest_id <= last_run.max_complaint_id:
                result.nothing_new = True
                result.last_run_id = last_run.id
                return result
            window_start = _window_start(session, options)
            result.window_start = window_start
            say("loading complaints")
            snapshot = read_snapshot(session, window_start, options.members_per_cause)
        plan = _plan(database, backend, snapshot, options, say)
        result.considered = len(plan.candidate_ids) + plan.silent
        if options.dry_run:
            with database.session() as session:
                _summarise(plan, result, None, cause_sizes(session, list(plan.existing)))
            result.seconds = time.perf_counter() - started
            return result
        say("saving")
        with database.write_session() as session:
            run = ClusterRun(started_at=plan.started_at, backend=backend.name, window_start=window_start,
                             window_end=plan.window_end, params=plan.params, max_complaint_id=newest_id)
            session.add(run)
            session.flush()
            new_keys = _save(session, plan, run.id, window_start)
            session.flush()
            _summarise(plan, result, new_keys, cause_sizes(session, list(plan.existing)))
            touched = [plan.existing[cid][0] for cid in plan.joined_causes()] + new_keys
            result.recurred = flag_recurrences(session, touched, run_id=run.id)
            run.n_considered = result.considered
            run.n_assigned_existing = result.assigned_existing
            run.n_new_causes = result.new_causes
            run.n_new_cause_members = result.new_cause_members
            run.n_unassigned = result.unassigned
            run.silhouette = result.silhouette
            run.finished_at = datetime.now(timezone.utc)
            run.seconds = time.perf_counter() - started
            result.run_id = run.id
    result.seconds = time.perf_counter() - started
    return result


def _plan(database: Database, backend, snapshot: Snapshot, options: ClusterOptions, say: Progress) -> Plan:
    """The snapshot in this run's space (outside any transaction: embedding is the slow part), then the plan."""
    from ..clustering.cache import with_embedding_cache

    params = {"backend": backend.name, "min_size": options.min_size, "random_state": options.random_state,
              "window_days": options.window_days, "since": options.since.isoformat() if options.since else None,
              "members_per_cause": options.members_per_cause}
    vectors = None
    if snapshot.candidates:
        say(f"vectorizing {len(snapshot.texts):,} texts ({len(snapshot.candidates):,} unassigned, "
            f"{len(snapshot.member_rows):,} cause members)")
        # Embeddings are stored per complaint, so a weekly run embeds only what is new.
        cached = with_embedding_cache(backend, database, snapshot.ids, progress=_embedding_progress(say))
        vectors = cached.fit_transform(snapshot.texts)
        params["threshold"] = options.threshold if options.threshold is not None else backend.assign_threshold
    return make_plan(snapshot, vectors, threshold=params.get("threshold", 0.0), min_size=options.min_size,
                     random_state=options.random_state, params=params, say=say)


def _embedding_progress(say: Progress, every_seconds: float = 30.0) -> Callable[[int, int], None]:
    """Say how embedding goes, at most every ``every_seconds`` (a first run can take many minutes)."""
    started = time.perf_counter()
    last_said = started

    def report(done: int, total: int) -> None:
        nonlocal last_said
        now = time.perf_counter()
        if done < total and now - last_said < every_seconds:
            return
        last_said = now
        rate = done / max(now - started, 1e-9)
        left = f", about {(total - done) / rate / 60:.0f} min left" if done < total else ""
        say(f"embedded {done:,} of {total:,} complaints not embedded before ({rate:,.0f}/s{left})")
    return report


def _save(session: Session, plan: Plan, run_id: int, window_start: datetime | None) -> list[str]:
    """Write the plan; returns the new causes' keys, in the plan's order."""
    number = next_cause_number(session)
    new_keys, new_ids = [], []
    for group in plan.new_causes:
        info = group.description
        cause = RootCause(key=cause_key(number), title=info.title, keywords=info.keywords,
                          representative_ids=info.representatives, defect_type=info.defect_type,
                          status=NEW, first_seen=info.first_seen, last_seen=info.last_seen,
                          created_run_id=run_id)
        session.add(cause)
        session.flush()
        record(session, cause.id, RUN_ACTOR, "created", None, cause.title, run_id=run_id)
        new_keys.append(cause.key)
        new_ids.append(cause.id)
        number += 1

    assignments = [{"cid": complaint_id, "cause": cause, "sim": sim}
                   for complaint_id, (cause, sim) in plan.to_existing.items()]
    for cause_id, group in zip(new_ids, plan.new_causes):
        assignments += [{"cid": c, "cause": cause_id, "sim": s} for c, s in zip(group.members, group.similarities)]
    if assignments:
        table = Complaint.__table__
        # cause_id IS NULL: a person may have moved a complaint meanwhile; people win.
        session.connection().execute(
            update(table).where(table.c.id == bindparam("cid"), table.c.cause_id.is_(None))
            .values(cause_id=bindparam("cause"), similarity=bindparam("sim"), assigned_by="model",
                    assigned_run_id=run_id),
            assignments)

    # Complaints that say nothing are marked (cause_id stays empty) so reports count them apart;
    # a mark from an earlier run on a complaint whose text now says something is taken back.
    table = Complaint.__table__
    unmark = update(table).where(table.c.cause_id.is_(None), table.c.assigned_by == SAYS_NOTHING)
    if window_start is not None:
        unmark = unmark.where(table.c.received_at >= window_start)
    session.connection().execute(unmark.values(assigned_by=None, assigned_run_id=None))
    if plan.silent_ids:
        session.connection().execute(
            update(table).where(table.c.id == bindparam("cid"), table.c.cause_id.is_(None))
            .values(assigned_by=SAYS_NOTHING, assigned_run_id=run_id),
            [{"cid": complaint_id} for complaint_id in plan.silent_ids])

    for cid in plan.joined_causes():
        info = plan.described[cid]
        cause = session.get(RootCause, cid)
        cause.keywords = info.keywords
        cause.representative_ids = info.representatives
        cause.first_seen = min(filter(None, [cause.first_seen, info.first_seen]))
        cause.last_seen = max(filter(None, [cause.last_seen, info.last_seen]))
    return new_keys


def _summarise(plan: Plan, result: RunResult, new_keys: list[str] | None, sizes: dict[int, int]) -> None:
    from ..clustering.algorithm import explain_silhouette

    result.considered = len(plan.candidate_ids) + plan.silent
    result.says_nothing = plan.silent
    result.assigned_existing = len(plan.to_existing)
    result.new_causes = len(plan.new_causes)
    result.new_cause_members = sum(len(g.members) for g in plan.new_causes)
    result.unassigned = plan.unassigned
    result.silhouette = plan.silhouette
    result.score_note = explain_silhouette(plan.silhouette) if plan.candidate_ids else ""
    result.warnings = list(plan.params.get("warnings", []))
    added = Counter(cause for cause, _ in plan.to_existing.values())
    changes = []
    for index, group in enumerate(plan.new_causes):
        info = group.description
        key = new_keys[index] if new_keys else f"(new {index + 1})"
        changes.append(CauseChange(key, info.title, NEW, True, len(group.members), len(group.members),
                                   info.defect_type, info.keywords))
    for cid, count in sorted(added.items(), key=lambda item: -item[1]):
        key, title, status = plan.existing[cid]
        # After saving, sizes include this run's additions; in a dry run they do not yet.
        total = sizes.get(cid, 0) + (count if new_keys is None else 0)
        changes.append(CauseChange(key, title, status, False, count, total, plan.described[cid].defect_type,
                                   plan.described[cid].keywords))
    result.changes = changes


def cause_sizes(session: Session, cause_ids: list[int]) -> dict[int, int]:
    if not cause_ids:
        return {}
    rows = session.execute(select(Complaint.cause_id, func.count()).where(Complaint.cause_id.in_(cause_ids))
                           .group_by(Complaint.cause_id))
    return dict(rows.all())


def recent_runs(session: Session, limit: int) -> list[ClusterRun]:
    """The newest clustering runs first."""
    return list(session.scalars(select(ClusterRun).order_by(ClusterRun.id.desc()).limit(limit)))
