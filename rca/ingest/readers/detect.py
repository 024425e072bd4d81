"""What a file is, and which reader reads it: read_table for whole files, parse_block for blocks cut from them."""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from rca.errors import InputFileError

from .blocks import Block, BlockLayout
from .common import (MAX_CELL_CHARS, RawTable, ReadProgress, _Counted, _NOT_A_TABLE, _SAMPLE_BYTES,
    _UNCLOSED_QUOTE, _cap_cells, _count_lines, _csv_problem, _quiet, _sample_after_blanks)
from .csv_files import _BlankLines, _BrokenRecord, _csv_records, _read_csv
from .encoding import _decode_problem, _decode_sample, _detect_encoding, _looks_binary
from .json_files import _jsonl_lines, _looks_like_jsonl, _read_json, _read_jsonl
from .xlsx import _read_xlsx


__all__ = ["RawTable", "read_table"]


def read_table(path: str | Path, on_read: ReadProgress | None = None) -> RawTable:
    """Open ``path``, detect its format and encoding, and return a streaming table.

    ``on_read(fraction)`` is called now and then with how much of the file the
    rows read so far come from, so a long read is never silent.
    """
    spath = str(path)
    p = Path(path)
    if not p.is_file():
        raise InputFileError(spath, "file not found" if not p.exists() else "is not a file")
    with open(p, "rb") as f:
        magic = f.read(4)
    if not magic:
        raise InputFileError(spath, "the file is empty; export it again")

    size = p.stat().st_size
    compressed = magic[:2] == b"\x1f\x8b"
    opener: Callable[[], IO[bytes]]
    if compressed:
        opener = lambda: gzip.GzipFile(fileobj=_Counted(open(p, "rb"), size, on_read))  # noqa: E731
        try:
            with opener() as g:
                head = g.read(_SAMPLE_BYTES)
                at_eof = not g.read(1)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFileError(spath, f"the gzip file is corrupt or truncated ({exc}); "
                                        "compress it again or import it uncompressed") from exc
        if not head:
            raise InputFileError(spath, "the compressed file is empty; export it again")
    else:
        opener = lambda: _Counted(open(p, "rb"), size, on_read)  # noqa: E731
        with opener() as f:
            head = f.read(_SAMPLE_BYTES)
            at_eof = not f.read(1)

    if head[:4] == b"PK\x03\x04":
        return _read_xlsx(spath, opener, compressed)
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputFileError(spath, "is an old Excel .xls workbook; save it as .xlsx or CSV")

    quiet = _quiet(opener, compressed, p)
    encoding = _detect_encoding(spath, head, at_eof, quiet, size if compressed else None)
    if not head.strip(b" \t\r\n\f\v\x00") and not at_eof:
        # Megabytes of blank lines or padding before the data: sample where it starts.
        head, at_eof = _sample_after_blanks(spath, quiet, encoding)
    text_head = _decode_sample(head, encoding, at_eof)
    if _looks_binary(text_head):
        raise InputFileError(spath, _NOT_A_TABLE)
    if not text_head.strip():
        raise InputFileError(spath, "the file holds only blank lines; export it again")

    stripped = text_head.lstrip()
    first = stripped[0]
    suffixes = [s.lower() for s in p.suffixes]
    if first in "[{":
        if first == "{" and (".jsonl" in suffixes or ".ndjson" in suffixes
                             or _looks_like_jsonl(stripped, at_eof)):
            return _read_jsonl(spath, opener, encoding, compressed)
        return _read_json(spath, opener, encoding, compressed)
    return _read_csv(spath, opener, encoding, compressed, text_head)


@dataclass
class BlockRecords:
    records: list[tuple[int, dict[str, Any]]]
    # Set when the block ends inside a record: the physical line where that
    # record starts. The caller joins the rest of the block to the next one.
    unfinished_line: int | None = None


def parse_block(layout: BlockLayout, block: Block) -> BlockRecords:
    """The records of one block (in a worker process); raises InputFileError as the
    streaming reader would, with the same line numbers."""
    try:
        text = block.data.decode(layout.encoding)
    except UnicodeDecodeError as exc:
        line = block.first_line + _count_lines(block.data[:exc.start], layout.lone_cr_is_text)
        raise InputFileError(layout.path, _decode_problem(layout.encoding, exc), f"line {line}") from None
    if layout.format == "jsonl":
        lines = io.StringIO(text, newline=None)
        return BlockRecords(_capped_block(block, list(_jsonl_lines(layout.path, lines, block.first_line))))
    # The same line handling as the streaming reader (blank lines, a lone \r as text).
    blanks = _BlankLines(layout.lone_cr_is_text)
    reader = csv.reader(blanks.lines(io.StringIO(text, newline="")), delimiter=layout.delimiter, strict=True)
    records: list[tuple[int, dict[str, Any]]] = []
    unfinished_line = None
    try:
        records.extend(_csv_records(reader, layout.columns, block.first_line, blanks))
    except _BrokenRecord as broken:
        if block.last or _UNCLOSED_QUOTE not in str(broken.error):
            raise InputFileError(layout.path, _csv_problem(broken.error), f"line {broken.line}") from None
        unfinished_line = broken.line
    return BlockRecords(_capped_block(block, records), unfinished_line)


def _capped_block(block: Block, records: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    # No cell can be longer than the block it came in: most blocks need no look.
    if len(block.data) <= MAX_CELL_CHARS:
        return records
    return [(number, _cap_cells(record)) for number, record in records]
