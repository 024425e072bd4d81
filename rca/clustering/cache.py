"""The embedding cache: a per-complaint, per-model store of sentence embeddings (table complaint_embeddings).

A weekly run sees last week's complaints again (as members of known causes and
as still-unassigned ones); embedding them again would cost most of the run.
So each complaint is embedded once per model and the float32 vector is kept in
the database.  A row is only used when the text it was made from is the text
asked for now (``text_hash``): an export that edits a complaint's body makes
the old vector a miss, and a different model name never matches at all.

A run wraps an embedding backend (rca.clustering.backends.EmbeddingBackend) in
the cache (``with_embedding_cache``): the backend only embeds texts, the cache
alone reads and writes the table, in its own short transactions, between the
run's read snapshot and its write.

Needs no torch and no numpy beyond what rca already uses, so it can be imported
and tested without the semantic extra.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import ComplaintEmbedding

_IN_CHUNK = 500  # ids per IN (...) query: well under SQLite's bound-parameter limit


def text_hash(text: str) -> str:
    """A short, stable digest of the exact text that is embedded."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _to_bytes(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def _from_bytes(blob: bytes, dim: int) -> np.ndarray:
    vector = np.frombuffer(blob, dtype="<f4")
    if vector.shape != (dim,):
        raise ValueError(f"cached vector has {vector.size} values, expected {dim}")
    return vector.astype(np.float32)


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class EmbeddingCache:
    """Read and write cached vectors; callers own the sessions and transactions."""

    def get_many(self, session: Session, ids: Sequence[int], model: str,
                 hashes: Sequence[str] | None = None) -> dict[int, np.ndarray]:
        """{complaint id: vector} for the ids cached under ``model``.

        With ``hashes`` (parallel to ``ids``), a row made from other text is left out.
        """
        wanted = dict(zip(ids, hashes)) if hashes is not None else None
        found: dict[int, np.ndarray] = {}
        unique = sorted(set(int(i) for i in ids))
        table = ComplaintEmbedding
        for part in _chunks(unique, _IN_CHUNK):
            rows = session.execute(
                select(table.complaint_id, table.dim, table.text_hash, table.vector)
                .where(table.model == model, table.complaint_id.in_(part)))
            for complaint_id, dim, digest, blob in rows:
                if wanted is not None and wanted.get(complaint_id) != digest:
                    continue
                found[complaint_id] = _from_bytes(blob, dim)
        return found

    def put_many(self, session: Session, ids: Sequence[int], model: str, vectors: np.ndarray,
                 hashes: Sequence[str]) -> int:
        """Store (or replace) one vector per id under ``model``; returns the number written."""
        vectors = np.asarray(vectors, dtype=np.float32)
        if len(ids) != len(vectors) or len(ids) != len(hashes):
            raise ValueError(f"{len(ids)} ids, {len(vectors)} vectors and {len(hashes)} hashes")
        if not len(ids):
            return 0
        latest = {int(i): (v, h) for i, v, h in zip(ids, vectors, hashes)}  # last one wins
        keys = sorted(latest)
        table = ComplaintEmbedding
        for part in _chunks(keys, _IN_CHUNK):
            # Replace, not upsert: one portable statement pair on SQLite and PostgreSQL.
            session.execute(delete(table).where(table.model == model, table.complaint_id.in_(part)))
        session.execute(
            table.__table__.insert(),
            [{"complaint_id": i, "model": model, "dim": int(latest[i][0].shape[0]),
              "text_hash": latest[i][1], "vector": _to_bytes(latest[i][0])} for i in keys])
        return len(keys)

    def count(self, session: Session, model: str | None = None) -> int:
        from sqlalchemy import func

        query = select(func.count()).select_from(ComplaintEmbedding)
        if model is not None:
            query = query.where(ComplaintEmbedding.model == model)
        return int(session.scalar(query) or 0)


# Misses are embedded and stored this many at a time: a first run over a long
# history embeds for many minutes, and a run that is stopped keeps what it did.
EMBED_BATCH = 1_000

EmbedProgress = Callable[[int, int], None]  # (texts embedded so far, texts to embed)


def embed_with_cache(database, model: str, ids: Sequence[int], texts: Sequence[str],
                     embed: Callable[[Sequence[str]], np.ndarray],
                     cache: EmbeddingCache | None = None, progress: EmbedProgress | None = None,
                     batch: int = EMBED_BATCH) -> tuple[np.ndarray, int]:
    """Vectors for ``texts`` (parallel to complaint ``ids``), embedding only cache misses.

    Reads in a short read-only session, then embeds the misses ``batch`` at a
    time outside any transaction (that is the slow part), writing each batch
    in its own short write transaction: a run killed half-way has cached what
    it embedded, and the next run starts from there. ``progress`` hears
    (embedded so far, to embed) after each batch. Returns (vectors, number of
    cache hits).
    """
    if len(ids) != len(texts):
        raise ValueError(f"{len(ids)} ids but {len(texts)} texts")
    cache = cache or EmbeddingCache()
    hashes = [text_hash(t) for t in texts]
    with database.session() as session:
        found = cache.get_many(session, ids, model, hashes)
    missing = [i for i, cid in enumerate(ids) if int(cid) not in found]
    # The same complaint twice in one call (it should not happen) is embedded once.
    first_of: dict[int, int] = {}
    for i in missing:
        first_of.setdefault(int(ids[i]), i)
    fresh_positions = list(first_of.values())
    for start in range(0, len(fresh_positions), batch):
        positions = fresh_positions[start:start + batch]
        fresh = embed([texts[i] for i in positions])
        for position, vector in zip(positions, fresh):
            found[int(ids[position])] = vector
        with database.write_session() as session:
            cache.put_many(session, [ids[i] for i in positions], model, fresh, [hashes[i] for i in positions])
        if progress is not None:
            progress(start + len(positions), len(fresh_positions))
    dim = next(iter(found.values())).shape[0] if found else 0
    vectors = np.zeros((len(ids), dim), dtype=np.float32)
    for row, cid in enumerate(ids):
        vectors[row] = found[int(cid)]
    return vectors, len(ids) - len(missing)


class CachedEmbeddings:
    """A backend whose model vectors come through the cache: a VectorBackend for one run's texts.

    ``ids`` are the complaints the run's texts belong to (parallel to them).
    Only ``fit_transform`` reads the cache; ``transform`` of other texts embeds them.
    """

    def __init__(self, backend, database, ids: Sequence[int], progress: EmbedProgress | None = None):
        self.backend = backend
        self.database = database
        self.ids = list(ids)
        self.progress = progress
        self.name = backend.name
        self.assign_threshold = backend.assign_threshold
        self.cache_hits = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors, self.cache_hits = embed_with_cache(self.database, self.backend.model_key, self.ids, texts,
                                                    self.backend.embed, progress=self.progress)
        return vectors

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.backend.fit_embedded(self.embed(texts))

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.backend.transform(texts)


def with_embedding_cache(backend, database, ids: Sequence[int], progress: EmbedProgress | None = None):
    """``backend`` with its model vectors cached per complaint, when it is an embedding backend;
    any other backend (TF-IDF learns its whole space from each run's texts) as it is."""
    from .backends import EmbeddingBackend

    if isinstance(backend, EmbeddingBackend):
        return CachedEmbeddings(backend, database, ids, progress)
    return backend
