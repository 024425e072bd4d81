"""Words for groups of complaints: keywords, a title and the members nearest the centre.

One procedure for the causes a run touches and the parts a split makes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

KEYWORDS = 8
REPRESENTATIVES = 3


@dataclass
class GroupWords:
    keywords: list[str]
    title: str | None  # None for a group described without a title (``untitled``)
    central: list[int]  # positions of the members nearest the centre, nearest first


def describe_groups(texts: Sequence[str], vectors: np.ndarray, labels: np.ndarray,
                    untitled: Collection[int] = ()) -> dict[int, GroupWords]:
    """For each label >= 0: its keywords (class-based TF-IDF, so each group is weighed against the
    others), the members nearest its centre and the title those members' words make (rca.titles).

    Labels in ``untitled`` get no title (None): a run never changes the title of a
    cause that already has one, and a weekly run touches nearly every known cause,
    so making their titles was most of describing it and then thrown away.
    """
    from ..clustering.algorithm import closest_to_centre, top_terms
    from ..titles import MAX_TEXTS as TITLE_TEXTS, make_title

    terms = top_terms(texts, labels, n=KEYWORDS)
    closest = closest_to_centre(vectors, labels, n=TITLE_TEXTS)
    untitled = set(untitled)
    out = {}
    for label in sorted(int(c) for c in np.unique(labels) if c >= 0):
        words = terms.get(label, [])
        central = closest.get(label, [])
        title = None if label in untitled else make_title([texts[i] for i in central], words)
        out[label] = GroupWords(words, title, central)
    return out
