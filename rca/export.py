"""Writing rows for people and spreadsheets (CSV and JSON).

Cells that start with = + - @ or a tab/carriage return are what spreadsheet
programs run as formulas: complaint text is untrusted, so such text cells are
prefixed with a quote before they reach a CSV file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TextIO

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value: Any) -> Any:
    """Make a text cell inert in Excel/LibreOffice/Sheets; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def plain_value(value: Any) -> Any:
    """A value JSON and CSV can hold: dates as ISO 8601, lists and dicts as they are."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def write_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], stream: TextIO) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        cells = []
        for column in columns:
            value = plain_value(row.get(column))
            if isinstance(value, (list, dict)):
                value = json.dumps(value, ensure_ascii=False)
            cells.append(neutralize_formula("" if value is None else value))
        writer.writerow(cells)
        count += 1
    return count


def write_json(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], stream: TextIO) -> int:
    items = [{column: plain_value(row.get(column)) for column in columns} for row in rows]
    json.dump(items, stream, ensure_ascii=False, indent=2, default=str)
    stream.write("\n")
    return len(items)
