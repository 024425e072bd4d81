"""Real processes against one database: concurrent imports, cluster locks, SIGKILL, read-only and full disks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from cli.main import cli
from rca.db import Database, translate_operational_error
from rca.ingest.pipeline import import_file
from rca.models import Complaint, ImportBatch, Reject

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "sample_data"))
from generate import iter_complaints, write_generic_csv  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def rca_process(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cli.main", "--db", url, *args], env=ENV, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def counts(database) -> tuple[int, int, int]:
    with database.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Complaint, ImportBatch, Reject))


def test_two_overlapping_imports_at_once_store_each_ticket_once(database, db_url, tmp_path):
    rows = list(iter_complaints(6000, seed=5))
    write_generic_csv(tmp_path / "a.csv", rows[:4000])
    write_generic_csv(tmp_path / "b.csv", rows[2000:])  # 2,000 tickets in both files
    first = rca_process(db_url, "import", str(tmp_path / "a.csv"), "--source", "desk")
    second = rca_process(db_url, "import", str(tmp_path / "b.csv"), "--source", "desk")
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    assert counts(database)[0] == 6000
    news = sorted(int(out.split(" new ")[1].split()[0].replace(",", "")) for out, _ in outputs)
    # Whichever ran first stored all of its rows; the other found the overlap already there.
    assert news in ([2000, 4000], [4000, 4000]) and sum(news) - 2000 in (4000, 6000)
    with database.session() as session:
        duplicates = session.execute(select(Complaint.external_id).group_by(Complaint.source, Complaint.external_id)
                                     .having(func.count() > 1)).all()
    assert duplicates == []


HOLD_LOCK = """
import sys, time
from rca.db import Database
from rca.locks import cluster_lock
with cluster_lock(Database(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()  # hold the lock until the test says so
"""


def test_second_cluster_refuses_or_waits_while_another_holds_the_lock(database, db_url, tmp_path):
    write_generic_csv(tmp_path / "a.csv", iter_complaints(200, seed=2))
    import_file(database, tmp_path / "a.csv")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, db_url], env=ENV, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    refused = rca_process(db_url, "cluster", "--backend", "tfidf")
    _, err = refused.communicate(timeout=120)
    assert refused.returncode == 1
    assert err.strip().splitlines()[-1].startswith("Error: another `rca cluster`") and "--wait" in err
    waited = rca_process(db_url, "cluster", "--backend", "tfidf", "--wait")
    time.sleep(5)
    assert waited.poll() is None  # queued behind the holder
    holder.communicate("release\n", timeout=30)
    out, err = waited.communicate(timeout=300)
    assert waited.returncode == 0, err
    assert "Run 1:" in err  # and ran once the lock was free


def test_killed_import_leaves_nothing_and_rerun_imports_once(database, db_url, tmp_path):
    path = tmp_path / "big.csv"
    write_generic_csv(path, iter_complaints(60_000, seed=9))
    before = counts(database)
    victim = rca_process(db_url, "import", str(path))
    time.sleep(3.0)  # well into the file, inside its transaction
    assert victim.poll() is None, "the import finished before it could be killed: make the file bigger"
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert counts(database) == before
    rerun = rca_process(db_url, "import", str(path))
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert "new 60,000" in out
    assert counts(database)[:2] == (60_000, before[1] + 1)


def test_read_only_database_is_one_clear_line(sqlite_url, tmp_path):
    path = sqlite_url.removeprefix("sqlite:///")
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    write_generic_csv(tmp_path / "a.csv", iter_complaints(50, seed=1))
    result = CliRunner().invoke(cli, ["--db", read_only, "import", str(tmp_path / "a.csv")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: ") and "read-only" in result.output
    assert "Traceback" not in result.output


def test_full_disk_rolls_back_and_is_one_clear_line(sqlite_url, tmp_path):
    database = Database(sqlite_url)

    @event.listens_for(database.engine, "connect")
    def _tiny_disk(connection, _record):
        # SQLite's own way to run out of space: cap the file at its current size plus a little.
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count={pages + 20}")

    path = tmp_path / "a.csv"
    write_generic_csv(path, iter_complaints(5000, seed=1))
    with pytest.raises(OperationalError) as caught:
        import_file(database, path)
    message = str(translate_operational_error(caught.value, "rca.sqlite"))
    assert message.startswith("the disk holding rca.sqlite is full") and "nothing was saved" in message
    database.dispose()
    assert counts(Database(sqlite_url)) == (0, 0, 0)
