"""`rca import`: one export file into the complaints table, in one transaction.

For each row: map the help desk's columns to our fields, parse the customer's
date, redact personal data, classify the defect type, hash the requester into
a customer key, and deduplicate on (source, external id). A row that cannot be
used goes to ``rejects`` with its row number and reason; a file that cannot be
read at all raises and leaves the database exactly as it was.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import json
import os
import queue
import secrets
import signal
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from hashlib import sha256
from itertools import chain, islice
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any

from sqlalchemy import String, any_, bindparam, insert, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..db import Database
from ..defects import classify_defect, normalize_defect_type
from ..errors import InputFileError, Interrupted, ProfileError, UsageError
from ..models import Complaint, ImportBatch, Reject, Setting
from ..redact import redact, redact_fields
from .dates import DateParser
from .profiles import (PROFILES, MappedRow, RowMapper, RowSkipped, build_mapper,
                       choose_profile, column_stats)
from ..rejects import bounded_raw, oversized_reason
from .readers import OVERSIZED_KEY, Block, BlockLayout, RawTable, parse_block, read_table

CHUNK_ROWS = 2_000
DATE_SAMPLE_ROWS = 500
MAX_TEXT_CHARS = 1_000_000
MAX_EXTERNAL_ID = 128
# Any constant works; it only has to be the same for every rca process.
PG_IMPORT_LOCK_KEY = 0x5243_4101


@dataclass
class ImportOptions:
    source: str | None = None
    profile: str = "auto"
    mapping: dict[str, str] = field(default_factory=dict)  # our field -> file column
    dayfirst: bool | None = None
    dry_run: bool = False
    force: bool = False
    workers: int | None = None  # processes that transform rows; None: 2+ for big files, else 1
    received_on: date | None = None  # dates the rows of a file without a date column
    max_rating: float | None = None  # higher ratings are skipped; None: the profile's (3 for reviews)


@dataclass
class ImportSummary:
    path: str
    source: str = ""
    profile: str = ""
    file_format: str = ""
    encoding: str | None = None
    batch_id: int | None = None
    rows_read: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    rejected: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    already_imported: ImportBatch | None = None
    field_columns: dict[str, str] = field(default_factory=dict)
    date_order: str | None = None
    notes: list[str] = field(default_factory=list)  # what the reader decided (renamed columns …)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows (not complaints, or stored elsewhere)
    # What the import did, as data (RowMapper.describe() plus dates and skipped rows).
    mapping: dict[str, Any] = field(default_factory=dict)

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())

    @property
    def warnings(self) -> list[str]:
        return list(self.mapping.get("warnings", ()))

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data (``--format json``)."""
        earlier = self.already_imported
        return {"file": self.path, "source": self.source, "profile": self.profile, "format": self.file_format,
                "encoding": self.encoding, "batch": self.batch_id, "dry_run": self.dry_run,
                "already_imported_as_batch": earlier.id if earlier is not None else None,
                "rows": {"read": self.rows_read, "new": self.new, "updated": self.updated,
                         "duplicate": self.duplicate, "rejected": self.rejected, "skipped": self.rows_skipped},
                "mapping": self.mapping, "seconds": round(self.seconds, 3)}


ProgressCallback = Callable[[int], None]


def file_sha256(path: Path) -> str:
    digest = sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def customer_salt(session: Session) -> str:
    """The per-database salt for customer keys, created on first use."""
    salt = session.get(Setting, "customer_salt")
    if salt is None:
        salt = Setting(name="customer_salt", value=secrets.token_hex(16))
        session.add(salt)
        session.flush()
    return salt.value


def _digest(*parts: str | None) -> str:
    return sha256("\x1f".join([p or "" for p in parts]).encode("utf-8", "surrogatepass")).hexdigest()


class _RowRejected(Exception):
    pass


# Names review sites and help desks show for a customer they do not name:
# not an identity, or every anonymous reviewer would count as one customer.
_PLACEHOLDER_NAMES = frozenset({"a google user", "anonymous", "anon", "unknown", "guest", "n/a", "na", "none",
                                "null", "customer", "user", "-", "deleted user"})


def customer_identity(row: MappedRow, external_id: str | None = None,
                      one_per_ticket: bool = False) -> tuple[str | None, str | None]:
    """(what identifies the customer, the contact for follow-up): the email, else
    an author or user id, else a name, else a phone; the contact is the email or phone.

    The email is used as it is (keys made before ids were read stay the same);
    the others carry their kind, so an id never equals a name.
    """
    email = (row.requester_email.strip().lower() or None) if row.requester_email else None
    phone = "".join(ch for ch in row.requester_phone if ch.isdigit() or ch == "+") \
        if row.requester_phone else None
    contact = email or phone or None
    if email:
        return email, contact
    if row.customer_id is not None and str(row.customer_id).strip():
        return f"id:{str(row.customer_id).strip()}", contact
    name = row.requester_name.strip().lower() if row.requester_name else ""
    if name and name not in _PLACEHOLDER_NAMES:
        return f"name:{' '.join(name.split())}", contact
    if phone:
        return f"phone:{phone}", contact
    if one_per_ticket and external_id:
        return f"ticket:{external_id}", contact
    return None, contact


class _RowBuilder:
    """Turns one mapped row into the values of a complaints row (or rejects it)."""

    def __init__(self, source: str, parse_date: DateParser, salt: str, batch_id: int, now: datetime,
                 sqlite_storage: bool = False, *, received_on: datetime | None = None,
                 parse_updated: DateParser | None = None, no_text_reason: str | None = None,
                 one_customer_per_ticket: bool = False):
        self.source = source
        self.parse_date = parse_date
        self.salt = salt
        self.batch_id = batch_id
        # SQLite: values leave the builder in storage form (dates and JSON as
        # text), made in the worker processes rather than in the one process
        # that writes; see _insert_complaints.
        self.sqlite_storage = sqlite_storage
        self.imported_at = _sqlite_datetime(now) if sqlite_storage else now
        self.received_on = received_on
        self.parse_updated = parse_updated
        self.no_text_reason = no_text_reason
        self.one_customer_per_ticket = one_customer_per_ticket

    def __call__(self, row: MappedRow) -> tuple:
        subject = row.subject.strip() if row.subject else ""
        body = row.body.strip() if row.body else ""
        if not subject and not body:
            if self.no_text_reason:
                raise RowSkipped(self.no_text_reason)
            raise _RowRejected("no complaint text: subject and body are both empty")
        if len(subject) + len(body) > MAX_TEXT_CHARS:
            raise _RowRejected(f"complaint text longer than {MAX_TEXT_CHARS:,} characters")
        received_raw = row.received_raw
        if received_raw is None or (received_raw.__class__ is str and not received_raw.strip()):
            if self.received_on is None:
                raise _RowRejected("no received date")
            received_at = self.received_on
        else:
            try:
                received_at = self.parse_date(received_raw)
            except (ValueError, OverflowError) as exc:
                raise _RowRejected(str(exc) or f"unparseable date {received_raw!r}") from None
        subject = redact(subject) if subject else None
        body = redact(body) if body else None
        given_id = (str(row.external_id).strip() if row.external_id is not None else "") or None
        who, contact = customer_identity(row, given_id, self.one_customer_per_ticket)
        received_iso = received_at.isoformat()
        # A ticket-derived identity says nothing across id mappings: leave it out of the content.
        content_hash = _digest(subject, body, received_iso, who if who and not who.startswith("ticket:") else None)
        external_id = given_id or f"sha:{content_hash[:40]}"
        if len(external_id) > MAX_EXTERNAL_ID:
            raise _RowRejected(f"ticket id longer than {MAX_EXTERNAL_ID} characters")
        defect_type = (normalize_defect_type(row.defect_type) if row.defect_type else None) \
            or classify_defect(subject, body)
        tags = [str(tag) for tag in row.tags] if row.tags else []
        # Unmapped columns are redacted like the text: a "Requester phone"
        # column whole, any other value by its content (?email=… in a URL).
        extra = redact_fields(row.extra) if row.extra else {}
        page_url = page_path(row.page_url)
        if page_url != row.page_url:
            extra = {**extra, "page_url_full": redact(row.page_url)}
        if page_url and ("@" in page_url or "%40" in page_url):
            page_url = redact(page_url)  # /unsubscribe/anna@example.com
        fields_hash = _digest(subject, body, row.channel, row.page_url, row.product, defect_type,
                              row.status, "\x1e".join(tags), repr(sorted(extra.items())) if extra else "[]", contact)
        updated_at = None
        if self.parse_updated is not None and row.updated_raw not in (None, ""):
            try:
                updated_at = self.parse_updated(row.updated_raw)
            except (ValueError, OverflowError):
                updated_at = None  # an odd "updated" stamp only loses the newer-wins check for this row
        # A tuple in COLUMNS order, not a dict: chunks travel between processes,
        # and pickling 2,000 dicts with 18 keys cost as much as redacting them.
        if self.sqlite_storage:
            received_at = _sqlite_datetime_from_iso(received_iso) or _sqlite_datetime(received_at)
            if updated_at is not None:
                updated_at = _sqlite_datetime(updated_at)
            tags = _json_strings(tags)
            # Most complaints have no extra columns: skip the encoder for those.
            extra = json.dumps(extra) if extra else "{}"
        return (self.source, external_id, received_at, row.channel, subject, body, page_url, row.product,
                defect_type, row.status, tags, extra, _digest(self.salt, who)[:32] if who else None,
                contact, content_hash, fields_hash, self.batch_id, self.imported_at, updated_at)


def page_path(url: str | None) -> str | None:
    """The page a complaint is about: the URL without query string and fragment.

    ``/products/kettle?colour=red&utm_source=mail`` and ``/products/kettle`` are
    one page to a quality team; the full URL stays in ``extra``.
    """
    if not url:
        return url
    url = url.strip()
    query, fragment = url.find("?"), url.find("#")
    if query < 0 and fragment < 0:
        return url
    cut = query if fragment < 0 or 0 <= query < fragment else fragment
    return url[:cut] or url


# What _RowBuilder makes of a row: the complaints columns an import writes, in order.
COLUMNS = ("source", "external_id", "received_at", "channel", "subject", "body", "page_url", "product",
           "defect_type", "ticket_status", "tags", "extra", "customer_key", "contact", "content_hash",
           "fields_hash", "batch_id", "imported_at", "source_updated_at")
_EXTERNAL_ID = COLUMNS.index("external_id")
_FIELDS_HASH = COLUMNS.index("fields_hash")
_CONTENT_HASH = COLUMNS.index("content_hash")
_RECEIVED = COLUMNS.index("received_at")
_SOURCE_UPDATED = COLUMNS.index("source_updated_at")


def _json_safe(record: dict[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        return str(value)
    return {str(k): plain(v) for k, v in record.items()}


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


def _resolve_mapper(table: RawTable, options: ImportOptions, stats) -> RowMapper:
    need_date = options.received_on is None
    if options.profile == "auto":
        try:
            profile, reason = choose_profile(table.columns, stats, need_date=need_date)
        except ProfileError:
            if not options.mapping:
                raise
            # With an explicit --map the user has told us the essential columns, so a
            # file no profile recognises is still importable through the generic one.
            profile, reason = PROFILES["generic"], "no profile fits; the columns given with --map"
    else:
        if options.profile not in PROFILES:
            raise UsageError(f"unknown profile '{options.profile}': choose one of auto, {', '.join(PROFILES)}")
        profile, reason = PROFILES[options.profile], "chosen with --profile"
    return build_mapper(profile, table.columns, options.mapping, stats, need_date=need_date,
                        max_rating=options.max_rating, profile_reason=reason)


def _chunks(rows: Iterator[tuple[int, dict[str, Any]]], size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def import_file(database: Database, path: str | os.PathLike, options: ImportOptions | None = None,
                progress: ProgressCallback | None = None,
                read_progress: Callable[[float], None] | None = None) -> ImportSummary:
    """Import one export file; all of it is stored, or (on error) none of it.

    ``progress(rows)`` after each chunk stored; ``read_progress(fraction)`` now
    and then while the file is read (also where no row comes out, as in blank lines).
    Ctrl-C raises :class:`~rca.errors.Interrupted` saying whether the file was saved.
    """
    batch_ids: list[int] = []  # the batch, once it exists
    try:
        return _import_file(database, path, options, progress, read_progress, batch_ids)
    except KeyboardInterrupt:
        raise _interrupted(database, Path(path).name, batch_ids) from None


def _interrupted(database: Database, name: str, batch_ids: list[int]) -> Interrupted:
    """The truth after Ctrl-C: the batch row exists only if its transaction committed."""
    if batch_ids:
        try:
            with database.session() as session:
                batch = session.get(ImportBatch, batch_ids[0])
        except (OperationalError, sqlite3.Error):
            batch = None
        if batch is not None and batch.finished_at is not None:
            return Interrupted(f"interrupted after {name} was saved whole (batch {batch.id}, "
                               f"{batch.rows_new:,} new): nothing is half-done")
    return Interrupted(f"interrupted: nothing from {name} was saved (its transaction was rolled back); "
                       "run the import again")


def _import_file(database: Database, path: str | os.PathLike, options: ImportOptions | None,
                 progress: ProgressCallback | None, read_progress: Callable[[float], None] | None,
                 batch_ids: list[int]) -> ImportSummary:
    options = options or ImportOptions()
    path = Path(path)
    started = time.perf_counter()
    summary = ImportSummary(path=str(path), dry_run=options.dry_run)
    if not path.is_file():
        raise InputFileError(str(path), "no such file" if not path.exists() else "not a file")
    sha = file_sha256(path)
    table = read_table(path, on_read=read_progress)
    summary.notes.extend(table.notes)
    rows = iter(table.rows)
    # Columns are judged by a sample of what they hold, and the day/month order
    # is decided once per file from it, never row by row.
    head = list(islice(rows, DATE_SAMPLE_ROWS))
    mapper = _resolve_mapper(table, options, column_stats(table.columns, (record for _, record in head)))
    summary.profile = mapper.profile.name
    summary.file_format = table.format
    summary.encoding = table.encoding
    summary.field_columns = dict(mapper.field_columns)
    summary.source = options.source or mapper.profile.name
    parse_date = DateParser.for_values(_date_samples(mapper, head), dayfirst=options.dayfirst)
    parse_updated = None
    if "updated_at" in mapper.field_columns:
        parse_updated = DateParser.for_values(_date_samples(mapper, head, "updated_raw"), dayfirst=options.dayfirst)
    summary.date_order = _describe_date_order(parse_date)
    received_on = (datetime(options.received_on.year, options.received_on.month, options.received_on.day,
                            tzinfo=timezone.utc) if options.received_on else None)
    summary.mapping = {**mapper.describe(), "dates": _describe_dates(mapper, parse_date, options.received_on)}

    with database.write_session() as session:
        _lock_for_import(session, database)
        if not options.force and not options.dry_run:
            earlier = session.scalars(
                select(ImportBatch).where(ImportBatch.file_sha256 == sha, ImportBatch.source == summary.source,
                                          ImportBatch.finished_at.is_not(None)).order_by(ImportBatch.id)
            ).first()
            if earlier is not None:
                summary.already_imported = earlier
                summary.seconds = time.perf_counter() - started
                return summary
        now = datetime.now(timezone.utc)
        batch = ImportBatch(source=summary.source, file_name=path.name, file_sha256=sha,
                            file_format=table.format, profile=mapper.profile.name, started_at=now,
                            received_on=received_on)
        session.add(batch)
        session.flush()
        summary.batch_id = batch.id
        batch_ids.append(batch.id)

        build = _RowBuilder(summary.source, parse_date, customer_salt(session), batch.id, now,
                            sqlite_storage=database.dialect == "sqlite", received_on=received_on,
                            parse_updated=parse_updated, no_text_reason=mapper.profile.no_text_reason,
                            one_customer_per_ticket=mapper.profile.one_customer_per_ticket)
        # Rows stored by earlier imports may come back under another id mapping
        # or source; with none stored yet, that lookup is skipped.
        match_content = session.scalar(select(Complaint.id).where(Complaint.batch_id != batch.id).limit(1)) \
            is not None
        skipped: Counter[str] = Counter()
        workers = options.workers or _auto_workers(path)
        analyze_at = 4 * CHUNK_ROWS
        for transformed in _transformed_chunks(mapper, build, table, head, rows, workers):
            _store_chunk(session, build, transformed, summary, skipped, match_content)
            analyze_at = _refresh_statistics(session, database, summary.new, analyze_at)
            if progress:
                progress(summary.rows_read)

        summary.skipped = dict(skipped.most_common())
        summary.mapping["skipped"] = summary.skipped
        batch.finished_at = datetime.now(timezone.utc)
        batch.rows_read = summary.rows_read
        batch.rows_new = summary.new
        batch.rows_updated = summary.updated
        batch.rows_duplicate = summary.duplicate
        batch.rows_rejected = summary.rejected
        batch.rows_skipped = summary.rows_skipped
        batch.mapping = summary.mapping
        if options.dry_run:
            session.rollback()
    summary.seconds = time.perf_counter() - started
    return summary


def _describe_dates(mapper: RowMapper, parser: DateParser, received_on: date | None) -> dict[str, Any]:
    column = mapper.field_columns.get("received_at")
    if received_on is not None:
        given = (f"--received-on {received_on.isoformat()} for every row" if column is None
                 else f"--received-on {received_on.isoformat()} for rows without a date in '{column}'")
    else:
        given = None
    return {"column": column, "format": parser.format, "order": _describe_date_order(parser),
            "guessed": bool(parser.guessed), "note": parser.note, "received_on": given}


def _describe_date_order(parser: DateParser) -> str | None:
    dayfirst = getattr(parser, "dayfirst", None)
    if dayfirst is None:
        return None
    return "day first (DD/MM)" if dayfirst else "month first (MM/DD)"


@dataclass
class _Transformed:
    """One chunk of file rows, turned into complaint values and rejects (in file order)."""

    rows_read: int
    values: list[tuple]  # in COLUMNS order
    rejects: list[dict[str, Any]]
    skipped: Counter[str] | None = None  # reason -> rows that are not a customer's complaint


def _reject(batch_id: int, number: int, reason: str, record: dict[str, Any]) -> dict[str, Any]:
    # A rejected row is kept to be fixed and re-imported, but not its personal
    # data: it is redacted as an imported row would be (the reason can quote a
    # cell), and bounded in size.
    return {"batch_id": batch_id, "row_number": number, "reason": redact(reason[:500]),
            "raw": redact_fields(bounded_raw(_json_safe(record)))}


def _transform(mapper: RowMapper, build: _RowBuilder, chunk: list[tuple[int, dict[str, Any]]]) -> _Transformed:
    values, rejects = [], []
    skipped = None
    for number, record in chunk:
        if OVERSIZED_KEY in record:
            cells = {k: v for k, v in record.items() if k != OVERSIZED_KEY}
            rejects.append(_reject(build.batch_id, number, oversized_reason(record[OVERSIZED_KEY]), cells))
            continue
        try:
            values.append(build(mapper(record)))
        except RowSkipped as exc:
            if skipped is None:
                skipped = Counter()
            skipped[str(exc)] += 1
        except _RowRejected as exc:
            rejects.append(_reject(build.batch_id, number, str(exc), record))
        except (ValueError, TypeError) as exc:
            rejects.append(_reject(build.batch_id, number, f"cannot read row: {exc}", record))
    return _Transformed(len(chunk), values, rejects, skipped)


def _date_samples(mapper: RowMapper, head: list[tuple[int, dict[str, Any]]], attribute: str = "received_raw") -> list[Any]:
    samples = []
    for _, record in head:
        try:
            raw = getattr(mapper(record), attribute)
        except (ValueError, TypeError, RowSkipped):
            continue  # the row will be rejected (or skipped) with its reason later
        if raw not in (None, ""):
            samples.append(raw)
    return samples


# Worker processes get the mapper, row builder and block layout by fork, not
# by pickling: profiles hold closures, and fork copies them for free.
_WORKER_JOB: tuple[RowMapper, _RowBuilder, BlockLayout | None] | None = None
PARALLEL_MIN_BYTES = 32 * 2**20


def _transform_in_worker(chunk: list[tuple[int, dict[str, Any]]]) -> _Transformed:
    mapper, build, _ = _WORKER_JOB
    return _transform(mapper, build, chunk)


@dataclass
class _BlockResult:
    transformed: _Transformed | None
    unfinished_line: int | None = None  # see BlockRecords
    failure: tuple[str, str | None] | None = None  # (problem, location) of an InputFileError


def _transform_block_in_worker(block: Block) -> _BlockResult:
    mapper, build, layout = _WORKER_JOB
    try:
        parsed = parse_block(layout, block)
    except InputFileError as exc:
        # An exception with several arguments does not survive pickling; the caller raises it again.
        return _BlockResult(None, failure=(exc.problem, exc.location))
    return _BlockResult(_transform(mapper, build, parsed.records), parsed.unfinished_line)


def _auto_workers(path: Path) -> int:
    """Two or more processes for big files; one for small ones, where start-up would dominate."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2 or path.stat().st_size < PARALLEL_MIN_BYTES:
        return 1
    return min(cores, 4)


def _transformed_chunks(mapper: RowMapper, build: _RowBuilder, table: RawTable,
                        head: list[tuple[int, dict[str, Any]]], rows: Iterator[tuple[int, dict[str, Any]]],
                        workers: int) -> Iterator[_Transformed]:
    """Chunks in file order. With several workers, this process only writes the
    database while the workers parse (CSV, JSON Lines), map, redact, classify and hash."""
    if workers <= 1:
        for chunk in _chunks(chain(head, rows), CHUNK_ROWS):
            yield _transform(mapper, build, chunk)
        return
    blocks = table.blocks()
    global _WORKER_JOB
    _WORKER_JOB = (mapper, build, table.block_layout)
    # Frozen objects are never scanned by the garbage collector: the workers
    # would otherwise walk (and, touching them, copy) everything this process
    # had loaded at each full collection. This process unfreezes at once.
    gc.freeze()
    try:
        with _workers_without_sigint(workers) as pool:
            gc.unfreeze()
            _WORKER_JOB = None
            if blocks is None:
                chunks = _chunks(chain(head, rows), CHUNK_ROWS)
                for _, pending in _read_ahead(pool, _transform_in_worker, chunks, in_flight=2 * workers):
                    yield pool.result(pending)
            else:
                table.close()  # the workers parse the file from its first data row again
                yield from _transformed_blocks(pool, table.path, blocks, in_flight=2 * workers)
    finally:
        gc.unfreeze()
        _WORKER_JOB = None


_POLL_SECONDS = 0.05


class _Workers:
    """A process pool, and Ctrl-C raised only where this process waits for it.

    While the pool runs, SIGINT only sets ``interrupted``; KeyboardInterrupt is
    raised here, at a wait or when the writer asks for the next chunk. Raised
    at any bytecode instead, it could land inside a lock's ``with`` in the
    pool's own bookkeeping, leave the lock held, and the result thread then
    blocked for good: terminate() waited on it and the import hung after Ctrl-C.
    """

    def __init__(self, pool) -> None:
        self.pool = pool
        self.interrupted = False

    def on_sigint(self, signum, frame) -> None:  # a signal handler: sets a flag, takes no lock
        self.interrupted = True

    def check(self) -> None:
        if self.interrupted:
            raise KeyboardInterrupt

    def submit(self, task: Callable[[Any], Any], item: Any):
        return self.pool.apply_async(task, (item,))

    def result(self, pending) -> Any:
        while not pending.ready():
            self.check()
            pending.wait(_POLL_SECONDS)
        self.check()
        return pending.get()


@contextlib.contextmanager
def _workers_without_sigint(workers: int) -> Iterator[_Workers]:
    """A fork pool whose workers never see Ctrl-C.

    The terminal sends SIGINT to the whole process group. A worker interrupted
    while it holds the pool's queue lock made terminate() hang (holding the
    database's write lock) and printed a traceback per worker; so the workers
    are forked with SIGINT blocked, and only this process handles it (see
    :class:`_Workers`): it stops the pool and rolls the import back. Blocked
    rather than ignored, so a Ctrl-C during the fork is delivered here right
    after, not lost.
    """
    in_main_thread = threading.current_thread() is threading.main_thread()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = _Workers(multiprocessing.get_context("fork").Pool(workers))
        # Python runs signal handlers in the main thread only, and only there can set them.
        previous = signal.signal(signal.SIGINT, pool.on_sigint) if in_main_thread else None
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    try:
        yield pool
        pool.check()  # a Ctrl-C after the last chunk still stops the import
    finally:
        try:
            pool.pool.terminate()
            pool.pool.join()
        finally:
            if in_main_thread:
                signal.signal(signal.SIGINT, previous)


def _transformed_blocks(pool: _Workers, path: str, blocks: Iterator[Block], in_flight: int) -> Iterator[_Transformed]:
    """The workers' results for each block, in order; a record cut in two is parsed again whole."""
    carry: Block | None = None  # the start of a record the last block cut in two
    for block, pending in _read_ahead(pool, _transform_block_in_worker, blocks, in_flight):
        result = pool.result(pending)
        if carry is not None:
            # This block's worker started inside a record, so its result is void:
            # parse the block again behind the start of that record.
            block = carry.joined(block)
            result = pool.result(pool.submit(_transform_block_in_worker, block))
        if result.failure is not None:
            raise InputFileError(path, *result.failure)
        carry = None
        if result.unfinished_line is not None:
            carry = block.from_line(result.unfinished_line - block.first_line)
        yield result.transformed


_READ_DONE = object()


def _read_ahead(pool: _Workers, task: Callable[[Any], Any], items: Iterator[Any], in_flight: int) -> Iterator[tuple[Any, Any]]:
    """(item, the pool's pending result of task(item)) in order, while a thread reads ahead.

    Reading in a thread of its own keeps the workers fed while this thread
    writes the database (sqlite3 and psycopg let go of the GIL while the
    database works); without it the workers idled whenever the writer did.
    At most ``in_flight`` items are read ahead, so memory stays flat. A file
    that breaks while being read raises here, in the caller's thread, so the
    import transaction rolls back as before.
    """
    handed: queue.Queue = queue.Queue(maxsize=in_flight)
    stop = threading.Event()

    def hand_over(item: Any) -> bool:
        while not stop.is_set():
            try:
                handed.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in items:
                if not hand_over((item, pool.submit(task, item))):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, which raises it
            hand_over(exc)
            return
        hand_over(_READ_DONE)

    reader = threading.Thread(target=read, name="rca-import-reader", daemon=True)
    reader.start()
    try:
        while True:
            try:
                handed_item = handed.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                pool.check()
                continue
            if handed_item is _READ_DONE:
                break
            if isinstance(handed_item, BaseException):
                raise handed_item
            yield handed_item
    finally:
        stop.set()
        reader.join()


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
                    f"import with --source {source} to update them"] += 1
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


def _sqlite_datetime(value: datetime) -> str:
    # The exact text SQLAlchemy's SQLite DateTime type writes for a naive UTC value.
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _sqlite_datetime_from_iso(iso: str) -> str | None:
    """_sqlite_datetime's text cut from a UTC isoformat() the row has made anyway
    (2025-07-14T15:42:00[.123456]+00:00), at a tenth of the cost; None for other offsets."""
    if len(iso) == 25 and iso.endswith("+00:00"):
        return f"{iso[:10]} {iso[11:19]}.000000"
    if len(iso) == 32 and iso.endswith("+00:00"):
        return f"{iso[:10]} {iso[11:26]}"
    return None


def _json_strings(values: list[str]) -> str:
    """json.dumps of a list of strings, without the encoder's set-up cost per call."""
    return f"[{', '.join(map(encode_basestring_ascii, values))}]" if values else "[]"


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
