"""Analytics against numbers computed by hand on a small fixture (both databases).

The fixture, ISO weeks 2026-W45 (Nov 2-8), W46 (Nov 9-15), W47 (Nov 16-22):

    cause        W45  W46  W47   notes
    RC-0001 A     2    3    6    customers in W47: c5 c6 c7 c8 c9 c9 -> 5 distinct
    RC-0002 B     0    4    1    first 11-09 09:00, fixed 11-12 09:00 (3 days); W47 complaint came after the fix
    RC-0003 C     0    0    5    new in W47, customers c11..c15
    unassigned    0    1    3    no customer keys

W47 total 15, distinct customers 5 + 1 + 5 = 11, top-5 share 12/15.
"""

from __future__ import annotations

import pytest

from rca import analytics
from rca.analytics import emerging_rule, parse_period

from .factories import Factory, utc


@pytest.fixture
def fixture_db(database):
    with database.write_session() as session:
        make = Factory(session)
        a = make.cause("RC-0001", "A", first_seen=utc("2026-11-02 09:00"))
        b = make.cause("RC-0002", "B", status="fixed", first_seen=utc("2026-11-09 09:00"),
                       fixed_at=utc("2026-11-12 09:00"))
        c = make.cause("RC-0003", "C", first_seen=utc("2026-11-16 08:00"))
        for day, customer in [("2026-11-02 09:00", "c1"), ("2026-11-04", "c2"),
                              ("2026-11-09", "c1"), ("2026-11-10", "c3"), ("2026-11-11", "c4"),
                              ("2026-11-16", "c5"), ("2026-11-17", "c6"), ("2026-11-18", "c7"),
                              ("2026-11-19", "c8"), ("2026-11-20", "c9"), ("2026-11-22 23:59", "c9")]:
            make.complaint(day, a, customer)
        for day, customer in [("2026-11-09 09:00", "c10"), ("2026-11-10", "c11"), ("2026-11-11", "c12"),
                              ("2026-11-13", "c13"), ("2026-11-17", "c10")]:
            make.complaint(day, b, customer)
        for i, day in enumerate(["2026-11-16 08:00", "2026-11-16 09:00", "2026-11-18", "2026-11-19", "2026-11-21"]):
            make.complaint(day, c, f"c{11 + i}")
        for day in ["2026-11-12", "2026-11-16", "2026-11-17", "2026-11-21"]:
            make.complaint(day)
        make.complaint("2026-11-23 00:00", a, "c99")  # Monday of W48: outside every period below
    return database


W47 = parse_period("2026-W47")


def test_weekly_counts_per_cause_and_unassigned(fixture_db):
    with fixture_db.session() as session:
        counts = analytics.weekly_counts(session, W47, weeks=3)
        keys = _keys(session)
    by_key = {keys.get(cid, "unassigned"): series for cid, series in counts.items()}
    assert by_key == {"RC-0001": [2, 3, 6], "RC-0002": [0, 4, 1], "RC-0003": [0, 0, 5], "unassigned": [0, 1, 3]}
    with fixture_db.session() as session:
        assert analytics.total_weekly_counts(session, W47, weeks=3) == [2, 8, 15]
        assert analytics.week_labels(W47, 3) == ["2026-W45", "2026-W46", "2026-W47"]


def test_cause_figures_growth_and_customers(fixture_db):
    with fixture_db.session() as session:
        figures = {f.key: f for f in analytics.cause_figures(session, W47)}
    assert [(k, f.count, f.previous, f.customers) for k, f in figures.items()] == [
        ("RC-0001", 6, 3, 5), ("RC-0003", 5, 0, 5), ("RC-0002", 1, 4, 1)]
    assert figures["RC-0001"].growth == pytest.approx(1.0)
    assert figures["RC-0002"].growth == pytest.approx(-0.75)
    assert figures["RC-0003"].growth is None
    assert figures["RC-0001"].total == 12  # W48's complaint counts in the total, not in the period


def test_period_summary_and_pareto(fixture_db):
    with fixture_db.session() as session:
        figures = analytics.cause_figures(session, W47)
        summary = analytics.period_summary(session, W47, figures)
        points = analytics.pareto(figures, summary.complaints)
        w46 = analytics.period_summary(session, parse_period("2026-W46"))
    assert (summary.complaints, summary.customers, summary.unassigned) == (15, 11, 3)
    assert summary.unassigned_share == pytest.approx(3 / 15)
    assert summary.top5_share == pytest.approx(12 / 15)
    assert summary.new_causes == 1  # RC-0003 first seen in W47
    assert summary.fixed_in_period == 0
    assert [(p.key, p.count, round(p.cumulative_share, 4)) for p in points] == [
        ("RC-0001", 6, 0.4), ("RC-0003", 5, round(11 / 15, 4)), ("RC-0002", 1, 0.8)]
    assert w46.fixed_in_period == 1 and w46.median_days_to_fix == pytest.approx(3.0)
    assert w46.complaints == 8


def test_days_to_fix_and_known_problem_complaints(fixture_db):
    with fixture_db.session() as session:
        figures = analytics.cause_figures(session, W47)
        known = analytics.known_problem_complaints(session)
        keys = _keys(session)
    assert analytics.days_to_fix(figures) == {"RC-0002": pytest.approx(3.0)}
    by_key = {keys[cid]: n for cid, n in known.items()}
    # A: every complaint after its first (11 of 12); B: 11-10 and 11-11 only (before the fix); C: 4 of 5.
    assert by_key == {"RC-0001": 11, "RC-0002": 2, "RC-0003": 4}


def test_emerging_rule_with_fixed_numbers():
    spike = emerging_rule([2, 2, 3, 1, 2, 2, 3, 2, 12])
    assert spike.emerging and spike.baseline == pytest.approx(17 / 8) and spike.p_value < 1e-4
    usual = emerging_rule([5, 6, 4, 5, 6, 5, 4, 5, 7])
    assert not usual.emerging and usual.p_value == pytest.approx(0.2378, abs=1e-3)  # P(X>=7 | 5)
    new = emerging_rule([0] * 8 + [6])
    assert new.emerging and "new" in new.reason
    small = emerging_rule([0] * 8 + [4])
    assert not small.emerging and "below" in small.reason
    # Short history pads with zero weeks: 1 complaint in 8 weeks is a baseline of 0.125 -> floor 0.5.
    floor = emerging_rule([1, 5])
    assert floor.emerging and floor.baseline == pytest.approx(1 / 8)


def test_emerging_causes_in_the_fixture(fixture_db):
    with fixture_db.session() as session:
        emerging = analytics.emerging_causes(session, W47)
        keys = _keys(session)
    # C is new with 5 (= min size); A's 6 against a baseline of 5/8 is significant; B's 1 is not.
    assert sorted(keys[cid] for cid in emerging) == ["RC-0001", "RC-0003"]


def test_periods():
    assert (W47.start.isoformat(), W47.end.isoformat()) == ("2026-11-16T00:00:00+00:00", "2026-11-23T00:00:00+00:00")
    assert W47.previous().label == "2026-W46"
    assert parse_period("2027-W01").start.date().isoformat() == "2027-01-04"
    span = analytics.date_range_period(utc("2026-11-01").date(), utc("2026-11-14").date())
    assert span.previous().start.date().isoformat() == "2026-10-18"


def _keys(session):
    from rca.models import RootCause
    return dict(session.query(RootCause.id, RootCause.key).all())


@pytest.mark.parametrize("k,rate", [(12, 2.125), (7, 5.0), (1, 0.5), (100, 3.0), (3000, 2900.0), (2, 40.0), (0, 1.0)])
def test_poisson_tail_matches_scipy(k, rate):
    from scipy.stats import poisson
    assert analytics.poisson_at_least(k, rate) == pytest.approx(float(poisson.sf(k - 1, rate)), rel=1e-9, abs=1e-300)
