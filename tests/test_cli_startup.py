"""The CLI answers at once: heavy libraries load only with a command that needs them."""

from __future__ import annotations

import importlib
import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import COMMANDS, cli
from rca.causes import curation, listing
from rca.causes.listing import SORTS, STATUS_FILTERS
from rca.db import Database
from rca.schema import read_only_sqlite

from .factories import Factory, utc

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "alembic", "sklearn", "numpy", "scipy", "weasyprint", "torch", "onnxruntime", "matplotlib")


def _loaded_after(code: str, cwd: Path = ROOT) -> list[str]:
    """Heavy top-level modules in sys.modules after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)})
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    return sorted(loaded & set(HEAVY))


def test_importing_the_cli_loads_no_heavy_library():
    assert _loaded_after("import cli.main") == []


def test_rca_help_loads_no_heavy_library_and_lists_every_command():
    code = ("import sys\nfrom cli.main import cli\n"
            "try:\n    cli(['--help'], prog_name='rca')\nexcept SystemExit:\n    pass")
    assert _loaded_after(code) == []
    listed = CliRunner().invoke(cli, ["--help"]).output
    for name in COMMANDS:
        assert f"  {name} " in listed


def test_the_summaries_rca_help_shows_are_the_commands_own():
    seen = {}
    for module_name in sorted({module for module, _ in COMMANDS.values()}):
        for command in importlib.import_module(module_name).COMMANDS:
            seen[command.name] = (module_name, command.get_short_help_str(limit=1000))
    # A command added to a module but not to cli.main.COMMANDS would be missing from `rca`.
    assert seen == COMMANDS


def test_a_command_still_runs_and_its_errors_are_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.sqlite"), "causes", "show", "RC-9999"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines()[-1].startswith("Error: ")
    assert "Traceback" not in result.output


# -- rca causes list reads a SQLite file without SQLAlchemy ------------------------------------------------


@pytest.fixture
def causes_file(sqlite_url):
    """A SQLite database with causes in every state the list shows: fixed and back, fixed and quiet,
    owned, merged, emerging, and an unassigned complaint."""
    database = Database(sqlite_url)
    monday = utc("2026-09-21")
    with database.write_session() as session:
        make = Factory(session)
        for n in range(1, 7):
            cause = make.cause(f"RC-000{n}", f"cause {n}", first_seen=monday, last_seen=utc(f"2026-11-{10 + n}"))
            for week in range(6 if n == 5 else 9):  # nine weeks to 2026-W47; RC-0006 grows fourfold in the last
                for i in range(4 * n if n == 6 and week == 8 else n):
                    make.complaint(f"{monday + timedelta(weeks=week, days=i % 7, hours=n):%Y-%m-%d %H:%M}", cause,
                                   f"c{n}-{i % 3}")
        make.complaint("2026-11-22 23:00")  # unassigned, the newest
        curation.set_status(session, "RC-0001", "fixed", "ann", on=utc("2026-10-01"))  # complaints since
        curation.set_status(session, "RC-0005", "fixed", "ann", on=utc("2026-11-02"))  # none since: 20 days quiet
        curation.assign(session, "RC-0002", "Dana", "ann")
        curation.merge(session, "RC-0003", "RC-0004", "ann")
    database.dispose()
    return sqlite_url


def test_causes_list_on_a_sqlite_file_loads_no_heavy_library(causes_file, tmp_path):
    code = ("from cli.main import cli\n"
            f"try:\n    cli(['--db', {causes_file!r}, 'causes', 'list', '--format', 'json'], prog_name='rca')\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code")
    assert _loaded_after(code, cwd=tmp_path) == []
    # and without --db, from rca.toml (the config lookup needs no SQLAlchemy either)
    (tmp_path / "rca.toml").write_text(f'[database]\nurl = "{causes_file}"\n')
    assert _loaded_after(code.replace(f"'--db', {causes_file!r}, ", ""), cwd=tmp_path) == []


def _both_ways(url, query):
    """``query`` on the read-only sqlite3 connection rca causes list uses, and on a session."""
    connection = read_only_sqlite(url)
    assert connection is not None
    try:
        fast = query(connection)
    finally:
        connection.close()
    database = Database(url)
    with database.session() as session:
        ordinary = query(session)
    database.dispose()
    return fast, ordinary


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("status", [None, *STATUS_FILTERS])
def test_the_sqlite_read_path_lists_what_a_session_lists(causes_file, status, sort):
    fast, ordinary = _both_ways(causes_file, lambda db: listing.list_causes(db, status=status, sort=sort))
    assert fast == ordinary


def test_the_sqlite_read_path_has_every_kind_of_row(causes_file):
    rows, candidates = _both_ways(causes_file,
                                  lambda db: (listing.list_causes(db), listing.verification_candidates(db)))[0]
    by_key = {row["key"]: row for row in rows}
    assert "RC-0004" not in by_key  # merged
    assert by_key["RC-0001"]["status"] == "fixed" and by_key["RC-0001"]["fixed_at"] == utc("2026-10-01")
    assert by_key["RC-0001"]["known_before_fix"] == 2 and by_key["RC-0002"]["owner"] == "Dana"
    assert by_key["RC-0006"]["emerging"] and not by_key["RC-0002"]["emerging"]
    # Counted by hand: n complaints a week from three customers at most (RC-0003 has RC-0004's), RC-0006 4n in 2026-W47.
    assert [(row["key"], row["this_period"], row["previous"], row["total"], row["customers"]) for row in rows] == [
        ("RC-0006", 24, 6, 72, 3), ("RC-0003", 7, 7, 63, 6), ("RC-0002", 2, 2, 18, 2), ("RC-0001", 1, 1, 9, 1),
        ("RC-0005", 0, 0, 30, 0)]
    assert candidates == [("RC-0005", 20)]
    fast, ordinary = _both_ways(causes_file, lambda db: (listing.verification_candidates(db, quiet_days=21),
                                                         listing.list_causes(db, owner="dana")))
    assert fast == ordinary and fast[0] == [] and [row["key"] for row in fast[1]] == ["RC-0002"]


def test_the_cli_lists_the_same_through_either_path(causes_file, monkeypatch):
    def listed():
        outputs = []
        for options in ([], ["--format", "json"], ["--format", "csv", "--sort", "recent"], ["--status", "fixed"]):
            result = CliRunner().invoke(cli, ["--db", causes_file, "causes", "list", *options])
            assert result.exit_code == 0, result.output
            outputs.append((result.stdout, result.stderr))
        return outputs

    fast = listed()
    monkeypatch.setattr("rca.schema.read_only_sqlite", lambda url: None)  # every command through a session
    assert listed() == fast
    assert "RC-0005 was fixed 20 days ago" in fast[0][1]


def test_the_sqlite_read_path_leaves_other_databases_to_the_ordinary_one(sqlite_url, tmp_path):
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    assert read_only_sqlite(sqlite_url) is not None
    for url in ("postgresql+psycopg://u@host/db", "sqlite://", "sqlite:///:memory:", f"sqlite:///{path}?mode=ro",
                f"sqlite:///file:{path}?uri=true", f"sqlite:///{tmp_path / 'missing.sqlite'}"):
        assert read_only_sqlite(url) is None, url
    assert not (tmp_path / "missing.sqlite").exists()  # looking never creates a file
    (tmp_path / "junk.sqlite").write_bytes(b"not a database" * 100)
    assert read_only_sqlite(f"sqlite:///{tmp_path / 'junk.sqlite'}") is None
    shutil.copyfile(path, tmp_path / "older.sqlite")
    with sqlite3.connect(tmp_path / "older.sqlite") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0004'")
    connection.close()
    assert read_only_sqlite(f"sqlite:///{tmp_path / 'older.sqlite'}") is None  # `rca db upgrade` is named there
    listed = CliRunner().invoke(cli, ["--db", str(tmp_path / "older.sqlite"), "causes", "list"])
    assert listed.exit_code == 1 and "rca db upgrade" in listed.output
