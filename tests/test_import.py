"""rca import end to end: files into the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from click.testing import CliRunner
from sqlalchemy import func, select

from cli.main import cli
from rca.errors import InputFileError, ProfileError
from rca.ingest.pipeline import ImportOptions, import_file
from rca.ingest.rows import _json_strings, _sqlite_datetime, _sqlite_datetime_from_iso
from rca.models import Complaint, ImportBatch, Reject

from .conftest import SAMPLE_DATA

SAMPLES = ["zendesk_export.csv", "jira_export.csv", "zendesk_tickets.json", "freshdesk_export.json"]


def count(database, model=Complaint) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def snapshot(database) -> tuple:
    with database.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Complaint, Reject, ImportBatch))


def write_generic(path, rows, header=("id", "date", "subject", "body", "email")):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_imports_and_reimport_adds_nothing(database, name):
    path = SAMPLE_DATA / name
    first = import_file(database, path)
    assert first.new > 100 and first.rejected == 0 and first.new == first.rows_read - first.duplicate
    assert count(database) == first.new
    again = import_file(database, path)
    assert again.already_imported is not None and again.new == 0
    forced = import_file(database, path, ImportOptions(force=True))
    assert forced.new == 0 and forced.updated == 0 and forced.duplicate == forced.rows_read
    assert count(database) == first.new


def test_sample_profiles_are_detected(database):
    profiles = {name: import_file(database, SAMPLE_DATA / name).profile for name in SAMPLES}
    assert profiles == {"zendesk_export.csv": "zendesk", "jira_export.csv": "jira",
                        "zendesk_tickets.json": "zendesk", "freshdesk_export.json": "freshdesk"}


def test_bad_rows_go_to_rejects_with_reasons(database):
    summary = import_file(database, SAMPLE_DATA / "bad_rows.csv")
    assert (summary.rows_read, summary.new, summary.rejected) == (20, 17, 3)
    with database.session() as session:
        rejects = session.scalars(select(Reject).order_by(Reject.row_number)).all()
    reasons = [r.reason for r in rejects]
    assert any("unparseable date" in r and "not a date" in r for r in reasons)
    assert any("no complaint text" in r for r in reasons)
    assert any("no received date" in r for r in reasons)
    assert all(r.row_number > 1 for r in rejects)  # row numbers a person can find in the file
    assert all(r.raw for r in rejects)  # the original row is kept to fix and re-import


def test_truncated_json_changes_nothing(database):
    import_file(database, SAMPLE_DATA / "zendesk_export.csv")
    before = snapshot(database)
    with pytest.raises(InputFileError) as caught:
        import_file(database, SAMPLE_DATA / "truncated.json")
    assert "line" in str(caught.value)
    assert snapshot(database) == before


@pytest.mark.parametrize("workers", [1, 2])  # 2: the file is read in a thread of its own
def test_broken_csv_midway_rolls_back_the_whole_file(database, tmp_path, workers):
    good = "\n".join(f"{i},2026-11-0{1 + i % 5},Subject {i},Body text {i},a{i}@example.com" for i in range(1, 5000))
    path = tmp_path / "broken.csv"
    # Thousands of good rows, then a quote that is never closed: found only while
    # streaming (the encoding check reads the whole file first, so broken bytes
    # are refused before the transaction), and the file is refused whole.
    path.write_bytes(b"id,date,subject,body,email\n" + good.encode() + b'\n5000,2026-11-02,Bad,"never closed,x@y.z\n')
    before = snapshot(database)
    with pytest.raises(InputFileError, match="line 5001"):
        import_file(database, path, ImportOptions(workers=workers))
    assert snapshot(database) == before


def test_newer_export_updates_changed_fields_without_duplicating(database, tmp_path):
    header = ("id", "date", "subject", "body", "email", "status", "tags")
    old = write_generic(tmp_path / "old.csv", [
        (1, "2026-11-02 10:00", "Kettle broke", "Stopped after a week", "a@example.com", "open", "kettle"),
        (2, "2026-11-03 11:00", "Typo", "Procced to payment", "b@example.com", "open", "web"),
    ], header)
    new = write_generic(tmp_path / "new.csv", [
        (1, "2026-11-02 10:00", "Kettle broke", "Stopped after a week", "a@example.com", "solved", "kettle refund"),
        (2, "2026-11-03 11:00", "Typo", "Procced to payment", "b@example.com", "open", "web"),
        (3, "2026-11-04 12:00", "Price", "Cart shows 49.99, page says 39.99", "c@example.com", "open", ""),
    ], header)
    assert import_file(database, old, ImportOptions(source="desk")).new == 2
    summary = import_file(database, new, ImportOptions(source="desk"))
    assert (summary.new, summary.updated, summary.duplicate) == (1, 1, 1)
    with database.session() as session:
        ticket = session.scalar(select(Complaint).where(Complaint.external_id == "1"))
        assert ticket.ticket_status == "solved" and ticket.tags == ["kettle", "refund"]
        assert ticket.updated_at is not None
    assert count(database) == 3


def test_rows_without_id_are_deduplicated_by_content(database, tmp_path):
    header = ("date", "comment", "email")
    rows = [("2026-11-02", "The checkout says Procced", "a@example.com"),
            ("2026-11-02", "The checkout says Procced", "a@example.com"),  # the same complaint twice
            ("2026-11-03", "Delivery time differs", "b@example.com")]
    path = write_generic(tmp_path / "survey.csv", rows, header)
    options = ImportOptions(source="survey", mapping={"body": "comment", "received_at": "date"})
    first = import_file(database, path, options)
    assert (first.new, first.duplicate) == (2, 1)
    second = import_file(database, path, ImportOptions(source="survey", force=True,
                                                       mapping={"body": "comment", "received_at": "date"}))
    assert second.new == 0
    with database.session() as session:
        ids = session.scalars(select(Complaint.external_id)).all()
    assert all(i.startswith("sha:") for i in ids)


def test_same_ticket_from_two_formats_is_one_complaint(database, tmp_path):
    csv_path = write_generic(tmp_path / "a.csv", [(77, "2026-11-02T10:00:00Z", "Lid cracked", "Blender lid", "x@example.com")])
    json_path = tmp_path / "a.json"
    json_path.write_text(json.dumps({"tickets": [{"id": 77, "date": "2026-11-02T10:00:00Z", "subject": "Lid cracked",
                                                  "body": "Blender lid", "email": "x@example.com"}]}))
    assert import_file(database, csv_path, ImportOptions(source="desk")).new == 1
    assert import_file(database, json_path, ImportOptions(source="desk")).new == 0
    assert count(database) == 1


def test_personal_data_is_redacted_and_customers_hashed(database, tmp_path):
    body = ("Call me on +44 20 7946 0958 or mail jane.doe@example.org. Card 4111 1111 1111 1111 was charged "
            "twice for order #100234567 on 2026-11-02, total $1,299.99. IBAN GB82 WEST 1234 5698 7654 32.")
    path = write_generic(tmp_path / "pii.csv", [(1, "2026-11-02", "Charged twice", body, "Jane.Doe@Example.org"),
                                                (2, "2026-11-03", "Again", "Still charged twice", "jane.doe@example.org")])
    import_file(database, path, ImportOptions(source="desk"))
    with database.session() as session:
        first, second = session.scalars(select(Complaint).order_by(Complaint.id)).all()
    assert "[phone]" in first.body and "[email]" in first.body and "[card]" in first.body and "[iban]" in first.body
    for secret in ("7946", "jane.doe", "4111", "WEST"):
        assert secret not in first.body
    for kept in ("#100234567", "2026-11-02", "$1,299.99"):
        assert kept in first.body
    assert first.contact == "jane.doe@example.org"  # kept only in its own column, for follow-up
    assert first.customer_key and first.customer_key == second.customer_key
    assert "jane" not in first.customer_key


def test_defect_type_from_rules_or_mapped_column(database, tmp_path):
    header = ("id", "date", "subject", "body", "kind")
    path = write_generic(tmp_path / "types.csv", [
        (1, "2026-11-02", "Spelling", "There is a typo on the checkout page: Procced", ""),
        (2, "2026-11-02", "Kettle", "My kettle stopped working after a week", ""),
        (3, "2026-11-02", "Price", "The price on the product page is different from the cart", ""),
        (4, "2026-11-02", "Hello", "What are your opening hours?", ""),
        (5, "2026-11-02", "Hello", "What are your opening hours? (tagged by agent)", "Product defect"),
    ], header)
    import_file(database, path, ImportOptions(source="t", mapping={"defect_type": "kind"}))
    with database.session() as session:
        types = dict(session.execute(select(Complaint.external_id, Complaint.defect_type)).all())
    assert types == {"1": "typo", "2": "product_defect", "3": "inconsistent_info", "4": "other", "5": "product_defect"}


def test_unmapped_columns_are_kept(database, tmp_path):
    header = ("id", "date", "subject", "body", "Priority", "Agent")
    path = write_generic(tmp_path / "extra.csv", [(1, "2026-11-02", "S", "B text", "high", "Sam")], header)
    import_file(database, path, ImportOptions(source="t"))
    with database.session() as session:
        extra = session.scalar(select(Complaint.extra))
    assert extra.get("Priority") == "high" and extra.get("Agent") == "Sam"


def test_gzip_and_jsonl(database, tmp_path):
    lines = [json.dumps({"id": i, "created_at": f"2026-11-0{i}T09:00:00+02:00", "subject": "Broken lid",
                         "body": f"lid {i} cracked"}) for i in range(1, 4)]
    path = tmp_path / "tickets.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    summary = import_file(database, path, ImportOptions(source="j"))
    assert summary.new == 3 and summary.file_format == "jsonl"
    with database.session() as session:
        first = session.scalar(select(Complaint).where(Complaint.external_id == "1"))
    assert first.received_at.isoformat() == "2026-11-01T07:00:00+00:00"  # +02:00 normalised to UTC


def test_ambiguous_dates_decided_once_per_file(database, tmp_path):
    header = ("id", "date", "subject", "body")
    path = write_generic(tmp_path / "dates.csv", [(1, "03/04/2026", "a", "b"), (2, "25/04/2026", "a", "c")], header)
    summary = import_file(database, path, ImportOptions(source="d"))
    assert summary.date_order.startswith("day first")
    with database.session() as session:
        first = session.scalar(select(Complaint.received_at).where(Complaint.external_id == "1"))
    assert (first.month, first.day) == (4, 3)  # the 25 in row 2 decides the whole file


def test_file_no_profile_fits_names_columns_and_map(database, tmp_path):
    path = write_generic(tmp_path / "odd.csv", [(1, 2, 3)], ("alpha", "beta", "gamma"))
    with pytest.raises(ProfileError) as caught:
        import_file(database, path)
    message = str(caught.value)
    assert "alpha" in message and "--map" in message


def test_dry_run_saves_nothing(database):
    summary = import_file(database, SAMPLE_DATA / "jira_export.csv", ImportOptions(dry_run=True))
    assert summary.new > 0 and summary.dry_run
    assert snapshot(database) == (0, 0, 0)


def test_cli_import_summary_and_rejects(sqlite_url, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", sqlite_url, "import", str(SAMPLE_DATA / "bad_rows.csv")])
    assert result.exit_code == 0, result.output
    assert "new 17" in result.output and "rejected 3" in result.output
    listed = runner.invoke(cli, ["--db", sqlite_url, "rejects", "list", "--format", "json"])
    rows = json.loads(listed.stdout)
    assert len(rows) == 3 and {r["row"] for r in rows} and all(r["reason"] for r in rows)
    exported = runner.invoke(cli, ["--db", sqlite_url, "rejects", "export"])
    table = list(csv.DictReader(exported.stdout.splitlines()))
    assert len(table) == 3 and "reason" in table[0] and "subject" in table[0]
    again = runner.invoke(cli, ["--db", sqlite_url, "import", str(SAMPLE_DATA / "bad_rows.csv")])
    assert "already imported" in again.output and "0 new" in again.output


def test_cli_broken_file_is_one_error_line_and_others_still_import(sqlite_url):
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "import", str(SAMPLE_DATA / "truncated.json"),
                                      str(SAMPLE_DATA / "bad_rows.csv")])
    assert result.exit_code == 1
    assert "Error: " in result.output and "truncated.json" in result.output
    assert "Traceback" not in result.output
    assert "new 17" in result.output


def test_cli_map_option_validated(sqlite_url, tmp_path):
    path = write_generic(tmp_path / "s.csv", [(1, "2026-11-02", "x")], ("ref", "when", "comment"))
    bad = CliRunner().invoke(cli, ["--db", sqlite_url, "import", str(path), "--map", "comment=nonsense"])
    assert bad.exit_code == 2 and "not a field" in bad.output
    good = CliRunner().invoke(cli, ["--db", sqlite_url, "import", str(path), "--map", "comment=body",
                                    "--map", "when=received_at", "--map", "ref=external_id"])
    assert good.exit_code == 0 and "new 1" in good.output, good.output


def test_rejects_export_neutralises_formulas(sqlite_url, tmp_path):
    path = write_generic(tmp_path / "evil.csv", [(1, "not a date", "=HYPERLINK(\"http://evil\")", "@SUM(1)", "")])
    runner = CliRunner()
    runner.invoke(cli, ["--db", sqlite_url, "import", str(path)])
    exported = runner.invoke(cli, ["--db", sqlite_url, "rejects", "export"]).stdout
    row = list(csv.DictReader(exported.splitlines()))[0]
    assert row["subject"].startswith("'=") and row["body"].startswith("'@")


def test_page_url_is_the_page_without_query(database, tmp_path):
    header = ("id", "date", "subject", "body", "page")
    path = write_generic(tmp_path / "pages.csv", [
        (1, "2026-11-02", "Typo", "Procced", "https://shop.example.com/checkout?step=2&utm_source=mail#pay"),
        (2, "2026-11-02", "Typo", "Procced", "https://shop.example.com/checkout")], header)
    import_file(database, path, ImportOptions(source="p", mapping={"page_url": "page"}))
    with database.session() as session:
        rows = session.execute(select(Complaint.page_url, Complaint.extra).order_by(Complaint.id)).all()
    assert [r.page_url for r in rows] == ["https://shop.example.com/checkout"] * 2
    assert rows[0].extra["page_url_full"].endswith("utm_source=mail#pay")


def test_parallel_workers_give_the_same_result_as_one_process(tmp_path, sqlite_template):
    from rca.db import Database
    from .conftest import new_sqlite_url
    import sys
    sys.path.insert(0, str(SAMPLE_DATA))
    from generate import iter_complaints, write_generic_csv

    path = tmp_path / "many.csv"
    rows = list(iter_complaints(5000, seed=4))
    rows[10]["subject"] = rows[10]["body"] = ""  # one reject
    write_generic_csv(path, rows)
    stored = []
    for workers in (1, 2):
        folder = tmp_path / f"w{workers}"
        folder.mkdir()
        database = Database(new_sqlite_url(sqlite_template, folder))
        summary = import_file(database, path, ImportOptions(workers=workers))
        with database.session() as session:
            stored.append(session.execute(select(Complaint.external_id, Complaint.received_at, Complaint.body,
                                                 Complaint.defect_type, Complaint.customer_key.is_not(None),
                                                 Complaint.tags).order_by(Complaint.id)).all())
            stored.append(session.scalars(select(Reject.row_number)).all())
        database.dispose()
        assert (summary.new, summary.rejected) == (4999, 1)
    assert stored[0] == stored[2] and stored[1] == stored[3]


def test_awkward_text_is_stored_exactly(database, tmp_path):
    # Tabs, backslashes, a literal \N, line breaks and non-ASCII are what a
    # bulk path (COPY on PostgreSQL, storage-form text on SQLite) could mangle.
    body = "tab\there, back\\slash, a literal \\N, \r\nnew line, \u00e9t\u00e9 \u2014 \U0001f600 \"quoted\""
    path = tmp_path / "awkward.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "subject", "body", "tags", "Note\\col"])
        writer.writerow(["A\\1", "2026-11-02T10:00:00+01:00", "sub\tject", body, "a\\b, c\td", "x\ty\\z"])
    assert import_file(database, path).new == 1
    with database.session() as session:
        complaint = session.scalars(select(Complaint)).one()
    assert complaint.external_id == "A\\1" and complaint.subject == "sub\tject"
    assert complaint.body == body.strip()
    assert complaint.tags == ["a\\b", "c\td"] and complaint.extra == {"Note\\col": "x\ty\\z"}
    assert complaint.received_at.isoformat() == "2026-11-02T09:00:00+00:00"


@given(st.datetimes(timezones=st.just(timezone.utc)) | st.datetimes(timezones=st.timezones()))
def test_storage_form_of_a_date_cut_from_its_isoformat_is_sqlalchemys(value):
    # The import cuts SQLite's text from the isoformat() it hashes anyway; it
    # must be exactly the text the DateTime type writes, or give way to it.
    cut = _sqlite_datetime_from_iso(value.isoformat())
    assert cut in (None, _sqlite_datetime(value))
    if value.utcoffset() == timedelta(0):
        assert cut == _sqlite_datetime(value)


@given(st.lists(st.text()))
def test_tags_are_encoded_as_json_dumps_does(tags):
    assert _json_strings(tags) == json.dumps(tags)
