"""Text normalisation shared by the vector backends and the term labels.

The stemmer is a deliberately light, hand-written suffix stripper: complaints
say "charged", "charging" and "charges" for one thing, and merging those lets
short texts share features.  It is not a full Porter stemmer on purpose: the
output stays close enough to real words that nothing downstream shows stems
to people (labels come from the raw words, see ``algorithm.top_terms``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Apostrophes are folded so "don’t" and "don't" are one token; the token
# pattern keeps contractions whole ("don't") so they can be recognised as
# stop words instead of leaking fragments such as "don" into labels.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# scikit-learn's list lacks contractions and their fragments, which are the
# most frequent tokens of informal complaint text.
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    """
    don't doesn't didn't isn't aren't wasn't weren't haven't hasn't hadn't won't
    wouldn't can't couldn't shouldn't mustn't i'm i've i'll i'd you're you've
    you'll you'd it's that's there's what's let's we're we've they're they've
    he's she's don doesn didn isn aren wasn weren haven hasn hadn won wouldn
    couldn shouldn im ive ll ve re s t d m just really need want like know
    """.split()
)


def normalise(text: str) -> str:
    """Lower-case and fold apostrophes; the rest is left to the tokenizers."""
    return text.lower().translate(_APOSTROPHES)


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(normalise(text))


# Complaints repeat a small vocabulary: caching the stems makes stemming
# 100k texts a dictionary lookup per word instead of suffix tests and a regex.
@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """Strip one inflectional suffix (plural, -ed, -ing) from an alphabetic word."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, replacement in (("sses", "ss"), ("ies", "y"), ("ied", "y")):
        if word.endswith(suffix):
            return word[: -len(suffix)] + replacement
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if not re.search("[aeiouy]", base):
                return word  # "sing", "bed": the suffix is part of the word
            if base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # "stopped" -> "stop"
            return base
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def stemmed(text: str) -> str:
    """The text as space-joined stemmed tokens: the input of the TF-IDF backend."""
    return " ".join(map(stem, tokens(text)))
