"""The CLI answers at once: heavy libraries load only with a command that needs them."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cli.main import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "alembic", "sklearn", "numpy", "scipy", "weasyprint", "torch", "onnxruntime", "matplotlib")


def _loaded_after(code: str) -> list[str]:
    """Heavy top-level modules in sys.modules after running ``code`` in a fresh interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
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
