"""strip_noise runs only the noise patterns whose trigger occurs in a text: the gates' edge cases.

The expected outputs were frozen from strip_noise before the gates (commit 1b32b0d), and each
case is also checked against the ungated patterns, which rca.textnoise still defines.
benchmarks/noise_title_equivalence.py compares whole corpora with a baseline commit.
"""

import html
import random
import re
import sys

import pytest

from rca import textnoise
from rca.textnoise import strip_noise


def ungated(text: str) -> str:
    """strip_noise as it was: every alternative of _NOISE, the sign-off regex and \\s+ on every text."""
    if "&" in text:
        text = html.unescape(text)
    text = textnoise._NOISE.sub(" ", text)
    text = textnoise._GREETING.sub("", text, count=1)
    text = textnoise._SIGNOFF.sub(r"\g<end>", text, count=1)
    return textnoise._SPACE.sub(" ", text).strip()


FROZEN = [
    ('@SpotifyCares the app logs me out every day', 'the app logs me out every day'),
    ('\uff20SpotifyCares fullwidth at sign, no link', 'fullwidth at sign, no link'),
    ('mail me at bob@example.com about it', 'mail me at bob@example.com about it'),
    ('see https://t.co/abc123 for the error', 'see for the error'),
    ('the page www.example.com shows nothing', 'the page shows nothing'),
    ('WWW.EXAMPLE.COM shows nothing', 'shows nothing'),
    ('go to bit.ly/3xYz and see', 'go to and see'),
    ('the file is at C:/temp/log and 1/2 of it is gone', 'the file is at C:/temp/log and 1/2 of it is gone'),
    ('#ORD123 is still missing', 'is still missing'),
    ('#tbt when the app worked', '#tbt when the app worked'),
    ('order #NW-404337 arrived dented', 'arrived dented'),
    ('Order number: #12345 never came', 'never came'),
    ('I paid {$1,200.00} on time', 'I paid on time'),
    ('I paid {} and {$} too', 'I paid and too'),
    ('XXXX called me on XX/XX/2019 about $XXXX', 'called me on about'),
    ('xx my kids love this xx', 'my kids love this'),
    ('a box of xxl shirts', 'a box of xxl shirts'),
    ('order ORD-12345 never arrived', 'never arrived'),
    ('ORD-12345 never arrived', 'never arrived'),
    ('my order never arrived', 'my order never arrived'),
    ('ticket no. 48213 still open', 'still open'),
    ('account number XXXX and account 123456789', 'account number and'),
    ('T\u0131CKET 48213 is open', 'is open'),
    ('\u0130NVOICE 2024-55512 wrong', '\u0130NVOICE 2024- wrong'),
    ('ca\u017fe 99812 is open', 'is open'),
    ('tic\u212aet 48213 open', 'open'),
    ('tracking 1Z999AA10123456784 shows nothing', 'shows nothing'),
    ('3 items, 2 of them broken, 1 fine', '3 items, 2 of them broken, 1 fine'),
    ('in 2019 I paid 12.50', 'in 2019 I paid 12.50'),
    ('order \u0661\u0662\u0663\u0664\u0665 (Arabic-Indic digits) lost', 'order \u0661\u0662\u0663\u0664\u0665 (Arabic-Indic digits) lost'),
    ('12a3b4 is a code', 'is a code'),
    ('The charger is hot. Thanks, Maria', 'The charger is hot.'),
    ('The charger is hot. \u212aind regards, Bob', 'The charger is hot.'),
    ('The charger is hot. Than\u212as', 'The charger is hot.'),
    ('The charger is hot. \u017fincerely, Bob', 'The charger is hot.'),
    ('The charger is hot. thank[email]you', 'The charger is hot.'),
    ('The charger is hot. best[name]wishes', 'The charger is hot.'),
    ('The charger is hot. Sent from my iPhone', 'The charger is hot.'),
    ('thanks for nothing, the app is broken', 'thanks for nothing, the app is broken'),
    ('Hi The charger is hot', 'The charger is hot'),
    ('Hello,\n\nmy card [card] was charged twice &amp; no reply\n\nRegards,\n[name]', 'my card was charged twice & no reply'),
    ('   \xa0spaces\u2028and\tbreaks\x1c here \u3000', 'spaces and breaks here'),
    ('', ''),
    ('@', '@'),
    ('#', '#'),
    ('[', '['),
    ('{', '{'),
    ('x', 'x'),
]


@pytest.mark.parametrize("text, expected", FROZEN)
def test_gated_strip_noise_gives_what_it_gave_before(text, expected):
    assert strip_noise(text) == expected
    assert ungated(text) == expected


@pytest.mark.parametrize("text, parts, labels", [
    ("@SpotifyCares the app logs me out", (False, False, True, False, False, False), False),  # a handle, no link
    ("see https://t.co/abc for it", (False, True, False, False, False, False), False),  # a link, no handle
    ("my order #A12 and ref 55512", (False, False, False, True, False, True), True),  # ids after their labels
    ("#A12 and 55512", (False, False, False, True, False, True), False),  # ids, no label word
    ("On XX/XX/2019 I paid {$12.00}", (False, False, False, False, True, True), False),  # a "/" alone is no link
    ("My contact is [email]", (True, False, False, False, False, False), False),
])
def test_only_the_patterns_whose_trigger_occurs_run(monkeypatch, text, parts, labels):
    asked = []
    real = textnoise._noise_pattern

    def spy(*key):
        asked.append(key)
        return real(*key)
    monkeypatch.setattr(textnoise, "_noise_pattern", spy)
    assert textnoise._strip_marks(text) == textnoise._NOISE.sub(" ", text)
    assert asked == [(parts, labels)]


def test_a_text_with_no_trigger_is_left_as_it_is():
    text = "the charger gets hot after ten minutes"
    assert textnoise._strip_marks(text) is text


def test_each_subset_pattern_keeps_noise_order():
    # rca mark and id only: the same alternatives as _NOISE, in its order, the id label before the id.
    pattern = textnoise._noise_pattern((True, False, False, False, False, True), True).pattern
    assert pattern == "|".join((textnoise._RCA_MARK, textnoise._ID_LABEL + textnoise._ID))
    everything = textnoise._noise_pattern((True,) * 6, True).pattern
    assert everything == textnoise._NOISE.pattern


def test_folded_text_holds_every_ascii_letter_ignorecase_would_match():
    # IGNORECASE matches a letter by its simple case mapping: "ı" and "İ" match "i", "ſ" matches
    # "s", the Kelvin sign matches "k". The word gates read _folded(text), so each such
    # character must turn into the letter it matches.
    letters = re.compile("[a-z]", re.IGNORECASE)
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        if letters.fullmatch(c):
            matched = [a for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(a, c, re.IGNORECASE)]
            assert all(a in textnoise._folded(c) for a in matched), (hex(code), matched)


def test_gate_characters_have_no_other_case_forms():
    # The character gates ("[", "/", "@", "#", "{", "x", "w", ":" …) are tested with `in` on the
    # text itself or on _folded: no other character may match them under IGNORECASE.
    gates = "[/@＠#{x:.w"
    pattern = re.compile("[" + re.escape(gates) + "]", re.IGNORECASE)
    matched = {chr(code) for code in range(sys.maxunicode + 1) if pattern.fullmatch(chr(code))}
    assert matched == set(gates) | set(gates.upper())


def test_split_collapses_exactly_what_backslash_s_matches():
    space = re.compile(r"\s")
    assert [hex(c) for c in range(sys.maxunicode + 1) if bool(space.fullmatch(chr(c))) != chr(c).isspace()] == []


_PIECES = ["@", "＠", "@a_1", "#", "#1", "#a1", "#a-1", "[", "]", "[email]", "{", "}", "{$1.0}", "$", "x", "X", "xx",
           "XX/XX/20", "/", "://", "http", "www.", "WWW.", ".com/", ".ly/", ".co", "order", "Ticket no. ", "ref:",
           "caſe", "TıCKET", "İnvoice", "tic\u212aet", "1", "12", "123", "2019", "1234", "A1B2C3", "-", " ", "\n",
           ", ", ". ", "!", "Thanks", "than\u212as", "ſincerely", "Regards", "best wishes", "Sent from my phone",
           "Hi ", "Hello, ", "&amp;", "&", "١٢٣", "Maria", "card", "the"]


def test_spliced_triggers_match_the_ungated_patterns():
    rng = random.Random(5)
    for _ in range(5000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 12)))
        assert strip_noise(text) == ungated(text), text
        assert textnoise._strip_marks(text) == textnoise._NOISE.sub(" ", text), text


# make_title caches its word tests: titles frozen from 1b32b0d for groups with noise, shouting and codes.
TITLES = [
    (["My VoltGo charger overheats after 15 minutes", "the voltgo charger overheats badly", "VoltGo charger overheats!!",
      "@NorthwindHelp charger overheats, order ORD-12345", "Hi, my VOLTGO CHARGER OVERHEATS. Thanks, Bob"],
     ["charger", "overheats", "voltgo"], "VoltGo charger overheats"),
    (["Card hasn't arrived yet", "my card has not arrived", "card has not arrived after 2 weeks", "Has my card arrived?",
      "XXXX card has not arrived XX/XX/2019"], ["card", "arrived"], "Card has not arrived"),
    (["Promo code SAVE20 doesn't work", "SAVE20 code rejected at checkout", "code SAVE20 not working #SAVE20",
      "the save20 code is rejected https://t.co/x1"], ["save20", "code", "rejected"], "Code SAVE20"),
    (["xx", "@a", "[email]", "12345"], ["thanks", "hi"], "(no distinctive words)"),
    (["the app crashes on start", "app crashes"], [], "(no distinctive words)"),
]


@pytest.mark.parametrize("texts, keywords, expected", TITLES)
def test_titles_are_what_they_were(texts, keywords, expected):
    from rca.titles import make_title

    assert make_title(texts, keywords) == expected
    assert make_title(texts, keywords) == expected  # and again, from the warm caches
