"""Does the clustering find the planted root causes of the sample data, one cause each?

Usage (from the repo root):  python benchmarks/sample_causes_bench.py [--backend tfidf|semantic|auto] [--seed N]

Imports the four sample exports into a temporary SQLite database (the same
import the CLI runs, default source names), joins sample_data/truth.csv on
(source, external_id), clusters subject + body exactly like ``rca cluster``
and prints: k, unassigned share, NMI/ARI against the planted labels (one-off
'noise' complaints count as a label of their own, unassigned as one predicted
group), and per planted cause P01..P12 how fragmented it is:

  clusters>=20%  how many clusters each hold at least 20% of the cause
  top share      the share of the cause held by its biggest cluster
  top purity     the share of that cluster which is the cause

A cause is *recovered* when its biggest cluster holds >= 50% of it and >= 70%
of that cluster is the cause.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
from sqlalchemy import select  # noqa: E402

from rca.clustering import cluster_vectors, get_backend, score_labels  # noqa: E402
from rca.db import open_database  # noqa: E402
from rca.ingest.pipeline import ImportOptions, import_file  # noqa: E402
from rca.models import Complaint  # noqa: E402
from rca.runs.texts import complaint_text  # noqa: E402

SAMPLE = REPO / "sample_data"
EXPORTS = ["zendesk_export.csv", "jira_export.csv", "freshdesk_export.json", "zendesk_tickets.json"]
SOURCE_OF_FILE = {
    "zendesk_export.csv": "zendesk",
    "zendesk_tickets.json": "zendesk",
    "jira_export.csv": "jira",
    "freshdesk_export.json": "freshdesk",
}


def load_sample() -> tuple[list[str], list[str]]:
    """Texts and planted labels of every imported sample complaint that truth.csv knows."""
    truth: dict[tuple[str, str], str] = {}
    with (SAMPLE / "truth.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[(SOURCE_OF_FILE[row["source_file"]], row["external_id"])] = row["cause"]
    with tempfile.TemporaryDirectory() as tmp:
        database = open_database(f"sqlite:///{Path(tmp) / 'sample.sqlite'}")
        try:
            for name in EXPORTS:
                import_file(database, SAMPLE / name, ImportOptions(workers=1))
            with database.session() as session:
                rows = session.execute(
                    select(Complaint.source, Complaint.external_id, Complaint.subject, Complaint.body).order_by(Complaint.id)
                ).all()
        finally:
            database.dispose()
    texts, labels, missing = [], [], 0
    for source, external_id, subject, body in rows:
        label = truth.get((source, external_id))
        if label is None:
            missing += 1
            continue
        texts.append(complaint_text(subject, body))
        labels.append(label)
    if missing:
        print(f"# {missing} imported complaints not in truth.csv were left out", file=sys.stderr)
    return texts, labels


def fragmentation(true: np.ndarray, pred: np.ndarray, cause: str) -> tuple[int, int, float, float]:
    """(size, clusters holding >= 20% of the cause, top cluster's share of it, its purity)."""
    members = pred[true == cause]
    counts = Counter(int(c) for c in members if c >= 0)
    if not counts:
        return len(members), 0, 0.0, 0.0
    top, top_n = max(counts.items(), key=lambda t: (t[1], -t[0]))
    big = sum(1 for c in counts.values() if c >= 0.2 * len(members))
    purity = top_n / int((pred == top).sum())
    return len(members), big, top_n / len(members), purity


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="tfidf")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-size", type=int, default=5)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    texts, labels = load_sample()
    t1 = time.perf_counter()
    vectors = get_backend(args.backend, random_state=args.seed).fit_transform(texts)
    result = cluster_vectors(vectors, min_size=args.min_size, random_state=args.seed)
    t2 = time.perf_counter()
    true = np.asarray(labels)
    pred = result.labels
    s = score_labels(labels, pred)
    params = {key: value for key, value in result.params.items() if key != "k_tried"}
    print(f"backend {args.backend}  items {len(texts)}  import {t1 - t0:.1f}s  vectors+cluster {t2 - t1:.1f}s")
    print(f"params: {params}")
    print(
        f"k {result.n_clusters}  unassigned {100 * np.mean(pred < 0):.1f}%  "
        f"NMI {s['nmi']:.3f}  ARI {s['ari']:.3f}  hom {s['homogeneity']:.3f}  comp {s['completeness']:.3f}"
    )
    print(f"{'cause':<6} {'size':>5} {'clusters>=20%':>14} {'top share':>10} {'top purity':>11}  recovered")
    recovered = 0
    causes = sorted(c for c in set(labels) if c != "noise")
    for cause in causes:
        size, big, share, purity = fragmentation(true, pred, cause)
        ok = share >= 0.5 and purity >= 0.7
        recovered += ok
        print(f"{cause:<6} {size:>5} {big:>14} {share:>10.2f} {purity:>11.2f}  {'yes' if ok else 'no'}")
    noise = true == "noise"
    print(f"noise  {int(noise.sum()):>5}  unassigned {np.mean(pred[noise] < 0):.2f}")
    print(f"planted causes recovered: {recovered}/{len(causes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
