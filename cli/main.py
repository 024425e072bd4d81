"""The `rca` command: a click group whose commands live in this package.

Commands are thin: parse options, open the database, call one library
function, print the result. Every expected failure is an rca.errors.RcaError
(the library turns database failures into one too: rca.db.Database), turned
here into one `Error: …` line and an exit code, never a traceback.

The group is lazy so that rca answers at once: `rca --help` imports no
command module (their one-line summaries are in COMMANDS), and a command's
module is imported only when that command runs or shows its help.
SQLAlchemy, NumPy, scikit-learn and the rest load with the command that
needs them (tests/test_cli_startup.py checks it).
"""

from __future__ import annotations

import importlib
import sys

import click

from rca import __version__
from rca.errors import RcaError, as_option

from .context import AppContext

# name -> (module that defines it in its COMMANDS list, the summary `rca --help` shows).
# tests/test_cli_startup.py checks these against the commands themselves.
COMMANDS: dict[str, tuple[str, str]] = {
    "db": ("cli.db_cmd", "Create, upgrade and inspect the database schema."),
    "import": ("cli.import_cmd", "Import complaint exports (CSV/TSV, Excel .xlsx, JSON, JSON Lines; .gz too)."),
    "rejects": ("cli.import_cmd", "Rows an import refused, with their reasons."),
    "cluster": ("cli.cluster_cmd", "Group new complaints into root causes (run it weekly)."),
    "runs": ("cli.cluster_cmd", "Past clustering runs."),
    "eval": ("cli.cluster_cmd", "Measure clustering quality on a labeled CSV (no database is touched)."),
    "causes": ("cli.causes_cmd", "List, inspect and curate root causes."),
    "complaints": ("cli.causes_cmd", "Look at individual complaints."),
    "trends": ("cli.causes_cmd", "Weekly complaints per root cause (plus unassigned and total)."),
    "report": ("cli.report_cmd", "Write the weekly report: what hurts customers most, what is new, what came back."),
    "scan": ("cli.scan_cmd", "Check our own pages for typos, facts that differ between pages, broken links and missing images."),
    "findings": ("cli.findings_cmd", "List, inspect and ignore what `rca scan` found on our pages."),
}


def _flag_speller(group: click.Group, ctx: click.Context):
    """How this run spells the settings library messages name (rca.errors.option): the flags of
    the command that ran (and of the group), found by name (``to_key`` is --to) or by the flag's
    own words (``map`` is --map); a setting no flag matches keeps the library's spelling."""
    flags: dict[str, str] = {}
    commands: list[click.Command] = [group]
    name = ctx.invoked_subcommand
    if name in group.commands:
        commands.append(group.commands[name])
    while commands:
        command = commands.pop()
        for param in command.params:
            if isinstance(param, click.Option):
                longest = max(param.opts, key=len)
                flags.setdefault(param.name, longest)
                for opt in param.opts:
                    flags.setdefault(opt.lstrip("-").replace("-", "_"), opt)
        if isinstance(command, click.Group) and command is not group:
            commands.extend(command.commands.values())
    return lambda setting: flags.get(setting) or as_option(setting)


class RcaGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str):
        if name not in self.commands and name in COMMANDS:
            module = importlib.import_module(COMMANDS[name][0])
            for command in module.COMMANDS:
                self.add_command(command)
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click lists commands, from COMMANDS' summaries: no command module is imported."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            command = self.commands.get(name) or click.Command(name, help=COMMANDS[name][1])
            rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RcaError as exc:
            click.echo(f"Error: {exc.render(_flag_speller(self, ctx))}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted: what was being written was rolled back; what earlier steps had saved "
                       "(files imported before, embeddings stored in batches) is kept.", err=True)
            ctx.exit(130)
        finally:
            app = ctx.find_object(AppContext)
            if app is not None:
                app.close()


@click.group(cls=RcaGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="rca")
@click.option("--db", "db_url", metavar="URL", envvar=None,
              help="Database URL or SQLite file path. Default: $RCA_DATABASE_URL, then rca.toml "
                   "([database] url), then a SQLite file in your user data folder.")
@click.option("--actor", metavar="NAME", help="Name recorded in the audit log (default: $RCA_ACTOR or your login).")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, actor: str | None) -> None:
    """rca finds the root causes behind customer complaints.

    \b
    A week with rca:
      rca import zendesk_export.csv        # import a help-desk export (CSV, Excel, JSON)
      rca cluster                          # group complaints into root causes
      rca causes list                      # see, name, assign and fix them
      rca report --out weekly.pdf          # the PDF for leaders

    Run `rca COMMAND --help` for the details of each command.
    """
    ctx.obj = AppContext(db_flag=db_url, actor_flag=actor)


def main() -> None:
    cli(prog_name="rca")


if __name__ == "__main__":
    sys.exit(main())
