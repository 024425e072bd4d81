"""How fast the CLI answers: medians of several runs of `rca --help`, each `rca COMMAND --help`,
and `rca causes list` on a database, next to a bare `python -c pass` (the interpreter's own start).

    python benchmarks/cli_startup_bench.py [--db out/demo.sqlite] [--runs 7] [--baseline ../main]

``--baseline`` times the same commands from another checkout (say, the
main branch before a change) in the same run, interleaved, for a ratio
that load on a shared machine does not distort.

Each command is a fresh process, as when a person types it. `causes list` is
timed only when the database exists (`make demo` makes out/demo.sqlite).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seconds(argv: list[str], checkout: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    start = time.perf_counter()
    subprocess.run(argv, cwd=checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "out" / "demo.sqlite")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", type=Path, help="another checkout to time the same commands from")
    args = parser.parse_args()
    from cli.main import COMMANDS

    rca = [sys.executable, "-m", "cli.main"]
    cases = [("python -c pass (the interpreter alone)", [sys.executable, "-c", "pass"]),
             ("rca --help", [*rca, "--help"])]
    cases += [(f"rca {name} --help", [*rca, name, "--help"]) for name in sorted(COMMANDS)]
    if args.db.is_file():
        cases.append((f"rca causes list ({args.db.name})", [*rca, "--db", str(args.db), "causes", "list"]))
    print(f"# medians of {args.runs} runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
          + (f"; baseline: {args.baseline}" if args.baseline else ""))
    for label, argv in cases:
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(seconds(argv, ROOT))
            if args.baseline:
                theirs.append(seconds(argv, args.baseline.resolve()))
        line = f"{label:<44} {statistics.median(ours):6.2f} s"
        if theirs and "python -c" not in label:
            line += f"   baseline {statistics.median(theirs):6.2f} s ({statistics.median(theirs) / statistics.median(ours):.1f}x)"
        print(line, flush=True)


if __name__ == "__main__":
    main()
