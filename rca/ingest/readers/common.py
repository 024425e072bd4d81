"""What every reader shares: the table a reader returns, progress while reading, cell-size caps and header checks."""

from __future__ import annotations

import csv
import gzip
import io
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from typing import TYPE_CHECKING
from ...errors import as_option

if TYPE_CHECKING:
    from .blocks import Block, BlockLayout


# A 10 MB cell (a pasted log in a complaint) must not break the import; the
# default limit is 128 KiB. 64 MiB still stops an unterminated quote from
# eating unbounded memory before we report it.
_FIELD_SIZE_LIMIT = 64 * 1024 * 1024


# How much of the (decompressed) file we look at to decide format and encoding.
_SAMPLE_BYTES = 64 * 1024


# JSON: columns are the union of keys over this many first records.
_COLUMN_SCAN_RECORDS = 1000


_NOT_A_TABLE = "does not look like CSV, Excel or JSON; export the data as CSV, .xlsx or JSON"


# Keys under which help desks wrap their record lists, in order of preference
# when an object holds several lists (Zendesk, Salesforce, Intercom, generic APIs).
_WRAPPER_KEYS = ("tickets", "records", "conversations", "issues", "cases", "data",
                 "results", "items", "rows", "complaints")


_CANDIDATE_DELIMITERS = (",", ";", "\t", "|")


@dataclass
class RawTable:
    """One export file, opened and ready to stream.

    ``rows`` yields ``(row_number, record)``; ``row_number`` is what a user
    finds in the file (CSV: physical line where the record starts; xlsx: sheet
    row; JSON: array index + 1; JSON Lines: line number). Columns that appear
    more than once (Jira ``Labels``) give a list of their non-empty values.
    """

    path: str
    format: str  # 'csv' | 'tsv' | 'xlsx' | 'json' | 'jsonl'
    encoding: str | None  # None for xlsx
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    compressed: bool = False  # the file was gzip-compressed
    delimiter: str | None = None  # CSV/TSV only
    # CSV/TSV and JSON Lines in an ASCII-compatible encoding: the data rows
    # again, as raw blocks of whole lines for worker processes to parse.
    block_source: Callable[[], Iterator[Block]] | None = None
    block_layout: BlockLayout | None = None
    notes: list[str] = field(default_factory=list)  # what the reader decided that the user should know

    def close(self) -> None:
        """Release the file early (an abandoned iterator closes it when collected)."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()

    def blocks(self) -> Iterator[Block] | None:
        """The data rows from the start, as :class:`Block` s, for :func:`parse_block`;
        None when the file cannot be cut (Excel, JSON, UTF-16, CSV without ``\\n``)."""
        return self.block_source() if self.block_source is not None else None


ReadProgress = Callable[[float], None]


_PROGRESS_SECONDS = 0.5


class _Counted(io.RawIOBase):
    """A file that reports now and then how much of it has been read."""

    def __init__(self, raw: IO[bytes], size: int, on_read: ReadProgress | None):
        self._raw = raw
        self._size = max(size, 1)
        self._on_read = on_read
        self._next_report = time.monotonic() + _PROGRESS_SECONDS

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer)
        if self._on_read is not None and time.monotonic() >= self._next_report:
            self._next_report = time.monotonic() + _PROGRESS_SECONDS
            self._on_read(min(self._raw.tell() / self._size, 1.0))
        return count

    def tell(self) -> int:
        return self._raw.tell()

    def seekable(self) -> bool:
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _quiet(opener: Callable[[], IO[bytes]], compressed: bool, p: Path) -> Callable[[], IO[bytes]]:
    """The same bytes without progress reports: for the passes that only look."""
    if compressed:
        return lambda: gzip.open(p, "rb")
    return lambda: open(p, "rb")


def _sample_after_blanks(path: str, opener: Callable[[], IO[bytes]], encoding: str) -> tuple[bytes, bool]:
    """The first _SAMPLE_BYTES from the first byte that is not blank."""
    blank = b" \t\r\n\f\v\x00" if not encoding.startswith("utf-16") else None
    with opener() as raw:
        while True:
            block = raw.read(1 << 20)
            if not block:
                return b"", True
            if blank is None or block.strip(blank):
                start = 0 if blank is None else len(block) - len(block.lstrip(blank))
                if blank is None:
                    return block[:_SAMPLE_BYTES], False
                sample = block[start:start + _SAMPLE_BYTES]
                if len(sample) < _SAMPLE_BYTES:
                    sample += raw.read(_SAMPLE_BYTES - len(sample))
                return sample, not raw.read(1)


def _count_lines(data: bytes, lone_cr_is_text: bool = False) -> int:
    # As io and csv count them: \r\n, a lone \r and \n each end a line (or \n only).
    if lone_cr_is_text:
        return data.count(b"\n")
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


# A cell longer than this (a 300 MB string in a workbook, a pasted log) marks
# its row, so the import rejects the row with the reason (and stores a cut copy)
# instead of hundreds of megabytes. Complaint text is capped lower by the import.
MAX_CELL_CHARS = 1 << 20


OVERSIZED_KEY = "_oversized"  # record key: the columns whose cells are too long, with their lengths


def _cap_cells(record: dict[str, Any]) -> dict[str, Any]:
    oversized = {}
    for key, value in record.items():
        if value.__class__ is str and len(value) > MAX_CELL_CHARS:
            oversized[key] = len(value)
        elif isinstance(value, list) and any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in value):
            oversized[key] = sum(len(v) for v in value if isinstance(v, str))
    if oversized:
        record[OVERSIZED_KEY] = oversized
    return record


def _capped(records: Iterable[tuple[int, dict[str, Any]]]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, record in records:
        yield number, _cap_cells(record)


# What csv.reader says when the data ends inside a quoted field.
_UNCLOSED_QUOTE = "unexpected end of data"


def _csv_problem(exc: csv.Error) -> str:
    msg = str(exc)
    if _UNCLOSED_QUOTE in msg:
        return ("a quoted field starting on this line is never closed "
                "(unterminated quote); fix the quote or re-export the file")
    if "expected after" in msg:
        return f"malformed quoting ({msg}); fix the quote or re-export the file"
    return f"malformed CSV ({msg})"


# A column that names one record (Id, Key, Ticket number) cannot hold a list:
# repeated, its copies are different columns, not values to merge.
_IDENTIFIER_NAME = re.compile(r"(?:^|[\s_.#-])(?:id|key|number|no|#)\s*$", re.IGNORECASE)


def _distinct_identifiers(header: list[str]) -> tuple[list[str], list[str]]:
    """The header with repeated identifier columns renamed 'Id (2)', 'Id (3)', and notes saying so.

    Other repeated columns (Jira's Labels, Comment) stay one column of many values.
    """
    seen: dict[str, int] = {}
    renamed: list[str] = []
    notes: list[str] = []
    taken = set(header)
    for name in header:
        count = seen[name] = seen.get(name, 0) + 1
        if count > 1 and _IDENTIFIER_NAME.search(name.strip()):
            new = f"{name} ({count})"
            while new in taken:
                new += "'"
            taken.add(new)
            notes.append(f"the column '{name}' appears more than once: copy {count} is read as '{new}' "
                         f"(the first '{name}' is the one profiles use; {as_option('map')} '{new}=FIELD' picks another)")
            renamed.append(new)
        else:
            renamed.append(name)
    return renamed, notes


def _repeated_positions(columns: list[str]) -> dict[str, list[int]]:
    """Column name -> positions, only for names that occur more than once."""
    positions: dict[str, list[int]] = {}
    for i, name in enumerate(columns):
        positions.setdefault(name, []).append(i)
    return {name: idx for name, idx in positions.items() if len(idx) > 1}


# Cells beyond the header (a stray delimiter) are kept, not dropped.
OVERFLOW_KEY = "_overflow"


def _ragged(columns: list[str], row: list[str],
            repeated: dict[str, list[int]] | None) -> dict[str, Any]:
    """Slow path: rows whose length differs from the header, or repeated columns."""
    n = len(row)
    record: dict[str, Any] = {}
    for i, name in enumerate(columns):
        if repeated and name in repeated:
            if name not in record:
                record[name] = [row[j] for j in repeated[name] if j < n and row[j].strip()]
        else:
            record[name] = (row[i] or None) if i < n else None
    if n > len(columns):
        extra = [v for v in row[len(columns):] if v]
        if extra:
            record[OVERFLOW_KEY] = extra
    return record
