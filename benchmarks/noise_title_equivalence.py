"""Do ``strip_noise`` and ``make_title`` give the same output as at another commit, text for text?

    python benchmarks/noise_title_equivalence.py                      # against 1b32b0d
    python benchmarks/noise_title_equivalence.py --baseline 1b32b0d --rows 50000 --fuzz 100000

For a change meant to make cleaning and titling faster without changing what
they return (rca/textnoise.py, rca/titles.py).  The baseline's ``rca`` package
is taken out of git (``git archive``) into a temporary folder and run in a
child process; this checkout's runs here, on the same inputs.

Texts compared: the free text of every file in /work/shared/data (when
present), generated complaints (subject and body, as a run reads them), and
fuzzed texts: fragments of those spliced with the characters and words the
noise patterns look at ("@", "#", "[", "{", "xx", "www.", "://", "order #",
"ı", "ſ", "thanks" …), which reach the cases whole texts rarely do.  Each text
is cleaned once and its cleaned form again (titles clean what a run has
cleaned already).  Titles: groups of cleaned texts (by label where a file has
one: CFPB issue, banking77 intent, planted cause; else runs of 200) with the
keywords rca gives them, and the same groups of raw texts.  Only counts and
the fuzzed texts that differ are printed, never real data.  Exit status 1 when
anything differs.
"""

from __future__ import annotations

import argparse
import csv
import pickle
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path("/work/shared/data")
# file folder -> (text column, label column or None)
COLUMNS = {"cfpb": ("Consumer complaint narrative", "Issue"), "support_tweets": ("text", None),
           "app_reviews": ("content", "score"), "issues": ("issue_title", "project_name"),
           "banking77": ("text", "category")}
GROUP = 200  # texts per title group (make_title reads at most 200)
_PIECES = (" ", "  ", "\n", "\n\n", ", ", ". ", "! ", ": ", "-", "/", "//", "://", ".", "(", ")", "[", "]", "{", "}",
           "{$1,200.00}", "$", "@", "＠", "@Spotify_Cares", "#", "#12", "#abc", "&amp;", "&", "x", "X", "xx", "XX",
           "XX/XX/2019", "xx/xx/xxxx", "www.", "WWW.", "https://", "t.co/", ".com/", ".ly/", "0", "1", "2019", "123",
           "ORD-12345", "1Z999AA10123456784", "order ", "Order #", "ticket no. ", "ref: ", "account number ",
           "Tracking ", "ı", "İ", "ſ", "\u212a", "١٢٣", "[email]", "[name]", "Hi ", "Hello, ", "Thanks,\n",
           "Thank you", "thx", "Regards ", "Best wishes ", "Sent from my iPhone", "Cheers", "sincerely", "Dear Sir, ")


def real_groups() -> list[tuple[str, list[str], list[str]]]:
    """(source, texts, labels) per data file; a file without a label column is labelled in runs of GROUP."""
    csv.field_size_limit(1 << 24)
    out = []
    for folder, (column, label) in COLUMNS.items():
        for path in sorted((DATA / folder).glob("*.csv")):
            with path.open(newline="", encoding="utf-8", errors="replace") as handle:
                rows = [row for row in csv.DictReader(handle) if row.get(column)]
            labels = [row.get(label) or "" if label else str(i // GROUP) for i, row in enumerate(rows)]
            out.append((f"{folder}/{path.name}", [row[column] for row in rows], labels))
    return out


def generated(rows: int) -> tuple[list[str], list[str]]:
    sys.path.insert(0, str(ROOT / "sample_data"))
    from generate import iter_complaints

    from rca.runs.texts import complaint_text

    complaints = list(iter_complaints(rows, seed=21))
    return [complaint_text(c["subject"], c["body"]) for c in complaints], [c["cause"] for c in complaints]


def compute(job: dict) -> dict:
    """What the rca on sys.path returns for the job's texts and title groups, and how long it took."""
    from rca.textnoise import strip_noise
    from rca.titles import make_title

    started = time.perf_counter()
    cleaned = {name: [strip_noise(t) for t in texts] for name, texts in job["texts"].items()}
    again = {name: [strip_noise(t) for t in texts] for name, texts in cleaned.items()}
    noise_seconds = time.perf_counter() - started
    started = time.perf_counter()
    titles = [make_title(texts, keywords) for texts, keywords in job["groups"]]
    return {"cleaned": cleaned, "again": again, "titles": titles, "noise_seconds": noise_seconds,
            "title_seconds": time.perf_counter() - started}


def run_baseline(revision: str, job: dict) -> dict:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "rca"], check=True,
                             capture_output=True).stdout
    with tempfile.TemporaryDirectory(prefix="rca-equivalence-") as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder)
        (Path(folder) / "job.pickle").write_bytes(pickle.dumps(job))
        subprocess.run([sys.executable, __file__, "--child", folder], check=True)
        return pickle.loads((Path(folder) / "result.pickle").read_bytes())


def child(folder: str) -> None:
    sys.path.insert(0, folder)  # the baseline's rca, not this checkout's
    job = pickle.loads((Path(folder) / "job.pickle").read_bytes())
    (Path(folder) / "result.pickle").write_bytes(pickle.dumps(compute(job)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="1b32b0d", help="the git commit whose rca is the reference")
    parser.add_argument("--rows", type=int, default=30_000, help="generated complaints")
    parser.add_argument("--fuzz", type=int, default=50_000, help="fuzzed texts")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)

    sys.path.insert(0, str(ROOT))
    import numpy as np

    from rca.clustering.algorithm import top_terms
    from rca.textnoise import prepare_texts

    sets = real_groups()
    texts, causes = generated(args.rows)
    sets.append(("generated", texts, causes))
    everything = [t for _, texts, _ in sets for t in texts]
    from redact_equivalence import fuzzed

    fuzz = fuzzed(everything, args.fuzz, seed=13, pieces=_PIECES)
    sets.append(("fuzz", fuzz, [str(i // GROUP) for i in range(len(fuzz))]))
    job = {"texts": {name: texts for name, texts, _ in sets}, "groups": []}
    for name, texts, labels in sets:
        prepared = prepare_texts(texts)
        names = sorted(set(labels))
        numbers = np.array([names.index(label) for label in labels])
        keywords = top_terms(prepared, numbers, n=8)
        for number in range(len(names)):
            members = np.flatnonzero(numbers == number)
            for start in range(0, len(members), GROUP):
                chunk = members[start:start + GROUP]
                words = keywords.get(number, [])
                job["groups"].append(([prepared[i] for i in chunk], words))
                job["groups"].append(([texts[i] for i in chunk], words))

    old = run_baseline(args.baseline, job)
    new = compute(job)
    failed = 0
    for name, texts in job["texts"].items():
        differ = [i for i, t in enumerate(texts) if old["cleaned"][name][i] != new["cleaned"][name][i]
                  or old["again"][name][i] != new["again"][name][i]]
        failed += len(differ)
        print(f"{name:<50} {len(texts):>7,} texts, {len(differ):>5} cleaned differently")
        if name == "fuzz":
            for i in differ[:5]:
                print(f"    in : {texts[i]!r}\n    old: {old['cleaned'][name][i]!r}\n    new: {new['cleaned'][name][i]!r}")
    differ = sum(a != b for a, b in zip(old["titles"], new["titles"]))
    failed += differ
    print(f"{'titles':<50} {len(job['groups']):>7,} groups, {differ:>5} titled differently")
    print(f"strip_noise (each text twice): {old['noise_seconds']:.1f} s at {args.baseline}, "
          f"{new['noise_seconds']:.1f} s here; make_title: {old['title_seconds']:.1f} s, {new['title_seconds']:.1f} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
