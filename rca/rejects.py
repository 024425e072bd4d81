"""Rows an import could not use, kept with their reason so nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ImportBatch, Reject
from .redact import redact, redact_fields


def iter_rejects(session: Session, batch_id: int | None = None, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Rejected rows, newest batch first, in file order within a batch.

    Rows are redacted when they are stored; they are redacted again here so a
    database written by an older rca (which kept them raw) prints no personal data.
    """
    query = (select(Reject, ImportBatch.file_name, ImportBatch.source)
             .join(ImportBatch, Reject.batch_id == ImportBatch.id)
             .order_by(Reject.batch_id.desc(), Reject.row_number))
    if batch_id is not None:
        query = query.where(Reject.batch_id == batch_id)
    if limit is not None:
        query = query.limit(limit)
    for reject, file_name, source in session.execute(query):
        yield {"batch": reject.batch_id, "file": file_name, "source": source, "row": reject.row_number,
               "reason": redact(reject.reason), "raw": redact_fields(reject.raw or {})}
