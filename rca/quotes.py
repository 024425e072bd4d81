"""Which complaints to quote for a cause: the one choice every report and `rca causes show` use.

The complaints nearest a cause's centre are its shortest ("@Delta", a bare form
label), so centrality alone picks the least telling ones.  A quote here must:

- be the customer's own words: not a lone handle or redaction marks
  (rca.textnoise.is_placeholder_only), and not a *label* — a text that three or
  more complaints share word for word (a form's category, a template);
- be typical in length: close to the median length of the cause's candidates,
  not the shortest;
- be informative: use the cause's keywords, and hold little noise;
- be whole sentences: cut after the last sentence that fits, never mid-word;
- come from the reported period when the cause has complaints in it;
- never repeat another quote, and carry no personal data (redacted again).

Scoring: (centrality + 0.5) x (keyword share + 0.3) x length typicality x
(1 for whole sentences, 0.7 for a cut one) x (share of the text that is not
noise) x (0.5 when it shouts in capitals); ties go to the older complaint id,
so the choice is deterministic.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .causes.lifecycle import SAYS_NOTHING
from .models import Complaint
from .redact import redact
from .textnoise import is_placeholder_only, readable, strip_noise

QUOTE_CHARS = 240
SCAN = 2_000  # newest complaints of a cause looked at (bounds the cost for big causes)
POOL = 150  # candidates read in full: the most similar to its centre among those
LABEL_COPIES = 3  # a text this many complaints share word for word is a label, not a quote
ELLIPSIS = "…"

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+")
_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # never reaches a terminal as an escape code


@dataclass(frozen=True)
class ChosenQuote:
    complaint_id: int
    text: str  # redacted, readable, whole sentences where they fit
    received_at: datetime
    channel: str | None


def _own_text(subject: str | None, body: str | None) -> str:
    body, subject = (body or "").strip(), (subject or "").strip()
    return body if _WORD.search(body) else subject


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def whole_sentences(text: str, limit: int = QUOTE_CHARS) -> tuple[str, bool]:
    """(the leading sentences that fit in ``limit`` characters, whether nothing was cut mid-sentence)."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    if len(text) <= limit:
        return text, True
    kept = ""
    for match in _SENTENCE_END.finditer(text):
        if match.start() > limit - 1:
            break
        kept = text[:match.start()]
    if len(kept) >= limit * 0.3:
        return kept, True
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.5:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + ELLIPSIS, False


def _subject_only_copies(session: Session, cause_id: int | None, rows) -> Counter:
    """How often each subject of a text-less candidate stands alone in the cause: a form's category
    label ("Incorrect information on your report") repeats there even when the period holds one."""
    subjects = {r.subject for r in rows if not _WORD.search(r.body or "") and r.subject}
    if not subjects or cause_id is None:
        return Counter()
    found = session.execute(select(Complaint.subject, func.count()).where(
        Complaint.cause_id == cause_id, Complaint.subject.in_(subjects),
        or_(Complaint.body.is_(None), Complaint.body == "")).group_by(Complaint.subject))
    return Counter({_key(subject): count for subject, count in found})


def _shouting(text: str) -> bool:
    """Mostly capital letters: the same complaint in lower case reads better to an executive."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _pool(session: Session, cause_id: int | None, start: datetime | None, end: datetime | None) -> list:
    """The candidates: of the cause's ``SCAN`` newest complaints (in the period), the ``POOL`` most similar
    to its centre.  The scan reads the (cause, received) index backwards, so a cause of a hundred
    thousand complaints costs what one of two thousand does."""
    # The unassigned pool without the replies a run found to say nothing ("thanks!"): no quote there.
    where = [Complaint.cause_id == cause_id] if cause_id is not None else [
        Complaint.cause_id.is_(None), or_(Complaint.assigned_by.is_(None), Complaint.assigned_by != SAYS_NOTHING)]
    if start is not None:
        where += [Complaint.received_at >= start, Complaint.received_at < end]
    newest = (select(Complaint.id, Complaint.similarity).where(*where)
              .order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(SCAN).subquery())
    order = (newest.c.similarity.desc().nulls_last(), newest.c.id) if cause_id is not None \
        else (newest.c.id.desc(),)  # no centre: the newest
    ids = list(session.scalars(select(newest.c.id).order_by(*order).limit(POOL)))
    if not ids:
        return []
    rows = session.execute(select(Complaint.id, Complaint.subject, Complaint.body, Complaint.received_at,
                                  Complaint.channel, Complaint.similarity).where(Complaint.id.in_(ids))).all()
    rank = {complaint_id: i for i, complaint_id in enumerate(ids)}
    return sorted(rows, key=lambda r: rank[r.id])


def choose_quotes(session: Session, cause_id: int | None, keywords: list[str] | None = None,
                  period=None, limit: int = 3) -> list[ChosenQuote]:
    """Up to ``limit`` quotes for a cause (``cause_id`` None: the unassigned complaints).

    ``period`` (anything with ``start`` and ``end``) restricts the choice to the
    complaints received in it when there are any there; otherwise all are candidates.
    """
    rows = _pool(session, cause_id, period.start, period.end) if period is not None else []
    if not rows:
        rows = _pool(session, cause_id, None, None)
    texts = [_own_text(r.subject, r.body) for r in rows]
    copies = Counter(_key(t) for t in texts)
    for key, count in _subject_only_copies(session, cause_id, rows).items():
        copies[key] = max(copies[key], count)
    keyword_words = {w for term in (keywords or [])[:8] for w in term.lower().split()}
    candidates = []
    for row, raw in zip(rows, texts):
        key = _key(raw)
        if not key or copies[key] >= LABEL_COPIES or is_placeholder_only(raw):
            continue
        shown, whole = whole_sentences(readable(redact(raw)))
        if not _WORD.search(shown):
            continue
        own = strip_noise(raw)
        words = [w.lower() for w in _WORD.findall(own)]
        candidates.append((row, shown, whole, words, len(own) / max(len(raw), 1)))
    if not candidates:
        return []
    lengths = sorted(len(words) for _, _, _, words, _ in candidates)
    median = max(lengths[len(lengths) // 2], 1)

    def score(candidate) -> float:
        row, _, whole, words, clean_share = candidate
        typical = math.exp(-abs(math.log(max(len(words), 1) / median)))
        informative = len(keyword_words & set(words)) / min(len(keyword_words), 5) if keyword_words else 0.5
        centrality = row.similarity if row.similarity is not None else 0.5
        return (centrality + 0.5) * (informative + 0.3) * typical * (1.0 if whole else 0.7) * clean_share \
            * (0.5 if _shouting(candidate[1]) else 1.0)

    ranked = sorted(candidates, key=lambda c: (-score(c), c[0].id))
    chosen, seen = [], set()
    for row, shown, _, _, _ in ranked:
        key = _key(shown)[:80]
        if key in seen:
            continue
        seen.add(key)
        chosen.append(ChosenQuote(row.id, shown, row.received_at, row.channel))
        if len(chosen) == limit:
            break
    return chosen
