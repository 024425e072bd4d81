"""One export row into one complaints row: redaction, customer identity, hashes, defect type, rejects."""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from hashlib import sha256
from json.encoder import encode_basestring_ascii
from typing import Any
from sqlalchemy.orm import Session

from ..defects import classify_defect, normalize_defect_type
from ..export import plain_value
from ..models import Setting
from ..redact import redact, redact_fields
from .dates import DateParser
from .profiles import MappedRow, RowMapper, RowSkipped
from ..rejects import bounded_raw, oversized_reason
from .readers import OVERSIZED_KEY


MAX_TEXT_CHARS = 1_000_000


MAX_EXTERNAL_ID = 128


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
            "raw": redact_fields(bounded_raw(plain_value(record)))}


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
