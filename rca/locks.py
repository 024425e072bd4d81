"""A database-wide lock so that two `rca cluster` runs never interleave.

PostgreSQL: a session advisory lock. SQLite: an exclusive flock on a file next
to the database. Both are released by the operating system or the server when
the holder dies, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator

from sqlalchemy import text

from .db import Database, flock_held
from .errors import BusyError, option

CLUSTER_LOCK_KEY = 0x5243_4102
POLL_SECONDS = 0.2


@contextlib.contextmanager
def cluster_lock(database: Database, *, wait: bool = False, timeout: float = 3600.0) -> Iterator[None]:
    """Hold the clustering lock; raise BusyError at once (or after ``timeout`` when waiting)."""
    busy = BusyError("another `rca cluster` (or cause merge/split/move) is running on this database: "
                     f"try again when it finishes, or pass {option('wait')} to queue behind it")
    if database.dialect == "postgresql":
        with database.connect() as connection:
            deadline = time.monotonic() + timeout
            while not connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": CLUSTER_LOCK_KEY}).scalar():
                connection.rollback()
                if not wait or time.monotonic() > deadline:
                    raise busy
                time.sleep(POLL_SECONDS)
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": CLUSTER_LOCK_KEY})
                connection.commit()
        return
    path = database.sqlite_path
    if path is None:
        yield
        return
    lock_path = path.with_name(path.name + ".cluster-lock")
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        with flock_held(descriptor, timeout=timeout if wait else None, busy=busy, poll_seconds=POLL_SECONDS):
            yield
    finally:
        os.close(descriptor)
