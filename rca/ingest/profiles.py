"""Help-desk column profiles: which export column holds which of our fields.

A :class:`Profile` lists, per field, the column names a help desk uses (in its
CSV export and in its JSON API, flattened with dots by the reader), a few
*signature* columns that identify the source, and converters for values the
source encodes (Freshdesk's integer status, Intercom's HTML body).

Column names are compared case- and space-insensitively, with ``_`` treated
as a space, so ``Created at`` (Zendesk CSV) and ``created_at`` (Zendesk API)
are the same column.

:func:`detect_profile` picks the profile whose signature best fits a file's
header; :func:`build_mapper` resolves the columns once and returns a
:class:`RowMapper` that turns each record into a :class:`MappedRow`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from types import MappingProxyType
from typing import Any

from ..defects import normalize_defect_type
from ..errors import ProfileError

__all__ = ["FIELDS", "REQUIRED_TEXT", "REQUIRED_DATE", "Profile", "PROFILES", "MappedRow",
           "RowMapper", "detect_profile", "build_mapper", "normalize_column", "html_to_text",
           "to_tags"]

FIELDS: tuple[str, ...] = (
    "external_id", "received_at", "subject", "body", "requester_email", "requester_name",
    "channel", "tags", "status", "product", "page_url", "defect_type",
)
REQUIRED_TEXT = ("body", "subject")  # at least one of them
REQUIRED_DATE = "received_at"

_NORMALIZE_SPACES = re.compile(r"[\s_]+")


def normalize_column(name: str) -> str:
    """'Created_at ' -> 'created at': the key under which columns are compared."""
    return _NORMALIZE_SPACES.sub(" ", name.strip().lower().lstrip("\ufeff")).strip()


# --------------------------------------------------------------------------- value converters


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, with line breaks for block elements."""

    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                         "blockquote", "pre", "ul", "ol", "table"})
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


_BLANK_RUNS = re.compile(r"[ \t\r\f\v\xa0]+")
_NEWLINE_RUNS = re.compile(r"\s*\n\s*")


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (Intercom bodies); entities decoded, tags gone."""
    if "<" not in html and "&" not in html:
        return html.strip()
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = _BLANK_RUNS.sub(" ", "".join(parser.parts))
    return _NEWLINE_RUNS.sub("\n", text).strip()


def _text(value: Any) -> str | None:
    """A cell as stripped text; lists (repeated columns) joined by blank lines."""
    if value is None:
        return None
    if value.__class__ is str:
        value = value.strip()
        return value or None
    if isinstance(value, list):
        parts = [t for t in (_text(v) for v in value) if t]
        return "\n\n".join(parts) or None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("value"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores ticket 1234 as 1234.0
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip() or None


def _name_list(value: Any) -> str | None:
    """Several values for a one-value field (Jira components): 'a, b'."""
    if isinstance(value, list):
        names = [t for t in (_text(v) for v in value) if t]
        return ", ".join(dict.fromkeys(names)) or None
    return _text(value)


_TAG_SPLIT_LISTS = re.compile(r"\s*[,;]\s*")


def to_tags(value: Any) -> list[str]:
    """Tags as a list of strings, whatever the export made of them.

    Strings are split on commas/semicolons when they hold any (tags may then
    contain spaces), else on whitespace (Zendesk's space-separated tags);
    tag objects give their ``name`` (Intercom, Jira components); duplicates go.
    """
    if value is None:
        return []
    if value.__class__ is str:
        text = value.strip()
        if not text:
            return []
        if "," not in text and ";" not in text:
            parts = text.split()  # Zendesk: space-separated, already stripped
            return parts if len(parts) == len(set(parts)) else list(dict.fromkeys(parts))
        parts = _TAG_SPLIT_LISTS.split(text)
    elif isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                item = item.get("name") or item.get("label") or item.get("value")
            if item is None:
                continue
            if isinstance(item, str) and ("," in item or ";" in item):
                parts.extend(_TAG_SPLIT_LISTS.split(item))  # repeated columns with lists inside
            else:
                parts.append(item if isinstance(item, str) else str(item))
    elif isinstance(value, dict):  # Intercom: {"type": "tag.list", "tags": [...]}
        return to_tags(value.get("tags") or value.get("name"))
    else:
        parts = [str(value)]
    return list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def _label(value: Any) -> str | None:
    """Channels and statuses: trimmed, lower case ('Web Form' -> 'web form')."""
    text = _text(value)
    return text.lower() if text else None


def _code_lookup(codes: Mapping[int, str]) -> Callable[[Any], str | None]:
    """Integer codes (Freshdesk API) -> names; text values pass through as labels."""

    def convert(value: Any) -> str | None:
        if isinstance(value, bool):
            return _label(value)
        if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
            code = int(float(value))
            return codes.get(code, str(code))
        return _label(value)

    return convert


def _email(value: Any) -> str | None:
    """An address, also from 'Name <addr>' or a list of addresses (first one)."""
    if isinstance(value, list):
        value = value[0] if value else None
    text = _text(value)
    if text and "<" in text and text.endswith(">"):
        text = text[text.rindex("<") + 1:-1].strip() or None
    return text


def _defect(value: Any) -> str | None:
    return normalize_defect_type(_text(value))


_FRESHDESK_SOURCES = {1: "email", 2: "portal", 3: "phone", 4: "forum", 5: "twitter",
                      6: "facebook", 7: "chat", 8: "mobihelp", 9: "feedback widget",
                      10: "outbound email", 11: "ecommerce", 12: "bot"}
_FRESHDESK_STATUSES = {2: "open", 3: "pending", 4: "resolved", 5: "closed",
                       6: "waiting on customer", 7: "waiting on third party"}

# How each field's value is converted unless a profile says otherwise.
_DEFAULT_CONVERTERS: Mapping[str, Callable[[Any], Any]] = MappingProxyType({
    "external_id": _text, "subject": _text, "body": _text, "requester_email": _email,
    "requester_name": _text, "channel": _label, "tags": to_tags, "status": _label,
    "product": _name_list, "page_url": _text, "defect_type": _defect,
})


# --------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class Profile:
    """How one help desk names its columns.

    ``fields``: our field -> candidate column names, best first (matched after
    :func:`normalize_column`). ``signature``: columns typical of this source
    only; detection counts how many a file has. ``converters``: per-field
    overrides of the default value conversion. ``html_columns``: columns whose
    text is HTML and is reduced to plain text.
    """

    name: str
    fields: Mapping[str, tuple[str, ...]]
    signature: frozenset[str] = frozenset()
    converters: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    html_columns: frozenset[str] = frozenset()
    min_signature: int = 2  # signature columns needed before detection trusts it
    description: str = ""

    def candidates(self, field_name: str) -> tuple[str, ...]:
        return self.fields.get(field_name, ())

    def converter(self, field_name: str) -> Callable[[Any], Any]:
        return self.converters.get(field_name) or _DEFAULT_CONVERTERS[field_name]


# Extras every profile accepts, for custom columns users commonly add.
_COMMON: dict[str, tuple[str, ...]] = {
    "product": ("product", "product name"),
    "page_url": ("page url", "page", "url of page"),
    "defect_type": ("defect type", "defect category", "defect"),
}


def _profile(name: str, fields: dict[str, tuple[str, ...]], signature: Iterable[str] = (),
             **kwargs: Any) -> Profile:
    merged: dict[str, tuple[str, ...]] = {}
    for f in FIELDS:
        names = fields.get(f, ()) + tuple(n for n in _COMMON.get(f, ()) if n not in fields.get(f, ()))
        merged[f] = tuple(normalize_column(n) for n in names)
    unknown = set(fields) - set(FIELDS)
    assert not unknown, f"profile {name}: unknown fields {unknown}"
    html = frozenset(normalize_column(c) for c in kwargs.pop("html_columns", ()))
    return Profile(name=name, fields=MappingProxyType(merged),
                   signature=frozenset(normalize_column(c) for c in signature),
                   html_columns=html, **kwargs)


ZENDESK = _profile(
    "zendesk",
    {
        "external_id": ("Id", "Ticket ID", "ticket id", "id"),
        "received_at": ("Created at", "created_at", "Ticket created at", "Created"),
        "subject": ("Subject", "raw_subject"),
        "body": ("Description", "description", "Ticket description"),
        "requester_email": ("Requester email", "requester.email", "via.source.from.address",
                            "Requester Email"),
        "requester_name": ("Requester", "Requester name", "requester.name",
                           "via.source.from.name"),
        "channel": ("Via", "via.channel", "Channel", "Ticket channel"),
        "tags": ("Tags", "tags"),
        "status": ("Status", "Ticket status"),
        "product": ("Product [list]", "Product [txt]", "custom_fields.product", "Product"),
        "page_url": ("Page URL [txt]", "custom_fields.page_url"),
    },
    signature=("Requester email", "Requester", "Requester id", "Requester domain", "Submitter",
               "Via", "Ticket type", "Satisfaction Score", "Group", "Assignee",
               "Solved at", "Initially assigned at", "Reopens", "Replies",
               "First reply time in minutes", "Full resolution time in minutes",
               "via.channel", "requester_id", "submitter_id", "raw_subject",
               "satisfaction_rating.score", "has_incidents", "brand_id", "ticket_form_id",
               "organization_id", "collaborator_ids", "sharing_agreement_ids"),
    description="Zendesk Support CSV export or Tickets API JSON",
)

JIRA = _profile(
    "jira",
    {
        "external_id": ("Issue key", "key", "Issue id", "id"),
        "received_at": ("Created", "fields.created"),
        "subject": ("Summary", "fields.summary"),
        "body": ("Description", "fields.description"),
        "requester_email": ("Reporter email", "fields.reporter.emailAddress",
                            "Custom field (Customer email)"),
        "requester_name": ("Reporter", "fields.reporter.displayName"),
        "channel": ("Custom field (Channel)", "Custom field (Request channel)"),
        "tags": ("Labels", "fields.labels"),
        "status": ("Status", "fields.status.name"),
        "product": ("Custom field (Product)", "Component/s", "Components", "fields.components"),
        "page_url": ("Custom field (Page URL)",),
        # Not "Issue Type": Bug/Task/Support is a workflow type, and a typo
        # filed as a Bug is still a typo; the text rules decide instead.
        "defect_type": ("Custom field (Defect type)",),
    },
    signature=("Issue key", "Issue id", "Issue Type", "Summary", "Component/s", "Project key",
               "Project name", "Project type", "Resolution", "Fix Version/s",
               "Affects Version/s", "Sprint", "Parent id", "fields.summary",
               "fields.issuetype.name", "fields.project.key", "fields.status.name"),
    description="Jira CSV export (all fields) or REST JSON",
)

FRESHDESK = _profile(
    "freshdesk",
    {
        "external_id": ("Ticket ID", "id", "Ticket Id"),
        "received_at": ("Created time", "created_at", "Created Time"),
        "subject": ("Subject",),
        # API JSON has both; description_text is the plain-text twin of the HTML one.
        "body": ("description_text", "Description"),
        "requester_email": ("Email", "Requester email", "requester.email", "Contact email"),
        "requester_name": ("Full name", "Requester name", "requester.name", "Contact name"),
        "channel": ("Source",),
        "tags": ("Tags",),
        "status": ("Status",),
        "product": ("Product", "custom_fields.cf_product", "cf_product", "product_id"),
        "page_url": ("Page URL", "custom_fields.cf_page_url", "cf_page_url"),
    },
    signature=("Created time", "Due by Time", "Resolved time", "Closed time",
               "Last update time", "Initial response time", "Resolution status",
               "First response status", "Agent interactions", "Customer interactions",
               "First response time (in hrs)", "Resolution time (in hrs)", "Time tracked",
               "fr_due_by", "fr_escalated", "is_escalated", "description_text",
               "requester_id", "responder_id", "email_config_id", "nr_due_by", "Survey results"),
    converters={"channel": _code_lookup(_FRESHDESK_SOURCES),
                "status": _code_lookup(_FRESHDESK_STATUSES)},
    # The API's `description` is HTML (description_text is the plain twin).
    html_columns=("description",),
    description="Freshdesk CSV export or Tickets API JSON (integer source/status decoded)",
)

SALESFORCE = _profile(
    "salesforce",
    {
        "external_id": ("Case Number", "CaseNumber", "Case ID", "Id"),
        "received_at": ("Date/Time Opened", "CreatedDate", "Opened Date", "Date Opened",
                        "Created Date"),
        "subject": ("Subject",),
        "body": ("Description",),
        "requester_email": ("Contact Email", "Web Email", "SuppliedEmail", "ContactEmail",
                            "Contact.Email"),
        "requester_name": ("Contact Name", "Web Name", "SuppliedName", "Contact.Name"),
        "channel": ("Case Origin", "Origin"),
        "tags": ("Tags",),
        "status": ("Status",),
        "product": ("Product", "Product__c", "Product Family"),
        "page_url": ("Page URL", "Page_URL__c"),
        "defect_type": ("Defect Type", "Defect_Type__c"),
    },
    signature=("Case Number", "CaseNumber", "Date/Time Opened", "Date/Time Closed",
               "Case Origin", "Case Owner", "Case Reason", "Web Email", "Web Name",
               "SuppliedEmail", "SuppliedName", "Origin", "CreatedDate", "IsClosed",
               "IsEscalated", "attributes.type", "Account Name", "Contact Name"),
    description="Salesforce Cases report export or SOQL JSON",
)

INTERCOM = _profile(
    "intercom",
    {
        "external_id": ("id", "Conversation ID"),
        "received_at": ("created_at", "Conversation created at", "Created at"),
        "subject": ("source.subject", "title"),
        "body": ("source.body", "conversation_message.body", "First message"),
        "requester_email": ("source.author.email", "conversation_message.author.email",
                            "User email", "Contact email"),
        "requester_name": ("source.author.name", "conversation_message.author.name",
                           "User name", "Contact name"),
        "channel": ("source.type", "source.delivered_as", "Channel"),
        "tags": ("tags.tags", "tags", "Tags"),
        "status": ("state", "State"),
        "page_url": ("source.url", "conversation_message.url"),
    },
    signature=("source.body", "source.author.email", "source.author.type", "source.delivered_as",
               "source.type", "source.url", "tags.tags", "tags.type", "conversation_message.body",
               "Conversation ID", "Conversation created at", "waiting_since", "snoozed_until",
               "admin_assignee_id", "team_assignee_id", "statistics.time_to_admin_reply",
               "conversation_rating.rating"),
    html_columns=("source.body", "source.subject", "conversation_message.body", "First message"),
    description="Intercom conversations (API JSON; created_at in Unix seconds; HTML bodies)",
)

GENERIC = _profile(
    "generic",
    {
        "external_id": ("id", "ticket", "ticket id", "ticket number", "ticket no", "reference",
                        "ref", "reference number", "case", "case id", "case number",
                        "complaint id", "complaint number", "number", "no"),
        "received_at": ("received at", "received", "date received", "received date",
                        "created at", "created", "created date", "creation date", "date",
                        "timestamp", "time", "datetime", "submitted at", "submitted",
                        "reported at", "reported", "opened", "complaint date"),
        "subject": ("subject", "title", "summary", "topic", "headline"),
        "body": ("body", "text", "message", "description", "comment", "comments",
                 "complaint", "complaint text", "details", "feedback", "content", "issue",
                 "problem", "note", "notes", "review"),
        "requester_email": ("email", "e-mail", "email address", "customer email",
                            "requester email", "contact email", "from"),
        "requester_name": ("name", "customer", "customer name", "requester", "requester name",
                           "full name", "contact name", "reporter"),
        "channel": ("channel", "source", "via", "origin", "medium"),
        "tags": ("tags", "labels", "tag", "label", "keywords"),
        "status": ("status", "state"),
        "product": ("product", "product name", "item"),
        "page_url": ("page url", "url", "page", "link", "page link", "web page"),
        "defect_type": ("defect type", "defect category", "type of defect", "defect"),
    },
    min_signature=0,
    description="any table with recognisable column names (date, subject/body, ...)",
)

PROFILES: Mapping[str, Profile] = MappingProxyType(
    {p.name: p for p in (ZENDESK, JIRA, FRESHDESK, SALESFORCE, INTERCOM, GENERIC)})


# --------------------------------------------------------------------------- detection


def _column_index(columns: Iterable[str]) -> dict[str, str]:
    """Normalised name -> the file's first column with that name."""
    index: dict[str, str] = {}
    for col in columns:
        index.setdefault(normalize_column(col), col)
    return index


def _resolve(profile: Profile, index: Mapping[str, str],
             taken: Iterable[str] = ()) -> dict[str, str]:
    """Our field -> file column, first candidate present; a column serves one field."""
    used = set(taken)
    found: dict[str, str] = {}
    for f in FIELDS:
        for candidate in profile.candidates(f):
            col = index.get(candidate)
            if col is not None and col not in used:
                found[f] = col
                used.add(col)
                break
    return found


def _usable(mapping: Mapping[str, str]) -> bool:
    return REQUIRED_DATE in mapping and any(f in mapping for f in REQUIRED_TEXT)


def detect_profile(columns: list[str]) -> Profile:
    """The profile that best fits a header: most signature columns, then most fields.

    Raises ProfileError naming the columns found, the fields needed and an
    example ``--map``, when no profile finds a text column and a date column.
    """
    index = _column_index(columns)
    ranked: list[tuple[int, int, int, Profile]] = []
    for order, profile in enumerate(PROFILES.values()):
        hits = len(profile.signature & index.keys())
        if hits < profile.min_signature:
            continue
        mapping = _resolve(profile, index)
        if _usable(mapping):
            # Generic has no signature; any real match beats it.
            ranked.append((hits, len(mapping), -order, profile))
    if ranked:
        return max(ranked, key=lambda r: r[:3])[3]
    shown = ", ".join(f'"{c}"' for c in columns[:30]) or "(none)"
    more = f" and {len(columns) - 30} more" if len(columns) > 30 else ""
    raise ProfileError(
        f"no import profile fits this file's columns: {shown}{more}. "
        "rca needs a text column (body or subject) and a date column (received_at); "
        'name them with --map, e.g. --map "Column Name=body" --map "Date Column=received_at", '
        f"or choose --profile ({', '.join(PROFILES)})")


# --------------------------------------------------------------------------- mapping rows


@dataclass(slots=True)
class MappedRow:
    """One record in our terms. ``received_raw`` is parsed later, once per file."""

    external_id: str | None
    received_raw: Any
    subject: str | None
    body: str | None
    requester_email: str | None
    requester_name: str | None
    channel: str | None
    tags: list[str]
    status: str | None
    product: str | None
    page_url: str | None
    defect_type: str | None
    extra: dict[str, Any]  # every unmapped, non-empty column, JSON-ready


def _json_ready(value: Any) -> Any:
    """Extra values go into a JSON column: dates become ISO text."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


_TAGS_AT = FIELDS.index("tags")


def _raw(value: Any) -> Any:
    return value


# Converters whose str case RowMapper.__call__ does inline (see there).
_CALL, _RAW, _TEXT, _LABEL = 0, 1, 2, 3
_INLINE: dict[Callable[[Any], Any], int] = {_raw: _RAW, _text: _TEXT, _label: _LABEL}


class RowMapper:
    """Turns a reader record into a :class:`MappedRow`; columns resolved once per file."""

    def __init__(self, profile: Profile, field_columns: dict[str, str]):
        self.profile = profile
        self.field_columns = dict(field_columns)  # our field -> file column (for the summary)
        self._mapped_columns = frozenset(field_columns.values())
        html = profile.html_columns
        # (position in MappedRow, column, converter or None for the raw value);
        # resolved once so the per-row loop only does lookups and calls.
        self._plan: list[tuple[int, str, int, Callable[[Any], Any]]] = []
        for i, f in enumerate(FIELDS):
            col = field_columns.get(f)
            if col is None:
                continue
            convert = profile.converter(f) if f != REQUIRED_DATE else _raw
            if f in ("body", "subject") and normalize_column(col) in html:
                convert = _html_text
            self._plan.append((i, col, _INLINE.get(convert, _CALL), convert))

    def __call__(self, record: dict[str, Any]) -> MappedRow:
        get = record.get
        values: list[Any] = [None] * len(FIELDS)
        for i, col, kind, convert in self._plan:
            raw = get(col)
            if raw is None:
                continue
            # The usual CSV cell (a str) is handled inline: a function call per
            # field is a measurable share of the per-row budget.
            if raw.__class__ is str and kind:
                if kind == _RAW:
                    values[i] = raw
                elif kind == _TEXT:
                    values[i] = raw.strip() or None
                else:  # _LABEL
                    values[i] = raw.strip().lower() or None
            else:
                values[i] = convert(raw)
        if values[_TAGS_AT] is None:
            values[_TAGS_AT] = []
        mapped = self._mapped_columns
        extra = {k: (v if v.__class__ is str else _json_ready(v))
                 for k, v in record.items() if v is not None and k not in mapped}
        return MappedRow(*values, extra)

    def __repr__(self) -> str:
        return f"RowMapper({self.profile.name!r}, {self.field_columns!r})"


def _html_text(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    return html_to_text(text) or None


def build_mapper(profile: Profile, columns: list[str], overrides: Mapping[str, str]) -> RowMapper:
    """Resolve each field to a column of this file; ``overrides`` (field -> column) win.

    Raises ProfileError for an unknown field or column (naming the valid
    ones), or when neither body nor subject, or no received date, is found.
    """
    index = _column_index(columns)
    chosen: dict[str, str] = {}
    for f, col in overrides.items():
        if f not in FIELDS:
            raise ProfileError(f"'{f}' is not a field rca imports; fields are {', '.join(FIELDS)}")
        actual = col if col in columns else index.get(normalize_column(col))
        if actual is None:
            close = difflib.get_close_matches(col, columns, n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ProfileError(f"the file has no column '{col}' (for --map '{col}={f}'){hint} "
                               f"Columns are: {', '.join(columns)}")
        chosen[f] = actual
    auto = _resolve(profile, index, taken=chosen.values())
    field_columns = {f: chosen.get(f) or auto[f] for f in FIELDS if f in chosen or f in auto}
    if not _usable(field_columns):
        missing = []
        if not any(f in field_columns for f in REQUIRED_TEXT):
            missing.append("a text column (body or subject)")
        if REQUIRED_DATE not in field_columns:
            missing.append("a date column (received_at)")
        raise ProfileError(
            f"the {profile.name} profile finds no {' and no '.join(missing)} in this file "
            f"(columns: {', '.join(columns) or 'none'}); "
            'name it with --map, e.g. --map "Column Name=body"')
    return RowMapper(profile, field_columns)
