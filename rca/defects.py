"""Defect types: what kind of mistake a complaint is about.

``classify_defect`` reads subject and body with a few readable rules (words,
phrases, and one regex for "it says X but ..."), checked in a fixed order (a
typo report often mentions a wrong price, so the narrower type is tried first):

1. ``typo`` - spelling, grammar, a wrong word on our page or packaging;
2. ``inconsistent_info`` - two of our own sources disagree (FAQ vs checkout,
   page vs label, "it says X but...");
3. ``product_defect`` - the product itself is broken, faulty, stopped working;
4. ``other`` - anything else.

``normalize_defect_type`` maps a value from an export's own column
("Typo", "Inconsistent information", "Bug") onto these names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["DEFECT_TYPES", "classify_defect", "normalize_defect_type"]

DEFECT_TYPES = ("typo", "inconsistent_info", "product_defect", "other")

@dataclass(frozen=True)
class _Rule:
    """Words, phrases and (optionally) one regex that mark a defect type.

    Matching works on the complaint's words rather than running a big regex
    over the text: Python's regex engine tries every alternative at every word
    start (15-50 µs for a long rule), while a set intersection and a few
    substring tests cost about a microsecond. Each phrase is looked up only
    when its rarest (longest) word occurs; the regex only when a trigger word
    occurs.
    """

    name: str
    words: frozenset[str]
    phrases: Mapping[str, tuple[str, ...]]  # trigger word -> " phrase " padded with spaces
    # For what words cannot say; it gets the text and the complaint's words
    # that are in _VOCABULARY (all words a rule or a check may ask about).
    check: Callable[[str, set[str]], bool] | None = None

    @classmethod
    def build(cls, name: str, words: Iterable[str], phrases: Iterable[str],
              check: Callable[[str, set[str]], bool] | None = None) -> _Rule:
        by_trigger: dict[str, list[str]] = {}
        for phrase in phrases:
            trigger = max(phrase.split(), key=len)
            by_trigger.setdefault(trigger, []).append(f" {phrase} ")
        return cls(name, frozenset(words),
                   MappingProxyType({k: tuple(v) for k, v in by_trigger.items()}), check)

    def matches(self, text: str, tokens: list[str], words: set[str]) -> bool:
        if not self.words.isdisjoint(words):
            return True
        triggered = self.phrases.keys() & words
        if triggered:
            joined = f" {' '.join(tokens)} "  # words, single-spaced, no punctuation
            for trigger in triggered:
                for phrase in self.phrases[trigger]:
                    if phrase in joined:
                        return True
        return self.check is not None and self.check(text, words)


def _negated(negations: Iterable[str], verbs: Iterable[str]) -> list[str]:
    return [f"{n} {v}" for n in negations for v in verbs]


_NEGATIONS = ("doesn't", "doesnt", "does not", "didn't", "didnt", "did not", "won't", "wont",
              "will not", "no longer", "can't", "cant", "cannot", "wouldn't", "would not")
_ONGOING = ("not", "isn't", "isnt", "is not", "wasn't", "wasnt", "was not", "stopped",
            "stops", "stop", "quit", "no longer")

_TYPO = _Rule.build(
    "typo",
    words=("typo", "typos", "typo's", "misspelled", "misspelt", "misspelling", "misspellings",
           "misspell", "misspells", "mis-spelled", "mis-spelt", "mis-spelling", "spelling",
           "grammar", "grammatical", "ungrammatical", "punctuation", "capitalisation",
           "capitalization", "untranslated", "mistranslated", "mistranslation",
           "typographical", "lorem"),
    phrases=("wrong word", "missing word", "word is missing", "spelt wrong", "spelled wrong",
             "spelled wrongly", "placeholder text", "translation error", "translation mistake",
             "garbled text", "typing error"),
)

_SAY_WORDS = frozenset({"say", "says", "said", "state", "states", "stated", "show", "shows",
                        "showed", "listed", "advertised"})
# "the FAQ says 2 days but checkout says 5": a say-word, then "but" in the same sentence.
_SAYS_BUT = re.compile(r"(?:says?|said|states?|stated|shows?|showed|listed as|advertised as)\b"
                       r"[^.!?\n]{1,80}?\bbut\b")
# "on the FAQ it says ...": one of our sources shortly before the say-word.
_SOURCE_BEFORE = re.compile(r"\b(?:on|in) (?:the|your) (?:faq|website|site|app|page|product page"
                            r"|label|box|packaging|checkout|email|receipt|manual)\b"
                            r"[^.!?\n]{0,40}$")


_SOURCES = frozenset({"faq", "website", "site", "app", "page", "label", "box", "packaging",
                      "checkout", "email", "receipt", "manual"})


def _says_but(text: str, words: set[str]) -> bool:
    """Run the regexes only where a say-word occurs (a whole-text search is slow)."""
    said = _SAY_WORDS & words
    if not said:
        return False
    sources = _SOURCES & words
    if len(sources) >= 2:
        return True  # "the FAQ says 2 days and checkout says 5": two of our sources speak
    look_back = bool(sources)
    for word in said:
        pos = text.find(word)
        while pos != -1:
            if (pos == 0 or not text[pos - 1].isalpha()) and (
                    _SAYS_BUT.match(text, pos)
                    or (look_back and _SOURCE_BEFORE.search(text, max(0, pos - 70), pos))):
                return True
            pos = text.find(word, pos + 1)
    return False


_INCONSISTENT = _Rule.build(
    "inconsistent_info",
    words=("inconsistent", "inconsistency", "inconsistencies", "contradict", "contradicts",
           "contradicting", "contradiction", "contradictions", "contradictory", "conflicting",
           "discrepancy", "discrepancies", "mismatch", "mismatched", "mismatches",
           "mismatching"),
    phrases=["two different", "2 different", "different price", "different prices",
             "different amount", "different date", "different dates", "different answer",
             "different answers", "different information", "different info",
             "different from", "different than", "differs from", "differ from",
             "not the same as", "not the same", "not matching", "according to the faq",
             "according to your",
             "according to the website"]
    + _negated(("doesn't", "doesnt", "does not", "didn't", "did not", "don't", "dont",
                "do not"), ["match"]),
    check=_says_but,
)

_DEFECT = _Rule.build(
    "product_defect",
    words=("broken", "broke", "breaks", "defect", "defects", "defective", "faulty", "fault",
           "malfunction", "malfunctions", "malfunctioned", "malfunctioning", "cracked", "crack",
           "cracks", "shattered", "leak", "leaks", "leaked", "leaking", "overheat",
           "overheats", "overheated", "overheating", "burnt", "smoke", "smoking", "sparks",
           "spark", "sparking", "doa", "snapped", "ripped", "torn", "peeling", "rusted",
           "rusty", "rust", "dented", "damaged", "crashes", "crashed", "crashing", "freezes",
           "freezing", "flicker", "flickers", "flickering", "buzzing", "buzzes",
           "short-circuit", "short-circuited"),
    phrases=["burned out", "burnt out", "dead on arrival", "fell apart", "falls apart",
             "came apart", "short circuit", "battery died", "battery dies", "battery drains",
             "battery drain", "battery draining", "keeps crashing", "keeps restarting",
             "keeps turning off", "keeps disconnecting", "no sound"]
    + _negated(_NEGATIONS, ("work", "turn on", "switch on", "charge", "power on", "start",
                            "boot", "connect", "pair", "hold a charge", "hold charge", "close",
                            "lock", "heat up"))
    + _negated(_ONGOING, ("working", "charging", "turning on", "powering on")),
)

_RULES: tuple[_Rule, ...] = (_TYPO, _INCONSISTENT, _DEFECT)
# Every word a rule (or _says_but) looks up. A complaint's words are filtered
# through it first, so the rules intersect small sets: building a set of all
# ~40 words of a complaint cost more than all three rules together.
_VOCABULARY = frozenset().union(*(rule.words | rule.phrases.keys() for rule in _RULES), _SAY_WORDS, _SOURCES)

# Punctuation becomes a space so words compare cleanly; apostrophes and
# hyphens stay (doesn't, short-circuit). The table works on UTF-8 bytes:
# bytes.translate is a table lookup in C, 3-10x faster than str.translate with
# a dict, and no byte of a multi-byte UTF-8 character is ASCII punctuation.
_PUNCTUATION = bytes.maketrans(b"!\"#$%&()*+,./:;<=>?@[\\]^_`{|}~", b" " * 30)
# Quotes, dashes and ellipses that customers' keyboards and phones type.
_UNICODE_PUNCTUATION = re.compile("[\u00ab\u00bb\u00a1\u00bf\u2010-\u2015\u2018\u201a-\u201f\u2026\u2039\u203a]")


def classify_defect(subject: str | None, body: str | None) -> str:
    """The defect type of a complaint from its text; ``'other'`` when no rule fires."""
    if subject and body:
        text = f"{subject}\n{body}"
    else:
        text = subject or body or ""
    if not text:
        return "other"
    text = text.lower()
    if "\u2019" in text:
        text = text.replace("\u2019", "'")
    spaced = text if text.isascii() else _UNICODE_PUNCTUATION.sub(" ", text)
    # surrogatepass: JSON exports can carry lone surrogates, which must not fail here.
    tokens = spaced.encode("utf-8", "surrogatepass").translate(_PUNCTUATION) \
        .decode("utf-8", "surrogatepass").split()
    words = _VOCABULARY.intersection(tokens)
    if not words:
        return "other"  # every rule needs one of its words, triggers or say-words
    for rule in _RULES:
        if rule.matches(text, tokens, words):
            return rule.name
    return "other"


# Values seen in help-desk "type"/"category" columns, normalised (lower case,
# '_' and '-' as spaces, inner whitespace collapsed).
_ALIASES: dict[str, str] = {}
for _canonical, _names in {
    "typo": ("typo", "typos", "spelling", "spelling mistake", "spelling error", "misspelling",
             "misspelled", "grammar", "grammar error", "typographical error", "copy error",
             "text error", "wording"),
    "inconsistent_info": ("inconsistent info", "inconsistent information", "inconsistent",
                          "inconsistency", "inconsistencies", "conflicting info",
                          "conflicting information", "contradictory information",
                          "mismatch", "info mismatch", "information mismatch",
                          "wrong info", "wrong information", "incorrect info",
                          "incorrect information", "misleading information",
                          "content inconsistency"),
    "product_defect": ("product defect", "product defects", "defect", "defective",
                       "defective product", "product issue", "product problem",
                       "product fault", "faulty product", "faulty", "fault", "broken",
                       "bug", "bugs", "hardware defect", "hardware issue",
                       "quality issue", "quality defect", "malfunction", "damaged"),
    "other": ("other", "others", "misc", "miscellaneous", "general", "none", "n/a"),
}.items():
    for _name in _names:
        _ALIASES[_name] = _canonical
_ALIASES.update({t: t for t in DEFECT_TYPES})

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalize_defect_type(value: str | None) -> str | None:
    """Map an export's defect/category value onto DEFECT_TYPES; unknown -> None."""
    if value is None:
        return None
    key = _SEPARATORS.sub(" ", str(value)).strip().lower()
    if not key:
        return None
    found = _ALIASES.get(key)
    if found is None and key.endswith("s"):
        found = _ALIASES.get(key[:-1])
    return found
