"""Shared fixtures: a fresh, migrated database per test, on SQLite and PostgreSQL.

Migrating costs a few hundred milliseconds, so each backend is migrated once
per session into a template (a SQLite file that is copied; a PostgreSQL
template database that CREATE DATABASE … TEMPLATE clones).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from rca.db import Database

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = ROOT / "sample_data"
PG_URL = os.environ.get("RCA_TEST_DATABASE_URL")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("RCA_REQUIRE_POSTGRES") and not PG_URL:
        raise pytest.UsageError("RCA_REQUIRE_POSTGRES is set but RCA_TEST_DATABASE_URL is not")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test may touch the user's real database or config."""
    monkeypatch.delenv("RCA_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("RCA_ACTOR", "tester")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    with database.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


def _pg_admin_engine():
    return create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template() -> str | None:
    if not PG_URL:
        return None
    name = f"rca_template_{uuid.uuid4().hex[:8]}"
    admin = _pg_admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    database = Database(url)
    database.upgrade()
    database.dispose()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def new_sqlite_url(template: Path, folder: Path) -> str:
    path = folder / "rca.sqlite"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def new_pg_database(template: str) -> str:
    name = f"rca_test_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    name = make_url(url).database
    admin = _pg_admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path, sqlite_template) -> str:
    """A URL of a fresh, migrated, empty database, once per backend."""
    if request.param == "sqlite":
        yield new_sqlite_url(sqlite_template, tmp_path)
        return
    if not PG_URL:
        pytest.skip("no PostgreSQL server: set RCA_TEST_DATABASE_URL (make test starts one)")
    url = new_pg_database(request.getfixturevalue("pg_template"))
    yield url
    drop_pg_database(url)


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template) -> str:
    """A fresh SQLite database only, for tests about SQLite itself or the CLI's files."""
    return new_sqlite_url(sqlite_template, tmp_path)


@pytest.fixture
def database(db_url) -> Database:
    database = Database(db_url)
    yield database
    database.dispose()
