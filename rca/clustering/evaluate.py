"""Score the clustering against a labeled file, without any database.

Unassigned items count as ONE extra predicted group: a method must not look
good by refusing the hard items.  (Scoring only the assigned part would.)
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn import metrics
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from rca.errors import InputFileError, UsageError
from rca.clustering.algorithm import cluster_with_leftovers, run_warnings
from rca.clustering.backends import get_backend
from rca.textnoise import prepare_texts, says_nothing


@dataclass
class EvalScores:
    nmi: float
    ari: float
    v_measure: float
    homogeneity: float
    completeness: float
    n_clusters: int
    n_true: int
    unassigned_share: float
    n_items: int
    seconds: float
    # One entry per cluster found, biggest first: title, keywords, size, majority label, purity.
    clusters: list[dict] = field(default_factory=list)
    backend: str = "tfidf"
    method: str = "rca"  # "rca", or "kmeans-true-k": KMeans told the true number of labels, on the same vectors
    warnings: list[str] = field(default_factory=list)

    def as_row(self) -> dict:
        """One flat, JSON-ready row (the eval command and quality_bench print these)."""
        return {"backend": self.backend, "method": self.method, "items": self.n_items, "true_labels": self.n_true,
                "clusters": self.n_clusters, "nmi": round(self.nmi, 4), "ari": round(self.ari, 4),
                "v_measure": round(self.v_measure, 4), "unassigned_pct": round(100 * self.unassigned_share, 1),
                "seconds": round(self.seconds, 1), "warnings": list(self.warnings)}


def score_labels(true_labels: Sequence, predicted: np.ndarray) -> dict[str, float]:
    """External scores with every -1 kept as one group of its own."""
    predicted = np.asarray(predicted)
    # -1 is already a single label value for scikit-learn, which is exactly
    # "one extra group"; made explicit so nobody "fixes" it by filtering.
    pred = np.where(predicted < 0, -1, predicted)
    h, c, v = metrics.homogeneity_completeness_v_measure(true_labels, pred)
    return {
        "nmi": float(metrics.normalized_mutual_info_score(true_labels, pred)),
        "ari": float(metrics.adjusted_rand_score(true_labels, pred)),
        "v_measure": float(v),
        "homogeneity": float(h),
        "completeness": float(c),
    }


def evaluate_labeled(
    texts: Sequence[str],
    true_labels: Sequence[str],
    *,
    backend: str = "tfidf",
    min_size: int = 5,
    random_state: int = 0,
) -> EvalScores:
    """rca's clustering (what `rca cluster` does to unclaimed complaints) scored against the labels."""
    return evaluate_against_kmeans(texts, true_labels, backend=backend, min_size=min_size,
                                   random_state=random_state, baseline=False)[0]


def evaluate_against_kmeans(
    texts: Sequence[str],
    true_labels: Sequence[str],
    *,
    backend: str = "tfidf",
    min_size: int = 5,
    random_state: int = 0,
    baseline: bool = True,
) -> list[EvalScores]:
    """[rca's scores, KMeans-given-the-true-k's scores] on the same prepared texts and vectors.

    The baseline knows what rca must guess (the number of labels), so it says
    how much of a gap is the choice of k rather than the vectors.
    """
    if len(texts) != len(true_labels):
        raise UsageError(f"{len(texts)} texts but {len(true_labels)} labels.")
    if len(texts) < 2:
        raise UsageError("Need at least 2 labeled texts to evaluate a clustering.")
    start = time.perf_counter()
    prepared = prepare_texts(texts)
    vector_backend = get_backend(backend, random_state=random_state)
    vectors = vector_backend.fit_transform(prepared)
    vectorized = time.perf_counter()
    # As in `rca cluster`: a text whose words name no cause (only thanks, "ok") is not clustered.
    speaking = np.flatnonzero([not says_nothing(text) for text in prepared])
    labels = np.full(len(texts), -1)
    n_clusters = 0
    if len(speaking) >= 2:
        result = cluster_with_leftovers(vectors[speaking], min_size=min_size, random_state=random_state)
        labels[speaking] = result.labels
        n_clusters = result.n_clusters
    clustered = time.perf_counter()
    n_true = len(set(true_labels))
    rows = [_scores(true_labels, labels, n_clusters, clustered - start, vector_backend.name, "rca",
                    run_warnings([prepared[i] for i in speaking], labels[speaking], min_size),
                    describe_clusters(texts, true_labels, vectors, labels))]
    if baseline:
        k = min(n_true, len(texts))
        with threadpool_limits(limits=1):
            kmeans = KMeans(n_clusters=k, n_init=5, random_state=random_state).fit(vectors)
        rows.append(_scores(true_labels, kmeans.labels_, k, vectorized - start + time.perf_counter() - clustered,
                            vector_backend.name, "kmeans-true-k", []))
    return rows


def _scores(true_labels, labels, n_clusters, seconds, backend, method, warnings, clusters=()) -> EvalScores:
    return EvalScores(n_clusters=n_clusters, n_true=len(set(true_labels)),
                      unassigned_share=float(np.mean(np.asarray(labels) < 0)), n_items=len(true_labels),
                      seconds=seconds, backend=backend, method=method, warnings=warnings, clusters=list(clusters),
                      **score_labels(true_labels, labels))


def describe_clusters(texts: Sequence[str], true_labels: Sequence, vectors: np.ndarray,
                      labels: np.ndarray) -> list[dict]:
    """What each found cluster would be called, and how well it matches one true label."""
    from rca.titles import cluster_titles

    titles = cluster_titles(texts, vectors, labels)
    out = []
    for label in sorted(titles):
        members = np.flatnonzero(labels == label)
        majority, count = Counter(true_labels[i] for i in members).most_common(1)[0]
        title, keywords = titles[label]
        out.append({"cluster": int(label), "title": title, "keywords": keywords, "size": int(len(members)),
                    "majority_label": majority, "purity": round(count / len(members), 4)})
    return out


def read_labeled_csv(path, text_column: str = "text", label_column: str = "category") -> tuple[list[str], list[str]]:
    """Texts and labels from a CSV with a header; rows with an empty text or label are skipped."""
    p = Path(path)
    try:
        handle = p.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"Labeled file not found: {p}") from None
    except OSError as exc:
        raise InputFileError(str(p), f"cannot be read ({exc.strerror or exc})") from None
    texts: list[str] = []
    labels: list[str] = []
    with handle:
        try:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            missing = [c for c in (text_column, label_column) if c not in columns]
            if missing:
                found = ", ".join(repr(c) for c in columns) or "none"
                raise UsageError(
                    f"{p}: missing column(s) {', '.join(repr(c) for c in missing)}; columns found: {found}. "
                    "Name the right ones with the text/label column options."
                )
            for row in reader:
                text = (row.get(text_column) or "").strip()
                label = (row.get(label_column) or "").strip()
                if text and label:
                    texts.append(text)
                    labels.append(label)
        except UnicodeDecodeError as exc:
            raise InputFileError(str(p), "is not UTF-8 text; re-save it as UTF-8 CSV", f"byte {exc.start}") from None
        except csv.Error as exc:
            raise InputFileError(str(p), f"is not valid CSV ({exc})", f"line {reader.line_num}") from None
    if not texts:
        raise InputFileError(str(p), f"has no rows with both {text_column!r} and {label_column!r} filled in")
    return texts, labels
