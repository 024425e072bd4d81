"""Spelling mistakes on the site, with an offline English dictionary (pyspellchecker's word list).

A word the dictionary does not know is judged against the site itself:

- one edit (a letter added, dropped, changed or two swapped) away from a
  dictionary word, it is a typo, however many pages repeat it: a mistake in a
  shared template ("Procced to payment") is on every page that uses it;
- otherwise, when it recurs on two or more pages, it is the site's own
  vocabulary (brand and product names: "Northwind", "Klarna") and is not
  flagged — unless it is one edit away from a site word used at least three
  times as often, which makes it a mis-spelling of that word;
- a word seen on one page only and near no known word is taken for a name.

British spellings of dictionary words (colour, catalogue, organise,
centre, travelled) are correct. Words with digits, inner capitals (VoltGo,
iPhone) and short all-capital acronyms (FAQ, VAT) are names, not words.
The suggestion prefers a word the site itself uses in the same shape
(capitalised like the typo), then the more common word.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .problems import Observation, Problem, context_around
from .sources import Page

MIN_PAGES_FOR_VOCABULARY = 2
DOMINANT_RATIO = 3
ACRONYM_MAX = 4

# A word: letters (with inner apostrophes), not glued to digits or underscores (65W, NW-KET-0417, 160x230).
_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:['’][^\W\d_]+)*(?!\w)")
_SKIP_SPANS = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|co\.uk|io|uk)\b\S*")
# British -> American spellings the dictionary knows (one change each, tried alone and together).
_BRITISH = ((r"our(?=s?$|ite|ed|ing|er|able|ful|less|s$)", "or"), (r"is(?=e|ed|es|ing|ation|ations|er|ers)", "iz"),
            (r"ys(?=e|ed|es|ing)", "yz"), (r"tre(?=s?$|d$)", "ter"), (r"ogue(?=s?$)", "og"),
            (r"ll(?=ed|ing|er|ers)", "l"), (r"ence(?=s?$)", "ense"), (r"mme(?=s?$)", "m"),
            (r"ae", "e"), (r"oe", "e"), (r"eable$", "able"))


@functools.lru_cache(maxsize=1)
def dictionary() -> tuple[dict[str, int], frozenset[str]]:
    """(word -> frequency, the letters of the language), loaded once from pyspellchecker's English list."""
    from spellchecker import SpellChecker

    frequency = SpellChecker(language="en", distance=1).word_frequency
    return frequency.dictionary, frozenset(frequency.letters)


def edits1(word: str, letters: Iterable[str]) -> set[str]:
    """Every string one insertion, deletion, substitution or swap of neighbours away (Norvig)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in letters]
    inserts = [a + c + b for a, b in splits for c in letters]
    return set(deletes + swaps + replaces + inserts)


def _british_known(word: str, known: dict[str, int]) -> bool:
    changed = word
    for pattern, american in _BRITISH:
        alone = re.sub(pattern, american, word)
        if alone != word and alone in known:
            return True
        changed = re.sub(pattern, american, changed)
    return changed != word and changed in known


def _is_name_shaped(token: str) -> bool:
    if len(token) < 3:
        return True
    if token.isupper():
        return len(token) <= ACRONYM_MAX
    return any(ch.isupper() for ch in token[1:])  # VoltGo, iPhone, McDonald


def _shape(word: str, like: str) -> str:
    """``word`` written the way ``like`` is (Capitalised, UPPER or lower)."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@dataclass
class _Seen:
    count: int = 0
    capitalised: int = 0
    forms: Counter = field(default_factory=Counter)
    pages: dict[str, str] = field(default_factory=dict)  # page -> context of the first use there


class TypoChecker:
    """Feed it pages one by one (``add``), then ask for the typos (``problems``)."""

    def __init__(self, accept: Iterable[str] = ()):
        self.known, self.letters = dictionary()
        self.accepted = {word.casefold() for word in accept if word.strip()}
        self.site_counts: Counter = Counter()  # every word form on the site (casefolded), for suggestions
        self.site_capitalised: Counter = Counter()
        self.unknown: dict[str, _Seen] = defaultdict(_Seen)
        self._verdict: dict[str, bool] = {}
        self._words: dict[str, str | None] = {}  # token -> the word it counts as (None: a name, not a word)  # casefolded word -> needs a closer look (not in the dictionary)

    def _needs_look(self, word: str) -> bool:
        verdict = self._verdict.get(word)
        if verdict is None:
            stem = word[:-2] if word.endswith("'s") else word
            verdict = not (stem in self.known or word in self.known or stem in self.accepted
                           or _british_known(stem, self.known))
            self._verdict[word] = verdict
        return verdict

    def add(self, page: Page) -> None:
        texts = []
        for block in page.content.blocks:
            text = block.text
            if "@" in text or "://" in text or "www." in text or ".com" in text:
                text = _SKIP_SPANS.sub(" ", text)
            texts.append(text)
        # Count the page's tokens at C speed, then look at each distinct token once.
        tokens = Counter(_WORD.findall("\n".join(texts)))
        words, counts, capitalised = self._words, self.site_counts, self.site_capitalised
        for token, n in tokens.items():
            word = words.get(token, "")
            if word == "":
                word = words[token] = None if _is_name_shaped(token) else token.casefold().replace("’", "'")
            if word is None:
                continue
            counts[word] += n
            if token[0].isupper():
                capitalised[word] += n
            if self._needs_look(word):
                seen = self.unknown[word]
                seen.count += n
                seen.forms[token] += n
                if page.url not in seen.pages:
                    seen.pages[page.url] = self._context(page, token)

    @staticmethod
    def _context(page: Page, token: str) -> str:
        pattern = re.compile(rf"(?<![\w]){re.escape(token)}(?![\w])")
        for block in page.content.blocks:
            if match := pattern.search(block.text):
                return context_around(block.text, *match.span())
        return token

    def _neighbours(self, word: str, pool) -> list[str]:
        return [candidate for candidate in edits1(word, self.letters) if candidate in pool and candidate != word]

    def _best(self, candidates: list[str], capitalised_typo: bool) -> str:
        def rank(candidate: str):
            same_shape = self.site_capitalised[candidate] if capitalised_typo else \
                self.site_counts[candidate] - self.site_capitalised[candidate]
            return (same_shape, self.site_counts[candidate], self.known.get(candidate, 0), candidate)
        return max(candidates, key=rank)

    def problems(self) -> list[Problem]:
        vocabulary = {word for word, seen in self.unknown.items()
                      if len(seen.pages) >= MIN_PAGES_FOR_VOCABULARY and not self._neighbours(word, self.known)}
        found = []
        for word, seen in self.unknown.items():
            form = seen.forms.most_common(1)[0][0]
            capitalised = form[0].isupper()
            suggestions = self._neighbours(word, self.known)
            if not suggestions:
                dominant = [other for other in self._neighbours(word, vocabulary)
                            if self.site_counts[other] >= DOMINANT_RATIO * seen.count]
                if not dominant:
                    continue  # the site's own vocabulary, or a name used once
                suggestions = dominant
            suggestion = _shape(self._best(suggestions, capitalised), form)
            pages = len(seen.pages)
            found.append(Problem(
                kind="typo", subject=word,
                title=f'Typo "{form}" (did you mean "{suggestion}"?) on {pages} page{"s" if pages != 1 else ""}',
                observations=[Observation(page, form, context) for page, context in sorted(seen.pages.items())],
                suggestion=suggestion, terms=[rf"\b{re.escape(word)}\b"]))
        return sorted(found, key=lambda p: p.subject)
