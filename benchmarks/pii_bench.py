"""PII redaction: recall per kind, precision, and the cost of ``redact`` per text.

    python benchmarks/pii_bench.py                      # corpus figures + timing
    python benchmarks/pii_bench.py --baseline 84ddb58   # timing also for rca/redact.py at that commit
    python benchmarks/pii_bench.py --misses             # print the items it gets wrong (synthetic data)

Corpus: tests/fixtures/pii_corpus.jsonl (make_pii_corpus.py beside it); its
held-out items (hand-written after the patterns) are scored apart. A labelled
span counts as found when redaction replaced every letter and digit of it, with
any mark (``kind ok`` says how many got their own kind's mark). A replaced region
that overlaps no labelled span is a false positive. Precision on complaints
without PII is the share of them that come out exactly as they went in.

Timing: the median over 5 rounds of ``redact`` on the subjects and bodies of
rows from the sample-data generator (what ``benchmarks/import_bench.py``
imports), and on the corpus texts.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "sample_data")]
CORPUS = ROOT / "tests" / "fixtures" / "pii_corpus.jsonl"
CLAIMED = ("email", "phone", "card", "iban")
NEW = ("ssn", "national_id", "dob", "passport", "ip", "address", "postcode", "name")


def load_corpus(path: Path = CORPUS) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


HELDOUT = ROOT / "tests" / "fixtures" / "pii_heldout.txt"
_MARKED = re.compile(r"\{\{(\w+):(.*?)\}\}")


def load_heldout(path: Path = HELDOUT) -> list[dict]:
    """The hand-written held-out items (see the file's header) in the corpus's item form."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        lang, marked = line.split("\t", 1)
        marked = marked.replace("\\n", "\n")
        text, spans, pos = [], [], 0
        for m in _MARKED.finditer(marked):
            text.append(marked[pos:m.start()])
            start = sum(map(len, text))
            text.append(m.group(2))
            spans.append({"start": start, "end": start + len(m.group(2)), "kind": m.group(1)})
            pos = m.end()
        text.append(marked[pos:])
        items.append({"id": f"h{number}", "lang": lang, "text": "".join(text), "spans": spans})
    return items


def replaced_regions(text: str, redacted: str) -> list[tuple[int, int, str]]:
    """(start, end, marks) of each part of ``text`` that redaction replaced.

    Each mark in the output becomes one character that occurs in no input, so
    the letters of "[email]" cannot be aligned with letters of the address.
    """
    from rca.redact import MARKS

    marks: list[str] = []

    def sentinel(m: re.Match[str]) -> str:
        marks.append(m.group())
        return "\x00"

    pattern = "|".join(re.escape(mark) for mark in MARKS)
    flat = re.sub(pattern, sentinel, redacted)
    regions = []
    seen = 0
    matcher = difflib.SequenceMatcher(None, text, flat, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        count = flat.count("\x00", b0, b1)
        if op in ("replace", "delete"):
            regions.append((a0, a1, "".join(marks[seen:seen + count])))
        seen += count
    return regions


def score(items: list[dict], redact) -> dict:
    """Recall per kind, kind accuracy, span precision, precision on texts without PII."""
    found, total, right_kind = Counter(), Counter(), Counter()
    false_regions, true_regions = 0, 0
    clean, clean_kept = 0, 0
    misses: list[tuple[dict, str, str]] = []
    for item in items:
        text = item["text"]
        out = redact(text)
        regions = replaced_regions(text, out)
        covered = [False] * len(text)
        for a, b, _ in regions:
            for i in range(a, b):
                covered[i] = True
        if not item["spans"]:
            clean += 1
            clean_kept += out == text
            false_regions += len(regions)
            if out != text:
                misses.append((item, out, "changed"))
            continue
        for span in item["spans"]:
            kind = span["kind"]
            total[kind] += 1
            chars = [i for i in range(span["start"], span["end"]) if text[i].isalnum()]
            if all(covered[i] for i in chars):
                found[kind] += 1
                marks = "".join(m for a, b, m in regions if a < span["end"] and b > span["start"])
                right_kind[kind] += f"[{kind}]" in marks
            else:
                misses.append((item, out, f"missed {kind}"))
        for a, b, _ in regions:
            if any(a < s["end"] and b > s["start"] for s in item["spans"]):
                true_regions += 1
            else:
                false_regions += 1
                misses.append((item, out, "false positive"))
    return {"found": found, "total": total, "right_kind": right_kind, "clean": clean, "clean_kept": clean_kept,
            "true_regions": true_regions, "false_regions": false_regions, "misses": misses}


def load_redact(commit: str | None):
    if commit is None:
        from rca.redact import redact
        return redact
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:rca/redact.py"], check=True,
                            capture_output=True, text=True).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location(f"redact_{commit}", handle.name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.redact


def sample_texts(rows: int) -> list[str]:
    from generate import iter_complaints

    texts = []
    for row in iter_complaints(rows, seed=11):
        texts += [row["subject"], row["body"]]
    return [t for t in texts if t]


def time_per_text(redact, texts: list[str], rounds: int = 5) -> float:
    """Median microseconds per text over ``rounds`` passes."""
    samples = []
    for _ in range(rounds):
        started = time.process_time()
        for text in texts:
            redact(text)
        samples.append((time.process_time() - started) / len(texts) * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="a git commit whose rca/redact.py to time as well")
    parser.add_argument("--rows", type=int, default=20_000, help="generated rows to time redact on")
    parser.add_argument("--misses", action="store_true", help="print the items redaction gets wrong")
    args = parser.parse_args()

    from rca.redact import redact

    corpus = load_corpus()
    items = [item for item in corpus if not item.get("held_out")]
    held_out = [item for item in corpus if item.get("held_out")]
    result = score(items, redact)
    found, total, right = result["found"], result["total"], result["right_kind"]
    langs = Counter(item["lang"] for item in items)
    print(f"corpus: {len(items)} items ({sum(total.values())} labelled spans, {result['clean']} complaints "
          f"without PII); languages: {', '.join(f'{k} {v}' for k, v in sorted(langs.items()))}")
    print(f"{'kind':<12} {'spans':>6} {'recall':>8} {'kind ok':>8}  target")
    for kind in (*CLAIMED, *NEW):
        if total[kind]:
            target = 0.98 if kind in CLAIMED else 0.90
            print(f"{kind:<12} {total[kind]:>6} {found[kind] / total[kind]:>8.1%} {right[kind] / max(1, found[kind]):>8.1%}"
                  f"  >= {target:.0%}")
    for label, kinds in (("claimed", CLAIMED), ("new", NEW), ("all", (*CLAIMED, *NEW))):
        print(f"{'recall ' + label:<20} {sum(found[k] for k in kinds) / sum(total[k] for k in kinds):.1%}")
    print(f"{'precision (no PII)':<20} {result['clean_kept'] / result['clean']:.1%} of {result['clean']} complaints "
          f"unchanged (target >= 99%)")
    regions = result["true_regions"] + result["false_regions"]
    print(f"{'precision (spans)':<20} {result['true_regions'] / regions:.1%} of {regions} replaced regions are personal data")
    held = score(held_out, redact)
    print(f"held out (hand-written after the patterns, never tuned on): {sum(held['found'].values())} of "
          f"{sum(held['total'].values())} values found; by kind: "
          + ", ".join(f"{k} {held['found'][k]}/{held['total'][k]}" for k in (*CLAIMED, *NEW) if held["total"][k]))
    heldout = load_heldout()
    hand = score(heldout, redact)
    print(f"held out file ({HELDOUT.name}: {len(heldout)} items, {hand['clean']} without PII): "
          f"recall {sum(hand['found'].values())}/{sum(hand['total'].values())} = "
          f"{sum(hand['found'].values()) / max(1, sum(hand['total'].values())):.1%}; by kind: "
          + ", ".join(f"{k} {hand['found'][k]}/{hand['total'][k]}" for k in (*CLAIMED, *NEW) if hand["total"][k])
          + f"; precision (no PII) {hand['clean_kept']}/{hand['clean']} unchanged")
    if args.misses:
        result["misses"] += held["misses"] + hand["misses"]
        for item, out, why in result["misses"]:
            print(f"\n[{why}] #{item['id']} ({item['lang']})\n  in : {item['text']!r}\n  out: {out!r}")

    texts = sample_texts(args.rows)
    corpus_texts = [item["text"] for item in items]
    print(f"\nredact cost, median of 5 rounds ({len(texts):,} generated subjects and bodies, "
          f"mean {statistics.mean(map(len, texts)):.0f} chars; {len(corpus_texts)} corpus texts):")
    timed = [("this tree", redact)]
    if args.baseline:
        timed.insert(0, (f"at {args.baseline}", load_redact(args.baseline)))
    for label, function in timed:
        print(f"  {label:<16} {time_per_text(function, texts):6.2f} us per generated text, "
              f"{time_per_text(function, corpus_texts):6.2f} us per corpus text")


if __name__ == "__main__":
    main()
