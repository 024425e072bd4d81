"""Big CSV and JSON Lines files are cut into blocks of whole records that worker processes parse.

Every file must come out exactly as the one-process streaming reader reads it:
the same records, row numbers, rejects and errors, however the cuts fall.
Cuts are made tiny here so that they fall inside quoted cells, line breaks and
stray quotes.
"""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from rca.db import Database
from rca.errors import InputFileError
from rca.ingest.readers import blocks as readers
from rca.ingest.pipeline import ImportOptions, import_file
from rca.ingest.readers import Block, parse_block, read_table
from rca.ingest.readers.blocks import _record_end
from rca.models import Complaint, Reject

from .conftest import new_sqlite_url

HEADER = "id,date,subject,body,email\r\n"


@pytest.fixture
def tiny_blocks(monkeypatch):
    monkeypatch.setattr(readers, "BLOCK_BYTES", 64)
    monkeypatch.setattr(readers, "_FORCED_CUT_BYTES", 256)


def records_in_blocks(path):
    """What the workers get, parsed here in order, joining cut records as the import does."""
    table = read_table(path)
    table.close()
    records, carry = [], None
    for block in table.blocks():
        if carry is not None:
            block = carry.joined(block)
        parsed = parse_block(table.block_layout, block)
        records += parsed.records
        carry = None if parsed.unfinished_line is None else block.from_line(parsed.unfinished_line - block.first_line)
    assert carry is None
    return records


def streamed(path):
    return list(read_table(path).rows)


def test_a_cut_falls_after_a_line_end_outside_quotes():
    data = b'1,"a\nb",c\n2,"x\n'
    assert _record_end(data, forced=False) == len(b'1,"a\nb",c\n')
    assert _record_end(b'1,"open\nstill open\n', forced=False) == 0
    assert _record_end(b'1,"open\nstill open\n', forced=True) == len(b'1,"open\nstill open\n')
    assert _record_end(b"no line end yet", forced=True) == 0


def test_a_block_without_its_first_lines_keeps_its_line_numbers():
    block = Block(10, b"a\r\nb\rc\nd", last=True)
    assert block.from_line(3) == Block(13, b"d", last=True)
    assert block.from_line(0) == block


@pytest.mark.parametrize("content", [
    # quoted cells with line breaks, doubled quotes, CRLF, blank lines, short and long rows
    HEADER + '1,2026-11-02,"multi\r\nline ""quoted"" subject","body\nwith\nbreaks",a@x.com\r\n\r\n'
    + '2,2026-11-03,plain,"a, b, c",\r\n3,2026-11-04,short\r\n4,2026-11-05,long,b,c@x.com,extra,cells\r\n',
    # stray quotes inside unquoted cells: the quote count is odd at record ends
    HEADER + "".join(f'{i},2026-11-02,5" screen {i},the 7" tablet is {"broken" * (i % 7)},\n' for i in range(1, 60)),
    # a stray quote, then a quoted cell that spans several blocks
    HEADER + '1,2026-11-02,12" pizza,fine,\n2,2026-11-02,"' + "long cell line\n" * 60 + '",end,\n3,2026-11-02,x,y,\n',
    # a lone CR in a file with LF line ends: text inside the cell, in both readers
    HEADER + "1,2026-11-02,a,b,\r2,2026-11-02,c,d,\n3,2026-11-02,e,f,\n" * 10,
    HEADER + "".join(f"{i},2026-11-02,tweet\r\rsecond paragraph {i},b,\n" for i in range(1, 40)) + "40,x,y,z,\r",
])
def test_blocks_give_the_records_the_streaming_reader_gives(tmp_path, tiny_blocks, content):
    path = tmp_path / "file.csv"
    path.write_bytes(content.encode("utf-8"))
    assert records_in_blocks(path) == streamed(path)


@pytest.mark.parametrize("header, encoding", [
    ("\ufeffid;date;body\n", "utf-8"),  # BOM
    ("sep=;\nid;date;body\n", "utf-8"),  # Excel's delimiter line before the header
    ('id;date;"bo\r\ndy"\r\n', "cp1252"),  # a header cell with a line break
])
def test_blocks_start_after_the_header_whatever_precedes_it(tmp_path, tiny_blocks, header, encoding):
    rows = "".join(f"{i};2026-11-02;caf\u00e9 {i} \u20ac\n" for i in range(1, 40))
    path = tmp_path / "file.csv"
    path.write_bytes((header + rows).encode(encoding))
    records = records_in_blocks(path)
    assert records == streamed(path)
    assert records[0][1]["id"] == "1" and records[0][1]["date"] == "2026-11-02" and len(records) == 39


def test_gzip_files_are_cut_too(tmp_path, tiny_blocks):
    path = tmp_path / "file.csv.gz"
    path.write_bytes(gzip.compress((HEADER + "".join(f'{i},2026-11-02,"s\n{i}",b,\n' for i in range(50))).encode()))
    assert len(records_in_blocks(path)) == 50 and records_in_blocks(path) == streamed(path)


def jsonl(records, line_end="\n"):
    return line_end.join(json.dumps(record, ensure_ascii=False) for record in records) + line_end


@pytest.mark.parametrize("content", [
    jsonl([{"id": i, "created": "2026-11-02", "body": f"caf\u00e9 {i}\nline", "via": {"channel": "web"},
            "tags": ["a", "b"]} for i in range(40)], "\r\n"),
    "\ufeff" + jsonl([{"id": i, "body": "x" * i} for i in range(40)]),  # BOM
    jsonl([{"id": i} for i in range(10)]) + "\n\n  \n" + jsonl([{"id": i} for i in range(10, 30)], "\r"),
])
def test_json_lines_blocks_give_the_records_the_streaming_reader_gives(tmp_path, tiny_blocks, content):
    path = tmp_path / "file.jsonl"
    path.write_bytes(content.encode("utf-8"))
    records = records_in_blocks(path)
    assert records == streamed(path) and len(records) in (30, 40)


def test_a_broken_json_line_is_the_same_error_in_blocks(tmp_path, tiny_blocks):
    path = tmp_path / "file.jsonl"
    path.write_text(jsonl([{"id": i, "body": "text"} for i in range(30)]) + '{"id": 30, "body": "cut\n'
                    + jsonl([{"id": 31}]), encoding="utf-8")
    with pytest.raises(InputFileError) as streaming:
        streamed(path)
    with pytest.raises(InputFileError) as in_blocks:
        records_in_blocks(path)
    assert str(in_blocks.value) == str(streaming.value) and "line 31" in str(streaming.value)


def test_utf16_files_are_not_cut(tmp_path):
    path = tmp_path / "file.csv"
    path.write_bytes((HEADER + "1,2026-11-02,a,b,\n").encode("utf-16"))
    assert read_table(path).blocks() is None


cells = st.text(alphabet=st.sampled_from('ab ,"\n\r\u00e9;'), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=6), min_size=1, max_size=25),
       stray=st.lists(st.integers(min_value=0, max_value=2000), max_size=3))
def test_any_csv_gives_the_same_records_or_the_same_error(tmp_path, tiny_blocks, rows, stray):
    out = io.StringIO(newline="")
    csv.writer(out).writerows([["id", "date", "body"], *rows])
    text = out.getvalue()
    for position in stray:  # quotes where a writer never puts them
        position %= len(text) + 1
        text = text[:position] + '"' + text[position:]
    path = tmp_path / "file.csv"
    path.write_bytes(text.encode("utf-8"))
    try:
        expected = streamed(path)
    except InputFileError as error:
        with pytest.raises(InputFileError) as caught:
            records_in_blocks(path)
        assert str(caught.value) == str(error)
    else:
        assert records_in_blocks(path) == expected


def _import(tmp_path, sqlite_template, path, workers, name):
    folder = tmp_path / name
    folder.mkdir()
    database = Database(new_sqlite_url(sqlite_template, folder))
    try:
        summary = import_file(database, path, ImportOptions(workers=workers))
    except InputFileError as error:
        return str(error)
    with database.session() as session:
        stored = session.execute(select(Complaint.external_id, Complaint.subject, Complaint.body,
                                        Complaint.received_at).order_by(Complaint.id)).all()
        rejects = session.execute(select(Reject.row_number, Reject.reason).order_by(Reject.id)).all()
    database.dispose()
    return summary.rows_read, summary.new, summary.rejected, stored, rejects


def test_worker_processes_store_what_one_process_stores(tmp_path, sqlite_template, tiny_blocks):
    lines = [f'{i},2026-11-{1 + i % 28:02d},5" screen {i},"line one\nline ""two"" of {i}",c{i}@x.com'
             for i in range(1, 300)]
    lines[40] = "41,not a date,subject,body,"  # a reject, with its row number
    lines[41] = '42,2026-11-02,,"",'  # no text: a reject
    path = tmp_path / "file.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    one = _import(tmp_path, sqlite_template, path, 1, "one")
    assert one[:3] == (299, 297, 2) and [number for number, _ in one[4]] == [82, 83]
    assert _import(tmp_path, sqlite_template, path, 2, "two") == one


def test_worker_processes_store_json_lines_as_one_process_does(tmp_path, sqlite_template, tiny_blocks):
    records = [{"id": i, "created_at": f"2026-11-{1 + i % 28:02d}T10:00:00Z", "subject": f"Kettle {i}",
                "body": "it leaks \u2014 call me on 07700 900123", "via": {"channel": "email"}} for i in range(200)]
    records[7]["created_at"] = "yesterday-ish"  # a reject
    path = tmp_path / "file.jsonl"
    path.write_text(jsonl(records), encoding="utf-8")
    one = _import(tmp_path, sqlite_template, path, 1, "one")
    assert one[:3] == (200, 199, 1) and one[4][0][0] == 8 and "[phone]" in one[3][0][2]
    assert _import(tmp_path, sqlite_template, path, 2, "two") == one


def test_a_quote_never_closed_is_the_same_error_in_worker_processes(tmp_path, sqlite_template, tiny_blocks):
    rows = "".join(f"{i},2026-11-02,s,b,\n" for i in range(1, 100))
    path = tmp_path / "file.csv"
    path.write_text(HEADER + rows + '100,2026-11-02,"never closed,b,\n' + rows, encoding="utf-8")
    one = _import(tmp_path, sqlite_template, path, 1, "one")
    assert "line 101" in one and "never closed" in one
    assert _import(tmp_path, sqlite_template, path, 2, "two") == one
