"""Vector backends: the contract, and the one list of them.

Every backend turns complaint texts into dense, L2-normalised vectors: it
learns "this run's space" from the texts it is given (``fit_transform``) and
can project more texts into it (``transform``); the clustering and the
assignment of new complaints to known causes only ever see the vectors, so a
semantic backend can replace TF-IDF without touching them.

Adding a backend: a module with a class that meets VectorBackend (or
EmbeddingBackend, when each text's vector depends on that text alone and can
be cached), and one line in BACKENDS. The CLI's ``--backend`` choices come from
here. Light to import: a backend's module loads only when it is chosen.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol, Sequence, runtime_checkable

from rca.errors import UsageError

if TYPE_CHECKING:
    import numpy as np

# name -> "module:factory"; the factory takes random_state=.
BACKENDS: dict[str, str] = {
    "tfidf": "rca.clustering.tfidf:TfidfBackend",
    "semantic": "rca.clustering.semantic:SemanticBackend",  # the semantic extra
}
BACKEND_NAMES = tuple(BACKENDS)
AUTO = "auto"  # semantic when its extra is installed, else tfidf
BACKEND_CHOICES = (*BACKEND_NAMES, AUTO)


@runtime_checkable
class VectorBackend(Protocol):
    """What a clustering run needs of a backend."""

    name: str
    # Cosine similarity (in this backend's space) a complaint needs to join an existing cause.
    assign_threshold: float

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray: ...

    def transform(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class EmbeddingBackend(VectorBackend, Protocol):
    """A backend whose model gives each text a vector of its own before a run fits its space to them.

    Those model vectors can be kept per complaint: a run wraps ``embed`` in the
    embedding cache (rca.clustering.cache) and fits its space with ``fit_embedded``.
    """

    # What cached vectors are filed under: the model and everything that changes its vectors.
    model_key: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def fit_embedded(self, vectors: np.ndarray) -> np.ndarray: ...


def semantic_available() -> bool:
    """True when the semantic extra is installed (checked without importing torch)."""
    from rca.clustering.semantic import semantic_available as available

    return available()


def installed_backends() -> list[str]:
    """The backends this installation can run: tfidf always, semantic with its extra."""
    return [name for name in BACKEND_NAMES if name != "semantic" or semantic_available()]


def get_backend(name: str, random_state: int = 0) -> VectorBackend:
    """A backend by name; ``auto`` is ``semantic`` when its extra is installed, else ``tfidf``."""
    if name == AUTO:
        name = "semantic" if semantic_available() else "tfidf"
    try:
        module, factory = BACKENDS[name].split(":")
    except KeyError:
        raise UsageError(f"Unknown backend {name!r}; choose one of: {', '.join(BACKEND_CHOICES)}.") from None
    return getattr(importlib.import_module(module), factory)(random_state=random_state)
