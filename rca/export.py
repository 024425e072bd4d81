"""Writing rows for people and spreadsheets (CSV and JSON).

Complaint text is untrusted. Cells that start with = + - @ or a tab/carriage
return are what spreadsheet programs run as formulas, so such text is prefixed
with a quote, at the start of the cell and after every line break in it (a
reader that splits on a bare CR, or a person pasting lines, would otherwise
see a formula). Every text cell is quoted, so a line break or a ``;`` (the
delimiter of European spreadsheets) never splits a cell. Terminal control
characters and bidirectional overrides are written as visible escapes, in CSV
and in JSON alike, so neither can rewrite a terminal that shows the file.
"""

from __future__ import annotations

import csv
import json
import os
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from .errors import UsageError, option

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A line after a line break (CRLF, bare CR or LF) that starts like a formula.
_FORMULA_LINE = re.compile(r"(\r\n|\r|\n)(?=[=+\-@\t])")
# C0 controls but tab and line breaks, DEL and C1 (ESC, CSI 0x9b, OSC 0x9d …),
# and the bidirectional embeddings, overrides and isolates (U+202E …).
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f"
                           "\u2028-\u202e\u2066-\u2069]")
# What JSON leaves raw but a terminal would act on (json already escapes C0).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def neutralize_formula(value: Any) -> Any:
    """Make a text cell inert in Excel/LibreOffice/Sheets; numbers pass unchanged."""
    if not isinstance(value, str):
        return value
    if "\r" in value or "\n" in value:
        value = _FORMULA_LINE.sub(r"\1'", value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def escape_controls(value: str) -> str:
    """Control characters as visible escapes (\\x1b, \\u202e); other text unchanged."""
    return CONTROL_CHARS.sub(_escape_char, value)


def _escape_char(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain_value(value: Any) -> Any:
    """A value JSON and CSV can hold: dates as ISO 8601, inside lists and dicts too; tuples as lists,
    keys as text, anything else JSON has no type for as its text.

    The one JSON normaliser: outputs, the extra data an import keeps and the rows it rejects.
    """
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    return str(value)


def csv_cell(value: Any) -> Any:
    """One value as a safe CSV cell: text inert, numbers as they are."""
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return neutralize_formula(escape_controls(value))
    return value


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], stream: TextIO) -> int:
    # QUOTE_NONNUMERIC: every text cell in quotes, numbers bare.
    writer = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([csv_cell(column) for column in columns])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
        count += 1
    return count


def write_json(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], stream: TextIO) -> int:
    items = [{column: plain_value(row.get(column)) for column in columns} for row in rows]
    text = json.dumps(items, ensure_ascii=False, indent=2, default=str)
    stream.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    stream.write("\n")
    return len(items)


# The data formats rows can be written in, by name: adding one is a writer here
# (rows, columns, stream) -> count; the CLI's --format choices follow.
WRITERS = {"json": write_json, "csv": write_csv}


# --------------------------------------------------------------------------- output files

# What rca's own reports carry (reports/templates/base.html: <meta name="author" content="rca">,
# which WeasyPrint writes into the PDF's information dictionary).
_HTML_MARK = b'<meta name="author" content="rca">'
_PDF_MARK = b"/Author (rca)"
_MARK_SCAN_BYTES = 4 << 20


def written_by_rca(path: Path) -> bool:
    """True for a report rca wrote (so a weekly run may replace it)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_MARK_SCAN_BYTES)
    except OSError:
        return False
    if head.startswith(b"%PDF-"):
        # The information dictionary sits in a compressed object stream.
        for start in (m.end() for m in re.finditer(rb"stream\r?\n", head)):
            try:
                if _PDF_MARK in zlib.decompressobj().decompress(head[start:], 1 << 20):
                    return True
            except zlib.error:
                continue
        return _PDF_MARK in head
    return _HTML_MARK in head[:8192]


def database_files(database_path: Path | None) -> list[Path]:
    """The SQLite file and the files SQLite and rca keep beside it."""
    if database_path is None:
        return []
    return [database_path] + [database_path.with_name(database_path.name + suffix)
                              for suffix in ("-wal", "-shm", "-journal", ".cluster-lock", ".schema-lock")]


def check_output_path(path: Path, *, database_path: Path | None, overwrite: bool) -> None:
    """Refuse to write over the database, or over a file rca did not write unless ``overwrite``."""
    for protected in database_files(database_path):
        if _same_file(path, protected):
            raise UsageError(f"{path} is the database ({database_path}): choose another output file")
    if path.exists() and not overwrite and not written_by_rca(path):
        raise UsageError(f"{path} exists and is not a report rca wrote: choose another file, "
                         f"or pass {option('overwrite')} to replace it")


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.expanduser().resolve() == b.expanduser().resolve()
