"""Import speed and memory: rows/s and peak RSS of `rca import` on a large CSV.

    python benchmarks/import_bench.py                 # 1,000,000 rows into a fresh SQLite file
    python benchmarks/import_bench.py --rows 200000
    python benchmarks/import_bench.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench

It writes the CSV with the sample-data generator, then imports it in a child
process (so its peak RSS is the import's alone), and, for SQLite, measures the
ceiling: a bare csv.reader + sqlite3 executemany of the same rows into the same
migrated table, with none of rca's work (mapping, dates, redaction, hashing,
deduplication).
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "sample_data")]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_csv(path: Path, rows: int) -> float:
    from generate import iter_complaints, write_generic_csv

    started = time.perf_counter()
    write_generic_csv(path, iter_complaints(rows, seed=11))
    return time.perf_counter() - started


def child_import(csv_path: str, url: str) -> None:
    from rca.db import open_database
    from rca.ingest.pipeline import import_file

    database = open_database(url)
    before = cpu_seconds(resource.RUSAGE_SELF)
    started = time.perf_counter()
    summary = import_file(database, csv_path)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": summary.rows_read, "new": summary.new,
                      "rejected": summary.rejected, "peak_rss_mib": peak_rss_mib(),
                      "writer_cpu": cpu_seconds(resource.RUSAGE_SELF) - before,
                      "workers_cpu": cpu_seconds(resource.RUSAGE_CHILDREN)}))


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def child_ceiling(csv_path: str, url: str) -> None:
    """Read the CSV and executemany it into the same table with sqlite3 alone."""
    from datetime import datetime, timezone

    from rca.db import open_database

    open_database(url).dispose()
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    now = datetime.now(timezone.utc).isoformat()
    started = time.perf_counter()
    connection.execute("INSERT INTO import_batches (id, source, file_name, file_sha256, file_format, profile, "
                       "started_at, rows_read, rows_new, rows_updated, rows_duplicate, rows_rejected) "
                       "VALUES (1, 'bench', 'x', 'x', 'csv', 'generic', ?, 0, 0, 0, 0, 0)", (now,))
    sql = ("INSERT INTO complaints (source, external_id, received_at, channel, subject, body, page_url, product, "
           "defect_type, tags, extra, contact, content_hash, fields_hash, batch_id, imported_at) "
           "VALUES ('bench', ?, ?, ?, ?, ?, ?, ?, 'other', ?, '{}', ?, '', '', 1, ?)")
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = ((r["id"], r["created_at"], r["channel"], r["subject"], r["body"], r["page_url"], r["product"],
                 r["tags"], r["email"], now) for r in reader)
        connection.executemany(sql, rows)
    connection.commit()
    seconds = time.perf_counter() - started
    count = connection.execute("SELECT count(*) FROM complaints").fetchone()[0]
    print(json.dumps({"seconds": seconds, "rows": count, "peak_rss_mib": peak_rss_mib()}))


def run_child(kind: str, csv_path: Path, url: str) -> dict:
    output = subprocess.run([sys.executable, __file__, f"--child-{kind}", str(csv_path), url],
                            check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", help="database URL to import into (default: a fresh SQLite file)")
    parser.add_argument("--child-import", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-ceiling", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        return child_import(*args.child_import)
    if args.child_ceiling:
        return child_ceiling(*args.child_ceiling)

    with tempfile.TemporaryDirectory(prefix="rca-import-bench-") as folder:
        folder = Path(folder)
        csv_path = folder / "complaints.csv"
        seconds = write_csv(csv_path, args.rows)
        size_mib = csv_path.stat().st_size / 2**20
        print(f"generated {args.rows:,} rows ({size_mib:,.0f} MiB CSV) in {seconds:.1f} s")

        url = args.db or f"sqlite:///{folder / 'bench.sqlite'}"
        result = run_child("import", csv_path, url)
        rate = result["rows"] / result["seconds"]
        print(f"rca import   : {result['rows']:,} rows in {result['seconds']:.1f} s = {rate:,.0f} rows/s, "
              f"peak RSS {result['peak_rss_mib']:,.0f} MiB ({result['new']:,} new, {result['rejected']:,} rejected)")
        # The import is CPU-bound: the writing process is the serial part, the
        # workers' share divides by the cores there are.
        writer, workers = (1e6 * result[k] / result["rows"] for k in ("writer_cpu", "workers_cpu"))
        print(f"CPU per row  : {writer:.1f} us in the writing process, {workers:.1f} us in the workers "
              f"({writer + workers:.1f} us in all)")
        if not args.db:
            ceiling = run_child("ceiling", csv_path, f"sqlite:///{folder / 'ceiling.sqlite'}")
            ceiling_rate = ceiling["rows"] / ceiling["seconds"]
            print(f"bare sqlite3 : {ceiling['rows']:,} rows in {ceiling['seconds']:.1f} s = {ceiling_rate:,.0f} rows/s "
                  f"(ceiling), peak RSS {ceiling['peak_rss_mib']:,.0f} MiB")
            print(f"rca import is {ceiling_rate / rate:.2f}x slower than the ceiling")


if __name__ == "__main__":
    main()
