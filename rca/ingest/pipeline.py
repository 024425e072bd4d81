"""`rca import`: one export file into the complaints table, in one transaction.

For each row: map the help desk's columns to our fields, parse the customer's
date, redact personal data, classify the defect type, hash the requester into
a customer key, and deduplicate on (source, external id). A row that cannot be
used goes to ``rejects`` with its row number and reason; a file that cannot be
read at all raises and leaves the database exactly as it was.

This module runs an import (options, the mapping, the batch, the summary);
``readers`` read files, ``profiles`` map columns, ``rows`` builds each row,
``parallel`` runs the row building in worker processes for big files, and
``store`` writes the rows (SQLite and PostgreSQL each their fastest way).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from hashlib import sha256
from itertools import islice
from pathlib import Path
from typing import Any
from sqlalchemy import select

from ..db import Database
from ..errors import DatabaseError, InputFileError, Interrupted, ProfileError, UsageError, as_option
from ..models import Complaint, ImportBatch
from .dates import DateParser
from .profiles import PROFILES, RowMapper, build_mapper, choose_profile, column_stats
from .readers import RawTable, read_table

from .parallel import CHUNK_ROWS, _auto_workers, _transformed_chunks
from .rows import _RowBuilder, _date_samples, customer_salt
from .store import _lock_for_import, _refresh_statistics, _store_chunk


DATE_SAMPLE_ROWS = 500


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
            profile, reason = PROFILES["generic"], f"no profile fits; the columns given with {as_option('map')}"
    else:
        if options.profile not in PROFILES:
            raise UsageError(f"unknown profile '{options.profile}': choose one of auto, {', '.join(PROFILES)}")
        profile, reason = PROFILES[options.profile], f"chosen with {as_option('profile')}"
    return build_mapper(profile, table.columns, options.mapping, stats, need_date=need_date,
                        max_rating=options.max_rating, profile_reason=reason)


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
        except DatabaseError:
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
        given = (f"{as_option('received_on')} {received_on.isoformat()} for every row" if column is None
                 else f"{as_option('received_on')} {received_on.isoformat()} for rows without a date in '{column}'")
    else:
        given = None
    return {"column": column, "format": parser.format, "order": _describe_date_order(parser),
            "guessed": bool(parser.guessed), "note": parser.note, "received_on": given}


def _describe_date_order(parser: DateParser) -> str | None:
    dayfirst = getattr(parser, "dayfirst", None)
    if dayfirst is None:
        return None
    return "day first (DD/MM)" if dayfirst else "month first (MM/DD)"
