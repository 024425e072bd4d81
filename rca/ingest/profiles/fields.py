"""Our fields, the columns a profile maps onto them, and how column names compare (light: the CLI reads them)."""

from __future__ import annotations

import re



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
