"""Text that goes into a report: redacted, shortened, and numbers formatted one way.

Complaint text was redacted at import; everything shown in a report is redacted
again here (defence in depth), and *then* shortened, so a cut can never leave
half an e-mail address or card number behind.
"""

from __future__ import annotations

from datetime import datetime

from rca.redact import redact

ELLIPSIS = "…"
QUOTE_CHARS = 240
TITLE_CHARS = 90
KEYWORD_CHARS = 40


def clean(text: str | None, limit: int | None = None) -> str:
    """Redacted, whitespace-collapsed and (when longer than ``limit``) shortened text."""
    if not text:
        return ""
    text = " ".join(redact(str(text)).split())
    return shorten(text, limit) if limit else text


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary when one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.5:  # a word boundary in the second half: cut there
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS


def quote(subject: str | None, body: str | None, limit: int = QUOTE_CHARS) -> str:
    """A customer's words for a report: the body, or the subject when the body is empty."""
    text = clean(body) or clean(subject)
    return shorten(text, limit) if text else ""


def number(value: int | float | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def percent(share: float | None, digits: int = 0) -> str:
    return "–" if share is None else f"{share * 100:.{digits}f}%"


def day(moment: datetime | None) -> str:
    return "–" if moment is None else f"{moment:%d %b %Y}"


def period_dates(start: datetime, end: datetime) -> str:
    """'16–22 Nov 2026' for the half-open [start, end)."""
    from datetime import timedelta

    # The last day the half-open interval touches (an end at midnight belongs to the day before).
    last = end - timedelta(microseconds=1)
    if start.date() == last.date():
        return f"{start:%-d %b %Y}"
    if (start.year, start.month) == (last.year, last.month):
        return f"{start:%-d}–{last:%-d %b %Y}"
    if start.year == last.year:
        return f"{start:%-d %b}–{last:%-d %b %Y}"
    return f"{start:%-d %b %Y}–{last:%-d %b %Y}"


def signed(value: int) -> str:
    return f"+{value:,}" if value > 0 else (f"−{-value:,}" if value < 0 else "±0")


def plural(count: int, word: str) -> str:
    """'1 complaint', '2 complaints', '1,204 complaints'."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"
