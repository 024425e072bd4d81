"""rca import and rca rejects: getting complaint exports in, and seeing what was refused."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rca.errors import InputFileError, ProfileError, UsageError
from rca.ingest.profiles import FIELDS, PROFILES
from rca.export import write_csv

if TYPE_CHECKING:
    from rca.ingest.pipeline import ImportSummary

from .context import AppContext, pass_app
from .output import emit, format_option, info


def parse_mappings(values: tuple[str, ...]) -> dict[str, str]:
    """--map "Column name=field" pairs into {field: column}."""
    mapping: dict[str, str] = {}
    for value in values:
        column, sep, field = value.rpartition("=")
        field = field.strip()
        if not sep or not column.strip():
            raise UsageError(f"--map '{value}' should look like COLUMN=FIELD, for example --map \"Ticket text=body\"")
        if field not in FIELDS:
            raise UsageError(f"--map '{value}': '{field}' is not a field; fields are {', '.join(FIELDS)}")
        mapping[field] = column.strip()
    return mapping


def _progress_printer(name: str):
    if not sys.stderr.isatty():
        return None
    def show(rows: int) -> None:
        click.echo(f"\r  {name}: {rows:,} rows read", err=True, nl=False)
    return show


def _report(summary: ImportSummary) -> None:
    name = Path(summary.path).name
    if summary.already_imported is not None:
        batch = summary.already_imported
        click.echo(f"{name}: already imported as batch {batch.id} on {batch.finished_at:%Y-%m-%d %H:%M} UTC "
                   f"({batch.rows_new:,} new then) — 0 new. Use --force to read it again.")
        return
    encoding = f" {summary.encoding}" if summary.encoding else ""
    click.echo(f"{name}: {summary.profile} profile, {summary.file_format}{encoding}, source \"{summary.source}\""
               + (f", batch {summary.batch_id}" if not summary.dry_run else ", DRY RUN: nothing saved"))
    click.echo(f"  read {summary.rows_read:,}  new {summary.new:,}  updated {summary.updated:,}  "
               f"duplicate {summary.duplicate:,}  rejected {summary.rejected:,}  ({summary.seconds:.1f} s)")
    if summary.date_order:
        click.echo(f"  dates read {summary.date_order}")
    if summary.rejected and not summary.dry_run:
        click.echo(f"  see the rejected rows: rca rejects list --batch {summary.batch_id}")


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--source", metavar="NAME", help="Where the tickets come from; (source, ticket id) is unique. "
              "Default: the profile name, e.g. zendesk.")
@click.option("--profile", type=click.Choice(["auto", *PROFILES]), default="auto", show_default=True,
              help="Which help desk wrote the file; auto detects it from the columns.")
@click.option("--map", "mappings", multiple=True, metavar="COLUMN=FIELD",
              help=f"Read COLUMN as FIELD (repeatable). Fields: {', '.join(FIELDS)}.")
@click.option("--dayfirst/--monthfirst", default=None,
              help="Day/month order of dates like 03/04/2026 when the file cannot tell (decided once per file).")
@click.option("--dry-run", is_flag=True, help="Read and check everything, save nothing.")
@click.option("--force", is_flag=True, help="Read a file again even if this exact file was imported before.")
@pass_app
def import_command(app: AppContext, files: tuple[Path, ...], source: str | None, profile: str,
                   mappings: tuple[str, ...], dayfirst: bool | None, dry_run: bool, force: bool) -> None:
    """Import complaint exports (CSV/TSV, Excel .xlsx, JSON, JSON Lines; .gz too).

    Each file is imported in one transaction: all of it or, if the file is
    broken, none of it. Rows that cannot be used (no text, bad date) are kept
    as rejects with their reason. Re-importing a file adds nothing; a newer
    export of the same tickets updates what changed (status, tags).
    Emails, phone numbers, card numbers and IBANs in the text are redacted.

    \b
    Examples:
      rca import zendesk_export.csv
      rca import jira.csv tickets.json.gz --dry-run
      rca import sheet.xlsx --source shop-survey --map "Comment=body" --map "Date=received_at"
    """
    from rca.ingest.pipeline import ImportOptions, import_file

    options = ImportOptions(source=source, profile=profile, mapping=parse_mappings(mappings),
                            dayfirst=dayfirst, dry_run=dry_run, force=force)
    database = app.database()
    failed = 0
    for path in files:
        try:
            summary = import_file(database, path, options, progress=_progress_printer(path.name))
        except (InputFileError, ProfileError) as exc:
            if sys.stderr.isatty():
                click.echo("", err=True)
            click.echo(f"Error: {exc}", err=True)
            if isinstance(exc, InputFileError):
                info("  nothing from this file was saved.")
            failed += 1
            continue
        if sys.stderr.isatty():
            click.echo("", err=True)
        _report(summary)
    if failed:
        raise click.exceptions.Exit(1)


@click.group("rejects")
def rejects_group() -> None:
    """Rows an import refused, with their reasons.

    \b
    Examples:
      rca rejects list --batch 3
      rca rejects export --batch 3 > fix-me.csv
    """


@rejects_group.command("list")
@click.option("--batch", "batch_id", type=int, help="Only this import batch (its number is in the import summary).")
@click.option("--limit", type=int, default=200, show_default=True, help="Show at most this many rows.")
@format_option
@pass_app
def rejects_list(app: AppContext, batch_id: int | None, limit: int, output_format: str) -> None:
    """List rejected rows: batch, file, row number and reason.

    \b
    Example:
      rca rejects list --batch 3
    """
    from rca.rejects import iter_rejects

    with app.database().session() as session:
        rows = list(iter_rejects(session, batch_id, limit))
    emit(rows, ["batch", "file", "row", "reason"], output_format, empty_message="No rejected rows.")


@rejects_group.command("export")
@click.option("--batch", "batch_id", type=int, help="Only this import batch.")
@pass_app
def rejects_export(app: AppContext, batch_id: int | None) -> None:
    """Write rejected rows as CSV (reason, row number, then the original columns) to fix and re-import.

    Cells that a spreadsheet would run as a formula are neutralised.

    \b
    Example:
      rca rejects export --batch 3 > rejected.csv
    """
    from rca.rejects import iter_rejects

    with app.database().session() as session:
        rows = list(iter_rejects(session, batch_id))
    columns = ["batch", "row", "reason"]
    for row in rows:
        for column in row["raw"]:
            if column not in columns:
                columns.append(column)
        row.update({k: v for k, v in row["raw"].items() if k not in ("batch", "row", "reason")})
    write_csv(rows, columns, sys.stdout)
    info(f"{len(rows):,} rejected rows written.")


COMMANDS = [import_command, rejects_group]
