"""The TF-IDF backend: word and character n-grams reduced by LSA, learned from each run's texts."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from rca.errors import UsageError
from rca.clustering.text import ngram_counts, stems


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
    # Cosine similarity (in the LSA space) a complaint needs to join an existing cause.
    assign_threshold = 0.5

    def __init__(
        self,
        random_state: int = 0,
        n_components: int = 200,
        svd_fit_rows: int = 10_000,
        vocabulary_fit_rows: int = 150_000,
    ):
        self.random_state = random_state
        self.n_components = n_components
        # Past this many texts the vocabulary is learned from a seeded sample and
        # the rest is projected in batches: the full sparse matrix of a million
        # complaints (word + character n-grams) would not fit in memory.
        self.vocabulary_fit_rows = vocabulary_fit_rows
        # The SVD is fitted on a seeded sample: its sparse products are most of
        # a run's time, linear in the rows. 10k short texts pin down 200 topic
        # directions: on 28k complaints they keep 98.9% of the matrix energy a
        # fit on all rows keeps (20k rows: 99.8%; banking77 train+test: 99.5%),
        # with NMI within seed noise, at half the time of 20k.
        self.svd_fit_rows = svd_fit_rows
        self._terms: _WordCharTfidf | None = None
        self._svd: TruncatedSVD | None = None

    def _sparse(self, docs: list[list[str]], fit: bool) -> sp.csr_matrix:
        if fit:
            # With a handful of texts a term seen twice is already rare; requiring
            # it would leave tiny inputs without any vocabulary.
            self._terms = _WordCharTfidf(min_df=2 if len(docs) >= 20 else 1)
            blocks = self._terms.fit_transform(docs)
        else:
            assert self._terms is not None
            blocks = self._terms.transform(docs)
        return normalize(sp.hstack(blocks, format="csr"))

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        # One BLAS/OpenMP thread: on a shared 2-core machine multi-threaded
        # BLAS measured 5x slower (spinning workers) than one thread for this
        # SVD, and one thread makes the floats independent of the core count.
        with threadpool_limits(limits=1):
            return self._fit_transform(texts)

    def _fit_transform(self, texts: Sequence[str], stemmed_already: bool = False) -> np.ndarray:
        docs = list(texts) if stemmed_already else [stems(t) for t in texts]
        if not any(docs):
            raise UsageError("No words to cluster: every text is empty or has no letters or digits.")
        if len(docs) > self.vocabulary_fit_rows:
            return self._fit_on_sample_then_project(docs)
        try:
            M = self._sparse(docs, fit=True)
        except ValueError as exc:  # no vocabulary, or none left after min_df
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

    def _fit_on_sample_then_project(self, docs: list[list[str]], batch: int = 50_000) -> np.ndarray:
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
        if self._terms is None:
            raise UsageError("The TF-IDF backend must be fitted (fit_transform) before transform.")
        with threadpool_limits(limits=1):
            return self._reduce(self._sparse([stems(t) for t in texts], fit=False))


class _WordCharTfidf:
    r"""The two TF-IDF blocks: word 1-2grams and ``char_wb`` 3-6grams, sublinear tf.

    Equal to two scikit-learn TfidfVectorizers (``analyzer="word"`` with
    ``token_pattern=r"\S+"``, and ``analyzer="char_wb"``) with the same
    ``min_df``, but computed from one pass over the texts.  ``char_wb`` n-grams
    never cross a space, so a text's character counts are the sum of its
    words' counts: they are counted once per distinct word and spread over the
    texts by a sparse product with the text x word counts.  Texts repeat a
    small vocabulary, so this replaces scikit-learn's per-text Python n-gram
    loop (the biggest cost of a 100k-complaint run) with sparse products.
    """

    def __init__(self, min_df: int):
        self.min_df = min_df

    def fit_transform(self, docs: list[list[str]]) -> list[sp.csr_matrix]:
        counts, terms = _word_ngram_counts(docs)
        if counts.shape[1] == 0:
            raise ValueError("empty vocabulary; the texts have no words")
        keep = _document_frequency(counts) >= self.min_df
        self._word_vocabulary = {str(t): i for i, t in enumerate(terms[keep])}
        words = counts[:, keep]
        unigrams = _unigrams(terms)
        chars = CountVectorizer(analyzer="char_wb", ngram_range=(3, 6), lowercase=False, dtype=np.float32)
        char_counts = _canonical(counts[:, unigrams] @ chars.fit_transform(terms[unigrams]))
        keep = _document_frequency(char_counts) >= self.min_df
        if not keep.any() or words.shape[1] == 0:
            raise ValueError("after pruning, no terms remain")
        names = chars.get_feature_names_out()[keep]
        self._chars = CountVectorizer(analyzer="char_wb", ngram_range=(3, 6), lowercase=False, dtype=np.float32,
                                      vocabulary={str(t): i for i, t in enumerate(names)})
        char_counts = char_counts[:, keep]
        self._word_tfidf = TfidfTransformer(sublinear_tf=True).fit(words)
        self._char_tfidf = TfidfTransformer(sublinear_tf=True).fit(char_counts)
        return [self._word_tfidf.transform(words, copy=False), self._char_tfidf.transform(char_counts, copy=False)]

    def transform(self, docs: list[list[str]]) -> list[sp.csr_matrix]:
        counts, terms = _word_ngram_counts(docs)
        # This batch's term columns -> the fitted vocabulary's columns (unknown terms dropped).
        rows = [i for i, t in enumerate(terms) if t in self._word_vocabulary]
        columns = [self._word_vocabulary[terms[i]] for i in rows]
        select = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)),
                               shape=(len(terms), len(self._word_vocabulary)))
        unigrams = _unigrams(terms)
        # Words unseen in the fit still contribute the character n-grams the fit knows.
        char_counts = counts[:, unigrams] @ self._chars.transform(terms[unigrams])
        return [self._word_tfidf.transform(_canonical(counts @ select), copy=False),
                self._char_tfidf.transform(_canonical(char_counts), copy=False)]


def _word_ngram_counts(docs: list[list[str]]) -> tuple[sp.csr_matrix, np.ndarray]:
    """Counts of every word 1-2gram of the texts (nothing pruned), and the terms in column order."""
    counts, terms = ngram_counts(docs)
    return counts, np.array(terms, dtype=object)


def _unigrams(terms: np.ndarray) -> np.ndarray:
    return np.array([" " not in t for t in terms], dtype=bool)


def _canonical(counts: sp.spmatrix) -> sp.csr_matrix:
    # Sparse products leave a row's column indices in whatever order scipy's
    # algorithm produces; sorted, the float sums downstream (SVD) do not
    # depend on that detail.
    counts = counts.tocsr()
    counts.sort_indices()
    return counts


def _document_frequency(counts: sp.csr_matrix) -> np.ndarray:
    """In how many texts each column occurs (CSR indices list each text's columns once)."""
    return np.bincount(counts.indices, minlength=counts.shape[1])
