"""Personal data never reaches the database through rejects, extra columns or page URLs."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner
from sqlalchemy import select

from cli.main import cli
from rca.ingest.pipeline import import_file
from rca.models import Complaint, Reject
from rca.rejects import iter_rejects

CARD, PHONE, EMAIL = "4111 1111 1111 1111", "+44 7700 900123", "anna.smith@example.com"


def write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_rejected_rows_are_stored_redacted(database, tmp_path):
    path = write(tmp_path / "x.csv", ["id", "date", "subject", "body", "email", "Requester phone"], [
        ["1", "not a date", "refund", f"card {CARD}, call {PHONE}", EMAIL, "0612345678"],
        ["2", "2025-07-14", "", "", EMAIL, "0612345678"],
    ])
    summary = import_file(database, path)
    assert summary.rejected == 2
    with database.session() as session:
        stored = [json.dumps(r.raw) + r.reason for r in session.scalars(select(Reject))]
        shown = [json.dumps(r) for r in iter_rejects(session)]
    for text in stored + shown:
        for secret in (CARD, "1111", "7700 900123", EMAIL, "0612345678"):
            assert secret not in text
    assert "[card]" in stored[0] and "[phone]" in stored[0] and "[email]" in stored[0]


def test_rejects_export_prints_no_personal_data_even_for_rows_stored_raw(sqlite_url, tmp_path):
    """A database written before this change kept rejects raw; the export redacts them on the way out."""
    runner = CliRunner()
    path = write(tmp_path / "x.csv", ["id", "date", "subject", "body"], [["1", "not a date", "refund", "x"]])
    assert runner.invoke(cli, ["--db", sqlite_url, "import", str(path)]).exit_code == 0
    from rca.db import open_database

    database = open_database(sqlite_url)
    with database.write_session() as session:
        reject = session.scalars(select(Reject)).one()
        reject.raw = {"id": "1", "body": f"my card {CARD} and mail {EMAIL}", "Customer phone": "0612345678"}
    result = runner.invoke(cli, ["--db", sqlite_url, "rejects", "export"])
    assert result.exit_code == 0, result.output
    assert CARD not in result.output and EMAIL not in result.output and "0612345678" not in result.output
    assert "[card]" in result.output and "[email]" in result.output and "[phone]" in result.output


def test_extra_columns_and_page_urls_are_redacted(database, tmp_path):
    path = write(tmp_path / "x.csv", ["id", "date", "subject", "body", "page_url", "Requester phone",
                                      "Recipient name", "Referrer", "Plan name", "Notes"], [
        ["1", "2025-07-14", "Kettle broken", "It stopped working after 9 days.",
         f"https://shop.example.com/account?email={EMAIL}&tab=orders", "0612345678", "Anna Smith",
         f"https://mail.example.com/?u={EMAIL.replace('@', '%40')}", "Premium Plus", f"call {PHONE}"],
    ])
    assert import_file(database, path).new == 1
    with database.session() as session:
        complaint = session.scalars(select(Complaint)).one()
        extra, page_url = complaint.extra, complaint.page_url
    stored = json.dumps(extra) + page_url
    for secret in (EMAIL, "anna.smith%40example.com", "0612345678", "Anna Smith", "7700 900123"):
        assert secret not in stored
    assert page_url == "https://shop.example.com/account"
    assert extra["Requester phone"] == "[phone]" and extra["Recipient name"] == "[name]"
    assert extra["page_url_full"] == "https://shop.example.com/account?email=[email]&tab=orders"
    assert extra["Referrer"] == "https://mail.example.com/?u=[email]"
    assert extra["Plan name"] == "Premium Plus" and extra["Notes"] == "call [phone]"


def test_complaints_list_redacts_text_stored_by_an_older_rca(database, tmp_path):
    from rca.causes.queries import list_complaints

    path = write(tmp_path / "x.csv", ["id", "date", "subject", "body"],
                 [["1", "2025-07-14", "Refund", "The kettle broke."]])
    import_file(database, path)
    with database.write_session() as session:
        session.scalars(select(Complaint)).one().body = "SSN 078-05-1120, born on 4 July 1985"
    with database.session() as session:
        (row,) = list_complaints(session)
    assert row["body"] == "SSN [ssn], born on [dob]"
