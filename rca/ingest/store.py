"""Writing built rows: new complaints in one round trip, updates merged field by field, duplicates
found by id or content (SQLite and PostgreSQL each their fastest way)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import datetime, timezone
from itertools import chain
from typing import Any
from sqlalchemy import String, any_, bindparam, insert, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..db import Database
from ..models import Complaint, ImportBatch, Reject

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pipeline import ImportSummary
from .rows import (COLUMNS, _CONTENT_HASH, _EXTERNAL_ID, _FIELDS_HASH, _RECEIVED, _RowBuilder, _SOURCE_UPDATED, _Transformed)
from ..errors import as_option


# Any constant works; it only has to be the same for every rca process.
PG_IMPORT_LOCK_KEY = 0x5243_4101


def _lock_for_import(session: Session, database: Database) -> None:
    """Serialise imports so two overlapping files never both insert the same ticket.

    SQLite already holds its write lock (BEGIN IMMEDIATE); PostgreSQL takes a
    transaction-scoped advisory lock, released at commit or rollback.
    """
    if database.dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_IMPORT_LOCK_KEY})


def _refresh_statistics(session: Session, database: Database, rows_so_far: int, next_at: int) -> int:
    """ANALYZE the complaints table on PostgreSQL each time the import has grown it 4x.

    Autovacuum cannot see rows of a transaction still running, so on a young
    table the planner believes a source has a handful of rows, looks duplicates
    up by source alone and filters every row of it: each chunk then reads the
    whole table and a large import turns quadratic. ANALYZE inside the
    transaction sees its own rows and puts the (source, external_id) index back.
    """
    if database.dialect != "postgresql" or rows_so_far < next_at:
        return next_at
    session.execute(text("ANALYZE complaints"))
    return next_at * 4


def _newer(values: tuple, than: tuple) -> bool:
    """Is this row of the export at least as new as ``than``? Without "Updated at"
    stamps the later row is, as the export orders them."""
    mine, theirs = values[_SOURCE_UPDATED], than[_SOURCE_UPDATED]
    return mine is None or theirs is None or mine >= theirs


def _store_chunk(session: Session, build: _RowBuilder, transformed: _Transformed, summary: ImportSummary,
                 skipped: Counter[str], match_content: bool = False) -> None:
    summary.rows_read += transformed.rows_read
    if transformed.skipped:
        skipped.update(transformed.skipped)
    candidates: dict[str, tuple] = {}
    for values in transformed.values:
        key = values[_EXTERNAL_ID]
        earlier = candidates.get(key)
        if earlier is not None:
            # The same ticket twice in one file: the newer state is kept.
            summary.duplicate += 1
            if not _newer(values, earlier):
                continue
        candidates[key] = values
    rejects = transformed.rejects

    if candidates:
        existing = _existing_complaints(session, build.source, list(candidates))
        new_rows, changed = [], []
        for key, values in candidates.items():
            found = existing.get(key)
            if found is None:
                new_rows.append(values)
            elif found[1] != values[_FIELDS_HASH]:
                changed.append((found[0], values, False))
            else:
                summary.duplicate += 1
        if new_rows and match_content:
            new_rows = _match_by_content(session, build, new_rows, changed, summary, skipped)
        if new_rows:
            _insert_complaints(session, new_rows)
        if changed:
            _merge_into_stored(session, build, changed, summary)
        summary.new += len(new_rows)
    if rejects:
        session.connection().execute(insert(Reject.__table__), rejects)
        summary.rejected += len(rejects)


def _match_by_content(session: Session, build: _RowBuilder, rows: list[tuple], changed: list, summary: ImportSummary,
                      skipped: Counter[str]) -> list[tuple]:
    """The rows no stored complaint of this source has the id of, less those stored
    before with the same text, customer and date (content hash): under this source
    (another id mapping) they update it; under another source they are not stored
    again, and the reason names the source that holds them."""
    stored: dict[tuple, list[tuple]] = {}
    for row in _complaints_with_content(session, list({(v[_RECEIVED], v[_CONTENT_HASH]) for v in rows}),
                                        build.batch_id):
        stored.setdefault((row[0], row[1]), []).append(row)
    id_columns = _id_columns(session, {row[6] for hits in stored.values() for row in hits})
    id_column = summary.field_columns.get("external_id")
    new_rows = []
    for values in rows:
        hits = [row for row in stored.get((values[_RECEIVED], values[_CONTENT_HASH]), ())
                if _same_ticket(row[4], id_columns.get(row[6]), values[_EXTERNAL_ID], id_column)]
        if not hits:
            new_rows.append(values)
            continue
        # Prefer a complaint of this source, else the first one stored.
        hit = next((row for row in hits if row[3] == build.source), hits[0])
        _, _, complaint_id, source, external_id, fields_hash, _ = hit
        if source == build.source:
            adopt_id = external_id.startswith("sha:") and not values[_EXTERNAL_ID].startswith("sha:")
            if fields_hash == values[_FIELDS_HASH] and not adopt_id:
                summary.duplicate += 1
            else:
                changed.append((complaint_id, values, adopt_id))
        else:
            skipped[f"already stored under source '{source}' (same text, customer and date); "
                    f"import with {as_option('source')} {source} to update them"] += 1
    return new_rows


def _same_ticket(stored_id: str, stored_id_column: str | None, new_id: str, new_id_column: str | None) -> bool:
    """Whether a stored complaint with the same text, customer and date is this row.

    Two tickets with ids of their own, read from the same id column, are two
    customers who wrote the same words on the same day ("my card was declined"),
    not one ticket twice. The same ticket comes back without an id, with the
    same id (under another source), or with its id read from another column.
    """
    if stored_id.startswith("sha:") or new_id.startswith("sha:") or stored_id == new_id:
        return True
    return stored_id_column != new_id_column


def _id_columns(session: Session, batch_ids: set[int]) -> dict[int, str | None]:
    """The column each of these batches read its ticket ids from (None: no id column)."""
    columns: dict[int, str | None] = {}
    for batch_id, mapping in session.execute(select(ImportBatch.id, ImportBatch.mapping)
                                             .where(ImportBatch.id.in_(batch_ids))):
        fields = (mapping or {}).get("fields") or []
        columns[batch_id] = next((item.get("column") for item in fields if item.get("field") == "external_id"), None)
    return columns


def _complaints_with_content(session: Session, keys: list[tuple], batch_id: int) -> list[tuple]:
    """(received_at, content_hash, id, source, external_id, fields_hash, batch_id) of complaints of
    other batches with one of these (received_at, content_hash) pairs, oldest first.
    ``keys`` hold received_at as the builder made it (SQLite: storage text)."""
    connection = session.connection()
    found: list[tuple] = []
    for at in range(0, len(keys), 5_000):
        part = keys[at:at + 5_000]
        if connection.dialect.name == "sqlite":
            sql = ("SELECT received_at, content_hash, id, source, external_id, fields_hash, batch_id FROM complaints "
                   f"WHERE (received_at, content_hash) IN (VALUES {','.join(['(?, ?)'] * len(part))}) "
                   "AND batch_id != ? ORDER BY id")
            try:
                found += connection.connection.driver_connection.execute(
                    sql, (*chain.from_iterable(part), batch_id)).fetchall()
            except sqlite3.Error as exc:
                raise OperationalError(sql, None, exc) from exc
        else:
            table = Complaint.__table__
            found += [tuple(row) for row in connection.execute(
                select(table.c.received_at, table.c.content_hash, table.c.id, table.c.source, table.c.external_id,
                       table.c.fields_hash, table.c.batch_id)
                .where(tuple_(table.c.received_at, table.c.content_hash).in_(part), table.c.batch_id != batch_id)
                .order_by(table.c.id))]
    return found


# What a newer export may change, and how: a value it does not have (a
# narrower export, an empty cell) never blanks the stored one.
_MERGED = ("channel", "subject", "body", "page_url", "product", "defect_type", "ticket_status", "tags", "extra",
           "contact")


_MERGED_AT = [COLUMNS.index(column) for column in _MERGED]


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _python_form(column: str, value: Any) -> Any:
    """A builder value as the model's type has it (SQLite builders hand over storage text)."""
    if isinstance(value, str) and column in ("tags", "extra"):
        return json.loads(value)
    if isinstance(value, str) and column in ("source_updated_at", "received_at"):
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    return value


def _merge_into_stored(session: Session, build: _RowBuilder, changed: list[tuple[int, tuple, bool]],
                       summary: ImportSummary) -> None:
    """Update stored complaints from newer rows of the same tickets.

    Fields a row has replace the stored ones when the row is at least as new
    (its "Updated at" is not older than the stored one); an older row only
    fills fields that are empty. Nothing is ever set empty, extra data is
    merged key by key, and the customer key, once known, stays.
    """
    table = Complaint.__table__
    by_id = {complaint_id: (values, adopt) for complaint_id, values, adopt in changed}
    stored_rows = session.connection().execute(
        select(table.c.id, table.c.external_id, table.c.customer_key, table.c.content_hash,
               table.c.source_updated_at, *(table.c[c] for c in _MERGED))
        .where(table.c.id.in_(list(by_id)))).all()
    updates = []
    for stored in stored_rows:
        values, adopt_id = by_id[stored.id]
        incoming = {c: _python_form(c, values[i]) for c, i in zip(_MERGED, _MERGED_AT)}
        row_updated = _python_form("source_updated_at", values[_SOURCE_UPDATED])
        newer = row_updated is None or stored.source_updated_at is None or row_updated >= stored.source_updated_at
        merged: dict[str, Any] = {}
        for column in _MERGED:
            old, new = getattr(stored, column), incoming[column]
            if column == "extra":
                merged[column] = {**(old or {}), **(new or {})} if newer else {**(new or {}), **(old or {})}
            elif _blank(new) or (not newer and not _blank(old)):
                merged[column] = old
            else:
                merged[column] = new
        customer_key = stored.customer_key or values[COLUMNS.index("customer_key")]
        source_updated = max((t for t in (stored.source_updated_at, row_updated) if t is not None), default=None)
        external_id = values[_EXTERNAL_ID] if adopt_id else stored.external_id
        same_text = (merged["subject"], merged["body"]) == (incoming["subject"], incoming["body"])
        if (all(merged[c] == getattr(stored, c) for c in _MERGED) and customer_key == stored.customer_key
                and external_id == stored.external_id and source_updated == stored.source_updated_at):
            summary.duplicate += 1
            continue
        updates.append({**merged, "customer_key": customer_key, "external_id": external_id,
                        "content_hash": values[_CONTENT_HASH] if same_text else stored.content_hash,
                        "fields_hash": values[_FIELDS_HASH], "source_updated_at": source_updated,
                        "updated_at": _python_form("source_updated_at", build.imported_at), "complaint_id": stored.id})
    if updates:
        # Few rows change in a re-import: SQLAlchemy's typed binds are affordable here.
        session.connection().execute(
            update(table).where(table.c.id == bindparam("complaint_id"))
            .values({c: bindparam(c) for c in updates[0] if c != "complaint_id"}), updates)
    summary.updated += len(updates)


def _existing_complaints(session: Session, source: str, keys: list[str]) -> dict[str, tuple[int, str]]:
    """external id -> (complaint id, fields hash) for the keys this source already has."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # Straight to the driver: compiling an IN clause of 2,000 bound values
        # cost SQLAlchemy more than SQLite's 2,000 index lookups. Batches stay
        # under SQLite's limit of 32,766 parameters (a block of short rows is long).
        rows = []
        for at in range(0, len(keys), 10_000):
            batch = keys[at:at + 10_000]
            sql = ("SELECT external_id, id, fields_hash FROM complaints WHERE source = ? AND external_id IN "
                   f"({','.join('?' * len(batch))})")
            try:
                rows += connection.connection.driver_connection.execute(sql, (source, *batch)).fetchall()
            except sqlite3.Error as exc:
                raise OperationalError(sql, None, exc) from exc
    else:
        # One array parameter: 2,000 placeholders cost psycopg more to parse
        # than the lookup costs the server.
        rows = connection.execute(select(Complaint.external_id, Complaint.id, Complaint.fields_hash).where(
            Complaint.source == source,
            Complaint.external_id == any_(bindparam("keys", keys, type_=ARRAY(String))))).all()
    return {external_id: (complaint_id, fields_hash) for external_id, complaint_id, fields_hash in rows}


_INSERT_SQLITE = f"INSERT INTO complaints ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


_COPY_POSTGRESQL = f"COPY complaints ({', '.join(COLUMNS)}) FROM STDIN"


_JSON_AT = [COLUMNS.index("tags"), COLUMNS.index("extra")]


def _insert_complaints(session: Session, rows: list[tuple]) -> None:
    """Insert new complaints (tuples in COLUMNS order) in one round trip.

    SQLAlchemy's per-row bind processing (JSON, datetimes) would cost more
    than everything else an import does, so rows go to the driver directly:
    on SQLite already in storage form (see _RowBuilder), the same text
    SQLAlchemy writes; on PostgreSQL through COPY, several times faster than
    a batched INSERT. The tests read both back through the models.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _sqlite_executemany(connection, _INSERT_SQLITE, rows)
        return
    import psycopg

    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(_COPY_POSTGRESQL) as copy:
            for row in rows:
                row = list(row)
                for i in _JSON_AT:
                    row[i] = json.dumps(row[i])
                copy.write_row(row)
    except psycopg.Error as exc:
        raise OperationalError(_COPY_POSTGRESQL, None, exc) from exc


def _sqlite_executemany(connection, sql: str, rows: list[tuple]) -> None:
    try:
        connection.connection.driver_connection.executemany(sql, rows)
    except sqlite3.Error as exc:
        # Same exception type as every other database failure, so callers handle one kind.
        raise OperationalError(sql, None, exc) from exc
