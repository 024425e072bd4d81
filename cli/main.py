"""The `rca` command: a click group whose commands live in this package.

Commands are thin: parse options, open the database, call one library
function, print the result. Every expected failure is an rca.errors.RcaError,
turned here into one `Error: …` line and an exit code, never a traceback.
"""

from __future__ import annotations

import sqlite3
import sys

import click
from sqlalchemy.exc import DBAPIError, ProgrammingError

from rca import __version__
from rca.db import translate_operational_error
from rca.errors import RcaError

from .context import AppContext


class RcaGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RcaError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except ProgrammingError:
            raise  # a bug in rca, not the user's input: keep the traceback for the report
        except (DBAPIError, sqlite3.Error) as exc:
            app = ctx.find_object(AppContext)
            where = app.database(migrate=False).display_url if app and app._database else "the database"
            click.echo(f"Error: {translate_operational_error(exc, where)}", err=True)
            ctx.exit(1)
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


def _register() -> None:
    # Imported here so `rca --help` stays quick and each module stays small.
    from . import causes_cmd, cluster_cmd, db_cmd, import_cmd, report_cmd

    for module in (db_cmd, import_cmd, cluster_cmd, causes_cmd, report_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)
    from . import findings_cmd, scan_cmd  # noqa: E402  (rca scan, rca findings: issue 16)
    for module in (scan_cmd, findings_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="rca")


if __name__ == "__main__":
    sys.exit(main())
