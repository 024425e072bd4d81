"""Hostile inputs: time and peak RSS of `rca import` on files built to exhaust it.

    python benchmarks/hostile_bench.py [--workdir DIR]

Each case runs in a fresh process (peak RSS from wait4); the database is a new
SQLite file each time. Cases: a JSON array padded with 100 MiB of white space,
a 40 MiB CSV that is almost all blank lines, and a 1 MB gzip file of blank
lines (about 1 GB unpacked).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = {"id": 1, "date": "2026-11-02", "subject": "s", "body": "b"}


def write_repeated(handle, piece: bytes, mebibytes: int) -> None:
    # In pieces: a child forked from a big benchmark process would count its pages in its peak RSS.
    for _ in range(mebibytes):
        handle.write(piece * (1 << 20))


def make_cases(folder: Path) -> dict[str, Path]:
    padded = folder / "padded.json"
    with padded.open("wb") as handle:
        handle.write(b"[")
        write_repeated(handle, b" ", 100)
        handle.write(json.dumps(RECORD).encode() + b",")
        write_repeated(handle, b"\n", 20)
        handle.write(json.dumps({**RECORD, "id": 2}).encode() + b"]")
    blank = folder / "blank.csv"
    with blank.open("wb") as handle:
        handle.write(b"id,date,subject,body\n1,2026-11-02,a,b\n")
        write_repeated(handle, b"\n", 40)
        handle.write(b"2,2026-11-02,c,d\n")
    bomb = folder / "blank.csv.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        handle.write(b"id,date,subject,body\n1,2026-11-02,a,b\n")
        write_repeated(handle, b"\n", 1000)
    return {"JSON padded with 120 MiB of white space": padded, "40 MiB CSV of blank lines": blank,
            "1 MB gzip of blank lines (1 GB unpacked)": bomb}


def run(path: Path, folder: Path) -> tuple[float, float, str]:
    database = folder / f"{path.stem}.sqlite"
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "cli.main", "--db", str(database), "import", str(path)],
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _, _, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    outcome = next((line.strip() for line in output.splitlines() if line.strip().startswith(("read ", "Error"))), "")
    return seconds, usage.ru_maxrss / 1024, outcome[:110]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="where the files go (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.workdir or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        for name, path in make_cases(folder).items():
            seconds, peak, outcome = run(path, folder)
            print(f"{name:42s} {seconds:6.1f} s  peak RSS {peak:6.0f} MiB  {outcome}")


if __name__ == "__main__":
    main()
