"""Clustering: vector backends, the clustering algorithm, and labeled evaluation."""

from rca.clustering.algorithm import ClusterResult, closest_to_centre, cluster_vectors, top_terms
from rca.clustering.backends import BACKEND_NAMES, TfidfBackend, VectorBackend, get_backend, installed_backends
from rca.clustering.evaluate import (EvalScores, evaluate_against_kmeans, evaluate_labeled, read_labeled_csv,
                                     score_labels)

__all__ = [
    "BACKEND_NAMES",
    "ClusterResult",
    "EvalScores",
    "TfidfBackend",
    "VectorBackend",
    "closest_to_centre",
    "cluster_vectors",
    "evaluate_against_kmeans",
    "evaluate_labeled",
    "get_backend",
    "installed_backends",
    "read_labeled_csv",
    "score_labels",
    "top_terms",
]
