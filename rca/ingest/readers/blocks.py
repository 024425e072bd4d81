"""Cutting a big CSV or JSON Lines file into blocks of whole records that worker processes parse."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from .common import _count_lines
from .encoding import _STREAM_FAILURES, _stream_errors


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
