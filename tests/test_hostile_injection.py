"""Hostile text in stored complaints and causes: never a formula in a spreadsheet,
never an escape sequence on a terminal (the probe of issue 18, injection part)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from cli.main import cli
from cli.output import terminal_text
from rca.db import Database
from rca.export import neutralize_formula, write_csv

from .factories import Factory, utc

# What a terminal would act on: window title (OSC 0), an OSC-8 hyperlink, cursor
# movement and erase (CSI), the 8-bit CSI, a bell, and a right-to-left override.
HOSTILE = ("\x1b]0;owned\x07", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "\x1b[2J\x1b[H",
           "\x1b[1A\x1b[2K", "\x9b31m", "\x07", "\u202eevil\u202c", "\u2066isolate\u2069")
FORMULAS = ("=1+1", "+SUM(A1:A9)", "-2+3", "@SUM(A1)", "=HYPERLINK(\"https://evil.example\")")


def no_raw_controls(text: str) -> None:
    for ch in "\x1b\x07\x9b\u202e\u202c\u2066\u2069":
        assert ch not in text, f"{ch!r} reached the terminal"


@pytest.fixture
def hostile_db(db_url):
    database = Database(db_url)
    with database.write_session() as session:
        make = Factory(session)
        cause = make.cause("RC-0001", "Checkout \x1b]0;owned\x07 typo \u202eevil", first_seen=utc("2026-11-02"))
        cause.keywords = ["\x1b[2Jerase", "typo"]
        for i, payload in enumerate(HOSTILE):
            make.complaint(f"2026-11-1{i % 7}", cause, f"c{i}", subject=f"subject {payload}",
                           body=f"body {payload} end")
        for i, formula in enumerate(FORMULAS):
            make.complaint("2026-11-12", cause, f"f{i}", subject=f"ok\r{formula}", body=f"line\n{formula}")
        make.complaint("2026-11-12", cause, "semi", subject="price; shipping; tax", body="a;b")
    database.dispose()
    yield db_url


def run(url: str, *args: str):
    return CliRunner().invoke(cli, ["--db", url, *args])


@pytest.mark.parametrize("args", [("complaints", "list"), ("complaints", "list", "--format", "json"),
                                  ("causes", "list"), ("causes", "show", "RC-0001"), ("trends",),
                                  ("causes", "history", "RC-0001")])
def test_escape_sequences_in_stored_text_never_reach_the_terminal(hostile_db, args):
    result = run(hostile_db, *args)
    assert result.exit_code == 0, result.output
    no_raw_controls(result.output)
    if args[:2] == ("complaints", "list") or args[:2] == ("causes", "show"):
        assert "\\x1b" in result.output or "\\u001b" in result.output  # shown, not dropped


def test_rename_echo_shows_escapes(hostile_db):
    result = run(hostile_db, "causes", "rename", "RC-0001", "New \x1b[31mred\x1b[0m \u202eeman")
    assert result.exit_code == 0, result.output
    no_raw_controls(result.output)
    assert "\\x1b[31mred" in result.output and "\\u202e" in result.output


def test_terminal_text_escapes_every_control_and_keeps_ordinary_text():
    assert terminal_text("Crème brûlée — 5 € 👍") == "Crème brûlée — 5 € 👍"
    assert terminal_text("a\u00a0b") == "a b"  # a no-break space is just a space
    shown = terminal_text("".join(HOSTILE))
    no_raw_controls(shown)
    assert "\\x1b]0;owned\\x07" in shown and "\\u202e" in shown and "\\x9b" in shown


def csv_cells(output: str) -> list[list[str]]:
    # newline="" is how a program reads CSV; splitting on every line break is how
    # a careless one (or a spreadsheet fed a bare CR) does: both must be safe.
    careful = list(csv.reader(io.StringIO(output, newline="")))
    careless = [cell for line in output.replace("\r\n", "\n").replace("\r", "\n").split("\n")
                for cell in line.split(",")]
    return careful, careless


def assert_inert(cells) -> None:
    for cell in cells:
        text = cell.strip('"')
        assert not text.startswith(("=", "+", "-", "@")), f"formula cell {cell!r}"


def test_complaints_csv_neutralises_formulas_after_any_line_break(hostile_db):
    result = run(hostile_db, "complaints", "list", "--format", "csv", "--limit", "100")
    assert result.exit_code == 0, result.output
    careful, careless = csv_cells(result.output)
    assert_inert(cell for row in careful for cell in row)
    assert_inert(careless)
    subjects = {row[5] for row in careful[1:]}
    assert "ok\r'=1+1" in subjects and "price; shipping; tax" in subjects
    # A ; (the delimiter of European spreadsheets) is inside quotes, never a cell break.
    assert '"price; shipping; tax"' in result.output


def test_rejects_export_neutralises_formulas_after_a_bare_cr(db_url, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b'id,date,subject,body\n1,not a date,"ok\r=1+1","x\r@SUM(A1)"\n2,2026-11-02,fine,fine\n')
    assert run(db_url, "import", str(path)).exit_code == 0
    result = run(db_url, "rejects", "export")
    assert result.exit_code == 0, result.output
    careful, careless = csv_cells(result.stdout)
    assert_inert(cell for row in careful for cell in row)
    assert_inert(careless)
    assert any("ok\r'=1+1" in row for row in careful)


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("ok\r=1+1", "ok\r'=1+1"), ("ok\n+1", "ok\n'+1"), ("ok\r\n-1", "ok\r\n'-1"),
    ("a\n\t=1", "a\n'\t=1"), ("plain\ntext", "plain\ntext"), ("\r=1", "'\r'=1"), (5, 5)])
def test_neutralize_formula_after_each_line_break(value, expected):
    assert neutralize_formula(value) == expected


def test_csv_and_json_writers_escape_terminal_controls():
    out = io.StringIO()
    write_csv([{"a": "x\x1b]0;t\x07y\u202e"}], ["a"], out)
    no_raw_controls(out.getvalue())
    assert "\\x1b]0;t\\x07y\\u202e" in out.getvalue()
    from rca.export import write_json
    out = io.StringIO()
    write_json([{"a": "\x9b2J \u202e"}], ["a"], out)
    no_raw_controls(out.getvalue())
    assert json.loads(out.getvalue()) == [{"a": "\x9b2J \u202e"}]  # still the same data for programs
