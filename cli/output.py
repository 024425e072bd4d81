"""Printing lists as a table, JSON or CSV on stdout; messages on stderr."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import click

from rca.export import plain_value, write_csv, write_json

format_option = click.option(
    "--format", "output_format", type=click.Choice(["table", "json", "csv"]), default="table",
    show_default=True, help="table for people; json or csv for other programs and spreadsheets.")


def info(message: str) -> None:
    """Progress and notes go to stderr so stdout stays clean data."""
    click.echo(message, err=True)


def emit(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], output_format: str,
         *, headers: Mapping[str, str] | None = None, empty_message: str = "Nothing to show.") -> None:
    if output_format == "json":
        write_json(rows, columns, sys.stdout)
    elif output_format == "csv":
        write_csv(rows, columns, sys.stdout)
    elif not rows:
        info(empty_message)
    else:
        click.echo(format_table(rows, columns, headers or {}))


def _cell(value: Any) -> str:
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and "T" in value and value[:4].isdigit() and len(value) >= 16:
        return value[:16].replace("T", " ")  # ISO datetimes: minutes are enough in a table
    return " ".join(str(value).split())


def format_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], headers: Mapping[str, str]) -> str:
    titles = [headers.get(column, column.replace("_", " ")) for column in columns]
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max([len(title)] + [len(line[i]) for line in cells]) for i, title in enumerate(titles)]
    # Keep the table inside the terminal: shrink the widest column first.
    room = shutil.get_terminal_size((120, 24)).columns - 2 * (len(columns) - 1)
    while sum(widths) > room and max(widths) > 12:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    def clip(text: str, width: int) -> str:
        return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
    lines = ["  ".join(clip(t, w).ljust(w) for t, w in zip(titles, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for line in cells:
        lines.append("  ".join(clip(c, w).ljust(w) for c, w in zip(line, widths)).rstrip())
    return "\n".join(lines)
