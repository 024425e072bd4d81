"""The weekly clustering run: stable keys and members, assignment, min size, locks, recurrence."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from pypdf import PdfReader
from click.testing import CliRunner
from sqlalchemy import select

from cli.main import cli
from rca import analytics
from rca.analytics import Period
from rca.causes import curation
from rca.causes.lifecycle import SAYS_NOTHING
from rca.clustering.text import STOP_WORDS
from rca.db import Database
from rca.errors import BusyError
from rca.ingest.pipeline import ImportOptions, import_file
from rca.locks import cluster_lock
from rca.models import CauseEvent, ClusterRun, Complaint, RootCause
from rca.quotes import choose_quotes
from rca.runs.tracking import ClusterOptions, run_clustering

from .conftest import ROOT, new_sqlite_url

import sys

sys.path.insert(0, str(ROOT / "sample_data"))
from generate import iter_complaints, write_generic_csv  # noqa: E402


def complaints(n=700, seed=3):
    return sorted(iter_complaints(n, seed=seed), key=lambda c: c["created_at"])


def import_rows(database, rows, path):
    write_generic_csv(path, rows)
    return import_file(database, path, ImportOptions(source="gen"))


def membership(database) -> dict[str, list[str]]:
    with database.session() as session:
        rows = session.execute(select(RootCause.key, Complaint.external_id)
                               .join(Complaint, Complaint.cause_id == RootCause.id)
                               .order_by(RootCause.key, Complaint.external_id)).all()
    members: dict[str, list[str]] = {}
    for key, external_id in rows:
        members.setdefault(key, []).append(external_id)
    return members


def titles(database) -> dict[str, str]:
    with database.session() as session:
        return dict(session.execute(select(RootCause.key, RootCause.title)).all())


@pytest.fixture(scope="module")
def corpus():
    return complaints()


def test_first_run_creates_causes_from_planted_problems(database, corpus, tmp_path):
    import_rows(database, corpus, tmp_path / "all.csv")
    result = run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    assert result.run_id and result.new_causes >= 6
    assert result.considered == len(corpus)
    assert result.new_cause_members + result.unassigned == len(corpus)
    members = membership(database)
    assert all(len(ids) >= 5 for ids in members.values())  # min size respected
    # Most members of a cause share one planted problem.
    planted = {str(c["id"]): c["cause"] for c in corpus}
    purity = [max(map([planted[i] for i in ids].count, set(planted[i] for i in ids))) / len(ids)
              for ids in members.values()]
    assert sum(purity) / len(purity) > 0.8
    with database.session() as session:
        run = session.get(ClusterRun, result.run_id)
        assert run.n_new_causes == result.new_causes and run.seconds > 0 and run.params["min_size"] == 5
        created = session.scalars(select(CauseEvent.kind).where(CauseEvent.run_id == run.id)).all()
        assert created.count("created") == result.new_causes


def test_titles_and_keywords_are_free_of_stop_words(database, corpus, tmp_path):
    import_rows(database, corpus, tmp_path / "all.csv")
    run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    with database.session() as session:
        causes = session.scalars(select(RootCause)).all()
    assert causes
    for cause in causes:
        words = [w for term in cause.keywords for w in term.split()]
        assert words and not set(words) & STOP_WORDS, cause.keywords
        assert not any(w.isdigit() for w in words)
        assert cause.title and len(cause.representative_ids) == 3
        assert cause.first_seen <= cause.last_seen


def test_running_twice_changes_nothing(database, corpus, tmp_path):
    import_rows(database, corpus, tmp_path / "all.csv")
    run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    before = membership(database), titles(database)
    again = run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    assert again.nothing_new and again.run_id is None
    assert (membership(database), titles(database)) == before


def test_same_data_and_seed_give_identical_results(tmp_path, corpus, sqlite_template):
    from .conftest import new_sqlite_url
    outcomes = []
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        database = Database(new_sqlite_url(sqlite_template, folder))
        import_rows(database, corpus, folder / "all.csv")
        run_clustering(database, ClusterOptions(backend="tfidf", window_days=None, random_state=7))
        outcomes.append((membership(database), titles(database)))
        database.dispose()
    assert outcomes[0] == outcomes[1]


def test_adding_a_week_keeps_keys_and_members(database, corpus, tmp_path):
    last_week_starts = corpus[-1]["created_at"] - timedelta(days=7)
    older = [c for c in corpus if c["created_at"] < last_week_starts]
    newer = [c for c in corpus if c["created_at"] >= last_week_starts]
    import_rows(database, older, tmp_path / "older.csv")
    run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    before, names = membership(database), titles(database)
    import_rows(database, newer, tmp_path / "newer.csv")
    result = run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    after = membership(database)
    assert result.assigned_existing > len(newer) / 3  # the weekly flow joins existing causes
    for key, ids in before.items():
        assert after[key][: len(ids)] == ids or set(ids) <= set(after[key])  # nobody left a cause
        assert titles(database)[key] == names[key]
    with database.session() as session:
        joined = session.scalars(select(Complaint).where(Complaint.assigned_run_id == result.run_id,
                                                         Complaint.cause_id.in_(
                                                             select(RootCause.id).where(
                                                                 RootCause.created_run_id != result.run_id)))).all()
        params = session.get(ClusterRun, result.run_id).params
    below = [c for c in joined if c.similarity < params["threshold"]]
    # One by one, a complaint joins a cause only at the threshold; below it only as
    # a member of a group whose centre is plainly that cause, and the run counts those.
    assert joined and len(below) == params["complaints_joined_in_groups"]


def test_min_size_and_unassigned(database, tmp_path):
    rows = []
    for i in range(12):
        rows.append({"id": 10_000 + i, "created_at": complaints(1)[0]["created_at"] + timedelta(hours=i),
                     "subject": "Kettle stopped working", "body": f"My Aurora kettle stopped working after a week {i}",
                     "requester_name": "", "requester_email": f"k{i}@example.com", "channel": "email", "tags": [],
                     "status": "open", "product": "kettle", "page_url": "", "cause": "P06"})
    for i, text in enumerate(["Gift card balance question please", "Gift card balance not showing",
                              "Gift card balance is wrong"]):
        rows.append({**rows[0], "id": 20_000 + i, "subject": "Gift card", "body": text})
    import_rows(database, rows, tmp_path / "small.csv")
    result = run_clustering(database, ClusterOptions(backend="tfidf", window_days=None, min_size=5))
    members = membership(database)
    assert len(members) == 1 and len(next(iter(members.values()))) >= 10
    assert result.unassigned >= 3  # three gift-card complaints are too few for a cause of 5
    with database.session() as session:
        gift = session.scalars(select(Complaint.cause_id).where(Complaint.subject == "Gift card")).all()
    assert gift == [None, None, None]


def test_dry_run_saves_nothing(database, corpus, tmp_path):
    import_rows(database, corpus[:300], tmp_path / "a.csv")
    result = run_clustering(database, ClusterOptions(backend="tfidf", window_days=None, dry_run=True))
    assert result.dry_run and result.new_causes > 0 and result.run_id is None
    assert membership(database) == {}


def test_window_limits_what_is_considered(database, corpus, tmp_path):
    import_rows(database, corpus, tmp_path / "all.csv")
    result = run_clustering(database, ClusterOptions(backend="tfidf", window_days=14))
    newest = corpus[-1]["created_at"]
    expected = sum(1 for c in corpus if c["created_at"] >= newest - timedelta(days=14))
    assert result.considered == expected


def test_a_second_run_is_refused_while_one_holds_the_lock(database):
    with cluster_lock(database):
        with pytest.raises(BusyError, match="--wait"):
            run_clustering(database, ClusterOptions(backend="tfidf"))


def test_recurrence_flagged_by_a_run(database, corpus, tmp_path):
    last_week_starts = corpus[-1]["created_at"] - timedelta(days=7)
    older = [c for c in corpus if c["created_at"] < last_week_starts]
    newer = [c for c in corpus if c["created_at"] >= last_week_starts]
    import_rows(database, older, tmp_path / "older.csv")
    run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    with database.write_session() as session:
        for cause in session.scalars(select(RootCause)).all():
            curation.set_status(session, cause.key, "fixed", "ann", on=last_week_starts)
    import_rows(database, newer, tmp_path / "newer.csv")
    result = run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    assert result.recurred
    with database.session() as session:
        statuses = dict(session.execute(select(RootCause.key, RootCause.status)).all())
    assert all(statuses[key] == "recurring" for key in result.recurred)


def test_cli_cluster_and_runs_list(sqlite_url, corpus, tmp_path):
    database = Database(sqlite_url)
    import_rows(database, corpus[:400], tmp_path / "a.csv")
    database.dispose()
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", sqlite_url, "cluster", "--backend", "tfidf", "--window", "12w", "--format", "json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)
    assert changes and all(c["change"] == "new cause" and c["key"].startswith("RC-") for c in changes)
    assert "Run 1:" in result.stderr
    again = runner.invoke(cli, ["--db", sqlite_url, "cluster", "--backend", "tfidf"])
    assert "nothing to do" in again.stderr
    runs = json.loads(runner.invoke(cli, ["--db", sqlite_url, "runs", "list", "--format", "json"]).stdout)
    assert len(runs) == 1 and runs[0]["new_causes"] == len(changes)
    bad = runner.invoke(cli, ["--db", sqlite_url, "cluster", "--window", "soon"])
    assert bad.exit_code == 2 and "90d" in bad.output


def test_merges_and_moves_survive_later_runs(database, corpus, tmp_path):
    last_week_starts = corpus[-1]["created_at"] - timedelta(days=7)
    older = [c for c in corpus if c["created_at"] < last_week_starts]
    newer = [c for c in corpus if c["created_at"] >= last_week_starts]
    import_rows(database, older, tmp_path / "older.csv")
    run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    keys = sorted(membership(database))
    target, merged, other = keys[0], keys[1], keys[2]
    with database.session() as session:
        moved_id = session.scalar(select(Complaint.id).join(RootCause, Complaint.cause_id == RootCause.id)
                                  .where(RootCause.key == other).order_by(Complaint.id))
    with database.write_session() as session:
        curation.merge(session, target, merged, "ann")
        curation.move(session, [moved_id], target, "ann")
    before = membership(database)
    import_rows(database, newer, tmp_path / "newer.csv")
    result = run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    assert result.run_id
    after = membership(database)
    assert merged not in after  # nothing joins a merged-away cause
    assert set(before[target]) <= set(after[target])  # merged and moved members stay where people put them
    with database.session() as session:
        moved = session.get(Complaint, moved_id)
        assert (moved.assigned_by, session.get(RootCause, moved.cause_id).key) == ("manual", target)
        assert curation.get_cause(session, merged).key == target


class TopicVectors:
    """A stand-in vector backend: a complaint body such as "kettle=0.5 daab" becomes
    0.5 of the kettle direction plus random noise (seeded by the text) for the rest
    of its unit length. Lets a test place complaints exactly relative to the
    assignment threshold."""

    name = "topics"
    assign_threshold = 0.55
    DIM = 256

    def __init__(self, random_state=0):
        self.topics: dict[str, int] = {}

    def transform(self, texts):
        import re
        import zlib

        import numpy as np

        out = np.zeros((len(texts), self.DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            weights = {word: float(w) for word, w in re.findall(r"(\w+)=([0-9.]+)", text)}
            noise = np.random.RandomState(zlib.crc32(text.encode())).standard_normal(self.DIM)
            noise[: 8] = 0.0  # topic directions are the first axes; noise stays clear of them
            out[row] = noise / np.linalg.norm(noise) * np.sqrt(max(0.0, 1 - sum(w * w for w in weights.values())))
            for word, weight in weights.items():
                out[row, self.topics.setdefault(word, len(self.topics))] += weight
        return out

    fit_transform = transform


def spelled(number: int) -> str:
    """A number as letters ("3001" -> "daab"): a word that makes each text distinct and that
    text cleaning keeps (it drops "#3001" as an id, which made every text alike)."""
    return "".join(chr(ord("a") + int(digit)) for digit in str(number))


def topic_rows(topic_weights: str, n: int, first_id: int, start, cause: str) -> list[dict]:
    return [{"id": first_id + i, "created_at": start + timedelta(hours=i), "subject": "Problem",
             "body": f"{topic_weights} {spelled(first_id + i)}", "requester_name": "", "requester_email": f"t{first_id + i}@example.com",
             "channel": "email", "tags": [], "status": "open", "product": "", "page_url": "", "cause": cause}
            for i in range(n)]


def first_run_with_two_causes(database, tmp_path, monkeypatch):
    """Known causes "kettle" and "charger"; returns their members, the kettle cause's key, a week later."""
    monkeypatch.setattr("rca.clustering.backends.get_backend", lambda name, random_state=0: TopicVectors())
    start = complaints(1)[0]["created_at"]
    import_rows(database, topic_rows("kettle=0.95", 25, 1000, start, "kettle")
                + topic_rows("charger=0.95", 25, 2000, start, "charger"), tmp_path / "first.csv")
    assert run_clustering(database, ClusterOptions(backend="topics", window_days=None)).new_causes == 2
    known = membership(database)
    return known, next(key for key, ids in known.items() if "1000" in ids), start + timedelta(days=7)


def new_cause_of(after, known, first_id, n=25):
    """The one new cause holding a group's complaints, or None (the clustering may
    leave an outlier or two unassigned, never put them in another cause)."""
    group = {str(first_id + i) for i in range(n)}
    owners = [key for key, ids in after.items() if group & set(ids)]
    return owners[0] if len(owners) == 1 and owners[0] not in known and \
        len(group & set(after[owners[0]])) >= n - 2 else None


def weekly_run(database, tmp_path, rows):
    """Import a week's rows and cluster: (the run's result, cause key -> member ids)."""
    import_rows(database, rows, tmp_path / "week.csv")
    result = run_clustering(database, ClusterOptions(backend="topics", window_days=None))
    return result, membership(database)


def test_a_weekly_group_of_a_known_cause_joins_it_instead_of_duplicating_it(database, tmp_path, monkeypatch):
    # One at a time, "kettle=0.5" complaints are below the 0.55 threshold (the outskirts
    # of a broad cause); as a group they are plainly the kettle cause. A blender group
    # in the same week is new.
    known, kettle_key, week = first_run_with_two_causes(database, tmp_path, monkeypatch)
    result, after = weekly_run(database, tmp_path, topic_rows("kettle=0.5", 25, 3000, week, "kettle")
                               + topic_rows("blender=0.7", 25, 4000, week, "blender"))
    kettle_week = {str(3000 + i) for i in range(25)}
    assert kettle_week <= set(after[kettle_key])  # joined the known cause: no duplicate
    assert result.assigned_existing == 25 and result.new_causes == 1 and result.unassigned == 0
    assert new_cause_of(after, known, 4000) is not None
    with database.session() as session:
        params = session.get(ClusterRun, result.run_id).params
        sims = session.scalars(select(Complaint.similarity).where(Complaint.external_id.in_(kettle_week))).all()
    assert params["group_margin"] > 0 and params["groups_joined_existing"] == 1
    assert params["complaints_joined_in_groups"] == 25
    assert len(sims) == 25 and all(s < params["threshold"] for s in sims)  # none would have joined alone
    for key, ids in known.items():  # nobody left a cause
        assert set(ids) <= set(after[key])


def test_a_weekly_group_between_two_known_causes_stays_new(database, tmp_path, monkeypatch):
    # Its centre is similar enough to the kettle and to the charger cause, nearer to
    # neither: something else (as a new intent next to close known ones), so a new cause.
    known, _, week = first_run_with_two_causes(database, tmp_path, monkeypatch)
    result, after = weekly_run(database, tmp_path, topic_rows("kettle=0.45 charger=0.45", 25, 5000, week, "between")
                               + topic_rows("lamp=0.7", 25, 6000, week, "lamp"))
    assert result.assigned_existing == 0 and result.new_causes == 2
    assert new_cause_of(after, known, 5000) is not None and new_cause_of(after, known, 6000) is not None
    for key, ids in known.items():
        assert set(ids) == set(after[key])


# 40 different replies (three copies of one text would make it a label, never quoted anyway).
THANKS_REPLIES = [f"{a}, {b}" for a in ("Thanks!", "ok", "Cool", "Great", "Cheers") for b in
                  ("DM sent", "will do", "done", "sorted now", "it worked! thank youuu", "yes", "all good",
                   "https://t.co/abc123")]


def test_replies_that_say_nothing_stay_out_of_causes_and_are_counted(db_url, sqlite_template, corpus, tmp_path):
    # Support threads are full of "thanks!" and "DM sent": clustered, they became the
    # biggest cause of a real Twitter sample. They stay unassigned, counted apart, and
    # the causes are exactly those of the same complaints without them.
    rows = corpus[:400]
    replies = [{**rows[i], "id": 900000 + i, "subject": "", "body": THANKS_REPLIES[i % len(THANKS_REPLIES)]}
               for i in range(40)]
    database = Database(db_url)
    import_rows(database, rows + replies, tmp_path / "a.csv")
    result = run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    assert result.says_nothing == 40
    assert result.considered == 440 and result.unassigned >= 40
    assert result.assigned_existing + result.new_cause_members + result.unassigned == 440
    with_replies = membership(database)
    reply_ids = {str(900000 + i) for i in range(40)}
    assert not reply_ids & {ext for ids in with_replies.values() for ext in ids}
    with database.session() as session:
        run = session.get(ClusterRun, result.run_id)
        assert run.params["says_nothing"] == 40 and run.n_unassigned == result.unassigned
        marked = dict(session.execute(select(Complaint.external_id, Complaint.assigned_run_id)
                                      .where(Complaint.assigned_by == SAYS_NOTHING, Complaint.cause_id.is_(None))).all())
        assert set(marked) == reply_ids and set(marked.values()) == {run.id}
        # Reports count them apart from the pool, and never quote them.
        everything = Period(rows[0]["created_at"] - timedelta(days=1), rows[-1]["created_at"] + timedelta(days=1), "all")
        summary = analytics.period_summary(session, everything)
        assert summary.says_nothing == 40 and summary.unassigned == result.unassigned - 40
        quoted = {q.complaint_id for q in choose_quotes(session, None, limit=20)}
        ids = set(session.scalars(select(Complaint.id).where(Complaint.external_id.in_(reply_ids))))
        assert not quoted & ids
    database.dispose()
    (tmp_path / "alone").mkdir()
    alone = Database(new_sqlite_url(sqlite_template, tmp_path / "alone"))
    import_rows(alone, rows, tmp_path / "alone.csv")
    without = run_clustering(alone, ClusterOptions(backend="tfidf", window_days=None))
    assert without.says_nothing == 0 and membership(alone) == with_replies
    alone.dispose()
    # A later week of thanks alone: nothing to cluster, every reply still counted.
    more = [{**rows[i], "id": 910000 + i, "subject": "", "body": "thanks!!",
             "created_at": rows[-1]["created_at"] + timedelta(days=1)} for i in range(10)]
    database = Database(db_url)
    import_rows(database, more, tmp_path / "b.csv")
    database.dispose()
    out = CliRunner().invoke(cli, ["--db", db_url, "cluster", "--backend", "tfidf", "--window", "12w"])
    assert out.exit_code == 0, out.output
    assert "say nothing about a cause" in out.stderr and "No cause was created or grew" in out.output
    # The reports say how many replies were left out, apart from the unassigned pool.
    for kind, expected in (("executive", "Not counted as a cause: 10 replies"), ("team", "Not in the pool: 10 replies")):
        path = tmp_path / f"{kind}.pdf"
        week = more[0]["created_at"].isocalendar()
        out = CliRunner().invoke(cli, ["--db", db_url, "report", "--kind", kind, "--out", str(path),
                                       "--period", f"{week.year}-W{week.week:02d}"])
        assert out.exit_code == 0, out.output
        text = " ".join(page.extract_text() for page in PdfReader(str(path)).pages)
        assert expected in " ".join(text.split()), kind
