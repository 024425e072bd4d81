"""rca.defects: defect type from complaint text, and from an export's own column."""

from __future__ import annotations

import pytest

from rca.defects import DEFECT_TYPES, classify_defect, normalize_defect_type


@pytest.mark.parametrize("subject, body", [
    ("Typo on pricing page", "It says 'Delivey in 3 days'"),
    (None, "The word 'recieve' is misspelled on the checkout page"),
    (None, "There is a spelling mistake in the confirmation email."),
    ("Grammar", "The FAQ sentence has bad grammar"),
    (None, "There is a wrong word in the second paragraph"),
    (None, "Lorem ipsum is still on the product page"),
])
def test_typo(subject, body):
    assert classify_defect(subject, body) == "typo"


@pytest.mark.parametrize("subject, body", [
    (None, "The FAQ says 2 days but checkout says 5 days"),
    (None, "The price on the website does not match the price at checkout"),
    (None, "Two different prices for the same kettle"),
    (None, "On the FAQ it says returns within 30 days."),
    (None, "In your app it shows 5 items in stock."),
    ("Inconsistent delivery info", "Which one is true?"),
    (None, "The label contradicts the manual"),
    (None, "There is a discrepancy between the invoice and the order"),
    (None, "The site doesn’t match the email"),  # typographic apostrophe
    ("Price", "The price on the product page is different from the cart"),
    (None, "The FAQ says delivery in 2 days and checkout says 5 days. Which is right?"),
])
def test_inconsistent_info(subject, body):
    assert classify_defect(subject, body) == "inconsistent_info"


@pytest.mark.parametrize("subject, body", [
    ("Charger", "stopped working after a week"),
    (None, "The kettle leaks from the base."),
    (None, "Screen cracked on arrival"),
    (None, "It doesn't work!!"),
    (None, "my phone won't charge with it"),
    (None, "The lid won’t close"),
    (None, "Faulty unit, please replace"),
    (None, "The battery dies after an hour"),
    ("Broken.", None),
])
def test_product_defect(subject, body):
    assert classify_defect(subject, body) == "product_defect"


@pytest.mark.parametrize("subject, body", [
    ("Hi", "Where is my order?"),
    (None, "Please cancel my subscription"),
    (None, "My dentist recommended this brush"),  # 'dent' is not 'dented'
    (None, "The typography is lovely"),  # 'typo' only as a word
    (None, "I wrote essays but never mind"),  # 'essays' is not 'says'
    (None, "I need a network adapter"),  # 'work' inside a word
    (None, None),
    ("", ""),
])
def test_other(subject, body):
    assert classify_defect(subject, body) == "other"


def test_typo_wins_over_other_types_in_one_complaint():
    assert classify_defect(None, "Typo on the box and it is broken") == "typo"


@pytest.mark.parametrize("subject, body, expected", [
    ("Kaputt", "Der Wasserkocher ist defekt… broken (seit Montag)!", "product_defect"),
    (None, "Le site affiche «typo» — voir la page ça/là", "typo"),
    (None, "🙁 the label doesn’t match the website’s price!!", "inconsistent_info"),
    (None, "naïve café: spelling,grammar;punctuation", "typo"),
    (None, "lone surrogate \ud800 then: broken.", "product_defect"),
    (None, "Ünïcödé everywhere, nothing wrong here", "other"),
])
def test_non_ascii_text_splits_into_words_at_ascii_punctuation(subject, body, expected):
    assert classify_defect(subject, body) == expected


def test_every_result_is_a_known_type():
    for text in ("typo", "broken", "says x but y", "nothing"):
        assert classify_defect(None, text) in DEFECT_TYPES


@pytest.mark.parametrize("value, expected", [
    ("Typo", "typo"),
    ("typos", "typo"),
    ("Spelling mistake", "typo"),
    ("inconsistent information", "inconsistent_info"),
    ("Inconsistent_Info", "inconsistent_info"),
    ("inconsistent-info", "inconsistent_info"),
    ("Product defect", "product_defect"),
    ("product_defect", "product_defect"),
    ("bug", "product_defect"),
    ("Defects", "product_defect"),
    ("Other", "other"),
    ("Question", None),
    ("", None),
    ("   ", None),
    (None, None),
])
def test_normalize_defect_type(value, expected):
    assert normalize_defect_type(value) == expected
