"""One scan: read the sources, run the checks, record the findings (rca.scan)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.errors import UsageError, option
from rca.models import Finding, ScanRun, utcnow

from .facts import FactReader
from .links import LinkChecker
from .linking import best_cause, load_evidence
from .problems import Problem
from .sources import Collection, Reader, Skipped
from .typos import TypoChecker


SKIPPED_KEPT = 200


@dataclass
class ScanOptions:
    base_url: str | None = None
    accept: list[str] = field(default_factory=list)
    rate: float = 2.0  # requests a second to one host
    timeout: float = 10.0  # seconds for one whole request
    max_bytes: int = 5_000_000
    max_pages: int = 20_000
    obey_robots: bool = True

    def check(self) -> None:
        if self.rate <= 0 or self.rate > 50:
            raise UsageError(f"{option('rate')} must be above 0 and at most 50 requests a second")
        if self.timeout <= 0:
            raise UsageError(f"{option('timeout')} must be above 0 seconds")
        if self.max_bytes < 1000:
            raise UsageError(f"{option('max_bytes')} must be at least 1000")
        if self.max_pages < 1:
            raise UsageError(f"{option('max_pages')} must be at least 1")
        if self.base_url and not self.base_url.lower().startswith(("http://", "https://")):
            raise UsageError(f"{option('base_url')} {self.base_url}: give the site's address, e.g. https://shop.example.com")


@dataclass
class SiteReport:
    """What one read of the sources found, before anything is stored."""

    collection: Collection
    problems: list[Problem]
    seconds: float

    @property
    def pages(self) -> int:
        return len(self.collection.pages)

    @property
    def skipped(self) -> list[Skipped]:
        return self.collection.skipped


def read_accept_file(path: Path) -> list[str]:
    """Words one a line (# comments, blank lines ignored)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"{option('accept_file')} {path}: cannot be read ({exc.strerror or exc})") from exc
    return [word for line in lines if (word := line.split("#", 1)[0].strip())]


def read_site(sources: list[str], options: ScanOptions | None = None,
              progress: Callable[[int], None] | None = None) -> SiteReport:
    """Read the sources and run every check; ``progress`` is told how many pages are read, now and then."""
    options = options or ScanOptions()
    options.check()
    started = time.perf_counter()
    reader = Reader(base_url=options.base_url, max_bytes=options.max_bytes, max_pages=options.max_pages,
                    rate=options.rate, timeout=options.timeout, obey_robots=options.obey_robots)
    collection = reader.read(sources, progress)
    typos, facts = TypoChecker(options.accept), FactReader()
    for page in collection.pages.values():
        typos.add(page)
        facts.add(page)
    links = LinkChecker(collection)
    problems = typos.problems() + facts.problems() + links.problems()
    collection.skipped.extend(Skipped(target, f"link not checked: {why}") for target, why in links.unchecked)
    return SiteReport(collection, problems, time.perf_counter() - started)


@dataclass
class ScanResult:
    run: ScanRun
    report: SiteReport
    new: list[Finding]
    seen: list[Finding]  # every finding this scan found (new, still open, reopened, ignored)
    reopened: list[Finding]
    fixed: list[Finding]


def _next_number(session: Session) -> int:
    keys = session.scalars(select(Finding.key)).all()
    numbers = [int(key.split("-", 1)[1]) for key in keys if key.split("-", 1)[-1].isdigit()]
    return max(numbers, default=0) + 1


def _details(problem: Problem) -> list[dict]:
    return [{"page": o.page, "value": o.value, "context": o.context} for o in problem.observations]


def scan(session: Session, sources: list[str], options: ScanOptions | None = None,
         now: datetime | None = None) -> ScanResult:
    """Read the sources, record what they get wrong, and link it to the causes customers report."""
    return record_scan(session, read_site(sources, options), sources, options, now)


def record_scan(session: Session, report: SiteReport, sources: list[str], options: ScanOptions | None = None,
                now: datetime | None = None) -> ScanResult:
    """Record what :func:`read_site` found: new findings, the same ones again, fixed ones, links to causes.

    Separate from reading so that fetching a slow site never holds the database's write lock.
    """
    now = now or utcnow()
    run = ScanRun(started_at=now, sources=list(sources), params=_params(options or ScanOptions()),
                  pages_scanned=report.pages, pages_skipped=len(report.skipped),
                  skipped=[{"source": s.source, "reason": s.reason} for s in report.skipped[:SKIPPED_KEPT]])
    session.add(run)
    session.flush()

    existing = {f.fingerprint: f for f in session.scalars(select(Finding))}
    evidence = load_evidence(session)
    number = _next_number(session)
    new, seen, reopened = [], [], []
    for problem in report.problems:
        finding = existing.get(problem.fingerprint)
        if finding is None:
            finding = Finding(key=f"F-{number:04d}", fingerprint=problem.fingerprint, kind=problem.kind,
                              status="open", first_seen=now, first_scan_id=run.id)
            number += 1
            session.add(finding)
            new.append(finding)
        elif finding.status == "fixed":
            finding.status, finding.fixed_at = "open", None
            finding.status_note = f"back in scan {run.id} on {now:%Y-%m-%d} after being fixed"
            reopened.append(finding)
        finding.subject = problem.subject[:300]
        finding.title = problem.title[:500]
        finding.suggestion = problem.suggestion
        finding.details = _details(problem)
        finding.pages = problem.pages
        finding.terms = problem.terms
        finding.last_seen, finding.last_scan_id = now, run.id
        link = best_cause(problem.kind, problem.terms, problem.pages + problem.related_pages, evidence)
        finding.cause_id = link.cause_id if link else None
        finding.link_reason = link.reason[:300] if link else None
        seen.append(finding)

    # Gone from every page it was on, and every one of those pages was read again: fixed.
    scanned = set(report.collection.pages)
    found = {p.fingerprint for p in report.problems}
    fixed = []
    for finding in existing.values():
        if finding.fingerprint in found or finding.status != "open":
            continue
        if finding.pages and all(page in scanned for page in finding.pages):
            finding.status, finding.fixed_at = "fixed", now
            finding.status_note = f"gone in scan {run.id} on {now:%Y-%m-%d}"
            fixed.append(finding)

    run.findings_new, run.findings_fixed = len(new), len(fixed)
    run.findings_open = sum(1 for f in seen if f.status == "open")
    run.finished_at = utcnow()
    run.seconds = round(report.seconds, 3)
    session.flush()
    return ScanResult(run, report, new, seen, reopened, fixed)


def _params(options: ScanOptions) -> dict:
    return {"base_url": options.base_url, "accept": sorted(options.accept), "rate": options.rate,
            "timeout": options.timeout, "max_bytes": options.max_bytes, "max_pages": options.max_pages,
            "obey_robots": options.obey_robots}
