"""Redaction on the real data in /work/shared/data: how many texts change, and by which kind.

    python benchmarks/pii_real_data.py              # counts per file and kind
    python benchmarks/pii_real_data.py --show 40    # also print that many redactions with
                                                    # 30 characters of context, to eyeball
                                                    # for false positives (local only: the
                                                    # output holds real people's text)

The real exports are already redacted by their publishers (CFPB's XXXX, Twitter
handles replaced by ids), so most of what rca redacts there is either what the
publisher missed or a false positive; --show is how to tell which.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = Path("/work/shared/data")
TEXT_COLUMNS = {
    "cfpb": "Consumer complaint narrative", "support_tweets": "text", "app_reviews": "content",
    "issues": "issue_title", "banking77": "text",
}
MARK = re.compile(r"\[(email|phone|card|iban|ssn|national_id|dob|passport|ip|address|postcode|name|personal)\]")


def texts(path: Path, column: str) -> list[str]:
    csv.field_size_limit(1 << 24)
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        return [row[column] for row in csv.DictReader(handle) if row.get(column)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, help="print this many sampled redactions in context")
    args = parser.parse_args()
    from rca.redact import redact

    samples: list[tuple[str, str]] = []
    total_texts = total_changed = 0
    for folder, column in TEXT_COLUMNS.items():
        for path in sorted((DATA / folder).glob("*.csv")):
            items = texts(path, column)
            started = time.process_time()
            outputs = [redact(t) for t in items]
            seconds = time.process_time() - started
            kinds: Counter[str] = Counter()
            changed = 0
            for before, after in zip(items, outputs):
                new_marks = Counter(MARK.findall(after)) - Counter(MARK.findall(before))
                if new_marks:
                    changed += 1
                    kinds.update(new_marks)
                    samples.append((path.name, after))
            total_texts += len(items)
            total_changed += changed
            print(f"{path.name:48} {len(items):6,} texts, {changed:5,} changed "
                  f"({changed / max(1, len(items)):.1%}), {1e6 * seconds / max(1, len(items)):6.1f} us/text; "
                  + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    print(f"{'all':48} {total_texts:6,} texts, {total_changed:5,} changed ({total_changed / total_texts:.1%})")
    rng = random.Random(18)
    for name, after in rng.sample(samples, min(args.show, len(samples))):
        for m in MARK.finditer(after):
            print(f"{name[:12]:12} …{after[max(0, m.start() - 30):m.end() + 30]!r}…")


if __name__ == "__main__":
    main()
