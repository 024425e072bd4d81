"""Deciding a text file's encoding on the whole file, and decoding errors that name the line."""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from rca.errors import InputFileError

from .common import _count_lines


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
