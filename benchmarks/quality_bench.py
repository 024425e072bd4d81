"""Clustering quality on every labelled real set: rca next to KMeans given the true k.

Usage (from the repo root):  python benchmarks/quality_bench.py [DATA_DIR] [--backend NAME] [--format table|json]

DATA_DIR is the shared real-data folder (default: ../shared/data relative to the
repo root).  The sets: banking77's test.csv (text/category), and each CFPB export
under cfpb/ on ``Issue`` and on ``Sub-issue``, rows with a narrative (and that
label filled in) only.  For each set and each installed backend (or the one
given) it prints two rows: rca (exactly what `rca eval` and `rca cluster` do)
and KMeans told the true number of labels, on the same prepared texts and
vectors.  The semantic backend embeds every text, which takes minutes per set
on two cores.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from rca.clustering import evaluate_against_kmeans, installed_backends, read_labeled_csv, score_labels  # noqa: E402

CFPB_TEXT = "Consumer complaint narrative"
CFPB_LABELS = ("Issue", "Sub-issue")


def labelled_sets(data: Path) -> list[tuple[str, Path, str, str]]:
    """(name, file, text column, label column) for every labelled set found under ``data``."""
    sets = []
    if (data / "banking77" / "test.csv").is_file():
        sets.append(("banking77 test", data / "banking77" / "test.csv", "text", "category"))
    for path in sorted((data / "cfpb").glob("*.csv")):
        for label in CFPB_LABELS:
            sets.append((f"{path.stem} / {label}", path, CFPB_TEXT, label))
    return sets


def chance_scores(labels: list[str], seed: int = 0) -> dict[str, float]:
    """NMI/ARI of a seeded random partition into as many groups as there are labels (no text used)."""
    k = len(set(labels))
    return score_labels(labels, np.random.RandomState(seed).randint(0, k, len(labels)))


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=REPO.parent / "shared" / "data",
                        help="the real-data folder (banking77/, cfpb/)")
    parser.add_argument("--backend", choices=installed_backends(), help="one backend (default: every installed)")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    args = parser.parse_args(argv[1:])
    backends = [args.backend] if args.backend else installed_backends()
    header = (f"{'set':<46} {'backend':<9} {'method':<14} {'items':>5} {'NMI':>6} {'ARI':>6} "
              f"{'clusters/true':>13} {'unass%':>6} {'sec':>6}")
    if args.format == "table":
        print(header)
        print("-" * len(header))
    rows = []
    for name, path, text_column, label_column in labelled_sets(args.data_dir):
        texts, labels = read_labeled_csv(path, text_column=text_column, label_column=label_column)
        for backend in backends:
            for s in evaluate_against_kmeans(texts, labels, backend=backend):
                row = {"set": name, **s.as_row()}
                rows.append(row)
                if args.format == "table":
                    print(f"{name:<46} {s.backend:<9} {s.method:<14} {s.n_items:>5} {s.nmi:>6.3f} {s.ari:>6.3f} "
                          f"{f'{s.n_clusters}/{s.n_true}':>13} {100 * s.unassigned_share:>6.1f} {s.seconds:>6.1f}"
                          + "".join(f"\n    WARNING: {w}" for w in s.warnings), flush=True)
        chance = chance_scores(labels)
        k = len(set(labels))
        rows.append({"set": name, "backend": "none", "method": "chance-true-k", "items": len(labels),
                     "true_labels": k, "clusters": k, "nmi": round(chance["nmi"], 4), "ari": round(chance["ari"], 4)})
        if args.format == "table":
            print(f"{name:<46} {'none':<9} {'chance-true-k':<14} {len(labels):>5} {chance['nmi']:>6.3f} "
                  f"{chance['ari']:>6.3f} {f'{k}/{k}':>13} {0.0:>6.1f} {0.0:>6.1f}", flush=True)
    if args.format == "json":
        json.dump(rows, sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
