"""Clustering speed and memory: a first run on 100,000 complaints, then a weekly run adding 10,000.

    python benchmarks/cluster_bench.py
    python benchmarks/cluster_bench.py --rows 100000 --weekly 10000 --backend tfidf
    python benchmarks/cluster_bench.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench
    python benchmarks/cluster_bench.py --backend semantic --workdir out/bench   # keep the first run

With ``--workdir`` (SQLite only) the files stay in that folder and the database
after the first run is kept as ``first-run.sqlite``; running the same command
again skips straight to the weekly run from that copy. That is how the semantic
backend's weekly run is timed with its cache warm without re-embedding 100,000
complaints each time.

Complaints come from the sample-data generator (sample_data/generate.py): the
older ones are imported and clustered first, then the newest `--weekly` are
imported and clustered again, the way a team runs rca every week. Each run is
a child process, so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "sample_data")]


def child_cluster(url: str, backend: str) -> None:
    from rca.db import open_database
    from rca.runs.tracking import ClusterOptions, run_clustering

    database = open_database(url)
    # (wall clock, CPU seconds of this process, first word of what the run said)
    heard: list[tuple[float, float, str]] = []
    started, started_cpu = time.perf_counter(), time.process_time()
    result = run_clustering(database, ClusterOptions(backend=backend, window_days=None),
                            progress=lambda message: heard.append((time.perf_counter(), time.process_time(),
                                                                   message.split()[0])))
    ended, ended_cpu = time.perf_counter(), time.process_time()
    # A phase lasts from what the run says when it starts it to what it says next.
    phase_of = {"loading": "loading", "vectorizing": "embedding", "embedded": "embedding",
                "clustering": "clustering", "describing": "describing", "saving": "saving"}
    phases: dict[str, float] = {}
    cpu: dict[str, float] = {}  # on a shared machine the CPU seconds say more than the wall clock
    for (when, when_cpu, word), (until, until_cpu, _) in zip(heard, heard[1:] + [(ended, ended_cpu, "")]):
        phase = phase_of.get(word, word)
        phases[phase] = phases.get(phase, 0.0) + until - when
        cpu[phase] = cpu.get(phase, 0.0) + until_cpu - when_cpu
    print(json.dumps({"seconds": ended - started, "cpu_seconds": ended_cpu - started_cpu, "phases": phases,
                      "cpu_phases": cpu, "considered": result.considered,
                      "to_existing": result.assigned_existing, "new_causes": result.new_causes,
                      "unassigned": result.unassigned, "silhouette": result.silhouette,
                      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def run_child(url: str, backend: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", url, "--backend", backend],
                            check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def import_csv(url: str, path: Path, source: str) -> float:
    from rca.db import open_database
    from rca.ingest.pipeline import ImportOptions, import_file

    database = open_database(url)
    summary = import_file(database, path, ImportOptions(source=source))
    database.dispose()
    return summary.seconds


def report(label: str, result: dict) -> None:
    import os

    print(f"{label:<16} {result['seconds']:7.1f} s  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)  peak RSS {result['peak_rss_mib']:6,.0f} MiB  "
          f"considered {result['considered']:,}: {result['to_existing']:,} to existing causes, "
          f"{result['new_causes']} new causes, {result['unassigned']:,} unassigned"
          + (f", silhouette {result['silhouette']:.2f}" if result["silhouette"] is not None else ""))
    print(f"{'':<16} " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in result["phases"].items()))
    print(f"{'':<16} CPU {result['cpu_seconds']:.1f} s: "
          + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in result["cpu_phases"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="complaints in the first run")
    parser.add_argument("--weekly", type=int, default=10_000, help="complaints added for the weekly run")
    parser.add_argument("--backend", default="tfidf")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file); must be empty")
    parser.add_argument("--workdir", type=Path, help="keep files here; a second run starts from the kept first run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child_cluster(args.child, args.backend)

    if args.workdir and args.db:
        parser.error("--workdir keeps a SQLite database; it does not go with --db")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        return bench(args, args.workdir)
    with tempfile.TemporaryDirectory(prefix="rca-cluster-bench-") as folder:
        return bench(args, Path(folder))


def bench(args: argparse.Namespace, folder: Path) -> None:
    from generate import iter_complaints, write_generic_csv

    url = args.db or f"sqlite:///{folder / 'bench.sqlite'}"
    kept = folder / "first-run.sqlite"
    if args.workdir and kept.exists():
        for stale in ("bench.sqlite-wal", "bench.sqlite-shm"):  # the last weekly run's, not the copy's
            (folder / stale).unlink(missing_ok=True)
        shutil.copyfile(kept, folder / "bench.sqlite")
        print(f"starting from the first run kept in {kept}")
    else:
        complaints = sorted(iter_complaints(args.rows + args.weekly, seed=21), key=lambda c: c["created_at"])
        write_generic_csv(folder / "first.csv", complaints[: args.rows])
        write_generic_csv(folder / "week.csv", complaints[args.rows:])
        seconds = import_csv(url, folder / "first.csv", "bench")
        print(f"imported {args.rows:,} complaints in {seconds:.1f} s ({args.backend} backend)")
        report("first run", run_child(url, args.backend))
        if args.workdir:
            # The backup API gives one consistent file, WAL included.
            source, copy = sqlite3.connect(folder / "bench.sqlite"), sqlite3.connect(kept)
            source.backup(copy)
            source.close()
            copy.close()
    seconds = import_csv(url, folder / "week.csv", "bench")
    print(f"imported {args.weekly:,} newer complaints in {seconds:.1f} s")
    report("weekly run", run_child(url, args.backend))


if __name__ == "__main__":
    main()
