"""CSV and TSV: delimiter sniffing, streamed records, bare CRs inside cells, broken records."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from rca.errors import InputFileError

from .blocks import BlockLayout, _BLOCK_ENCODINGS, _blocks
from .common import (RawTable, _CANDIDATE_DELIMITERS, _FIELD_SIZE_LIMIT, _capped, _csv_problem, _distinct_identifiers,
    _ragged, _repeated_positions)
from .encoding import _STREAM_FAILURES, _stream_errors, _text_stream


def _sniff_delimiter(text_head: str) -> tuple[str, bool]:
    """Pick the delimiter by counting candidates on the header line, outside quotes.

    csv.Sniffer guesses from letter frequencies and often picks a space or a
    letter; a header line is short and regular, so counting is reliable.
    Returns (delimiter, has_sep_line) for Excel's ``sep=;`` first line.
    """
    lines = text_head.lstrip("\ufeff").splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines):
        first = lines[i].strip()
        if first.lower().startswith("sep=") and len(first) == 5:
            return first[4], True
    header = _header_line(text_head.lstrip("\ufeff").lstrip("\r\n"))
    counts = {d: 0 for d in _CANDIDATE_DELIMITERS}
    in_quotes = False
    for ch in header:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in counts:
            counts[ch] += 1
    best = max(_CANDIDATE_DELIMITERS, key=lambda d: counts[d])  # ties: earlier wins
    return (best if counts[best] else ","), False


def _header_line(text: str) -> str:
    """The first logical line (a quoted header cell may hold a newline)."""
    in_quotes = False
    for i, ch in enumerate(text):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch in "\r\n" and not in_quotes:
            return text[:i]
    return text


def _read_csv(path: str, opener: Callable[[], IO[bytes]], encoding: str,
              compressed: bool, text_head: str) -> RawTable:
    delimiter, has_sep_line = _sniff_delimiter(text_head)
    if csv.field_size_limit() < _FIELD_SIZE_LIMIT:
        csv.field_size_limit(_FIELD_SIZE_LIMIT)

    raw = opener()
    stream = _text_stream(raw, encoding)
    # A file whose lines end in \n (LF or CRLF) holds a lone \r only inside text: a
    # tweet or a pasted paragraph. Only a file with no \n at all ends its lines in \r.
    lone_cr_is_text = "\n" in text_head
    blanks = _BlankLines(lone_cr_is_text)
    # strict: an unterminated quote at the end of the file must be an error,
    # not one giant last field that silently swallows the remaining rows.
    reader = csv.reader(blanks.lines(stream), delimiter=delimiter, strict=True)
    try:
        header = _first_record(reader, skip_sep=has_sep_line, blanks=blanks)
    except (csv.Error, *_STREAM_FAILURES) as exc:
        stream.close()
        if isinstance(exc, csv.Error):
            raise InputFileError(path, f"the header is malformed ({exc})", "line 1") from exc
        raise _stream_errors(path, opener, encoding, exc) from exc
    if header is None:
        stream.close()
        raise InputFileError(path, "has no header row; export the file with column names")
    if header:
        header[0] = header[0].lstrip("\ufeff")
    fmt = "tsv" if delimiter == "\t" else "csv"
    header, notes = _distinct_identifiers(header)
    columns = tuple(header)
    rows = _csv_rows(path, opener, encoding, stream, reader, columns, blanks)
    block_source = layout = None
    if encoding in _BLOCK_ENCODINGS and lone_cr_is_text:  # blocks are cut at \n
        layout = BlockLayout(path, fmt, _BLOCK_ENCODINGS[encoding], delimiter, columns, lone_cr_is_text=True)
        header_lines = reader.line_num + blanks.skipped
        block_source = lambda: _blocks(path, opener, encoding, header_lines, quoted=True,  # noqa: E731
                                       lone_cr_is_text=True)
    return RawTable(path, fmt, encoding, list(header), rows, compressed, delimiter, block_source, layout,
                    notes=notes)


def _first_record(reader: Any, skip_sep: bool, blanks: _BlankLines) -> list[str] | None:
    for row in reader:
        blanks.between = True
        if blanks.joined:
            row, blanks.joined = _restore_lone_cr(row), False
        if skip_sep:
            skip_sep = False
            continue
        if any(cell.strip() for cell in row):
            return row
    return None


# Stands for a lone \r while csv.reader parses a line: the reader ends a record
# at any \r outside quotes. A noncharacter, so no real text holds it.
_LONE_CR = "\ufdd0"


class _BlankLines:
    """The lines csv.reader sees: empty lines between records dropped, lone \r kept as text.

    csv.reader turns each empty line into an empty row that costs a trip
    through the import loop; a file of a billion line breaks took minutes.
    Only a line that starts a record may go (``between`` is set again after
    each record): inside a quoted field an empty line is data.

    With ``lone_cr_is_text`` a line cut at a lone \r (io cuts there) is joined
    to the next, the \r standing as :data:`_LONE_CR` until the record is read
    (``joined`` says a record needs it put back; see :func:`_restore_lone_cr`).
    """

    def __init__(self, lone_cr_is_text: bool = False) -> None:
        self.skipped = 0  # physical lines dropped so far
        self.between = True
        self.lone_cr_is_text = lone_cr_is_text
        self.joined = False

    def lines(self, source: Iterable[str]) -> Iterator[str]:
        held = ""  # a line cut at a lone \r, waiting for the rest of its line
        for line in source:
            if self.lone_cr_is_text:
                if held:
                    line, held = held + line, ""
                if line[-1:] == "\r":  # io keeps \r\n whole, so this \r stands alone
                    held = line[:-1] + _LONE_CR
                    self.joined = True
                    continue
            if self.between and (line == "\n" or line == "\r\n" or line == "\r"):
                self.skipped += 1
                continue
            self.between = False
            yield line
        if held:  # a lone \r at the very end of the file ends the last line
            yield held[:-1] + "\r"


def _restore_lone_cr(row: list[str]) -> list[str]:
    return [cell.replace(_LONE_CR, "\r") for cell in row]


def _csv_rows(path: str, opener: Callable[[], IO[bytes]], encoding: str, stream: io.TextIOWrapper,
              reader: Any, columns: tuple[str, ...], blanks: _BlankLines) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with stream:
            yield from _capped(_csv_records(reader, columns, reader.line_num + blanks.skipped + 1, blanks))
    except _BrokenRecord as broken:
        raise InputFileError(path, _csv_problem(broken.error), f"line {broken.line}") from broken.error
    except _STREAM_FAILURES as exc:
        raise _stream_errors(path, opener, encoding, exc) from exc


class _BrokenRecord(Exception):
    """csv.Error in the record that starts on physical line ``line``."""

    def __init__(self, error: csv.Error, line: int):
        super().__init__(error, line)
        self.error = error
        self.line = line


def _csv_records(reader: Any, columns: tuple[str, ...], first_line: int,
                 blanks: _BlankLines | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(physical line where the record starts, record) for each non-blank record;
    ``first_line`` is the line the reader's first line has in the file."""
    ncols = len(columns)
    repeated = _repeated_positions(list(columns))
    blanks = blanks or _BlankLines()  # empty lines the reader never saw, before the current record
    offset = first_line - reader.line_num - 1 - blanks.skipped
    prev_line = reader.line_num
    try:
        if not repeated:
            # Hot loop: a few µs per row. No regexes, no per-cell calls.
            for row in reader:
                start = prev_line + 1 + offset + blanks.skipped
                prev_line = reader.line_num
                blanks.between = True
                if blanks.joined:
                    row, blanks.joined = _restore_lone_cr(row), False
                if len(row) == ncols:
                    if "" not in row:  # no empty cell: dict(zip()) runs in C
                        yield start, dict(zip(columns, row))
                    elif any(row):
                        yield start, {k: v or None for k, v in zip(columns, row)}
                elif any(row):
                    yield start, _ragged(columns, row, None)
        else:
            for row in reader:
                start = prev_line + 1 + offset + blanks.skipped
                prev_line = reader.line_num
                blanks.between = True
                if blanks.joined:
                    row, blanks.joined = _restore_lone_cr(row), False
                if any(row):
                    yield start, _ragged(columns, row, repeated)
    except csv.Error as exc:
        raise _BrokenRecord(exc, prev_line + 1 + offset + blanks.skipped) from exc
