"""What every command shares: the database to open and who is acting."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:  # SQLAlchemy loads with the first command that opens the database
    from rca.analytics import Reader
    from rca.db import Database

T = TypeVar("T")


@dataclass
class AppContext:
    db_flag: str | None = None
    actor_flag: str | None = None
    _database: Database | None = field(default=None, repr=False)

    def database(self, *, migrate: bool = True) -> Database:
        """Open (and on first use create) the database, once per command."""
        if self._database is None:
            from rca.db import open_database

            self._database = open_database(self.database_url(), migrate=migrate)
        return self._database

    def database_url(self) -> str:
        from rca.config import resolve_database_url

        return resolve_database_url(self.db_flag).url

    def read(self, query: Callable[[Reader], T]) -> T:
        """``query(db)`` for a command that only reads: on a SQLite file at this rca's schema, ``db`` is a
        read-only sqlite3 connection (rca.schema.read_only_sqlite), so SQLAlchemy never loads; on any
        other database, or when that connection fails, a session, which also words any error."""
        import sqlite3

        from rca.schema import read_only_sqlite

        connection = read_only_sqlite(self.database_url())
        if connection is not None:
            try:
                return query(connection)
            except sqlite3.Error:
                pass  # the session below meets the same failure and says it in rca's words
            finally:
                connection.close()
        with self.database().session() as session:
            return query(session)

    @property
    def actor(self) -> str:
        """Who a change is recorded against in the audit log."""
        if self.actor_flag:
            return self.actor_flag
        if os.environ.get("RCA_ACTOR"):
            return os.environ["RCA_ACTOR"]
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None


pass_app = click.make_pass_decorator(AppContext)
