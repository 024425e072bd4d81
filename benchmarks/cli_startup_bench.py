"""How fast the CLI answers: medians of several runs of `rca --help`, each `rca COMMAND --help`,
and `rca causes list` on a database, next to a bare `python -c pass` (the interpreter's own start).

    python benchmarks/cli_startup_bench.py [--db out/demo.sqlite] [--runs 7]

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


def median_seconds(argv: list[str], runs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "out" / "demo.sqlite")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from cli.main import COMMANDS

    rca = [sys.executable, "-m", "cli.main"]
    cases = [("python -c pass (the interpreter alone)", [sys.executable, "-c", "pass"]),
             ("rca --help", [*rca, "--help"])]
    cases += [(f"rca {name} --help", [*rca, name, "--help"]) for name in sorted(COMMANDS)]
    if args.db.is_file():
        cases.append((f"rca causes list ({args.db.name})", [*rca, "--db", str(args.db), "causes", "list"]))
    print(f"# medians of {args.runs} runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for label, argv in cases:
        print(f"{label:<44} {median_seconds(argv, args.runs):6.2f} s", flush=True)


if __name__ == "__main__":
    main()
