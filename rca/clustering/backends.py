"""Vector backends: turn complaint texts into dense, L2-normalised vectors.

Every backend learns "this run's space" from the texts it is given
(``fit_transform``) and can project more texts into it (``transform``); the
clustering and the assignment of new complaints to known causes only ever see
the vectors, so a semantic backend can replace TF-IDF without touching them.
"""

from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from rca.errors import UsageError
from rca.clustering.text import stemmed


@runtime_checkable
class VectorBackend(Protocol):
    name: str

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray: ...

    def transform(self, texts: Sequence[str]) -> np.ndarray: ...


class TfidfBackend:
    """Word 1-2gram + character 3-6gram TF-IDF, reduced by LSA (TruncatedSVD).

    Why both: short complaints share few whole words, but character n-grams
    inside word boundaries catch typos, inflections and compounds ("top-up",
    "topup"); word n-grams keep the phrases that carry the intent.  Each block
    is L2-normalised before stacking so both weigh the same, tf is sublinear so
    a repeated word does not dominate a one-line text, and terms seen in a
    single document are dropped (``min_df``) because they cannot make two texts
    similar.  SVD then merges co-occurring terms into topics, which is what
    makes cosine distances between two-line texts meaningful.

    Rows that share no term with the fitted vocabulary come out as zero
    vectors; the clustering treats them as unassigned.
    """

    name = "tfidf"

    def __init__(
        self,
        random_state: int = 0,
        n_components: int = 200,
        svd_fit_rows: int = 20_000,
        vocabulary_fit_rows: int = 150_000,
    ):
        self.random_state = random_state
        self.n_components = n_components
        # Past this many texts the vocabulary is learned from a seeded sample and
        # the rest is projected in batches: the full sparse matrix of a million
        # complaints (word + character n-grams) would not fit in memory.
        self.vocabulary_fit_rows = vocabulary_fit_rows
        # Fitting the SVD on a seeded sample keeps 100k-row runs inside the
        # time budget; 20k short texts already pin down 200 topic directions.
        self.svd_fit_rows = svd_fit_rows
        self._word: TfidfVectorizer | None = None
        self._char: TfidfVectorizer | None = None
        self._svd: TruncatedSVD | None = None

    def _vectorizers(self, n_docs: int) -> tuple[TfidfVectorizer, TfidfVectorizer]:
        # With a handful of texts a term seen twice is already rare; requiring
        # it would leave tiny inputs without any vocabulary.
        min_df = 2 if n_docs >= 20 else 1
        common = dict(min_df=min_df, sublinear_tf=True, dtype=np.float32, lowercase=False)
        word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"\S+", **common)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 6), **common)
        return word, char

    def _sparse(self, docs: list[str], fit: bool) -> sp.csr_matrix:
        assert self._word is not None and self._char is not None
        if fit:
            blocks = [self._word.fit_transform(docs), self._char.fit_transform(docs)]
        else:
            blocks = [self._word.transform(docs), self._char.transform(docs)]
        return normalize(sp.hstack(blocks, format="csr"))

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        # One BLAS/OpenMP thread: on a shared 2-core machine multi-threaded
        # BLAS measured 5x slower (spinning workers) than one thread for this
        # SVD, and one thread makes the floats independent of the core count.
        with threadpool_limits(limits=1):
            return self._fit_transform(texts)

    def _fit_transform(self, texts: Sequence[str], stemmed_already: bool = False) -> np.ndarray:
        docs = list(texts) if stemmed_already else [stemmed(t) for t in texts]
        if not any(docs):
            raise UsageError("No words to cluster: every text is empty or has no letters or digits.")
        if len(docs) > self.vocabulary_fit_rows:
            return self._fit_on_sample_then_project(docs)
        self._word, self._char = self._vectorizers(len(docs))
        try:
            M = self._sparse(docs, fit=True)
        except ValueError as exc:  # "empty vocabulary" from scikit-learn
            raise UsageError(f"Cannot build a vocabulary from these texts ({exc}); give more or longer texts.") from exc
        n_components = min(self.n_components, M.shape[1] - 1, M.shape[0] - 1)
        if n_components < 2:
            # Too little data for topics: the normalised TF-IDF itself is the space.
            self._svd = None
            return np.asarray(M.toarray(), dtype=np.float32)
        self._svd = TruncatedSVD(n_components, algorithm="randomized", n_iter=5, random_state=self.random_state)
        if M.shape[0] > self.svd_fit_rows:
            rows = np.random.RandomState(self.random_state).choice(M.shape[0], self.svd_fit_rows, replace=False)
            self._svd.fit(M[np.sort(rows)])
        else:
            self._svd.fit(M)
        return self._reduce(M)

    def _fit_on_sample_then_project(self, docs: list[str], batch: int = 50_000) -> np.ndarray:
        rows = np.sort(np.random.RandomState(self.random_state).choice(len(docs), self.vocabulary_fit_rows,
                                                                       replace=False))
        self._fit_transform([docs[i] for i in rows], stemmed_already=True)
        return np.vstack([self._reduce(self._sparse(docs[start:start + batch], fit=False))
                          for start in range(0, len(docs), batch)])

    def _reduce(self, M: sp.csr_matrix) -> np.ndarray:
        if self._svd is None:
            return np.asarray(M.toarray(), dtype=np.float32)
        return normalize(self._svd.transform(M)).astype(np.float32, copy=False)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        if self._word is None:
            raise UsageError("The TF-IDF backend must be fitted (fit_transform) before transform.")
        with threadpool_limits(limits=1):
            return self._reduce(self._sparse([stemmed(t) for t in texts], fit=False))


def SemanticBackend(random_state: int = 0, **options) -> VectorBackend:
    """Sentence embeddings from the locally installed model package (the ``semantic`` extra).

    The implementation lives in rca.clustering.semantic so that torch and
    sentence-transformers load only when this backend is chosen; without the
    extra this raises BackendUnavailableError saying how to install it.
    """
    from rca.clustering.semantic import SemanticBackend as _Semantic, require_semantic

    require_semantic()
    return _Semantic(random_state=random_state, **options)


_BACKENDS = {"tfidf": TfidfBackend, "semantic": SemanticBackend}
BACKEND_NAMES = tuple(_BACKENDS)


def semantic_available() -> bool:
    """True when the semantic extra is installed (checked without importing torch)."""
    from rca.clustering.semantic import semantic_available as available

    return available()


def get_backend(name: str, random_state: int = 0) -> VectorBackend:
    """A backend by name; ``auto`` is ``semantic`` when its extra is installed, else ``tfidf``."""
    if name == "auto":
        name = "semantic" if semantic_available() else "tfidf"
    try:
        factory = _BACKENDS[name]
    except KeyError:
        raise UsageError(f"Unknown backend {name!r}; choose one of: {', '.join(BACKEND_NAMES + ('auto',))}.") from None
    return factory(random_state=random_state)
