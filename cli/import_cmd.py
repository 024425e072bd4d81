"""rca import and rca rejects: getting complaint exports in, and seeing what was refused."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rca.errors import InputFileError, Interrupted, ProfileError, UsageError
from rca.ingest.profiles import DEFAULT_MAX_RATING, FIELDS, PROFILES
from rca.export import write_csv

if TYPE_CHECKING:
    from rca.ingest.pipeline import ImportSummary

from . import options as checked
from .context import AppContext, pass_app
from .output import echo, emit, format_option, info, terminal_text


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


def _progress_printers(name: str):
    """(rows stored, fraction of the file read) callbacks for a terminal; (None, None) otherwise."""
    if not sys.stderr.isatty():
        return None, None
    state = {"rows": 0, "read": 0.0}

    def show() -> None:
        click.echo(f"\r  {terminal_text(name)}: {state['rows']:,} rows read ({state['read']:.0%} of the file)",
                   err=True, nl=False)

    def rows(count: int) -> None:
        state["rows"] = count
        show()

    def read(fraction: float) -> None:
        state["read"] = fraction
        show()
    return rows, read


def _mapping_lines(mapping: dict) -> list[str]:
    """The mapping an import used, a line each: what a person checks before trusting the figures."""
    lines = [f"  profile         {mapping['profile']}: {mapping['profile_reason']}"]
    dates = mapping.get("dates") or {}
    for item in mapping["fields"]:
        column = f"'{item['column']}'" if item["column"] else "-"
        how = "" if item["how"] == "by name" else f"  ({item['how']})"
        if item["field"] == "received_at" and dates.get("format"):
            how += f"  ({dates['format']})"
        lines.append(f"  {item['field']:<16}<- {column}{how}")
    if dates.get("received_on"):
        lines.append(f"  received_at     <- {dates['received_on']}")
    if mapping.get("tags_from"):
        lines.append(f"  tags            <- also {', '.join(repr(c) for c in mapping['tags_from'])} (kept as extra too)")
    lines.append(f"  customer        {mapping['customer']}")
    if dates.get("order"):
        guess = "guessed" if dates.get("guessed") else "decided from the dates"
        lines.append(f"  dates           read {dates['order']}, {guess}" + (f": {dates['note']}" if dates.get("note") else ""))
    elif dates.get("note"):
        lines.append(f"  dates           {dates['note']}")
    extra = mapping.get("extra_columns") or []
    if extra:
        lines.append(f"  kept as extra ({len(extra)}): " + ", ".join(f"'{c}'" if c.strip() else "(unnamed)" for c in extra))
    for item in mapping.get("not_kept") or []:
        lines.append(f"  not kept        '{item['column']}': {item['why']}")
    if mapping.get("max_rating") is not None:
        lines.append(f"  ratings         above {mapping['max_rating']:g} skipped as praise (--max-rating 5 keeps all)")
    for reason, rows in (mapping.get("skipped") or {}).items():
        lines.append(f"  skipped         {rows:,} {reason}")
    for warning in mapping.get("warnings") or []:
        lines.append(f"  warning         {warning}")
    return lines


def _report(summary: ImportSummary) -> None:
    name = Path(summary.path).name
    if summary.already_imported is not None:
        batch = summary.already_imported
        echo(f"{name}: already imported as batch {batch.id} on {batch.finished_at:%Y-%m-%d %H:%M} UTC "
                   f"({batch.rows_new:,} new then) — 0 new. Use --force to read it again.")
        return
    encoding = f" {summary.encoding}" if summary.encoding else ""
    echo(f"{name}: {summary.profile} profile, {summary.file_format}{encoding}, source \"{summary.source}\""
         + (f", batch {summary.batch_id}" if not summary.dry_run else ", DRY RUN: nothing saved"))
    for line in _mapping_lines(summary.mapping):
        echo(line)
    echo(f"  read {summary.rows_read:,}  new {summary.new:,}  updated {summary.updated:,}  "
         f"duplicate {summary.duplicate:,}  skipped {summary.rows_skipped:,}  rejected {summary.rejected:,}  "
         f"({summary.seconds:.1f} s)")
    for note in summary.notes:
        echo(f"  note: {note}")
    if summary.rejected and not summary.dry_run:
        echo(f"  see the rejected rows: rca rejects list --batch {summary.batch_id}")


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
@click.option("--received-on", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Date every row of a file that has no date column (rows without a date, if it has one); "
                   "recorded on the batch.")
@click.option("--max-rating", type=click.FloatRange(0, 10), metavar="N",
              help=f"Skip rows rated above N (praise, not complaints). Default for review files: "
                   f"{DEFAULT_MAX_RATING:g}; 5 keeps all.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="json: each file's summary and mapping as data.")
@pass_app
def import_command(app: AppContext, files: tuple[Path, ...], source: str | None, profile: str,
                   mappings: tuple[str, ...], dayfirst: bool | None, dry_run: bool, force: bool,
                   received_on, max_rating: float | None, output_format: str) -> None:
    """Import complaint exports (CSV/TSV, Excel .xlsx, JSON, JSON Lines; .gz too).

    Each file is imported in one transaction: all of it or, if the file is
    broken, none of it. Every import prints the mapping it used: the profile
    and why, each field and its column (the body and the date are found by
    what a column holds when no name says), the columns kept as extra data,
    rows skipped and why (company replies, deleted tickets, high ratings,
    positive sentiment), and how dates were read. Rows that cannot be used (no text, bad date) are kept
    as rejects with their reason. Re-importing a file adds nothing; a newer
    export of the same tickets updates what changed and never blanks a field.
    Personal data (emails, phones, cards, IBANs, national ids, dates of birth,
    passports, IPs, addresses, postcodes, names in greetings and sign-offs) is
    redacted in the text, the extra columns and the rejects before storing.

    \b
    Examples:
      rca import zendesk_export.csv
      rca import jira.csv tickets.json.gz --dry-run
      rca import sheet.xlsx --source shop-survey --map "Comment=body" --map "Date=received_at"
      rca import cases.json --received-on 2026-11-30
      rca import reviews.csv --dry-run --format json
    """
    from rca.ingest.pipeline import ImportOptions, import_file

    options = ImportOptions(source=source, profile=profile, mapping=parse_mappings(mappings),
                            dayfirst=dayfirst, dry_run=dry_run, force=force, max_rating=max_rating,
                            received_on=received_on.date() if received_on else None)
    database = app.database()
    failed = 0
    summaries = []
    saved: list[str] = []
    for path in files:
        try:
            rows_progress, read_progress = _progress_printers(path.name)
            summary = import_file(database, path, options, progress=rows_progress, read_progress=read_progress)
        except Interrupted as exc:
            raise Interrupted(f"{exc}{_kept(saved)}") from None
        except KeyboardInterrupt:
            raise Interrupted(f"interrupted between files{_kept(saved)}") from None
        except (InputFileError, ProfileError) as exc:
            if sys.stderr.isatty():
                echo("", err=True)
            echo(f"Error: {exc}", err=True)
            if isinstance(exc, InputFileError):
                info("  nothing from this file was saved.")
            failed += 1
            continue
        if sys.stderr.isatty():
            echo("", err=True)
        if not summary.dry_run and summary.already_imported is None:
            saved.append(path.name)
        if output_format == "json":
            summaries.append(summary.as_dict())
            continue
        try:
            _report(summary)
        except KeyboardInterrupt:
            raise Interrupted(f"interrupted{_kept(saved)}") from None
    if output_format == "json":
        click.echo(json.dumps(summaries, indent=2, ensure_ascii=False))
    if failed:
        raise click.exceptions.Exit(1)


def _kept(saved: list[str]) -> str:
    if not saved:
        return ""
    return f"; {len(saved)} file(s) imported before it are saved ({', '.join(saved)})"


@click.group("rejects")
def rejects_group() -> None:
    """Rows an import refused, with their reasons.

    \b
    Examples:
      rca rejects list --batch 3
      rca rejects export --batch 3 > fix-me.csv
    """


@rejects_group.command("list")
@click.option("--batch", "batch_id", type=checked.ID,
              help="Only this import batch (its number is in the import summary).")
@click.option("--limit", type=checked.LIMIT, default=200, show_default=True, help="Show at most this many rows.")
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
@click.option("--batch", "batch_id", type=checked.ID, help="Only this import batch.")
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
