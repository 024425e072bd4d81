"""The report section for `rca scan` findings: what customers reported, and what we found first.

Built from rca.scan.records; every piece of page text passes through
:func:`reports.text.clean` like complaint text does (page text is untrusted too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from .text import clean

ROWS = {"executive": 3, "team": 40}
PAGES_SHOWN = 4


@dataclass
class FindingRow:
    key: str
    kind: str
    title: str
    where: list[str]  # "page: value" for the first pages
    more_pages: int
    reported: str  # "customers reported this: RC-0002, 42 complaints" or "found before customers noticed"
    cause: str


@dataclass
class FindingsSection:
    scanned: bool
    reported: list[FindingRow] = field(default_factory=list)
    unreported: list[FindingRow] = field(default_factory=list)
    reported_more: int = 0
    unreported_more: int = 0


def _row(finding, link) -> FindingRow:
    # One page per differing value first, so the odd one out is never hidden behind "and 16 more".
    items = list(finding.details or [])
    firsts = {}
    for item in items:
        firsts.setdefault(item.get("value"), item)
    where, seen = [], set()
    for item in [*firsts.values(), *items]:
        page = item.get("page") or ""
        if page in seen:
            continue
        seen.add(page)
        where.append(clean(f"{page}: {item.get('value') or ''}", 110))
    pages = len(finding.pages or [])
    return FindingRow(key=clean(finding.key, 16), kind=finding.kind.replace("_", " "), title=clean(finding.title, 160),
                      where=where[:PAGES_SHOWN], more_pages=max(pages - PAGES_SHOWN, 0),
                      reported=link.words if link else "found before customers noticed",
                      cause=clean(link.key, 16) if link else "")


def findings_section(session: Session, kind: str) -> FindingsSection:
    from rca.scan.records import overview

    found = overview(session)
    limit = ROWS.get(kind, 5)
    return FindingsSection(
        scanned=found.scanned,
        reported=[_row(f, link) for f, link in found.reported[:limit]],
        unreported=[_row(f, None) for f in found.unreported[:limit]],
        reported_more=max(len(found.reported) - limit, 0), unreported_more=max(len(found.unreported) - limit, 0))
