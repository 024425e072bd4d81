"""Clustering: vector backends, the clustering algorithm, the embedding cache, and labeled evaluation.

- ``backends``: the backend contract and the list of backends (light);
- ``tfidf``, ``semantic`` (+ ``onnx_export``): the backends;
- ``cache``: per-complaint embeddings a run wraps around an embedding backend;
- ``text``: tokens and stems; ``algorithm``: vectors into clusters, k from the data;
- ``evaluate``: scores against labeled data.

The names below load their module on first use, so importing this package is light.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "BACKEND_NAMES": "backends", "VectorBackend": "backends", "EmbeddingBackend": "backends",
    "get_backend": "backends", "installed_backends": "backends",
    "TfidfBackend": "tfidf",
    "ClusterResult": "algorithm", "closest_to_centre": "algorithm", "cluster_vectors": "algorithm",
    "top_terms": "algorithm",
    "EvalScores": "evaluate", "evaluate_against_kmeans": "evaluate", "evaluate_labeled": "evaluate",
    "read_labeled_csv": "evaluate", "score_labels": "evaluate",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
