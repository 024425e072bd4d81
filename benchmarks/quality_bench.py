"""Clustering quality on labeled data: banking77 test.csv and train+test.

Usage (from the repo root):  python benchmarks/quality_bench.py [DATA_DIR]

DATA_DIR holds banking77's test.csv and train.csv (default: ../shared/data/banking77
relative to the repo root).  Prints one row per data set and available backend.
Peak RSS is the process high-water mark so far (ru_maxrss), so it only grows
from row to row.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rca.clustering import BACKEND_NAMES, evaluate_labeled, get_backend, read_labeled_csv  # noqa: E402
from rca.errors import BackendUnavailableError  # noqa: E402


def peak_rss_mib() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=REPO.parent / "shared" / "data" / "banking77",
                        help="folder with banking77's test.csv and train.csv")
    data = parser.parse_args(argv[1:]).data_dir
    test = read_labeled_csv(data / "test.csv")
    train = read_labeled_csv(data / "train.csv")
    sets = {"test": test, "train+test": (test[0] + train[0], test[1] + train[1])}
    backends = []
    for name in BACKEND_NAMES:
        try:
            get_backend(name)
            backends.append(name)
        except BackendUnavailableError as exc:
            print(f"# backend {name} skipped: {exc}", file=sys.stderr)
    header = f"{'data':<11} {'backend':<9} {'items':>6} {'NMI':>6} {'ARI':>6} {'V':>6} {'hom':>6} {'comp':>6} {'k found/true':>13} {'unass%':>7} {'sec':>6} {'RSS MiB':>8}"
    print(header)
    print("-" * len(header))
    for set_name, (texts, labels) in sets.items():
        for backend in backends:
            s = evaluate_labeled(texts, labels, backend=backend)
            print(
                f"{set_name:<11} {backend:<9} {s.n_items:>6} {s.nmi:>6.3f} {s.ari:>6.3f} {s.v_measure:>6.3f} "
                f"{s.homogeneity:>6.3f} {s.completeness:>6.3f} {f'{s.n_clusters}/{s.n_true}':>13} "
                f"{100 * s.unassigned_share:>6.1f}% {s.seconds:>6.1f} {peak_rss_mib():>8.0f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
