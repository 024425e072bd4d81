"""Cause titles in the customers' own words: "VoltGo charger overheats", not "charger / hot / voltgo".

A title is *extracted*, never generated: it is a phrase that members of the
cause actually wrote.  Offline and deterministic (no model, no randomness):

1. Each member text loses what says nothing about a cause (rca.textnoise:
   redaction marks, handles, links, ids, greetings, sign-offs) and is cut into
   clauses at punctuation, so a phrase never spans two thoughts.
2. Candidate phrases are the runs of 1..``MAX_WORDS`` words of a clause whose
   first and last words carry meaning (no stop word, filler, number or id at
   either end; stop words inside stay: "card has not arrived").
3. A phrase scores by how many members use it (its *support*) times how much of
   the cause's distinctive keywords (class-based TF-IDF, rca.clustering) it
   covers: a phrase many customers wrote that names what sets the cause apart.
   Support counts with a square root, so a longer phrase that names one more
   keyword can beat a shorter, more frequent one.
4. Each word is written as the customers most often wrote it ("VoltGo",
   "SAVE20"), the first letter capitalised.

Only the standard library and rca's own text helpers are used.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from .clustering.text import STOP_WORDS, normalise, stem
from .textnoise import FILLER_WORDS, is_noise_token, strip_noise

MAX_WORDS = 6
MAX_CHARS = 70
TEXT_CHARS = 600  # the start of a long complaint says what it is about
MAX_TEXTS = 200  # members read per cause (the most central ones come first)
FALLBACK = "(no distinctive words)"
SUPPORT_POWER = 0.5
RANK_POWER = 0.5

_CLAUSE = re.compile(r"[.!?;:,()\[\]{}\"“”‘’«»|/\\\n\r\t]+|\s[-–—]+\s|\s'|'\s")
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


# Light verbs, hedges and time words that the stop-word list lacks: inside a phrase they
# are fine ("ATM ate my card yesterday"), at its ends they leave it hanging ("Long does").
EDGE_WORDS = frozenset("""
    does did doing done let lets got gets getting goes going gone having happens happened came come
    think thought guess wondering trying tried able possible today yesterday earlier ago tell told says said
    doesnt dont didnt isnt cant wont wasnt arent havent hasnt couldnt wouldnt shouldnt needs
    """.split())


# The word-level tests below depend on the word alone and a cause's 200 texts repeat a
# small vocabulary: cached, describing a 100k-complaint run's causes stops being mostly
# these calls (over a million of them).
@lru_cache(maxsize=1 << 16)
def _edge_ok(word: str) -> bool:
    """Whether a (lower-case) word may start or end a title."""
    return len(word) > 1 and word not in STOP_WORDS and word not in FILLER_WORDS and word not in EDGE_WORDS \
        and not is_noise_token(word) and any(c.isalpha() for c in word)


_is_noise_word = lru_cache(maxsize=1 << 16)(is_noise_token)
_lower = lru_cache(maxsize=1 << 16)(normalise)


def _clauses(text: str) -> list[list[str]]:
    """The text's clauses as lists of surface words."""
    cleaned = strip_noise(text[:TEXT_CHARS])
    return [words for part in _CLAUSE.split(cleaned) if (words := _WORD.findall(part))]


def _keyword_weights(keywords: Sequence[str]) -> dict[str, float]:
    """Per keyword word, a weight falling with the keyword's rank (the first keyword matters most)."""
    weights: dict[str, float] = {}
    for rank, term in enumerate(keywords):
        for word in normalise(term).split():
            weights.setdefault(word, 1.0 / (1 + rank) ** RANK_POWER)
    return weights


def make_title(texts: Sequence[str], keywords: Sequence[str] = (), max_words: int = MAX_WORDS) -> str:
    """A short title for the cause whose member texts are ``texts`` (most central first).

    ``keywords`` are the cause's distinctive terms, best first.  Without any
    usable phrase the keywords themselves are the title; without those either,
    "(no distinctive words)".
    """
    texts = list(texts)[:MAX_TEXTS]
    weights = _keyword_weights(keywords)
    support: Counter[tuple[str, ...]] = Counter()
    first_seen: dict[tuple[str, ...], int] = {}
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    order = 0
    for text in texts:
        # Only phrases that name a keyword can score above 0, so only they are counted
        # (most phrases name none: this was most of describing a 100k-complaint run).
        # A dict, not a set: phrases met in one text are numbered in the order they are
        # written, whatever PYTHONHASHSEED is (a tie on score and length goes to the first).
        phrases: dict[tuple[str, ...], None] = {}
        for clause in _clauses(text):
            lower = [_lower(w) for w in clause]
            for surface, word in zip(clause, lower):
                forms[word][surface] += 1
            usable = [not _is_noise_word(w) for w in lower]
            edge = [_edge_ok(w) for w in lower]
            named = [w in weights for w in lower]
            words = tuple(lower)
            for start in range(len(lower)):
                if not edge[start]:
                    continue
                names_keyword = False
                for end in range(start, min(start + max_words, len(lower))):
                    if not usable[end]:
                        break
                    names_keyword = names_keyword or named[end]
                    if names_keyword and edge[end]:
                        phrases[words[start:end + 1]] = None
        for phrase in phrases:
            support[phrase] += 1
            if phrase not in first_seen:
                first_seen[phrase] = order
                order += 1
    if not support:
        return _keyword_title(keywords)
    n = len(texts)
    min_support = max(2, math.ceil(0.03 * n)) if n >= 2 else 1

    def score(phrase: tuple[str, ...]) -> float:
        covered = sum(weights.get(word, 0.0) for word in set(phrase))
        return covered * (support[phrase] / n) ** SUPPORT_POWER

    candidates = [p for p, count in support.items() if count >= min_support and score(p) > 0]
    multi = [p for p in candidates if len(p) > 1]
    pool = multi or candidates
    if not pool:
        return _keyword_title(keywords)
    # Ties: the shorter phrase, then the one met first (in the most central texts).
    best = max(pool, key=lambda p: (round(score(p), 9), -len(p), -first_seen[p]))
    return _truecase(best, forms)


def _truecase(phrase: tuple[str, ...], forms: dict[str, Counter[str]]) -> str:
    words = []
    for word in phrase:
        seen = forms.get(word)
        surface = word
        if seen:
            # The most frequent spelling; an ALL-CAPS spelling only when nobody wrote it otherwise
            # (shouting is not a name), except short codes such as SAVE20 or ATM.
            ranked = sorted(seen.items(), key=lambda item: (-item[1], item[0]))
            calm = [s for s, _ in ranked if not (s.isupper() and len(s) > 4 and s.isalpha())]
            surface = (calm or [ranked[0][0]])[0]
        words.append(surface)
    title = " ".join(words)
    if title[:1].islower():
        title = title[0].upper() + title[1:]
    return title[:MAX_CHARS].rstrip()


def _keyword_title(keywords: Sequence[str]) -> str:
    words = [k for k in keywords if all(_edge_ok(w) for w in (k.split()[0], k.split()[-1]))][:3]
    if not words:
        return FALLBACK
    title = ", ".join(words)
    return title[0].upper() + title[1:]


def distinct_titles(titles: Sequence[str], keywords: Sequence[Sequence[str]], taken: Iterable[str] = ()) -> list[str]:
    """``titles`` (best-known cause first), each a title no other cause has.

    A title already ``taken`` (by a known cause) or given to an earlier one in
    the list gets the new words of its cause's first keyword that makes it a
    title no one has: "Spotify app" and "Spotify app (offline mode)". Real
    support tweets gave two to three causes of one title in a run ("Spotify
    version" twice), which a report reader cannot tell apart. Without such a
    keyword the title stays.
    """
    seen = {_title_key(t) for t in taken}
    out = []
    for title, words in zip(titles, keywords):
        if _title_key(title) in seen and title != FALLBACK:
            title = next((t for t in _told_apart(title, words) if _title_key(t) not in seen), title)
        seen.add(_title_key(title))
        out.append(title)
    return out


def _told_apart(title: str, keywords: Sequence[str]) -> Iterator[str]:
    """``title`` with each keyword's new words in turn: "App (layout)", not "App (app layout)".

    A keyword adds nothing when its words are the title's ("albums" to "New album")
    or words of address ("hello", "thanks").
    """
    held = {stem(w) for w in _title_key(title).split()}
    for keyword in keywords:
        new = [w for w in keyword.split() if stem(normalise(w)) not in held]
        if new and not all(normalise(w) in FILLER_WORDS for w in new):
            yield f"{title} ({' '.join(new)})"


def _title_key(title: str) -> str:
    return " ".join(normalise(title).split())


def cluster_titles(texts: Sequence[str], vectors, labels, n_keywords: int = 8) -> dict[int, tuple[str, list[str]]]:
    """Per cluster label (>= 0): (title, keywords), as `rca cluster` makes them for a new cause."""
    from .clustering.algorithm import closest_to_centre, top_terms  # scikit-learn: only when asked

    terms = top_terms(texts, labels, n=n_keywords)
    closest = closest_to_centre(vectors, labels, n=MAX_TEXTS)
    order = sorted(closest)  # labels run biggest first: the biggest keeps a shared title
    titles = distinct_titles([make_title([texts[i] for i in closest[label]], terms.get(label, [])) for label in order],
                             [terms.get(label, []) for label in order])
    return {label: (title, terms.get(label, [])) for label, title in zip(order, titles)}
