"""What every command shares: the database to open and who is acting."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # SQLAlchemy loads with the first command that opens the database
    from rca.db import Database


@dataclass
class AppContext:
    db_flag: str | None = None
    actor_flag: str | None = None
    _database: Database | None = field(default=None, repr=False)

    def database(self, *, migrate: bool = True) -> Database:
        """Open (and on first use create) the database, once per command."""
        if self._database is None:
            from rca.config import resolve_database_url
            from rca.db import open_database

            setting = resolve_database_url(self.db_flag)
            self._database = open_database(setting.url, migrate=migrate)
        return self._database

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
