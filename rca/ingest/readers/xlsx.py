"""Excel .xlsx workbooks (read-only, streamed; zip bombs refused)."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any

from rca.errors import InputFileError

from .common import OVERFLOW_KEY, RawTable, _cap_cells, _distinct_identifiers, _repeated_positions
from .encoding import _EXPANSION_CHECKED_AFTER, _MAX_EXPANSION


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
