"""Engines, sessions and schema migrations.

Nothing connects at import time: callers build a :class:`Database` from a URL
(see :mod:`rca.config`) and open sessions from it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (ArgumentError, DBAPIError, NoSuchModuleError, OperationalError, ProgrammingError,
                            SQLAlchemyError)
from sqlalchemy.orm import Session, sessionmaker

from .errors import ConfigError, DatabaseError, SchemaOutOfDateError, option
# The revisions are read without Alembic (rca.schema); they are named here too, where callers look.
from .schema import SQLITE_BUSY_TIMEOUT_MS, head_revision, known_revisions, migrations_path

SQLITE_CACHE_KIB = 64 * 1024


def alembic_config(connection=None):
    # Alembic loads only to migrate: every other command reads the revisions with rca.schema (issue #15).
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control from the sqlite3 module so that BEGIN is
        # emitted by us (below) and write transactions can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _enter_wal(cursor)
        # WAL + NORMAL is durable against application crashes (what SIGKILL
        # tests) and much faster than FULL for bulk imports.
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 64 MiB of page cache (default 2 MiB): imports insert hashed keys
        # (customer keys) at random places in their indexes, and a small cache
        # turns every insert into a page miss on a large database.
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock up front: a deferred transaction that
        # later tries to write fails at once with "database is locked" when
        # another process committed meanwhile, without waiting the busy timeout.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _enter_wal(cursor) -> None:
    """Switch the file to WAL (it stays so), waiting out other connections doing the same.

    SQLite does not apply busy_timeout to this switch: it upgrades a read lock
    to a write lock, and that upgrade fails at once with "database is locked"
    when two processes open a brand-new file together (two imports racing into
    a new database hit it). So we wait here, as the busy timeout would.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Database:
    """One database: its engine, its sessions and its schema state."""

    def __init__(self, url: str, *, echo: bool = False):
        try:
            parsed = make_url(url)
            parsed.port  # noqa: B018 - a bad port or IPv6 bracket fails here, not at connect
        except (ArgumentError, ValueError) as exc:
            raise ConfigError(f"'{_without_password(url)}' is not a database URL (try sqlite:///path/rca.sqlite "
                              "or postgresql://user@host/dbname; an IPv6 host goes in brackets: "
                              "postgresql://user@[::1]:5432/dbname)") from exc
        self.url = parsed
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite" and _sqlite_in_memory(parsed):
            # Every command opens the database anew: an in-memory one would
            # report "new 1,000" and keep nothing.
            raise ConfigError(f"'{url}' is an in-memory SQLite database, which keeps nothing after the command "
                              f"ends: give a file, e.g. {option('db')} sqlite:///rca.sqlite or {option('db')} rca.sqlite")
        if self.sqlite_path is not None:
            folder = self.sqlite_path.parent
            if not folder.is_dir():
                raise DatabaseError(f"folder {folder} does not exist: create it or choose another {option('db')}")
        try:
            self.engine = create_engine(parsed, echo=echo, future=True,
                                        pool_pre_ping=self.dialect != "sqlite")
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            raise DatabaseError(f"no driver for '{parsed.drivername}': rca supports sqlite:/// and "
                                "postgresql+psycopg://") from exc
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def sqlite_path(self) -> Path | None:
        """The database file, for SQLite URLs that name one (plain paths and file: URIs)."""
        if self.dialect != "sqlite" or self.url.database in (None, "", ":memory:"):
            return None
        name = self.url.database
        if name.startswith("file:"):
            name = name[len("file:"):].split("?", 1)[0]
        return Path(name).expanduser()

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    # Every way into the database goes through one of the three below, and each
    # turns the driver's failures into DatabaseError (translated_errors): no
    # SQLAlchemy or sqlite3 error leaves the library.

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading (``with database.session() as session:``), closed on exit."""
        session = self._sessions()
        try:
            with translated_errors(self.display_url):
                yield session
        finally:
            session.close()

    @contextlib.contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session in one write transaction: committed on success, rolled back on any error."""
        session = self._sessions()
        try:
            with translated_errors(self.display_url):
                if self.dialect == "sqlite":
                    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
                yield session
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        """A bare connection (advisory locks), closed on exit."""
        with translated_errors(self.display_url), self.engine.connect() as connection:
            yield connection

    # -- schema -----------------------------------------------------------

    def current_revision(self) -> str | None:
        """The revision Alembic recorded (its alembic_version table); None for an empty database."""
        with self.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        if len(versions) > 1:
            raise DatabaseError(f"{self.display_url} records several schema revisions ({', '.join(versions)}): "
                                "it was not migrated by rca")
        return versions[0] if versions else None

    def table_names(self) -> list[str]:
        with self.engine.connect() as connection:
            return inspect(connection).get_table_names()

    def upgrade(self, revision: str = "head") -> tuple[str | None, str | None]:
        """Run migrations up to ``revision``; returns (before, after)."""
        with translated_errors(self.display_url), schema_lock(self):
            before = self.current_revision()
            self._refuse_unknown(before)
            with self.engine.begin() as connection:
                _migrate("upgrade", connection, revision)
            return before, self.current_revision()

    def downgrade(self, revision: str) -> tuple[str | None, str | None]:
        with translated_errors(self.display_url), schema_lock(self):
            before = self.current_revision()
            self._refuse_unknown(before)
            with self.engine.begin() as connection:
                _migrate("downgrade", connection, revision)
            return before, self.current_revision()

    def schema_state(self) -> str:
        """'up to date', 'empty', 'behind' (rca db upgrade fixes it) or 'ahead' (a newer rca wrote it)."""
        current = self.current_revision()
        if current == head_revision():
            return "up to date"
        if current is None:
            return "empty"
        return "behind" if current in known_revisions() else "ahead"

    def _refuse_unknown(self, current: str | None) -> None:
        if current is not None and current not in known_revisions():
            raise DatabaseError(f"the database is at revision {current}, which this rca does not know: "
                                "it was written by a newer rca; upgrade rca")

    def ensure_ready(self) -> bool:
        """Create the schema in an empty database; refuse one whose schema is behind.

        Returns True when it created the schema.
        """
        current = self.current_revision()
        head = head_revision()
        if current == head:
            return False
        if current is None:
            # Two commands starting at once on a new database: the second waits
            # here for the first to create the schema, then finds it there.
            with schema_lock(self):
                current = self.current_revision()
                if current is None:
                    if self.table_names():
                        raise DatabaseError(f"{self.display_url} holds tables but is not an rca database: "
                                            f"choose an empty database with {option('db')}")
                    with self.engine.begin() as connection:
                        _migrate("upgrade", connection, "head")
                    return True
            if current == head:
                return False
        if current in known_revisions():
            raise SchemaOutOfDateError(f"the database schema is at revision {current} but this rca needs "
                                       f"{head}: run `rca db upgrade` (back the database up first)")
        raise DatabaseError(f"the database is at revision {current}, which this rca does not know: "
                            "it was written by a newer rca; upgrade rca")

    def dispose(self) -> None:
        self.engine.dispose()


def _migrate(step: str, connection, revision: str) -> None:
    """Alembic's ``upgrade`` or ``downgrade`` command to ``revision``, on ``connection``."""
    from alembic import command
    from alembic.util import CommandError

    try:
        getattr(command, step)(alembic_config(connection), revision)
    except CommandError as exc:
        raise DatabaseError(f"cannot migrate to revision '{revision}' ({exc}): "
                            "`rca db current` shows where the database is") from None


def _without_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


def _sqlite_in_memory(url) -> bool:
    name = url.database or ""
    query = url.query.get("mode", "")
    return name in ("", ":memory:") or name.startswith("file::memory:") or query == "memory" \
        or "mode=memory" in name


SCHEMA_LOCK_KEY = 0x5243_4100
SCHEMA_LOCK_SECONDS = 120


@contextlib.contextmanager
def schema_lock(database: Database) -> Iterator[None]:
    """Serialise schema creation and migration between rca processes.

    SQLite: an flock on a file beside the database (a deferred transaction that
    finds another process's schema half-made fails at once with "locked", so
    waiting on SQLite's own lock is not enough). PostgreSQL: an advisory lock.
    """
    if database.dialect == "postgresql":
        with database.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": SCHEMA_LOCK_KEY})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SCHEMA_LOCK_KEY})
                connection.commit()
        return
    path = database.sqlite_path
    if path is None:
        yield
        return
    try:
        descriptor = os.open(path.with_name(path.name + ".schema-lock"), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield  # a read-only folder: nothing can be created there anyway, the database says why
        return
    busy = DatabaseError(f"another rca process has been creating the schema of {database.display_url} "
                         f"for {SCHEMA_LOCK_SECONDS} s: try again when it finishes")
    try:
        with flock_held(descriptor, timeout=SCHEMA_LOCK_SECONDS, busy=busy, poll_seconds=0.1):
            yield
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def flock_held(descriptor: int, *, timeout: float | None, busy: Exception, poll_seconds: float) -> Iterator[None]:
    """Hold an exclusive flock on an open lock file, released on exit.

    Another holder is waited for, polling, up to ``timeout`` seconds (None:
    not at all), then ``busy`` is raised. The operating system drops the lock
    when its holder dies, so a killed rca never leaves one behind.
    """
    deadline = time.monotonic() + (timeout or 0)
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if timeout is None or time.monotonic() > deadline:
                raise busy from None
            time.sleep(poll_seconds)
    try:
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)


def open_database(url: str, *, migrate: bool = True) -> Database:
    """A ready database: connected, schema created or checked."""
    database = Database(url)
    if migrate:
        with translated_errors(database.display_url):
            database.ensure_ready()
    return database


@contextlib.contextmanager
def translated_errors(where: str) -> Iterator[None]:
    """Database failures as :class:`DatabaseError` (one line that says what to do).

    Programming errors (bad SQL) are left alone: they are bugs, not input.
    """
    try:
        yield
    except ProgrammingError:
        raise
    except (DBAPIError, sqlite3.Error, OverflowError) as exc:
        translated = translate_operational_error(exc, where)
        if isinstance(exc, OperationalError):
            translated = DriverDatabaseError(str(translated), exc)
        raise translated from exc


class DriverDatabaseError(DatabaseError, OperationalError):
    """A DatabaseError (one clear line, in rca's error tree) that is still the driver's OperationalError,
    with its statement and original error, for code written against SQLAlchemy."""

    def __init__(self, message: str, original: OperationalError):
        OperationalError.__init__(self, original.statement, original.params, original.orig)
        Exception.__init__(self, message)

    def __reduce__(self):  # pickles (a worker's failure) as the message it shows
        return DatabaseError, (str(self),)


def translate_operational_error(exc: SQLAlchemyError | sqlite3.Error | OverflowError, where: str) -> DatabaseError:
    """One clear line for the database failures users actually hit."""
    message = str(getattr(exc, "orig", exc)).strip()
    message = message.splitlines()[0] if message else type(exc).__name__
    lowered = message.lower()
    if "file is not a database" in lowered or "malformed" in lowered or "not a database" in lowered:
        return DatabaseError(f"{where} is not an rca database, or it is damaged (truncated or overwritten): "
                             f"restore it from a backup, or choose another {option('db')}")
    if isinstance(exc, OverflowError) or "out of range" in lowered or "too large" in lowered:
        return DatabaseError(f"a number is too large for the database ({message}): use a smaller value")
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseError(f"{where} is read-only: check the file's permissions or choose another {option('db')}")
    if "disk is full" in lowered or "no space left" in lowered:
        return DatabaseError(f"the disk holding {where} is full: free some space and run the command "
                             "again (nothing was saved)")
    if "database is locked" in lowered:
        return DatabaseError(f"{where} is locked by another rca process: try again when it finishes")
    if "unable to open database" in lowered:
        return DatabaseError(f"cannot open {where}: check the path and its permissions")
    if "connection" in lowered or "could not" in lowered:
        return DatabaseError(f"cannot connect to {where}: {message}")
    return DatabaseError(f"database error on {where}: {message}")
