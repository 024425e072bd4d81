"""rca db: create, upgrade and inspect the database schema."""

from __future__ import annotations

import click

from rca.config import resolve_database_url

from .context import AppContext, pass_app
from .output import echo


@click.group("db")
def db_group() -> None:
    """Create, upgrade and inspect the database schema.

    \b
    Example:
      rca db current
      rca --db postgresql://rca@dbhost/rca db upgrade
    """


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
@pass_app
def db_upgrade(app: AppContext, revision: str) -> None:
    """Bring the database schema up to date (creates it if empty).

    Back the database up first when it holds data you care about.

    \b
    Example:
      rca db upgrade
    """
    database = app.database(migrate=False)
    before, after = database.upgrade(revision)
    if before == after:
        echo(f"{database.display_url}: already at revision {after}, nothing to do.")
    else:
        echo(f"{database.display_url}: upgraded from {before or 'empty'} to {after}.")


@db_group.command("downgrade")
@click.argument("revision")
@pass_app
def db_downgrade(app: AppContext, revision: str) -> None:
    """Take the schema back to REVISION (for rolling back an rca upgrade).

    \b
    Example:
      rca db downgrade 0001
    """
    database = app.database(migrate=False)
    before, after = database.downgrade(revision)
    echo(f"{database.display_url}: downgraded from {before} to {after or 'empty'}.")


@db_group.command("current")
@pass_app
def db_current(app: AppContext) -> None:
    """Show which database is used, where that choice came from, and its schema revision.

    \b
    Example:
      rca db current
    """
    from rca.db import head_revision

    setting = resolve_database_url(app.db_flag)
    database = app.database(migrate=False)
    current = database.current_revision()
    state = database.schema_state()
    if state == "behind":
        state = f"behind: run `rca db upgrade` ({head_revision()})"
    elif state == "ahead":
        state = f"newer than this rca ({head_revision()}): upgrade rca"
    echo(f"database: {database.display_url} (from {setting.origin})")
    echo(f"revision: {current or '-'} ({state})")


COMMANDS = [db_group]
