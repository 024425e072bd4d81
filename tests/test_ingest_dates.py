"""rca.ingest.dates: every date shape to aware UTC, day/month order decided per file."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from rca.ingest.dates import DateParser

UTC = timezone.utc


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("value, expected", [
    ("2025-07-14T15:42:00Z", utc(2025, 7, 14, 15, 42)),
    ("2025-07-14T15:42:00+02:00", utc(2025, 7, 14, 13, 42)),
    ("2025-07-14T15:42:00.250-0500", utc(2025, 7, 14, 20, 42, 0, 250000)),
    ("2025-07-14T15:42:00", utc(2025, 7, 14, 15, 42)),  # naive is UTC
    ("2025-07-14 15:42:00", utc(2025, 7, 14, 15, 42)),
    ("2025-07-14", utc(2025, 7, 14)),
])
def test_iso_8601(value, expected):
    parser = DateParser.for_values([value])
    assert parser.format == "ISO 8601" and parser.dayfirst is None
    assert parser(value) == expected
    assert parser(value).tzinfo is UTC


@pytest.mark.parametrize("samples, value, expected, dayfirst", [
    (["07/14/2025 3:42 PM"], "07/14/2025 3:42 PM", utc(2025, 7, 14, 15, 42), False),
    (["07/14/2025 3:42 PM"], "12/01/2025 12:05 AM", utc(2025, 12, 1, 0, 5), False),
    (["14/07/2025 15:42"], "14/07/2025 15:42", utc(2025, 7, 14, 15, 42), True),
    (["14/07/2025 15:42"], "01/02/2025 10:00", utc(2025, 2, 1, 10), True),
    (["14.07.2025"], "14.07.2025", utc(2025, 7, 14), True),
    (["14-07-2025 08:00:05"], "03-04-2025 08:00:05", utc(2025, 4, 3, 8, 0, 5), True),
])
def test_numeric_dates_follow_the_file_decision(samples, value, expected, dayfirst):
    parser = DateParser.for_values(samples)
    assert parser.dayfirst is dayfirst
    assert parser.guessed is False
    assert parser(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("14/Jul/25 3:42 PM", utc(2025, 7, 14, 15, 42)),  # Jira
    ("01/Aug/25 12:00 AM", utc(2025, 8, 1, 0, 0)),
    ("Jul 14, 2025", utc(2025, 7, 14)),
    ("July 4, 2025 3:42 PM", utc(2025, 7, 4, 15, 42)),
    ("Mon, 14 Jul 2025 15:42:00 +0000", utc(2025, 7, 14, 15, 42)),  # RFC 2822
    ("Tue, 15 Jul 2025 08:00:00 -0500", utc(2025, 7, 15, 13, 0)),
    ("14 Jul 2025", utc(2025, 7, 14)),
])
def test_month_names(value, expected):
    parser = DateParser.for_values([value])
    assert parser.dayfirst is None
    assert parser(value) == expected


def test_rfc_2822_with_named_zone_uses_the_slow_path():
    parser = DateParser.for_values(["Mon, 14 Jul 2025 15:42:00 +0000"])
    assert parser("Tue, 15 Jul 2025 08:00:00 EST") == utc(2025, 7, 15, 13, 0)


@pytest.mark.parametrize("value, expected", [
    (1752507720, utc(2025, 7, 14, 15, 42)),
    (1752507720.5, utc(2025, 7, 14, 15, 42, 0, 500000)),
    (1752507720123, utc(2025, 7, 14, 15, 42, 0, 123000)),  # milliseconds
    ("1752507720", utc(2025, 7, 14, 15, 42)),
    ("1752507720123", utc(2025, 7, 14, 15, 42, 0, 123000)),
    (45852.5, utc(2025, 7, 14, 12, 0)),  # an Excel serial day number
])
def test_epochs_and_excel_serials(value, expected):
    assert DateParser.for_values([value])(value) == expected


def test_excel_datetime_objects():
    parser = DateParser.for_values([datetime(2025, 7, 14, 15, 42)])
    assert parser(datetime(2025, 7, 14, 15, 42)) == utc(2025, 7, 14, 15, 42)
    aware = datetime(2025, 7, 14, 17, 42, tzinfo=timezone(timedelta(hours=2)))
    assert parser(aware) == utc(2025, 7, 14, 15, 42)
    assert parser(date(2025, 7, 14)) == utc(2025, 7, 14)


def test_day_first_evidence_decides_for_ambiguous_rows():
    samples = ["01/02/2025", "03/04/2025", "25/12/2025"]  # only 25/12 tells
    parser = DateParser.for_values(samples)
    assert parser.dayfirst is True and parser.guessed is False
    assert parser("01/02/2025") == utc(2025, 2, 1)


def test_month_first_evidence_decides_for_ambiguous_rows():
    parser = DateParser.for_values(["01/02/2025", "12/31/2025"])
    assert parser.dayfirst is False
    assert parser("01/02/2025") == utc(2025, 1, 2)


def test_order_is_never_decided_row_by_row():
    # A day-first file: a row that only works month-first is rejected, not swapped.
    parser = DateParser.for_values(["14/07/2025", "25/07/2025"])
    with pytest.raises(ValueError, match="unparseable date '07/14/2025'"):
        parser("07/14/2025")


def test_contradictory_file_takes_the_majority_with_a_note():
    parser = DateParser.for_values(["13/02/2025", "25/01/2025", "03/14/2025"])
    assert parser.dayfirst is True
    assert "contradictory" in parser.note and "2 only make sense day-first" in parser.note
    assert "1 only month-first" in parser.note
    assert parser("13/02/2025") == utc(2025, 2, 13)
    with pytest.raises(ValueError):
        parser("03/14/2025")


def test_contradictory_tie_is_a_guess():
    parser = DateParser.for_values(["13/02/2025", "03/14/2025"])
    assert parser.dayfirst is False and parser.guessed is True
    assert "tie" in parser.note


def test_all_ambiguous_uses_the_argument():
    parser = DateParser.for_values(["01/02/2025", "03/04/2025"], dayfirst=True)
    assert parser.dayfirst is True and parser.guessed is False
    assert parser("03/04/2025") == utc(2025, 4, 3)


def test_all_ambiguous_without_argument_guesses_month_first_and_says_so():
    parser = DateParser.for_values(["01/02/2025", "03/04/2025"])
    assert parser.dayfirst is False and parser.guessed is True
    assert "guessed month-first" in parser.note
    assert parser("03/04/2025") == utc(2025, 3, 4)


def test_all_ambiguous_dotted_dates_are_day_first():
    parser = DateParser.for_values(["01.02.2025", "03.04.2025"])
    assert parser.dayfirst is True and parser.guessed is True
    assert parser("03.04.2025") == utc(2025, 4, 3)


def test_evidence_beats_a_wrong_argument_with_a_note():
    parser = DateParser.for_values(["07/14/2025"], dayfirst=True)
    assert parser.dayfirst is False
    assert "dayfirst=True was asked for" in parser.note


def test_sample_skips_empty_values_and_uses_at_most_500():
    samples = [None, "", "  "] + ["01/02/2025"] * 500 + ["25/12/2025"]
    parser = DateParser.for_values(samples)
    # The day-first evidence is sample number 501: it is not looked at.
    assert parser.dayfirst is False and parser.guessed is True


def test_rows_in_other_shapes_still_parse():
    parser = DateParser.for_values(["2025-07-14T15:42:00Z"])
    assert parser("Jul 15, 2025") == utc(2025, 7, 15)
    assert parser("2025-07-14 15:42:00 UTC") == utc(2025, 7, 14, 15, 42)
    assert parser(" 2025-07-16 ") == utc(2025, 7, 16)
    assert parser("20250714") == utc(2025, 7, 14)


@pytest.mark.parametrize("value", ["hello", "12", "", "32/13/2025", "2025-13-45", "14:42",
                                   True, [2025], 12.5, float("nan")])
def test_unparseable_values_raise_value_error(value):
    parser = DateParser.for_values(["2025-07-14"])
    with pytest.raises(ValueError, match="unparseable date"):
        parser(value)


def test_repeated_values_are_memoised_but_results_are_equal():
    parser = DateParser.for_values(["14.07.2025"])
    first = parser("14.07.2025")
    assert parser("14.07.2025") is first


def test_well_formed_rows_never_take_the_slow_path(monkeypatch):
    def slow(self, text, original):
        raise AssertionError(f"slow path for {original!r}")

    for sample, values in [
        ("07/14/2025 3:42 PM", [f"07/{d:02d}/2025 3:{m:02d} PM" for d in (1, 14, 28) for m in range(60)]),
        ("14/Jul/25 3:42 PM", [f"{d:02d}/Jul/25 11:{m:02d} AM" for d in (1, 14) for m in range(60)]),
        ("2025-07-14T15:42:00Z", [f"2025-07-14T15:{m:02d}:00+01:00" for m in range(60)]),
    ]:
        parser = DateParser.for_values([sample])
        monkeypatch.setattr(DateParser, "_slow", slow)
        assert all(parser(v).tzinfo is UTC for v in values)
        monkeypatch.undo()
