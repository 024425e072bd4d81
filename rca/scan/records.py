"""Findings as records: listing, showing, ignoring, and what causes and reports show of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rca.errors import NotFoundError, UsageError, option
from rca.models import Complaint, Finding, RootCause, ScanRun

from .vocabulary import FINDING_KINDS, FINDING_STATUSES


@dataclass
class CauseLink:
    key: str
    complaints: int

    @property
    def words(self) -> str:
        """What both reports, `rca causes show` and `rca findings` say of a linked finding."""
        return f"customers reported this: {self.key}, {self.complaints:,} complaint{'s' if self.complaints != 1 else ''}"


def cause_links(session: Session, findings: list[Finding]) -> dict[int, CauseLink]:
    """finding id -> the cause it is linked to, with that cause's complaint count."""
    cause_ids = {f.cause_id for f in findings if f.cause_id is not None}
    if not cause_ids:
        return {}
    keys = dict(session.execute(select(RootCause.id, RootCause.key).where(RootCause.id.in_(cause_ids))).all())
    counts = dict(session.execute(select(Complaint.cause_id, func.count()).where(Complaint.cause_id.in_(cause_ids))
                                  .group_by(Complaint.cause_id)).all())
    return {f.id: CauseLink(keys[f.cause_id], counts.get(f.cause_id, 0)) for f in findings
            if f.cause_id in keys}


def get_finding(session: Session, key: str) -> Finding:
    finding = session.scalar(select(Finding).where(Finding.key == key.strip().upper()))
    if finding is None:
        raise NotFoundError(f"no finding {key}: `rca findings list {option('status')} all` lists them all")
    return finding


def list_findings(session: Session, *, status: str | None = "open", kind: str | None = None,
                  cause: str | None = None) -> list[dict[str, Any]]:
    if status not in (None, "all", *FINDING_STATUSES):
        raise UsageError(f"unknown status '{status}': choose {', '.join(FINDING_STATUSES)} or all")
    if kind is not None and kind not in FINDING_KINDS:
        raise UsageError(f"unknown kind '{kind}': choose {', '.join(FINDING_KINDS)}")
    query = select(Finding).order_by(Finding.key)
    if status not in (None, "all"):
        query = query.where(Finding.status == status)
    if kind:
        query = query.where(Finding.kind == kind)
    if cause:
        query = query.join(RootCause, Finding.cause_id == RootCause.id).where(RootCause.key == cause.strip().upper())
    findings = list(session.scalars(query))
    links = cause_links(session, findings)
    return [row(f, links.get(f.id)) for f in findings]


def row(finding: Finding, link: CauseLink | None) -> dict[str, Any]:
    return {"key": finding.key, "kind": finding.kind, "status": finding.status, "title": finding.title,
            "subject": finding.subject, "suggestion": finding.suggestion, "pages": len(finding.pages or []),
            "page_urls": list(finding.pages or []), "cause": link.key if link else None,
            "complaints": link.complaints if link else None,
            "reported": link.words if link else "found before customers noticed",
            "first_seen": finding.first_seen, "last_seen": finding.last_seen, "fixed_at": finding.fixed_at,
            "note": finding.status_note, "link_reason": finding.link_reason, "details": list(finding.details or [])}


def finding_detail(session: Session, key: str) -> dict[str, Any]:
    finding = get_finding(session, key)
    return row(finding, cause_links(session, [finding]).get(finding.id))


def ignore(session: Session, key: str, reason: str | None = None, actor: str = "unknown") -> Finding:
    """Mark a finding ignored (not a problem, or accepted): later scans keep it ignored."""
    finding = get_finding(session, key)
    finding.status = "ignored"
    finding.status_note = f"ignored by {actor}" + (f": {reason}" if reason else "")
    return finding


def reopen(session: Session, key: str, actor: str = "unknown") -> Finding:
    finding = get_finding(session, key)
    if finding.status == "open":
        raise UsageError(f"{finding.key} is already open")
    finding.status, finding.fixed_at = "open", None
    finding.status_note = f"reopened by {actor}"
    return finding


def findings_of_cause(session: Session, cause_id: int) -> list[Finding]:
    return list(session.scalars(select(Finding).where(Finding.cause_id == cause_id, Finding.status != "ignored")
                                .order_by(Finding.key)))


@dataclass
class FindingsOverview:
    """Open findings for the reports: linked to a cause, and found before customers noticed."""

    reported: list[tuple[Finding, CauseLink]]
    unreported: list[Finding]
    scanned: bool  # whether any scan ever ran


def overview(session: Session) -> FindingsOverview:
    findings = list(session.scalars(select(Finding).where(Finding.status == "open").order_by(Finding.key)))
    links = cause_links(session, findings)
    reported = sorted(((f, links[f.id]) for f in findings if f.id in links),
                      key=lambda pair: (-pair[1].complaints, pair[0].key))
    unreported = [f for f in findings if f.id not in links]
    scanned = bool(findings) or session.scalar(select(ScanRun.id).limit(1)) is not None
    return FindingsOverview(reported, unreported, scanned)


def cause_findings(session: Session, cause: RootCause) -> tuple[str, list[Finding]]:
    """(the "customers reported this: …" line, the cause's findings) for `rca causes show`."""
    findings = findings_of_cause(session, cause.id)
    count = session.scalar(select(func.count()).select_from(Complaint).where(Complaint.cause_id == cause.id)) or 0
    return CauseLink(cause.key, count).words, findings
