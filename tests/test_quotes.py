"""Quotes that represent a cause (rca.quotes), the same in every output, and honest periods."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from cli.main import cli
from rca.analytics import parse_period
from rca.quotes import choose_quotes, whole_sentences
from reports import render_html, write_report
from reports.model import executive_report, resolve_period, team_report

from .factories import Factory, utc

W47 = parse_period("2026-W47")
LABEL = "Incorrect information on your report"
TYPICAL = [
    "My bag was lost on the flight to Boston and nobody at the airport can tell me where it is.",
    "The airline lost my bag on a direct flight. I have filed a claim twice and heard nothing back.",
    "Lost bag after my connection in Denver, the desk said it would arrive the next day but it never did.",
    "My bag was lost on the flight to Boston and nobody at the airport can tell me where it is.",  # a repeat
    "Second time this year my bag is lost. Call me at jane.doe@example.com about my lost bag please.",
]


@pytest.fixture
def quote_db(database):
    with database.write_session() as session:
        make = Factory(session)
        cause = make.cause("RC-0001", "Bag lost on the flight", first_seen=utc("2026-10-01"))
        cause.keywords = ["bag", "lost", "flight", "airport"]
        for i, body in enumerate(TYPICAL):
            make.complaint(f"2026-11-{16 + i}", cause, f"t{i}", subject="Lost bag", body=body, similarity=0.5)
        # Nearest the centre, and not quotes: handles, an id, the form's label, a bare word.
        for i, body in enumerate(["@Delta", "@Delta 0062395415777", "lost bag", "XXXX XXXX"]):
            make.complaint("2026-11-18", cause, f"h{i}", subject="", body=body, similarity=0.99)
        for i in range(4):
            make.complaint("2026-11-19", cause, f"l{i}", subject=LABEL, body="", similarity=0.95)
        # Older than the period: quoted only when the period has nothing.
        make.complaint("2026-10-05", cause, "old", body="Back in October my bag was lost on the flight home.",
                       similarity=0.9)
        make.complaint("2026-11-22", None, "u", body="Something else")  # the data covers W47 to its end
    return database


def test_quotes_are_typical_whole_sentences_from_the_period(quote_db):
    with quote_db.session() as session:
        quotes = choose_quotes(session, 1, ["bag", "lost", "flight", "airport"], W47, limit=3)
        earlier = choose_quotes(session, 1, ["bag", "lost"], parse_period("2026-W41"), limit=3)
    texts = [q.text for q in quotes]
    assert len(texts) == 3 and len(set(texts)) == 3  # the repeated complaint is quoted once
    for text in texts:
        assert text in TYPICAL[:3] or "[email]" in text
        assert "@" not in text and "example.com" not in text and text != LABEL and text.endswith(".")
    assert all(W47.contains(q.received_at) for q in quotes)
    assert [q.text for q in earlier] == ["Back in October my bag was lost on the flight home."]


def test_whole_sentences_cut_between_sentences():
    text = "First sentence is here. " + "Second one is much longer and goes on " * 10
    assert whole_sentences(text, 60) == ("First sentence is here.", True)
    cut, whole = whole_sentences("word " * 100, 60)
    assert cut.endswith("…") and not whole and len(cut) <= 60


def test_every_output_quotes_the_same(quote_db, tmp_path):
    with quote_db.session() as session:
        chosen = [q.text for q in choose_quotes(session, 1, ["bag", "lost", "flight", "airport"], W47)]
        executive = executive_report(session, W47)
        team = team_report(session, W47)
        html = render_html(executive, for_pdf=False)
    assert [q.text for q in executive.quotes[0].quotes] == chosen
    assert [q.text for q in team.sections[0].examples] == chosen
    assert all(text.replace("'", "&#39;") in html for text in chosen)
    url = quote_db.url.render_as_string(hide_password=False)
    shown = CliRunner().invoke(cli, ["--db", url, "causes", "show", "RC-0001"])
    assert shown.exit_code == 0
    assert [line.split("“", 1)[1].rstrip("”") for line in shown.stdout.splitlines() if "“" in line] == chosen
    pdf = write_report(quote_db, "executive", period="2026-W47", out=tmp_path / "q.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(pdf)).pages).split())
    assert "My bag was lost on the flight to Boston" in text and LABEL not in text and "@Delta" not in text


# -- periods -----------------------------------------------------------------------

@pytest.fixture
def cut_db(database):
    """W46 and W47 whole, then an export cut on Wednesday 25 Nov 10:00 (W48).

    RC-0001 (first seen in October): W46 3, W47 6 (3 of them Mon 16 - Wed 18 before 10:00), W48 2.
    RC-0002 first seen in W46, silent in W47, 4 in W48: not new in W48.
    """
    with database.write_session() as session:
        make = Factory(session)
        a = make.cause("RC-0001", "Wrong currency at checkout", first_seen=utc("2026-10-01"))
        b = make.cause("RC-0002", "Kettle stops working", first_seen=utc("2026-11-10"))
        make.complaint("2026-10-01", a, "a0")
        for day in ["2026-11-09", "2026-11-10", "2026-11-11"]:
            make.complaint(day, a, "a1")
        for day in ["2026-11-16", "2026-11-17", "2026-11-18 09:00", "2026-11-18 11:00", "2026-11-20",
                    "2026-11-22"]:
            make.complaint(day, a, f"a-{day}")
        make.complaint("2026-11-10", b, "b0")
        for day in ["2026-11-23", "2026-11-24 08:00", "2026-11-24 09:00", "2026-11-25 09:00"]:
            make.complaint(day, b, f"b-{day}")
        for day in ["2026-11-23 12:00", "2026-11-25 10:00"]:
            make.complaint(day, a, f"a-{day}")
    return database


def test_default_period_is_the_last_complete_week(cut_db):
    from reports.model import period_note

    with cut_db.session() as session:
        chosen = resolve_period(session)
        note = period_note(session, chosen, asked=False)
    assert chosen.label == "2026-W47" and not chosen.partial
    assert "last complete week" in note and "--period 2026-W48" in note


def test_a_partial_week_is_compared_with_the_same_span_before(cut_db, tmp_path):
    with cut_db.session() as session:
        chosen = resolve_period(session, "2026-W48")
        report = executive_report(session, chosen)
    assert chosen.partial and chosen.previous().end == utc("2026-11-18 10:00:00.000001")
    h = {x.label: x for x in report.headlines}
    # W48 to Wed 10:00: 6 complaints; the same span of W47: 3 (Mon, Tue, Wed 09:00) — not the whole W47's 6.
    assert (h["Complaints"].value, h["Complaints"].previous, h["Complaints"].delta) == ("6", "3", "+3 (100%)")
    rows = {r.key: r for r in report.top}
    assert rows["RC-0002"].delta == "+4 (none before)" and "new" not in rows["RC-0002"].tags
    assert h["New causes"].value == "0"
    path = write_report(cut_db, "executive", period="2026-W48", out=tmp_path / "partial.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages).split())
    assert "2026-W48 (partial)" in text and "Partial period: the data ends Wed 25 Nov 10:00 UTC" in text
    assert "same span of 2026-W47" in text
    assert not re.search(r"▼\s*−\d+ \(\d+%\)", text)  # no drop read from where the export was cut


def test_cli_report_says_which_week_it_chose(cut_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = cut_db.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["--db", url, "report"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("rca-executive-2026-W47.pdf")
    assert "reporting 2026-W47, the last complete week" in result.stderr


def test_a_form_label_is_no_quote_even_alone_in_the_period(database, tmp_path):
    """CFPB-like: no narrative, the Issue label as subject, no customer id."""
    with database.write_session() as session:
        make = Factory(session)
        cause = make.cause("RC-0001", "Purchase shown on your statement", first_seen=utc("2026-10-01"))
        for day in ["2026-10-01", "2026-10-08", "2026-10-15"]:
            make.complaint(day, cause, None, subject="Problem with a purchase shown on your statement", body="")
        make.complaint("2026-11-18", cause, None, subject="Problem with a purchase shown on your statement",
                       body="")
        make.complaint("2026-11-22", None, None, body="Something else")
    with database.session() as session:
        assert choose_quotes(session, 1, [], W47) == []
        report = executive_report(session, W47)
    h = {x.label: x for x in report.headlines}
    assert h["Customers"].value == "–"  # nothing identifies a customer: unknown, not zero
    assert "customer" not in report.takeaways[0].text
    path = write_report(database, "executive", period="2026-W47", out=tmp_path / "label.pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(path)).pages).split())
    assert "Nothing to quote: its complaints hold only form labels" in text
    assert "“Problem with a purchase" not in text
