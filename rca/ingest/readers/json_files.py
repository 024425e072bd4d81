"""JSON (an array, or an object holding it, read one record at a time) and JSON Lines; records flattened."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import IO, Any

from rca.errors import InputFileError

from .blocks import BlockLayout, _BLOCK_ENCODINGS, _blocks
from .common import RawTable, _COLUMN_SCAN_RECORDS, _WRAPPER_KEYS, _cap_cells
from .encoding import _STREAM_FAILURES, _stream_errors, _text_stream


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
