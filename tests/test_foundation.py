"""Configuration precedence, schema creation and checks, and the CLI's shape."""

from __future__ import annotations

import os

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cli.main import cli
from rca import __version__
from rca.config import ENV_DATABASE_URL, default_database_path, resolve_database_url
from rca.db import Database, head_revision, open_database
from rca.errors import DatabaseError, SchemaOutOfDateError


def test_database_url_precedence_flag_env_file_default(tmp_path, monkeypatch):
    (tmp_path / "rca.toml").write_text('[database]\nurl = "sqlite:///from-file.sqlite"\n')
    env = {ENV_DATABASE_URL: "sqlite:///from-env.sqlite"}
    assert resolve_database_url("sqlite:///flag.sqlite", env, tmp_path).url == "sqlite:///flag.sqlite"
    assert resolve_database_url(None, env, tmp_path).url == "sqlite:///from-env.sqlite"
    from_file = resolve_database_url(None, {}, tmp_path)
    assert from_file.url == "sqlite:///from-file.sqlite" and from_file.origin.endswith("rca.toml")
    (tmp_path / "rca.toml").unlink()
    default = resolve_database_url(None, {}, tmp_path)
    assert default.origin == "default"
    assert default.url == f"sqlite:///{default_database_path()}"
    assert str(tmp_path / "xdg-data") in default.url  # the user data folder, isolated by conftest


def test_user_config_folder_is_read(tmp_path):
    folder = tmp_path / "xdg-config" / "rca"
    folder.mkdir(parents=True)
    (folder / "rca.toml").write_text('[database]\nurl = "postgres://u@h/db"\n')
    setting = resolve_database_url(None, {}, tmp_path / "elsewhere")
    assert setting.url == "postgresql+psycopg://u@h/db"


def test_bare_path_becomes_sqlite_url(tmp_path):
    assert resolve_database_url(str(tmp_path / "x.sqlite"), {}).url == f"sqlite:///{tmp_path / 'x.sqlite'}"


def test_broken_config_file_is_one_clear_error(tmp_path):
    (tmp_path / "rca.toml").write_text("[database\nurl=")
    with pytest.raises(Exception) as caught:
        resolve_database_url(None, {}, tmp_path)
    assert "not valid TOML" in str(caught.value)


def test_new_database_is_created_and_migrated(tmp_path):
    database = open_database(f"sqlite:///{tmp_path / 'new.sqlite'}")
    assert database.current_revision() == head_revision()
    assert {"complaints", "root_causes", "rejects", "cause_events", "cluster_runs", "rules"} <= set(database.table_names())
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    database.dispose()


def test_schema_behind_names_the_upgrade_command(db_url):
    database = Database(db_url)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0000_older'"))
    # An unknown revision means a newer rca wrote it.
    with pytest.raises(DatabaseError, match="newer rca"):
        database.ensure_ready()
    database.dispose()


def test_schema_behind_known_revision(tmp_path, monkeypatch):
    database = Database(f"sqlite:///{tmp_path / 'old.sqlite'}")
    database.upgrade()
    monkeypatch.setattr("rca.db.head_revision", lambda: "9999_future")
    with pytest.raises(SchemaOutOfDateError, match="rca db upgrade"):
        database.ensure_ready()
    database.dispose()


def test_foreign_database_is_refused(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'other.sqlite'}")
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE accounts (id INTEGER)"))
    with pytest.raises(DatabaseError, match="not an rca database"):
        database.ensure_ready()
    database.dispose()


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="does not exist"):
        Database(f"sqlite:///{tmp_path / 'no' / 'such' / 'x.sqlite'}")


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def _all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, prefix + (name,))


@pytest.mark.parametrize("path", [p for p, _ in _all_commands(cli)], ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"rca {' '.join(path)} --help has no example"
    assert len(result.output.splitlines()) > 4


def test_db_commands(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", url, "db", "upgrade"])
    assert first.exit_code == 0 and f"from empty to {head_revision()}" in first.output
    again = runner.invoke(cli, ["--db", url, "db", "upgrade"])
    assert "nothing to do" in again.output
    current = runner.invoke(cli, ["--db", url, "db", "current"])
    assert "up to date" in current.output and "(from --db)" in current.output


def test_env_database_url_is_used_by_the_cli(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'env.sqlite'}"
    monkeypatch.setenv("RCA_DATABASE_URL", url)
    result = CliRunner().invoke(cli, ["db", "current"])
    assert "RCA_DATABASE_URL" in result.output and "env.sqlite" in result.output
    assert os.path.exists(tmp_path / "env.sqlite")


def test_unreachable_postgres_is_one_line_error():
    result = CliRunner().invoke(cli, ["--db", "postgresql://nobody@127.0.0.1:1/none", "db", "current"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot connect to postgresql")
    assert "Traceback" not in result.output


def test_models_and_migrations_do_not_drift(database):
    """The schema the migrations build is exactly the one the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from rca.models import Base

    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_empty_and_up_again(database):
    database.downgrade("base")
    assert database.current_revision() is None
    assert set(database.table_names()) <= {"alembic_version"}
    database.upgrade()
    assert database.current_revision() == head_revision()


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    from rca.db import alembic_config
    return [r.revision for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))]


@pytest.mark.parametrize("start", _revisions()[:-1])
def test_upgrade_from_every_earlier_revision_keeps_data(database, start):
    """A database left at an older revision, with data in it, upgrades to head intact."""
    database.downgrade(start)
    assert database.current_revision() == start
    with database.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO import_batches (id, source, file_name, file_sha256, file_format, profile, started_at, "
            "rows_read, rows_new, rows_updated, rows_duplicate, rows_rejected) "
            "VALUES (1, 'desk', 'a.csv', 'abc', 'csv', 'generic', '2026-11-02 10:00:00', 1, 1, 0, 0, 0)"))
        connection.execute(text(
            "INSERT INTO root_causes (id, key, title, keywords, representative_ids, status, created_at, updated_at) "
            "VALUES (1, 'RC-0001', 'Checkout typo', '[\"procced\"]', '[]', 'fixing', '2026-11-02 10:00:00', "
            "'2026-11-02 10:00:00')"))
        connection.execute(text(
            "INSERT INTO complaints (id, source, external_id, received_at, subject, body, defect_type, tags, extra, "
            "customer_key, content_hash, fields_hash, batch_id, imported_at, cause_id, assigned_by) "
            "VALUES (1, 'desk', 'T-1', '2026-11-02 09:00:00', 'Typo', 'Procced to payment', 'typo', '[]', '{}', "
            "'k1', 'h', 'f', 1, '2026-11-02 10:00:00', 1, 'model')"))
    with pytest.raises(SchemaOutOfDateError):
        database.ensure_ready()
    database.upgrade()
    assert database.current_revision() == head_revision()
    from rca.models import Complaint, RootCause
    with database.session() as session:
        complaint = session.get(Complaint, 1)
        cause = session.get(RootCause, 1)
    assert (complaint.external_id, complaint.body, complaint.cause_id) == ("T-1", "Procced to payment", 1)
    assert complaint.received_at.isoformat() == "2026-11-02T09:00:00+00:00"
    assert (cause.key, cause.status, cause.keywords) == ("RC-0001", "fixing", ["procced"])
