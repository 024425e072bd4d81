"""rca report: the PDF (or HTML) for leaders."""

from __future__ import annotations

from pathlib import Path

import click

from rca.export import check_output_path
from reports.kinds import KINDS

from . import options as checked
from .context import AppContext, pass_app
from .output import echo, info


@click.command("report")
@click.option("--kind", type=click.Choice(KINDS), default=KINDS[0], show_default=True,
              help="executive: 1-3 pages for leaders; team: every cause in detail for team leads.")
@click.option("--period", metavar="2026-W47", callback=checked.period_callback,
              help="ISO week to report (default: the last complete week in the data; a partial one is labelled "
                   "partial and compared with the same span of the week before).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              callback=checked.date_range_callback,
              help="First day of a date range (with --to) instead of a week.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE",
              callback=checked.date_range_callback, help="Last day of the range.")
@click.option("--weeks", type=int, default=12, show_default=True, help="Weeks in the trend charts (2-52).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="FILE.pdf, or FILE.html for the HTML (default: rca-<kind>-<period>.pdf here).")
@click.option("--overwrite", is_flag=True, help="Replace FILE even if rca did not write it (never the database).")
@pass_app
def report(app: AppContext, kind, period, date_from, date_to, weeks, out, overwrite) -> None:
    """Write the weekly report: what hurts customers most, what is new, what came back.

    Prints the path of the file written.

    \b
    Examples:
      rca report                                  # executive PDF for the last complete week
      rca report --period 2026-W47 --out weekly.pdf
      rca report --kind team --from 2026-11-01 --to 2026-11-14
      rca report --out preview.html               # HTML instead of PDF
    """
    from reports import write_report

    database = app.database()
    if out is not None:
        check_output_path(out, database_path=database.sqlite_path, overwrite=overwrite)
    path = write_report(database, kind, period=period, date_from=date_from and date_from.date(),
                        date_to=date_to and date_to.date(), weeks=weeks, out=out, folder=Path.cwd(), say=info)
    echo(str(path))


COMMANDS = [report]
