"""Speed of the semantic backend on this machine, and what truncating long complaints costs.

Usage (from the repo root, with the semantic extra installed):

    python benchmarks/semantic_bench.py variants [--cache DIR]  # each variant next to the old path: texts/s, NMI
    python benchmarks/semantic_bench.py throughput [DATA_DIR]   # short vs long texts, texts/s
    python benchmarks/semantic_bench.py truncation [DATA_DIR]   # quality of 64/128/256 tokens on long texts
    python benchmarks/semantic_bench.py threshold  [DATA_DIR]   # how assign_threshold was chosen
    python benchmarks/semantic_bench.py weekly N [--new M]      # incremental weekly run, N complaints + M new

DATA_DIR holds banking77's test.csv and train.csv (default ../shared/data/banking77).

Long complaints are built from banking77 so their intent is known: a greeting,
then three same-intent sentences, then unrelated account history and a
sign-off (about 300-450 word pieces).  ``truncation`` also scores a "buried"
variant whose intent comes only after a 150-word-piece preamble, the case
truncation cannot handle.  Quality is nearest-centroid accuracy against
intent centroids made from test.csv's short texts.

``variants`` times the variants of rca.clustering.semantic (fp32 and int8
reading the whole text, int8 its first 128 word pieces) against the path rca
used before (sentence-transformers on torch, first 128 word pieces) in the
same process on the same texts, as a run prepares them (rca.runs.texts): 1,024
banking77 test texts and 300 CFPB narratives (``../shared/data/cfpb``), in 3
interleaved rounds (``--rounds N``) so load on a shared machine hits all
alike; medians. Then quality on banking77 test.csv and every labelled set
benchmarks/quality_bench.py scores (each CFPB file on Issue and Sub-issue):
NMI of rca's own clustering (k chosen) and of KMeans given the true k (mean
of 5 seeds, the vectors' quality without the k choice). ``--cache DIR`` keeps
each set's vectors per variant there, so a second run only re-times.

``weekly`` builds a database from sample_data's generator (N complaints, then
M newer ones imported afterwards) and times run_clustering with the semantic
backend twice: cold (empty cache: embeds everything) and after the new import
(warm cache: embeds only the M new complaints).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rca.clustering.evaluate import read_labeled_csv  # noqa: E402

GREETINGS = ["Hello,", "Hi there,", "Good morning,", "Dear support team,", "To whom it may concern,"]
FILLER = [
    "I have been a customer of yours for about six years and I have always recommended you to my friends and family.",
    "My salary is paid into this account every month and I use it for nearly all of my day to day spending.",
    "Last year I also opened a savings pot with you and I moved most of my emergency fund over from my old bank.",
    "I travel for work quite a lot, mostly within Europe, and I usually rely on the app to keep track of everything.",
    "I already tried the chat in the app twice this week but nobody answered and the conversation was closed.",
    "My partner has an account with you as well and has never had any trouble, which is why this is so surprising.",
    "I am writing from my laptop because my phone screen cracked over the weekend and is hard to read at the moment.",
    "Please note that I am away from the fourteenth to the twentieth so email is the best way to reach me.",
    "I would appreciate a reply in writing so that I have a record of what was agreed for my own files.",
    "I really hope this can be sorted out soon because it is making it difficult to plan the rest of the month.",
]
SIGN_OFFS = ["Thanks in advance,\nSam", "Kind regards,\nAlex Morgan", "Best,\nJ.", "Many thanks\nChris"]


def data_dir(argv: list[str]) -> Path:
    return Path(argv[0]) if argv else REPO.parent / "shared" / "data" / "banking77"


def long_complaints(texts: list[str], labels: list[str], per_label: int, seed: int = 0,
                    buried: bool = False) -> tuple[list[str], list[str]]:
    """Several-paragraph complaints whose intent is one banking77 label."""
    rng = random.Random(seed)
    by_label: dict[str, list[str]] = {}
    for t, y in zip(texts, labels):
        by_label.setdefault(y, []).append(t)
    out_t, out_y = [], []
    for label in sorted(by_label):
        pool = by_label[label]
        for _ in range(per_label):
            issue = " ".join(rng.sample(pool, min(3, len(pool))))
            history = " ".join(rng.sample(FILLER, 4))
            more = " ".join(rng.sample(FILLER, 3))
            preamble = " ".join(rng.sample(FILLER, 5)) + "\n\n" if buried else ""
            body = f"{rng.choice(GREETINGS)}\n\n{preamble}{issue}\n\n{history}\n\n{more}\n\n{rng.choice(SIGN_OFFS)}"
            out_t.append(body)
            out_y.append(label)
    return out_t, out_y


def _rate(backend, texts: list[str]) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    vectors = backend.embed(texts)
    return vectors, len(texts) / (time.perf_counter() - start)


def _load(max_tokens: int):
    """The default variant reading only the first ``max_tokens`` word pieces (what truncation costs)."""
    from rca.clustering.semantic import SemanticBackend

    backend = SemanticBackend(max_tokens=max_tokens, whole_text=False)
    backend.embed(["warm up the model"])  # load (and on a new machine export) outside the timing
    return backend


def _tokens(texts: list[str]) -> float:
    from rca.clustering.semantic import load_tokenizer

    tokenizer = load_tokenizer()
    return float(np.mean([len(e.ids) for e in tokenizer.encode_batch(texts)]))


def _cfpb_sets(folder: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Each CFPB file's narratives and their Issue labels (rows with both)."""
    import csv

    sets = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [r for r in csv.DictReader(handle)
                    if (r.get("Consumer complaint narrative") or "").strip() and (r.get("Issue") or "").strip()]
        sets[f"CFPB {path.stem.replace('cfpb_', '')}"] = ([r["Consumer complaint narrative"] for r in rows],
                                                          [r["Issue"] for r in rows])
    return sets


class _OldPath:
    """What rca ran before variants: sentence-transformers on torch, first 128 word pieces, default threads."""

    name = "before: sentence-transformers, first 128"

    def __init__(self):
        from sentence_transformers import SentenceTransformer
        from rca.clustering.semantic import model_path

        self.model = SentenceTransformer(str(model_path()), device="cpu", local_files_only=True)
        self.model.max_seq_length = 128

    def embed(self, texts):
        import torch

        with torch.inference_mode():
            return self.model.encode([t[:1024] for t in texts], batch_size=32, convert_to_numpy=True,
                                     normalize_embeddings=True, show_progress_bar=False)


def _variants():
    from rca.clustering.semantic import SemanticBackend

    out = [("before", _OldPath())]
    for variant, whole in (("fp32", True), ("int8", True), ("int8", False)):
        backend = SemanticBackend(variant=variant, whole_text=whole)
        out.append((f"{variant}, {'whole text' if whole else 'first 128'}", backend))
    return out


def _quality(vectors: np.ndarray, labels: list[str]) -> tuple[float, int, float]:
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score
    from threadpoolctl import threadpool_limits

    from rca.clustering.algorithm import cluster_with_leftovers
    from rca.clustering.evaluate import score_labels

    nonzero = np.abs(vectors).sum(axis=1) > 0
    centred = vectors - vectors[nonzero].mean(axis=0)  # as SemanticBackend.fit_transform does
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    with threadpool_limits(limits=1):
        result = cluster_with_leftovers(centred.astype(np.float32), min_size=5, random_state=0)
        k = len(set(labels))
        km = [normalized_mutual_info_score(labels, KMeans(k, n_init=1, random_state=s).fit_predict(centred))
              for s in range(5)]
    return score_labels(labels, result.labels)["nmi"], result.n_clusters, float(np.mean(km))


def _as_rca_embeds(texts: list[str]) -> list[str]:
    """What a run hands the backend for these complaint bodies (rca.runs.texts.texts_to_cluster)."""
    from rca.textnoise import prepare_texts
    from rca.runs.texts import complaint_text

    return prepare_texts([complaint_text(None, t) for t in texts])


def _labelled_sets() -> dict[str, tuple[list[str], list[str]]]:
    """banking77 test and every labelled real set quality_bench scores (CFPB on Issue and Sub-issue)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from quality_bench import labelled_sets

    sets = {}
    for name, path, text_column, label_column in labelled_sets(REPO.parent / "shared" / "data"):
        texts, labels = read_labeled_csv(path, text_column=text_column, label_column=label_column)
        sets[name] = (_as_rca_embeds(texts), labels)
    return sets


def variants(argv: list[str]) -> int:
    from rca.clustering.semantic import load_tokenizer

    cache = Path(argv[argv.index("--cache") + 1]) if "--cache" in argv else None
    rounds = int(argv[argv.index("--rounds") + 1]) if "--rounds" in argv else 3
    banking_test, _ = read_labeled_csv(data_dir([]) / "test.csv")
    cfpb = _cfpb_sets(REPO.parent / "shared" / "data" / "cfpb")
    made = _variants()
    for _, embedder in made:  # load (and on a new machine export) outside the timing
        embedder.embed(["warm up the model"])
    print(f"# {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start "
          f"(other work on the machine slows every row; compare rows within a run)")
    # Both paths get what a run embeds: the prepared complaint text (rca.runs.texts).
    timed = {"short (banking77 test, first 1,024)": _as_rca_embeds(banking_test[:1024]),
             "CFPB narratives (first 300)": _as_rca_embeds([t for texts, _ in cfpb.values() for t in texts][:300])}
    tokenizer = load_tokenizer()
    print(f"# median of {rounds} interleaved rounds; word pieces/s counts what each path reads "
          "(the old path stops at 128 a text)")
    print(f"{'texts':<38} {'variant':<42} {'texts/s':>8} {'x before':>9} {'CPU ms/text':>12} {'pieces/s':>9}")
    for label, texts in timed.items():
        pieces = [len(e.ids) for e in tokenizer.encode_batch(texts, add_special_tokens=False)]
        rates: dict[str, list[float]] = {name: [] for name, _ in made}
        cpu: dict[str, list[float]] = {name: [] for name, _ in made}
        for _ in range(rounds):  # interleaved: load on a shared machine hits every variant alike
            for name, embedder in made:
                wall, proc = time.perf_counter(), time.process_time()
                embedder.embed(texts)
                rates[name].append(len(texts) / (time.perf_counter() - wall))
                cpu[name].append(1000 * (time.process_time() - proc) / len(texts))
        base = float(np.median(rates["before"]))
        for name, embedder in made:
            reads = sum(min(p, 126) for p in pieces) if name == "before" or "first" in name else sum(pieces)
            rate = float(np.median(rates[name]))
            shown = embedder.name if name == "before" else name
            print(f"{label:<38} {shown:<42} {rate:>8.1f} {rate / base:>8.2f}x "
                  f"{float(np.median(cpu[name])):>12.1f} {rate * reads / len(texts):>9.0f}", flush=True)
    print(f"\n# load average {os.getloadavg()[0]:.1f}; quality: NMI of rca's clustering (clusters found) | "
          "KMeans given the true k (mean of 5 seeds)")
    print(f"{'set':<46} {'variant':<42} {'rca NMI':>8} {'k':>5} {'KMeans NMI':>11}")
    seen: dict[str, dict[str, np.ndarray]] = {name: {} for name, _ in made}  # Sub-issue rows are Issue rows
    for set_name, (texts, labels) in _labelled_sets().items():
        for name, embedder in made:
            vectors = None
            stored = cache / f"{set_name.replace(' ', '_').replace('/', '_')}__" \
                f"{name.replace(', ', '_').replace(' ', '-')}.npy" if cache else None
            if stored is not None and stored.is_file():
                vectors = np.load(stored)
            else:
                known = seen[name]
                todo = list(dict.fromkeys(t for t in texts if t not in known))
                known.update(zip(todo, np.asarray(embedder.embed(todo), dtype=np.float32)) if todo else [])
                vectors = np.vstack([known[t] for t in texts])
                if stored is not None:
                    stored.parent.mkdir(parents=True, exist_ok=True)
                    np.save(stored, vectors)
            nmi, k, km = _quality(vectors, labels)
            shown = embedder.name if name == "before" else name
            print(f"{set_name + f' ({len(texts)}, {len(set(labels))})':<46} {shown:<42} {nmi:>8.3f} "
                  f"{k:>5} {km:>11.3f}", flush=True)
    return 0


def throughput(argv: list[str]) -> int:
    from rca.clustering.semantic import DEFAULT_VARIANT, compute_threads

    test, labels = read_labeled_csv(data_dir(argv) / "test.csv")
    short = test[:1024]
    long_texts, _ = long_complaints(test, labels, per_label=1)
    long_texts = long_texts[:96]
    print(f"# variant {DEFAULT_VARIANT}, {compute_threads()} threads, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine slows these)")
    print(f"{'texts':<22} {'n':>5} {'word pieces':>12} {'max tokens':>10} {'texts/s':>8}")
    for max_tokens in (128,):
        backend = _load(max_tokens)
        _, rate = _rate(backend, short)
        print(f"{'short (banking77)':<22} {len(short):>5} {_tokens(short):>12.0f} {max_tokens:>10} {rate:>8.1f}", flush=True)
    for max_tokens in (64, 128, 256):
        backend = _load(max_tokens)
        _, rate = _rate(backend, long_texts)
        print(f"{'long (4-6 paragraphs)':<22} {len(long_texts):>5} {_tokens(long_texts):>12.0f} {max_tokens:>10} {rate:>8.1f}", flush=True)
    return 0


def truncation(argv: list[str]) -> int:
    folder = data_dir(argv)
    test, test_labels = read_labeled_csv(folder / "test.csv")
    train, train_labels = read_labeled_csv(folder / "train.csv")
    backend = _load(128)
    names = sorted(set(test_labels))
    index = {n: i for i, n in enumerate(names)}
    vectors = backend.embed(test)
    y = np.array([index[t] for t in test_labels])
    centroids = np.vstack([vectors[y == i].mean(axis=0) for i in range(len(names))])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)

    def accuracy(v: np.ndarray, labels: list[str]) -> float:
        return float(np.mean((v @ centroids.T).argmax(axis=1) == np.array([index[t] for t in labels])))

    short_t, short_y = [], []
    rng = random.Random(1)
    for name in names:
        pool = [t for t, l in zip(train, train_labels) if l == name]
        short_t += rng.sample(pool, 2)
        short_y += [name, name]
    print(f"{'texts (from train.csv)':<30} {'max tokens':>10} {'accuracy':>9} {'texts/s':>8}")
    v, rate = _rate(backend, short_t)
    print(f"{'short, one sentence':<30} {128:>10} {accuracy(v, short_y):>9.3f} {rate:>8.1f}", flush=True)
    for buried in (False, True):
        texts, labels = long_complaints(train, train_labels, per_label=2, seed=2, buried=buried)
        for max_tokens in (64, 128, 256):
            b = _load(max_tokens)
            v, rate = _rate(b, texts)
            kind = "long, intent after preamble" if buried else "long, intent first"
            print(f"{kind:<30} {max_tokens:>10} {accuracy(v, labels):>9.3f} {rate:>8.1f}", flush=True)
    return 0


def threshold(argv: list[str]) -> int:
    """Known causes = 60 random intents (centroids from train); the 17 others are new causes."""
    folder = data_dir(argv)
    test, yte = read_labeled_csv(folder / "test.csv")
    train, ytr = read_labeled_csv(folder / "train.csv")
    backend = _load(128)
    Xall = backend.fit_transform(train + test)  # one run's centred space
    Xtr, Xte = Xall[: len(train)], Xall[len(train):]
    labels = sorted(set(ytr))
    ytr_i = np.array([labels.index(t) for t in ytr])
    yte_i = np.array([labels.index(t) for t in yte])
    C = np.vstack([Xtr[ytr_i == i].mean(axis=0) for i in range(len(labels))])
    C /= np.linalg.norm(C, axis=1, keepdims=True)
    grid = [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]
    rows = {t: [] for t in grid}
    for seed in range(10):
        known = np.random.RandomState(seed).choice(len(labels), 60, replace=False)
        S = Xte @ C[known].T
        best, right = S.max(axis=1), known[S.argmax(axis=1)] == yte_i
        is_known = np.isin(yte_i, known)
        for t in grid:
            claimed = best >= t
            rows[t].append((claimed[is_known].mean(), right[claimed & is_known].mean(), claimed[~is_known].mean()))
    print(f"{'threshold':>9} {'known claimed':>14} {'right cause':>12} {'new wrongly claimed':>20}")
    for t in grid:
        a, b, c = np.mean(rows[t], axis=0)
        print(f"{t:>9.2f} {a:>14.1%} {b:>12.1%} {c:>20.1%}")
    return 0


def weekly(argv: list[str]) -> int:
    import rca.runs.tracking as tracking
    from rca.clustering.backends import get_backend
    from rca.db import Database
    from rca.ingest.pipeline import import_file

    sys.path.insert(0, str(REPO / "sample_data"))
    from generate import iter_complaints, write_generic_csv

    n = int(argv[0])
    new = int(argv[argv.index("--new") + 1]) if "--new" in argv else max(n // 10, 1)
    folder = Path(tempfile.mkdtemp(prefix="rca-semantic-bench-"))
    items = list(iter_complaints(n + new))
    write_generic_csv(folder / "old.csv", items[:n])
    write_generic_csv(folder / "new.csv", items[n:])
    database = Database(f"sqlite:///{folder / 'bench.sqlite'}")
    database.upgrade()
    start = time.perf_counter()
    import_file(database, folder / "old.csv")
    print(f"# imported {n:,} complaints in {time.perf_counter() - start:.0f}s", flush=True)

    made: list = []
    cached: list = []

    def backend_factory(name, random_state=0):
        backend = get_backend(name, random_state=random_state)
        made.append(backend)  # to read how many texts it embedded
        return backend

    import rca.clustering.backends as backends_module  # run_clustering imports get_backend from here
    import rca.clustering.cache as cache_module  # and wraps the backend in the cache with this

    def cache_factory(backend, database, ids, progress=None):
        wrapper = original_cache(backend, database, ids, progress)
        cached.append(wrapper)  # to read how many vectors it found cached
        return wrapper

    original, original_cache = backends_module.get_backend, cache_module.with_embedding_cache
    backends_module.get_backend, cache_module.with_embedding_cache = backend_factory, cache_factory
    try:
        options = tracking.ClusterOptions(backend="semantic", window_days=None)
        for label in ("cold: first run, empty cache", "warm: after importing the new complaints"):
            if label.startswith("warm"):
                import_file(database, folder / "new.csv")
            start = time.perf_counter()
            result = tracking.run_clustering(database, options)
            seconds = time.perf_counter() - start
            inner, wrapper = made[-1], cached[-1]
            print(f"{label:<42} considered {result.considered:>7,}  embedded {inner.embedded:>7,}  "
                  f"cache hits {wrapper.cache_hits:>7,}  to existing {result.assigned_existing:>6,}  "
                  f"new causes {result.new_causes:>3}  {seconds:>7.1f}s", flush=True)
    finally:
        backends_module.get_backend, cache_module.with_embedding_cache = original, original_cache
    print(f"# database kept in {folder}")
    return 0


def main(argv: list[str]) -> int:
    commands = {"variants": variants, "throughput": throughput, "truncation": truncation, "threshold": threshold, "weekly": weekly}
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[1]](argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
