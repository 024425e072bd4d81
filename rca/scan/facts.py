"""Facts the site states, and the ones it states differently on different pages.

A fact is (kind, subject, value) seen on a page: ("delivery", "standard
delivery time", "3-5 working days"). The same kind and subject with two or
more values across the site is a conflict; the finding lists every value
with every page that states it. What is read, sentence by sentence:

- delivery times per service (standard, express, next day …: a time stated
  with no service named is the standard one) and the free-delivery threshold;
- the return window and the refund time;
- the price of each product (products are the headings of pages that show a
  price; a price belongs to the product named just before it; crossed-out
  and "was" prices are old prices, not facts);
- phone numbers and e-mail addresses, per role (customer service unless the
  sentence names press, sales, careers, privacy …);
- opening hours, per role (showroom, phone lines, live chat, customer
  service) and days;
- promo codes and their terms (discount, minimum spend, end date).

Values are normalised before they are compared ("3 to 5 business days" is
"3-5 working days", "9am" is "09:00", "+44 161 …" is "0161 …"), so only real
differences are reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .problems import Observation, Problem, context_around
from .sources import Page

PRICE_AFTER_NAME_BLOCKS = 3
MAX_HEADING_CHARS = 90
BLOCK_CACHE = 50_000
MAX_SENTENCE_CHARS = 500
MAX_PRICE_BLOCK_CHARS = 40  # a price shown with a product is a short block ("£49.99", "Was £89.99, now £74.99")

_DIGIT = re.compile(r"\d")
_MANY_DIGITS = re.compile(r"\d(?:[\s().-]?\d){8}")
_CLOCK = re.compile(r"\d\s*(?:am|pm)\b|\d[:.]\d\d|\bnoon\b|\bmidday\b|\bclosed\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9£$€\"'“])|;\s*|\s+[•|]\s+")
_DASH = r"\s*(?:-|–|—|to)\s*"
_DAYS = re.compile(rf"\b(\d{{1,2}})(?:{_DASH}(\d{{1,2}}))?[\s-]*(working|business|calendar)?[\s-]*days?\b", re.I)
_NEXT_DAY = re.compile(r"\bnext[\s-](working[\s-]|business[\s-])?day\b", re.I)
_SERVICES = (("next day", r"next[\s-](?:working[\s-]|business[\s-])?day"), ("same day", r"same[\s-]day"),
             ("express", r"express"), ("standard", r"standard"), ("economy", r"economy"),
             ("international", r"international|overseas|worldwide"), ("named day", r"named[\s-]day"),
             ("click and collect", r"click\s*(?:and|&)\s*collect|collection"), ("premium", r"premium|priority"))
_SERVICE = re.compile("|".join(f"(?P<s{i}>\\b(?:{pattern}))" for i, (_, pattern) in enumerate(_SERVICES)), re.I)
_DELIVERY_WORDS = re.compile(r"\b(deliver\w*|dispatch\w*|ship(?:ping|ped|s)?|postage|arriv\w*|courier)\b", re.I)
_COUNTED_FROM = re.compile(r"\s*(?:of|from|after)\s+(?:the\s+)?(?:date\s+of\s+|day\s+of\s+)?(?:your\s+)?", re.I)
_RETURN_WORDS = re.compile(r"\b(return\w*|refund\w*|exchange\w*|money back)\b", re.I)
_MONEY = re.compile(r"(?<![\w.])(?P<cur>[£$€])\s?(?P<amount>\d{1,3}(?:,\d{3})*(?:\.\d{2})?|\d+(?:\.\d{2})?)(?![\d%])")
_OLD_PRICE = re.compile(r"\b(?:was|rrp|save|saving|previously|from)\s*$", re.I)
_FREE_DELIVERY = re.compile(r"\bfree\s+(?:standard\s+|uk\s+)?(?:delivery|shipping|postage|p\s*&\s*p)\b", re.I)
_THRESHOLD = re.compile(r"\b(?:over|above|more than|orders of|when you spend|spend(?:ing)?|minimum(?: spend)?(?: of)?)"
                        r"\s*(?:of\s*)?$", re.I)
_PHONE = re.compile(r"(?<![\w+£$€.])(?:\+\d{1,3}[\s.-]?(?:\(0\)\s?)?|\(?0)\d{2,5}\)?(?:[\s.-]?\d{2,4}){2,3}(?![\w])")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_ROLES = (("press", r"press|media|journalist"), ("sales", r"sales|business|trade|wholesale|corporate"),
          ("careers", r"careers?|jobs?|recruit\w*"), ("privacy", r"privacy|gdpr|data protection|dpo"),
          ("accessibility", r"accessibility"), ("partners", r"partner\w*|affiliat\w*|suppliers?"))
_ROLE = [(role, re.compile(rf"\b(?:{pattern})\b", re.I)) for role, pattern in _ROLES]
_NOREPLY = re.compile(r"no-?reply|do-?not-?reply", re.I)

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY = r"(?:mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)s?"
_DAYSPEC = rf"(?:{_DAY}(?:{_DASH}|\s*(?:&|and)\s*){_DAY}|{_DAY}|weekdays|weekends|bank holidays?|public holidays?)"
_TIME = r"(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)|\d{1,2}[:.]\d{2}|noon|midday|midnight)"
_HOURS = re.compile(rf"\b(?P<days>{_DAYSPEC})\b\s*[:,]?\s*(?:from\s+|open\s+|between\s+)?"
                    rf"(?:(?P<open>{_TIME})\s*(?:-|–|—|to|until|till|and)\s*(?P<close>{_TIME})|(?P<closed>closed))",
                    re.I)
_HOURS_ROLES = (("showroom", r"showrooms?|stores?|shops?"), ("phone lines", r"phone|call|lines|telephone"),
                ("live chat", r"chat"))
_HOURS_ROLE = [(role, re.compile(rf"\b(?:{pattern})\b", re.I)) for role, pattern in _HOURS_ROLES]

_CODE = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z]{3})[A-Z0-9]{4,16}\b")
_CODE_WORDS = re.compile(r"\b(?:code|voucher|promo\w*|coupon|discount)\b", re.I)
_PERCENT_OFF = re.compile(r"\b(\d{1,2})\s?%\s*(?:off|discount)", re.I)
_AMOUNT_OFF = re.compile(r"[£$€]\s?(\d+(?:\.\d{2})?)\s*off\b", re.I)
_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|" \
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_UNTIL = re.compile(rf"\b(?:until|till|ends?|ending|expires?|valid (?:until|till|to)|before)\s+(?:midnight\s+(?:on\s+)?)?"
                    rf"(?P<date>\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}(?:\s+\d{{4}})?|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?"
                    rf"|the end of (?:the )?(?:month|week|{_MONTHS}))", re.I)


@dataclass(frozen=True)
class Fact:
    kind: str  # delivery | returns | price | phone | email | opening_hours | promo
    subject: str
    value: str
    page: str
    context: str
    pattern: str  # what a complaint quoting this value would contain


def sentences(text: str) -> list[str]:
    """The sentences of a block; text that runs on without punctuation is cut into pieces of
    at most MAX_SENTENCE_CHARS at spaces, so no page, however built, makes the work per sentence grow."""
    found = []
    for sentence in _SENTENCE.split(text):
        while len(sentence) > MAX_SENTENCE_CHARS:
            cut = sentence.rfind(" ", 0, MAX_SENTENCE_CHARS)
            cut = cut if cut > 0 else MAX_SENTENCE_CHARS
            found.append(sentence[:cut])
            sentence = sentence[cut:].lstrip()
        if sentence:
            found.append(sentence)
    return found


def _number_range(low: str, high: str | None) -> str:
    # A range ("3-5") is specific on its own; a lone number only with its unit ("30 days").
    if high:
        return rf"\b{low}\s*(?:-|–|—|to)\s*{high}\b"
    return rf"\b{low}[\s-]*(?:working[\s-]+|business[\s-]+)?days?\b"


def _days_value(match: re.Match) -> tuple[str, str]:
    low, high, unit = match.group(1), match.group(2), (match.group(3) or "").lower()
    unit = "working days" if unit in ("working", "business") else "days"
    if not high and low == "1":
        unit = unit[:-1]
    return (f"{low}-{high} {unit}" if high else f"{low} {unit}"), _number_range(low, high)


def _service(sentence: str, position: int, skip: tuple[int, int] | None = None) -> str:
    """The delivery service named nearest before ``position`` (else after it); standard if none."""
    before, after = None, None
    for match in _SERVICE.finditer(sentence):
        if skip and match.start() < skip[1] and match.end() > skip[0]:
            continue
        name = _SERVICES[int(next(k for k, v in match.groupdict().items() if v)[1:])][0]
        if match.start() <= position:
            before = name
        elif after is None:
            after = name
    return before or after or "standard"


def _money(match: re.Match) -> str:
    amount = match.group("amount").replace(",", "")
    if amount.endswith(".00"):
        amount = amount[:-3]  # £50 and £50.00 are one price
    return f"{match.group('cur')}{amount}"


def _money_pattern(value: str) -> str:
    # 49.99 is specific on its own; a whole amount only with a currency sign ("£50", "$50.00").
    amount = value[1:]
    if "." not in amount:
        return rf"[£$€]\s?{re.escape(amount)}(?:\.00)?(?![\d%])"
    return rf"(?<![\d.]){re.escape(amount)}(?!\d)"


def _role(sentence: str, table=None) -> str:
    for role, pattern in table or _ROLE:
        if pattern.search(sentence):
            return role
    return "customer service"


def _phone_value(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw.replace("(0)", ""))
    if raw.startswith("+44"):
        digits = "0" + digits[2:]
    elif raw.startswith("+"):
        digits = "+" + digits
    if not 10 <= len(digits.lstrip("+")) <= 13:
        return None
    return digits


def _clock(text: str) -> str:
    text = text.lower().replace(" ", "").replace(".", ":")
    if text in ("noon", "midday"):
        return "12:00"
    if text == "midnight":
        return "00:00"
    suffix = text[-2:] if text.endswith(("am", "pm")) else ""
    hours, _, minutes = text.rstrip("apm").partition(":")
    hour = int(hours)
    if suffix == "pm" and hour < 12:
        hour += 12
    if suffix == "am" and hour == 12:
        hour = 0
    return f"{hour:02d}:{minutes or '00'}"


def _days_key(text: str) -> str:
    """'Monday to Friday', 'Mon–Fri', 'weekdays' -> 'Mon-Fri'; 'Sat & Sun', 'weekends' -> 'Sat-Sun'."""
    text = text.lower()
    if text.startswith("weekday"):
        return "Mon-Fri"
    if text.startswith("weekend"):
        return "Sat-Sun"
    if "holiday" in text:
        return "bank holidays"
    found = [next(i for i, name in enumerate(_DAY_NAMES) if word.startswith(name[:3]))
             for word in re.findall(r"[a-z]+", text) if word[:3] in {name[:3] for name in _DAY_NAMES}]
    names = [_DAY_NAMES[i][:3].title() for i in found]
    return "-".join(names) if names else text


class FactReader:
    """Feed it pages (``add``); ``problems`` gives one conflict per subject stated with differing values."""

    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.facts: list[Fact] = []
        # What a block of text states does not depend on the page: headers, footers and
        # shared templates repeat the same blocks on every page, so each is read once.
        self._by_text: dict[str, tuple] = {}
        self._found: list[tuple] = []

    def add(self, page: Page) -> None:
        self.pages.append(page)
        for block in page.content.blocks:
            if block.struck:
                continue
            text = block.text
            stated = self._by_text.get(text)
            if stated is None:
                self._found = []
                for sentence in sentences(text) if len(text) > 40 else [text]:
                    self._sentence(page, sentence)
                stated = tuple(self._found)
                if len(self._by_text) >= BLOCK_CACHE:
                    self._by_text.clear()
                self._by_text[text] = stated
            for kind, subject, value, context, pattern in stated:
                self.facts.append(Fact(kind, subject, value, page.url, context, pattern))

    # -- per sentence ---------------------------------------------------------------------

    def _fact(self, kind, subject, value, page: Page, sentence: str, match_span, pattern: str) -> None:
        self._found.append((kind, subject, value, context_around(sentence, *match_span), pattern))

    def _sentence(self, page: Page, sentence: str) -> None:
        lowered = sentence.lower()
        if "day" in lowered:
            self._durations(page, sentence)
        if "free" in lowered and ("£" in sentence or "$" in sentence or "€" in sentence):
            self._free_delivery(page, sentence)
        if "@" in sentence:
            self._emails(page, sentence)
        if _CLOCK.search(sentence):
            self._hours(page, sentence)
        if _DIGIT.search(sentence):
            # Cheap tests first: most sentences hold no phone number, no time of day and no code.
            if _MANY_DIGITS.search(sentence):
                self._phones(page, sentence)
            if "%" in sentence or "off" in lowered or "code" in lowered or "voucher" in lowered \
                    or "coupon" in lowered or "promo" in lowered or "discount" in lowered:
                self._promos(page, sentence)

    def _durations(self, page: Page, sentence: str) -> None:
        delivery = [m.start() for m in _DELIVERY_WORDS.finditer(sentence)]
        returns = [(m.start(), m.group().lower().startswith("refund")) for m in _RETURN_WORDS.finditer(sentence)]
        if not delivery and not returns:
            return
        for match in _DAYS.finditer(sentence):
            value, pattern = _days_value(match)
            # A time belongs to the nearest word that says what it is the time of; "within
            # 30 days of delivery" counts from the delivery, it is not how long one takes.
            near_delivery = min((abs(p - match.start()) for p in delivery
                                 if not _COUNTED_FROM.fullmatch(sentence[match.end():p])), default=None)
            near_return = min(returns, key=lambda r: abs(r[0] - match.start()), default=None)
            if near_delivery is None and near_return is None:
                continue  # "cancel within 14 days of delivery": a time, but not of a delivery or a return
            if near_return is not None and (near_delivery is None
                                            or abs(near_return[0] - match.start()) <= near_delivery):
                subject = "refund time" if near_return[1] else "return window"
                self._fact("returns", subject, value, page, sentence, match.span(), pattern)
            else:
                service = _service(sentence, match.start())
                self._fact("delivery", f"{service} delivery time", value, page, sentence, match.span(), pattern)
        if delivery and not returns:
            for match in _NEXT_DAY.finditer(sentence):
                if re.match(r"\s*(?:delivery|shipping)", sentence[match.end():], re.I):
                    continue  # "next day delivery" names a service; it does not say how long one takes
                service = _service(sentence, match.start(), skip=match.span())
                self._fact("delivery", f"{service} delivery time",
                           "next working day" if match.group(1) or match.group(2) else "next day",
                           page, sentence, match.span(), r"\bnext[\s-](?:working[\s-]|business[\s-])?day\b")

    def _free_delivery(self, page: Page, sentence: str) -> None:
        free = _FREE_DELIVERY.search(sentence)
        if not free:
            return
        for match in _MONEY.finditer(sentence):
            if _THRESHOLD.search(sentence[:match.start()][-40:]):
                value = _money(match)
                self._fact("delivery", "free delivery threshold", value, page, sentence, match.span(),
                           _money_pattern(value))
                return

    def _emails(self, page: Page, sentence: str) -> None:
        for match in _EMAIL.finditer(sentence):
            address = match.group().lower()
            if _NOREPLY.search(address):
                continue
            # press@… is the press office's whatever the sentence says; help@… is as the sentence says.
            role = _role(re.sub(r"[._+-]", " ", address.split("@", 1)[0]))
            if role == "customer service":
                role = _role(sentence)
            self._fact("email", f"{role} e-mail", address, page, sentence, match.span(), re.escape(address))

    def _phones(self, page: Page, sentence: str) -> None:
        for match in _PHONE.finditer(sentence):
            value = _phone_value(match.group())
            if value is None:
                continue
            # A number abroad (+353 …) is another country's line, not a different number for the same one.
            country = f" (+{code.group(1)})" if value.startswith("+") and (
                code := re.match(r"\+\s*(\d{1,3})", match.group())) else ""
            self._fact("phone", f"{_role(sentence)} phone{country}", _pretty_phone(value), page, sentence,
                       match.span(), re.escape(value[-6:]))

    def _hours(self, page: Page, sentence: str) -> None:
        matches = list(_HOURS.finditer(sentence))
        if not matches:
            return
        role = _role(sentence, _HOURS_ROLE)
        for match in matches:
            days = _days_key(match.group("days"))
            value = "closed" if match.group("closed") else f"{_clock(match.group('open'))}-{_clock(match.group('close'))}"
            self._fact("opening_hours", f"{role} hours, {days}", value, page, sentence, match.span(),
                       re.escape(match.group("open") or "closed"))

    def _promos(self, page: Page, sentence: str) -> None:
        if not (_CODE_WORDS.search(sentence) or _PERCENT_OFF.search(sentence) or _AMOUNT_OFF.search(sentence)):
            return
        codes = [m for m in _CODE.finditer(sentence)]
        if not codes:
            return
        code = codes[0].group()
        span = codes[0].span()
        if match := _PERCENT_OFF.search(sentence):
            self._fact("promo", f"{code} discount", f"{match.group(1)}% off", page, sentence, span, re.escape(code))
        elif match := _AMOUNT_OFF.search(sentence):
            self._fact("promo", f"{code} discount", f"£{match.group(1)} off", page, sentence, span, re.escape(code))
        for money in _MONEY.finditer(sentence):
            if _THRESHOLD.search(sentence[:money.start()][-40:]) and not _FREE_DELIVERY.search(sentence):
                self._fact("promo", f"{code} minimum spend", _money(money), page, sentence, span, re.escape(code))
                break
        if match := _UNTIL.search(sentence):
            self._fact("promo", f"{code} end date", _date_value(match.group("date")), page, sentence, span,
                       re.escape(code))

    # -- prices, which need every page's headings first ---------------------------------------

    def _prices(self) -> None:
        names: dict[str, str] = {}
        for page in self.pages:
            heading = page.content.h1
            if heading and len(heading) <= MAX_HEADING_CHARS and self._price_after(page, heading) is not None:
                names.setdefault(heading.casefold(), heading)
        if not names:
            return
        for page in self.pages:
            blocks = page.content.blocks
            current, distance = None, 0
            for block in blocks:
                key = block.text.casefold()
                if key in names:
                    current, distance = names[key], 0
                    continue
                if current is None:
                    continue
                distance += 1
                if distance > PRICE_AFTER_NAME_BLOCKS:
                    current = None
                    continue
                if block.struck or len(block.text) > MAX_PRICE_BLOCK_CHARS:
                    continue
                price = _current_price(block.text)
                if price is not None:
                    value, span = price
                    self.facts.append(Fact("price", f"price of {current}", value, page.url,
                                           f"{current}: {block.text}", _money_pattern(value)))
                    current = None

    @staticmethod
    def _price_after(page: Page, heading: str) -> str | None:
        blocks = page.content.blocks
        for i, block in enumerate(blocks):
            if block.tag == "h1" and block.text == heading:
                for later in blocks[i + 1:i + 1 + PRICE_AFTER_NAME_BLOCKS]:
                    if not later.struck and len(later.text) <= MAX_PRICE_BLOCK_CHARS and _current_price(later.text):
                        return later.text
                return None
        return None

    def problems(self) -> list[Problem]:
        self._prices()
        by_subject: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for fact in self.facts:
            by_subject[(fact.kind, fact.subject)].append(fact)
        found = []
        for (kind, subject), facts in sorted(by_subject.items()):
            values: dict[str, list[Fact]] = defaultdict(list)
            for fact in facts:
                values[fact.value].append(fact)
            if len(values) < 2:
                continue
            observations, seen = [], set()
            for value, group in sorted(values.items(), key=lambda item: (-len({f.page for f in item[1]}), item[0])):
                for fact in group:
                    if (value, fact.page) not in seen:
                        seen.add((value, fact.page))
                        observations.append(Observation(fact.page, value, fact.context))
            summary = "; ".join(f"{value} on {_pages(len({f.page for f in group}))}"
                                for value, group in sorted(values.items(),
                                                           key=lambda item: (-len({f.page for f in item[1]}), item[0])))
            terms = sorted({f.pattern for f in facts})
            found.append(Problem(kind="conflict", subject=f"{kind}: {subject}",
                                 title=f"{subject[:1].upper() + subject[1:]} differs between pages: {summary}",
                                 observations=observations, terms=terms))
        return found


def _pages(n: int) -> str:
    return f"{n} page" + ("s" if n != 1 else "")


def _pretty_phone(digits: str) -> str:
    if digits.startswith("+"):
        return digits
    if len(digits) == 11 and digits.startswith(("01", "02")):
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}" if digits[1] == "1" else f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if len(digits) == 11:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    return digits


def _date_value(text: str) -> str:
    text = " ".join(text.lower().split())
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    words = text.split()
    for i, word in enumerate(words):
        for month in ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                      "october", "november", "december"):
            if word[:3] == month[:3]:
                words[i] = month.title()
    return " ".join(words)


def _current_price(text: str) -> tuple[str, tuple[int, int]] | None:
    """The first price in ``text`` that is not an old one ("was £59.99", "RRP £80", "save £10", "£10 off")."""
    for match in _MONEY.finditer(text):
        before = text[:match.start()][-20:]
        after = text[match.end():match.end() + 6].lower()
        if _OLD_PRICE.search(before) or after.strip().startswith("off"):
            continue
        return _money(match), match.span()
    return None
