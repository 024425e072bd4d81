"""What of a complaint the vector backends see, the same for every run and every split."""

from __future__ import annotations

from ..textnoise import prepare_texts

TEXT_CHARS = 1_000  # what of a long complaint is vectorized; the start says what it is about


def complaint_text(subject: str | None, body: str | None) -> str:
    return f"{subject or ''}\n{body or ''}".strip()[:TEXT_CHARS]


def texts_to_cluster(rows) -> list[str]:
    """What the backends vectorize and the keywords are read from, for rows with subject and body.

    The one place complaint text is cleaned (rca.textnoise.prepare_texts: marks,
    handles, links, ids, greetings, sign-offs, boilerplate), used by every run
    and every split, so all backends and the keywords see the same words.
    """
    return prepare_texts([complaint_text(r.subject, r.body) for r in rows])
