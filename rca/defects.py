"""Defect types: what kind of mistake a complaint is about.

``classify_defect`` reads subject and body with a few readable rules, one
combined regex per type, checked in a fixed order (a typo report often
mentions a wrong price, so the narrower type is tried first):

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

__all__ = ["DEFECT_TYPES", "classify_defect", "normalize_defect_type"]

DEFECT_TYPES = ("typo", "inconsistent_info", "product_defect", "other")

_TYPO = re.compile(
    r"\b(?:typos?|typo'?s|misspel\w*|mis-spel\w*|spelling|spelt wrong|spelled wrong(?:ly)?"
    r"|grammar\w*|grammatical|wrong word|missing word|word is missing|punctuation"
    r"|capitali[sz]\w*|lorem ipsum|placeholder text|untranslated|mistranslat\w*"
    r"|translation (?:error|mistake)|garbled text)\b",
    re.IGNORECASE,
)

_INCONSISTENT = re.compile(
    r"(?:\b(?:inconsisten\w*|contradict\w*|conflicting|discrepanc\w*|mismatch\w*"
    r"|(?:two|2) different (?:prices?|dates?|times?|amounts?|answers?|numbers?|sizes?)"
    r"|different (?:price|amount|date|size|answer) (?:on|in|at|than|from)"
    r"|(?:does ?n[o']t|did ?n[o']t|do ?n[o']t|not) match"
    r"|(?:says?|said|states?|stated|shows?|showed|listed as|advertised as)\b[^.!?\n]{1,80}?\bbut\b"
    r"|(?:on|in) the (?:faq|website|site|app|page|label|box|packaging|checkout|email|receipt)"
    r"\b[^.!?\n]{0,40}\b(?:it )?(?:says|said|states|shows)"
    r"|according to (?:the|your) (?:faq|website|site|page|label|email)"
    r"|(?:than|from) (?:what )?(?:the|your) (?:faq|website|site|page|label|listing|ad) says))",
    re.IGNORECASE,
)

_DEFECT = re.compile(
    r"\b(?:broken|broke|breaks|stopped working|stops working|quit working|stopped charging"
    r"|(?:does ?n[o']t|did ?n[o']t|won'?t|will not|no longer|can'?t|cannot) (?:work|turn on"
    r"|switch on|charge|power on|start|boot|connect|pair|hold (?:a )?charge|close|lock|heat up"
    r"|cool down)"
    r"|(?:not|isn'?t|is not|wasn'?t|stopped|stops) (?:working|charging|turning on|powering on)"
    r"|defect(?:ive|s)?|faulty|fault|malfunction\w*|cracked|cracks?|shattered"
    r"|leak(?:s|ed|ing)?|overheat\w*|burn(?:t|ed|ing)? out|burnt|smok(?:e|es|ing)|sparks?"
    r"|dead on arrival|doa|fell apart|falls apart|came apart|snapped|ripped|torn|tore|peeling"
    r"|rust(?:ed|y)?|dented|damaged|short circuit\w*|battery (?:died|dies|drains?)"
    r"|keeps (?:crashing|restarting|turning off|disconnecting)|crash(?:es|ed|ing)?"
    r"|freez(?:es|ing)|flicker\w*|no sound|buzz(?:es|ing))\b",
    re.IGNORECASE,
)

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("typo", _TYPO),
    ("inconsistent_info", _INCONSISTENT),
    ("product_defect", _DEFECT),
)


def classify_defect(subject: str | None, body: str | None) -> str:
    """The defect type of a complaint from its text; ``'other'`` when no rule fires."""
    if subject and body:
        text = f"{subject}\n{body}"
    else:
        text = subject or body or ""
    if not text:
        return "other"
    for name, rule in _RULES:
        if rule.search(text):
            return name
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
