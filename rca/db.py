"""Engines, sessions and schema migrations.

Nothing connects at import time: callers build a :class:`Database` from a URL
(see :mod:`rca.config`) and open sessions from it.
"""

from __future__ import annotations

import contextlib
import importlib.resources
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .errors import DatabaseError, SchemaOutOfDateError

SQLITE_BUSY_TIMEOUT_MS = 60_000
SQLITE_CACHE_KIB = 64 * 1024


def migrations_path() -> Path:
    """The Alembic script folder, wherever rca is installed (editable or not)."""
    return Path(str(importlib.resources.files("migrations")))


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Take transaction control from the sqlite3 module so that BEGIN is
        # emitted by us (below) and write transactions can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
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


class Database:
    """One database: its engine, its sessions and its schema state."""

    def __init__(self, url: str, *, echo: bool = False):
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise DatabaseError(f"'{url}' is not a database URL (try sqlite:///path/rca.sqlite "
                                "or postgresql://user@host/dbname)") from exc
        self.url = parsed
        self.dialect = parsed.get_backend_name()
        if self.sqlite_path is not None:
            folder = self.sqlite_path.parent
            if not folder.is_dir():
                raise DatabaseError(f"folder {folder} does not exist: create it or choose another --db")
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

    def session(self) -> Session:
        return self._sessions()

    @contextlib.contextmanager
    def write_session(self) -> Iterator[Session]:
        """A session in one write transaction: committed on success, rolled back on any error."""
        session = self._sessions()
        try:
            if self.dialect == "sqlite":
                session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # -- schema -----------------------------------------------------------

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def table_names(self) -> list[str]:
        with self.engine.connect() as connection:
            return inspect(connection).get_table_names()

    def upgrade(self, revision: str = "head") -> tuple[str | None, str | None]:
        """Run migrations up to ``revision``; returns (before, after)."""
        before = self.current_revision()
        with self.engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
        return before, self.current_revision()

    def downgrade(self, revision: str) -> tuple[str | None, str | None]:
        before = self.current_revision()
        with self.engine.begin() as connection:
            command.downgrade(alembic_config(connection), revision)
        return before, self.current_revision()

    def ensure_ready(self) -> bool:
        """Create the schema in an empty database; refuse one whose schema is behind.

        Returns True when it created the schema.
        """
        current = self.current_revision()
        head = head_revision()
        if current == head:
            return False
        if current is None:
            if self.table_names():
                raise DatabaseError(f"{self.display_url} holds tables but is not an rca database: "
                                    "choose an empty database with --db")
            self.upgrade()
            return True
        known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
        if current in known:
            raise SchemaOutOfDateError(f"the database schema is at revision {current} but this rca needs "
                                       f"{head}: run `rca db upgrade` (back the database up first)")
        raise DatabaseError(f"the database is at revision {current}, which this rca does not know: "
                            "it was written by a newer rca; upgrade rca")

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, migrate: bool = True) -> Database:
    """A ready database: connected, schema created or checked."""
    database = Database(url)
    if migrate:
        try:
            database.ensure_ready()
        except OperationalError as exc:
            raise translate_operational_error(exc, database.display_url) from exc
    return database


def translate_operational_error(exc: SQLAlchemyError, where: str) -> DatabaseError:
    """One clear line for the database failures users actually hit."""
    message = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc).__name__
    lowered = message.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseError(f"{where} is read-only: check the file's permissions or choose another --db")
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
