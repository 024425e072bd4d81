"""Hostile files: mixed encodings, padded and bomb-like compressed files, malformed or
malicious workbooks, broken Unicode, repeated id columns and giant cells (issue 18).

Each file is imported whole with per-row rejects, or refused whole in one line
naming the place; never a traceback, never garbled text, memory bounded.
"""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from rca.db import Database
from rca.errors import InputFileError
from rca.ingest.readers import json_files as readers
from rca.ingest.pipeline import ImportOptions, import_file
from rca.ingest.readers import read_table
from rca.models import Complaint, ImportBatch, Reject

HEADER = b"id,date,subject,body\n"


def counts(database: Database) -> tuple[int, int, int]:
    with database.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Complaint, ImportBatch, Reject))


def subjects(database: Database) -> dict[str, str]:
    with database.session() as session:
        return dict(session.execute(select(Complaint.external_id, Complaint.subject)).all())


def refused(database: Database, path, *words: str) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        import_file(database, path, ImportOptions(source="hostile"))
    message = str(caught.value)
    assert "\n" not in message
    for word in words:
        assert word in message, message
    assert counts(database) == (0, 0, 0)
    return caught.value


# --------------------------------------------------------------------------- encodings

def test_one_stray_windows_byte_in_a_utf8_file_is_refused_with_line_and_byte(database, tmp_path):
    rows = b"".join(b"%d,2026-11-02,caf\xc3\xa9 %d,cr\xc3\xa8me\n" % (i, i) for i in range(1, 3000))
    path = tmp_path / "mixed.csv"
    # The stray byte is in the first 64 KB: it used to make the whole file Windows-1252.
    path.write_bytes(HEADER + b"0,2026-11-02,na\xefve,one stray byte\n" + rows)
    error = refused(database, path, "mixes UTF-8", "0xEF", "byte 37 ")
    assert error.location == "line 2"


def test_a_windows_file_whose_first_accent_comes_late_is_read_as_windows_1252(database, tmp_path):
    ascii_rows = b"".join(b"%d,2026-11-02,plain %d,nothing special here\n" % (i, i) for i in range(1, 4000))
    path = tmp_path / "late.csv"
    path.write_bytes(HEADER + ascii_rows + b"9999,2026-11-02,caf\xe9 cr\xe8me,\x93quoted\x94\n")
    summary = import_file(database, path, ImportOptions(source="w"))
    assert summary.encoding == "cp1252" and summary.new == 4000
    assert subjects(database)["9999"] == "café crème"


def test_a_utf8_file_with_accents_everywhere_is_utf8(database, tmp_path):
    path = tmp_path / "utf8.csv"
    path.write_bytes(HEADER + "1,2026-11-02,café,crème\n2,2026-11-02,Łódź,żółw\n".encode())
    assert import_file(database, path).encoding == "utf-8"
    assert set(subjects(database).values()) == {"café", "Łódź"}


# --------------------------------------------------------------------------- JSON

@pytest.mark.parametrize("name, text", [
    ("surrogate.json", '[{"id": 1, "date": "2026-11-02", "subject": "half \\ud800 a character", "body": "x"}]'),
    ("surrogate.jsonl", '{"id": 1, "date": "2026-11-02", "subject": "half \\udc00 a character", "body": "x"}\n'
                        '{"id": 2, "date": "2026-11-02", "subject": "whole \\ud83d\\ude00", "body": "y"}\n'),
])
def test_a_lone_surrogate_escape_is_stored_as_a_replacement_character(database, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    import_file(database, path, ImportOptions(source="j"))
    stored = subjects(database)
    assert stored["1"] == "half \ufffd a character"
    if "2" in stored:
        assert stored["2"] == "whole 😀"


def test_whitespace_padded_json_is_streamed_in_bounded_memory(tmp_path):
    record = {"id": 1, "date": "2026-11-02", "subject": "s", "body": "b"}
    # Uncompressed: a gzipped one this padded is refused as a bomb (below) before it is read.
    path = tmp_path / "padded.json"
    with path.open("wb") as handle:
        handle.write(b"[" + b" " * (24 << 20) + json.dumps(record).encode() + b"\n" * (8 << 20) + b","
                     + json.dumps({**record, "id": 2}).encode() + b"]")
    tracemalloc.start()
    try:
        table = read_table(path)
        rows = list(table.rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [number for number, _ in rows] == [1, 2] and rows[1][1]["id"] == 2
    assert peak < 16 << 20, f"peak {peak / 2**20:.0f} MiB for a 32 MiB document"


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.dictionaries(st.sampled_from(["id", "subject", "n", "tags", "x.y"]),
                                        st.one_of(JSON_SCALARS, st.lists(JSON_SCALARS, max_size=3)),
                                        min_size=1, max_size=5), min_size=1, max_size=6),
       wrapped=st.booleans(), indent=st.sampled_from([None, 0, 3]))
def test_streamed_json_gives_what_json_loads_gives(tmp_path_factory, monkeypatch, records, wrapped, indent):
    # A buffer of 7 characters: every value straddles a refill.
    monkeypatch.setattr(readers, "_JSON_READ_CHARS", 7)
    document = {"count": len(records), "tickets": records, "next": 12345678} if wrapped else records
    path = tmp_path_factory.mktemp("json") / "t.json"
    path.write_text(json.dumps(document, indent=indent))
    table = read_table(path)
    assert [record for _, record in table.rows] == [readers.flatten(r) for r in records]


@pytest.mark.parametrize("text, words", [
    ('[{"id": 1}, {"id": 2', ["truncated"]),
    ('[{"id": 1}] trailing', ["invalid JSON"]),
    ('{"count": 3}', ["no list of records"]),
    ('[{"id": 1}, {"id": ]', ["invalid JSON"]),
])
def test_broken_json_is_refused_whole(database, tmp_path, text, words):
    path = tmp_path / "broken.json"
    path.write_text(text)
    with pytest.raises(InputFileError) as caught:
        table = read_table(path)
        list(table.rows)
    for word in words:
        assert word in str(caught.value)


# --------------------------------------------------------------------------- bombs and padding

def test_a_gzip_bomb_is_refused_before_it_is_read(database, tmp_path):
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(HEADER + b"1,2026-11-02,s,b\n")
        for _ in range(24):
            handle.write(b"\n" * (1 << 20))
    refused(database, path, "decompression bomb")


def test_blank_lines_are_skipped_with_the_right_line_numbers(database, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\n" * 70_000 + HEADER + b"\n" * 200_000 + b'1,2026-11-02,"kept\n\nblank lines",b\n'
                     + b"\r\n" * 1000 + b"2,not a date,s,b\n")
    summary = import_file(database, path, ImportOptions(source="blank"))
    assert (summary.new, summary.rejected) == (1, 1)
    assert subjects(database)["1"] == "kept\n\nblank lines"
    with database.session() as session:
        assert session.scalar(select(Reject.row_number)) == 70_000 + 1 + 200_000 + 3 + 1000 + 1


# --------------------------------------------------------------------------- workbooks

def workbook(tmp_path, name: str, sheet: bytes | None = None, shared: bytes | None = None):
    from openpyxl import Workbook

    plain = tmp_path / "plain.xlsx"
    book = Workbook()
    book.active.append(["id", "date", "subject", "body"])
    book.active.append([1, "2026-11-02", "hello", "world"])
    book.save(plain)
    path = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.namelist():
            data = source.read(item)
            if item == "xl/worksheets/sheet1.xml" and sheet is not None:
                data = sheet if sheet != b"half" else data[: len(data) // 2]
            target.writestr(item, data)
        if shared is not None:
            target.writestr("xl/sharedStrings.xml", shared)
    return path


SHEET = ('<?xml version="1.0"?>{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
         'main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row></sheetData>'
         '</worksheet>')
LAUGHS = "".join(f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10))


@pytest.mark.parametrize("name, sheet", [
    ("truncated.xlsx", b"half"),
    ("laughs.xlsx", SHEET.format(doctype=f'<!DOCTYPE x [<!ENTITY l0 "lol">{LAUGHS}]>', text="&l9;").encode()),
    ("entity.xlsx", SHEET.format(doctype='<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>',
                                 text="&e;").encode()),
])
def test_malformed_or_malicious_workbooks_are_one_line(database, tmp_path, name, sheet):
    refused(database, workbook(tmp_path, name, sheet), "Excel file is corrupt")


def test_a_workbook_part_that_expands_a_thousandfold_is_refused(database, tmp_path):
    huge = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<si><t>" + b"x" * (24 << 20) + b"</t></si></sst>")
    refused(database, workbook(tmp_path, "bomb.xlsx", shared=huge), "zip bomb")


# --------------------------------------------------------------------------- columns and cells

def test_repeated_id_headers_are_not_merged_into_one_id(database, tmp_path):
    path = tmp_path / "ids.csv"
    path.write_bytes(b"Id,Id,Subject,Body,Date\n1,A,s1,b1,2026-11-02\n2,A,s2,b2,2026-11-02\n")
    summary = import_file(database, path, ImportOptions(source="ids"))
    assert summary.new == 2 and set(subjects(database)) == {"1", "2"}
    assert any("'Id' appears more than once" in note and "'Id (2)'" in note for note in summary.notes)


def test_jira_style_repeated_columns_still_hold_all_their_values(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_bytes(b"Issue key,Summary,Labels,Labels,Created\nWEB-1,s,a,b,2026-11-02\n")
    table = read_table(path)
    assert table.columns == ["Issue key", "Summary", "Labels", "Labels", "Created"] and table.notes == []
    assert next(table.rows)[1]["Labels"] == ["a", "b"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_giant_cell_rejects_its_row_with_a_reason_and_a_bounded_copy(database, tmp_path, workers):
    path = tmp_path / "giant.csv"
    path.write_bytes(b"id,date,subject,body,notes\n1,2026-11-02,s,b," + b"x" * (3 << 20)
                     + b"\n2,2026-11-02,fine,fine,n\n")
    summary = import_file(database, path, ImportOptions(source="g", workers=workers))
    assert (summary.new, summary.rejected) == (1, 1)
    with database.session() as session:
        reject = session.scalars(select(Reject)).one()
    assert "'notes' (3,145,728 characters)" in reject.reason
    assert len(json.dumps(reject.raw)) < 100_000


def test_a_long_complaint_is_rejected_and_its_reject_copy_is_bounded(database, tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(HEADER + b"1,2026-11-02,s," + b"y" * 1_000_500 + b"\n")
    summary = import_file(database, path, ImportOptions(source="l"))
    assert summary.rejected == 1
    with database.session() as session:
        raw = session.scalars(select(Reject.raw)).one()
    assert raw["body"].endswith("[cut: 1,000,500 characters]") and len(raw["body"]) < 70_000
