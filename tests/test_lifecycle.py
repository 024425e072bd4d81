"""Root-cause lifecycle: transitions, curation with audit, recurrence, follow-up, and the commands."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cli.main import cli
from rca.causes import curation, listing, queries
from rca.causes.lifecycle import CAUSE_STATUSES, TRANSITIONS
from rca.causes.recurrence import flag_recurrences
from rca.errors import InvalidTransitionError, NotFoundError, UsageError
from rca.models import Complaint, Rule

from .factories import Factory, utc


@pytest.fixture
def two_causes(database):
    with database.write_session() as session:
        make = Factory(session)
        a = make.cause("RC-0001", "checkout typo", first_seen=utc("2026-11-02"), last_seen=utc("2026-11-05"))
        b = make.cause("RC-0002", "checkout spelling", first_seen=utc("2026-11-03"), last_seen=utc("2026-11-20"))
        for day, customer in [("2026-11-02", "ann"), ("2026-11-05", "bob")]:
            make.complaint(day, a, customer)
        for day, customer in [("2026-11-03", "cy"), ("2026-11-20", "dee")]:
            make.complaint(day, b, customer)
        make.complaint("2026-11-21")  # unassigned
    return database


def events(database, key):
    with database.session() as session:
        return [(e.actor, e.kind, e.old_value, e.new_value) for e in queries.history(session, key)]


@pytest.mark.parametrize("old", CAUSE_STATUSES)
def test_every_transition_is_allowed_or_refused_with_the_allowed_ones_named(database, old):
    for new in CAUSE_STATUSES:
        if new == old:
            continue
        with database.write_session() as session:
            cause = Factory(session).cause(f"RC-{CAUSE_STATUSES.index(old)}{CAUSE_STATUSES.index(new)}99", status=old)
            key = cause.key
        with database.write_session() as session:
            if new in TRANSITIONS[old]:
                change = curation.set_status(session, key, new, "ann")
                assert (change.old, change.new) == (old, new)
            else:
                with pytest.raises(InvalidTransitionError) as caught:
                    curation.set_status(session, key, new, "ann")
                assert all(allowed in str(caught.value) for allowed in TRANSITIONS[old])


def test_status_fixed_records_date_and_events(two_causes):
    with two_causes.write_session() as session:
        curation.set_status(session, "RC-0001", "investigating", "ann")
        change = curation.set_status(session, "rc-0001", "fixed", "ann", on=utc("2026-11-10"))
    assert change.received_since_fix == 0
    with two_causes.session() as session:
        cause = curation.get_cause(session, "RC-0001")
        assert cause.status == "fixed" and cause.fixed_at == utc("2026-11-10")
    assert events(two_causes, "RC-0001") == [
        ("ann", "status", "new", "investigating"), ("ann", "status", "investigating", "fixed"),
        ("ann", "fixed_at", None, "2026-11-10T00:00:00+00:00")]


def test_on_date_only_with_fixed(two_causes):
    with two_causes.write_session() as session, pytest.raises(UsageError):
        curation.set_status(session, "RC-0001", "investigating", "ann", on=utc("2026-11-10"))


def test_rename_assign_note_link_are_audited(two_causes):
    with two_causes.write_session() as session:
        curation.rename(session, "RC-0001", "  Typo:   'Procced' on checkout ", "ann")
        curation.assign(session, "RC-0001", "dana", "ann")
        curation.add_note(session, "RC-0001", "CMS fix on Friday", "bob")
        curation.link_ticket(session, "RC-0001", "https://jira.example.com/browse/WEB-1", "bob")
        with pytest.raises(UsageError):
            curation.link_ticket(session, "RC-0001", "javascript:alert(1)", "bob")
    with two_causes.session() as session:
        cause = curation.get_cause(session, "RC-0001")
        assert (cause.title, cause.owner, cause.ticket_url) == (
            "Typo: 'Procced' on checkout", "dana", "https://jira.example.com/browse/WEB-1")
    assert [e[:2] for e in events(two_causes, "RC-0001")] == [
        ("ann", "renamed"), ("ann", "owner"), ("bob", "note"), ("bob", "ticket")]


def test_unknown_cause_is_a_clear_error(two_causes):
    with two_causes.session() as session, pytest.raises(NotFoundError, match="rca causes list"):
        curation.get_cause(session, "RC-9999")


def test_merge_moves_members_and_old_key_resolves(two_causes):
    with two_causes.write_session() as session:
        target, source, moved = curation.merge(session, "RC-0001", "RC-0002", "ann")
    assert moved == 2
    with two_causes.session() as session:
        assert curation.get_cause(session, "RC-0002").key == "RC-0001"
        a = curation.get_cause(session, "RC-0001")
        assert session.scalar(select(func.count()).where(Complaint.cause_id == a.id)) == 4
        assert (a.first_seen, a.last_seen) == (utc("2026-11-02"), utc("2026-11-20"))
        assert session.scalar(select(Rule.kind)) == "merge"
        listed = [r["key"] for r in listing.list_causes(session)]
    assert listed == ["RC-0001"]  # the merged cause no longer lists on its own
    kinds = [e[1] for e in events(two_causes, "RC-0001")]
    assert "merged" in kinds and "merged_into" in kinds  # history shows both sides


def test_move_is_manual_and_audited(two_causes):
    with two_causes.session() as session:
        ids = session.scalars(select(Complaint.id).where(Complaint.cause_id.is_not(None)).order_by(Complaint.id)).all()
        unassigned = session.scalar(select(Complaint.id).where(Complaint.cause_id.is_(None)))
    with two_causes.write_session() as session:
        target, moved = curation.move(session, [ids[2], unassigned], "RC-0001", "ann")
    assert moved == 2
    with two_causes.session() as session:
        moved_rows = session.scalars(select(Complaint).where(Complaint.id.in_([ids[2], unassigned]))).all()
        assert {(c.cause_id, c.assigned_by) for c in moved_rows} == {(target.id, "manual")}
        assert session.scalar(select(func.count()).select_from(Rule).where(Rule.kind == "move")) == 2
    assert [e[1] for e in events(two_causes, "RC-0002")] == ["moved_out"]
    with two_causes.write_session() as session, pytest.raises(NotFoundError):
        curation.move(session, [424242], "RC-0001", "ann")


def test_recurrence_is_by_received_date_not_import_date(two_causes):
    with two_causes.write_session() as session:
        curation.set_status(session, "RC-0001", "fixed", "ann", on=utc("2026-11-10"))
    # A late import of an OLD complaint (received before the fix) lands in the cause: not a recurrence.
    with two_causes.write_session() as session:
        old = Factory(session).complaint("2026-11-08", None, "late", external_id="late-old")
        old.cause_id = curation.get_cause(session, "RC-0001").id
        assert flag_recurrences(session, ["RC-0001"]) == []
    with two_causes.session() as session:
        assert curation.get_cause(session, "RC-0001").status == "fixed"
    # A complaint received after the fix: recurring, with the count since the fix.
    with two_causes.write_session() as session:
        new = Factory(session).complaint("2026-11-12", None, "eve", external_id="after-fix")
        new.cause_id = curation.get_cause(session, "RC-0001").id
        assert flag_recurrences(session, ["RC-0001"]) == ["RC-0001"]
    with two_causes.session() as session:
        assert curation.get_cause(session, "RC-0001").status == "recurring"
    assert ("rca cluster", "recurred", None, "1 complaint(s) received since the fix on 2026-11-10") in events(
        two_causes, "RC-0001")


def test_moving_a_new_complaint_into_a_fixed_cause_flags_it(two_causes):
    with two_causes.write_session() as session:
        curation.set_status(session, "RC-0001", "fixed", "ann", on=utc("2026-11-10"))
    with two_causes.session() as session:
        unassigned = session.scalar(select(Complaint.id).where(Complaint.cause_id.is_(None)))  # received 11-21
    with two_causes.write_session() as session:
        curation.move(session, [unassigned], "RC-0001", "ann")
    with two_causes.session() as session:
        assert curation.get_cause(session, "RC-0001").status == "recurring"


def test_verification_suggested_after_quiet_days(two_causes):
    with two_causes.write_session() as session:
        curation.set_status(session, "RC-0001", "fixed", "ann", on=utc("2026-11-06"))
        curation.set_status(session, "RC-0002", "fixed", "ann", on=utc("2026-11-15"))
    with two_causes.session() as session:
        # Newest complaint is 11-21: RC-0001 quiet for 15 days; RC-0002 got one on 11-20 after its fix.
        found = listing.verification_candidates(session)
        assert found == [("RC-0001", 15)]
        assert listing.verification_candidates(session, quiet_days=20) == []


def test_followup_lists_contacts_only_for_fixed_causes(two_causes):
    with two_causes.session() as session, pytest.raises(UsageError, match="fixed"):
        queries.followup_contacts(session, "RC-0002")
    with two_causes.write_session() as session:
        curation.set_status(session, "RC-0002", "fixed", "ann")
    with two_causes.session() as session:
        cause, rows = queries.followup_contacts(session, "RC-0002")
    assert [r["contact"] for r in rows] == ["cy@example.com", "dee@example.com"]
    assert {"complaint_id", "received", "channel"} <= set(rows[0])


# -- the commands --------------------------------------------------------------------


def run(url, *args):
    result = CliRunner().invoke(cli, ["--db", url, *args])
    return result


@pytest.fixture
def cli_db(sqlite_url):
    from rca.db import Database
    database = Database(sqlite_url)
    with database.write_session() as session:
        make = Factory(session)
        a = make.cause("RC-0001", "checkout typo", first_seen=utc("2026-11-02"))
        b = make.cause("RC-0002", "kettle stops", first_seen=utc("2026-11-03"))
        for i in range(6):
            make.complaint(f"2026-11-1{i}", a, f"cust{i}", subject="Procced to payment", body="typo on checkout")
        for i in range(3):
            make.complaint(f"2026-11-1{i}", b, f"k{i}", subject="Kettle", body="stopped working")
    database.dispose()
    return sqlite_url


def test_cli_causes_list_show_and_formats(cli_db):
    table = run(cli_db, "causes", "list")
    assert table.exit_code == 0 and "RC-0001" in table.stdout and "checkout typo" in table.stdout
    rows = json.loads(run(cli_db, "causes", "list", "--format", "json").stdout)
    assert [(r["key"], r["total"]) for r in rows] == [("RC-0001", 6), ("RC-0002", 3)]
    as_csv = list(csv.DictReader(run(cli_db, "causes", "list", "--format", "csv").stdout.splitlines()))
    assert as_csv[0]["key"] == "RC-0001"
    shown = run(cli_db, "causes", "show", "RC-0001")
    assert shown.exit_code == 0
    assert "6 complaints from 6 customers" in shown.stdout and "history:" in shown.stdout
    assert "@example.com" not in shown.stdout  # contacts never shown outside followup


def test_cli_curation_round_trip(cli_db):
    assert run(cli_db, "causes", "rename", "RC-0001", "Typo: Procced").exit_code == 0
    assert "owner: dana" in run(cli_db, "causes", "assign", "RC-0001", "--owner", "dana").stdout
    refused = run(cli_db, "causes", "status", "RC-0001", "verified")
    assert refused.exit_code == 1 and "cannot go from new to verified" in refused.output
    assert "Traceback" not in refused.output
    assert "new -> fixed" in run(cli_db, "causes", "status", "RC-0001", "fixed", "--on", "2026-11-20").stdout
    assert run(cli_db, "causes", "note", "RC-0001", "deployed").exit_code == 0
    assert run(cli_db, "causes", "link", "RC-0001", "--ticket", "https://t.example.com/1").exit_code == 0
    history = json.loads(run(cli_db, "causes", "history", "RC-0001", "--format", "json").stdout)
    assert [h["change"] for h in history] == ["renamed", "owner", "status", "fixed_at", "note", "ticket"]
    assert {h["actor"] for h in history} == {"tester"}
    followup = run(cli_db, "causes", "followup", "RC-0001", "--format", "csv")
    assert followup.exit_code == 0 and "cust0@example.com" in followup.stdout
    assert "personal data" in followup.stderr
    listed = json.loads(run(cli_db, "causes", "list", "--status", "fixed", "--format", "json").stdout)
    assert [r["key"] for r in listed] == ["RC-0001"]


def test_cli_merge_move_and_complaints_list(cli_db):
    merged = run(cli_db, "causes", "merge", "RC-0001", "RC-0002")
    assert merged.exit_code == 0 and "3 complaints moved" in merged.stdout
    rows = json.loads(run(cli_db, "complaints", "list", "--cause", "RC-0002", "--format", "json").stdout)
    assert len(rows) == 9 and {r["cause"] for r in rows} == {"RC-0001"}
    bad = run(cli_db, "causes", "move", "99999", "--to", "RC-0001")
    assert bad.exit_code == 1 and "no complaint with id 99999" in bad.output


def test_cli_trends(cli_db):
    result = run(cli_db, "trends", "--weeks", "3", "--format", "json")
    rows = {r["cause"]: r for r in json.loads(result.stdout)}
    assert rows["RC-0001"]["total"] == 6 and rows["all"]["total"] == 9 and rows["unassigned"]["total"] == 0
    # Complaints from 11-10 to 11-15 all fall in 2026-W46, the newest week.
    assert rows["RC-0001"]["2026-W46"] == 6 and rows["RC-0001"]["2026-W44"] == 0 and "2026-W47" not in rows["all"]


def test_csv_output_neutralises_formulas(cli_db):
    run(cli_db, "causes", "rename", "RC-0001", "=HYPERLINK(\"http://evil.example\",\"click\")")
    rows = list(csv.DictReader(run(cli_db, "causes", "list", "--format", "csv").stdout.splitlines()))
    title = {r["key"]: r["title"] for r in rows}["RC-0001"]
    assert title.startswith("'=HYPERLINK")
    complaints = list(csv.DictReader(run(cli_db, "complaints", "list", "--format", "csv").stdout.splitlines()))
    assert all(not (r["subject"] or "").startswith(("=", "+", "-", "@")) for r in complaints)
