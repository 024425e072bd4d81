"""The sample-data generator: determinism, export shapes, planted volume patterns, fixtures."""

from __future__ import annotations

import csv
import itertools
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from sample_data import generate as gen

SAMPLE_DIR = Path(gen.__file__).resolve().parent
EXPORTS = ("zendesk_export.csv", "jira_export.csv", "zendesk_tickets.json", "freshdesk_export.json")
OUTPUTS = EXPORTS + ("planted_causes.csv", "truth.csv", "bad_rows.csv", "truncated.json")
WEEKS = [f"2026-W{w}" for w in range(36, 48)]
CAUSE_IDS = [f"P{i:02d}" for i in range(1, 13)]
EXAMPLE_EMAIL = re.compile(r"^[a-z0-9._]+@example\.(com|org|net)$")


def _luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0


def _csv_rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("sample_a")
    gen.generate(d)
    return d


@pytest.fixture(scope="module")
def truth(out) -> list[dict[str, str]]:
    with open(out / "truth.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def planted(out) -> dict[str, dict[str, str]]:
    with open(out / "planted_causes.csv", encoding="utf-8", newline="") as fh:
        return {r["cause_id"]: r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def weekly(truth) -> dict[str, Counter]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for r in truth:
        counts[r["cause"]][r["iso_week"]] += 1
    return counts


# --------------------------------------------------------------------------- determinism


def test_two_runs_of_the_script_give_identical_bytes(out, tmp_path):
    second = tmp_path / "b"
    proc = subprocess.run([sys.executable, str(SAMPLE_DIR / "generate.py"), "--out", str(second)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for name in OUTPUTS:
        assert (second / name).read_bytes() == (out / name).read_bytes(), name


def test_committed_files_are_the_generators_output(out):
    for name in OUTPUTS:
        assert (SAMPLE_DIR / name).read_bytes() == (out / name).read_bytes(), (
            f"{name} differs from the generator's output; run python sample_data/generate.py")


def test_seed_and_scale_change_the_output(tmp_path):
    counts = gen.generate(tmp_path / "s", seed=8, scale=0.2)
    assert counts["truth.csv"] == pytest.approx(1000, abs=20)
    assert (tmp_path / "s" / "zendesk_export.csv").read_bytes() != (SAMPLE_DIR / "zendesk_export.csv").read_bytes()


# --------------------------------------------------------------------------- export shapes


def test_zendesk_csv_shape(out):
    raw = (out / "zendesk_export.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf\"Id\",\"Subject\",\"Description\"")
    rows = _csv_rows(out / "zendesk_export.csv", encoding="utf-8-sig")
    header, data = rows[0], rows[1:]
    assert header == list(gen.ZENDESK_COLUMNS)
    for col in ("Id", "Subject", "Description", "Requester", "Requester email", "Created at",
                "Updated at", "Status", "Priority", "Via", "Tags", "Product [list]", "Page URL"):
        assert col in header
    assert len(data) > 2000
    ix = {c: i for i, c in enumerate(header)}
    offsets = set()
    for row in data:
        assert len(row) == len(header)
        created = datetime.strptime(row[ix["Created at"]], "%Y-%m-%d %H:%M:%S %z")
        updated = datetime.strptime(row[ix["Updated at"]], "%Y-%m-%d %H:%M:%S %z")
        assert updated >= created
        offsets.add(created.utcoffset())
        assert row[ix["Status"]] in {"Open", "Pending", "Solved", "Closed"}
        assert row[ix["Via"]] in {"Web form", "Email", "Chat", "Phone call"}
        assert EXAMPLE_EMAIL.match(row[ix["Requester email"]])
        url = row[ix["Page URL"]]
        assert url == "" or url.startswith("https://shop.example.com/")
    assert len(offsets) >= 4  # customers in several zones, with summer and winter time
    assert any("\n" in row[ix["Description"]] for row in data)


def test_jira_csv_has_repeated_columns_and_jira_dates(out):
    rows = _csv_rows(out / "jira_export.csv")
    header, data = rows[0], rows[1:]
    assert header.count("Labels") == 3
    assert header.count("Comment") == 2
    for col in ("Summary", "Issue key", "Issue id", "Issue Type", "Status", "Priority", "Reporter",
                "Reporter Email", "Created", "Updated", "Component/s", "Description"):
        assert col in header
    ix = {c: i for i, c in enumerate(header)}
    label_ix = [i for i, c in enumerate(header) if c == "Labels"]
    assert len(data) > 1000
    empty_label_cells = 0
    for row in data:
        assert len(row) == len(header)
        assert re.fullmatch(r"NWS-\d+", row[ix["Issue key"]])
        assert re.fullmatch(r"\d{2}/[A-Z][a-z]{2}/\d{2} \d{1,2}:\d{2} [AP]M", row[ix["Created"]])
        datetime.strptime(row[ix["Created"]], "%d/%b/%y %I:%M %p")
        empty_label_cells += sum(1 for i in label_ix if row[i] == "")
    assert 0 < empty_label_cells < 3 * len(data)
    assert any("\n" in row[ix["Description"]] for row in data)


def test_zendesk_json_shape(out):
    doc = json.loads((out / "zendesk_tickets.json").read_text(encoding="utf-8"))
    assert set(doc) == {"tickets", "count", "next_page", "previous_page"}
    assert doc["count"] == len(doc["tickets"]) > 500
    assert doc["next_page"] is None
    channels = set()
    for t in doc["tickets"]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", t["created_at"])
        assert t["status"] in {"open", "pending", "solved", "closed"}
        assert isinstance(t["tags"], list)
        assert EXAMPLE_EMAIL.match(t["requester"]["email"])
        assert t["url"].endswith(f"/tickets/{t['id']}.json")
        assert {f["id"] for f in t["custom_fields"]} == {gen.ZD_FIELD_PRODUCT, gen.ZD_FIELD_PAGE_URL,
                                                        gen.ZD_FIELD_ORDER}
        channels.add(t["via"]["channel"])
    assert channels == {"web", "email", "chat", "voice"}


def test_freshdesk_json_uses_integer_codes(out):
    tickets = json.loads((out / "freshdesk_export.json").read_text(encoding="utf-8"))
    assert isinstance(tickets, list) and len(tickets) > 100
    for t in tickets:
        assert t["source"] in {1, 2, 3, 7}
        assert t["status"] in {2, 3, 4, 5}
        assert t["priority"] in {1, 2, 3, 4}
        assert t["description"].startswith("<div>")


def _export_ids(out: Path) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    rows = _csv_rows(out / "zendesk_export.csv", encoding="utf-8-sig")
    ids["zendesk_export.csv"] = [r[0] for r in rows[1:]]
    rows = _csv_rows(out / "jira_export.csv")
    ids["jira_export.csv"] = [r[rows[0].index("Issue key")] for r in rows[1:]]
    doc = json.loads((out / "zendesk_tickets.json").read_text(encoding="utf-8"))
    ids["zendesk_tickets.json"] = [str(t["id"]) for t in doc["tickets"]]
    ids["freshdesk_export.json"] = [str(t["id"]) for t in
                                    json.loads((out / "freshdesk_export.json").read_text(encoding="utf-8"))]
    return ids


def test_truth_covers_every_exported_ticket_exactly_once(out, truth):
    ids = _export_ids(out)
    for name, lst in ids.items():
        assert len(lst) == len(set(lst)), f"duplicate ids in {name}"
    exported = {(name, i) for name, lst in ids.items() for i in lst}
    keyed = [(r["source_file"], r["external_id"]) for r in truth]
    assert len(keyed) == len(set(keyed))
    assert set(keyed) == exported
    total = sum(len(v) for v in ids.values())
    assert 4000 <= total <= 6000
    shares = {name: len(v) / total for name, v in ids.items()}
    assert shares["zendesk_export.csv"] > shares["jira_export.csv"] > shares["zendesk_tickets.json"]


def test_answer_keys_are_not_inside_the_exports(out):
    cause_token = re.compile(r"\bP(0[1-9]|1[0-2])\b")
    for name in EXPORTS:
        text = (out / name).read_text(encoding="utf-8-sig")
        assert not cause_token.search(text), name
        assert "cause" not in text.splitlines()[0].lower()


def test_truth_weeks_match_export_dates_in_any_zone(out, truth):
    week_of = {r["external_id"]: r["iso_week"] for r in truth if r["source_file"] == "zendesk_export.csv"}
    rows = _csv_rows(out / "zendesk_export.csv", encoding="utf-8-sig")
    ix = rows[0].index("Created at")
    for row in rows[1:]:
        local = datetime.strptime(row[ix], "%Y-%m-%d %H:%M:%S %z")
        for dt in (local, local.astimezone(timezone.utc)):
            y, w, _ = dt.isocalendar()
            assert f"{y}-W{w:02d}" == week_of[row[0]]


# --------------------------------------------------------------------------- planted causes


def test_planted_causes_list(planted):
    assert list(planted) == CAUSE_IDS
    kinds = Counter(r["kind"] for r in planted.values())
    assert kinds["new"] == kinds["growing"] == kinds["recurring"] == 1
    assert kinds["fading"] >= 1 and kinds["steady"] >= 6
    assert {r["defect_type"] for r in planted.values()} <= {"typo", "inconsistent_info", "product_defect", "other"}
    assert {"typo", "inconsistent_info", "product_defect"} <= {r["defect_type"] for r in planted.values()}


def test_every_planted_cause_appears_in_every_main_export(truth):
    seen = defaultdict(Counter)
    for r in truth:
        seen[r["source_file"]][r["cause"]] += 1
    for name in ("zendesk_export.csv", "jira_export.csv", "zendesk_tickets.json"):
        for cid in CAUSE_IDS:
            assert seen[name][cid] >= 5, (name, cid)


def test_noise_share(truth):
    share = sum(1 for r in truth if r["cause"] == "noise") / len(truth)
    assert 0.14 <= share <= 0.20


def _by_kind(planted, kind):
    return [cid for cid, r in planted.items() if r["kind"] == kind]


def test_new_cause_only_in_the_last_two_weeks(planted, weekly):
    for cid in _by_kind(planted, "new"):
        assert all(weekly[cid][w] == 0 for w in WEEKS[:-2]), cid
        assert weekly[cid][WEEKS[-2]] >= 10 and weekly[cid][WEEKS[-1]] >= 20


def test_recurring_cause_has_a_gap_then_comes_back(planted, weekly):
    (cid,) = _by_kind(planted, "recurring")
    assert all(weekly[cid][w] >= 20 for w in WEEKS[:5])
    assert 0 < weekly[cid][WEEKS[5]] < weekly[cid][WEEKS[4]]  # the fix lands in week 6
    assert all(weekly[cid][w] == 0 for w in WEEKS[6:10])
    assert all(weekly[cid][w] >= 20 for w in WEEKS[10:])


def test_growing_cause_grows_strongly(planted, weekly):
    (cid,) = _by_kind(planted, "growing")
    early = sum(weekly[cid][w] for w in WEEKS[:6]) / 6
    late = sum(weekly[cid][w] for w in WEEKS[-2:]) / 2
    assert late > 4 * early
    assert weekly[cid][WEEKS[-1]] > weekly[cid][WEEKS[-3]]


def test_fading_cause_fades_out(planted, weekly):
    for cid in _by_kind(planted, "fading"):
        assert weekly[cid][WEEKS[0]] >= 30
        assert weekly[cid][WEEKS[-1]] == 0
        assert sum(weekly[cid][w] for w in WEEKS[-2:]) * 10 < sum(weekly[cid][w] for w in WEEKS[:2])


def test_steady_causes_are_steady(planted, weekly):
    for cid in _by_kind(planted, "steady"):
        vals = [weekly[cid][w] for w in WEEKS]
        assert min(vals) > 0 and max(vals) <= 2 * min(vals), (cid, vals)


def test_duplicates_point_at_a_ticket_with_the_same_cause(truth):
    by_key = {(r["source_file"], r["external_id"]): r for r in truth}
    dups = [r for r in truth if r["duplicate_of"]]
    assert 5 <= len(dups) <= 60
    for r in dups:
        orig = by_key[(r["source_file"], r["duplicate_of"])]
        assert orig["cause"] == r["cause"]


# --------------------------------------------------------------------------- personal data


def test_personal_data_and_look_alikes(out, truth):
    text = "".join((out / n).read_text(encoding="utf-8-sig") for n in EXPORTS)
    kinds = Counter(k for r in truth for k in r["pii"].split(";") if k)
    assert kinds["email"] >= 20 and kinds["phone"] >= 50 and kinds["card"] >= 20 and kinds["iban"] >= 20
    cards = [c for c in gen.TEST_CARDS if c in text]
    assert len(cards) >= 5 and all(_luhn_ok(c) for c in cards)
    assert "6036 1234 5678 9012" in text and not _luhn_ok("6036 1234 5678 9012")
    assert re.search(r"#NW-\d{6}", text) and re.search(r"NW-[A-Z]{3}-\d{4}", text)
    assert re.search(r"£\d+\.\d\d", text)
    assert "GB82 WEST 1234 5698 7654 32" in text
    # every address is on a reserved example domain
    for addr in set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)):
        assert addr.split("@")[1].lower() in {"example.com", "example.org", "example.net", "shop.example.com"}, addr


# --------------------------------------------------------------------------- small fixtures


def test_bad_rows_has_exactly_three_bad_rows(out):
    with open(out / "bad_rows.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["id", "date", "subject", "body", "email"]
        rows = list(reader)
    assert len(rows) == 20
    bad = {}
    for r in rows:
        if not r["date"].strip():
            bad[r["id"]] = "missing date"
        elif not r["subject"].strip() and not r["body"].strip():
            bad[r["id"]] = "empty"
        else:
            try:
                datetime.fromisoformat(r["date"])
            except ValueError:
                bad[r["id"]] = "bad date"
    assert bad == {"6": "bad date", "11": "empty", "17": "missing date"}
    assert next(r for r in rows if r["id"] == "6")["date"] == "not a date"


def test_truncated_json_is_cut_inside_a_record(out):
    text = (out / "truncated.json").read_text(encoding="utf-8")
    assert text.lstrip().startswith('{\n  "tickets": [')
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    assert text.count('"id": 9') >= 4  # three whole tickets and part of a fourth


# --------------------------------------------------------------------------- the API


KEYS = {"id", "created_at", "subject", "body", "requester_name", "requester_email", "channel", "tags",
        "status", "product", "page_url", "cause"}


def test_iter_complaints_items():
    items = list(gen.iter_complaints(3000))
    assert len(items) == 3000
    assert [c["id"] for c in items] == list(range(items[0]["id"], items[0]["id"] + 3000))
    start = datetime(2026, 8, 31, tzinfo=timezone.utc)
    end = datetime(2026, 11, 23, tzinfo=timezone.utc)
    prev = start
    for c in items:
        assert set(c) == KEYS
        assert c["created_at"].tzinfo is timezone.utc and start <= c["created_at"] < end
        assert c["created_at"] >= prev
        prev = c["created_at"]
        assert c["channel"] in {"email", "web", "chat", "phone"}
        assert c["status"] in {"open", "pending", "solved", "closed"}
        assert isinstance(c["tags"], list) and all(isinstance(t, str) and " " not in t for t in c["tags"])
        assert c["cause"] in CAUSE_IDS or c["cause"] == "noise"
        assert c["subject"] or c["body"]
        assert EXAMPLE_EMAIL.match(c["requester_email"])
    assert len({c["body"] for c in items}) > 0.9 * len(items)
    assert set(c["cause"] for c in items) == set(CAUSE_IDS) | {"noise"}


def test_iter_complaints_is_deterministic_and_seeded():
    a = list(gen.iter_complaints(500, seed=11))
    b = list(gen.iter_complaints(500, seed=11))
    c = list(gen.iter_complaints(500, seed=12))
    assert a == b
    assert [x["body"] for x in a] != [x["body"] for x in c]


def test_iter_complaints_scales_the_week_shapes():
    items = gen.iter_complaints(60000, seed=3)
    weekly: dict[str, Counter] = defaultdict(Counter)
    for c in items:
        y, w, _ = c["created_at"].isocalendar()
        weekly[c["cause"]][w] += 1
    assert all(weekly["P10"][w] == 0 for w in range(36, 46)) and weekly["P10"][47] > 500
    assert all(weekly["P09"][w] == 0 for w in range(42, 46)) and weekly["P09"][47] > 300
    assert sum(weekly["noise"].values()) == pytest.approx(0.17 * 60000, rel=0.02)


def test_iter_complaints_other_windows():
    end = date(2026, 3, 1)  # a Sunday
    items = list(gen.iter_complaints(400, weeks=4, end=end))
    assert len(items) == 400
    first = datetime(2026, 2, 2, tzinfo=timezone.utc)
    assert all(first <= c["created_at"] < first + timedelta(days=28) for c in items)
    assert list(gen.iter_complaints(0)) == []
    with pytest.raises(ValueError):
        gen.iter_complaints(-1)


def test_write_generic_csv_streams(tmp_path):
    path = tmp_path / "generic.csv"
    n = gen.write_generic_csv(path, gen.iter_complaints(1200, seed=5))
    assert n == 1200
    rows = _csv_rows(path)
    assert rows[0] == ["id", "created_at", "subject", "body", "email", "channel", "tags", "product", "page_url"]
    assert len(rows) == 1201
    for row in rows[1:]:
        assert datetime.fromisoformat(row[1]).utcoffset() == timedelta(0)
    # accepts any iterable, including a plain generator of dicts
    first = list(itertools.islice(gen.iter_complaints(10), 3))
    assert gen.write_generic_csv(tmp_path / "three.csv", (c for c in first)) == 3
