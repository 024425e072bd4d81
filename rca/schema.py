"""The schema's revisions, and a read-only look at an rca SQLite file, with the standard library only.

rca.db creates and migrates the schema with SQLAlchemy and Alembic; this module
needs neither. The migration scripts' revisions are read with a pattern (a
command that only checks the schema needs no Alembic, whose import costs more
than the command itself), and :func:`read_only_sqlite` opens a SQLite file at
this rca's schema with the sqlite3 module: `rca causes list` reads it through
rca.analytics' plain SQL without importing SQLAlchemy (issue #15).
"""

from __future__ import annotations

import ast
import importlib.resources
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote, unquote

from .errors import DatabaseError

SQLITE_BUSY_TIMEOUT_MS = 60_000


def migrations_path() -> Path:
    """The Alembic script folder, wherever rca is installed (editable or not)."""
    return Path(str(importlib.resources.files("migrations")))


# Each migration script says ``revision = '0007'`` and ``down_revision = '0004'``
# (Alembic's own format). tests/test_structure.py checks the result against
# Alembic's ScriptDirectory.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.M)


def migration_graph() -> dict[str, tuple[str, ...]]:
    """Every revision of migrations/versions and the revisions it follows."""
    graph: dict[str, tuple[str, ...]] = {}
    for path in sorted((migrations_path() / "versions").glob("*.py")):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        down = ast.literal_eval(found.get("down_revision", "None"))
        graph[ast.literal_eval(found["revision"])] = () if down is None else (down,) if isinstance(down, str) \
            else tuple(down)
    return graph


def head_revision() -> str:
    graph = migration_graph()
    heads = set(graph) - {down for downs in graph.values() for down in downs}
    if len(heads) != 1:
        raise DatabaseError(f"the migrations have {len(heads)} heads ({', '.join(sorted(heads))}): "
                            "a broken rca install; reinstall rca")
    return heads.pop()


def known_revisions() -> set[str]:
    return set(migration_graph())


def sqlite_file(url: str) -> Path | None:
    """The file a plain SQLite URL names (``sqlite:///path``, read as SQLAlchemy reads it);
    None for other databases, in-memory ones and URLs with options (``?mode=ro``, ``file:``)."""
    scheme, slashes, name = url.partition(":///")
    if scheme not in ("sqlite", "sqlite+pysqlite") or not slashes or not name or "?" in name \
            or name.startswith(("file:", ":memory:")):
        return None
    return Path(unquote(name)).expanduser()


def read_only_sqlite(url: str) -> sqlite3.Connection | None:
    """A connection to the rca SQLite file ``url`` names, inside one read transaction (a consistent
    snapshot), for a command that only reads; close it when done.

    None when the ordinary way (rca.db.open_database) must answer instead: another
    kind of database or URL, a file that does not exist yet (it creates the schema),
    one that is not an rca database or not at this rca's schema revision (it says
    what to do), or any error opening it (it words the error).
    """
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        # mode=rw: never create a file; isolation_level=None: the BEGIN below is ours.
        connection = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, isolation_level=None,
                                     timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return None
    try:
        connection.execute("BEGIN")
        if connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]:
            return connection
    except (sqlite3.Error, DatabaseError):
        pass
    connection.close()
    return None
