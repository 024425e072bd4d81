"""Real processes: Ctrl-C in the middle of a big parallel import, and two imports racing
to create a new database (issue 18, integrity part). Bounded in time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rca.db import Database
from rca.ingest.parallel import PARALLEL_MIN_BYTES
from rca.models import Complaint, ImportBatch, Reject

from .conftest import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def rca(url: str, *args: str) -> subprocess.Popen:
    # A session of its own: Ctrl-C in a terminal goes to the whole process group.
    return subprocess.Popen([sys.executable, "-m", "cli.main", "--db", url, *args], env=ENV, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def counts(url: str) -> tuple[int, int, int]:
    database = Database(url)
    try:
        with database.session() as session:
            models = (Complaint, ImportBatch, Reject)
            return tuple(session.scalar(select(func.count()).select_from(m)) for m in models)
    finally:
        database.dispose()


def children(pid: int) -> int:
    found = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found += fields[1] == str(pid)
    return found


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """Just over the size at which workers parse the file."""
    path = tmp_path_factory.mktemp("big") / "big.csv"
    line = (",2026-11-{day:02d} 10:00,Checkout fails {n},The card form rejects a valid card again {n} "
            + "x" * 200 + "\n")
    with path.open("w") as handle:
        handle.write("id,date,subject,body\n")
        n = 0
        while handle.tell() < PARALLEL_MIN_BYTES + (2 << 20):
            handle.write(str(n) + line.format(day=1 + n % 28, n=n))
            n += 1
    return path


@pytest.mark.parametrize("delay", [0.0, 1.5])
def test_ctrl_c_during_a_parallel_import_ends_fast_in_one_line_with_the_truth(db_url, big_csv, tmp_path, delay):
    victim = rca(db_url, "import", str(big_csv))
    deadline = time.monotonic() + 60
    while children(victim.pid) < 2:  # the workers are up: the interesting moment
        assert victim.poll() is None, victim.communicate()
        assert time.monotonic() < deadline, "the import never started its workers"
        time.sleep(0.05)
    time.sleep(delay)
    os.killpg(victim.pid, signal.SIGINT)
    sent = time.monotonic()
    try:
        out, err = victim.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(victim.pid, signal.SIGKILL)
        victim.communicate()
        pytest.fail("the import hung after Ctrl-C")
    took = time.monotonic() - sent
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err, err
    assert len(lines) == 1 and lines[0].startswith("Error: interrupted"), err
    assert victim.returncode == 130
    assert took < 15, f"{took:.1f} s from Ctrl-C to exit"  # a few seconds; generous for a loaded CI machine
    stored = counts(db_url)
    if "saved whole" in lines[0]:
        assert stored[0] > 0 and stored[1] == 1
    else:
        assert "nothing from big.csv was saved" in lines[0] and stored == (0, 0, 0)
    # The write lock is free: another import runs at once.
    small = tmp_path / "small.csv"
    small.write_text("id,date,subject,body\n1,2026-11-02,after,the interrupt\n")
    after = rca(db_url, "import", "--source", "after", str(small))
    out, err = after.communicate(timeout=60)
    assert after.returncode == 0 and "new 1" in out, err


def test_two_imports_into_a_brand_new_database_both_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    files = []
    for i in range(2):
        path = tmp_path / f"part{i}.csv"
        path.write_text("id,date,subject,body\n" + "".join(f"{i}-{n},2026-11-02,s {n},b {n}\n" for n in range(300)))
        files.append(path)
    racers = [rca(url, "import", str(path)) for path in files]
    results = [racer.communicate(timeout=120) for racer in racers]
    for racer, (out, err) in zip(racers, results):
        assert racer.returncode == 0, err
        assert "new 300" in out and "locked" not in err
    assert counts(url) == (600, 2, 0)


def _open_together(url: str, start, results) -> None:
    start.wait()
    database = Database(url)
    try:
        results.put(("ok", database.table_names()))
    except Exception as exc:  # noqa: BLE001 - the test reports whatever came out
        results.put(("failed", str(exc)))
    finally:
        database.dispose()


def test_processes_opening_a_brand_new_file_at_once_all_wait_their_turn(tmp_path):
    # SQLite's switch to WAL ignores busy_timeout: it fails at once with
    # "database is locked" when several processes open a new file together
    # (the cause of a flaky two-imports race). 20 rounds of 4 openers made the
    # old code fail in nearly every run.
    import multiprocessing
    context = multiprocessing.get_context("fork")
    for round_number in range(20):
        url = f"sqlite:///{tmp_path / f'new{round_number}.sqlite'}"
        start, results = context.Event(), context.Queue()
        openers = [context.Process(target=_open_together, args=(url, start, results)) for _ in range(4)]
        for opener in openers:
            opener.start()
        start.set()
        outcomes = [results.get(timeout=60) for _ in openers]
        for opener in openers:
            opener.join(timeout=60)
        assert outcomes == [("ok", [])] * 4, outcomes
