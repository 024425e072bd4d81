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
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from types import MappingProxyType
from typing import Any

from ..defects import normalize_defect_type
from ..errors import ProfileError

__all__ = ["FIELDS", "REQUIRED_TEXT", "REQUIRED_DATE", "DEFAULT_MAX_RATING", "Profile", "PROFILES",
           "MappedRow", "RowMapper", "RowSkipped", "SkipRule", "detect_profile", "build_mapper",
           "normalize_column", "html_to_text", "to_tags", "column_stats", "choose_profile", "ColumnStats"]

FIELDS: tuple[str, ...] = (
    "external_id", "received_at", "subject", "body", "requester_email", "requester_name",
    "channel", "tags", "status", "product", "page_url", "defect_type",
    # Who the customer is when there is no email (an author or user id, a phone),
    # when the help desk last changed the ticket, and a review's star rating.
    "customer_id", "requester_phone", "updated_at", "rating",
)
# Review files: ratings above this are praise, not complaints (--max-rating changes it).
DEFAULT_MAX_RATING = 3
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
                item = item.get("name") or item.get("label") or item.get("value") or item.get("tag")
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


def _identifier(value: Any) -> str | None:
    """An id, also the first of a list of people (Intercom ``contacts.contacts``)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("id") or value.get("value") or value.get("email")
    return _text(value)


def _code_or_label(codes: Mapping[str, str]) -> Callable[[Any], str | None]:
    """Statuses written as codes by one help desk and as names by its CSV export."""

    def convert(value: Any) -> str | None:
        label = _label(value)
        return codes.get(label, label) if label else None

    return convert


_FRESHDESK_SOURCES = {1: "email", 2: "portal", 3: "phone", 4: "forum", 5: "twitter",
                      6: "facebook", 7: "chat", 8: "mobihelp", 9: "feedback widget",
                      10: "outbound email", 11: "ecommerce", 12: "bot"}
_FRESHDESK_STATUSES = {2: "open", 3: "pending", 4: "resolved", 5: "closed",
                       6: "waiting on customer", 7: "waiting on third party"}

def _helpscout_body(value: Any) -> str | None:
    """Help Scout: the oldest thread a customer wrote (threads come newest first), as plain text."""
    if not isinstance(value, list):
        return _text(value)
    written = [t for t in value if isinstance(t, dict) and t.get("body")
               and (t.get("type") == "customer" or (t.get("createdBy") or {}).get("type") == "customer")]
    if not written:
        return None
    oldest = min(written, key=lambda t: str(t.get("createdAt") or ""))
    return _html_text(oldest.get("body"))


def _raw_value(value: Any) -> Any:
    return value


# How each field's value is converted unless a profile says otherwise.
_DEFAULT_CONVERTERS: Mapping[str, Callable[[Any], Any]] = MappingProxyType({
    "external_id": _text, "subject": _text, "body": _text, "requester_email": _email,
    "requester_name": _text, "channel": _label, "tags": to_tags, "status": _label,
    "product": _name_list, "page_url": _text, "defect_type": _defect,
    "customer_id": _identifier, "requester_phone": _text, "updated_at": _raw_value, "rating": _raw_value,
})


# --------------------------------------------------------------------------- profiles


@dataclass(frozen=True)
class SkipRule:
    """Rows that are not a customer's complaint: skipped, counted under ``reason``.

    The first of ``columns`` the file has is read; a row is skipped when its
    value (trimmed, lower case) is one of ``values``.
    """

    columns: tuple[str, ...]
    values: frozenset[str]
    reason: str


@dataclass(frozen=True)
class Profile:
    """How one help desk names its columns.

    ``fields``: our field -> candidate column names, best first (matched after
    :func:`normalize_column`). ``signature``: columns typical of this source
    only; detection counts how many a file has. ``converters``: per-field
    overrides of the default value conversion. ``html_columns``: columns whose
    text is HTML and is reduced to plain text. ``skip``: rows that are the
    company's own words (replies, outbound messages) or not complaints at all
    (deleted tickets). ``no_text_reason``: rows without text are skipped with
    this reason instead of being rejected, when the source leaves text out on
    purpose. ``tag_columns``: columns whose values also become tags, so labels
    a source picks from menus can be filtered on. ``not_kept``: columns of
    personal data no field needs (column -> why), left out of the extra data.
    ``defaults``: a field's value when no column gives one (the channel of a
    single-channel source). ``one_customer_per_ticket``: the source publishes
    no customer identity and each ticket is a different customer.
    ``max_rating``: review sources skip ratings above it by default.
    """

    name: str
    fields: Mapping[str, tuple[str, ...]]
    signature: frozenset[str] = frozenset()
    converters: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    html_columns: frozenset[str] = frozenset()
    min_signature: int = 2  # signature columns needed before detection trusts it
    description: str = ""
    skip: tuple[SkipRule, ...] = ()
    no_text_reason: str | None = None
    tag_columns: tuple[str, ...] = ()
    not_kept: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    one_customer_per_ticket: bool = False
    # Rows rated above this are skipped unless --max-rating says otherwise; None:
    # ratings are kept whatever they are (a survey's 0-10 score is not a review).
    max_rating: float | None = None

    def candidates(self, field_name: str) -> tuple[str, ...]:
        return self.fields.get(field_name, ())

    def converter(self, field_name: str) -> Callable[[Any], Any]:
        return self.converters.get(field_name) or _DEFAULT_CONVERTERS[field_name]


# Extras every profile accepts, for custom columns users commonly add.
_COMMON: dict[str, tuple[str, ...]] = {
    "product": ("product", "product name"),
    "page_url": ("page url", "page", "url of page"),
    "defect_type": ("defect type", "defect category", "defect"),
    "updated_at": ("updated at", "updated", "last updated", "last modified", "modified at",
                   "last update time", "last modified date", "date updated"),
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
    skip = tuple(SkipRule(tuple(normalize_column(c) for c in rule.columns),
                          frozenset(v.lower() for v in rule.values), rule.reason)
                 for rule in kwargs.pop("skip", ()))
    tag_columns = tuple(normalize_column(c) for c in kwargs.pop("tag_columns", ()))
    not_kept = MappingProxyType({normalize_column(c): why for c, why in kwargs.pop("not_kept", {}).items()})
    return Profile(name=name, fields=MappingProxyType(merged),
                   signature=frozenset(normalize_column(c) for c in signature),
                   html_columns=html, skip=skip, tag_columns=tag_columns, not_kept=not_kept, **kwargs)


_FALSE = frozenset({"false", "0", "no", "n", "f"})

ZENDESK = _profile(
    "zendesk",
    {
        "external_id": ("Id", "Ticket ID", "ticket id", "id"),
        "received_at": ("Created at", "created_at", "Ticket created at", "Created"),
        "subject": ("Subject", "raw_subject"),
        "body": ("Description", "description", "Ticket description"),
        "requester_email": ("Requester email", "requester.email", "via.source.from.address",
                            "via_source_from_address", "requester_email", "Requester Email"),
        "requester_name": ("Requester", "Requester name", "requester.name",
                           "via.source.from.name", "via_source_from_name", "requester_name"),
        # Flattened API exports write via.channel as via_channel.
        "channel": ("Via", "via.channel", "via_channel", "Channel", "Ticket channel"),
        "tags": ("Tags", "tags"),
        "status": ("Status", "Ticket status"),
        "product": ("Product [list]", "Product [txt]", "custom_fields.product", "Product"),
        "page_url": ("Page URL [txt]", "custom_fields.page_url"),
        "customer_id": ("Requester id", "requester_id"),
        "updated_at": ("Updated at", "updated_at", "Ticket updated at"),
    },
    signature=("Requester email", "Requester", "Requester id", "Requester domain", "Submitter",
               "Via", "Ticket type", "Satisfaction Score", "Group", "Assignee",
               "Solved at", "Initially assigned at", "Reopens", "Replies",
               "First reply time in minutes", "Full resolution time in minutes",
               "via.channel", "via_channel", "requester_id", "submitter_id", "raw_subject",
               "satisfaction_rating.score", "satisfaction_rating_score", "has_incidents", "brand_id",
               "ticket_form_id", "organization_id", "collaborator_ids", "sharing_agreement_ids"),
    skip=(SkipRule(("Status", "Ticket status"), frozenset({"deleted"}), "deleted tickets"),),
    description="Zendesk Support CSV export, Tickets API JSON, or a flattened API export (via_channel)",
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
        "customer_id": ("Reporter Id", "fields.reporter.accountId"),
        "updated_at": ("Updated", "fields.updated"),
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
        "customer_id": ("requester_id", "Requester ID"),
        "requester_phone": ("Work phone", "Mobile phone", "requester.phone", "requester.mobile"),
        "updated_at": ("Last update time", "updated_at"),
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
        "customer_id": ("ContactId", "Contact ID"),
        "requester_phone": ("Contact Phone", "SuppliedPhone", "Web Phone", "ContactPhone"),
        "updated_at": ("LastModifiedDate", "Last Modified Date"),
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
        # The customer of the conversation, whoever wrote its first message.
        "customer_id": ("contacts.contacts", "user.id", "source.author.id", "User ID", "Contact ID"),
        "updated_at": ("updated_at", "Conversation updated at", "Updated at"),
    },
    signature=("source.body", "source.author.email", "source.author.type", "source.delivered_as",
               "source.type", "source.url", "tags.tags", "tags.type", "conversation_message.body",
               "Conversation ID", "Conversation created at", "waiting_since", "snoozed_until",
               "admin_assignee_id", "team_assignee_id", "statistics.time_to_admin_reply",
               "conversation_rating.rating"),
    html_columns=("source.body", "source.subject", "conversation_message.body", "First message"),
    # An admin's (or bot's) first message is the company's words, and its
    # author email is the admin's, never the customer's contact.
    skip=(SkipRule(("source.author.type", "conversation_message.author.type"),
                   frozenset({"admin", "bot", "team"}), "conversations started by the company (an admin or bot)"),
          SkipRule(("source.delivered_as",), frozenset({"admin_initiated", "automated", "campaigns_initiated"}),
                   "conversations started by the company (an admin or bot)")),
    description="Intercom conversations (API JSON; created_at in Unix seconds; HTML bodies)",
)

CFPB = _profile(
    "cfpb",
    {
        "external_id": ("Complaint ID", "complaint_id", "_source.complaint_id", "_id"),
        "received_at": ("Date received", "date_received", "_source.date_received"),
        # The consumer's own words. Issue and Sub-issue are menu labels.
        "body": ("Consumer complaint narrative", "complaint_what_happened",
                 "_source.complaint_what_happened"),
        "channel": ("Submitted via", "submitted_via", "_source.submitted_via"),
        "status": ("Company response to consumer", "company_response", "_source.company_response"),
        "product": ("Product", "product", "_source.product"),
    },
    signature=("Consumer complaint narrative", "Complaint ID", "Sub-issue", "Sub-product",
               "Company response to consumer", "Consumer consent provided?", "Consumer disputed?",
               "Timely response?", "Company public response", "Date sent to company",
               "complaint_what_happened", "complaint_id", "sub_issue", "sub_product", "company_response",
               "consumer_consent_provided", "date_sent_to_company", "has_narrative",
               "_source.complaint_what_happened", "_source.complaint_id", "_source.sub_issue",
               "_source.sub_product", "_source.company_response", "_source.consumer_consent_provided"),
    min_signature=3,
    # Narratives are published only with the consumer's consent: without one
    # the row holds menu labels, not a customer's text.
    no_text_reason="complaints without a consumer narrative (published only with consent)",
    tag_columns=("Issue", "Sub-issue", "issue", "sub_issue", "_source.issue", "_source.sub_issue"),
    one_customer_per_ticket=True,
    description="CFPB consumer complaint database: CSV export or search API JSON",
)

TWCS = _profile(
    "twcs",
    {
        "external_id": ("tweet_id", "id", "id_str"),
        "received_at": ("created_at",),
        "body": ("text", "full_text"),
        "customer_id": ("author_id", "user.id", "user_id"),
    },
    signature=("tweet_id", "author_id", "inbound", "response_tweet_id", "in_response_to_tweet_id"),
    skip=(SkipRule(("inbound",), _FALSE, "company replies (inbound is False)"),),
    defaults={"channel": "twitter"},
    description="Customer Support on Twitter (twcs): inbound tweets, author_id the customer",
)

REVIEWS = _profile(
    "reviews",
    {
        "external_id": ("reviewId", "review id", "id", "review_id", "id.label"),
        "received_at": ("at", "date", "updated", "review date", "Date", "im:updated", "updated.label"),
        "subject": ("title", "Title", "title.label"),
        "body": ("content", "review", "text", "Review", "body", "content.label"),
        "requester_name": ("userName", "user name", "author", "Author", "author.name.label"),
        "customer_id": ("userId", "user id", "author.uri.label"),
        "rating": ("score", "rating", "Rating", "stars", "im:rating.label", "im:rating"),
        "product": ("appId", "app id", "app", "App"),
    },
    signature=("reviewId", "userName", "userImage", "thumbsUpCount", "reviewCreatedVersion",
               "replyContent", "repliedAt", "appVersion", "isEdited", "developerResponse",
               "userUrl", "score", "rating", "im:rating.label", "im:version.label", "author.name.label"),
    not_kept={"userImage": "the reviewer's avatar URL (personal data, not needed)",
              "userUrl": "the reviewer's profile URL (personal data, not needed)",
              "author.uri.label": "the reviewer's profile URL (personal data, not needed)"},
    defaults={"channel": "app review"},
    max_rating=DEFAULT_MAX_RATING,
    description="app-store reviews: google-play-scraper CSV/JSON, App Store scrapers and RSS JSON",
)

HUBSPOT = _profile(
    "hubspot",
    {
        "external_id": ("Ticket ID", "id", "hs_object_id", "properties.hs_object_id"),
        "received_at": ("Create date", "properties.createdate", "createdAt", "createdate"),
        "subject": ("Ticket name", "properties.subject", "subject"),
        "body": ("Ticket description", "properties.content", "content"),
        "requester_email": ("Associated Contact email", "Contact email", "properties.hs_contact_email"),
        "requester_name": ("Associated Contact", "Contact name"),
        "channel": ("Source", "properties.source_type", "source_type"),
        "status": ("Ticket status", "properties.hs_pipeline_stage", "hs_pipeline_stage"),
        "product": ("properties.hs_ticket_category", "Category"),
        "customer_id": ("Associated Contact IDs", "Contact ID", "properties.hs_primary_contact_id"),
        "updated_at": ("Last modified date", "properties.hs_lastmodifieddate", "updatedAt",
                       "hs_lastmodifieddate"),
    },
    signature=("Ticket name", "Ticket description", "Ticket status", "Pipeline", "Ticket owner",
               "Create date", "Last modified date", "Last activity date", "properties.hs_pipeline",
               "properties.hs_pipeline_stage", "properties.hs_ticket_priority", "properties.content",
               "properties.createdate", "properties.hs_lastmodifieddate", "properties.subject",
               "hs_pipeline_stage", "hs_ticket_priority", "archived"),
    # The default support pipeline's stage ids, as the API returns them.
    converters={"status": _code_or_label({"1": "new", "2": "waiting on contact", "3": "waiting on us",
                                          "4": "closed"})},
    description="HubSpot tickets: CSV export or CRM API JSON (properties.*)",
)

SERVICENOW = _profile(
    "servicenow",
    {
        "external_id": ("number", "Number", "sys_id"),
        "received_at": ("opened_at", "Opened", "sys_created_on", "Created"),
        "subject": ("short_description", "Short description"),
        "body": ("description", "Description"),
        "requester_email": ("caller_id.email", "Caller email"),
        "requester_name": ("caller_id.display_value", "Caller", "caller_id"),
        "customer_id": ("caller_id.value", "caller_id.sys_id"),
        "channel": ("contact_type", "Channel", "Contact type"),
        "status": ("incident_state", "state", "State", "Incident state"),
        "product": ("cmdb_ci.display_value", "cmdb_ci", "Configuration item", "business_service",
                    "Service", "category", "Category"),
        "updated_at": ("sys_updated_on", "Updated"),
    },
    signature=("number", "short_description", "opened_at", "caller_id", "caller_id.value",
               "sys_id", "sys_updated_on", "sys_created_on", "incident_state", "contact_type",
               "assignment_group", "cmdb_ci", "Short description", "Opened", "Caller",
               "Assignment group", "Configuration item"),
    # Incident state codes of the API (the CSV export writes their names).
    converters={"status": _code_or_label({"1": "new", "2": "in progress", "3": "on hold", "6": "resolved",
                                          "7": "closed", "8": "canceled"})},
    description="ServiceNow incidents: list CSV export or Table API JSON",
)

HELPSCOUT = _profile(
    "helpscout",
    {
        "external_id": ("id", "Conversation ID", "number", "Conversation Number"),
        "received_at": ("createdAt", "Created At", "Date Created", "Created"),
        "subject": ("subject", "Subject"),
        # The full first message when threads were embedded, else Help Scout's preview of it.
        "body": ("_embedded.threads", "preview", "Preview", "Message"),
        "requester_email": ("primaryCustomer.email", "Customer Email", "customer.email"),
        "requester_name": ("primaryCustomer.first", "Customer Name", "Customer"),
        "customer_id": ("primaryCustomer.id", "Customer ID", "customer.id"),
        "channel": ("source.type", "type", "Type"),
        "tags": ("tags", "Tags"),
        "status": ("status", "Status"),
        "product": ("mailboxId", "Mailbox"),
        "updated_at": ("userUpdatedAt", "Last Updated", "Updated At"),
    },
    signature=("primaryCustomer.id", "primaryCustomer.email", "mailboxId", "preview", "userUpdatedAt",
               "closedBy", "createdBy.type", "source.via", "_embedded.threads", "customerWaitingSince.time",
               "Customer Email", "Mailbox", "Waiting Since", "Conversation Number"),
    converters={"body": _helpscout_body, "product": _text},
    skip=(SkipRule(("createdBy.type", "source.via"), frozenset({"user"}),
                   "conversations started by the company (an agent)"),
          SkipRule(("status", "Status"), frozenset({"spam"}), "spam conversations")),
    description="Help Scout conversations: Mailbox API JSON (threads embedded or not) or CSV export",
)

GENERIC = _profile(
    "generic",
    {
        "external_id": ("id", "ticket", "ticket id", "ticket number", "ticket no", "reference",
                        "ref", "reference number", "case", "case id", "case number",
                        "complaint id", "complaint number", "number", "no", "tweet id", "review id",
                        "issue id", "issue key",
                        "message id", "conversation id"),
        "received_at": ("received at", "received", "date received", "received date",
                        "created at", "created", "created date", "creation date", "date",
                        "timestamp", "time", "datetime", "submitted at", "submitted",
                        "reported at", "reported", "opened", "complaint date", "at", "posted at",
                        "sent at", "opened at"),
        "subject": ("subject", "title", "summary", "topic", "headline"),
        "body": ("body", "text", "message", "description", "comment", "comments",
                 "complaint", "complaint text", "details", "feedback", "content", "issue",
                 "problem", "note", "notes", "review", "narrative"),
        "requester_email": ("email", "e-mail", "email address", "customer email",
                            "requester email", "contact email", "from"),
        "requester_name": ("name", "customer", "customer name", "requester", "requester name",
                           "full name", "contact name", "reporter", "user name", "username", "author"),
        "channel": ("channel", "source", "via", "origin", "medium"),
        "tags": ("tags", "labels", "tag", "label", "keywords"),
        "status": ("status", "state"),
        "product": ("product", "product name", "item"),
        "page_url": ("page url", "url", "page", "link", "page link", "web page"),
        "defect_type": ("defect type", "defect category", "type of defect", "defect"),
        "customer_id": ("customer id", "user id", "author id", "requester id", "client id", "account id",
                        "customer number", "contact id", "member id", "user", "user_id", "author_id"),
        "requester_phone": ("phone", "phone number", "telephone", "mobile", "customer phone"),
        "rating": ("rating", "score", "stars", "star rating"),
    },
    min_signature=0,
    description="any table with recognisable column names (date, subject/body, ...)",
)

PROFILES: Mapping[str, Profile] = MappingProxyType(
    {p.name: p for p in (ZENDESK, JIRA, FRESHDESK, SALESFORCE, INTERCOM, CFPB, TWCS, REVIEWS, HUBSPOT,
                         SERVICENOW, HELPSCOUT, GENERIC)})


# --------------------------------------------------------------------------- what columns hold


@dataclass
class ColumnStats:
    """What a sample of a column holds: enough to tell free text from labels and codes."""

    filled: int = 0
    distinct: int = 0
    mean_chars: float = 0.0
    mean_words: float = 0.0
    common: tuple[str, ...] = ()  # its most frequent values, lower case

    @property
    def distinct_share(self) -> float:
        return self.distinct / self.filled if self.filled else 0.0

    def is_free_text(self) -> bool:
        """Sentences people wrote: several words a value, and mostly different values."""
        return self.filled > 0 and self.mean_words >= 6 and self.distinct_share >= 0.6

    def is_label(self) -> bool:
        """Few distinct short values (a menu pick, a category), judged on enough rows."""
        return self.filled >= 10 and (self.distinct_share < 0.5 or self.mean_words < 4)


def column_stats(columns: Iterable[str], records: Iterable[Mapping[str, Any]]) -> dict[str, ColumnStats]:
    """ColumnStats of each column over sample records (lists and objects are not text)."""
    values: dict[str, list[str]] = {c: [] for c in columns}
    for record in records:
        for column, bucket in values.items():
            value = record.get(column)
            if value is None or isinstance(value, (list, dict)):
                continue
            text = value.strip() if value.__class__ is str else _text(value)
            if text:
                bucket.append(text)
    stats: dict[str, ColumnStats] = {}
    for column, texts in values.items():
        if not texts:
            stats[column] = ColumnStats()
            continue
        counts = Counter(t.lower() for t in texts)
        stats[column] = ColumnStats(
            filled=len(texts), distinct=len(set(texts)),
            mean_chars=sum(map(len, texts)) / len(texts),
            mean_words=sum(len(t.split()) for t in texts) / len(texts),
            common=tuple(v for v, _ in counts.most_common(8)))
    return stats


# Words ticket statuses are made of, in the help desks rca knows and in plain
# English; a "status" column none of whose common values holds one (US state
# codes, priorities, names) is not a status.
_STATUS_WORDS = frozenset("""
    new open opened reopened pending solved resolved closed close hold waiting wait progress active
    assigned escalated cancelled canceled done complete completed fixed rejected duplicate spam deleted
    archived draft submitted received acknowledged investigating answered unanswered responded awaiting
    snoozed published todo backlog review blocked wontfix triage triaged accepted declined expired
    processing untriaged verified explanation relief response responses monetary non-monetary untimely
    working working-on-it on-hold in-progress needs-info
    offen geschlossen gelöst neu wartend bearbeitung erledigt ouvert fermé résolu nouveau attente
    abierto cerrado resuelto nuevo pendiente aperto chiuso risolto nuovo""".split())
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _looks_like_statuses(stats: ColumnStats) -> bool:
    if stats.filled < 5 or not stats.common:
        return True  # too little to judge
    hits = sum(1 for value in stats.common
               if value.isdigit() or any(w in _STATUS_WORDS for w in _WORD.findall(value)))
    return hits * 2 >= len(stats.common)


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


def _usable(mapping: Mapping[str, str], need_date: bool = True) -> bool:
    return (REQUIRED_DATE in mapping or not need_date) and any(f in mapping for f in REQUIRED_TEXT)


def _free_text_columns(stats: Mapping[str, ColumnStats] | None) -> list[str]:
    """Columns of free text, longest first."""
    if not stats:
        return []
    return sorted((c for c, s in stats.items() if s.is_free_text()), key=lambda c: -stats[c].mean_chars)


def choose_profile(columns: list[str], stats: Mapping[str, ColumnStats] | None = None,
                   need_date: bool = True) -> tuple[Profile, str]:
    """The profile that best fits a file, and why: most signature columns, then most fields.

    A file no profile reads by column names alone is still read by the generic
    profile when a column holds free text (the body is chosen by content).
    Raises ProfileError naming the columns found, the fields needed and an
    example ``--map`` otherwise.
    """
    index = _column_index(columns)
    ranked: list[tuple[int, int, int, Profile]] = []
    free_text = _free_text_columns(stats)
    for order, profile in enumerate(PROFILES.values()):
        hits = len(profile.signature & index.keys())
        if hits < profile.min_signature:
            continue
        mapping = _resolve(profile, index)
        if free_text and not any(f in mapping for f in REQUIRED_TEXT):
            mapping["body"] = free_text[0]
        if _usable(mapping, need_date):
            # Generic has no signature; any real match beats it.
            ranked.append((hits, len(mapping), -order, profile))
    if ranked:
        hits, _, _, profile = max(ranked, key=lambda r: r[:3])
        if not hits:
            return profile, "no help-desk signature among the columns; read by common column names"
        found = [index[c] for c in sorted(profile.signature & index.keys())]
        shown = ", ".join(f'"{c}"' for c in found[:4]) + (f" and {len(found) - 4} more" if len(found) > 4 else "")
        return profile, f"{hits} of its typical columns: {shown}"
    shown = ", ".join(f'"{c}"' for c in columns[:30]) or "(none)"
    more = f" and {len(columns) - 30} more" if len(columns) > 30 else ""
    raise ProfileError(
        f"no import profile fits this file's columns: {shown}{more}. "
        "rca needs a text column (body or subject) and a date column (received_at); "
        'name them with --map, e.g. --map "Column Name=body" --map "Date Column=received_at", '
        "or date every row with --received-on YYYY-MM-DD, "
        f"or choose --profile ({', '.join(PROFILES)})")


def detect_profile(columns: list[str], stats: Mapping[str, ColumnStats] | None = None) -> Profile:
    """The profile that best fits a header (see :func:`choose_profile`)."""
    return choose_profile(columns, stats)[0]


# --------------------------------------------------------------------------- mapping rows


class RowSkipped(Exception):
    """A row that is not a customer's complaint (a company reply, a 5-star review); counted by reason."""


@dataclass(slots=True)
class MappedRow:
    """One record in our terms. ``received_raw`` and ``updated_raw`` are parsed later, once per file."""

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
    customer_id: str | None
    requester_phone: str | None
    updated_raw: Any
    rating: Any
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
_RATING_AT = FIELDS.index("rating")


# Converters whose str case RowMapper.__call__ does inline (see there).
_CALL, _RAW, _TEXT, _LABEL = 0, 1, 2, 3
_INLINE: dict[Callable[[Any], Any], int] = {_raw_value: _RAW, _text: _TEXT, _label: _LABEL}
_STAR = "\u2605"


def _rating(value: Any) -> float | None:
    """A star rating as a number: 4, "4", "4.0", "4/5", "★★★★"; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = _text(value)
    if not text:
        return None
    if _STAR in text:
        return float(text.count(_STAR))
    try:
        return float(text.split("/")[0].strip())
    except ValueError:
        return None


class RowMapper:
    """Turns a reader record into a :class:`MappedRow`; columns resolved once per file.

    Raises :class:`RowSkipped` for rows the profile says are not complaints and,
    when a rating is mapped, for ratings above ``max_rating``.
    """

    def __init__(self, profile: Profile, field_columns: dict[str, str], *, columns: Iterable[str] = (),
                 how: Mapping[str, str] | None = None, warnings: Iterable[str] = (),
                 max_rating: float | None = None, profile_reason: str = ""):
        self.profile = profile
        self.profile_reason = profile_reason
        self.field_columns = dict(field_columns)  # our field -> file column (for the summary)
        self.how = dict(how or {})  # field -> how its column was chosen, when not simply by name
        self.warnings = list(warnings)
        self.columns = list(columns) or list(field_columns.values())
        index = _column_index(self.columns)
        self.not_kept = {index[c]: why for c, why in profile.not_kept.items() if c in index}
        self.tag_columns = [index[c] for c in dict.fromkeys(profile.tag_columns) if c in index]
        # A rating has no column of its own: it stays visible in the extra data.
        self._mapped_columns = (frozenset(c for f, c in field_columns.items() if f != "rating")
                                | frozenset(self.not_kept))
        self.skip_rules: list[tuple[str, frozenset[str], str]] = []
        for rule in profile.skip:
            col = next((index[c] for c in rule.columns if c in index), None)
            if col is not None:
                self.skip_rules.append((col, rule.values, rule.reason))
        if max_rating is None:
            max_rating = profile.max_rating
        self.max_rating = max_rating if "rating" in field_columns else None
        self.defaults = [(FIELDS.index(f), v) for f, v in profile.defaults.items() if f not in field_columns]
        html = profile.html_columns
        # (position in MappedRow, column, converter or None for the raw value);
        # resolved once so the per-row loop only does lookups and calls.
        self._plan: list[tuple[int, str, int, Callable[[Any], Any]]] = []
        for i, f in enumerate(FIELDS):
            col = field_columns.get(f)
            if col is None:
                continue
            convert = profile.converter(f) if f != REQUIRED_DATE else _raw_value
            if f in ("body", "subject") and normalize_column(col) in html:
                convert = _html_text
            self._plan.append((i, col, _INLINE.get(convert, _CALL), convert))

    def __call__(self, record: dict[str, Any]) -> MappedRow:
        get = record.get
        if self.skip_rules:
            for col, values, reason in self.skip_rules:
                value = get(col)
                if value is not None and str(value).strip().lower() in values:
                    raise RowSkipped(reason)
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
        if self.max_rating is not None and values[_RATING_AT] is not None:
            stars = _rating(values[_RATING_AT])
            if stars is not None and stars > self.max_rating:
                raise RowSkipped(f"ratings above {self.max_rating:g}")
        if values[_TAGS_AT] is None:
            values[_TAGS_AT] = []
        if self.tag_columns:
            labels = [t for t in (_text(get(c)) for c in self.tag_columns) if t]
            values[_TAGS_AT] = list(dict.fromkeys([*values[_TAGS_AT], *labels]))
        for i, value in self.defaults:
            if values[i] is None:
                values[i] = value
        mapped = self._mapped_columns
        extra = {k: (v if v.__class__ is str else _json_ready(v))
                 for k, v in record.items() if v is not None and k not in mapped}
        return MappedRow(*values, extra)

    def describe(self) -> dict[str, Any]:
        """What this mapper does, as data: the profile and why, each field's column, the rest."""
        fields = [{"field": f, "column": self.field_columns[f], "how": self.how.get(f, "by name")}
                  for f in FIELDS if f in self.field_columns]
        for f, value in self.profile.defaults.items():
            if f not in self.field_columns:
                fields.append({"field": f, "column": None, "how": f"always '{value}' ({self.profile.name} profile)"})
        kept = [c for c in self.columns if c not in self._mapped_columns]
        return {
            "profile": self.profile.name,
            "profile_reason": self.profile_reason,
            "fields": fields,
            "tags_from": list(self.tag_columns),
            "extra_columns": kept,
            "not_kept": [{"column": c, "why": why} for c, why in self.not_kept.items()],
            "customer": self._customer_rule(),
            "skip_rules": [{"column": c, "values": sorted(v), "reason": r} for c, v, r in self.skip_rules],
            "max_rating": self.max_rating,
            "warnings": list(self.warnings),
        }

    def _customer_rule(self) -> str:
        order = [(f, label) for f, label in (("requester_email", "email"), ("customer_id", "id"),
                                              ("requester_name", "name"), ("requester_phone", "phone"))
                 if f in self.field_columns]
        parts = [f"{label} '{self.field_columns[f]}'" for f, label in order]
        if not parts and self.profile.one_customer_per_ticket:
            return "each ticket is its own customer: the source publishes no customer identity"
        if not parts:
            return "unknown: no column identifies the customer, so customers are not counted"
        rule = "salted hash of " + ", else ".join(parts)
        if self.profile.one_customer_per_ticket:
            rule += ", else each ticket is its own customer"
        return rule

    def __repr__(self) -> str:
        return f"RowMapper({self.profile.name!r}, {self.field_columns!r})"


def _html_text(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    return html_to_text(text) or None


def build_mapper(profile: Profile, columns: list[str], overrides: Mapping[str, str],
                 stats: Mapping[str, ColumnStats] | None = None, *, need_date: bool = True,
                 max_rating: float | None = None, profile_reason: str = "") -> RowMapper:
    """Resolve each field to a column of this file; ``overrides`` (field -> column) win.

    With ``stats`` (:func:`column_stats` of a sample), columns are also judged
    by what they hold: a body column of a few short labels gives way to a
    column of free text, and a status column whose values are not statuses is
    left in the extra data; both are named in the mapper's warnings.

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
    how = {f: "--map" for f in chosen}
    warnings: list[str] = []
    if stats:
        _judge_by_content(field_columns, chosen, stats, how, warnings)
    if not _usable(field_columns, need_date):
        missing = []
        if not any(f in field_columns for f in REQUIRED_TEXT):
            missing.append("a text column (body or subject)")
        if REQUIRED_DATE not in field_columns and need_date:
            missing.append("a date column (received_at)")
        fix = ('name it with --map, e.g. --map "Column Name=body"' if len(missing) > 1 or "text" in missing[0]
               else 'name it with --map "Column Name=received_at", or date every row with '
                    "--received-on YYYY-MM-DD (the day the export was made)")
        raise ProfileError(
            f"the {profile.name} profile finds no {' and no '.join(missing)} in this file "
            f"(columns: {', '.join(columns) or 'none'}); {fix}")
    return RowMapper(profile, field_columns, columns=columns, how=how, warnings=warnings,
                     max_rating=max_rating, profile_reason=profile_reason)


def _judge_by_content(field_columns: dict[str, str], chosen: Mapping[str, str],
                      stats: Mapping[str, ColumnStats], how: dict[str, str], warnings: list[str]) -> None:
    """Check the name-based choice against what the columns hold (see build_mapper)."""
    used = set(field_columns.values())
    free_text = [c for c in _free_text_columns(stats) if c not in used]
    body = field_columns.get("body")
    body_stats = stats.get(body) if body else None
    if body is None and free_text:
        field_columns["body"] = free_text[0]
        how["body"] = "by content: the longest free-text column"
    elif body_stats is not None and free_text and (
            body_stats.is_label() or not body_stats.is_free_text()) \
            and stats[free_text[0]].mean_chars >= 3 * max(body_stats.mean_chars, 1):
        longer = free_text[0]
        what = (f"'{body}' holds {body_stats.distinct} distinct values in {body_stats.filled} rows, "
                f"about {body_stats.mean_words:.0f} words each, while '{longer}' holds free text "
                f"(about {stats[longer].mean_words:.0f} words)")
        if "body" in chosen:
            warnings.append(f"body: {what}; is --map '{body}=body' right?")
        else:
            field_columns["body"] = longer
            how["body"] = f"by content: {what}"
            warnings.append(f"body read from '{longer}', not '{body}': {what}; "
                            f"--map '{body}=body' if '{body}' is the complaint text")
    status = field_columns.get("status")
    status_stats = stats.get(status) if status else None
    if status_stats is not None and not _looks_like_statuses(status_stats):
        shown = ", ".join(v for v in status_stats.common[:3])
        if "status" in chosen:
            warnings.append(f"status: '{status}' holds values that are not ticket statuses ({shown}, ...)")
        else:
            del field_columns["status"]
            warnings.append(f"'{status}' is not read as the status: its values are not ticket statuses "
                            f"({shown}, ...); it is kept as extra data. --map '{status}=status' reads it anyway")
