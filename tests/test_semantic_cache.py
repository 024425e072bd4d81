"""The semantic backend's parts that need no model: the embedding cache, migration
0002, backend selection and the one-line error without the extra.

These run on every installation; tests/test_semantic.py runs the real model.
"""

from __future__ import annotations

import sys
import uuid

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import inspect

from rca.clustering.backends import get_backend
from rca.clustering.tfidf import TfidfBackend
from rca.clustering.semantic import INSTALL_HINT
from rca.clustering.cache import EmbeddingCache, embed_with_cache, text_hash
from rca.errors import BackendUnavailableError
from tests.factories import Factory

DIM = 4


class CountingEmbedder:
    """A stand-in model: a deterministic vector per text, and a count of texts embedded."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def __call__(self, texts):
        self.calls.append(list(texts))
        out = np.array([[len(t), t.count("a"), t.count("e"), 1.0] for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    @property
    def embedded(self) -> int:
        return sum(len(c) for c in self.calls)


def _complaints(database, texts):
    with database.write_session() as session:
        factory = Factory(session)
        ids = [factory.complaint("2026-11-02", body=t, external_id=uuid.uuid4().hex).id for t in texts]
    return ids


def test_migration_0002_creates_and_drops_the_cache_table(database):
    from rca.db import head_revision

    assert database.current_revision() == head_revision()
    columns = {c["name"] for c in inspect(database.engine).get_columns("complaint_embeddings")}
    assert columns == {"complaint_id", "model", "dim", "text_hash", "vector"}
    pk = inspect(database.engine).get_pk_constraint("complaint_embeddings")
    assert pk["constrained_columns"] == ["complaint_id", "model"]
    assert pk["name"] == "pk_complaint_embeddings"
    database.downgrade("0001")
    assert database.current_revision() == "0001"
    assert "complaint_embeddings" not in database.table_names()
    assert "complaints" in database.table_names()
    database.upgrade("0002")
    assert "complaint_embeddings" in database.table_names()
    database.upgrade()
    assert database.current_revision() == head_revision()


def test_vectors_round_trip_as_float32_bytes(database):
    ids = _complaints(database, ["one", "two"])
    vectors = np.array([[0.1, -0.2, 0.3, 1e-8], [1, 2, 3, 4]], dtype=np.float32)
    cache = EmbeddingCache()
    with database.write_session() as session:
        assert cache.put_many(session, ids, "m", vectors, [text_hash("one"), text_hash("two")]) == 2
    with database.session() as session:
        got = cache.get_many(session, ids + [999], "m")
        assert cache.get_many(session, ids, "other-model") == {}
        # A row made from other text is a miss when the caller gives the hashes.
        assert set(cache.get_many(session, ids, "m", [text_hash("one"), text_hash("changed")])) == {ids[0]}
        assert cache.count(session, "m") == 2
    assert set(got) == set(ids)
    np.testing.assert_array_equal(got[ids[0]], vectors[0])
    assert got[ids[1]].dtype == np.float32


def test_second_run_over_the_same_ids_embeds_nothing_new(database):
    texts = ["my card hasn't arrived", "still waiting on the card", "the kettle broke"]
    ids = _complaints(database, texts)
    embed = CountingEmbedder()
    first, hits = embed_with_cache(database, "model-a", ids, texts, embed)
    assert (embed.embedded, hits) == (3, 0)
    second, hits = embed_with_cache(database, "model-a", ids, texts, embed)
    assert (embed.embedded, hits) == (3, 3)
    np.testing.assert_array_equal(first, second)
    # A week later: two old complaints and one new one; only the new one is embedded.
    new_id = _complaints(database, ["the app logs me out"])[0]
    embed_with_cache(database, "model-a", [ids[0], new_id, ids[2]],
                     [texts[0], "the app logs me out", texts[2]], embed)
    assert embed.calls[-1] == ["the app logs me out"]
    assert embed.embedded == 4


def test_another_model_or_edited_text_is_embedded_again(database):
    texts = ["my card hasn't arrived", "the kettle broke"]
    ids = _complaints(database, texts)
    embed = CountingEmbedder()
    embed_with_cache(database, "model-a", ids, texts, embed)
    embed_with_cache(database, "model-b", ids, texts, embed)
    assert embed.embedded == 4
    vectors, hits = embed_with_cache(database, "model-a", ids, [texts[0], "the kettle broke twice"], embed)
    assert hits == 1 and embed.calls[-1] == ["the kettle broke twice"]
    np.testing.assert_allclose(vectors[1], embed(["the kettle broke twice"])[0])
    with database.session() as session:  # replaced, not duplicated
        assert EmbeddingCache().count(session) == 4


class Interrupted(Exception):
    pass


def test_embedding_goes_in_batches_and_a_stopped_run_keeps_what_it_embedded(database):
    texts = [f"complaint number {i} about the {'kettle' if i % 2 else 'card'}" for i in range(7)]
    ids = _complaints(database, texts)
    embed = CountingEmbedder()
    heard: list[tuple[int, int]] = []

    def stop_after_two_batches(done, total):
        heard.append((done, total))
        if len(heard) == 2:
            raise Interrupted  # as Ctrl-C or a kill would, between two batches

    with pytest.raises(Interrupted):
        embed_with_cache(database, "model-a", ids, texts, embed, progress=stop_after_two_batches, batch=3)
    assert heard == [(3, 7), (6, 7)]
    assert [len(call) for call in embed.calls] == [3, 3]
    with database.session() as session:
        assert EmbeddingCache().count(session, "model-a") == 6
    # The next run embeds only the one complaint the stopped run did not reach.
    heard.clear()
    vectors, hits = embed_with_cache(database, "model-a", ids, texts, embed, batch=3,
                                     progress=lambda done, total: heard.append((done, total)))
    assert hits == 6 and embed.calls[-1] == [texts[6]] and heard == [(1, 1)]
    np.testing.assert_allclose(vectors, embed(texts))


def test_a_long_text_is_cut_into_windows_of_word_pieces_and_a_short_one_is_one_window():
    from rca.clustering.semantic import windows

    pieces = list(range(1000, 1300))  # 300 word pieces
    whole = windows(pieces, 128, whole_text=True, cls=101, sep=102)
    assert [len(w) for w in whole] == [128, 128, 50]  # 126 + 126 + 48, each with [CLS] and [SEP]
    assert all(w[0] == 101 and w[-1] == 102 for w in whole)
    assert [p for w in whole for p in w[1:-1]] == pieces  # every piece once, in order
    assert windows(pieces, 128, whole_text=False) == [whole[0]]
    assert windows(pieces, 128, whole_text=True, max_windows=2) == whole[:2]
    assert windows([], 128, whole_text=True) == [[101, 102]]


def test_a_run_says_how_embedding_goes_without_flooding_the_terminal():
    from rca.runs.tracking import _embedding_progress

    said: list[str] = []
    report = _embedding_progress(said.append, every_seconds=3600)
    for done in (1000, 2000, 3000):
        report(done, 3000)
    # Within the interval only the end is said; it names the counts and the rate.
    assert len(said) == 1 and said[0].startswith("embedded 3,000 of 3,000 complaints not embedded before (")
    said.clear()
    report = _embedding_progress(said.append, every_seconds=0)
    report(1000, 4000)
    assert said[0].startswith("embedded 1,000 of 4,000") and "min left" in said[0]


def _hide_extra(monkeypatch):
    # sys.modules[name] = None makes both importing and finding the module fail,
    # as on an installation without the extra.
    monkeypatch.setitem(sys.modules, "onnxruntime", None)


def test_semantic_without_the_extra_says_how_to_install(monkeypatch):
    _hide_extra(monkeypatch)
    with pytest.raises(BackendUnavailableError) as info:
        get_backend("semantic")
    assert str(info.value) == INSTALL_HINT
    assert "pip install torch==2.13.0 && pip install -e '.[semantic]'" in str(info.value)


def test_auto_falls_back_to_tfidf_without_the_extra(monkeypatch):
    _hide_extra(monkeypatch)
    assert isinstance(get_backend("auto"), TfidfBackend)


def test_cli_semantic_without_the_extra_is_one_line(monkeypatch, sqlite_url):
    from cli.main import cli

    _hide_extra(monkeypatch)
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "cluster", "--backend", "semantic"])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines()[-1] == f"Error: {INSTALL_HINT}"
    assert "Traceback" not in result.output
