"""Hostile command lines and databases: one line saying what to do, never a traceback,
never a silent loss (the probe of issue 18, CLI input and integrity parts)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from click.testing import CliRunner

from cli.main import cli
from rca.db import Database

from .conftest import SAMPLE_DATA
from .factories import Factory, utc


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_line_error(result, *words: str) -> str:
    """The command failed with rca's (or click's) message, not an exception."""
    assert result.exit_code in (1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def causes_db(db_url):
    database = Database(db_url)
    with database.write_session() as session:
        make = Factory(session)
        cause = make.cause("RC-0001", "checkout typo", status="fixing", first_seen=utc("2026-11-02"))
        for i in range(3):
            make.complaint(f"2026-11-1{i}", cause, f"c{i}")
    database.dispose()
    return db_url


@pytest.mark.parametrize("args, words", [
    (("report", "--period", "0001-W01"), ["--period"]),
    (("causes", "list", "--period", "0001-W01"), ["--period"]),
    (("causes", "list", "--period", "2026-W99"), ["--period"]),
    (("trends", "--weeks", "0"), ["--weeks"]),
    (("trends", "--weeks", "-1"), ["--weeks"]),
    (("trends", "--weeks", "1000000"), ["--weeks"]),
    (("causes", "show", "RC-0001", "--weeks", "1000000"), ["--weeks"]),
    (("cluster", "--window", "99999999999w"), ["--window"]),
    (("cluster", "--seed", "-1"), ["--seed"]),
    (("cluster", "--since", "0001-01-01"), ["between"]),
    (("complaints", "list", "--limit", "-1"), ["--limit"]),
    (("complaints", "list", "--limit", "0"), ["--limit"]),
    (("complaints", "list", "--limit", "99999999999999999999"), ["--limit"]),
    (("rejects", "list", "--batch", "99999999999999999999"), ["--batch"]),
    (("rejects", "list", "--limit", "-1"), ["--limit"]),
    (("runs", "list", "--limit", "-1"), ["--limit"]),
    (("causes", "move", "99999999999999999999", "--to", "RC-0001"), ["99999999999999999999"]),
    (("report", "--from", "0001-01-01", "--to", "0001-01-07"), ["--from"]),
    (("causes", "status", "RC-0001", "fixed", "--on", "2099-01-01"), ["future"]),
    (("causes", "status", "RC-0001", "fixed", "--on", "99999-01-01"), ["not a date"]),
])
def test_extreme_numbers_and_dates_are_refused_in_one_line(causes_db, args, words):
    one_line_error(run("--db", causes_db, *args), *words)


def test_future_fix_date_changes_nothing(causes_db):
    run("--db", causes_db, "causes", "status", "RC-0001", "fixed", "--on", "2099-01-01")
    shown = run("--db", causes_db, "causes", "show", "RC-0001")
    assert "status fixing" in shown.output and "fixed on" not in shown.output


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", ":memory:", "sqlite:///:memory:",
                                 "sqlite:///file::memory:?uri=true"])
def test_a_database_that_cannot_persist_is_refused(url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("--db", url, "import", str(SAMPLE_DATA / "jira_export.csv"))
    one_line_error(result, "in-memory", "keeps nothing")
    assert "new" not in result.output  # nothing claimed as imported
    assert list(tmp_path.iterdir()) == []  # and no file named ':memory:' either


@pytest.mark.parametrize("url", ["postgresql://[::1", "postgresql://u@[::1/x", "postgresql://u@host:abc/db"])
def test_bad_urls_are_one_line(url):
    one_line_error(run("--db", url, "db", "current"), "not a database URL")


@pytest.mark.parametrize("content", [b"this is not sqlite at all" * 200, None])
def test_a_file_that_is_not_sqlite_or_a_truncated_database_is_one_line(sqlite_url, tmp_path, content):
    path = tmp_path / "broken.sqlite"
    if content is None:
        database = Database(sqlite_url)
        with database.write_session() as session:
            Factory(session).complaint("2026-11-02")
        database.dispose()
        whole = (tmp_path / "rca.sqlite").read_bytes()
        path.write_bytes(whole[: len(whole) // 3])  # truncated
    else:
        path.write_bytes(content)
    for args in (("db", "current"), ("causes", "list"), ("db", "upgrade"), ("complaints", "list")):
        one_line_error(run("--db", str(path), *args), "not an rca database")


def test_a_schema_from_a_newer_release_is_named_as_such(sqlite_url):
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    current = run("--db", sqlite_url, "db", "current")
    assert current.exit_code == 0, current.output
    assert "behind" not in current.output and "newer" in current.output
    one_line_error(run("--db", sqlite_url, "causes", "list"), "newer rca")
    one_line_error(run("--db", sqlite_url, "db", "upgrade"), "newer rca")


def test_report_out_never_overwrites_the_database(sqlite_url, tmp_path):
    database_path = tmp_path / "rca.sqlite"
    before = database_path.read_bytes()
    for out in (database_path, tmp_path / "rca.sqlite-wal"):
        one_line_error(run("--db", sqlite_url, "report", "--out", str(out), "--overwrite"), "is the database")
    assert database_path.read_bytes() == before
    shutil.copyfile(database_path, tmp_path / "db.pdf")  # a database whose name looks like a report
    one_line_error(run("--db", str(tmp_path / "db.pdf"), "report", "--out", str(tmp_path / "db.pdf")),
                   "is the database")


def test_report_out_never_overwrites_a_file_rca_did_not_write(causes_db, tmp_path):
    from rca.export import written_by_rca

    mine = tmp_path / "notes.html"
    mine.write_text("my own notes")
    one_line_error(run("--db", causes_db, "report", "--out", str(mine)), "--overwrite")
    assert mine.read_text() == "my own notes"
    pdf = tmp_path / "weekly.pdf"
    assert run("--db", causes_db, "report", "--out", str(pdf)).exit_code == 0
    assert written_by_rca(pdf)  # so next week's run may replace it without --overwrite
    result = run("--db", causes_db, "report", "--out", str(mine), "--overwrite")
    assert result.exit_code == 0, result.output
    assert "my own notes" not in mine.read_text() and written_by_rca(mine)
    result = run("--db", causes_db, "report", "--out", str(mine))  # rca's own file now: replaced
    assert result.exit_code == 0, result.output
