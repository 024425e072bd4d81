"""The labelled PII corpus (tests/fixtures/pii_corpus.jsonl): recall per kind and precision.

The corpus is written by tests/fixtures/make_pii_corpus.py (seeded) and scored the
same way as benchmarks/pii_bench.py, so a regression in any kind fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.pii_bench import CLAIMED, CORPUS, NEW, load_corpus, score
from rca.redact import redact

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def result():
    return score([item for item in load_corpus() if not item.get("held_out")], redact)


def test_the_corpus_is_the_one_its_script_writes(tmp_path):
    """The committed corpus is what the seeded generator writes (nobody edited it to pass)."""
    script = (FIXTURES / "make_pii_corpus.py").read_text(encoding="utf-8")
    copy = tmp_path / "make_pii_corpus.py"
    copy.write_text(script, encoding="utf-8")
    subprocess.run([sys.executable, str(copy)], check=True, capture_output=True)
    assert (tmp_path / "pii_corpus.jsonl").read_bytes() == CORPUS.read_bytes()


def test_corpus_covers_every_kind_and_language():
    items = load_corpus()
    kinds = {span["kind"] for item in items for span in item["spans"]}
    assert kinds == set(CLAIMED) | set(NEW)
    assert {item["lang"] for item in items} == {"en", "fr", "de", "es", "nl", "it"}
    assert sum(1 for item in items if not item["spans"]) >= 300
    assert sum(1 for item in items if item.get("held_out")) >= 30
    for item in items:  # spans point at the personal value
        for span in item["spans"]:
            assert item["text"][span["start"]:span["end"]].strip() == item["text"][span["start"]:span["end"]]


@pytest.mark.parametrize("kind", CLAIMED)
def test_recall_on_claimed_kinds(result, kind):
    assert result["found"][kind] / result["total"][kind] >= 0.98, kind


@pytest.mark.parametrize("kind", NEW)
def test_recall_on_new_kinds(result, kind):
    assert result["found"][kind] / result["total"][kind] >= 0.90, kind


def test_each_found_value_gets_its_own_mark(result):
    found = sum(result["found"].values())
    assert sum(result["right_kind"].values()) / found >= 0.98


def test_precision_on_complaints_without_personal_data(result):
    assert result["clean_kept"] / result["clean"] >= 0.99
    regions = result["true_regions"] + result["false_regions"]
    assert result["true_regions"] / regions >= 0.99


def test_scoring_counts_a_miss_and_a_false_positive():
    """The scorer itself: a redactor that does nothing finds nothing, one that blanks all is imprecise."""
    items = [{"id": 0, "lang": "en", "text": "mail a@b.co now", "spans": [{"start": 5, "end": 11, "kind": "email"}]},
             {"id": 1, "lang": "en", "text": "order 12345 late", "spans": []}]
    nothing = score(items, lambda text: text)
    assert nothing["found"]["email"] == 0 and nothing["clean_kept"] == 1
    everything = score(items, lambda text: "[email]")
    assert everything["found"]["email"] == 1 and everything["clean_kept"] == 0 and everything["false_regions"] >= 1
    assert json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[0])["spans"]
