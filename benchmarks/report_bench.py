"""Report speed and memory at scale: seconds and peak RSS of each report kind on 1,000,000 complaints.

    python benchmarks/report_bench.py                          # build /tmp/rca-report-bench.sqlite (once), time both kinds
    python benchmarks/report_bench.py --db /tmp/big.sqlite     # reuse (or build) that database
    python benchmarks/report_bench.py --rows 200000 --rebuild
    python benchmarks/report_bench.py --db postgresql+psycopg://postgres@127.0.0.1:55432/bench

The database is filled directly with executemany (sqlite3 for SQLite files,
SQLAlchemy Core otherwise), not through the importer: 12 ISO weeks of rows over
~60 causes with a long-tailed size distribution (some growing, some new in the
last weeks, a few fixed and recurring), plus ~8% unassigned. Each report then
runs in a fresh child process, so its peak RSS and its imports (matplotlib,
WeasyPrint, scipy) count as they do for `rca report`; the child also reports
where the time went (figures / HTML / PDF) and the slowest analytics queries.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DB = Path(tempfile.gettempdir()) / "rca-report-bench.sqlite"
LAST_WEEK_MONDAY = datetime(2026, 11, 16, tzinfo=timezone.utc)  # 2026-W47
WEEKS = 12
CHANNELS = ["email", "web", "chat", "phone", "web form"]
PRODUCTS = ["Aurora kettle", "VoltGo 65W charger", "Web shop", "Nordic chair", "Gift card", None]
PAGES = ["https://shop.example.com/checkout", "https://shop.example.com/faq", "https://shop.example.com/cart",
         "https://shop.example.com/products/aurora", None]
WORDS = ("checkout total currency delivery faq banner kettle charger overheats code save20 rejected refund "
         "tracking parcel late price basket size chart colour wrong invoice email german login password").split()


def url_of(db: str) -> str:
    return db if "://" in db else f"sqlite:///{Path(db).resolve()}"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- building the database -------------------------------------------------------------

def cause_rows(count: int, rng: random.Random, now: datetime) -> list[dict]:
    statuses = ["new"] * 6 + ["investigating"] * 3 + ["fixing"] * 2 + ["fixed"] * 2 + ["verified", "recurring"]
    rows = []
    for number in range(1, count + 1):
        words = rng.sample(WORDS, 3)
        status = rng.choice(statuses)
        first = LAST_WEEK_MONDAY - timedelta(weeks=WEEKS - 1) + timedelta(hours=rng.randrange(24 * 7))
        fixed = LAST_WEEK_MONDAY - timedelta(days=rng.randrange(3, 40)) if status in ("fixed", "verified",
                                                                                   "recurring") else None
        rows.append({"id": number, "key": f"RC-{number:04d}", "title": " ".join(words).capitalize(),
                     "keywords": json.dumps(words), "representative_ids": "[]", "defect_type": "other",
                     "status": status, "owner": rng.choice([None, None, "dana", "sam", "lee", "ana"]),
                     "first_seen": first, "last_seen": LAST_WEEK_MONDAY, "fixed_at": fixed,
                     "created_at": now, "updated_at": now})
    return rows


def complaint_rows(rows: int, causes: int, rng: random.Random, batch_id: int, now: datetime):
    """(cause_id or None, received_at, ...) tuples, spread over 12 weeks with long-tailed cause sizes."""
    weights = [1 / (rank ** 0.9) for rank in range(1, causes + 1)]
    trend = [rng.choice([-1, 0, 0, 1, 2]) for _ in range(causes)]  # shrinking, flat, growing, surging
    start = LAST_WEEK_MONDAY - timedelta(weeks=WEEKS - 1)
    span = WEEKS * 7 * 86400
    ids = list(range(1, causes + 1))
    for number in range(1, rows + 1):
        cause = None if rng.random() < 0.08 else rng.choices(ids, weights)[0]
        offset = rng.random()
        if cause is not None and trend[cause - 1] > 0:
            offset = offset ** (1 / (1 + trend[cause - 1]))  # skewed towards the last weeks
        elif cause is not None and trend[cause - 1] < 0:
            offset = 1 - (1 - offset) ** 0.5
        received = start + timedelta(seconds=int(offset * (span - 1)))
        words = rng.sample(WORDS, 6)
        yield (
            "bench", str(number), received.strftime("%Y-%m-%d %H:%M:%S.000000"), rng.choice(CHANNELS),
            " ".join(words[:3]), "Customer says: " + " ".join(words) + f". Order #NW-{number:06d}.",
            rng.choice(PAGES), rng.choice(PRODUCTS), "other", "open", "[]", "{}",
            f"cust{rng.randrange(rows // 3 + 1):07d}", None, f"h{number}", f"f{number}", batch_id,
            now.strftime("%Y-%m-%d %H:%M:%S.000000"), None, cause, "model" if cause else None,
            round(rng.uniform(0.3, 0.95), 3) if cause else None, None)


COMPLAINT_COLUMNS = ("source", "external_id", "received_at", "channel", "subject", "body", "page_url", "product",
                     "defect_type", "ticket_status", "tags", "extra", "customer_key", "contact", "content_hash",
                     "fields_hash", "batch_id", "imported_at", "updated_at", "cause_id", "assigned_by", "similarity",
                     "assigned_run_id")


def build(db: str, rows: int, causes: int) -> float:
    from sqlalchemy import insert

    from rca.db import open_database
    from rca.models import Complaint, ImportBatch, RootCause

    started = time.perf_counter()
    rng = random.Random(7)
    now = datetime.now(timezone.utc)
    database = open_database(url_of(db))
    with database.write_session() as session:
        batch = ImportBatch(source="bench", file_name="bench", file_sha256="0" * 64, file_format="csv",
                            profile="generic", started_at=now, finished_at=now, rows_read=rows, rows_new=rows)
        session.add(batch)
        session.flush()
        batch_id = batch.id
        session.execute(insert(RootCause), [{**r, "keywords": json.loads(r["keywords"]),
                                             "representative_ids": []} for r in cause_rows(causes, rng, now)])
    generator = complaint_rows(rows, causes, rng, batch_id, now)
    chunk = 50_000
    if database.dialect == "sqlite":
        path = database.url.database
        database.dispose()
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        sql = (f"INSERT INTO complaints ({', '.join(COMPLAINT_COLUMNS)}) "
               f"VALUES ({', '.join('?' * len(COMPLAINT_COLUMNS))})")
        with connection:
            while True:
                block = [row for _, row in zip(range(chunk), generator)]
                if not block:
                    break
                connection.executemany(sql, block)
        connection.execute("ANALYZE")
        connection.close()
    else:
        table = Complaint.__table__
        with database.engine.begin() as connection:
            while True:
                block = [row for _, row in zip(range(chunk), generator)]
                if not block:
                    break
                connection.execute(insert(table), [_pg_row(row) for row in block])
            connection.exec_driver_sql("ANALYZE complaints")
        database.dispose()
    return time.perf_counter() - started


def _pg_row(row: tuple) -> dict:
    values = dict(zip(COMPLAINT_COLUMNS, row))
    for name in ("received_at", "imported_at"):
        values[name] = datetime.fromisoformat(values[name]).replace(tzinfo=timezone.utc)
    values["tags"], values["extra"] = [], {}
    return values


def count_rows(db: str) -> int:
    from sqlalchemy import func, select

    from rca.db import Database
    from rca.models import Complaint

    database = Database(url_of(db))
    try:
        if "complaints" not in database.table_names():
            return 0
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(Complaint)) or 0
    finally:
        database.dispose()


# -- timing one report (in a child process) ------------------------------------------------

def child(db: str, kind: str, out: str) -> None:
    started = time.perf_counter()
    cpu = time.process_time()
    from sqlalchemy import event

    from rca.db import open_database
    from reports.model import build_report, resolve_period
    from reports.render import html_to_pdf, render_html

    imported = time.perf_counter() - started
    database = open_database(url_of(db))
    queries: list[tuple[float, str]] = []

    @event.listens_for(database.engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("t", []).append(time.perf_counter())

    @event.listens_for(database.engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        queries.append((time.perf_counter() - conn.info["t"].pop(), " ".join(statement.split())[:110]))

    t0 = time.perf_counter()
    with database.session() as session:
        report = build_report(session, kind, resolve_period(session))
    t1 = time.perf_counter()
    html = render_html(report)
    t2 = time.perf_counter()
    pdf = html_to_pdf(html)
    t3 = time.perf_counter()
    Path(out).write_bytes(pdf)
    slowest = sorted(queries, reverse=True)[:5]
    print(json.dumps({"kind": kind, "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                      "imports": imported, "figures": t1 - t0, "html": t2 - t1, "pdf": t3 - t2,
                      "queries": len(queries), "query_seconds": sum(q for q, _ in queries),
                      "slowest": [[round(q, 3), s] for q, s in slowest], "pdf_bytes": len(pdf),
                      "peak_rss_mib": peak_rss_mib()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=str(DEFAULT_DB), help="SQLite file or database URL (built when empty)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--causes", type=int, default=60)
    parser.add_argument("--rebuild", action="store_true", help="delete the SQLite file and build it again")
    parser.add_argument("--kind", action="append", choices=["executive", "team"], help="default: both")
    parser.add_argument("--out-dir", default=tempfile.gettempdir())
    parser.add_argument("--child", nargs=3, metavar=("DB", "KIND", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.rebuild and "://" not in args.db:
        for suffix in ("", "-wal", "-shm"):
            Path(args.db + suffix).unlink(missing_ok=True)
    existing = count_rows(args.db)
    if existing:
        print(f"reusing {args.db}: {existing:,} complaints", file=sys.stderr)
    else:
        print(f"building {args.db}: {args.rows:,} complaints over {args.causes} causes …", file=sys.stderr)
        seconds = build(args.db, args.rows, args.causes)
        print(f"built in {seconds:.1f} s", file=sys.stderr)
    print(f"{'kind':<10} {'seconds':>8} {'cpu s':>7} {'imports':>8} {'figures':>8} {'html':>6} {'pdf':>6} "
          f"{'queries':>8} {'peak RSS':>10}")
    for kind in args.kind or ["executive", "team"]:
        out = str(Path(args.out_dir) / f"rca-bench-{kind}.pdf")
        result = subprocess.run([sys.executable, __file__, "--child", args.db, kind, out], check=True,
                                capture_output=True, text=True)
        r = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"{kind:<10} {r['seconds']:8.1f} {r['cpu']:7.1f} {r['imports']:8.1f} {r['figures']:8.1f} "
              f"{r['html']:6.2f} {r['pdf']:6.1f} {r['query_seconds']:7.1f}s {r['peak_rss_mib']:8.0f} MiB   -> {out}")
        for seconds, statement in r["slowest"][:3]:
            print(f"    {seconds:6.2f} s  {statement}")


if __name__ == "__main__":
    main()
