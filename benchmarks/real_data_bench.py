"""What a new user gets on each real export: import with no flags, one clustering run, the causes.

Usage (from the repo root):  python benchmarks/real_data_bench.py [DATA_DIR] [--backend tfidf|semantic]

DATA_DIR is the shared real-data folder (default: ../shared/data).  Each CSV under
cfpb/, support_tweets/, app_reviews/ and issues/ goes into a fresh SQLite file the
way `rca import FILE` and `rca cluster --window 5000d` would run (every complaint in
the window).  One line a file: the profile and the body and date columns chosen,
rows stored and skipped, then causes, unassigned, the replies that say nothing
about a cause, titles two causes share, and seconds; then the biggest causes'
titles.  Only counts and cause titles are printed (titles are the customers'
words after redaction, as a report shows them).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FOLDERS = ("cfpb", "support_tweets", "app_reviews", "issues")


def bench_file(path: Path, backend: str, folder: Path) -> None:
    from sqlalchemy import func, select

    from rca.db import open_database
    from rca.ingest.pipeline import import_file
    from rca.models import Complaint, RootCause
    from rca.runs.tracking import ClusterOptions, run_clustering

    database = open_database(f"sqlite:///{folder / (path.stem + '.sqlite')}")
    started = time.perf_counter()
    summary = import_file(database, path)
    imported = time.perf_counter() - started
    columns = summary.field_columns
    print(f"{path.parent.name}/{path.name}: profile {summary.profile}, body '{columns.get('body')}', "
          f"date '{columns.get('received_at')}'; {summary.new:,} stored, {summary.rows_skipped:,} skipped "
          f"({imported:.1f} s)")
    started = time.perf_counter()
    result = run_clustering(database, ClusterOptions(backend=backend, window_days=5000))
    clustered = time.perf_counter() - started
    with database.session() as session:
        titles = list(session.scalars(select(RootCause.title)))
        biggest = session.execute(select(RootCause.title, func.count())
                                  .join(Complaint, Complaint.cause_id == RootCause.id).group_by(RootCause.id)
                                  .order_by(func.count().desc(), RootCause.id).limit(6)).all()
    shared = sum(1 for count in Counter(t.lower() for t in titles).values() if count > 1)
    print(f"    {result.considered:,} considered: {result.new_causes} causes, {result.unassigned:,} unassigned "
          f"({result.says_nothing:,} say nothing about a cause), {shared} titles shared by two causes or more; "
          f"{clustered:.1f} s ({backend})")
    print("    biggest: " + "; ".join(f"{title} ({count})" for title, count in biggest))
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--backend", default="tfidf", choices=("tfidf", "semantic"))
    args = parser.parse_args()
    files = [p for name in FOLDERS for p in sorted((args.data_dir / name).glob("*.csv"))]
    if not files:
        sys.exit(f"no CSV files under {args.data_dir} ({', '.join(FOLDERS)})")
    with tempfile.TemporaryDirectory(prefix="rca-real-") as folder:
        for path in files:
            bench_file(path, args.backend, Path(folder))


if __name__ == "__main__":
    main()
