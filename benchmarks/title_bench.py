"""Cause titles on banking77: are they what a person would call the group?

    python benchmarks/title_bench.py                       # TF-IDF clustering of test.csv
    python benchmarks/title_bench.py --backend semantic    # the semantic clustering (slower)
    python benchmarks/title_bench.py --quiet               # figures only

Clusters banking77's test.csv as `rca eval` does, then for every cluster prints
its title next to the name of its majority label (card_arrival, …), before
(the keyword triple rca used to print, "card / arrive / waiting") and after
(rca.titles).  Figures, for both in the same run:

- word match: the share of clusters whose title shares a content word with
  the label's name (compared by stem, so "arrived" matches "arrive" but not
  "arrival"; stop words never count);
- similarity: the mean cosine similarity between the title and the label
  name (underscores as spaces) in the packaged all-MiniLM-L6-v2 space, when
  the semantic extra is installed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rca.clustering.evaluate import evaluate_labeled, read_labeled_csv  # noqa: E402
from rca.clustering.text import STOP_WORDS, stem, tokens  # noqa: E402
from rca.errors import BackendUnavailableError  # noqa: E402


def content_stems(text: str) -> set[str]:
    return {stem(t) for t in tokens(text.replace("_", " ")) if t not in STOP_WORDS and len(t) > 1}


def keyword_triple(keywords: list[str]) -> str:
    """The title rca gave a cause before rca.titles (tracking._title)."""
    return " / ".join(keywords[:3]) if keywords else "(no distinctive words)"


def similarities(pairs: list[tuple[str, str]]) -> list[float] | None:
    try:
        from rca.clustering.semantic import SemanticBackend
        model = SemanticBackend()
    except BackendUnavailableError as exc:
        print(f"# similarity skipped: {exc}", file=sys.stderr)
        return None
    left = model.embed([a for a, _ in pairs])
    right = model.embed([b for _, b in pairs])
    return [float(x) for x in (left * right).sum(axis=1)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path,
                        default=REPO.parent / "shared" / "data" / "banking77" / "test.csv")
    parser.add_argument("--backend", default="tfidf", choices=["tfidf", "semantic"])
    parser.add_argument("--quiet", action="store_true", help="print the figures only")
    args = parser.parse_args(argv[1:])
    texts, labels = read_labeled_csv(args.data)
    started = time.perf_counter()
    scores = evaluate_labeled(texts, labels, backend=args.backend)
    seconds = time.perf_counter() - started
    clusters = scores.clusters
    rows = [(c["majority_label"], keyword_triple(c["keywords"]), c["title"], c["size"], c["purity"])
            for c in clusters]
    if not args.quiet:
        print(f"{'majority label':<34} {'size':>4} {'pur':>4}  {'before (keywords)':<38} after (title)")
        for name, before, after, size, purity in rows:
            print(f"{name:<34} {size:>4} {purity:>4.2f}  {before[:38]:<38} {after}")
        print()
    names = [name.replace("_", " ") for name, *_ in rows]
    print(f"{args.data.name}: {len(texts)} texts, backend {args.backend}, {len(clusters)} clusters "
          f"(clustering and titles {seconds:.1f} s)")
    for column, label in ((1, "before"), (2, "after")):
        titles = [row[column] for row in rows]
        match = sum(bool(content_stems(t) & content_stems(n)) for t, n in zip(titles, names)) / len(rows)
        sims = similarities(list(zip(titles, names)))
        sim_text = "–" if sims is None else f"{statistics.mean(sims):.3f} (median {statistics.median(sims):.3f})"
        words = statistics.mean(len(t.split()) for t in titles)
        print(f"  {label:<6} word match {match:6.1%}   similarity to the label name {sim_text}   "
              f"{words:.1f} words a title")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
