"""Clustering library: determinism, min_size, recovery of clear topics, labels, scoring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rca.clustering import (
    TfidfBackend,
    closest_to_centre,
    cluster_vectors,
    evaluate_against_kmeans,
    evaluate_labeled,
    get_backend,
    read_labeled_csv,
    score_labels,
    top_terms,
)
from rca.clustering.text import STOP_WORDS
from rca.errors import BackendUnavailableError, InputFileError, UsageError

FIXTURE = Path(__file__).parent / "fixtures" / "labeled_small.csv"

TOPICS = {
    "refund": ["refund not received after returning the {x}", "still waiting for my refund for the {x}",
               "refund for returned {x} never arrived"],
    "charger": ["the {x} charger stopped working after a week", "charger for my {x} is broken and does not charge",
                "{x} charger overheats and stops charging"],
    "typo": ["typo on the pricing page for the {x}", "spelling mistake in the {x} price description",
             "the {x} pricing page has a typo in the title"],
    "delivery": ["delivery time for the {x} differs between faq and checkout",
                 "checkout says two days but faq says five days delivery for {x}",
                 "faq and checkout disagree about {x} delivery time"],
}
ITEMS = ["laptop", "phone", "tablet", "camera", "watch", "speaker", "monitor", "router"]


def synthetic() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for topic, templates in TOPICS.items():
        for template in templates:
            for item in ITEMS:
                texts.append(template.format(x=item))
                labels.append(topic)
    return texts, labels


@pytest.fixture(scope="module")
def labeled_small():
    return read_labeled_csv(FIXTURE)


@pytest.fixture(scope="module")
def small_vectors(labeled_small):
    return TfidfBackend(random_state=0).fit_transform(labeled_small[0])


def test_vectors_are_normalised_float32(small_vectors, labeled_small):
    assert small_vectors.dtype == np.float32
    assert small_vectors.shape[0] == len(labeled_small[0])
    assert np.allclose(np.linalg.norm(small_vectors, axis=1), 1.0, atol=1e-4)


def test_transform_projects_into_fitted_space(labeled_small):
    backend = TfidfBackend(random_state=0)
    fitted = backend.fit_transform(labeled_small[0])
    again = backend.transform(labeled_small[0][:10])
    assert np.allclose(fitted[:10], again, atol=1e-5)


def test_same_input_gives_identical_labels(labeled_small):
    texts = labeled_small[0]
    first = cluster_vectors(TfidfBackend(random_state=3).fit_transform(texts), random_state=3)
    second = cluster_vectors(TfidfBackend(random_state=3).fit_transform(texts), random_state=3)
    assert np.array_equal(first.labels, second.labels)
    assert first.params == second.params


def test_min_size_respected_and_clusters_numbered_by_size(small_vectors):
    for min_size in (5, 12):
        result = cluster_vectors(small_vectors, min_size=min_size)
        ids, counts = np.unique(result.labels[result.labels >= 0], return_counts=True)
        assert (counts >= min_size).all()
        assert list(ids) == list(range(result.n_clusters))
        assert list(counts) == sorted(counts, reverse=True)


def test_well_separated_topics_are_recovered():
    texts, labels = synthetic()
    result = cluster_vectors(TfidfBackend().fit_transform(texts), min_size=5)
    assert result.n_clusters == len(TOPICS)
    assert score_labels(labels, result.labels)["ari"] > 0.95
    assert result.silhouette is not None and result.silhouette > 0.2


def test_top_terms_have_no_stop_words_or_numbers():
    texts, labels = synthetic()
    texts = [f"{t} I don't know why 2024 order 12345" for t in texts]
    ids = {topic: i for i, topic in enumerate(TOPICS)}
    terms = top_terms(texts, np.array([ids[label] for label in labels]), n=6)
    assert set(terms) == set(ids.values())
    for words in terms.values():
        assert words
        for term in words:
            for word in term.split():
                assert word not in STOP_WORDS
                assert not word.isdigit()
    assert any("charger" in term for term in terms[ids["charger"]])
    assert any("refund" in term for term in terms[ids["refund"]])


def test_closest_to_centre_returns_members():
    texts, labels = synthetic()
    X = TfidfBackend().fit_transform(texts)
    result = cluster_vectors(X)
    centre = closest_to_centre(X, result.labels, n=3)
    for cluster, indices in centre.items():
        assert len(indices) == 3
        assert all(result.labels[i] == cluster for i in indices)


def test_evaluate_labeled_on_fixture(labeled_small):
    texts, labels = labeled_small
    scores = evaluate_labeled(texts, labels)
    assert scores.n_items == 300 and scores.n_true == 12
    assert scores.nmi > 0.6
    assert 6 <= scores.n_clusters <= 24
    assert scores.unassigned_share <= 0.15


def test_evaluate_leaves_texts_that_say_nothing_unassigned(labeled_small):
    # As rca cluster does: "thanks!" replies are not clustered, and count as unassigned.
    texts, labels = labeled_small
    replies = ["Thanks!", "ok, DM sent", "thank you so much"] * 10
    scores = evaluate_against_kmeans(list(texts) + replies, list(labels) + ["thanks"] * 30)
    rca = scores[0]
    assert rca.n_items == 330 and rca.unassigned_share >= 30 / 330
    alone = evaluate_labeled(texts, labels)
    assert rca.n_clusters == alone.n_clusters
    assert not any(c["majority_label"] == "thanks" for c in rca.clusters)


def test_unassigned_count_as_one_extra_group():
    truth = ["a"] * 4 + ["b"] * 4
    perfect = score_labels(truth, np.array([0] * 4 + [1] * 4))
    assert perfect["nmi"] == pytest.approx(1.0)
    # Refusing the two hard items puts them in one group of their own: the
    # score must drop, not stay perfect as it would if -1 were filtered out.
    refused = score_labels(truth, np.array([0, 0, 0, -1, 1, 1, 1, -1]))
    as_group = score_labels(truth, np.array([0, 0, 0, 9, 1, 1, 1, 9]))
    assert refused == as_group
    assert refused["nmi"] < 0.99


def test_read_labeled_csv_names_found_columns(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("body,intent\nhello,greet\n", encoding="utf-8")
    with pytest.raises(UsageError, match="'body', 'intent'"):
        read_labeled_csv(path)
    assert read_labeled_csv(path, "body", "intent") == (["hello"], ["greet"])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"text,category\n\xff\xfe,x\n")
    with pytest.raises(InputFileError):
        read_labeled_csv(bad)


def test_backend_registry():
    assert get_backend("tfidf").name == "tfidf"
    with pytest.raises(UsageError, match="tfidf"):
        get_backend("nope")
    # 'semantic' needs an optional extra: either it works or it says so clearly.
    try:
        assert get_backend("semantic").name == "semantic"
    except BackendUnavailableError:
        pass


def test_degenerate_inputs_do_not_crash():
    result = cluster_vectors(np.zeros((4, 3), dtype=np.float32))
    assert result.n_clusters == 0 and (result.labels == -1).all()
    with pytest.raises(UsageError):
        TfidfBackend().fit_transform(["", "  ", "!!"])


def test_tfidf_learns_from_a_sample_and_projects_the_rest_for_huge_inputs():
    """Past vocabulary_fit_rows the backend fits on a seeded sample and projects every text in batches."""
    from rca.clustering.tfidf import TfidfBackend

    topics = ["kettle stopped working after a week", "checkout button says procced to payment",
              "delivery time on the faq differs from checkout", "blender lid cracked on first use"]
    texts = [f"{topics[i % 4]} order {i} please help" for i in range(400)]
    small = TfidfBackend(vocabulary_fit_rows=100)
    vectors = small.fit_transform(texts)
    assert vectors.shape[0] == 400
    # Texts of one topic stay closer to each other than to another topic's, sampled or not.
    same = float(vectors[0] @ vectors[4])
    other = float(vectors[0] @ vectors[1])
    assert same > other + 0.3
    again = TfidfBackend(vocabulary_fit_rows=100).fit_transform(texts)
    assert np.array_equal(vectors, again)  # seeded


def test_leftovers_are_clustered_once_more():
    """A tight small group hidden among the first pass's outliers becomes its own cluster."""
    from rca.clustering.algorithm import cluster_with_leftovers, cluster_vectors

    rng = np.random.RandomState(0)
    centres = rng.normal(size=(3, 20))
    big = [c + 0.05 * rng.normal(size=(200, 20)) for c in centres]
    X = np.vstack(big + [rng.normal(size=(80, 20)) * 3])  # 80 scattered points
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    first = cluster_vectors(X, min_size=5, random_state=0)
    both = cluster_with_leftovers(X, min_size=5, random_state=0)
    assert both.n_clusters >= first.n_clusters
    assert (both.labels >= 0).sum() >= (first.labels >= 0).sum()
    # Clusters found by the first pass are untouched by the second.
    for label in range(first.n_clusters):
        members = first.labels == label
        assert len(set(both.labels[members])) == 1
    assert "leftovers" in both.params


@pytest.mark.parametrize("k", [3, 20])  # 3: repeated argmax; 20: argpartition
def test_neighbours_are_the_most_similar_rows(k):
    from rca.clustering.algorithm import _neighbours

    rng = np.random.RandomState(3)
    R = rng.randn(300, 16).astype(np.float32)
    R /= np.linalg.norm(R, axis=1, keepdims=True)
    Q = R[:50]
    found = _neighbours(Q, R, k, exclude_self=True)
    S = Q @ R.T
    S[np.arange(50), np.arange(50)] = -np.inf  # a row is not its own neighbour
    expected = np.argsort(-S, axis=1, kind="stable")[:, :k]
    assert found.shape == (50, k)
    assert (np.sort(found, axis=1) == np.sort(expected, axis=1)).all()
    assert not (found == np.arange(50)[:, None]).any()
