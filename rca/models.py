"""The database schema as SQLAlchemy 2 typed models.

Migrations (migrations/versions) create and change the real schema; these
classes describe it for queries. A test checks the two never drift apart.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Named constraints keep Alembic's batch mode (SQLite) able to alter them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Vocabularies live with what they mean: cause statuses in rca.causes.lifecycle,
# defect types in rca.defects, finding kinds and statuses in rca.scan.vocabulary.
ASSIGNED_BY = ("model", "manual", "rule")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend.

    SQLite has no time zone type, so values are stored as naive UTC and the
    zone is put back on the way out; PostgreSQL uses timestamptz.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: rca stores UTC-aware datetimes only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}


class Setting(Base):
    """Per-database values such as the salt for customer keys."""

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(512))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_format: Mapped[str] = mapped_column(String(16))
    profile: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_new: Mapped[int] = mapped_column(Integer, default=0)
    rows_updated: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The date --received-on gave every row of a file without a date column.
    received_on: Mapped[datetime | None]
    # What the import did: profile and why, field <- column, skipped rows, dates, warnings.
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RootCause(Base):
    __tablename__ = "root_causes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(16), unique=True)  # RC-0001, never reused
    title: Mapped[str] = mapped_column(String(300))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The complaints nearest the cause's centre at its last clustering run.
    representative_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    defect_type: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    owner: Mapped[str | None] = mapped_column(String(128), index=True)
    ticket_url: Mapped[str | None] = mapped_column(String(1000))
    first_seen: Mapped[datetime | None]
    last_seen: Mapped[datetime | None]
    fixed_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("root_causes.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_run_id: Mapped[int | None] = mapped_column(ForeignKey("cluster_runs.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    merged_into: Mapped[RootCause | None] = relationship(remote_side=[id])


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_complaints_cause_received_customer", "cause_id", "received_at", "customer_key"),
        # Covers the period queries of reports and listings (counts, customers,
        # unassigned per week) without touching the table itself.
        Index("ix_complaints_received_cause_customer", "received_at", "cause_id", "customer_key"),
        # A row imported again under another id mapping or source is found by
        # its date and content; led by the date, exports in date order append to it.
        Index("ix_complaints_received_content", "received_at", "content_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    # The help desk's ticket id; rows without one get "sha:<content hash>" so one
    # unique constraint deduplicates both kinds.
    external_id: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime]  # the customer's date, not the import date
    channel: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)  # PII redacted before storage
    page_url: Mapped[str | None] = mapped_column(String(1000))
    product: Mapped[str | None] = mapped_column(String(300))
    defect_type: Mapped[str] = mapped_column(String(32), default="other")
    ticket_status: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # unmapped columns, kept
    customer_key: Mapped[str | None] = mapped_column(String(64))  # salted hash of the email
    contact: Mapped[str | None] = mapped_column(String(320))  # for follow-up only; never in a report
    content_hash: Mapped[str] = mapped_column(String(64))
    fields_hash: Mapped[str] = mapped_column(String(64))  # of the fields a newer export may change
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    imported_at: Mapped[datetime]
    updated_at: Mapped[datetime | None]
    source_updated_at: Mapped[datetime | None]  # when the help desk last changed it ("Updated at")
    cause_id: Mapped[int | None] = mapped_column(ForeignKey("root_causes.id"))
    assigned_by: Mapped[str | None] = mapped_column(String(16))  # model | manual | rule
    similarity: Mapped[float | None] = mapped_column(Float)
    assigned_run_id: Mapped[int | None] = mapped_column(ForeignKey("cluster_runs.id"))

    cause: Mapped[RootCause | None] = relationship()


class Reject(Base):
    __tablename__ = "rejects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)  # the row as read, so a fixed file can be re-imported

    batch: Mapped[ImportBatch] = relationship()


class CauseEvent(Base):
    """Append-only audit of every change to a root cause."""

    __tablename__ = "cause_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cause_id: Mapped[int] = mapped_column(ForeignKey("root_causes.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("cluster_runs.id"))


class ClusterRun(Base):
    __tablename__ = "cluster_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    backend: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    window_start: Mapped[datetime | None]
    window_end: Mapped[datetime | None]
    n_considered: Mapped[int] = mapped_column(Integer, default=0)
    n_assigned_existing: Mapped[int] = mapped_column(Integer, default=0)
    n_new_causes: Mapped[int] = mapped_column(Integer, default=0)
    n_new_cause_members: Mapped[int] = mapped_column(Integer, default=0)
    n_unassigned: Mapped[int] = mapped_column(Integer, default=0)
    silhouette: Mapped[float | None] = mapped_column(Float)
    seconds: Mapped[float | None] = mapped_column(Float)
    # The highest complaint id this run saw: a later run with nothing newer has
    # nothing to do, which is what makes running twice change nothing.
    max_complaint_id: Mapped[int] = mapped_column(Integer, default=0)


class Rule(Base):
    """A person's curation decision that later cluster runs must obey."""

    __tablename__ = "rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # merge | split | move
    cause_id: Mapped[int | None] = mapped_column(ForeignKey("root_causes.id"))
    target_cause_id: Mapped[int | None] = mapped_column(ForeignKey("root_causes.id"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    actor: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "Base",
    "CauseEvent",
    "ClusterRun",
    "Complaint",
    "ImportBatch",
    "Reject",
    "RootCause",
    "Rule",
    "Setting",
]


from sqlalchemy import LargeBinary  # noqa: E402  (kept beside the one class that uses it)


class ComplaintEmbedding(Base):
    """A cached sentence embedding: one per complaint and model (rca.clustering.cache).

    ``vector`` is ``dim`` little-endian float32 values; ``text_hash`` is a digest
    of exactly the text that was embedded, so an edited complaint is embedded again.
    """

    __tablename__ = "complaint_embeddings"

    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True)
    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    text_hash: Mapped[str] = mapped_column(String(32))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


__all__.append("ComplaintEmbedding")


class ScanRun(Base):
    """One `rca scan` of the company's own pages (rca.scan)."""

    __tablename__ = "scan_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pages_scanned: Mapped[int] = mapped_column(Integer, default=0)
    pages_skipped: Mapped[int] = mapped_column(Integer, default=0)
    # Why pages were skipped ("robots.txt disallows it", "redirects to another host" …), the first 200.
    skipped: Mapped[list[Any]] = mapped_column(JSON, default=list)
    findings_new: Mapped[int] = mapped_column(Integer, default=0)
    findings_fixed: Mapped[int] = mapped_column(Integer, default=0)
    findings_open: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float | None] = mapped_column(Float)


class Finding(Base):
    """A problem on the company's own pages, tracked like a root cause.

    ``fingerprint`` says what the problem *is* (the mis-spelt word, the fact
    that differs, the link that is broken), never where or how often, so a
    re-scan finds the same row again instead of adding a copy.
    """

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(16), unique=True)  # F-0001, never reused
    fingerprint: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(500))
    suggestion: Mapped[str | None] = mapped_column(String(300))
    # What was seen where: [{"value": …, "page": url, "context": …}, …]
    details: Mapped[list[Any]] = mapped_column(JSON, default=list)
    pages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Words and patterns a complaint about this finding would contain (rca.scan.linking).
    terms: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    status_note: Mapped[str | None] = mapped_column(Text)
    cause_id: Mapped[int | None] = mapped_column(ForeignKey("root_causes.id"), index=True)
    link_reason: Mapped[str | None] = mapped_column(String(300))
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    fixed_at: Mapped[datetime | None]
    first_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan_runs.id"))
    last_scan_id: Mapped[int | None] = mapped_column(ForeignKey("scan_runs.id"))

    cause: Mapped[RootCause | None] = relationship()


__all__ += ["Finding", "ScanRun"]
