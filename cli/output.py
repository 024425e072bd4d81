"""Printing lists as a table, JSON or CSV on stdout; messages on stderr.

Everything shown on a terminal goes through :func:`terminal_text`: complaint
text and cause titles are untrusted, and an escape sequence in them (a window
title, an OSC-8 link, cursor movement, erase, a right-to-left override) must be
shown, never run by the terminal.
"""

from __future__ import annotations

import shutil
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import click

from rca.export import WRITERS, plain_value

TABLE = "table"  # for people, on a terminal; the other formats are rca.export's writers
format_option = click.option(
    "--format", "output_format", type=click.Choice([TABLE, *WRITERS]), default=TABLE,
    show_default=True, help=f"table for people; {' or '.join(WRITERS)} for other programs and spreadsheets.")


def terminal_text(text: Any) -> str:
    """``text`` with every character a terminal could act on shown as an escape.

    Non-printable characters (C0 and C1 controls such as ESC, CSI and OSC, DEL,
    bidirectional overrides and isolates, other format characters) become
    ``\\x1b`` / ``\\u202e``; spaces of other widths become a plain space.
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _visible(ch) for ch in text)


def _visible(ch: str) -> str:
    if unicodedata.category(ch) == "Zs":
        return " "
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def echo(message: Any = "", *, err: bool = False, nl: bool = True) -> None:
    """click.echo for one line that may hold stored text."""
    click.echo(terminal_text(message), err=err, nl=nl)


def info(message: str) -> None:
    """Progress and notes go to stderr so stdout stays clean data."""
    echo(message, err=True)


def emit(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], output_format: str,
         *, headers: Mapping[str, str] | None = None, empty_message: str = "Nothing to show.") -> None:
    if output_format in WRITERS:
        WRITERS[output_format](rows, columns, sys.stdout)
    elif not rows:
        info(empty_message)
    else:
        click.echo(format_table(rows, columns, headers or {}))  # cells are made safe in _cell


def _cell(value: Any) -> str:
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return terminal_text(", ".join(" ".join(str(v).split()) for v in value))
    if isinstance(value, str) and "T" in value and value[:4].isdigit() and len(value) >= 16:
        return terminal_text(value[:16].replace("T", " "))  # ISO datetimes: minutes are enough in a table
    return terminal_text(" ".join(str(value).split()))


def format_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], headers: Mapping[str, str]) -> str:
    titles = [terminal_text(headers.get(column, column.replace("_", " "))) for column in columns]
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
