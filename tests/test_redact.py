"""rca.redact: personal data out, look-alikes left exactly as written."""

from __future__ import annotations

import pytest

from rca.redact import iban_valid, luhn_valid, redact


@pytest.mark.parametrize("text, expected", [
    # e-mail
    ("mail me at john.doe+x@example.co.uk please", "mail me at [email] please"),
    ("Contact: ANNA_B@Mail-Server.io.", "Contact: [email]."),
    ("..bob@mail.com", "..[email]"),
    # cards: Luhn-valid, contiguous, spaced, dashed, Amex, with a trailing CVC
    ("card 4111 1111 1111 1111 exp 12/27", "card [card] exp 12/27"),
    ("card 4111-1111-1111-1111", "card [card]"),
    ("paid with 5555555555554444.", "paid with [card]."),
    ("amex 3782 822463 10005", "amex [card]"),
    ("card 4111 1111 1111 1111 123", "card [card] 123"),
    # IBANs: mod-97 valid, spaced or compact
    ("IBAN DE89 3704 0044 0532 0130 00 thanks", "IBAN [iban] thanks"),
    ("iban GB82WEST12345698765432.", "iban [iban]."),
    ("to NL91ABNA0417164300 please", "to [iban] please"),
    ("IBAN: NL91 ABNA 0417 1643 00", "IBAN: [iban]"),
    # phones
    ("call +44 20 7946 0958 now", "call [phone] now"),
    ("+1 (555) 123-4567", "[phone]"),
    ("ring (555) 123-4567 today", "ring [phone] today"),
    ("555-123-4567", "[phone]"),
    ("555.123.4567", "[phone]"),
    ("at 07700 900123 after six", "at [phone] after six"),
    ("Tel. 020 7946 0958", "Tel. [phone]"),
    ("whatsapp +4915112345678", "whatsapp [phone]"),
    # a bare run of digits is a phone only after a phone word
    ("call me on 07700900123", "call me on [phone]"),
    ("my mobile: 4915112345678", "my mobile: [phone]"),
    ("phone number is 555 123 4567.", "phone number is [phone]."),
    # postcodes and IP addresses were left as written until issue 18 asked for them
    ("zip 90210, postcode SW1A 1AA", "zip [postcode], postcode [postcode]"),
    ("IP 192.168.100.200", "IP [ip]"),
])
def test_personal_data_is_replaced(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "order #100234567 has not arrived",
    "ORD-2025-004512 is wrong",
    "delivered on 2025-07-14 at 15:42",
    "ordered 14/07/2025, promised 16.07.2025",
    "it cost $1,299.99 instead of €24.90",
    "2 x 1000 units, 250 ml each",
    "SKU 4006381333931",
    "barcode 4006381333931",
    "tracking 1Z999AA10123456784",
    "tracking 9400 1000 0000 0000 0000 00",
    "number 4111111111111112 fails Luhn",
    "version 2.10.3 and build v10.0.19045.2965",
    "invoice 2025-0001234",
    "opening hours 12:30-14:45",
    "1,000,000 points",
    "ISBN 978-3-16-148410-0",
    "ean 5901234123457",  # passes Luhn, but is labelled
    "order 4111111111111111",  # passes Luhn, but is labelled an order
    "version 1.2.3.4 and build 10.0.19045.2965",
    "DE89 3704 0044 0532 0130 01",  # IBAN with a wrong check
    "I called 3 times since 14.07.2025",
    "call me about order 100234567",
    "the phone cost 1299 dollars",
    "email@localhost is not an address",
    "",
])
def test_look_alikes_are_left_intact(text):
    assert redact(text) == text


def test_several_kinds_in_one_complaint():
    text = ("Please call me on 07700 900123 or mail john.doe@example.com about order 100234567 "
            "from 2025-07-14; I paid $1,299.99 with card 4111 1111 1111 1111 and want the "
            "refund to IBAN DE89 3704 0044 0532 0130 00.")
    assert redact(text) == (
        "Please call me on [phone] or mail [email] about order 100234567 from 2025-07-14; "
        "I paid $1,299.99 with card [card] and want the refund to IBAN [iban].")


def test_text_without_digits_or_at_sign_is_returned_as_is():
    text = "The charger stopped working after two days."
    assert redact(text) is text


def test_luhn():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("4006381333931")


def test_iban():
    assert iban_valid("DE89 3704 0044 0532 0130 00")
    assert iban_valid("gb82west12345698765432")
    assert not iban_valid("DE89 3704 0044 0532 0130 01")  # check digits
    assert not iban_valid("DE89 3704 0044 0532 0130 0")  # German IBANs have 22 characters
