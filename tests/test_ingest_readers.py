"""rca.ingest.readers: every export shape in, the same (row_number, record) stream out."""

from __future__ import annotations

import codecs
import gzip
import json
import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from rca.errors import InputFileError
from rca.ingest.readers import read_table


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def rows(path: Path) -> list[tuple[int, dict]]:
    return list(read_table(path).rows)


# --------------------------------------------------------------------------- CSV / TSV


def test_csv_with_bom_utf8_multiline_cell_and_line_numbers(tmp_path):
    text = "Id,Subject,Body\n1,Hello,\"line one\nline two\"\n\n2,Café,\n"
    path = write(tmp_path, "t.csv", codecs.BOM_UTF8 + text.encode("utf-8"))
    table = read_table(path)
    assert table.format == "csv"
    assert table.encoding == "utf-8-sig"
    assert table.columns == ["Id", "Subject", "Body"]  # no BOM left on 'Id'
    got = list(table.rows)
    # Record 1 starts on line 2 and spans two lines; the blank line 4 is skipped.
    assert got == [
        (2, {"Id": "1", "Subject": "Hello", "Body": "line one\nline two"}),
        (5, {"Id": "2", "Subject": "Café", "Body": None}),  # empty cell -> None
    ]


def test_a_lone_cr_in_a_file_of_lf_lines_is_text_not_a_line_end(tmp_path):
    # As in real support-tweet exports: a pasted CR inside an unquoted cell.
    path = write(tmp_path, "t.csv", "id,body\n1,Lumia 950XL\r\rWindows 10\n2,\"quoted\rcell\"\n3,last\r")
    assert rows(path) == [(2, {"id": "1", "body": "Lumia 950XL\r\rWindows 10"}),
                          (3, {"id": "2", "body": "quoted\rcell"}),
                          (4, {"id": "3", "body": "last"})]  # a CR that ends the file ends the line


def test_a_file_of_cr_lines_still_ends_its_lines_at_cr(tmp_path):
    path = write(tmp_path, "t.csv", "id,body\r1,one\r2,two\r")
    assert rows(path) == [(2, {"id": "1", "body": "one"}), (3, {"id": "2", "body": "two"})]


def test_csv_keeps_surrounding_spaces_in_values(tmp_path):
    path = write(tmp_path, "t.csv", "a,b\n  x ,y\n")
    assert rows(path) == [(2, {"a": "  x ", "b": "y"})]


def test_utf16_with_bom(tmp_path):
    path = write(tmp_path, "t.csv", "Id,Subject\n1,naïve €\n", encoding="utf-16")
    table = read_table(path)
    assert table.encoding == "utf-16"
    assert list(table.rows) == [(2, {"Id": "1", "Subject": "naïve €"})]


def test_utf16_without_bom_detected_by_nul_pattern(tmp_path):
    path = write(tmp_path, "t.txt", "Id\tSubject\n1\tcafé\n", encoding="utf-16-le")
    table = read_table(path)
    assert table.encoding == "utf-16-le"
    assert table.format == "tsv"
    assert list(table.rows) == [(2, {"Id": "1", "Subject": "café"})]


def test_cp1252_fallback_decodes_accents_and_euro(tmp_path):
    path = write(tmp_path, "t.csv", "Id;Subject\n1;Prix: 5€ trop élevé\n", encoding="cp1252")
    table = read_table(path)
    assert table.encoding == "cp1252"
    assert table.delimiter == ";"
    assert list(table.rows) == [(2, {"Id": "1", "Subject": "Prix: 5€ trop élevé"})]


@pytest.mark.parametrize("delimiter, fmt", [(",", "csv"), (";", "csv"), ("\t", "tsv"), ("|", "csv")])
def test_delimiter_counted_on_header_outside_quotes(tmp_path, delimiter, fmt):
    # The quoted header cell holds the other candidate delimiters; they must not count.
    header = delimiter.join(['"Subject, long; name|x"', "Body", "Date"])
    line = delimiter.join(['"a,b;c"', "text", "2025-07-14"])
    path = write(tmp_path, "t.txt", f"{header}\n{line}\n")
    table = read_table(path)
    assert table.format == fmt
    assert table.columns == ["Subject, long; name|x", "Body", "Date"]
    assert list(table.rows) == [(2, {"Subject, long; name|x": "a,b;c", "Body": "text",
                                     "Date": "2025-07-14"})]


def test_excel_sep_line_is_honoured(tmp_path):
    path = write(tmp_path, "t.csv", "sep=;\nA;B\n1,5;2\n")
    table = read_table(path)
    assert table.columns == ["A", "B"]
    assert list(table.rows) == [(3, {"A": "1,5", "B": "2"})]


def test_repeated_columns_become_lists_of_non_empty_values(tmp_path):
    text = ("Issue key,Labels,Labels,Labels,Comment,Comment\n"
            "RC-1,charger,,usb-c,first,\n"
            "RC-2,,,,,\n")
    table = read_table(write(tmp_path, "jira.csv", text))
    assert table.columns == ["Issue key", "Labels", "Labels", "Labels", "Comment", "Comment"]
    got = list(table.rows)
    assert got[0] == (2, {"Issue key": "RC-1", "Labels": ["charger", "usb-c"], "Comment": ["first"]})
    assert got[1] == (3, {"Issue key": "RC-2", "Labels": [], "Comment": []})


def test_short_and_long_rows_keep_every_value(tmp_path):
    table = read_table(write(tmp_path, "t.csv", "a,b,c\n1\n1,2,3,4,\n"))
    got = list(table.rows)
    assert got[0] == (2, {"a": "1", "b": None, "c": None})
    assert got[1] == (3, {"a": "1", "b": "2", "c": "3", "_overflow": ["4"]})


def test_ten_megabyte_cell(tmp_path):
    big = "x" * (10 * 1024 * 1024)
    path = write(tmp_path, "big.csv", f'id,body\n1,"{big}"\n')
    [(number, record)] = rows(path)
    assert number == 2 and len(record["body"]) == len(big)


def test_csv_streams_with_flat_memory(tmp_path):
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("id,subject,body\n")
        for i in range(200_000):
            f.write(f"{i},subject {i},the charger stopped working after {i} days\n")
    table = read_table(path)
    tracemalloc.start()
    count = 0
    for number, record in table.rows:
        count += 1
        if count == 1:
            assert (number, record["id"]) == (2, "0")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 200_000
    assert number == 200_001
    # The file is ~10 MB; streaming keeps far less than that alive.
    assert peak < 3_000_000, peak


# --------------------------------------------------------------------------- Excel


def test_xlsx_first_non_empty_row_is_header_and_dates_are_datetimes(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append([])
    ws.append(["Ticket ID", "Created", "Tag", "Tag", "Subject"])
    ws.append([101, datetime(2025, 7, 14, 15, 42), "a", None, "Broken lid"])
    ws.append([None, None, None, None, None])
    ws.append([102, datetime(2025, 7, 15), "b", "c", "  "])
    wb.create_sheet("second").append(["ignored"])
    path = tmp_path / "export.xlsx"
    wb.save(path)
    table = read_table(path)
    assert (table.format, table.encoding) == ("xlsx", None)
    assert table.columns == ["Ticket ID", "Created", "Tag", "Tag", "Subject"]
    assert list(table.rows) == [
        (3, {"Ticket ID": 101, "Created": datetime(2025, 7, 14, 15, 42), "Tag": ["a"],
             "Subject": "Broken lid"}),
        (5, {"Ticket ID": 102, "Created": datetime(2025, 7, 15), "Tag": ["b", "c"],
             "Subject": None}),
    ]


def test_xlsx_detected_by_content_not_extension(tmp_path):
    wb = Workbook()
    wb.active.append(["a"])
    wb.active.append(["x"])
    path = tmp_path / "export.csv"  # misnamed
    wb.save(path)
    table = read_table(path)
    assert table.format == "xlsx"
    assert list(table.rows) == [(2, {"a": "x"})]


# --------------------------------------------------------------------------- JSON


ZENDESK_JSON = {
    "tickets": [
        {"id": 35436, "created_at": "2025-07-14T15:42:00Z", "subject": "Charger",
         "description": "It stopped working", "status": "open",
         "tags": ["charger", "hardware"], "via": {"channel": "web", "source": {"from": {}, "to": {}}},
         "custom_fields": [{"id": 27642, "value": "745"}], "satisfaction_rating": None},
        {"id": 35437, "created_at": "2025-07-15T08:00:00Z", "subject": "Typo",
         "description": "Delivey", "status": "new", "tags": [],
         "via": {"channel": "email", "source": {"from": {"address": "a@b.example"}}},
         "extra_field": ""},
    ],
    "next_page": None,
    "count": 2,
}


def test_zendesk_json_object_is_unwrapped_and_flattened(tmp_path):
    path = write(tmp_path, "tickets.json", json.dumps(ZENDESK_JSON, indent=2))
    table = read_table(path)
    assert table.format == "json"
    assert table.columns[:6] == ["id", "created_at", "subject", "description", "status", "tags"]
    assert "via.channel" in table.columns and "via.source.from.address" in table.columns
    assert "extra_field" in table.columns
    got = list(table.rows)
    assert [n for n, _ in got] == [1, 2]
    first = got[0][1]
    assert first["via.channel"] == "web"
    assert first["tags"] == ["charger", "hardware"]
    assert first["custom_fields.27642"] == "745"  # id/value lists become one column per id
    assert "custom_fields" not in first
    assert got[1][1]["via.source.from.address"] == "a@b.example"
    assert got[1][1]["extra_field"] is None


def test_json_wrapper_picks_the_list_of_objects(tmp_path):
    doc = {"meta": {"page": 1}, "links": ["a", "b"], "results": [{"id": 1}, {"id": 2}]}
    got = rows(write(tmp_path, "x.json", json.dumps(doc)))
    assert got == [(1, {"id": 1}), (2, {"id": 2})]


def test_jsonl_streams_with_line_numbers(tmp_path):
    text = '{"id": 1, "a": {"b": 2}}\n\n{"id": 2, "c": [1, 2]}\n'
    table = read_table(write(tmp_path, "data.jsonl", text))
    assert table.format == "jsonl"
    assert table.columns == ["id", "a.b", "c"]
    assert list(table.rows) == [(1, {"id": 1, "a.b": 2}), (3, {"id": 2, "c": [1, 2]})]


def test_jsonl_detected_by_content(tmp_path):
    table = read_table(write(tmp_path, "export.txt", '{"id": 1}\n{"id": 2}\n'))
    assert table.format == "jsonl"
    assert [n for n, _ in table.rows] == [1, 2]


def test_gzip_detected_by_magic_bytes(tmp_path):
    path = write(tmp_path, "export.bin", gzip.compress(json.dumps(ZENDESK_JSON).encode()))
    table = read_table(path)
    assert (table.format, table.compressed) == ("json", True)
    assert [r["id"] for _, r in table.rows] == [35436, 35437]


def test_gzipped_csv_streams(tmp_path):
    path = write(tmp_path, "t.csv.gz", gzip.compress("a;b\n1;2\n3;4\n".encode("cp1252")))
    table = read_table(path)
    assert (table.format, table.compressed, table.delimiter) == ("csv", True, ";")
    assert list(table.rows) == [(2, {"a": "1", "b": "2"}), (3, {"a": "3", "b": "4"})]


# --------------------------------------------------------------------------- broken files


def expect_error(path: Path, *, problem: str, location: str | None = None, stream: bool = False):
    with pytest.raises(InputFileError) as info:
        table = read_table(path)
        if stream:
            list(table.rows)
    err = info.value
    assert problem in err.problem, err.problem
    if location is not None:
        assert err.location == location
    assert str(path) in str(err)
    return err


def test_empty_file(tmp_path):
    expect_error(write(tmp_path, "e.csv", b""), problem="empty")


def test_blank_lines_only(tmp_path):
    expect_error(write(tmp_path, "e.csv", "\n\n  \n"), problem="blank")


def test_binary_junk(tmp_path):
    junk = bytes((i * 37 + 11) % 256 for i in range(4096))
    expect_error(write(tmp_path, "x.csv", junk), problem="does not look like CSV, Excel or JSON")


def test_png_is_not_a_table(tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    expect_error(write(tmp_path, "x.csv", png), problem="does not look like CSV, Excel or JSON")


def test_truncated_json_names_line_and_column(tmp_path):
    err = expect_error(write(tmp_path, "t.json", '[{"id": 1},\n {"id": '),
                       problem="JSON ends early", location="line 2 column 9")
    assert "line 2 column 9" in str(err)


def test_invalid_json_in_the_middle(tmp_path):
    expect_error(write(tmp_path, "t.json", '[{"id": 1},\n {"id" 2}]'),
                 problem="invalid JSON", location="line 2 column 8")


def test_jsonl_bad_line(tmp_path):
    expect_error(write(tmp_path, "t.jsonl", '{"id": 1}\n{"id": 2\n'), problem="JSON ends early",
                 location="line 2 column 9", stream=True)


def test_invalid_utf8_in_the_middle_names_the_line(tmp_path):
    # Valid UTF-8 for well over the detection sample, then one bad byte on line 5002.
    good = b"".join(b"%d,caf\xc3\xa9 au lait is fine\n" % i for i in range(5000))
    path = write(tmp_path, "t.csv", b"id,text\n" + good + b"x,bad \xff byte\nlast,row\n")
    # The whole file is looked at before any row is read: refused at once.
    with pytest.raises(InputFileError) as info:
        read_table(path)
    assert info.value.location == "line 5002"
    assert "not valid UTF-8" in info.value.problem and "re-export" in info.value.problem


def test_unterminated_quote_at_eof(tmp_path):
    expect_error(write(tmp_path, "t.csv", 'a,b\n1,2\n3,"never closed\n4,5\n'),
                 problem="unterminated quote", location="line 3", stream=True)


def test_corrupt_gzip(tmp_path):
    expect_error(write(tmp_path, "t.csv.gz", b"\x1f\x8b\x08\x00garbage-garbage-garbage"),
                 problem="gzip file is corrupt")


def test_truncated_gzip_fails_while_streaming(tmp_path):
    body = "".join(f"{i},complaint number {i}\n" for i in range(200_000)).encode()
    data = gzip.compress(b"id,text\n" + body)
    path = write(tmp_path, "t.csv.gz", data[: len(data) // 2])
    with pytest.raises(InputFileError) as info:
        list(read_table(path).rows)
    assert "corrupt or truncated" in info.value.problem


def test_corrupt_xlsx(tmp_path):
    expect_error(write(tmp_path, "t.xlsx", b"PK\x03\x04 not really a zip"),
                 problem="Excel file is corrupt")


def test_missing_file(tmp_path):
    expect_error(tmp_path / "nope.csv", problem="not found")
