"""Read any complaint export (CSV/TSV, Excel, JSON, JSON Lines, gzipped) as rows.

:func:`read_table` looks at the *content* (magic bytes, encoding, first
non-space character) rather than trusting the file name, and returns a
:class:`RawTable` whose ``rows`` iterator yields ``(row_number, record)``.

CSV, TSV and JSON Lines are streamed: memory stays flat whatever the file
size. A problem found half-way through a streamed file raises
:class:`~rca.errors.InputFileError` when the iterator reaches it; the caller
imports each file in one transaction, so it simply rolls back.

One module a job: ``detect`` (what a file is; read_table, parse_block),
``encoding``, ``csv_files``, ``blocks`` (big files cut for worker processes),
``xlsx``, ``json_files``, and ``common`` (the table, progress, cell caps).
A new format is a module here and one branch in ``detect.read_table``.
"""

from .blocks import Block, BlockLayout
from .common import MAX_CELL_CHARS, OVERFLOW_KEY, OVERSIZED_KEY, RawTable
from .detect import BlockRecords, parse_block, read_table
from .json_files import flatten

__all__ = ["MAX_CELL_CHARS", "OVERFLOW_KEY", "OVERSIZED_KEY", "Block", "BlockLayout", "BlockRecords", "RawTable",
           "flatten", "parse_block", "read_table"]
