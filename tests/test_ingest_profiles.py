"""rca.ingest.profiles: help-desk exports detected and mapped onto our fields."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from rca.errors import ProfileError
from rca.ingest.profiles import (FIELDS, PROFILES, build_mapper, detect_profile, html_to_text,
                                 normalize_column, to_tags)
from rca.ingest.readers import read_table

ZENDESK_CSV = ["Id", "Requester", "Requester id", "Requester email", "Subject", "Description",
               "Status", "Priority", "Via", "Tags", "Created at", "Updated at", "Product [list]"]
JIRA_CSV = ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Reporter",
            "Created", "Labels", "Labels", "Component/s", "Component/s", "Description",
            "Comment", "Comment"]
FRESHDESK_API = ["id", "subject", "description", "description_text", "status", "source",
                 "priority", "requester_id", "created_at", "tags", "fr_due_by", "fr_escalated",
                 "is_escalated"]
SALESFORCE_CSV = ["Case Number", "Subject", "Description", "Date/Time Opened", "Contact Name",
                  "Contact Email", "Web Email", "Case Origin", "Status", "Product", "Case Owner"]
INTERCOM_API = ["type", "id", "created_at", "updated_at", "source.type", "source.subject",
                "source.body", "source.author.email", "source.author.name", "source.url",
                "tags.type", "tags.tags", "state"]


@pytest.mark.parametrize("columns, expected", [
    (ZENDESK_CSV, "zendesk"),
    (JIRA_CSV, "jira"),
    (FRESHDESK_API, "freshdesk"),
    (SALESFORCE_CSV, "salesforce"),
    (INTERCOM_API, "intercom"),
    (["Ticket", "Date", "Complaint", "E-mail", "Page"], "generic"),
])
def test_detect_profile(columns, expected):
    assert detect_profile(columns).name == expected


def test_detection_is_case_and_space_insensitive():
    cols = ["ISSUE_KEY", "summary", " Issue  Type ", "created", "component/s"]
    assert detect_profile(cols).name == "jira"
    assert normalize_column(" Created_at ") == "created at"


def test_no_profile_fits_explains_what_to_do():
    with pytest.raises(ProfileError) as info:
        detect_profile(["foo", "bar", "baz"])
    msg = str(info.value)
    assert '"foo", "bar", "baz"' in msg
    assert "body or subject" in msg and "received_at" in msg
    assert '--map "Column Name=body"' in msg


def test_zendesk_csv_row():
    mapper = build_mapper(PROFILES["zendesk"], ZENDESK_CSV, {})
    assert mapper.field_columns["received_at"] == "Created at"
    assert mapper.field_columns["product"] == "Product [list]"
    row = mapper({"Id": "4021", "Requester": "Ann Lee", "Requester id": "77",
                  "Requester email": " ann@example.com ", "Subject": "Charger",
                  "Description": "Stopped working", "Status": "Open", "Priority": "High",
                  "Via": "Web Form", "Tags": "charger  hardware charger",
                  "Created at": "2025-07-14 15:42", "Updated at": None,
                  "Product [list]": "Charger 20W"})
    assert row.external_id == "4021"
    assert row.received_raw == "2025-07-14 15:42"
    assert (row.subject, row.body) == ("Charger", "Stopped working")
    assert (row.requester_email, row.requester_name) == ("ann@example.com", "Ann Lee")
    assert (row.channel, row.status, row.product) == ("web form", "open", "Charger 20W")
    assert row.tags == ["charger", "hardware"]  # space-separated, duplicates dropped
    assert row.customer_id == "77"  # identifies the customer when there is no email
    # Unmapped columns are kept, empty ones are not stored.
    assert row.extra == {"Priority": "High"}


def test_zendesk_json_through_the_reader(tmp_path):
    doc = {"tickets": [{"id": 35436, "created_at": "2025-07-14T15:42:00Z", "subject": "Lid",
                        "raw_subject": "Lid", "description": "The lid is cracked",
                        "status": "open", "tags": ["lid", "kettle"], "requester_id": 9,
                        "submitter_id": 9, "via": {"channel": "email",
                                                   "source": {"from": {"address": "b@x.example",
                                                                       "name": "Bo"}}}}],
           "next_page": None, "count": 1}
    path = tmp_path / "zd.json"
    path.write_text(json.dumps(doc))
    table = read_table(path)
    profile = detect_profile(table.columns)
    assert profile.name == "zendesk"
    row = build_mapper(profile, table.columns, {})(next(table.rows)[1])
    assert row.external_id == "35436"
    assert row.channel == "email"
    assert row.tags == ["lid", "kettle"]
    assert (row.requester_email, row.requester_name) == ("b@x.example", "Bo")


def test_jira_csv_repeated_labels_components_and_comments(tmp_path):
    text = ("Summary,Issue key,Issue id,Issue Type,Status,Project key,Reporter,Created,"
            "Labels,Labels,Component/s,Component/s,Description,Comment,Comment\n"
            "Kettle leaks,CS-12,10012,Bug,In Progress,CS,jdoe,14/Jul/25 3:42 PM,"
            "kettle,leak,Kettles,Hardware,Water under the base,"
            "\"14/Jul/25 4:00 PM;jdoe;Seen it too\",\n")
    path = tmp_path / "jira.csv"
    path.write_text(text)
    table = read_table(path)
    mapper = build_mapper(detect_profile(table.columns), table.columns, {})
    assert mapper.profile.name == "jira"
    row = mapper(next(table.rows)[1])
    assert row.external_id == "CS-12"
    assert row.received_raw == "14/Jul/25 3:42 PM"
    assert row.tags == ["kettle", "leak"]
    assert row.product == "Kettles, Hardware"
    assert row.defect_type is None  # Issue Type "Bug" is a workflow type: the text rules decide
    assert row.extra["Issue Type"] == "Bug"  # kept, not dropped
    assert row.status == "in progress"
    assert row.requester_name == "jdoe"
    assert row.extra["Comment"] == ["14/Jul/25 4:00 PM;jdoe;Seen it too"]
    assert row.extra["Issue id"] == "10012"


def test_freshdesk_integer_source_and_status_become_names():
    mapper = build_mapper(PROFILES["freshdesk"], FRESHDESK_API, {})
    assert mapper.field_columns["body"] == "description_text"  # the plain twin of the HTML
    row = mapper({"id": 5, "subject": "Wrong price", "description": "<div>x</div>",
                  "description_text": "The FAQ says 10 but checkout 12", "status": 4,
                  "source": 9, "priority": 1, "created_at": "2025-07-14T10:00:00Z",
                  "tags": ["price"], "fr_escalated": False})
    assert (row.channel, row.status) == ("feedback widget", "resolved")
    assert row.external_id == "5"
    assert row.extra["description"] == "<div>x</div>"
    assert row.extra["fr_escalated"] is False
    for source, name in [(1, "email"), (2, "portal"), (3, "phone"), (7, "chat"),
                         (10, "outbound email")]:
        assert mapper({"source": source, "subject": "s"}).channel == name
    for status, name in [(2, "open"), (3, "pending"), (5, "closed"), ("4", "resolved")]:
        assert mapper({"status": status, "subject": "s"}).status == name
    # A CSV export already has names: they pass through.
    assert mapper({"source": "Email", "status": "Open"}).channel == "email"


def test_salesforce_cases():
    mapper = build_mapper(detect_profile(SALESFORCE_CSV), SALESFORCE_CSV, {})
    assert mapper.profile.name == "salesforce"
    row = mapper({"Case Number": "00001026", "Subject": "Broken", "Description": "Screen cracked",
                  "Date/Time Opened": "7/14/2025 3:42 PM", "Contact Name": "Sam",
                  "Contact Email": "sam@example.com", "Web Email": None, "Case Origin": "Web",
                  "Status": "New", "Product": "GC1020", "Case Owner": "Agent Smith"})
    assert row.external_id == "00001026"  # leading zeros kept
    assert (row.channel, row.status, row.product) == ("web", "new", "GC1020")
    assert row.requester_email == "sam@example.com"
    assert row.extra == {"Case Owner": "Agent Smith"}


def test_intercom_epoch_html_body_tag_objects_and_page_url():
    mapper = build_mapper(detect_profile(INTERCOM_API), INTERCOM_API, {})
    assert mapper.profile.name == "intercom"
    row = mapper({"type": "conversation", "id": "1911149811", "created_at": 1752507720,
                  "source.type": "conversation", "source.subject": None,
                  "source.body": "<p>The app says <b>&pound;5</b> but</p><p>checkout says £7</p>"
                                 "<script>x()</script>",
                  "source.author.email": "c@example.com", "source.url": "https://shop/x",
                  "tags.type": "tag.list",
                  "tags.tags": [{"type": "tag", "id": "1", "name": "pricing"},
                                {"type": "tag", "id": "2", "name": "app"}],
                  "state": "open"})
    assert row.received_raw == 1752507720  # the date parser handles epochs
    assert row.body == "The app says £5 but\ncheckout says £7"
    assert row.tags == ["pricing", "app"]
    assert row.page_url == "https://shop/x"
    assert (row.channel, row.status) == ("conversation", "open")


def test_overrides_win_and_take_the_column_away_from_auto_mapping():
    cols = ["Ticket", "Date", "Complaint", "Notes", "Email"]
    mapper = build_mapper(PROFILES["generic"], cols, {"body": "notes", "subject": "Complaint"})
    assert mapper.field_columns["body"] == "Notes"  # matched case-insensitively
    assert mapper.field_columns["subject"] == "Complaint"
    row = mapper({"Ticket": "T1", "Date": "2025-07-14", "Complaint": "Title", "Notes": "Text",
                  "Email": "x@y.example"})
    assert (row.subject, row.body) == ("Title", "Text")


def test_override_unknown_field_lists_fields():
    with pytest.raises(ProfileError) as info:
        build_mapper(PROFILES["generic"], ["Date", "Text"], {"bdy": "Text"})
    assert "'bdy'" in str(info.value)
    assert ", ".join(FIELDS) in str(info.value)


def test_override_unknown_column_suggests_close_names():
    with pytest.raises(ProfileError) as info:
        build_mapper(PROFILES["generic"], ["Date", "Complaint text"], {"body": "Complaint txt"})
    msg = str(info.value)
    assert "no column 'Complaint txt'" in msg
    assert "'Complaint text'" in msg


def test_mapper_needs_text_and_date():
    with pytest.raises(ProfileError) as info:
        build_mapper(PROFILES["generic"], ["Body", "Status"], {})
    assert "date column (received_at)" in str(info.value)
    assert "--map" in str(info.value)


def test_extra_values_are_json_ready():
    mapper = build_mapper(PROFILES["generic"], ["Date", "Body", "Due"], {})
    row = mapper({"Date": datetime(2025, 7, 14), "Body": "x", "Due": datetime(2025, 7, 20, 8)})
    assert row.received_raw == datetime(2025, 7, 14)
    assert row.extra == {"Due": "2025-07-20T08:00:00"}
    json.dumps(row.extra)


def test_excel_numbers_as_ids():
    mapper = build_mapper(PROFILES["generic"], ["id", "date", "text"], {})
    assert mapper({"id": 1234.0, "date": "2025-07-14", "text": "x"}).external_id == "1234"


@pytest.mark.parametrize("value, expected", [
    ("a b  c", ["a", "b", "c"]),
    ("late delivery, broken box; refund", ["late delivery", "broken box", "refund"]),
    (["a", "b,c", "a"], ["a", "b", "c"]),
    ([{"name": "x"}, {"name": "y"}, {"id": 3}], ["x", "y"]),
    ({"type": "tag.list", "tags": [{"name": "z"}]}, ["z"]),
    ("", []),
    (None, []),
])
def test_to_tags(value, expected):
    assert to_tags(value) == expected


def test_html_to_text():
    assert html_to_text("<div>Hello&nbsp;<b>world</b></div><br><p>2 &lt; 3</p>") == "Hello world\n2 < 3"
    assert html_to_text("no markup at all") == "no markup at all"
