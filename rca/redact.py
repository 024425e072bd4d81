"""Take personal data out of complaint text before it is stored.

``redact`` replaces e-mail addresses, phone numbers, payment card numbers and
IBANs with ``[email]``, ``[phone]``, ``[card]`` and ``[iban]``. What a
complaint needs to stay useful must survive: order numbers, dates, times,
prices, SKUs, tracking and version numbers. So every candidate is checked
beyond its shape: cards must pass Luhn and start like a card (2-6), IBANs must
pass mod-97 with their country's length, phones must look like a phone
(``+CC ...``, ``(555) 123-4567``, ``555-123-4567``, ``07700 900123``) or follow
a phone word ("call me on 07700900123"); a bare run of digits is never a phone.

Most complaints hold no personal data at all, so cheap checks (``'@' in text``,
a three-digit run) skip the rest; numbers are found with one regex that starts
with a character class (fast to scan), and the detailed patterns run only on
the few windows holding 7 or more digits. A typical 200-character complaint
costs a few microseconds.
"""

from __future__ import annotations

import re

__all__ = ["redact", "luhn_valid", "iban_valid"]

EMAIL, PHONE, CARD, IBAN = "[email]", "[phone]", "[card]", "[iban]"

# Numbers that start with a digit or '+' or '('. One pass, alternatives in
# order of specificity; each match is validated in _replace_number.
_NUMBERS = re.compile(
    r"(?<![\w.,/+-])(?<!\d[ -])(?:"  # not the tail of a longer number (IBAN, tracking)
    # card: 13-19 contiguous digits, or 4-4-4-4(-1..3) groups, or Amex 4-6-5
    r"(?P<card>[2-6]\d{12,18}(?![\w])"
    r"|[2-6]\d{3}(?P<s1>[ -])\d{4}(?P=s1)\d{4}(?P=s1)\d{4}(?:(?P=s1)\d{1,3})?(?!\w|-\d)"
    r"|3[47]\d{2}(?P<s2>[ -])\d{6}(?P=s2)\d{5}(?!\w|-\d))"
    # international: +CC then 1-5 groups, optionally one in parentheses
    r"|(?P<intl>\+\d{1,3}(?:[ .-]?\(\d{1,4}\)|[ .-]?\d{1,5}){1,5})(?!\d|[.,/-]\d)"
    # North American: (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567
    r"|(?P<nanp>(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4})(?!\w|[.,/-]\d)"
    # national trunk-prefix numbers with a separator: 07700 900123, 020 7946 0958
    r"|(?P<national>0\d{2,4}[ -]\d{3,4}(?:[ -]?\d{3,4})?)(?!\w|[.,/-]\d)"
    r")"
)

# Candidate numbers: a digit, then 6+ digits or separators (the leading '+' or
# '(' is picked up afterwards). A pattern that starts with one character class
# and has no nested groups lets the regex engine skip plain text fast ([0-9] is
# cheaper to test than \d); the detailed patterns then run only inside these
# short windows, so prices, times and short numbers never cost more.
_CANDIDATE = re.compile(r"[0-9][0-9 ().\-]{6,}")

# Words just before a number that make any 7-15 digit number a phone
# ("call me on 07700900123"); only filler words may stand between.
_PHONE_WORDS = frozenset({"call", "called", "calling", "phone", "tel", "telephone", "mobile",
                          "mob", "cell", "cellphone", "whatsapp", "sms", "text", "ring",
                          "landline", "contact"})
_FILLERS = frozenset({"me", "us", "on", "at", "back", "number", "no", "nr", "is", "my", "app"})
_WORD = re.compile(r"[a-z]+(?:/[a-z]+)?")

_IBAN = re.compile(r"[A-Z][A-Z]\d\d(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?(?![A-Za-z0-9])")

_HAS_3_DIGITS = re.compile(r"[0-9][0-9][0-9]").search
# Substrings of every phone word, for a cheap pre-test of the text before a number.
_PHONE_STEMS = ("call", "phone", "tel", "mob", "cell", "whats", "sms", "text", "ring",
                "landline", "contact")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b")
_LOCAL_PUNCT = frozenset("._%+-")
_DATE_LIKE = re.compile(r"\d{4}-\d\d?-\d\d?|\d\d?[.-]\d\d?[.-]\d{2,4}|\d{4}\.\d\d?\.\d\d?")

# Words right before a number that say it is not a card (an order or SKU
# number can pass Luhn by chance: one in ten does).
_NOT_CARD_WORDS = frozenset({"order", "sku", "ean", "upc", "gtin", "isbn", "tracking", "track",
                             "invoice", "ref", "reference", "awb", "parcel", "shipment",
                             "serial", "s/n", "sn", "item", "article", "art", "part", "model",
                             "ticket", "case", "barcode", "account", "receipt", "booking",
                             "confirmation", "imei"})


def _words_before(text: str, start: int, count: int) -> list[str]:
    """The last ``count`` words before ``start``, lower case (a cheap look-behind)."""
    return _WORD.findall(text[max(0, start - 48):start].lower())[-count:]


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
    compact = iban.replace(" ", "").upper()
    expected = _IBAN_LENGTHS.get(compact[:2])
    if expected is None:
        if not 15 <= len(compact) <= 34:
            return False
    elif len(compact) != expected:
        return False
    if not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def _replace_number(m: re.Match[str]) -> str:
    whole = m.group(0)
    card = m.group("card")
    if card is not None:
        digits = card.replace(" ", "").replace("-", "")
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
    if m.group("intl") is not None:
        return PHONE if 8 <= _digits_in(whole) <= 15 else whole
    if m.group("nanp") is not None:
        return PHONE
    national = m.group("national")
    if national is not None:
        return PHONE if 10 <= _digits_in(national) <= 11 else whole
    return whole


def _redact_emails(text: str) -> str:
    """Find each '@', then the domain after it and the local part before it.

    Anchoring on '@' (str.find) is several times faster than letting one
    regex try every word of the text as a possible local part.
    """
    pieces: list[str] = []
    last = 0
    at = text.find("@")
    while at != -1:
        start = at
        floor = max(last, at - 64)  # RFC 5321: a local part has at most 64 characters
        while start > floor and (text[start - 1].isalnum() or text[start - 1] in _LOCAL_PUNCT):
            start -= 1
        while start < at and text[start] == ".":
            start += 1  # "...bob@x.com": the dots are prose, not address
        domain = _DOMAIN.match(text, at + 1)
        if domain is not None and start < at:
            pieces.append(text[last:start])
            pieces.append(EMAIL)
            last = domain.end()
            at = text.find("@", last)
        else:
            at = text.find("@", at + 1)
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _digits_in(s: str) -> int:
    return len(s) - s.count(" ") - s.count("-") - s.count(".") - s.count("(") \
        - s.count(")") - s.count("+")


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


def _redact_numbers(text: str) -> str:
    spans: list[tuple[int, int, str]] = []  # (start, end, placeholder), left to right
    last = 0
    n = len(text)

    def after_phone_word(pos: int) -> bool:
        # Cheap substring test on the window first; the word-exact test is rarer.
        window = text[max(0, pos - 48):pos].lower()
        return any(w in window for w in _PHONE_STEMS) and _after_phone_word(text, pos)

    for cand in _CANDIDATE.finditer(text):
        s, e = cand.span()
        number = cand.group()
        if not number[-1].isdigit():
            trimmed = number.rstrip(" ().-")
            e -= len(number) - len(trimmed)
            number = trimmed
        if s > 0 and text[s - 1] in "+(":
            s -= 1
            number = text[s] + number
        if s < last:
            continue
        if number.isdigit():
            if len(number) < 7:
                continue
            # The common case (order numbers, SKUs): no separators, so only a
            # card (13-19 digits, Luhn) or a phone after a phone word.
            glued = s > 0 and (text[s - 1].isalnum() or text[s - 1] in "_-./,+")
            if glued or (e < n and (text[e].isalnum() or text[e] == "_")):
                if s > 0 and text[s - 1].isalnum() and _iban_at(text, s, e, last, spans):
                    last = spans[-1][1]
                continue
            length = len(number)
            if 13 <= length <= 19 and number[0] in "23456" and luhn_valid(number) \
                    and not _labelled_not_card(text, s):
                spans.append((s, e, PHONE if after_phone_word(s) else CARD))
                last = e
            elif 7 <= length <= 15 and after_phone_word(s):
                spans.append((s, e, PHONE))
                last = e
            continue
        if _DATE_LIKE.fullmatch(number) is not None or _digits_in(number) < 7:
            continue
        # IBAN: its letters (country, bank code) sit just before the digits.
        if s >= 2 and not text[max(last, s - 12):s].islower() \
                and _iban_at(text, s, e, last, spans):
            last = spans[-1][1]
            continue
        found = False
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
                found = True
        if not found:
            worded = _worded_phone(text, s, e) if after_phone_word(s) else None
            if worded is not None:
                spans.append((worded[0], worded[1], PHONE))
                last = worded[1]
    if not spans:
        return text
    pieces: list[str] = []
    pos = 0
    for start, end, placeholder in spans:
        pieces.append(text[pos:start])
        pieces.append(placeholder)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _iban_at(text: str, s: int, e: int, last: int, spans: list[tuple[int, int, str]]) -> bool:
    """An IBAN starting up to 12 characters before the digits at s..e? Record it."""
    iban = _IBAN.search(text, max(last, s - 12), min(len(text), e + 2))
    if iban is None or iban.start() > s or not iban_valid(iban.group()):
        return False
    if iban.start() and text[iban.start() - 1].isalnum():
        return False
    spans.append((iban.start(), iban.end(), IBAN))
    return True


def redact(text: str) -> str:
    """``text`` with e-mails, phones, card numbers and IBANs replaced by placeholders."""
    if not text:
        return text
    if "@" in text:
        text = _redact_emails(text)
    if _HAS_3_DIGITS(text) is None:  # every number below holds a run of 3 digits
        return text
    return _redact_numbers(text)
