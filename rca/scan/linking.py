"""Which root cause, if any, is the customers' report of a finding.

A cause's evidence is what its complaints say and where: a sample of its
newest complaints (their subjects and bodies, the pages they name), its
representative complaints (the report's quotes) and its keywords. A finding
matches when enough of those complaints contain its words — the mis-spelt
word; for a conflict, the differing values themselves (both "3-5" and
"7-10" must be quoted, since a complaint about one delivery time is not a
complaint about the disagreement); for a broken link, the words of a link
that goes nowhere on the same page. The best-matching cause is linked.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.models import Complaint, RootCause

from .sources import normalise_path

SAMPLE_PER_CAUSE = 300
SHARE_ALONE = 0.3  # this share of a cause's complaints quoting the finding links it on its own
SHARE_WITH_PAGE = 0.1  # with the same page (or a keyword), this share is enough
SHARE_GENERIC = 0.2  # broken links and images: generic words, so the page must match too
GENERIC_KINDS = ("broken_link", "missing_image")


@dataclass
class CauseEvidence:
    cause_id: int
    key: str
    texts: list[str]
    pages: set[str]
    keywords: list[str]


@dataclass(frozen=True)
class Link:
    cause_id: int
    key: str
    reason: str


def page_path(url: str | None) -> str | None:
    if not url:
        return None
    return normalise_path(urlsplit(url).path if "://" in url else url.split("?", 1)[0].split("#", 1)[0])


def load_evidence(session: Session, sample: int = SAMPLE_PER_CAUSE) -> list[CauseEvidence]:
    causes = session.scalars(select(RootCause).where(RootCause.merged_into_id.is_(None)).order_by(RootCause.key)).all()
    evidence = []
    for cause in causes:
        rows = session.execute(select(Complaint.subject, Complaint.body, Complaint.page_url)
                               .where(Complaint.cause_id == cause.id)
                               .order_by(Complaint.received_at.desc(), Complaint.id.desc()).limit(sample)).all()
        representatives = session.execute(select(Complaint.subject, Complaint.body, Complaint.page_url)
                                          .where(Complaint.id.in_(cause.representative_ids or []))).all()
        texts = [f"{r.subject or ''} {r.body or ''}" for r in [*rows, *representatives]]
        pages = Counter(path for r in rows if (path := page_path(r.page_url)))
        # A page named by one complaint in three hundred is chance, not where the cause lives.
        floor = max(2, len(rows) // 50)
        evidence.append(CauseEvidence(cause.id, cause.key, texts,
                                      {path for path, n in pages.items() if n >= floor or len(rows) < 10},
                                      [k.lower() for k in cause.keywords or []]))
    return evidence


def best_cause(kind: str, terms: list[str], pages: list[str], evidence: list[CauseEvidence]) -> Link | None:
    if not terms or not evidence:
        return None
    patterns = [re.compile(term, re.IGNORECASE) for term in terms]
    need_distinct = 1 if kind in GENERIC_KINDS else min(2, len(patterns))
    finding_pages = {p for p in (page_path(page) for page in pages) if p}
    best: tuple[float, Link] | None = None
    for cause in evidence:
        if not cause.texts:
            continue
        matched_terms: set[int] = set()
        mentions = 0
        for text in cause.texts:
            hit = False
            for i, pattern in enumerate(patterns):
                if pattern.search(text):
                    matched_terms.add(i)
                    hit = True
                    if len(matched_terms) >= need_distinct:
                        break
            mentions += hit
        if len(matched_terms) < need_distinct:
            continue
        share = mentions / len(cause.texts)
        same_page = sorted(finding_pages & cause.pages)
        keyword = next((k for k in cause.keywords if any(p.search(k) for p in patterns)), None) \
            if kind not in GENERIC_KINDS else None
        if kind in GENERIC_KINDS:
            linked = bool(same_page) and share >= SHARE_GENERIC
        else:
            linked = share >= SHARE_ALONE or (share >= SHARE_WITH_PAGE and bool(same_page or keyword))
        if not linked:
            continue
        reason = f"{share:.0%} of its complaints mention it"
        if same_page:
            reason += f"; they name the page {same_page[0]}"
        if keyword:
            reason += f"; keyword '{keyword}'"
        score = share + (0.2 if same_page else 0) + (0.2 if keyword else 0)
        if best is None or score > best[0]:
            best = (score, Link(cause.cause_id, cause.key, reason))
    return best[1] if best else None
