"""rca.redact: personal data out, look-alikes left exactly as written."""

from __future__ import annotations

import pytest

from rca.redact import column_kind, iban_valid, luhn_valid, redact, redact_fields


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


# --------------------------------------------------------------------------- issue 18: the forms the probe found


@pytest.mark.parametrize("text, expected", [
    ("write to josé.müller@exämple.de", "write to [email]"),
    ("mail lena＠example.com", "mail [email]"),
    ("https://shop.example.com/unsub?u=lena%40example.com", "https://shop.example.com/unsub?u=[email]"),
    ("reply to lena @ example.com", "reply to [email]"),
    ("john at example dot com", "[email]"),
    ("john[at]example[dot]com", "[email]"),
    ("john (at) example (dot) com please", "[email] please"),
    ("j.smith at gmail.com", "[email]"),
    ("call 0044 20 7946 0958", "call [phone]"),
    ("appelez le +33 6 12 34 56 78", "appelez le [phone]"),
    ("mon portable 06 12 34 56 79", "mon portable [phone]"),
    ("bel 06-12345678", "bel [phone]"),
    ("card 4111.1111.1111.1111", "card [card]"),
    ("iban de89 3704 0044 0532 0130 00", "iban [iban]"),
    ("IBAN DE89-3704-0044-0532-0130-00", "IBAN [iban]"),
    ("IBAN FR14 2004 1010 0505 0001 3M02 606", "IBAN [iban]"),
])
def test_forms_the_probe_found_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("SSN 078-05-1120", "SSN [ssn]"),
    ("my social security number is 123 45 6789", "my social security number is [ssn]"),
    ("NI number QQ 12 34 56 C", "NI number [national_id]"),
    ("AB123456C", "[national_id]"),
    ("DNI 12345678Z", "DNI [national_id]"),
    ("BSN 123456782", "BSN [national_id]"),
    ("DOB: 12/03/1985", "DOB: [dob]"),
    ("I was born on 3rd March 1985.", "I was born on [dob]."),
    ("Geburtsdatum: 12. März 1978", "Geburtsdatum: [dob]"),
    ("passport number 533380006", "passport number [passport]"),
    ("from 203.0.113.42 at 10:42", "from [ip] at 10:42"),
    ("blocked: 2001:db8::8a2e:370:7334", "blocked: [ip]"),
    ("send it to 221B Baker Street, London NW1 6XE", "send it to [address], London [postcode]"),
    ("12 rue de Rivoli, 75001 Paris", "[address], [postcode] Paris"),
    ("Hauptstraße 5, 10115 Berlin", "[address], [postcode] Berlin"),
    ("Calle Mayor 10, 28013 Madrid", "[address], [postcode] Madrid"),
    ("Springfield, IL 62704", "Springfield, IL [postcode]"),
    ("Hi Anna,\nmy kettle broke", "Hi [name],\nmy kettle broke"),
    ("Dear Mr Smith,\nthe sofa", "Dear Mr [name],\nthe sofa"),
    ("It broke.\n\nThanks, Maria Gonzalez", "It broke.\n\nThanks, [name]"),
    ("It broke.\n\nRegards,\nBob", "It broke.\n\nRegards,\n[name]"),
    ("Kind regards,\nJan de Vries", "Kind regards,\n[name]"),
    ("My name is John Smith and my order is late", "My name is [name] and my order is late"),
])
def test_new_kinds_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "delivered on 12/03/2025 at 10:30",
    "my birthday present arrived broken",
    "Hi team,\nthe app crashes",
    "Hello there, my order is late",
    "Thanks Spotify!",
    "Thanks in advance",
    "I waited 3 Days for it",
    "version 10.0.19045.2965",
    "Booked slot 01.02.2026 08:00-12:00",
    "ordine 004-9883120-7001421",
    "Bestellnummer 747516475. Danke",
    "the passport cover (item 4411) is torn",
])
def test_new_kinds_leave_look_alikes(text):
    assert redact(text) == text


@pytest.mark.parametrize("column, kind", [
    ("Requester phone", "[phone]"), ("Customer Email", "[email]"), ("e-mail", "[email]"),
    ("First name", "[name]"), ("userName", "[name]"), ("Shipping address", "[address]"),
    ("ZIP code", "[postcode]"), ("Date of birth", "[dob]"), ("IP address", "[ip]"),
    ("userImage", "[personal]"), ("SSN", "[ssn]"), ("IBAN", "[iban]"), ("Card number", "[card]"),
    ("Product name", None), ("Email subject", None), ("Card type", None), ("Subject", None),
    ("File name", None), ("Page URL", None), ("State", None),
])
def test_column_kind(column, kind):
    assert column_kind(column) == kind


def test_redact_fields_replaces_personal_columns_and_redacts_the_rest():
    record = {"Requester phone": "0612345678", "Mobile": 612345678, "Order": "100234567",
              "Referrer": "https://x.example/p?email=anna@example.com&utm_source=mail",
              "Notes": "call me on 07700 900123", "Product name": "Aurora Kettle", "Empty phone": "",
              "Nested": {"Contact email": "a@b.co"}, "Tags": ["vip", "anna@example.com"]}
    assert redact_fields(record) == {
        "Requester phone": "[phone]", "Mobile": "[phone]", "Order": "100234567",
        "Referrer": "https://x.example/p?email=[email]&utm_source=mail",
        "Notes": "call me on [phone]", "Product name": "Aurora Kettle", "Empty phone": "",
        "Nested": {"Contact email": "[email]"}, "Tags": ["vip", "[email]"]}


def test_query_values_named_personal_are_replaced():
    url = "https://shop.example.com/checkout?name=Anna+Smith&phone=0612345678&step=2"
    assert redact(url) == "https://shop.example.com/checkout?name=[name]&phone=[phone]&step=2"


def test_marks_are_noise_for_textnoise():
    from rca.redact import MARKS
    from rca.textnoise import strip_noise

    assert all(strip_noise(f"kettle {mark} broken") == "kettle broken" for mark in MARKS)
