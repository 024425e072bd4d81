"""Rows an import could not use, kept with their reason so nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .ingest.readers import MAX_CELL_CHARS
from .models import ImportBatch, Reject
from .redact import redact, redact_fields

# A rejected row is kept so it can be fixed and imported again, not as an
# archive: each cell and the whole row are bounded, so one hostile row cannot
# grow the database by hundreds of megabytes.
MAX_REJECT_CELL_CHARS = 64 * 1024
MAX_REJECT_ROW_CHARS = 1024 * 1024


def bounded_raw(record: dict[str, Any]) -> dict[str, Any]:
    """The row as it will be stored in rejects: long cells cut, saying by how much."""
    total = 0

    def cut(value: Any) -> Any:
        nonlocal total
        if isinstance(value, list):
            return [cut(item) for item in value]
        if isinstance(value, str):
            room = max(min(MAX_REJECT_CELL_CHARS, MAX_REJECT_ROW_CHARS - total), 0)
            if len(value) > room:
                value = f"{value[:room]}… [cut: {len(value):,} characters]"
            total += len(value)
        return value
    return {key: cut(value) for key, value in record.items()}


def oversized_reason(lengths: dict[str, int]) -> str:
    cells = ", ".join(f"'{column}' ({length:,} characters)" for column, length in lengths.items())
    return (f"a cell is too long to be a complaint field: {cells}; "
            f"at most {MAX_CELL_CHARS:,} characters a cell")


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
