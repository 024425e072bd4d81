"""Does ``redact`` give the same output as ``rca/redact.py`` at another commit, text for text?

    python benchmarks/redact_equivalence.py --baseline 5b57436            # corpus, sample data, real data, fuzz
    python benchmarks/redact_equivalence.py --baseline 5b57436 --fuzz 200000

For a change meant to make redaction faster without changing what it redacts.
Texts compared: the PII corpus, subjects and bodies of generated sample rows,
the free text of every file in /work/shared/data (when present), and fuzzed
texts: corpus fragments spliced together and mutated at random (seeded), which
reach the boundaries (a number at the very start or end, two kinds touching,
odd case) that whole texts rarely do. Only counts and the corpus/fuzz texts
that differ are printed, never real data.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "sample_data"), str(ROOT / "benchmarks")]
DATA = Path("/work/shared/data")
TEXT_COLUMNS = {"cfpb": "Consumer complaint narrative", "support_tweets": "text", "app_reviews": "content",
                "issues": "issue_title", "banking77": "text"}
# What the fuzzer splices in between fragments: separators, digits, and the
# characters the patterns look at.
_PIECES = (" ", "  ", "\n", "\n\n", ", ", ". ", ": ", "-", "/", ".", "(", ")", "+", "@", "%40", " at ", "#", "=",
           "?", "&", "0", "1", "4", "7", "9", "00", "12", "123", "2024", "1987", "07700", "4111", " 1 ",
           "DOB ", "Tel ", "zip ", "Hi ", "Thanks,\n", "Regards ", "my name is ", "IBAN ", "passport ",
           "SSN ", "street ", "rue ", "straße ", "calle ", "via ", "X", "AB", "Maria", "São", "İ", "ß", "[phone]")


def real_texts() -> list[str]:
    csv.field_size_limit(1 << 24)
    texts = []
    for folder, column in TEXT_COLUMNS.items():
        for path in sorted((DATA / folder).glob("*.csv")):
            with path.open(newline="", encoding="utf-8", errors="replace") as handle:
                texts += [row[column] for row in csv.DictReader(handle) if row.get(column)]
    return texts


def fuzzed(sources: list[str], count: int, seed: int = 7, pieces: tuple[str, ...] = _PIECES) -> list[str]:
    """Fragments of ``sources`` spliced with ``pieces`` and mutated at random (seeded)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 4)):
            text = rng.choice(sources)
            a = rng.randrange(len(text) + 1)
            b = rng.randrange(a, min(len(text), a + rng.randint(1, 160)) + 1)
            parts.append(text[a:b])
            if rng.random() < 0.7:
                parts.append(rng.choice(pieces))
        text = "".join(parts)
        for _ in range(rng.randint(0, 3)):  # point mutations
            if not text:
                break
            i = rng.randrange(len(text))
            op = rng.random()
            if op < 0.3:
                text = text[:i] + text[i + 1:]
            elif op < 0.6:
                text = text[:i] + rng.choice(pieces) + text[i:]
            elif op < 0.8:
                text = text[:i] + text[i:].upper() if rng.random() < 0.5 else text[:i] + text[i:].lower()
            else:
                text = text[:i] + rng.choice("0123456789") + text[i + 1:]
        out.append(text)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the git commit whose rca/redact.py is the reference")
    parser.add_argument("--rows", type=int, default=20_000, help="generated sample rows")
    parser.add_argument("--fuzz", type=int, default=50_000, help="fuzzed texts")
    args = parser.parse_args()
    from pii_bench import load_corpus, load_redact, sample_texts
    from rca.redact import redact

    reference = load_redact(args.baseline)
    corpus = [item["text"] for item in load_corpus()]
    sets = {"corpus": corpus, "sample data": sample_texts(args.rows), "real data": real_texts()}
    sets["fuzz"] = fuzzed(corpus + sets["sample data"][:4000], args.fuzz)
    failed = 0
    for label, texts in sets.items():
        differ = [t for t in texts if redact(t) != reference(t)]
        failed += len(differ)
        print(f"{label:<12} {len(texts):>7,} texts, {len(differ):>5} differ")
        if label != "real data":
            for text in differ[:5]:
                print(f"    in : {text!r}\n    old: {reference(text)!r}\n    new: {redact(text)!r}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
