"""Read any complaint export (CSV/TSV, Excel, JSON, JSON Lines, gzipped) as rows.

:func:`read_table` looks at the *content* (magic bytes, encoding, first
non-space character) rather than trusting the file name, and returns a
:class:`RawTable` whose ``rows`` iterator yields ``(row_number, record)``.

CSV, TSV and JSON Lines are streamed: memory stays flat whatever the file
size. A problem found half-way through a streamed file raises
:class:`~rca.errors.InputFileError` when the iterator reaches it; the caller
imports each file in one transaction, so it simply rolls back.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import json
import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

from rca.errors import InputFileError

__all__ = ["RawTable", "read_table"]

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


# --------------------------------------------------------------------------- entry point


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


# --------------------------------------------------------------------------- encoding


def _detect_encoding(path: str, head: bytes, at_eof: bool, opener: Callable[[], IO[bytes]],
                     compressed_size: int | None = None) -> str:
    """BOMs first, then BOM-less UTF-16 by its NUL pattern, then UTF-8 or Windows-1252
    on the evidence of the whole file (see :func:`_utf8_evidence`)."""
    if head.startswith(codecs.BOM_UTF8):
        utf8 = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    else:
        utf8 = "utf-8"
    sample = head[:4096]
    if utf8 == "utf-8" and len(sample) >= 4:
        # ASCII text in UTF-16 has a NUL in every other byte; plain text has none.
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
            return "utf-16-le"
        if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
            return "utf-16-be"
    evidence = _utf8_evidence(path, opener, compressed_size)
    if evidence.first_bad is None:
        return utf8
    offset, line, byte = evidence.first_bad
    if evidence.multibyte or utf8 == "utf-8-sig":
        # Valid UTF-8 letters and bytes that are not UTF-8 in one file: decoding
        # it either way garbles one of them, so say where it breaks.
        raise InputFileError(path, f"mixes UTF-8 with another encoding: byte 0x{byte:02X} (byte {offset + 1:,} "
                                   "of the file) is not valid UTF-8 although other lines are; fix that line or "
                                   "re-export the file as UTF-8", f"line {line}")
    # Not UTF-8 anywhere: the usual suspect is a Windows (Excel) export. cp1252
    # leaves five bytes undefined; latin-1 decodes everything.
    return "latin-1" if evidence.cp1252_undefined else "cp1252"


@dataclass
class _Utf8Evidence:
    multibyte: bool = False  # valid UTF-8 sequences of non-ASCII characters were seen
    first_bad: tuple[int, int, int] | None = None  # (byte offset, line, byte) of the first non-UTF-8 byte
    cp1252_undefined: bool = False


# A non-ASCII character written in UTF-8 (what a Windows-1252 file almost never holds).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
# A gzip file that expands more than this much is a decompression bomb, not an export
# (real exports compress 3-20x; gzip's ceiling is about 1,000x).
_MAX_EXPANSION = 200
_EXPANSION_CHECKED_AFTER = 16 << 20


def _utf8_evidence(path: str, opener: Callable[[], IO[bytes]], compressed_size: int | None) -> _Utf8Evidence:
    """Read the whole file once: is it UTF-8, and if not, where does that break?

    The first 64 KB are not enough: one stray Windows byte there would make a
    UTF-8 file decode as Windows-1252 (cafÃ©), and a Windows file whose first
    accent comes late would be refused as broken UTF-8.
    """
    found = _Utf8Evidence()
    offset = 0
    carry = b""
    try:
        with opener() as raw:
            while True:
                block = raw.read(1 << 20)
                final = not block
                data = carry + block
                data, carry = (data, b"") if final else _split_incomplete(data)
                if compressed_size is not None:
                    _refuse_bomb(path, raw, offset)
                if not data.isascii():
                    _inspect_non_ascii(data, offset, found)
                    if found.multibyte and found.first_bad is not None:
                        break
                if final:
                    break
                offset += len(data)
    except (OSError, EOFError, zlib.error):
        return found  # a corrupt gzip stream: reported with its reason when the rows are read
    if found.first_bad is not None:
        # Only now, on the way to an error, count the lines before the bad byte.
        at, _, byte = found.first_bad
        found.first_bad = (at, _line_of(opener, at), byte)
    return found


def _refuse_bomb(path: str, gz: Any, expanded: int) -> None:
    consumed = gz.fileobj.tell() if getattr(gz, "fileobj", None) is not None else 0
    if expanded > _EXPANSION_CHECKED_AFTER and expanded > _MAX_EXPANSION * max(consumed, 1):
        raise InputFileError(path, f"the gzip file expands more than {_MAX_EXPANSION} times ({consumed:,} "
                                   f"compressed bytes gave over {expanded:,}): it is a decompression bomb or "
                                   "not an export; compress the real export")


def _line_of(opener: Callable[[], IO[bytes]], offset: int) -> int:
    """The line (1-based) that byte ``offset`` of the file is on."""
    lines = 1
    with opener() as raw:
        while offset > 0:
            block = raw.read(min(1 << 20, offset))
            if not block:
                break
            lines += _count_lines(block)
            offset -= len(block)
    return lines


def _inspect_non_ascii(data: bytes, offset: int, found: _Utf8Evidence) -> None:
    if found.first_bad is None:
        try:
            data.decode("utf-8")
            found.multibyte = True
            return
        except UnicodeDecodeError as exc:
            found.first_bad = (offset + exc.start, 0, data[exc.start])
    if not found.multibyte and _UTF8_SEQUENCE.search(data):
        found.multibyte = True
    if not found.cp1252_undefined:
        found.cp1252_undefined = any(b in data for b in _CP1252_UNDEFINED)


def _split_incomplete(data: bytes) -> tuple[bytes, bytes]:
    """``data`` cut before a UTF-8 sequence its last bytes only begin."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return data, b""
        if byte >= 0xC0:
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return (data[:-back], data[-back:]) if needed > back else (data, b"")
    return data, b""


def _decode_sample(head: bytes, encoding: str, at_eof: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(head, final=at_eof)


def _looks_binary(text: str) -> bool:
    """True for images, executables, random bytes: text has almost no control chars."""
    sample = text[:8192]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\v")
    bad = controls + sample.count("\ufffd")
    return bad > max(2, len(sample) // 50)


def _text_stream(raw: IO[bytes], encoding: str, newline: str | None = "") -> io.TextIOWrapper:
    return io.TextIOWrapper(raw, encoding=encoding, newline=newline)


def _decode_error(path: str, opener: Callable[[], IO[bytes]], encoding: str,
                  exc: UnicodeDecodeError) -> InputFileError:
    """Turn a decode error met while streaming into one naming the line.

    TextIOWrapper decodes in chunks, so the position in the exception is
    relative to a chunk; rescanning the raw bytes (only on this error path)
    gives the exact line.
    """
    line = _first_undecodable_line(opener, encoding)
    where = f"line {line}" if line else None
    return InputFileError(path, _decode_problem(encoding, exc), where)


def _decode_problem(encoding: str, exc: UnicodeDecodeError) -> str:
    if encoding.startswith("utf-8"):
        return "not valid UTF-8; re-export the file as UTF-8"
    return f"cannot be decoded as {encoding} ({exc.reason}); re-export the file as UTF-8"


def _first_undecodable_line(opener: Callable[[], IO[bytes]], encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)()
    newlines = 0
    try:
        with opener() as raw:
            while True:
                block = raw.read(1 << 20)
                final = not block
                try:
                    decoder.decode(block, final=final)
                except UnicodeDecodeError as exc:
                    # Bytes already buffered by the decoder belong to this block's start.
                    return newlines + block[: max(exc.start, 0)].count(b"\n") + 1
                newlines += block.count(b"\n")
                if final:
                    return None
    except (OSError, EOFError, zlib.error):
        return None


def _stream_errors(path: str, opener: Callable[[], IO[bytes]], encoding: str | None,
                   exc: BaseException) -> InputFileError:
    """Map low-level failures while streaming to an actionable InputFileError."""
    if isinstance(exc, UnicodeDecodeError) and encoding:
        return _decode_error(path, opener, encoding, exc)
    return InputFileError(path, f"the compressed file is corrupt or truncated ({exc}); "
                                "compress it again or import it uncompressed")


_STREAM_FAILURES = (UnicodeDecodeError, EOFError, zlib.error, gzip.BadGzipFile)


# --------------------------------------------------------------------------- CSV / TSV


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
    # strict: an unterminated quote at the end of the file must be an error,
    # not one giant last field that silently swallows the remaining rows.
    # A file whose lines end in \n (LF or CRLF) holds a lone \r only inside text: a
    # tweet or a pasted paragraph. Only a file with no \n at all ends its lines in \r.
    lone_cr_is_text = "\n" in text_head
    blanks = _BlankLines(lone_cr_is_text)
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
    if encoding in _BLOCK_ENCODINGS and "\n" in text_head:
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


# --------------------------------------------------------------------------- files in blocks
#
# A process that parses every row itself cannot feed several workers fast
# enough, so for big CSV and JSON Lines files the reading process only cuts
# the raw bytes into blocks of whole records and the workers parse them.
# JSON Lines are cut after any b"\n". CSV is cut after
# a b"\n" preceded by an even number of quote characters: outside any quoted
# field in well-formed CSV. A stray quote inside an unquoted cell (5" screen)
# can fool that count, so each worker's csv.reader checks its own block: a
# block whose last record is still open at the end says so
# (BlockRecords.unfinished_line), and the caller parses that record again
# joined to the next block. A block is only trusted when the one before it
# ended cleanly, which makes every accepted block start on a real record.

BLOCK_BYTES = 1 << 20
# With a stray quote the count may never come out even again: cut anyway at
# this size and let the workers' parsers tell where records end.
_FORCED_CUT_BYTES = 8 << 20
# Encodings in which b'"' and b"\n" are always those characters (never part of
# a multi-byte one), and the codec to decode blocks after the first with.
_BLOCK_ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "cp1252": "cp1252", "latin-1": "latin-1"}
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_LF = re.compile(rb"\n")  # where a lone \r is text (see _read_csv)


@dataclass(frozen=True)
class BlockLayout:
    """What a worker needs to parse blocks of one file."""

    path: str
    format: str  # 'csv' | 'tsv' | 'jsonl'
    encoding: str
    delimiter: str | None = None  # CSV/TSV
    columns: tuple[str, ...] = ()  # CSV/TSV: the header
    lone_cr_is_text: bool = False  # CSV/TSV: lines end at \n only


@dataclass(frozen=True)
class Block:
    """Whole lines of a file's data rows, starting at physical line ``first_line``."""

    first_line: int
    data: bytes
    last: bool  # the block reaches the end of the file
    lone_cr_is_text: bool = False  # lines end at \n only

    def from_line(self, lines: int) -> Block:
        """The block without its first ``lines`` lines."""
        cut = 0
        line_break = _LF if self.lone_cr_is_text else _LINE_BREAK
        for cut_at, _ in zip(line_break.finditer(self.data), range(lines)):
            cut = cut_at.end()
        return Block(self.first_line + lines, self.data[cut:], self.last, self.lone_cr_is_text)

    def joined(self, following: Block) -> Block:
        return Block(self.first_line, self.data + following.data, following.last, self.lone_cr_is_text)


def _count_lines(data: bytes, lone_cr_is_text: bool = False) -> int:
    # As io and csv count them: \r\n, a lone \r and \n each end a line (or \n only).
    if lone_cr_is_text:
        return data.count(b"\n")
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _blocks(path: str, opener: Callable[[], IO[bytes]], encoding: str, header_lines: int,
            quoted: bool, lone_cr_is_text: bool = False) -> Iterator[Block]:
    """The file after its first ``header_lines`` lines in blocks; ``quoted``: CSV,
    whose records may hold line breaks inside quotes."""
    try:
        with opener() as raw:
            pending = _skip_lines(raw, header_lines, _LF if lone_cr_is_text else _LINE_BREAK)
            if not header_lines and encoding == "utf-8-sig":
                pending = raw.read(len(codecs.BOM_UTF8)).removeprefix(codecs.BOM_UTF8)
            first_line = header_lines + 1
            while True:
                chunk = raw.read(BLOCK_BYTES)
                if not chunk:
                    break
                pending += chunk
                if quoted:
                    cut = _record_end(pending, forced=len(pending) >= _FORCED_CUT_BYTES)
                else:
                    cut = pending.rfind(b"\n") + 1
                if cut == 0:
                    continue
                block = pending[:cut]
                pending = pending[cut:]
                if block.strip(b"\r\n"):
                    yield Block(first_line, block, False, lone_cr_is_text)
                # else: only blank lines (padding, a hostile file): nothing for a worker to do
                first_line += _count_lines(block, lone_cr_is_text)
            yield Block(first_line, pending, True, lone_cr_is_text)
    except _STREAM_FAILURES as exc:
        raise _stream_errors(path, opener, encoding, exc) from exc


def _skip_lines(raw: IO[bytes], lines: int, line_break: re.Pattern[bytes]) -> bytes:
    """Read past the first ``lines`` lines (the header); what was read beyond them."""
    buffered = b""
    while True:
        breaks = list(zip(line_break.finditer(buffered), range(lines)))
        # A \r at the very end may be the first half of \r\n: read on to know.
        if len(breaks) == lines and (not breaks or breaks[-1][0].end() < len(buffered)):
            return buffered[breaks[-1][0].end():] if breaks else buffered
        more = raw.read(min(BLOCK_BYTES, 1 << 16))  # little beyond the header: blocks stay even
        if not more:
            return b""
        buffered += more


def _record_end(data: bytes, forced: bool) -> int:
    """Where to cut ``data``: after the last b"\n" with an even number of quotes
    before it; 0 when there is none (forced: after the last b"\n" at all)."""
    quotes_before = data.count(b'"')  # in data[:end]
    end = len(data)
    while (newline := data.rfind(b"\n", 0, end)) != -1:
        quotes_before -= data.count(b'"', newline, end)
        if quotes_before % 2 == 0:
            return newline + 1
        end = newline
    if forced:
        return data.rfind(b"\n") + 1
    return 0


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
    lone_crs = layout.lone_cr_is_text and "\r" in text and _LONE_CR_IN_TEXT.search(text) is not None
    if lone_crs:
        text = _LONE_CR_IN_TEXT.sub(_LONE_CR, text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter, strict=True)
    records: list[tuple[int, dict[str, Any]]] = []
    unfinished_line = None
    try:
        records.extend(_csv_records(reader, layout.columns, block.first_line))
    except _BrokenRecord as broken:
        if block.last or _UNCLOSED_QUOTE not in str(broken.error):
            raise InputFileError(layout.path, _csv_problem(broken.error), f"line {broken.line}") from None
        unfinished_line = broken.line
    if lone_crs:
        records = [(number, _restore_lone_cr_cells(record)) for number, record in records]
    return BlockRecords(_capped_block(block, records), unfinished_line)


# --------------------------------------------------------------------------- cell sizes

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


def _capped_block(block: Block, records: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    # No cell can be longer than the block it came in: most blocks need no look.
    if len(block.data) <= MAX_CELL_CHARS:
        return records
    return [(number, _cap_cells(record)) for number, record in records]


_LONE_CR_IN_TEXT = re.compile(r"\r(?!\n|\Z)")  # at the end of the file a \r ends the line, as io reads it


def _restore_lone_cr_cells(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value.replace(_LONE_CR, "\r") if isinstance(value, str) else
            [v.replace(_LONE_CR, "\r") if isinstance(v, str) else v for v in value] if isinstance(value, list)
            else value for key, value in record.items()}


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
                         f"(the first '{name}' is the one profiles use; --map '{new}=FIELD' picks another)")
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


# --------------------------------------------------------------------------- Excel


def _read_xlsx(path: str, opener: Callable[[], IO[bytes]], compressed: bool) -> RawTable:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # openpyxl needs a seekable file; a gzipped workbook is read into memory.
        source: Any = io.BytesIO(opener().read()) if compressed else opener()
        _refuse_zip_bomb(path, source)
        wb = load_workbook(source, read_only=True, data_only=True)
        if not wb.worksheets:
            raise InputFileError(path, "the workbook has no sheets")
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header: list[str] | None = None
        header_row = 0
        for number, values in enumerate(it, start=1):
            if any(v is not None and str(v).strip() for v in values):
                header = ["" if v is None else str(v) for v in values]
                header_row = number
                break
    except InputFileError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, EOFError,
            zlib.error, ValueError, *_XML_FAILURES) as exc:
        raise InputFileError(path, f"the Excel file is corrupt or not an .xlsx workbook ({_first_line(exc)}); "
                                   "open and save it again in Excel, or export CSV") from exc
    if header is None:
        wb.close()
        raise InputFileError(path, "the first sheet of the workbook is empty")
    while header and not header[-1].strip():
        header.pop()  # read-only sheets often report trailing blank columns
    header, notes = _distinct_identifiers(header)
    return RawTable(path, "xlsx", None, list(header),
                    _xlsx_rows(path, wb, it, header, header_row), compressed, notes=notes)


def _xlsx_rows(path: str, wb: Any, it: Iterator[tuple[Any, ...]], header: list[str],
               header_row: int) -> Iterator[tuple[int, dict[str, Any]]]:
    import zipfile

    columns = header
    ncols = len(columns)
    repeated = _repeated_positions(columns)
    try:
        for number, values in enumerate(it, start=header_row + 1):
            cells = [_xlsx_cell(v) for v in values]
            if not any(c is not None for c in cells):
                continue
            record: dict[str, Any] = {}
            for i, name in enumerate(columns):
                if name in repeated:
                    if name not in record:
                        record[name] = [cells[j] for j in repeated[name]
                                        if j < len(cells) and cells[j] is not None]
                else:
                    record[name] = cells[i] if i < len(cells) else None
            extra = [c for c in cells[ncols:] if c is not None]
            if extra:
                record[OVERFLOW_KEY] = extra
            yield number, _cap_cells(record)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error, ValueError, *_XML_FAILURES) as exc:
        raise InputFileError(path, f"the Excel file is corrupt ({_first_line(exc)}); open and save it "
                                   "again in Excel, or export CSV") from exc
    finally:
        wb.close()


def _xml_failures() -> tuple[type[BaseException], ...]:
    from xml.etree.ElementTree import ParseError

    failures: list[type[BaseException]] = [ParseError]
    try:
        # openpyxl parses with defusedxml when it is installed (rca requires it):
        # entity expansion (billion laughs) and external entities are refused.
        from defusedxml import DefusedXmlException
        failures.append(DefusedXmlException)
    except ImportError:
        pass
    return tuple(failures)


_XML_FAILURES = _xml_failures()
# A workbook part that expands more than this much is a zip bomb (a 300 KB file
# holding one 300 MB string), refused before openpyxl loads it into memory.
_MAX_XLSX_PART_BYTES = 256 << 20


def _refuse_zip_bomb(path: str, source: IO[bytes]) -> None:
    import zipfile

    with zipfile.ZipFile(source) as archive:
        for member in archive.infolist():
            if member.file_size > _MAX_XLSX_PART_BYTES or (
                    member.file_size > _EXPANSION_CHECKED_AFTER
                    and member.file_size > _MAX_EXPANSION * max(member.compress_size, 1)):
                raise InputFileError(path, f"the workbook part {member.filename} expands to "
                                           f"{member.file_size:,} bytes (from {member.compress_size:,}): "
                                           "a zip bomb or not a real export; export the data as CSV")
    source.seek(0)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].rstrip(".") if text else type(exc).__name__


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        return value if value.strip() else None
    return value


# --------------------------------------------------------------------------- JSON


def _looks_like_jsonl(text: str, at_eof: bool) -> bool:
    """'{...}\\n{...}': a complete object, a newline, and another value."""
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except (json.JSONDecodeError, RecursionError):
        return False  # one huge object (or broken JSON): let the JSON path report it
    rest = text[end:]
    return "\n" in rest[: len(rest) - len(rest.lstrip())] and bool(rest.strip())


def _read_json(path: str, opener: Callable[[], IO[bytes]], encoding: str,
               compressed: bool) -> RawTable:
    """A JSON array of records, or an object holding one, read one record at a time.

    An object is read twice: once to find which of its lists holds the records
    (without keeping any), then to stream that list. Memory is bounded by the
    largest record, whatever the padding or the number of records.
    """
    if _first_json_char(path, opener, encoding) == "{":
        key = _choose_record_list(path, opener, encoding)
        if key is _JSONL:
            # JSON Lines whose first record was too big for the detection sample.
            return _read_jsonl(path, opener, encoding, compressed)
        if key is None:
            return RawTable(path, "json", encoding, [], iter(()), compressed)  # {"tickets": [], "count": 0}
    else:
        key = None
    records = _json_records(path, opener, encoding, key)
    head: list[tuple[int, dict[str, Any]]] = []
    for item in records:
        head.append(item)
        if len(head) >= _COLUMN_SCAN_RECORDS:
            break
    columns = _union_columns([rec for _, rec in head])
    return RawTable(path, "json", encoding, columns, chain(head, records), compressed)


_JSONL = object()
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
# One record may be big (a pasted log), not unbounded.
MAX_JSON_RECORD_CHARS = 64 << 20
_JSON_READ_CHARS = 1 << 20


class _JsonText:
    """A JSON document decoded piece by piece from a text stream.

    Only the text from the value being read onwards is kept; ``line_base``
    counts the lines of what was dropped, so errors still name the file's line.
    """

    def __init__(self, path: str, stream: IO[str]):
        self.path = path
        self.stream = stream
        self.text = ""
        self.pos = 0
        self.eof = False
        self.line_base = 0
        self.decoder = json.JSONDecoder()

    def _more(self, chars: int = _JSON_READ_CHARS) -> bool:
        if self.eof:
            return False
        if self.pos > _JSON_READ_CHARS:
            self.line_base += self.text.count("\n", 0, self.pos)
            self.text = self.text[self.pos:]
            self.pos = 0
        piece = self.stream.read(chars)
        if not piece:
            self.eof = True
            return False
        self.text += piece
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            self.pos = _JSON_SPACE.match(self.text, self.pos).end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self._more():
                return ""

    def expect(self, chars: str, what: str) -> str:
        ch = self.peek()
        if not ch or ch not in chars:
            raise self._error(f"expected {what}" if ch else None)
        self.pos += 1
        return ch

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.text, self.pos)
            except RecursionError:
                raise _too_deep(self.path, self.where()) from None
            except json.JSONDecodeError as exc:
                size = len(self.text) - self.pos
                near_end = exc.pos > len(self.text) - 1000 or exc.msg.startswith("Unterminated string")
                if near_end and size > MAX_JSON_RECORD_CHARS:
                    raise InputFileError(self.path, f"a JSON value is longer than {MAX_JSON_RECORD_CHARS:,} "
                                                    "characters; split the export", self.where()) from None
                # Perhaps only cut off by the end of what was read so far: read on.
                if near_end and self._more(max(size, _JSON_READ_CHARS)):
                    continue
                raise _json_error(self.path, self.text, exc, self.line_base) from None
            if end == len(self.text) and self._more():
                continue  # a number may go on in what is not read yet
            raw = self.text[self.pos:end]
            self.pos = end
            if "\\u" in raw:
                value = _without_lone_surrogates(value)
            return value

    def where(self) -> str:
        return f"line {self.line_base + self.text.count(chr(10), 0, self.pos) + 1}"

    def _error(self, problem: str | None) -> InputFileError:
        if problem is None:
            return InputFileError(self.path, "JSON ends early; the file looks truncated, export it again",
                                  self.where())
        return InputFileError(self.path, f"invalid JSON ({problem})", self.where())

    def items(self) -> Iterator[Any]:
        """The elements of the array that starts here."""
        self.expect("[", "'['")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self.expect(",]", "',' or ']'") == "]":
                return

    def members(self) -> Iterator[str]:
        """The keys of the object that starts here; the caller reads or skips each value."""
        self.expect("{", "'{'")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            self.expect(":", "':'")
            yield key
            if self.expect(",}", "',' or '}'") == "}":
                return


def _without_lone_surrogates(value: Any) -> Any:
    """JSON may escape half a character (\\ud800); such text cannot be stored: U+FFFD instead."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@contextlib.contextmanager
def _json_text(path: str, opener: Callable[[], IO[bytes]], encoding: str) -> Iterator[_JsonText]:
    try:
        with _text_stream(opener(), encoding, newline=None) as stream:
            yield _JsonText(path, stream)
    except _STREAM_FAILURES as exc:
        raise _stream_errors(path, opener, encoding, exc) from exc


def _first_json_char(path: str, opener: Callable[[], IO[bytes]], encoding: str) -> str:
    with _json_text(path, opener, encoding) as doc:
        return doc.peek().lstrip("\ufeff")[:1]


def _choose_record_list(path: str, opener: Callable[[], IO[bytes]], encoding: str) -> Any:
    """The keys leading to the list of records in the top-level object: ``("tickets",)``,
    or one level down as search APIs write it, ``("hits", "hits")`` (CFPB) or
    ``("_embedded", "conversations")`` (Help Scout). None: only empty lists;
    _JSONL: the file is JSON Lines."""
    top: dict[tuple[str, ...], int] = {}
    nested: dict[tuple[str, ...], int] = {}
    empty = False

    def count_list(found: dict[tuple[str, ...], int], keys: tuple[str, ...]) -> None:
        nonlocal empty
        count = 0
        records = True
        for count, item in enumerate(doc.items(), 1):
            records = records and (count > 50 or isinstance(item, dict))
        if count and records:
            found[keys] = count
        empty = empty or not count

    with _json_text(path, opener, encoding) as doc:
        for key in doc.members():
            if doc.peek() == "[":
                count_list(top, (key,))
            elif doc.peek() == "{":
                for inner in doc.members():
                    if doc.peek() == "[":
                        count_list(nested, (key, inner))
                    else:
                        doc.value()
            else:
                doc.value()
        if doc.peek():
            if doc.peek() == "{":
                return _JSONL
            raise doc._error("extra data after the document")
    # A list at the top wins over one a level down (which may be metadata).
    lists = top or nested
    if not lists:
        if empty:
            return None
        raise InputFileError(path, "the JSON object holds no list of records; export a list of tickets")
    for wrapper in _WRAPPER_KEYS:
        for keys in lists:
            if keys[-1] == wrapper:
                return keys
    return max(lists, key=lists.__getitem__)


def _json_records(path: str, opener: Callable[[], IO[bytes]], encoding: str,
                  keys: tuple[str, ...] | None) -> Iterator[tuple[int, dict[str, Any]]]:
    with _json_text(path, opener, encoding) as doc:
        first = doc.peek()
        if keys is not None:
            for key in keys:
                for member in doc.members():
                    if member == key:
                        break
                    doc.value()
        elif first != "[":
            doc.value()  # a complete single value, or the error that says why not
            raise InputFileError(path, "the JSON document is a single value, not a list of records")
        for number, record in enumerate(doc.items(), 1):
            yield number, _cap_cells(_flatten_checked(path, record, f"record {number}"))
        if keys is None and doc.peek():
            raise doc._error("extra data after the list of records")


def _too_deep(path: str, where: str) -> InputFileError:
    # Python's json module recurses; a hostile file nests until the stack runs out.
    return InputFileError(path, "JSON nested too deeply to be a help-desk export", where)


def _json_error(path: str, text: str, exc: json.JSONDecodeError,
                line_offset: int = 0) -> InputFileError:
    if not text[exc.pos:].strip():
        return InputFileError(path, "JSON ends early; the file looks truncated, export it again",
                              f"line {exc.lineno + line_offset} column {exc.colno}")
    return InputFileError(path, f"invalid JSON ({exc.msg})",
                          f"line {exc.lineno + line_offset} column {exc.colno}")


def _flatten_checked(path: str, record: Any, where: str) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise InputFileError(path, f"a JSON record is a {type(record).__name__}, "
                                   "not an object with fields", where)
    try:
        return flatten(record)
    except RecursionError:
        raise _too_deep(path, where) from None


def _is_id_value_list(value: Any) -> bool:
    """Zendesk's and others' custom fields: ``[{"id": 360011112222, "value": "Kettle"}, ...]``."""
    return bool(value) and isinstance(value, list) and all(
        isinstance(item, dict) and "id" in item and "value" in item for item in value)


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted keys (``via.channel``); lists are kept as they are,
    except id/value lists, which become one column per id (``custom_fields.360011112222``)
    so that ``--map custom_fields.360011112222=product`` can name them."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if _is_id_value_list(value):
            for item in value:
                out[f"{name}.{item['id']}"] = None if item["value"] == "" else item["value"]
        elif isinstance(value, dict):
            if value:
                out.update(flatten(value, name + "."))
            else:
                out[name] = None
        elif value == "":
            out[name] = None
        else:
            out[name] = value
    return out


def _union_columns(records: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for rec in records:
        for key in rec:
            if key not in seen:
                seen[key] = None
    return list(seen)


def _read_jsonl(path: str, opener: Callable[[], IO[bytes]], encoding: str,
                compressed: bool) -> RawTable:
    lines = _jsonl_records(path, opener, encoding)
    # Columns need a look at the first records; buffer them, then keep streaming.
    head: list[tuple[int, dict[str, Any]]] = []
    for item in lines:
        head.append(item)
        if len(head) >= _COLUMN_SCAN_RECORDS:
            break
    columns = _union_columns([rec for _, rec in head])
    block_source = layout = None
    if encoding in _BLOCK_ENCODINGS:
        layout = BlockLayout(path, "jsonl", _BLOCK_ENCODINGS[encoding])
        block_source = lambda: _blocks(path, opener, encoding, 0, quoted=False)  # noqa: E731
    return RawTable(path, "jsonl", encoding, columns, chain(head, lines), compressed,
                    block_source=block_source, block_layout=layout)


def _jsonl_records(path: str, opener: Callable[[], IO[bytes]],
                   encoding: str) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with _text_stream(opener(), encoding, newline=None) as stream:
            yield from _jsonl_lines(path, stream, 1)
    except _STREAM_FAILURES as exc:
        raise _stream_errors(path, opener, encoding, exc) from exc


def _jsonl_lines(path: str, lines: Iterable[str], first_line: int) -> Iterator[tuple[int, dict[str, Any]]]:
    loads = json.loads
    for number, line in enumerate(lines, first_line):
        if not line.strip():
            continue
        line = line.rstrip("\r\n")  # so an error column points inside the line
        try:
            value = loads(line)
        except RecursionError:
            raise _too_deep(path, f"line {number}") from None
        except json.JSONDecodeError as exc:
            raise _json_error(path, line, exc, number - 1) from exc
        if "\\u" in line:
            value = _without_lone_surrogates(value)
        yield number, _cap_cells(_flatten_checked(path, value, f"line {number}"))
