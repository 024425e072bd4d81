"""Small, explicit database fixtures built row by row, for hand-computed expectations."""

from __future__ import annotations

from datetime import datetime, timezone

from rca.models import Complaint, ImportBatch, RootCause

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def utc(text: str) -> datetime:
    """'2026-11-16' or '2026-11-16 10:00' as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


class Factory:
    def __init__(self, session):
        self.session = session
        self.batch = ImportBatch(source="test", file_name="f.csv", file_sha256="0" * 64, file_format="csv",
                                 profile="generic", started_at=T0, finished_at=T0)
        session.add(self.batch)
        session.flush()
        self.next_id = 1

    def cause(self, key: str, title: str = "", status: str = "new", **fields) -> RootCause:
        cause = RootCause(key=key, title=title or key, status=status, keywords=[], representative_ids=[], **fields)
        self.session.add(cause)
        self.session.flush()
        return cause

    def complaint(self, received: str, cause: RootCause | None = None, customer: str | None = None,
                  subject: str = "subject", body: str = "body", **fields) -> Complaint:
        number = self.next_id
        self.next_id += 1
        complaint = Complaint(
            source="test", external_id=fields.pop("external_id", str(number)), received_at=utc(received),
            subject=subject, body=body,
            customer_key=customer, contact=f"{customer}@example.com" if customer else None,
            content_hash=str(number), fields_hash=str(number), batch_id=self.batch.id, imported_at=T0,
            cause_id=cause.id if cause else None, assigned_by="model" if cause else None, tags=[], extra={},
            defect_type=fields.pop("defect_type", "other"), **fields)
        self.session.add(complaint)
        self.session.flush()
        return complaint
