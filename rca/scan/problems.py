"""What a check found on the pages of one scan, before it is stored as a Finding."""

from __future__ import annotations

from dataclasses import dataclass, field

CONTEXT_CHARS = 70


@dataclass(frozen=True)
class Observation:
    page: str  # the page URL
    value: str  # what the page says: the mis-spelt word, the delivery time, the link target …
    context: str  # the words around it on that page


@dataclass
class Problem:
    kind: str  # typo | conflict | broken_link | missing_image
    subject: str  # what it is about: the word, "delivery time (standard)", the link target
    title: str
    observations: list[Observation]
    suggestion: str | None = None
    # Regular expressions a complaint about this problem would match (rca.scan.linking).
    terms: list[str] = field(default_factory=list)
    # Pages a complaint about it may name besides those it is seen on (a broken link's target).
    related_pages: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """What the problem is, never where or how often: a re-scan finds the same one again."""
        return f"{self.kind}|{self.subject.casefold()}"[:400]

    @property
    def pages(self) -> list[str]:
        return sorted({o.page for o in self.observations})


def context_around(text: str, start: int, end: int, chars: int = CONTEXT_CHARS) -> str:
    """The words around text[start:end], cut at word boundaries, with … where cut."""
    left = max(0, start - chars)
    right = min(len(text), end + chars)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    return ("…" if left > 0 else "") + text[left:right] + ("…" if right < len(text) else "")
