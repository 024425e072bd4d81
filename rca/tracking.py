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

Members are never moved by a run — only people move them — so adding a week
of data keeps every existing cause's key and members. A run with nothing newer
than the last run's newest complaint has nothing to do, which makes running
twice on the same data change nothing. Everything is seeded.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from .db import Database
from .errors import UsageError
from .lifecycle import flag_recurrences
from .locks import cluster_lock
from .models import CauseEvent, ClusterRun, Complaint, RootCause
from .textnoise import prepare_texts

RUN_ACTOR = "rca cluster"
TEXT_CHARS = 1_000  # what of a long complaint is vectorized; the start says what it is about
# A group of unclaimed complaints joins an existing cause when its centre is
# similar enough to that cause (the same threshold one complaint needs) AND
# at least this much more similar to it than to the runner-up cause.  Why:
# causes found over a long history are broad, so the week's complaints that
# no cause claims one by one are its outskirts; clustered, their centre is a
# far cleaner estimate than any one of them and sits close to the cause they
# belong to (cluster_bench, 100k + 10k, semantic: 94 new causes, 30 of them
# copies of a known planted cause -> 65 new, 4 copies).  The margin keeps a
# genuinely new cause that lies between close known ones new: calibrated on
# banking77 like the threshold (60 intents known, 17 held out, 5 splits),
# held-out intents that come out as a new cause of their own: 12.0 without
# the rule, 11.8 with it (0.1 or no margin: 11.0 and 6.0).  TF-IDF runs on
# the same benchmarks are unchanged.
GROUP_MARGIN = 0.2


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
            raise UsageError("--min-size must be at least 2")
        if self.threshold is not None and not 0.0 < self.threshold < 1.0:
            raise UsageError("--threshold is a cosine similarity between 0 and 1 (exclusive)")


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
    silhouette: float | None = None
    # What the silhouette means for this run, in words (rca.clustering.algorithm.explain_silhouette).
    score_note: str = ""
    # Reasons not to trust this run's new causes as they are (too concentrated, label-like texts).
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    changes: list[CauseChange] = field(default_factory=list)
    recurred: list[str] = field(default_factory=list)


Progress = Callable[[str], None]


def complaint_text(subject: str | None, body: str | None) -> str:
    return f"{subject or ''}\n{body or ''}".strip()[:TEXT_CHARS]


def texts_to_cluster(rows) -> list[str]:
    """What the backends vectorize and the keywords are read from, for rows with subject and body.

    The one place complaint text is cleaned (rca.textnoise.prepare_texts: marks,
    handles, links, ids, greetings, sign-offs, boilerplate), used by every run
    and every split, so all backends and the keywords see the same words.
    """
    return prepare_texts([complaint_text(r.subject, r.body) for r in rows])


def _window_start(session: Session, options: ClusterOptions) -> datetime | None:
    if options.since is not None:
        return options.since
    if options.window_days is None:
        return None
    newest = session.scalar(select(func.max(Complaint.received_at)))
    return None if newest is None else newest - timedelta(days=options.window_days)


def next_cause_number(session: Session) -> int:
    keys = session.scalars(select(RootCause.key)).all()
    return max((int(key.split("-")[1]) for key in keys), default=0) + 1


def cause_key(number: int) -> str:
    return f"RC-{number:04d}"


def run_clustering(database: Database, options: ClusterOptions | None = None,
                   progress: Progress | None = None) -> RunResult:
    from .clustering.backends import get_backend  # scikit-learn loads only when a run needs it

    options = options or ClusterOptions()
    say = progress or (lambda message: None)
    started = time.perf_counter()
    backend = get_backend(options.backend, random_state=options.random_state)
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
            plan = _plan(session, backend, options, window_start, say, database)
        result.considered = len(plan.candidate_ids)
        if options.dry_run:
            with database.session() as session:
                _summarise(plan, result, None, cause_sizes(session, list(plan.existing_titles)))
            result.seconds = time.perf_counter() - started
            return result
        say("saving")
        with database.write_session() as session:
            run = ClusterRun(started_at=plan.started_at, backend=backend.name, window_start=window_start,
                             window_end=plan.window_end, params=plan.params, max_complaint_id=newest_id)
            session.add(run)
            session.flush()
            keys = _save(session, plan, run.id)
            session.flush()
            _summarise(plan, result, keys, cause_sizes(session, list(plan.existing_titles)))
            result.recurred = flag_recurrences(session, [keys[c] for c in plan.touched_causes()], run_id=run.id)
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


@dataclass
class _Plan:
    """Everything a run decided, computed from one read snapshot before writing."""

    started_at: datetime
    window_end: datetime | None
    params: dict
    candidate_ids: list[int]
    # complaint id -> (cause id, similarity) for candidates joining existing causes
    to_existing: dict[int, tuple[int, float]]
    # new groups: list of (member ids, similarities) ordered by size, then first id
    new_groups: list[tuple[list[int], list[float]]]
    unassigned: int
    silhouette: float | None
    # per cause (existing id or ('new', index)): keywords, representative ids, received dates, defect types
    describe: dict
    existing_titles: dict[int, tuple[str, str, str]]  # cause id -> (key, title, status)

    def touched_causes(self) -> list:
        touched = sorted({cause for cause, _ in self.to_existing.values()})
        return touched + [("new", i) for i in range(len(self.new_groups))]


def _plan(session: Session, backend, options: ClusterOptions, window_start: datetime | None,
          say: Progress, database: Database | None = None) -> _Plan:
    from .clustering.algorithm import cluster_with_leftovers, run_warnings

    started_at = datetime.now(timezone.utc)
    candidate_query = select(Complaint.id, Complaint.subject, Complaint.body, Complaint.received_at,
                             Complaint.defect_type).where(Complaint.cause_id.is_(None)).order_by(Complaint.id)
    if window_start is not None:
        candidate_query = candidate_query.where(Complaint.received_at >= window_start)
    candidates = session.execute(candidate_query).all()

    causes = session.execute(select(RootCause.id, RootCause.key, RootCause.title, RootCause.status)
                             .where(RootCause.merged_into_id.is_(None)).order_by(RootCause.id)).all()
    members = _member_sample(session, [c.id for c in causes], options.members_per_cause)

    member_rows = [row for cause_rows in members.values() for row in cause_rows]
    texts = texts_to_cluster(list(member_rows) + list(candidates))
    params = {"backend": backend.name, "min_size": options.min_size, "random_state": options.random_state,
              "window_days": options.window_days, "since": options.since.isoformat() if options.since else None,
              "members_per_cause": options.members_per_cause}
    empty = _Plan(started_at, None, params, [], {}, [], 0, None, {}, {})
    if not candidates:
        return empty
    empty.window_end = max(r.received_at for r in candidates)
    say(f"vectorizing {len(texts):,} texts ({len(candidates):,} unassigned, {len(member_rows):,} cause members)")
    if getattr(backend, "caches_embeddings", False):
        # Embeddings are stored per complaint, so a weekly run embeds only what is new.
        ids = [r.id for r in member_rows] + [r.id for r in candidates]
        vectors = backend.fit_transform(texts, ids=ids, database=database, progress=_embedding_progress(say))
    else:
        vectors = backend.fit_transform(texts)
    member_vectors, candidate_vectors = vectors[: len(member_rows)], vectors[len(member_rows):]
    threshold = options.threshold if options.threshold is not None else getattr(backend, "assign_threshold", 0.5)
    params["threshold"] = threshold

    # 1. Existing causes claim what is close enough to their centroid.
    cause_ids = [c.id for c in causes if members.get(c.id)]
    to_existing: dict[int, tuple[int, float]] = {}
    claimed = np.zeros(len(candidates), dtype=bool)
    centroids: np.ndarray | None = None
    if cause_ids:
        member_cause = np.array([row.cause_id for row in member_rows])
        centroids = np.vstack([_unit(member_vectors[member_cause == cid].mean(axis=0)) for cid in cause_ids])
        similarity = candidate_vectors @ centroids.T
        best = similarity.argmax(axis=1)
        best_similarity = similarity[np.arange(len(candidates)), best]
        claimed = best_similarity >= threshold
        for index in np.flatnonzero(claimed):
            to_existing[candidates[index].id] = (cause_ids[best[index]], float(best_similarity[index]))

    # 2. What no cause claims is clustered; big enough groups become new causes,
    #    unless a group as a whole is plainly one existing cause (see GROUP_MARGIN).
    rest = np.flatnonzero(~claimed)
    new_groups: list[tuple[list[int], list[float]]] = []
    silhouette = None
    joined_members = 0
    params["group_margin"] = GROUP_MARGIN
    if len(rest) >= options.min_size:
        say(f"clustering {len(rest):,} complaints no cause claims")
        clustered = cluster_with_leftovers(candidate_vectors[rest], min_size=options.min_size,
                                           random_state=options.random_state)
        silhouette = clustered.silhouette
        params["clustering"] = clustered.params
        candidate_texts = texts[len(member_rows):]
        params["warnings"] = run_warnings([candidate_texts[i] for i in rest], clustered.labels, options.min_size)
        groups_joined = 0
        for label in range(clustered.n_clusters):
            positions = rest[clustered.labels == label]
            centre = _unit(candidate_vectors[positions].mean(axis=0))
            known = None if centroids is None else _known_cause_of_group(centre, centroids, threshold)
            if known is not None:
                # Each member keeps its own similarity to the cause it joins (below the
                # threshold: that is why no cause claimed it alone).
                for p, s in zip(positions, candidate_vectors[positions] @ centroids[known]):
                    to_existing[candidates[p].id] = (cause_ids[known], float(s))
                groups_joined += 1
                joined_members += len(positions)
                continue
            sims = candidate_vectors[positions] @ centre
            new_groups.append(([candidates[p].id for p in positions], [float(s) for s in sims]))
        params["groups_joined_existing"] = groups_joined
        params["complaints_joined_in_groups"] = joined_members
    new_groups.sort(key=lambda group: (-len(group[0]), group[0][0]))
    unassigned = int(len(rest) - joined_members - sum(len(ids) for ids, _ in new_groups))

    # 3. Describe every cause this run touched: words, representatives, dates, types.
    say("describing causes")
    describe = _describe(candidates, candidate_vectors, member_rows, member_vectors, to_existing, new_groups, texts)
    plan = _Plan(started_at, empty.window_end, params, [r.id for r in candidates], to_existing, new_groups,
                 unassigned, silhouette, describe, {c.id: (c.key, c.title, c.status) for c in causes})
    return plan


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


def _known_cause_of_group(centre: np.ndarray, centroids: np.ndarray, threshold: float) -> int | None:
    """Row of ``centroids`` (unit cause centroids) a whole group belongs to, or None for a new cause.

    The group's unit ``centre`` must reach ``threshold`` with its nearest cause
    and beat the runner-up by GROUP_MARGIN: a group between two close known
    causes is something else.
    """
    sims = centroids @ centre
    order = np.argsort(-sims, kind="stable")  # ties: the older cause
    best = float(sims[order[0]])
    runner_up = float(sims[order[1]]) if len(order) > 1 else -1.0
    return int(order[0]) if best >= threshold and best - runner_up >= GROUP_MARGIN else None


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def _member_sample(session: Session, cause_ids: list[int], per_cause: int) -> dict[int, list]:
    """Each cause's most recent members, at most ``per_cause`` of them."""
    if not cause_ids:
        return {}
    rank = func.row_number().over(partition_by=Complaint.cause_id,
                                  order_by=(Complaint.received_at.desc(), Complaint.id.desc())).label("rank")
    inner = (select(Complaint.id, Complaint.cause_id, Complaint.subject, Complaint.body, Complaint.received_at,
                    Complaint.defect_type, rank)
             .where(Complaint.cause_id.in_(cause_ids)).subquery())
    rows = session.execute(select(inner).where(inner.c.rank <= per_cause).order_by(inner.c.cause_id, inner.c.id)).all()
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.cause_id].append(row)
    return grouped


def _describe(candidates, candidate_vectors, member_rows, member_vectors, to_existing, new_groups, texts) -> dict:
    """Keywords and representative complaints, in this run's space, for every touched cause."""
    from .clustering.algorithm import closest_to_centre, top_terms
    from .titles import MAX_TEXTS as TITLE_TEXTS, make_title

    position_of = {row.id: i for i, row in enumerate(candidates)}
    labels_for: dict = defaultdict(list)
    touched_existing = {cid for cid, _ in to_existing.values()}
    for i, row in enumerate(member_rows):
        if row.cause_id in touched_existing:
            labels_for[row.cause_id].append(i)
    for complaint_id, (cause, _) in to_existing.items():
        labels_for[cause].append(len(member_rows) + position_of[complaint_id])
    labels_for = dict(sorted(labels_for.items()))
    for index, (ids, _) in enumerate(new_groups):
        labels_for[("new", index)] = [len(member_rows) + position_of[c] for c in ids]
    if not labels_for:
        return {}
    # All causes get a label so class-based TF-IDF weighs each against the others.
    labels = np.full(len(texts), -1)
    names = list(labels_for)
    for number, name in enumerate(names):
        labels[labels_for[name]] = number
    all_vectors = np.vstack([member_vectors, candidate_vectors]) if len(member_rows) else candidate_vectors
    terms = top_terms(texts, labels, n=8)
    # The members nearest the centre: the first three represent the cause, and the
    # title is the phrase these members use most (rca.titles).
    closest = closest_to_centre(all_vectors, labels, n=TITLE_TEXTS)
    all_rows = list(member_rows) + list(candidates)
    described = {}
    for number, name in enumerate(names):
        rows = [all_rows[i] for i in labels_for[name]]
        central = closest.get(number, [])
        described[name] = {
            "keywords": terms.get(number, []),
            "title": make_title([texts[i] for i in central], terms.get(number, [])),
            "representatives": [all_rows[i].id for i in central[:3]],
            "first_seen": min(r.received_at for r in rows),
            "last_seen": max(r.received_at for r in rows),
            "defect_type": Counter(r.defect_type for r in rows).most_common(1)[0][0],
        }
    return described


def _save(session: Session, plan: _Plan, run_id: int) -> dict:
    """Write the plan; returns {cause (id or ('new', i)): key}."""
    keys: dict = {cid: plan.existing_titles[cid][0] for cid in plan.existing_titles}
    number = next_cause_number(session)
    new_ids = []
    for index, (ids, _) in enumerate(plan.new_groups):
        info = plan.describe[("new", index)]
        cause = RootCause(key=cause_key(number), title=info["title"], keywords=info["keywords"],
                          representative_ids=info["representatives"], defect_type=info["defect_type"],
                          status="new", first_seen=info["first_seen"], last_seen=info["last_seen"],
                          created_run_id=run_id)
        session.add(cause)
        session.flush()
        session.add(CauseEvent(cause_id=cause.id, actor=RUN_ACTOR, kind="created", new_value=cause.title,
                               run_id=run_id))
        keys[("new", index)] = cause.key
        new_ids.append(cause.id)
        number += 1

    assignments = [{"cid": complaint_id, "cause": cause, "sim": sim}
                   for complaint_id, (cause, sim) in plan.to_existing.items()]
    for index, (ids, sims) in enumerate(plan.new_groups):
        assignments += [{"cid": c, "cause": new_ids[index], "sim": s} for c, s in zip(ids, sims)]
    if assignments:
        table = Complaint.__table__
        # cause_id IS NULL: a person may have moved a complaint meanwhile; people win.
        session.connection().execute(
            update(table).where(table.c.id == bindparam("cid"), table.c.cause_id.is_(None))
            .values(cause_id=bindparam("cause"), similarity=bindparam("sim"), assigned_by="model",
                    assigned_run_id=run_id),
            assignments)

    for cid in sorted({cause for cause, _ in plan.to_existing.values()}):
        info = plan.describe[cid]
        cause = session.get(RootCause, cid)
        cause.keywords = info["keywords"]
        cause.representative_ids = info["representatives"]
        cause.first_seen = min(filter(None, [cause.first_seen, info["first_seen"]]))
        cause.last_seen = max(filter(None, [cause.last_seen, info["last_seen"]]))
    return keys


def _summarise(plan: _Plan, result: RunResult, keys: dict | None, sizes: dict[int, int]) -> None:
    from .clustering.algorithm import explain_silhouette

    result.considered = len(plan.candidate_ids)
    result.assigned_existing = len(plan.to_existing)
    result.new_causes = len(plan.new_groups)
    result.new_cause_members = sum(len(ids) for ids, _ in plan.new_groups)
    result.unassigned = plan.unassigned
    result.silhouette = plan.silhouette
    result.score_note = explain_silhouette(plan.silhouette) if plan.candidate_ids else ""
    result.warnings = list(plan.params.get("warnings", []))
    added = Counter(cause for cause, _ in plan.to_existing.values())
    changes = []
    for index, (ids, _) in enumerate(plan.new_groups):
        info = plan.describe[("new", index)]
        key = keys[("new", index)] if keys else f"(new {index + 1})"
        changes.append(CauseChange(key, info["title"], "new", True, len(ids), len(ids),
                                   info["defect_type"], info["keywords"]))
    for cid, count in sorted(added.items(), key=lambda item: -item[1]):
        key, title, status = plan.existing_titles[cid]
        # After saving, sizes include this run's additions; in a dry run they do not yet.
        total = sizes.get(cid, 0) + (count if keys is None else 0)
        changes.append(CauseChange(key, title, status, False, count, total, plan.describe[cid]["defect_type"],
                                   plan.describe[cid]["keywords"]))
    result.changes = changes


def cause_sizes(session: Session, cause_ids: list[int]) -> dict[int, int]:
    if not cause_ids:
        return {}
    rows = session.execute(select(Complaint.cause_id, func.count()).where(Complaint.cause_id.in_(cause_ids))
                           .group_by(Complaint.cause_id))
    return dict(rows.all())


