"""How many causes come out: merged micro-clusters on data with known structure, honest-run
warnings, noise kept out of keywords and titles, and the default pipeline on real-format CFPB rows."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli.main import cli
from rca.clustering.algorithm import (cluster_vectors, cluster_with_leftovers, explain_silhouette,
                                      merge_micro_clusters, run_warnings)
from rca.clustering.evaluate import score_labels
from rca.clustering.text import tokens
from rca.ingest.pipeline import ImportOptions, import_file
from rca.models import RootCause
from rca.textnoise import is_noise_token
from rca.runs.tracking import ClusterOptions, run_clustering

from .conftest import ROOT

CFPB_FIXTURE = ROOT / "tests" / "fixtures" / "cfpb_narratives.csv"


def blobs(sizes, dim=40, spread=0.35, seed=0):
    """Points around len(sizes) random unit centres; returns (unit vectors, true labels)."""
    rng = np.random.RandomState(seed)
    centres = rng.normal(size=(len(sizes), dim))
    points, labels = [], []
    for label, (centre, size) in enumerate(zip(centres, sizes)):
        centre = centre / np.linalg.norm(centre)
        points.append(centre + spread * rng.normal(size=(size, dim)) / np.sqrt(dim))
        labels += [label] * size
    X = np.vstack(points)
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32), np.array(labels)


@pytest.mark.parametrize("sizes", [[60] * 20, [200] * 6, [400, 120, 40], [50] * 3])
def test_number_of_causes_follows_the_structure(sizes):
    X, truth = blobs(sizes)
    result = cluster_with_leftovers(X, min_size=5)
    assert result.n_clusters == len(sizes)
    assert score_labels(truth, result.labels)["ari"] > 0.95


def test_many_causes_are_not_folded_into_two():
    # The old rule (smallest k within one standard error of the best silhouette)
    # put real complaints into two causes; 40 overlapping topics must stay many.
    X, truth = blobs([25] * 40, spread=0.9, seed=3)
    result = cluster_with_leftovers(X, min_size=5)
    assert 20 <= result.n_clusters <= 80
    assert score_labels(truth, result.labels)["nmi"] > 0.8


def test_pieces_of_one_group_merge_and_different_groups_do_not():
    X, truth = blobs([80, 80, 80], seed=1)
    pieces = truth * 4 + np.arange(len(truth)) % 4  # each group cut into 4 arbitrary pieces
    merged = merge_micro_clusters(X, pieces)
    assert score_labels(truth, merged)["ari"] == 1.0


def test_same_seed_same_causes_on_real_format_vectors():
    X, _ = blobs([30] * 10, spread=0.8, seed=5)
    first, second = cluster_vectors(X, random_state=4), cluster_vectors(X, random_state=4)
    assert np.array_equal(first.labels, second.labels) and first.params == second.params


def test_concentrated_run_is_flagged():
    texts = [f"complaint number {i} about something" for i in range(100)]
    warnings = run_warnings(texts, np.array([0] * 70 + [1] * 20 + [2] * 10), min_size=5)
    assert len(warnings) == 1 and "90% of the 100 complaints landed in 2 cause(s)" in warnings[0]
    assert run_warnings(texts, np.repeat(np.arange(10), 10), min_size=5) == []


def test_label_like_texts_are_flagged():
    labels_as_text = ["Billing", "Late delivery", "Login problem", "Refund"] * 25
    warnings = run_warnings(labels_as_text, np.repeat(np.arange(4), 25), min_size=5)
    assert any("look like category labels" in w and "4 distinct among 100" in w for w in warnings)


def test_silhouette_is_explained_not_bare():
    assert "near-identical texts" in explain_silhouette(1.0)
    assert "overlap" in explain_silhouette(0.02)
    assert "fewer than two causes" in explain_silhouette(None)


def write_rows(path, bodies, start=datetime(2026, 3, 2, tzinfo=timezone.utc)):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "created_at", "subject", "body"])
        for i, body in enumerate(bodies):
            writer.writerow([f"T{i}", (start + timedelta(hours=i)).isoformat(), "", body])


def test_run_on_label_like_texts_warns_and_runs_list_shows_it(database, tmp_path):
    write_rows(tmp_path / "labels.csv", ["Billing", "Late delivery", "Login problem", "Refund"] * 15)
    import_file(database, tmp_path / "labels.csv", ImportOptions(source="labels"))
    result = run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    assert any("look like category labels" in w for w in result.warnings)
    assert result.score_note.startswith("silhouette") or "fewer than two" in result.score_note
    runs = json.loads(CliRunner().invoke(cli, ["--db", database.url, "runs", "list", "--format", "json"]).output)
    assert any("look like category labels" in w for w in runs[0]["warnings"])


TOPICS = {
    "charger": "the charger of my {x} stopped working after a week and gets very hot",
    "refund": "I returned the {x} a month ago and the refund never reached my card",
    "typo": "the product page of the {x} has a spelling mistake in the price description",
}
ITEMS = [f"{age} {thing}" for age in ("new", "old", "second") for thing in
         ("laptop", "phone", "tablet", "camera", "watch", "speaker", "monitor", "router", "kettle", "blender",
          "toaster", "heater")]
NOISE = ("Hello team, @NorthwindHelp order ORD-48213 ref 0062395415777 on XX/XX/2019 for {{$1200.00}} "
         "XXXX XXXX [email] [phone] https://t.co/Ab12Cd www.example.com/help. {body}. "
         "I am writing to formally dispute this matter under the consumer protection act. "
         "Kind regards, Bob")
NOISE_WORDS = {"hello", "team", "northwindhelp", "ord", "ref", "xxxx", "xx", "email", "phone", "https", "www",
               "example", "help", "formally", "dispute", "protection", "act", "writing", "kind", "regards", "bob"}


def test_noise_never_reaches_keywords_or_titles(database, tmp_path):
    bodies = [NOISE.format(body=template.format(x=item)) for template in TOPICS.values() for item in ITEMS]
    write_rows(tmp_path / "noisy.csv", bodies)
    import_file(database, tmp_path / "noisy.csv", ImportOptions(source="noisy"))
    run_clustering(database, ClusterOptions(backend="tfidf", window_days=None))
    with database.session() as session:
        causes = session.execute(select(RootCause.title, RootCause.keywords)).all()
    assert len(causes) == len(TOPICS)
    for title, keywords in causes:
        words = set(tokens(title)) | {w for k in keywords for w in k.split()}
        assert words, title
        assert not words & NOISE_WORDS, (title, keywords)
        assert not any(is_noise_token(w) for w in words), (title, keywords)
    named = {t for title, _ in causes for t in tokens(title)}
    assert {"charger", "refund"} & named


def test_default_pipeline_on_real_cfpb_rows(tmp_path):
    """rca import + rca cluster with default options (TF-IDF pinned: the semantic model is optional)."""
    db = f"sqlite:///{tmp_path / 'cfpb.sqlite'}"
    runner = CliRunner()
    imported = runner.invoke(cli, ["--db", db, "import", str(CFPB_FIXTURE), "--source", "cfpb",
                                   "--map", "Consumer complaint narrative=body", "--map", "Date received=received_at",
                                   "--map", "Complaint ID=external_id"])
    assert "new 120" in imported.output, imported.output
    clustered = runner.invoke(cli, ["--db", db, "cluster", "--backend", "tfidf", "--since", "2000-01-01",
                                    "--format", "json"])
    assert clustered.exit_code == 0, clustered.output
    causes = json.loads(clustered.stdout)
    # 120 narratives over 13 products and 60+ issues: more than the two causes the old rule found,
    # each with real words as keywords.
    assert 4 <= len(causes) <= 24
    assert sum(c["added"] for c in causes) >= 100
    for cause in causes:
        words = [w for k in cause["keywords"] for w in k.split()]
        assert words and not any(is_noise_token(w) or re.fullmatch(r"x+", w) for w in words), cause
    assert "Quality: silhouette" in clustered.stderr and "WARNING" not in clustered.stderr


def test_eval_prints_rca_next_to_kmeans_given_the_true_k():
    fixture = ROOT / "tests" / "fixtures" / "labeled_small.csv"
    out = CliRunner().invoke(cli, ["eval", str(fixture), "--backend", "tfidf", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert [(r["backend"], r["method"]) for r in rows] == [("tfidf", "rca"), ("tfidf", "kmeans-true-k")]
    rca, kmeans = rows
    assert rca["items"] == kmeans["items"] and rca["true_labels"] == kmeans["true_labels"] == kmeans["clusters"]
    for row in rows:
        assert 0.0 <= row["nmi"] <= 1.0 and row["seconds"] >= 0 and isinstance(row["warnings"], list)
    assert rca["nmi"] > 0.5
