"""Reports: every figure against numbers computed by hand, then the PDF itself.

The fixture (ISO weeks 2026-W45 Nov 2-8, W46 Nov 9-15, W47 Nov 16-22):

    cause                         W45  W46  W47   notes
    RC-0001 Wrong currency         2    3    6    owner dana, investigating; W47 customers c5..c9 (+c9 twice) -> 5
    RC-0002 FAQ vs checkout        0    4    1    fixed 11-12 09:00, first 11-09 09:00 (3 days); 11-13 and 11-17 came after the fix
    RC-0003 Kettle stops           0    0    5    no owner, new in W47, customers c11..c15
    unassigned                     0    1    3    no customer keys

W47: 15 complaints, 11 customers (5 + 1 + 5), top-5 share 12/15 = 80%, 1 new cause, 1 recurred (RC-0002), 0 fixed.
W46:  8 complaints,  7 customers (c1 c3 c4 + c10..c13), top-5 share 7/8 = 88%, 1 new, 1 recurred (11-13), 1 fixed, 3.0 days.
Emerging in W47: RC-0001 (6 against 5/8 a week) and RC-0003 (new, 5).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from cli.main import cli
from rca import analytics
from rca.analytics import parse_period
from rca.db import Database
from reports import render_html, write_report
from reports.model import build_report, executive_report, resolve_period, team_report

from .factories import Factory, utc
from .pdf_pages import render_pages

W47 = parse_period("2026-W47")
W46 = parse_period("2026-W46")


@pytest.fixture
def report_db(database):
    with database.write_session() as session:
        make = Factory(session)
        a = make.cause("RC-0001", "Checkout total shows the wrong currency", status="investigating", owner="dana",
                       first_seen=utc("2026-11-02 09:00"))
        a.keywords = ["currency", "checkout total"]
        b = make.cause("RC-0002", "Delivery time differs between FAQ and checkout", status="fixed",
                       first_seen=utc("2026-11-09 09:00"), fixed_at=utc("2026-11-12 09:00"), owner="ana")
        c = make.cause("RC-0003", "Kettle stops working after a week", first_seen=utc("2026-11-16 08:00"))
        for day, customer in [("2026-11-02 09:00", "c1"), ("2026-11-04", "c2"),
                              ("2026-11-09", "c1"), ("2026-11-10", "c3"), ("2026-11-11", "c4"),
                              ("2026-11-16", "c5"), ("2026-11-17", "c6"), ("2026-11-18", "c7"),
                              ("2026-11-19", "c8"), ("2026-11-20", "c9"), ("2026-11-22 23:59", "c9")]:
            make.complaint(day, a, customer, subject="Wrong currency",
                           body=f"The checkout total is in dollars, I am in Germany ({day[:10]})",
                           page_url="https://shop.example.com/checkout", product="Web shop", channel="email")
        for day, customer in [("2026-11-09 09:00", "c10"), ("2026-11-10", "c11"), ("2026-11-11", "c12"),
                              ("2026-11-13", "c13"), ("2026-11-17", "c10")]:
            make.complaint(day, b, customer, body="FAQ says 2 days, checkout says 5 days", channel="chat")
        for i, day in enumerate(["2026-11-16 08:00", "2026-11-16 09:00", "2026-11-18", "2026-11-19",
                                 "2026-11-21"]):
            make.complaint(day, c, f"c{11 + i}", body=f"My Aurora kettle died after {6 + i} days",
                           product="Aurora kettle", channel="phone")
        for day in ["2026-11-12", "2026-11-16", "2026-11-17", "2026-11-21"]:
            make.complaint(day, body=f"Something else went wrong on {day}")
    return database


# -- figures ------------------------------------------------------------------------

def test_analytics_recurred_in_period(report_db):
    with report_db.session() as session:
        keys = _keys(session)
        assert {keys[k]: n for k, n in analytics.recurred_in_period(session, W47).items()} == {"RC-0002": 1}
        assert {keys[k]: n for k, n in analytics.recurred_in_period(session, W46).items()} == {"RC-0002": 1}
        assert analytics.recurred_in_period(session, parse_period("2026-W45")) == {}


def test_analytics_period_breakdowns(report_db):
    from rca.models import RootCause

    with report_db.write_session() as session:
        keys = {cause.key: cause.id for cause in session.query(RootCause)}
        found = analytics.period_breakdowns(session, [keys["RC-0001"], keys["RC-0002"], keys["RC-0003"]], W46)
        assert found[keys["RC-0001"]].pages == [("https://shop.example.com/checkout", 3)]
        assert found[keys["RC-0002"]].channels == [("chat", 4)] and found[keys["RC-0002"]].pages == []
        assert found[keys["RC-0003"]].products == []  # none in W46
        assert analytics.period_breakdowns(session, [], W46) == {}


def test_previous_period_summary_reuses_one_scan(report_db):
    """The report derives the previous period's summary from cause_figures(period); it must equal
    period_summary() computed for the previous period directly."""
    from reports.model import _summaries

    with report_db.session() as session:
        figures = analytics.cause_figures(session, W47)
        _, derived = _summaries(session, W47, figures)
        direct = analytics.period_summary(session, W46)
    assert derived == direct
    assert (direct.complaints, direct.customers, direct.new_causes, direct.fixed_in_period) == (8, 7, 1, 1)
    assert direct.top5_share == pytest.approx(7 / 8) and direct.median_days_to_fix == pytest.approx(3.0)


def test_executive_headlines(report_db):
    with report_db.session() as session:
        report = executive_report(session, W47)
    h = {x.label: x for x in report.headlines}
    assert (h["Complaints"].value, h["Complaints"].previous, h["Complaints"].delta) == ("15", "8", "+7 (88%)")
    assert (h["Complaints"].arrow, h["Complaints"].tone) == ("▲", "bad")
    assert (h["Customers"].value, h["Customers"].previous, h["Customers"].delta) == ("11", "7", "+4 (57%)")
    assert (h["Top-5 share"].value, h["Top-5 share"].previous, h["Top-5 share"].delta) == ("80%", "88%", "−8 pp")
    assert (h["New causes"].value, h["New causes"].previous, h["New causes"].delta) == ("1", "1", "±0")
    assert (h["Recurred"].value, h["Recurred"].previous) == ("1", "1")
    assert (h["Fixed"].value, h["Fixed"].previous, h["Fixed"].tone) == ("0", "1", "bad")
    assert (h["Days to fix"].value, h["Days to fix"].previous) == ("–", "3.0")
    assert report.unassigned == 3 and report.unassigned_share == "20%"


def test_executive_top_causes_attention_and_fixed(report_db):
    with report_db.session() as session:
        report = executive_report(session, W47)
    assert [(r.key, r.count, r.previous, r.delta, r.customers, r.share) for r in report.top] == [
        ("RC-0001", 6, 3, "+3 (+100%)", 5, "40%"),
        ("RC-0003", 5, 0, "new (+5)", 5, "33%"),
        ("RC-0002", 1, 4, "−3 (−75%)", 1, "7%"),
    ]
    assert [r.tags for r in report.top] == [["emerging"], ["new", "emerging"], ["recurred"]]
    assert [(a.tag, a.key) for a in report.attention] == [
        ("Recurred", "RC-0002"), ("Emerging", "RC-0001"), ("Emerging", "RC-0003")]
    assert report.attention[0].why == "1 complaint after its fix on 12 Nov 2026"
    assert report.attention[1].why == "6 in 2026-W47 against a usual 0.6 a week"  # baseline 5/8
    assert report.attention[2].why == "new: 5 in 2026-W47, none in the 8 weeks before"
    assert [(f.key, f.fixed, f.days_to_fix, f.since_fix) for f in report.fixed] == [
        ("RC-0002", "12 Nov 2026", "3.0", 2)]  # 11-13 and 11-17 came after the fix
    takeaways = {t.lead: (t.key, t.text) for t in report.takeaways}
    assert takeaways["Hurts most"] == ("RC-0001", "6 complaints (40% of all) from 5 customers")
    assert takeaways["Growing"] == ("RC-0001", "3 → 6 complaints (+100% on the period before)")
    assert takeaways["New"] == ("RC-0003", "5 complaints since 16 Nov 2026")
    assert takeaways["Came back"] == ("RC-0002", "1 complaint after its fix on 12 Nov 2026")
    assert [q.key for q in report.quotes] == ["RC-0001", "RC-0003", "RC-0002"]
    assert all(1 <= len(q.quotes) <= 3 for q in report.quotes)


def test_unowned_big_cause_needs_attention(report_db):
    with report_db.write_session() as session:
        make = Factory(session)
        make.next_id = 1000
        d = make.cause("RC-0004", "Size chart is wrong", status="new", first_seen=utc("2026-10-01"))
        for day in ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09",
                    "2026-11-18"]:
            make.complaint(day, d, "z1")
    with report_db.session() as session:
        report = executive_report(session, W47)
    no_owner = [a for a in report.attention if a.tag == "No owner"]
    # W47 now: A 6, C 5, D 1, B 1 (16 in all); D ranks before B on its larger total (7 against 5).
    # C has no owner either but is already listed as emerging; B is fixed, so it needs no owner.
    assert [(a.key, a.why) for a in no_owner] == [("RC-0004", "#3 with 1 complaint (6%); nobody assigned")]


def test_team_report_sections_and_pool(report_db):
    with report_db.session() as session:
        report = team_report(session, W47, weeks=3)
    assert [(r.key, r.count) for r in report.index] == [("RC-0001", 6), ("RC-0003", 5), ("RC-0002", 1)]
    a = report.sections[0]
    assert (a.key, a.weekly, a.total, a.owner, a.status) == ("RC-0001", [2, 3, 6], 11, "dana", "investigating")
    assert a.keywords == ["currency", "checkout total"]
    assert a.pages == [("https://shop.example.com/checkout", 6)]  # W47 only
    assert a.products == [("Web shop", 6)] and a.channels == [("email", 6)]
    c = report.sections[1]
    assert (c.key, c.products, c.channels, c.pages) == ("RC-0003", [("Aurora kettle", 5)], [("phone", 5)], [])
    assert report.sections[2].since_fix == 2
    assert (report.unassigned, report.unassigned_share, report.unassigned_previous) == (3, "20%", 1)
    assert report.unassigned_weekly == [0, 1, 3]
    assert len(report.unassigned_examples) == 3
    assert report.frame.week_labels == ["2026-W45", "2026-W46", "2026-W47"]


def test_periods_and_their_errors(report_db):
    from rca.errors import UsageError

    with report_db.session() as session:
        assert resolve_period(session).label == "2026-W47"  # week of the newest complaint
        assert resolve_period(session, "2026-W46").label == "2026-W46"
        span = resolve_period(session, date_from=date(2026, 11, 9), date_to=date(2026, 11, 22))
        assert span.label == "2026-11-09 to 2026-11-22"
        report = executive_report(session, span)
        assert report.headlines[0].value == "23"  # 8 + 15
        assert report.headlines[0].previous == "2"  # W44 has none, W45 has 2
        for bad in [dict(period="2026-W47", date_from=date(2026, 11, 1), date_to=date(2026, 11, 2)),
                    dict(date_from=date(2026, 11, 1)), dict(period="November")]:
            with pytest.raises(UsageError):
                resolve_period(session, **bad)
        with pytest.raises(UsageError):
            build_report(session, "executive", W47, weeks=1)
        with pytest.raises(UsageError):
            build_report(session, "board", W47)


# -- the PDF ------------------------------------------------------------------------

def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_executive_pdf_shows_sections_and_figures(report_db, tmp_path):
    path = write_report(report_db, "executive", out=tmp_path / "exec.pdf")
    reader = PdfReader(str(path))
    assert 1 <= len(reader.pages) <= 3
    text = _pdf_text(path)
    for expected in ["Executive summary", "2026-W47", "16–22 Nov 2026", "This period in 30 seconds",
                     "Needs attention", "Top causes", "Where complaints concentrate", "Fixed and verified",
                     "In customers' words", "RC-0001", "Checkout total shows the wrong currency",
                     "Page 1 of", "COMPLAINTS"]:
        assert expected in text, expected
    assert "15▲ +7 (88%)" in text.replace("\n", "")  # the headline complaint count and its delta
    assert "RC-0001 Checkout total shows the wrong currency emerging dana investigating 6 40%" in text


def test_team_pdf(report_db, tmp_path):
    path = write_report(report_db, "team", period="2026-W47", out=tmp_path / "team.pdf")
    text = _pdf_text(path)
    for expected in ["Team lead report", "Unassigned pool: 3 complaints (20%", "All causes with complaints",
                     "Cause details", "Kettle stops working after a week", "https://shop.example.com/checkout",
                     "WEEKLY COMPLAINTS", "HISTORY"]:
        assert expected in text, expected


def test_page_one_is_not_blank(report_db, tmp_path):
    path = write_report(report_db, "executive", out=tmp_path / "exec.pdf")
    [pixels] = render_pages(path, dpi=50, first=1, last=1)
    ink = (pixels.min(axis=2) < 0.9).mean()
    assert pixels.shape[0] > pixels.shape[1]  # portrait A4
    assert ink > 0.04, f"only {ink:.1%} of page 1 is not white"


def test_html_output_is_self_contained(report_db, tmp_path):
    path = write_report(report_db, "executive", out=tmp_path / "exec.html")
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<svg" in html and "Needs attention" in html
    assert 'src="' not in html and "<link" not in html  # nothing to fetch: styles, charts and logo inline


@pytest.mark.parametrize("kind", ["executive", "team"])
def test_empty_database_and_empty_period(sqlite_url, tmp_path, kind):
    database = Database(sqlite_url)
    try:
        path = write_report(database, kind, out=tmp_path / f"{kind}.pdf")
        text = _pdf_text(path)
        assert "holds no complaints yet" in text
        assert len(PdfReader(str(path)).pages) >= 1
    finally:
        database.dispose()


@pytest.mark.parametrize("kind", ["executive", "team"])
def test_period_without_complaints(report_db, tmp_path, kind):
    path = write_report(report_db, kind, period="2020-W01", out=tmp_path / f"{kind}.pdf")
    assert "No complaints were received in 2020-W01" in _pdf_text(path)


def test_cli_report(report_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = report_db.url.render_as_string(hide_password=False)
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", url, "report"])
    assert result.exit_code == 0, result.output
    written = Path(result.stdout.strip())
    assert written == tmp_path / "rca-executive-2026-W47.pdf" and written.read_bytes().startswith(b"%PDF")
    result = runner.invoke(cli, ["--db", url, "report", "--kind", "team", "--from", "2026-11-09", "--to",
                                 "2026-11-22", "--out", "team.html"])
    assert result.exit_code == 0 and Path(result.stdout.strip()) == Path("team.html")
    result = runner.invoke(cli, ["--db", url, "report", "--period", "2026-W47", "--from", "2026-11-09"])
    assert result.exit_code == 2 and "Error: give either --period or --from/--to" in result.output
    result = runner.invoke(cli, ["--db", url, "report", "--out", "report.docx"])
    assert result.exit_code == 2 and "must end in .pdf or .html" in result.output
    result = runner.invoke(cli, ["--db", url, "report", "--out", str(tmp_path / "missing" / "x.pdf")])
    assert result.exit_code == 1 and "does not exist" in result.output
    help_text = runner.invoke(cli, ["report", "--help"]).output
    assert "Example" in help_text and "--from" in help_text


def _keys(session):
    from rca.models import RootCause
    return dict(session.query(RootCause.id, RootCause.key).all())


def test_unassigned_note_counts_in_words(report_db):
    with report_db.session() as session:
        report = executive_report(session, resolve_period(session, "2026-W47"))
    assert "Plus 3 complaints (20%) that match no cause yet" in render_html(report)
    report.unassigned = 1
    assert "Plus 1 complaint (20%) that matches no cause yet" in render_html(report)
