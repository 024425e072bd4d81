"""Take personal data out of complaint text before it is stored.

``redact`` replaces personal data with a mark naming its kind:

==================  =====================================================================
``[email]``         addresses in any script (``josé.müller@exämple.de``), with a full-width
                    ``＠``, URL-encoded ``%40``, spaces around the ``@``, or written out
                    ("john at example dot com", ``[at]``/``(at)``/``[dot]``/``(dot)``)
``[phone]``         ``+CC …`` and ``00CC …``, national numbers with a trunk 0 in any grouping
                    (``06 12 34 56 78``, ``06-12345678``, ``030/1234567``, ``(02) 9876 5432``),
                    North American, Spanish, Italian and Indian mobile shapes, and any 7-15
                    digit number after a phone word ("call me on 0612345678")
``[card]``          13-19 digits in groups of spaces, dashes or dots, Luhn-checked
``[iban]``          upper or lower case, spaced, dashed or compact, mod-97 and length checked
``[ssn]``           US social security numbers (``123-45-6789``; other groupings after "SSN")
``[national_id]``   UK National Insurance numbers, Spanish DNI/NIE (check letter), and
                    numbers after a national-id word (BSN, Aadhaar, INSEE, Steuer-ID …)
``[dob]``           a date after "DOB", "date of birth", "born on" (and their French, German,
                    Spanish, Dutch, Italian forms); other dates stay
``[passport]``      the number after "passport" (passeport, Reisepass, pasaporte …)
``[ip]``            IPv4 and IPv6 addresses (not version numbers)
``[address]``       house number + street ("221B Baker Street", "12 rue de Rivoli",
                    "Hauptstraße 5", "Calle Mayor 10")
``[postcode]``      UK postcodes, a US ZIP after a city and state (an Australian postcode after
                    its state), and the postcode after a
                    street or a postcode word ("zip 90210", "PLZ 10115")
``[name]``          names in greetings and sign-offs ("Hi Anna,", "Thanks, Maria Gonzalez")
                    and after "my name is" (je m'appelle, ich heiße, me llamo …)
==================  =====================================================================

What a complaint needs to stay useful must survive: order numbers, dates, times,
prices, SKUs, tracking and version numbers. So every candidate is checked beyond
its shape (checksums, context words, the words around it); a bare run of digits
is never a phone without a phone word.

Most complaints hold no personal data at all, so each kind is guarded by a cheap
check (a character, a substring of the lower-cased text, or a regex that starts
with a character class, which the engine scans fast); the detailed patterns run
only on the few texts and windows that pass. ``benchmarks/pii_bench.py`` measures
the cost per text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterable
from typing import Any

__all__ = ["redact", "redact_fields", "column_kind", "luhn_valid", "iban_valid", "MARKS"]

EMAIL, PHONE, CARD, IBAN = "[email]", "[phone]", "[card]", "[iban]"
SSN, NATIONAL_ID, DOB, PASSPORT, IP = "[ssn]", "[national_id]", "[dob]", "[passport]", "[ip]"
ADDRESS, POSTCODE, NAME, PERSONAL = "[address]", "[postcode]", "[name]", "[personal]"
MARKS = (EMAIL, PHONE, CARD, IBAN, SSN, NATIONAL_ID, DOB, PASSPORT, IP, ADDRESS, POSTCODE, NAME, PERSONAL)

# --------------------------------------------------------------------------- numbers

# Numbers that start with a digit or '+' or '('. One pass, alternatives in
# order of specificity; each match is validated in _replace_number.
_NUMBERS = re.compile(
    r"(?<![\w.,/+-])(?<!\d[ -])(?:"  # not the tail of a longer number (IBAN, tracking)
    # card: 13-19 contiguous digits, or 4-4-4-4(-1..3) groups, or Amex 4-6-5
    r"(?P<card>[2-6]\d{12,18}(?![\w])"
    r"|[2-6]\d{3}(?P<s1>[ .-])\d{4}(?P=s1)\d{4}(?P=s1)\d{4}(?:(?P=s1)\d{1,3})?(?!\w|-\d)"
    r"|3[47]\d{2}(?P<s2>[ .-])\d{6}(?P=s2)\d{5}(?!\w|-\d))"
    # US social security number: 3-2-4 with dashes
    r"|(?P<ssn>\d{3}-\d{2}-\d{4})(?![\w]|-\d)"
    # international: +CC or 00CC, then groups, optionally one in parentheses ("(0)20")
    r"|(?P<intl>(?:\+|00(?=[1-9]))\d{1,3}(?:[ .\-/]?\(\d{1,4}\)|[ .\-/]?\d{1,6}){1,7})(?!\d|[.,/-]\d)"
    # North American: (555) 123-4567, 555-123-4567, 1-800-555-0199, 555.123.4567
    r"|(?P<nanp>(?:1[ .-])?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4})(?!\w|[.,/-]\d)"
    # national trunk-prefix numbers in any grouping: 07700 900123, 06 12 34 56 78,
    # 06-12345678, 030/1234567, (02) 9876 5432
    r"|(?P<national>(?:0\d{1,4}|\(0\d{1,4}\))(?:[ ./-]{1,2}\d{2,8}){1,4})(?!\w|[.,/-]\d)"
    # mobiles without a trunk 0: Spanish 612 34 56 78 / 91 123 45 67, Indian 98765 43210,
    # Italian 333 1234567
    r"|(?P<mobile>[6-9]\d{2}(?: \d{2}){3}|9\d \d{3} \d{2} \d{2}|[6-9]\d{4}[ -]\d{5}|3\d{2}[ -]\d{6,7})"
    r"(?!\w|[.,/-]\d)"
    r")"
)

# Words just before a number that make any 7-15 digit number a phone
# ("call me on 07700900123"); only filler words may stand between.
_PHONE_WORDS = frozenset({
    "call", "called", "calling", "phone", "tel", "telephone", "mobile", "mob", "cell", "cellphone",
    "whatsapp", "sms", "text", "ring", "landline", "contact", "fax",
    # French, German, Spanish, Dutch, Italian
    "téléphone", "telephone", "tél", "portable", "joindre", "joignable", "appeler", "rappeler", "appelez",
    "telefon", "telefonnummer", "handy", "handynummer", "mobil", "mobilnummer", "rufnummer", "festnetz",
    "anrufen", "teléfono", "telefono", "móvil", "movil", "celular", "llamar", "llámame", "llamadme",
    "mobiel", "telefoonnummer", "bellen", "bel", "gsm", "cellulare", "chiamare", "chiamatemi"})
_FILLERS = frozenset({"me", "us", "on", "at", "back", "number", "no", "nr", "is", "my", "app",
                      "au", "sur", "le", "mon", "est", "mich", "unter", "ist", "meine", "mi", "al", "es",
                      "el", "op", "mij", "il", "n", "num", "nummer", "numéro", "número", "numero"})
_WORD = re.compile(r"[^\W\d_]+(?:/[^\W\d_]+)?")

_IBAN = re.compile(r"[A-Z][A-Z]\d\d(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?(?![A-Za-z0-9])",
                   re.IGNORECASE)

# Substrings of every phone word, for a cheap pre-test of the text before a number.
_PHONE_STEMS = ("call", "phone", "tel", "tél", "mob", "cell", "whats", "sms", "text", "ring", "landline",
                "contact", "fax", "portable", "joi", "appel", "handy", "ruf", "anruf", "festnetz", "móvil",
                "movil", "celular", "llam", "bel", "gsm", "chiam")
_DATE_START = re.compile(r"\d{4}[-/.]\d\d?[-/.]\d\d?|\d\d?[./-]\d\d?[./-](?:19|20)\d\d(?!\d)")
_DATE_LIKE = re.compile(r"\d{4}[-/.]\d\d?[-/.]\d\d?|\d\d?[./-]\d\d?[./-]\d{2,4}")

# Words right before a number that say it is not a card (an order or SKU
# number can pass Luhn by chance: one in ten does).
_NOT_CARD_WORDS = frozenset({"order", "sku", "ean", "upc", "gtin", "isbn", "tracking", "track",
                             "invoice", "ref", "reference", "awb", "parcel", "shipment",
                             "serial", "s/n", "sn", "item", "article", "art", "part", "model",
                             "ticket", "case", "barcode", "account", "receipt", "booking",
                             "confirmation", "imei", "commande", "bestellung", "pedido", "bestelling",
                             "ordine", "sendung", "colis", "factura", "facture", "rechnung", "bestellnummer",
                             "auftragsnummer", "bestelnummer", "artikelnummer", "artikel", "articolo", "artículo",
                             "articulo", "réf", "référence", "referencia", "referentie", "riferimento", "fattura",
                             "factuur", "suivi", "tracking", "seguimiento", "spedizione", "zending", "colli"})


# Where a sentence ends: the words before it label nothing after it ("… order
# 932810. Charged to 3742 …"); "no." and "nr." are abbreviations, not ends.
_SENTENCE_END = re.compile(r"[!?;\n]|(?:[^\W\d_]{3}|[\d)\]\"'])\.\s")


def _words_before(text: str, start: int, count: int) -> list[str]:
    """The last ``count`` words before ``start`` in its sentence, lower case (a cheap look-behind)."""
    window = text[max(0, start - 48):start].lower()
    ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if ends:
        window = window[ends[-1]:]
    return _WORD.findall(window)[-count:]


def _after_phone_word(text: str, start: int) -> bool:
    words = _words_before(text, start, 4)
    for i in range(len(words) - 1, -1, -1):
        if words[i] in _PHONE_WORDS:
            return True
        if words[i] not in _FILLERS:
            return False
    return False


def _labelled_not_card(text: str, start: int) -> bool:
    return any(w in _NOT_CARD_WORDS for w in _words_before(text, start, 3))


# IBAN length by country (ISO 13616 registry, the countries customers write from).
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20,
    "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18,
    "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30,
    "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}


_DOUBLED = str.maketrans("0123456789", "0246813579")  # 2d, minus 9 when above 9


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number carries (digits only)."""
    rev = digits[::-1]
    both = rev[0::2] + rev[1::2].translate(_DOUBLED)
    # Summing the ASCII bytes runs in C: a few hundred ns for a card number.
    return (sum(both.encode("ascii")) - 48 * len(both)) % 10 == 0


def iban_valid(iban: str) -> bool:
    """ISO 13616 check: country length (when known) and mod 97 == 1."""
    compact = iban.replace(" ", "").replace("-", "").upper()
    expected = _IBAN_LENGTHS.get(compact[:2])
    if expected is None:
        if not 15 <= len(compact) <= 34:
            return False
    elif len(compact) != expected:
        return False
    if not compact[2:4].isdigit() or not compact.isascii():
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def _ssn_valid(digits: str) -> bool:
    """SSA rules: no area 000, 666 or 9xx, no group 00, no serial 0000."""
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _replace_number(m: re.Match[str]) -> str:
    whole = m.group(0)
    card = m.group("card")
    if card is not None:
        digits = card.replace(" ", "").replace("-", "").replace(".", "")
        if _labelled_not_card(m.string, m.start()):
            return whole
        if luhn_valid(digits):
            return CARD
        if len(digits) > 16 and m.group("s1"):
            # "4111 1111 1111 1111 123": a card followed by its CVC.
            head = card[:19]
            if luhn_valid(head.replace(m.group("s1"), "")):
                return CARD + card[19:]
        return whole
    if m.group("ssn") is not None:
        return SSN if _ssn_valid(whole.replace("-", "")) and not _labelled_not_card(m.string, m.start()) \
            else whole
    if _DATE_START.match(whole) is not None:
        return whole  # "01.02.2026 08:00": a date and a time
    if m.group("intl") is not None:
        digits = _digits_in(whole) - (2 if whole.startswith("00") else 0)
        return PHONE if 8 <= digits <= 15 and not _labelled_not_card(m.string, m.start()) else whole
    if m.group("nanp") is not None:
        return PHONE if not _labelled_not_card(m.string, m.start()) else whole
    national = m.group("national")
    if national is not None:
        return PHONE if 9 <= _digits_in(national) <= (12 if national[1:2] == "1" else 11) and not _labelled_not_card(m.string, m.start()) \
            else whole
    if m.group("mobile") is not None:
        return PHONE if not _labelled_not_card(m.string, m.start()) else whole
    return whole


def _digits_in(s: str) -> int:
    return len(s) - s.count(" ") - s.count("-") - s.count(".") - s.count("(") \
        - s.count(")") - s.count("+") - s.count("/")


def _worded_phone(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A 7-15 digit number right after a phone word: (start, end) to replace."""
    if start and (text[start - 1].isalnum() or text[start - 1] in "-./,_"):
        return None
    if not _after_phone_word(text, start):
        return None
    # "call 07700900123 2025": keep whole space-separated groups up to 15 digits.
    count = 0
    cut = start
    for group in text[start:end].split(" "):
        n = _digits_in(group)
        if count + n > 15:
            break
        count += n
        cut += len(group) + 1
    cut = min(cut - 1, end)
    while cut > start and not text[cut - 1].isdigit():
        cut -= 1
    return (start, cut) if count >= 7 else None


# One scan for every kind that starts with a digit; the branch that matched says
# what to check. It starts with a character class, so plain text is skipped fast.
_DIGIT_SCAN = re.compile(
    r"[0-9](?:"
    # numbers of 6+ characters: cards, phones, IBANs, SSNs, IPs, national ids
    r"(?P<cand>[0-9 ().\-/]{5,})"
    # a house number before a street: "221B Baker", "12 rue de", "29 park road"
    r"|(?P<house>[0-9]{0,4}[A-Za-z]?,? (?=[A-Z]|bis |ter |rue |av|bo|bd |pl|ch|all|imp|quai |route |cours |sq"
    r"|[a-z]+ (?:[a-z]+ )?(?:street|road|avenue|lane|drive|close|crescent)\b))"
    # the inward half of a UK postcode: "1AA" of "SW1A 1AA"
    r"|(?P<inward>[ABD-HJLNP-UW-Z]{2}(?![\w/-]))"
    # 4-5 digits: a ZIP code, a year
    r"|(?P<short>[0-9]{3}(?:[0-9](?:-[0-9]{4})?)?(?![\w-]))"
    # 1-4 digits ending a phrase: the number after a street ("Hauptstraße 5,", "Calle Mayor 10")
    r"|(?P<tail>[0-9]{0,3}[a-zA-Z]?(?=[,.;]|[ \t]*$|[ \t]*\n|[ \t]+[0-9]{4,5}(?![0-9])))"
    r")")
_IPV4_SHAPE = re.compile(r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}")


def _redact_digits(text: str) -> tuple[str, bool]:
    """Everything found from a digit: numbers, IBANs, ids, IPv4, house numbers, postcodes.

    Returns the text and whether a date or a year in it follows a date-of-birth
    word (then the dates of birth stage runs).
    """
    spans: list[tuple[int, int, str]] = []  # (start, end, placeholder), left to right
    last = 0
    n = len(text)
    dated = False

    def after_phone_word(pos: int) -> bool:
        # Cheap substring test on the window first; the word-exact test is rarer.
        window = text[max(0, pos - 48):pos].lower()
        return any(w in window for w in _PHONE_STEMS) and _after_phone_word(text, pos)

    for hit in _DIGIT_SCAN.finditer(text):  # most texts: none or one hit
        s, e = hit.span()
        if s < last:
            continue
        kind = hit.lastgroup
        if kind == "house":
            dated = dated or _year_at(text, s) and _after_dob_word(text, s)
            address = _address_at(text, s)
            if address is None and text[s:s + 4].isdigit():
                address = _postcode_at(text, s, s + 4)  # "postcode 1012 AB"
            if address is not None:
                spans.append(address)
                last = address[1]
            continue
        if kind == "tail":
            address = _street_before(text, s, e, last)
            if address is not None:
                spans.append(address)
                last = address[1]
            continue
        if kind == "inward":
            for start in range(max(last, s - 5), s - 1):
                m = _UK_POSTCODE.match(text, start)
                if m is not None and m.end() == e:
                    spans.append((start, e, POSTCODE))
                    last = e
                    break
            continue
        if kind == "short":
            dated = dated or _year_at(text, s) and _after_dob_word(text, s)
            code = _postcode_at(text, s, e)
            if code is not None:
                spans.append(code)
                last = code[1]
            continue
        number = hit.group()
        if not number[-1].isdigit():
            trimmed = number.rstrip(" ().-/")
            e -= len(number) - len(trimmed)
            number = trimmed
        if s > 0 and text[s - 1] in "+(":
            s -= 1
            number = text[s] + number
        # IBAN: its letters (country, bank code) sit just before the digits, or a
        # group of four before them holds a capital or a digit ("GB82 WEST 1234").
        if s >= 2 and (text[s - 1].isalpha()
                       or text[s - 1] in " -" and text[s - 5:s - 1].isalnum()
                       and (not text[s - 5:s - 1].islower() or any(c.isdigit() for c in text[max(0, s - 12):s - 5]))):
            iban = _iban_before(text, s, e, last)
            if iban is not None:
                spans.append(iban)
                last = iban[1]
                continue
        if number.isdigit():
            length = len(number)
            if length < 7:
                found = _national_id_at(text, s, e) if length == 6 and s >= 2 and text[s - 1].isalpha() \
                    else _postcode_at(text, s, e) if length in (4, 5) else None  # "AB123456C", "zip 90210"
                if found is not None:
                    spans.append(found)
                    last = found[1]
                continue
            # The common case (order numbers, SKUs): no separators, so only a
            # card (13-19 digits, Luhn), a phone after a phone word, or an id.
            glued = s > 0 and (text[s - 1].isalnum() or text[s - 1] in "_-./,+")
            if glued or (e < n and (text[e].isalnum() or text[e] == "_")):
                found = _national_id_at(text, s, e)  # "12345678Z", "X1234567L"
                if found is not None and found[0] >= last:
                    spans.append(found)
                    last = found[1]
                continue
            if 13 <= length <= 19 and number[0] in "23456" and luhn_valid(number) \
                    and not _labelled_not_card(text, s):
                spans.append((s, e, PHONE if after_phone_word(s) else CARD))
                last = e
            elif 7 <= length <= 15 and after_phone_word(s):
                spans.append((s, e, PHONE))
                last = e
            else:
                found = _labelled_id(text, s, e)
                if found is not None:
                    spans.append(found)
                    last = found[1]
            continue
        if _DATE_LIKE.fullmatch(number) is not None:
            dated = dated or _after_dob_word(text, s)
            continue
        if len(number) == 10 and number[5] == "-" and number.replace("-", "").isdigit():
            code = _postcode_at(text, s, e)  # a ZIP+4: "NY 10001-1234", "zip code 10001-1234"
            if code is not None:
                spans.append(code)
                last = code[1]
            continue
        if _IPV4_SHAPE.fullmatch(number) is not None:
            if all(len(o) == 1 or o[0] != "0" and int(o) < 256 for o in number.split(".")) \
                    and _VERSION_WORDS.isdisjoint(_words_before(text, s, 4)) \
                    and not (s and text[s - 1] in "._") and not (e < n and text[e].isalnum()):
                spans.append((s, e, IP))
                last = e
            continue
        if _digits_in(number) < 6:
            continue
        found = _national_id_at(text, s, e)  # "AB 12 34 56 C"
        if found is not None:
            spans.append(found)
            last = found[1]
            continue
        matched = False
        # The window reaches 2 characters past the candidate so the lookaheads
        # see what follows; no match can extend into them.
        for m in _NUMBERS.finditer(text, s, min(n, e + 2)):
            if m.start() >= e:
                break
            placeholder = _replace_number(m)
            if placeholder is CARD and after_phone_word(s):
                placeholder = PHONE  # "mobile: 4915112345678" passes Luhn by chance
            if placeholder != m.group(0):
                spans.append((m.start(), m.end(), placeholder))
                last = m.end()
                matched = True
        if not matched:
            # "Windows Mobile 10.0.15252.0": dotted groups after a phone word are a version.
            worded = _worded_phone(text, s, e) if number.count(".") < 2 and after_phone_word(s) else None
            if worded is not None:
                spans.append((worded[0], worded[1], PHONE))
                last = worded[1]
            else:
                found = _labelled_id(text, s, e)
                if found is not None:
                    spans.append(found)
                    last = found[1]
    return _apply(text, spans), dated


def _after_dob_word(text: str, s: int) -> bool:
    """A date-of-birth word in the 40 characters before ``s`` ("DOB:", "born on 4 July")."""
    before = text[max(0, s - 40):s].lower()
    return any(stem in before for stem in _DOB_STEMS)


def _year_at(text: str, s: int) -> bool:
    """A year of this or the last century starts at ``s`` (a date of birth may be near)."""
    return text.startswith(("19", "20"), s) and text[s + 2:s + 4].isdigit() and not text[s + 4:s + 5].isdigit()


def _postcode_at(text: str, s: int, e: int) -> tuple[int, int, str] | None:
    """A ZIP after a town and state, or the code after a postcode word, at s..e, as a span."""
    if s and (text[s - 1].isalnum() or text[s - 1] == "-"):
        return None
    if e - s >= 5 and _STATE_BEFORE.search(text, max(0, s - 7), s) is not None:
        return (s, e, POSTCODE)
    if e - s == 4 and _AU_STATE_BEFORE.search(text, max(0, s - 5), s) is not None:
        return (s, e, POSTCODE)  # "Sydney NSW 2000", "VIC 3000": an Australian state and postcode
    words = text[max(0, s - 24):s].lower().split()[-3:]
    if not any(w.strip(":#.-,()") in _POSTCODE_LABELS for w in words):
        return None
    m = _POSTCODE_WORDS.search(text, max(0, s - 24), min(len(text), e + 4))
    if m is None or not m.start("code") <= s < m.end("code"):
        return None
    return (m.start("code"), m.end("code"), POSTCODE)


def _street_before(text: str, s: int, e: int, last: int) -> tuple[int, int, str] | None:
    """A street written before this house number ("Hauptstraße 5", "Via Roma 1"), as a span."""
    window = text[max(last, s - 48):s]
    if _STREET_STEM(window.lower()) is None:
        return None
    for m in _keyword_matches(_ADDRESS_NUMBER_AFTER, window + text[s:e], _NUMBER_AFTER_STEMS):
        if m.end() == len(window) + e - s and not _shouted(m.group()):
            offset = max(last, s - 48)
            return (offset + m.start(), e, ADDRESS)
    return None


def _iban_before(text: str, s: int, e: int, last: int) -> tuple[int, int, str] | None:
    """An IBAN starting up to 16 characters before the digits at s..e, as a span."""
    iban = _IBAN.search(text, max(last, s - 16), min(len(text), e + 24))
    if iban is None or iban.start() > s or (iban.start() and text[iban.start() - 1].isalnum()):
        return None
    end = _iban_end(text, iban.start())
    return (iban.start(), end, IBAN) if end is not None else None


def _national_id_at(text: str, s: int, e: int) -> tuple[int, int, str] | None:
    """A UK NI number or a Spanish DNI/NIE around the digits at s..e, as a span."""
    for start in (s - 3, s - 2, s - 1, s):
        if start < 0:
            continue
        m = _UK_NI.match(text, start)
        if m is not None and m.end() >= e and (m.group()[:2].isupper() or _NI_WORDS.intersection(
                _words_before(text, start, 4))):
            return (m.start(), m.end(), NATIONAL_ID)
        m = _DNI.match(text, start)
        if m is not None and m.end() >= e and _dni_valid(m):
            return (m.start(), m.end(), NATIONAL_ID)
    return None


def _labelled_id(text: str, s: int, e: int) -> tuple[int, int, str] | None:
    """A number after the word naming a national id ("BSN 123456782", "SSN 123 45 6789")."""
    words = [w.strip(":#.-,()'\"") for w in text[max(0, s - 40):s].lower().split()[-4:]]
    if _ID_WORDS.isdisjoint(words):
        return None
    m = _ID_CONTEXT.search(text, max(0, s - 48), min(len(text), e + 2))
    if m is None or not m.start("id") <= s < m.end("id"):
        return None
    key = m.group("key").lower()
    if key.startswith("id") and _labelled_not_card(text, m.start()):
        return None
    token = m.group("id").rstrip(" -")
    return (m.start("id"), m.start("id") + len(token),
            SSN if key.startswith(("ssn", "ss#", "social")) else NATIONAL_ID)


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, mark) span replaced; spans are left to right."""
    if not spans:
        return text
    pieces: list[str] = []
    pos = 0
    for start, end, placeholder in spans:
        if start < pos:
            continue
        pieces.append(text[pos:start])
        pieces.append(placeholder)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


# Where an IBAN can be: two check digits and two groups of four, right after the
# country letters. Starting with a digit class keeps the scan fast.
_IBAN_GATE = re.compile(r"[0-9]{2}[ -]?[A-Za-z0-9]{4}[ -]?[A-Za-z0-9]{4}").finditer


def _redact_ibans(text: str) -> str:
    spans: list[tuple[int, int, str]] = []
    for hit in _IBAN_GATE(text):
        start = hit.start() - 2
        if start < 0 or (spans and start < spans[-1][1]) or not text[start:start + 2].isalpha() \
                or (start and text[start - 1].isalnum()):
            continue
        end = _iban_end(text, start)
        if end is not None:
            spans.append((start, end, IBAN))
    return _apply(text, spans)


def _keyword_matches(pattern: re.Pattern[str], text: str, stems: Iterable[str]) -> list[re.Match[str]]:
    """Non-overlapping matches of ``pattern`` that start at one of ``stems`` or up to two words before it.

    The stems are lower-case words the pattern needs ("birth" of "date of
    birth"); finding them with ``str.find`` and trying the pattern only there is
    far cheaper than letting a pattern of many alternatives try every position.
    """
    low = text.lower()
    if len(low) != len(text):  # lower() changed a length ('İ'): positions differ, search it all
        return list(pattern.finditer(text))
    starts = set()
    for stem in stems:
        i = low.find(stem)
        while i != -1:
            starts.add(i)
            i = low.find(stem, i + 1)
    found: list[re.Match[str]] = []
    for i in sorted(starts):
        if found and i < found[-1].end():
            continue
        for start in (*_word_starts_before(text, i, 2), i):
            if found and start < found[-1].end():
                continue
            m = pattern.match(text, start)
            if m is not None:
                found.append(m)
                break
    return found


def _word_starts_before(text: str, i: int, count: int) -> list[int]:
    """Where the ``count`` words before index ``i`` start, farthest first."""
    starts = []
    j = i
    for _ in range(count):
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        k = j
        while k > 0 and not text[k - 1].isspace():
            k -= 1
        if k == j:
            break
        starts.append(k)
        j = k
    return starts[::-1]


def _iban_end(text: str, start: int) -> int | None:
    """Where a valid IBAN starting at ``start`` ends, or None."""
    iban = _IBAN.match(text, start)
    if iban is None:
        return None
    found = iban.group()
    if iban_valid(found):
        return iban.end()
    # The pattern may have taken a following word ("… 0130 00 THANKS"): cut
    # the match to the country's length and check again.
    expected = _IBAN_LENGTHS.get(found[:2].upper())
    compact = 0
    for i, ch in enumerate(found):
        compact += ch.isalnum()
        if compact == expected:
            break
    else:
        return None
    end = start + i + 1
    if not iban_valid(found[:i + 1]) or (end < len(text) and text[end].isalnum()):
        return None
    return end


# --------------------------------------------------------------------------- e-mail

_DOMAIN = re.compile(r"[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)*\.(?:[^\W\d_]{2,24}|xn--[a-z0-9-]+)\b")
_LOCAL_PUNCT = frozenset("._%+-'")
# An '@' and what stands for it: a full-width '＠' and URL-encoded '%40'.
_AT_SIGN = re.compile(r"@|＠|%40")


def _redact_emails(text: str) -> str:
    """Find each '@' (or '＠', '%40'), then the domain after it and the local part before it.

    Anchoring on the '@' is several times faster than letting one regex try
    every word of the text as a possible local part. "lena @ example.com"
    (one space each side) counts too.
    """
    pieces: list[str] = []
    last = 0
    for at in _AT_SIGN.finditer(text):
        a, b = at.span()
        if a < last:
            continue
        local_end = a - 1 if a > 1 and text[a - 1] == " " and text[a - 2] != " " else a
        start = local_end
        floor = max(last, local_end - 64)  # RFC 5321: a local part has at most 64 characters
        while start > floor and (text[start - 1].isalnum() or text[start - 1] in _LOCAL_PUNCT):
            start -= 1
        while start < local_end and text[start] in ".'":
            start += 1  # "...bob@x.com": the dots are prose, not address
        if text.startswith("%40", start):
            continue
        domain_at = b + 1 if b < len(text) and text[b] == " " and local_end == a - 1 else b
        if domain_at == b + 1 and local_end != a - 1:
            continue
        domain = _DOMAIN.match(text, domain_at)
        if domain is not None and start < local_end and (local_end == a or _spaced_ok(text, start, a)):
            pieces.append(text[last:start])
            pieces.append(EMAIL)
            last = domain.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _spaced_ok(text: str, start: int, at: int) -> bool:
    """'lena @ example.com' is an address; '5 @ home.com'-like prose needs a letter first."""
    return text[start].isalpha()


# "john at example dot com", "john[at]example[dot]com", "john (at) example.de"
_DOT_WORD = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
_WRITTEN_DOMAIN = re.compile(r"[^\W_][\w-]*(?:" + _DOT_WORD + r"[^\W_][\w-]*)+", re.IGNORECASE)
_DOT_SPLIT = re.compile(_DOT_WORD, re.IGNORECASE)
# Mail providers: "john.smith at gmail.com" is an address even with a plain "at".
_MAIL_PROVIDERS = frozenset({
    "gmail", "googlemail", "yahoo", "hotmail", "outlook", "live", "msn", "icloud", "me", "aol", "gmx",
    "web", "t-online", "orange", "free", "laposte", "wanadoo", "sfr", "libero", "proton", "protonmail",
    "yandex", "mail", "qq", "163", "ziggo", "kpnmail", "telenet", "btinternet", "sky", "virginmedia",
    "comcast", "verizon", "att", "bigpond", "rediffmail", "terra", "telefonica", "movistar"})
_TLD = re.compile(r"[^\W\d_]{2,24}")


# What any written address needs: an "at" (alone or bracketed, any case), then a
# word and a dot (".", " dot ", "[dot]"). Most texts with " at " fail these
# searches ("at the weekend", "at home."), and the walk below runs on the few
# that pass. The first starts with a literal space, which re scans for fast.
_WRITTEN_TAIL = r"[^\W_][\w-]*(?:\.[^\W_]|\s+[dD][oO][tT]\s+[^\W_]|\s*[\[({<]\s*[dD][oO][tT])"
_WRITTEN_SPACED = re.compile(r" [aA][tT] +" + _WRITTEN_TAIL).search
_WRITTEN_BRACKETED = re.compile(r"[\[({][aA][tT][\])}] *" + _WRITTEN_TAIL).search


def _redact_written_emails(text: str) -> str:
    """'john at example dot com', 'john[at]example[dot]com', 'john.smith at gmail.com'."""
    if _WRITTEN_SPACED(text) is None and not (("[" in text or "(" in text or "{" in text)
                                               and _WRITTEN_BRACKETED(text) is not None):
        return text
    spans: list[tuple[int, int, str]] = []
    low = text.lower()
    n = len(text)
    if len(low) != n:
        return text  # lower() changed a length ('İ'): positions differ
    last = 0
    # Where "at" stands alone or in brackets: " at ", "[at]", "(at)", "{at}".
    ats = sorted(i + 1 for form in (" at ", "[at]", "(at)", "{at}") for i in _find_all(low, form))
    for i in ats:
        a, b = i, i + 2
        bracketed = low[a - 1] in "[({<"
        if bracketed:
            a, b = a - 1, b + 1
        if a > last and b < n:
            local_end = a
            while local_end > last and text[local_end - 1] == " ":
                local_end -= 1
            while b < n and text[b] == " ":
                b += 1
            start = local_end
            while start > max(last, local_end - 64) and (text[start - 1].isalnum() or text[start - 1] in "._+-'"):
                start -= 1
            while start < local_end and text[start] in ".'-":
                start += 1
            # "ahmed dot khan at yahoo dot com": words joined by a written "dot" are one local part.
            while start - 6 >= last and low.startswith(" dot ", start - 5) and text[start - 6].isalnum():
                start -= 5
                while start > max(last, local_end - 64) and text[start - 1].isalnum():
                    start -= 1
            domain = _WRITTEN_DOMAIN.match(text, b) if start < local_end else None
            if domain is not None and not (start and text[start - 1] in "@＠"):
                end = _written_email_end(text, start, local_end, b, domain.group(), bracketed)
                if end is not None:
                    spans.append((start, end, EMAIL))
                    last = end
    return _apply(text, spans)


def _find_all(text: str, sub: str) -> list[int]:
    found = []
    i = text.find(sub)
    while i != -1:
        found.append(i)
        i = text.find(sub, i + 1)
    return found


def _written_email_end(text: str, start: int, local_end: int, b: int, domain: str, bracketed: bool) -> int | None:
    labels = _DOT_SPLIT.split(domain)
    # The last label is the top-level domain: letters only; "dot com and" stops at "com".
    while len(labels) > 2 and _TLD.fullmatch(labels[-1]) is None:
        labels.pop()
    if _TLD.fullmatch(labels[-1]) is None or len(labels[-1]) > 6 and labels[-1].lower() != labels[-1]:
        return None
    end = b + _domain_length(domain, len(labels))
    written_dots = "dot" in domain[:end - b].lower()
    local = text[start:local_end]
    if not (bracketed or written_dots or any(c in local for c in "._+") or any(c.isdigit() for c in local)
            or labels[0].lower() in _MAIL_PROVIDERS):
        return None  # "bought it at amazon.com": a shop, not an address
    return end


def _domain_length(domain: str, labels: int) -> int:
    """Characters of ``domain`` holding its first ``labels`` labels."""
    seen = 0
    for m in _DOT_SPLIT.finditer(domain):
        seen += 1
        if seen == labels:
            return m.start()
    return len(domain)


# --------------------------------------------------------------------------- IP addresses

_H = r"[0-9A-Fa-f]{1,4}"
_IPV6 = re.compile(
    r"(?<![\w:.])(?:(?:" + _H + r":){7}" + _H + r"|(?:" + _H + r":){1,6}(?::" + _H + r"){1,6}"
    r"|(?:" + _H + r":){1,7}:|::(?:" + _H + r":){0,5}" + _H + r")(?![\w:]|\.\d)")
_VERSION_WORDS = frozenset({"version", "ver", "v", "build", "firmware", "fw", "release", "app", "update",
                            "android", "ios", "windows", "os", "software", "versión", "versie", "versione",
                            "patch", "jour", "aktualisierung", "actualización", "aggiornamento", "running",
                            "bump", "upgrade", "upgraded", "downgrade", "installed", "spotify"})


def _redact_ips(text: str) -> str:
    """IPv6 addresses (IPv4 ones are found with the other numbers)."""
    spans: list[tuple[int, int, str]] = []
    if True:
        for m in _IPV6.finditer(text):
            groups = [g for g in m.group().split(":") if g]
            # "10:30::" is not an address; a real one has a hex letter or a long group.
            if len(groups) >= 2 and any(len(g) >= 3 or not g.isdigit() for g in groups):
                spans.append((m.start(), m.end(), IP))
    return _apply(text, spans)


# --------------------------------------------------------------------------- dates of birth

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
    "|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
    "|januar|jänner|februar|märz|maerz|april|juni|juli|oktober|dezember"
    "|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
    "|januari|februari|maart|mei|augustus|oktober"
    "|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre")
_DATE = (
    r"(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?!\d)"
    r"|(?:the\s+)?\d{1,2}(?:st|nd|rd|th|er|e|\.|º)?(?:\s+of)?\s+(?:de\s+)?(?:" + _MONTHS + r")\.?,?"
    r"(?:\s+(?:de\s+)?\d{4})?"
    r"|(?:" + _MONTHS + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|(?:" + _MONTHS + r")\.?\s+\d{4})(?![\w])")
_DOB = re.compile(
    r"(?<![\w])(?P<key>d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|born"
    r"|date\s+de\s+naissance|n[ée]e?\s+le|geburtsdatum|geboren|geb\."
    r"|fecha\s+de\s+nacimiento|nacid[oa]|f\.\s?nac\.?|geboortedatum|data\s+di\s+nascita|nat[oa]\s+il)"
    r"(?:\s*(?:[:=#-]|is|was|on|in|am|le|el|op|il|the|:)){0,3}\s*(?P<date>" + _DATE + ")",
    re.IGNORECASE)
# Substrings of the lower-cased text that every date-of-birth label holds.
_DOB_STEMS = ("dob", "d.o.b", "birth", "born", "naissance", "né le", "née le", "geb", "nac", "nascita", "nato il",
              "nata il")


def _redact_dob(text: str) -> str:
    # "date of birth", "fecha de nacimiento": the pattern starts up to two words before the stem.
    spans = [(m.start("date"), m.end("date"), DOB) for m in _keyword_matches(_DOB, text, _DOB_STEMS)]
    return _apply(text, spans)


# --------------------------------------------------------------------------- ids

_PASSPORT = re.compile(
    r"(?<![\w])(?:passport|passeport|reisepass|pasaporte|paspoort|passaporto|pass(?:nummer|nr))"
    r"(?:\s*(?:[:#.-]|no|nr|n°|nº|n\.|num|number|numéro|numero|número|nummer|is|was|de|du|di|my|ist|es|est|è|:)){0,4}"
    r"\s*(?P<id>[A-Z0-9]{6,10})(?![\w])", re.IGNORECASE)
_PASSPORT_STEMS = ("passport", "passeport", "reisepass", "pasaporte", "paspoort", "passaporto", "passnummer", "passnr")
# National ids written after the word that names them.
_ID_CONTEXT = re.compile(
    r"(?<![\w])(?P<key>ssn|ss#|social\s+security(?:\s+(?:number|no\.?|#))?|national\s+insurance(?:\s+(?:number|no\.?))?"
    r"|ni\s+(?:number|no\.?)|nino|bsn|burgerservicenummer|sofinummer|aadhaa?r(?:\s+(?:number|no\.?|card))?"
    r"|dni|nie|nif|n(?:uméro|°|o)\s+de\s+s[ée]curit[ée]\s+sociale|s[ée]curit[ée]\s+sociale|insee"
    r"|steuer-?id|steuer-?identifikationsnummer|steuernummer|sozialversicherungsnummer|codice\s+fiscale"
    r"|pesel|personnummer|tax\s+id|national\s+id(?:\s+(?:number|no\.?))?|id\s+(?:number|no\.?|card\s+number)"
    r"|identity\s+card(?:\s+number)?|personalausweis(?:nummer)?|ausweisnummer|carte\s+d'identit[ée]"
    r"|n[uú]mero\s+de\s+identidad)"
    r"(?:\s*(?:[:#=-]|is|was|no|number|nr|ist|es|est|è|mon|my|meine|mi|mijn|de|:)){0,4}"
    r"\s*(?P<id>[A-Z]{0,2}\d[\d -]{5,24}\d[A-Z]?|[A-Z0-9]{8,16})(?![\w])", re.IGNORECASE)
# Words right before a number that make it a national id (compared stripped, lower case).
_ID_WORDS = frozenset({"ssn", "ss#", "ss", "security", "insurance", "steuer-id", "steuerid", "aadhaar", "aadhar", "ni", "nino", "bsn", "burgerservicenummer",
                       "sofinummer", "aadhaar", "aadhar", "dni", "nie", "nif", "sociale", "insee", "steuer",
                       "steuerid", "id", "steueridentifikationsnummer", "steuernummer",
                       "sozialversicherungsnummer", "fiscale", "pesel", "personnummer", "identity", "identité",
                       "identite", "identidad", "personalausweis", "personalausweisnummer", "ausweisnummer"})
_UK_NI = re.compile(r"(?<![\w])(?!BG|GB|NK|KN|TN|NT|ZZ)(?:[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]|QQ)"
                    r"[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[A-D](?![\w])", re.IGNORECASE)
_DNI = re.compile(r"(?<![\w-])(?P<nie>[XYZxyz][ -]?)?(?P<num>\d{7,8})[ -]?(?P<letter>[A-Za-z])(?![\w])")
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def _dni_valid(m: re.Match[str]) -> bool:
    number = m.group("num")
    if m.group("nie"):
        if len(number) != 7:
            return False
        number = str("XYZ".index(m.group("nie")[0].upper())) + number
    elif len(number) != 8:
        return False
    return _DNI_LETTERS[int(number) % 23] == m.group("letter").upper()


_NI_WORDS = frozenset({"insurance", "ni", "nino"})
# An Italian codice fiscale has no run of digits for the number scan to find.
_CODICE_FISCALE = re.compile(r"(?i:codice\s+fiscale)(?:\s*(?:[:#=-]|è|e|is|:)){0,3}\s*(?P<id>[A-Za-z]{6}\d{2}[A-Za-z]\d{2}"
                             r"[A-Za-z]\d{3}[A-Za-z])(?![\w])")


def _redact_ids(text: str, low: str) -> str:
    """Passport numbers and a codice fiscale: ids that hold letters between the digits."""
    spans: list[tuple[int, int, str]] = []
    if "pass" in low or "paspo" in low or "pasap" in low:
        for m in _keyword_matches(_PASSPORT, text, _PASSPORT_STEMS):
            token = m.group("id")
            if sum(c.isdigit() for c in token) >= 2:
                spans.append((m.start("id"), m.end("id"), PASSPORT))
    if "fiscale" in low:
        spans.extend((m.start("id"), m.end("id"), NATIONAL_ID) for m in _CODICE_FISCALE.finditer(text))
    return _apply(text, _merged(spans))


# --------------------------------------------------------------------------- addresses and postcodes

_CAP = r"[^\W\d_a-zß-ÿ][\w'’-]*"  # a capitalised word (any script's upper-case letter first)
_EN_STREET_TYPES = (
    r"street|st|road|rd|avenue|ave|av|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|way|close|crescent|cres"
    r"|terrace|parkway|pkwy|highway|hwy|square|sq|circle|cir|row|mews|grove|gardens|park|hill|walk|green")
_ADDRESS_EN = re.compile(
    r"(?<![\w.,/-])\d{1,5}[A-Za-z]?(?:[-/]\d{1,4})?,?\s+(?:(?:" + _CAP + r"|\d{1,3}(?:st|nd|rd|th))\s+){1,4}?(?i:(?:" + _EN_STREET_TYPES +
    r"))\b\.?(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b)?(?:,?\s+(?i:apt|apartment|unit|suite|flat|ste)\.?\s*#?\w{1,5})?")
# Written all lower case ("29 park road"): only the full street words, and only
# after a word that introduces an address ("I live at", "deliver to").
_ADDRESS_EN_LOWER = re.compile(
    r"\d{1,5}[a-z]?,?\s+(?:[a-z][a-z'-]+\s+){1,2}(?:street|road|avenue|lane|drive|close|crescent|terrace"
    r"|boulevard|st|rd|ave)\b\.?")
_ADDRESS_CUES = frozenset({"at", "to", "address", "adress", "live", "lives", "living", "deliver", "delivered",
                           "send", "sent", "ship", "shipped", "moved", "from", "is"})
_FLAT_BEFORE = re.compile(r"(?i:flat|apt\.?|apartment|unit|suite)\s+\w{1,4},?\s+\Z")
_ADDRESS_FR = re.compile(
    r"(?<![\w.,/-])\d{1,4}(?:\s?(?:bis|ter|[a-c]))?,?\s+(?i:rue|avenue|av\.|boulevard|bd|place|chemin|allée|allee"
    r"|impasse|quai|route|cours|square)\s+(?:(?i:de\s+la|de|du|des|d'|l')\s*)?" + _CAP + r"(?:\s+" + _CAP + r"){0,3}")
_ADDRESS_NUMBER_AFTER = re.compile(
    # German and Dutch: Hauptstraße 5, Bahnhofstr. 12a, Kerkstraat 12; Spanish, Italian,
    # Portuguese, Catalan: Calle Mayor 10, C/ Mayor, 10, Via Roma 1, Avenida da Liberdade 23
    r"(?<![\w])(?:" + _CAP + r"(?:straße|strasse|str\.|weg|gasse|allee|platz|damm|ufer|straat|laan|gracht|plein"
    r"|dijk|kade|singel|steeg|markt)"
    r"|" + _CAP + r"\s+(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Damm|Ufer|Ring|Laan|Straat|Plein)"
    r"|(?:Am|An\s+der|An\s+den|Im|Auf\s+dem|Zum|Zur|In\s+der|Unter\s+den)\s+" + _CAP +
    r"|(?:(?i:calle|c/|avda\.?|avenida|av\.|plaza|pza\.|paseo|camino|carretera|ronda|viale|piazza|corso|largo"
    r"|rua|travessa|carrer|passeig)|Via|Laan|Straße|Strasse)\s+(?:(?:de|del|la|las|los|el|di|della|delle|dei"
    r"|da|do|dos|das|de\s+la|van|der|den|op|aan)\s+)*" + _CAP + r"(?:\s+" + _CAP + r"){0,3}"
    r"|via\s+" + _CAP + r"(?:\s+" + _CAP + r"){0,2}(?=,))"
    r",?\s+(?:n[º°o]\.?\s*)?\d{1,4}(?:\s?[a-zA-Z](?![\w]))?(?:[-/]\d{1,4})?(?![\w])")
# Substrings of the lower-cased text that a street written before its number needs.
_STREET_STEMS = ("stra", "str.", "weg", "gasse", "allee", "platz", "laan", "gracht", "plein", "dijk", "kade", "markt",
                 "calle", "c/", "avda", "avenida", "plaza", "paseo", "via ", "viale", "piazza", "corso", "rua ",
                 "carrer", "am ", "im ", "an de")
_STREET_STEM = re.compile("|".join(re.escape(stem) for stem in _STREET_STEMS)).search
_NUMBER_AFTER_STEMS = ("straße", "strasse", "str.", "weg ", "gasse", "allee", "platz", "damm", "ufer", "straat",
                       "am ", "an der", "an den", "im ", "auf dem", "zum ", "zur ", "in der", "unter den",
                       "laan", "gracht", "plein", "dijk", "kade", "singel", "steeg", "markt", "calle", "c/", "avda",
                       "avenida", "av.", "plaza", "pza", "paseo", "camino", "carretera", "ronda", "via ", "viale",
                       "piazza", "corso", "largo", "rua ", "travessa", "carrer", "passeig")
_US_STATES = ("AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ"
              "|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY")
# "Springfield, IL 62704": a capitalised town, a state, a ZIP (the town and state stay).
_STATE_BEFORE = re.compile(r"[a-z],? (?:" + _US_STATES + r")\.?,? \Z")
# The Australian states whose abbreviation is not also an English word (not WA, SA).
_AU_STATE_BEFORE = re.compile(r"(?<![\w])(?:NSW|VIC|QLD|TAS|ACT|NT) \Z")
_UK_POSTCODE_SHAPE = r"(?:[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]?) ?[0-9][ABD-HJLNP-UW-Z]{2}"
_UK_POSTCODE = re.compile(r"(?<![\w/-])" + _UK_POSTCODE_SHAPE + r"(?![\w/-])")
# The postcode after a postcode word, or right after a street: 4-5 digits, a Dutch
# "1012 AB", a Portuguese "1000-001", a Polish "00-950", a Canadian "K1A 0B1".
_POSTCODE_VALUE = (r"(?:\d{5}(?:-\d{4})?|\d{4}\s?[A-Z]{2}(?![\w])|\d{4}(?:-\d{3})?|\d{2}-\d{3}"
                   r"|[A-Z]\d[A-Z]\s?\d[A-Z]\d|" + _UK_POSTCODE_SHAPE + r")")
_POSTCODE_WORDS = re.compile(
    r"(?<![\w])(?:zip(?:\s*code)?|post\s*code|postal\s*code|postcode|plz|code\s+postal|c[oó]digo\s+postal"
    r"|cap|cp|codice\s+postale|postleitzahl)(?:\s*(?:[:#-]|is|ist|est|es|:)){0,2}\s*(?P<code>" + _POSTCODE_VALUE + r")(?![\w])",
    re.IGNORECASE)
_POSTCODE_LABELS = frozenset({"zip", "zipcode", "postcode", "post", "postal", "plz", "code", "cap", "código",
                              "codigo", "codice", "postale", "postleitzahl", "cp"})
_AFTER_STREET = re.compile(r",?\s*(?P<code>" + _POSTCODE_VALUE + r")(?=\s+[^\W\d_]|\s*(?:,|$))")


def _address_at(text: str, s: int) -> tuple[int, int, str] | None:
    """A street address starting with the house number at ``s``, as a span."""
    if s and (text[s - 1].isalnum() or text[s - 1] in ".,/-"):
        return None
    m = _ADDRESS_EN.match(text, s) or _ADDRESS_FR.match(text, s)
    if m is None:
        m = _ADDRESS_EN_LOWER.match(text, s)
        if m is not None and _ADDRESS_CUES.isdisjoint(_words_before(text, s, 3)):
            m = None
    if m is None or not _not_prose(m.group()):
        return None
    flat = _FLAT_BEFORE.search(text, max(0, s - 20), s)
    return (flat.start() if flat else m.start(), m.end(), ADDRESS)


def _redact_postcodes_after_streets(text: str) -> str:
    """The postcode right after a street: "[address], 75001 Paris", "[address], London NW1 6XE"."""
    spans = []
    at = text.find(ADDRESS)
    while at != -1:
        code = _AFTER_STREET.match(text, at + len(ADDRESS))
        if code is not None:
            spans.append((code.start("code"), code.end("code"), POSTCODE))
        at = text.find(ADDRESS, at + 1)
    return _apply(text, spans)


# Words after a number that make "3 Times Square"-shaped text prose: "2 Days Late
# Way", "5 Stars" cannot occur, but title-case sentences can ("I Waited 3 Weeks …").
_PROSE_WORDS = frozenset({"plus", "pro", "max", "mini", "ultra", "series", "gen", "generation", "edition", "pack",
                          "days", "weeks", "months", "years", "hours", "minutes", "times", "items", "stars",
                          "people", "orders", "the", "of", "and", "or", "to", "in", "on", "for", "at"})


def _shouted(address: str) -> bool:
    """'via DHL 2': an all-capitals name is a brand, not a street."""
    words = address.split()
    return len(words) >= 2 and len(words[1]) > 1 and words[1].rstrip(",").isupper()


def _not_prose(address: str) -> bool:
    words = address.lower().split()
    return len(words) < 2 or words[1].strip(",") not in _PROSE_WORDS


def _merged(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans sorted, overlapping ones dropped (the first, longest one wins)."""
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[tuple[int, int, str]] = []
    for span in spans:
        if out and span[0] < out[-1][1]:
            continue
        out.append(span)
    return out


# --------------------------------------------------------------------------- names

# Names are parsed by hand, not by a pattern: a pattern of capitalised words in
# any script has to be tried at every position, which costs more than all the
# other kinds together; the few places a name can be (after a greeting, before
# the end, after "my name is") are known.
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la", "dos", "das",
                        "ter", "ten", "bin", "al", "el", "y", "zu"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "herr", "frau", "monsieur", "madame",
                         "mme", "mlle", "m", "señor", "señora", "sr", "sra", "srta", "don", "doña", "dhr", "mevr",
                         "mevrouw", "heer", "signor", "signora", "sig", "sig.ra"})
# Greeting words by their first two letters (lower case, with the space after them).
_GREETINGS = (
    "hi ", "hello ", "hey ", "hiya ", "dear ", "morning ", "good morning ", "good afternoon ", "good evening ",
    "hallo ", "hoi ", "beste ", "geachte ", "bonjour ", "bonsoir ", "salut ", "cher ", "chère ", "liebe ", "lieber ",
    "sehr geehrte ", "sehr geehrter ", "guten tag ", "moin ", "servus ", "hola ", "estimado ", "estimada ",
    "buenos días ", "buenos dias ", "buenas tardes ", "querido ", "querida ", "ciao ", "buongiorno ", "gentile ",
    "caro ", "cara ", "olá ", "prezado ", "prezada ")
# Greetings by their first two characters as written, in every case ("hi", "Hi", "HI", "hI"):
# one dict look-up says whether a text can open with a greeting.
_GREETINGS_BY_START: dict[str, tuple[str, ...]] = {}
for _g in _GREETINGS:
    for _key in {a + b for a in (_g[0], _g[0].upper()) for b in (_g[1], _g[1].upper())}:
        _GREETINGS_BY_START[_key] = (*_GREETINGS_BY_START.get(_key, ()), _g)
# Sign-offs, lower case, as the text before the name ends: "kind regards", "thanks".
_SIGNOFFS = (
    "thanks", "thank you", "thx", "many thanks", "regards", "best", "cheers", "sincerely", "truly", "faithfully",
    "yours", "respectfully", "wishes", "all the best", "cordialement", "salutations", "bien à vous", "merci",
    "d'avance", "grüßen", "grüssen", "mfg", "grüße", "gruß", "lg", "vg", "danke", "saludos", "saludo",
    "atentamente", "cordialmente", "gracias", "abrazo", "groet", "groeten", "groetjes", "mvg", "bedankt",
    "saluti", "grazie", "obrigado", "obrigada", "atenciosamente")
_SIGNOFF_WORDS = frozenset(w for phrase in _SIGNOFFS for w in phrase.split()) | {"kind", "best", "warm", "mit"}
_SIGNOFF_OR_PARTICLE = _SIGNOFF_WORDS | _PARTICLES | {"-", "–", "—"}
_THANKS = frozenset({"thanks", "thank you", "merci", "danke", "gracias", "grazie", "bedankt"})
# "My name is …" in the languages of the corpus; found with str.find in the lower-cased text.
_MY_NAME_PHRASES = ("my name is ", "my name's ", "name: ", "je m'appelle ", "je m’appelle ", "mon nom est ",
                    "ich heiße ", "ich heisse ", "mein name ist ", "me llamo ", "mi nombre es ", "mijn naam is ",
                    "ik heet ", "mi chiamo ", "il mio nome è ")
# Words that follow a greeting or sign-off but are not a person: the addressee is
# a team, the words are filler. Compared lower case, word by word.
_NOT_NAMES = frozenset({
    "team", "support", "service", "services", "customer", "customers", "care", "cares", "there", "all", "everyone",
    "everybody", "sir", "sirs", "madam", "madame", "guys", "folks", "friends", "friend", "again", "anyway",
    "so", "very", "much", "in", "for", "a", "lot", "again", "advance", "you", "u", "ya", "y'all", "yall", "help",
    "desk", "department", "dept", "helpdesk", "staff", "home", "bank", "shop", "store", "inc", "ltd", "llc",
    "co", "company", "ag", "gmbh", "sa", "bv", "nv", "centre", "center", "admin", "manager", "management",
    "sent", "from", "my", "iphone", "android", "mobile", "regards", "thanks", "cheers", "best", "merci", "gracias",
    "bedankt", "danke", "grazie", "equipo", "équipe", "equipe", "kundenservice", "kundendienst", "klantenservice",
    "servicio", "atención", "atencion", "cliente", "clientes", "messieurs", "mesdames", "damen", "herren",
    "señores", "heren", "dames", "signori", "to", "whom", "it", "may", "concern", "morning", "afternoon",
    "evening", "again", "i", "we", "im", "i'm", "this", "is", "the", "and", "please", "not", "no", "yes", "ok",
    "okay", "again", "both", "each", "people", "hello", "hi", "hey", "dear", "sorry", "world", "wishes",
    "waiting", "looking", "forward", "still", "now", "today", "yesterday", "tomorrow", "team!", "officer",
    "agent", "bot", "chat", "user", "account", "app", "online", "delivery", "order", "refund", "a.", "ps", "p.s.",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "god", "lord",
    "bureau", "agency", "collector", "collectors", "creditor", "creditors", "lender", "office", "representative",
    "supervisor", "committee", "board", "council", "financial", "protection", "consumer", "done", "fixed", "mate",
    "man", "dude", "bro", "love", "lol", "xx", "xxx", "xoxo", "tv", "app", "again", "guys", "ladies", "gentlemen"})


def _person(name: str, text: str = "") -> bool:
    """Whether capitalised words after a greeting or sign-off look like a person's name."""
    parts = name.split()
    # All-caps words are brands, shouting and publishers' marks ("ANZ", "HELP", "XXXX"),
    # or initials ("JJ", "DM") that say little about who wrote.
    if not parts or len(parts[0].rstrip(".")) < 2:
        return False
    first = parts[0].lower().strip(".,!'’")
    if len(parts) == 1:  # most names: one word, checked without building lists
        if first in _NOT_NAMES or parts[0].rstrip(".,!").isupper():
            return False
    elif not _NOT_NAMES.isdisjoint([p.lower().strip(".,!'’") for p in parts]) \
            or any(p.rstrip(".,!").isupper() for p in parts):
        return False
    # "Thanks, Spotify!" in a tweet to @SpotifyCares: the brand the text is addressed to.
    if text and ("@" in text or "＠" in text) and first in text.lower().replace(" ", "").split("@", 1)[-1][:40]:
        return False
    return True


# A name word after its capital: letters, and ' ’ - between letters ("O'Brien",
# "Jean-Pierre"). [^\W\d_] also takes numeric signs (², ½) that are not letters,
# so a run is used only when it holds letters alone; else the letters are counted one by one.
_NAME_LETTERS = re.compile(r"(?:[^\W\d_]|['’-](?=[^\W\d_]))*")
_PARTICLE_AT = re.compile(r"[a-z]+ ")


def _letters_end(text: str, k: int) -> int:
    """Where the letters of a name word (and ' ’ - between them) starting at ``k`` end."""
    end = _NAME_LETTERS.match(text, k).end()
    run = text[k:end]
    if not run or run.isalpha() or run.replace("'", "").replace("’", "").replace("-", "").isalpha():
        return end
    n = len(text)
    while k < n and (text[k].isalpha() or text[k] in "'’-" and k + 1 < n and text[k + 1].isalpha()):
        k += 1
    return k


# The same name grammar as a pattern, exact for ASCII text (where isupper, isalpha
# and islower are [A-Z], [A-Za-z], [a-z]); other text is read character by character.
_ASCII_WORD = r"[A-Z](?:(?:[A-Za-z]|['-](?=[A-Za-z]))+|\.)?"  # "O'Brien", "Jean-Pierre", "J."
_ASCII_NAMES = {words: re.compile(_ASCII_WORD + r"(?: (?:(?:" + "|".join(sorted(_PARTICLES)) + r") )*"
                                  + _ASCII_WORD + "){0,%d}" % (words - 1)) for words in range(1, 5)}
_ASCII_HONORIFIC = re.compile(r"(?i:" + "|".join(re.escape(h) for h in sorted(_HONORIFICS) if h.isascii())
                              + r")\.*(?= )")
_BLANKS = re.compile(r"[ \t]*")


def _name_end(text: str, i: int, words: int = 3) -> int:
    """Where a name of up to ``words`` capitalised words starting at ``i`` ends (``i`` if none).

    "Maria Gonzalez", "Jan de Vries", "O'Brien", "Jean-Pierre", "J. Smith".
    """
    if text.isascii():
        m = _ASCII_NAMES[words].match(text, i)
        return i if m is None else m.end()
    n = len(text)
    end = i
    j = i
    for _ in range(words):
        if j >= n or not text[j].isupper():
            break
        k = _letters_end(text, j + 1)
        if k < n and text[k] == "." and k - j == 1:
            k += 1  # an initial
        end = k
        if k >= n or text[k] != " ":
            break
        j = k + 1
        # Particles between the words ("de", "van den"): a lower-case word in _PARTICLES, then a space.
        particle = _PARTICLE_AT.match(text, j)
        while particle is not None and particle.group()[:-1] in _PARTICLES:
            j = particle.end()
            particle = _PARTICLE_AT.match(text, j)
    return end


def _redact_names(text: str, my_name: bool) -> str:
    spans: list[tuple[int, int, str]] = []
    # A greeting opens the message: "Hi Anna,", "Dear Mr Smith,", "Bonjour Marie,".
    first = len(text) - len(text.lstrip()) if text[:1].isspace() else 0
    starts = _GREETINGS_BY_START.get(text[first:first + 2])
    if starts is not None:
        # Lower case, a greeting is matched as the case-insensitive pattern would.
        head = text[first:first + 22].lower()
        for found in starts:
            if head.startswith(found):
                span = _name_after(text, first + len(found), ",!:\n-")
                if span is not None:
                    spans.append(span)
                break
    # A sign-off name ends it: the last word is capitalised (and not "Thanks"),
    # or contact lines of digits and marks follow it.
    last = text[-40:].rsplit(None, 2)
    if len(last) > 1:
        word = last[-1].rstrip(".!,")
        if word[:1].isupper() and word.lower() not in _SIGNOFF_WORDS \
                and (last[-2][:1].isupper() or last[-2].lower().strip(",:!.") in _SIGNOFF_OR_PARTICLE) \
                or (word[-1:].isdigit() or word[-1:] == "]") and "\n" in text:
            signoff = _signoff_name(text)
            if signoff is not None:
                spans.append(signoff)
    if my_name:
        low = text.lower()
        if len(low) != len(text):
            return _apply(text, _merged(spans))  # lower() changed a length ('İ'): positions differ
        for phrase in _MY_NAME_PHRASES:
            at = low.find(phrase)
            if at != -1 and (at == 0 or not low[at - 1].isalnum()):
                span = _name_after(text, at + len(phrase), "")
                if span is not None:
                    spans.append(span)
    if not spans:
        return text
    return _apply(text, _merged(spans))


def _name_after(text: str, i: int, followers: str) -> tuple[int, int, str] | None:
    """The name at ``i`` (after an optional honorific) as a span; ``followers``: what may come next."""
    if text.isascii():
        i = _BLANKS.match(text, i).end()
        honorific = _ASCII_HONORIFIC.match(text, i)
        if honorific is not None:
            i = honorific.end() + 1
        name = _ASCII_NAMES[3].match(text, i)
        if name is None:
            return None
        end = name.end()
    else:
        n = len(text)
        while i < n and text[i] in " \t":
            i += 1
        honorific = None
        word_end = i
        while word_end < n and (text[word_end].isalpha() or text[word_end] == "."):
            word_end += 1
        if text[i:word_end].lower().rstrip(".") in _HONORIFICS and word_end < n and text[word_end] == " ":
            honorific = True
            i = word_end + 1
        end = _name_end(text, i)
        if end == i:
            return None
    after = text[end:end + 2].lstrip(" \t")[:1]
    if followers and after and after not in followers:
        return None  # "Hi Anna how are you" could be anything; a name is followed by "," or a line break
    if honorific is None and not _person(text[i:end], text):
        return None
    return (i, end, NAME)


def _signoff_name(text: str) -> tuple[int, int, str] | None:
    """The name that signs the message off: after "Thanks," / "Regards" / "- " at its end.

    The last line holding words (contact lines of marks and digits after it are
    skipped) must end with a name; what stands before the name must end with a
    sign-off.
    """
    tail = text.rstrip(" \t\n.!")
    end = len(tail)
    # Most texts end with a lower-case word: done after a few look-ups.
    if tail[-1:].isalpha():
        if not tail[max(tail.rfind(" "), tail.rfind("\n")) + 1:][:1].isupper():
            return None
    elif not (tail[-1:].isdigit() or tail[-1:] == "]") or "\n" not in tail:
        return None
    start = text.rfind("\n", 0, end) + 1
    if start and (text[end - 1:end].isdigit() or text[end - 1:end] == "]") \
            and text[start:end] == text[start:end].upper():  # "07700 900123", "[phone]": contact lines
        end = len(text[:start - 1].rstrip(" \t\n.!"))
        start = text.rfind("\n", 0, end) + 1
    if not text[end - 1:end].isalpha():
        return None
    line = text[max(start, end - 80):end]
    start = end - len(line)
    words = line.split()
    if not words or not words[-1][:1].isupper() or words[-1].lower().rstrip(",") in _SIGNOFF_WORDS:
        return None
    # The name: the last capitalised words of the line (particles between them).
    take = 1
    while take < min(4, len(words)) and (words[-take - 1][:1].isupper() or words[-take - 1] in _PARTICLES) \
            and words[-take - 1].lower().rstrip(",:") not in _SIGNOFF_WORDS and not words[-take - 1].endswith(","):
        take += 1
    while words[-take] in _PARTICLES:
        take -= 1
    name_at = end - len(" ".join(words[-take:]))
    if text[name_at:end] != " ".join(words[-take:]):
        name_at = text.rfind(words[-take], start, end)
    name_end = _name_end(text, name_at, take)
    if name_end == name_at or text[name_end:end].strip(" .!"):
        return None
    stripped = text[max(0, name_at - 60):name_at].lower().rstrip(" \t")
    separated = stripped[-1:] in (",", ":", "\n", "!", ".", "-", "–", "—") or not stripped
    lead = stripped.rstrip(" \t\n,:!.-–—")
    if stripped.endswith(("-", "–", "—")):
        if stripped[:-1].rstrip(" \t-")[-1:] not in ("", ".", "!", "?", "\n"):
            return None  # "… please help. - Maria"; not "well-known"
    elif not lead.endswith(_SIGNOFFS):
        return None
    else:
        word = next(w for w in _SIGNOFFS if lead.endswith(w))
        if len(lead) > len(word) and lead[-len(word) - 1].isalnum():
            return None  # "honestbest"
        if not separated and word in _THANKS and take < 2:
            return None  # "Thanks Spotify!": one word after a bare thanks is as often a brand
    if not _person(text[name_at:name_end], text):
        return None
    return (name_at, name_end, NAME)


# --------------------------------------------------------------------------- URLs

# Query values whose key says what they are: ?email=…, &phone=…, &name=…
_QUERY = re.compile(r"[?&;](?P<key>[A-Za-z_][\w.\[\]-]{0,40})=(?P<value>[^&#\s;]+)")


def _redact_query(text: str) -> str:
    spans: list[tuple[int, int, str]] = []
    for m in _QUERY.finditer(text):
        kind = column_kind(m.group("key"))
        value = m.group("value")
        if kind is not None and not (value.startswith("[") and value.endswith("]")):
            spans.append((m.start("value"), m.end("value"), kind))
    return _apply(text, spans)


# --------------------------------------------------------------------------- entry points


def _has_digit(text: str) -> bool:
    # Ten substring tests (each a memchr in C) cost half a regex search for [0-9].
    return "0" in text or "1" in text or "2" in text or "3" in text or "4" in text or "5" in text \
        or "6" in text or "7" in text or "8" in text or "9" in text


def redact(text: str) -> str:
    """``text`` with personal data replaced by a mark naming its kind (see the module docstring)."""
    if not text:
        return text
    # Substring tests cost a tenth of a regex search: they guard the word-led kinds.
    if " at " in text or " AT " in text or "(at)" in text or "[at]" in text or "{at}" in text:
        text = _redact_written_emails(text)  # "john at example dot com"
    my_name = "name" in text or "Name" in text or "NAME" in text or "appel" in text or "llamo" in text or "naam" in text \
        or "heiß" in text or "heisse" in text or "heet" in text or "nom" in text or "chiamo" in text
    if "@" in text or "＠" in text or "%40" in text:
        text = _redact_emails(text)
    if "=" in text and ("?" in text or "&" in text):
        text = _redact_query(text)
    if _has_digit(text):
        if ":" in text and ("::" in text or text.count(":") >= 7):
            text = _redact_ips(text)
        text, dated = _redact_digits(text)
        if dated:
            text = _redact_dob(text)
        if "ass" in text or "asp" in text or "ASS" in text or "fiscale" in text:
            text = _redact_ids(text, text.lower())  # passports, a codice fiscale
        if "iban" in text or "IBAN" in text or "Iban" in text:
            text = _redact_ibans(text)  # IBANs whose account holds letters between short digit runs
        if ADDRESS in text:
            text = _redact_postcodes_after_streets(text)
    return _redact_names(text, my_name)


# --------------------------------------------------------------------------- records (extra data, rejects)

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TOKEN = re.compile(r"[^\W_]+")
# What a column holds when its name says so, by word of the name.
_KIND_WORDS = {
    EMAIL: {"email", "mail", "emailaddress", "courriel", "correo"},
    PHONE: {"phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "msisdn", "whatsapp", "telefon",
            "telefono", "teléfono", "téléphone", "portable", "handy", "phonenumber", "mobiel", "gsm"},
    NAME: {"name", "firstname", "lastname", "surname", "fullname", "forename", "givenname", "familyname",
           "username", "nom", "prenom", "prénom", "vorname", "nachname", "nombre", "apellido", "apellidos",
           "naam", "voornaam", "achternaam", "displayname", "screenname", "signature"},
    ADDRESS: {"address", "street", "addr", "adresse", "anschrift", "strasse", "straße", "direccion", "dirección",
              "adres", "domicilio", "address1", "address2", "addressline1", "addressline2"},
    POSTCODE: {"zip", "zipcode", "postcode", "postal", "plz", "postleitzahl", "postalcode"},
    DOB: {"dob", "birthday", "birthdate", "birth", "geburtsdatum", "naissance", "nacimiento", "geboortedatum"},
    IP: {"ip", "ipaddress", "ipv4", "ipv6", "remoteaddr"},
    SSN: {"ssn", "socialsecurity"},
    NATIONAL_ID: {"nino", "bsn", "dni", "nie", "nif", "aadhaar", "nationalid", "taxid", "insee", "pesel"},
    PASSPORT: {"passport", "passeport", "reisepass", "pasaporte", "paspoort"},
    IBAN: {"iban"},
    CARD: {"card", "creditcard", "cardnumber", "cc", "pan"},
    PERSONAL: {"avatar", "userimage", "profileimage", "photo", "picture", "contact", "login", "handle"},
}
_WORD_KIND = {word: kind for kind, words in _KIND_WORDS.items() for word in words}
# A name word after one of these is not a person's ("Product name", "File name").
_NOT_PERSON = frozenset({
    "product", "brand", "company", "organisation", "organization", "org", "file", "item", "category", "group",
    "team", "shop", "store", "page", "plan", "model", "merchant", "vendor", "supplier", "project", "queue",
    "tag", "site", "app", "application", "event", "campaign", "domain", "host", "device", "browser", "os",
    "country", "city", "state", "region", "department", "service", "sku", "channel", "source", "form",
    "field", "list", "label", "type", "status", "variant", "package", "feature", "job", "task", "issue",
    "bank", "course", "sheet", "table", "column", "account", "business", "gift", "reward", "subject", "template",
    "server", "subscription", "plan", "tier", "level", "role", "priority", "stage", "pipeline", "macro",
    "sub", "mac", "card"})
# Words that name a kind but, followed by these, describe something else ("Email subject", "Card type").
_NOT_VALUE = frozenset({"subject", "body", "template", "type", "status", "count", "sent", "opened", "clicked",
                        "campaign", "category", "verified", "consent", "domain", "brand", "network", "expiry",
                        "expires", "holder", "issuer", "provider", "carrier", "reason", "code", "id", "key",
                        "format", "language", "country", "city", "state", "flag", "allowed", "optin", "opt",
                        "tone", "quality"})


@lru_cache(maxsize=4096)
def column_kind(name: str) -> str | None:
    """The mark for a column (or query key) whose name says it holds personal data, else None.

    "Requester phone" -> [phone], "Customer Email" -> [email], "First name" -> [name],
    "Shipping address" -> [address], "ZIP code" -> [postcode], "userImage" -> [personal];
    "Product name", "Email subject", "Card type" -> None.
    """
    words = [w.lower() for w in _TOKEN.findall(_CAMEL.sub(" ", name))]
    words = ["email" if w == "e" and i + 1 < len(words) and words[i + 1] == "mail" else w
             for i, w in enumerate(words) if not (w == "mail" and i and words[i - 1] == "e")]
    joined = "".join(words)
    if joined in _WORD_KIND and len(words) > 1:
        return _WORD_KIND[joined]  # "first_name", "e_mail", "date_of_birth"
    if "birth" in words or joined in ("dateofbirth", "datedenaissance", "fechadenacimiento"):
        return DOB
    if "ip" in words or "ipaddress" in joined:
        return IP
    general = None  # "Contact email" is an e-mail column; "[personal]" only when nothing says more
    for i, w in enumerate(words):
        kind = _WORD_KIND.get(w)
        if kind is None:
            continue
        if kind is PERSONAL and general is None and (w in ("avatar", "userimage", "profileimage", "contact", "login")
                                                     or any(x in ("user", "customer", "requester", "author",
                                                                  "reviewer", "profile", "contact")
                                                            for x in words[:i])):
            general = PERSONAL
            continue
        later = words[i + 1:]
        if any(x in _NOT_VALUE for x in later) or (kind is CARD and not later and w in ("card", "cc") and i == 0):
            return None
        if kind is NAME and any(x in _NOT_PERSON for x in words[:i]):
            return None
        if kind is ADDRESS and any(x in ("email", "mail", "e") for x in words[:i]):
            return EMAIL
        if kind is ADDRESS and any(x in ("mac", "ip", "web", "url", "site", "page") for x in words[:i]):
            return IP if "ip" in words[:i] else None
        if kind is PERSONAL:
            continue
        if kind is CARD and not (later and later[0] in ("number", "no", "nr", "num") or w in ("creditcard",
                                                                                              "cardnumber", "pan")):
            continue
        return kind
    return general


def _redact_value(kind: str | None, value: Any) -> Any:
    if isinstance(value, str):
        if kind is not None and value.strip():
            return kind
        return redact(value)
    if isinstance(value, dict):
        return redact_fields(value)
    if isinstance(value, list):
        return [_redact_value(kind, v) for v in value]
    if kind is not None and value is not None and not isinstance(value, bool):
        return kind  # a phone number a spreadsheet stored as a number
    return value


def redact_fields(record: dict[str, Any]) -> dict[str, Any]:
    """A record (extra columns, a rejected row) with personal data out, the same way as text.

    A column whose name says what it holds ("Requester phone", "Customer email",
    "Shipping address", "userName") is replaced whole by that kind's mark: a
    bare phone number cannot be told from an order number by its digits. Every
    other text value goes through :func:`redact` (URLs lose ``?email=…`` values).
    """
    return {key: _redact_value(column_kind(str(key)), value) for key, value in record.items()}
