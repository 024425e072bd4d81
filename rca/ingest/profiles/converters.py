"""Value converters: how a help desk's encoded values (codes, HTML, lists) become our fields' values."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from html.parser import HTMLParser
from types import MappingProxyType
from typing import Any

from ...defects import normalize_defect_type


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


def _html_text(value: Any) -> str | None:
    text = _text(value)
    if not text:
        return None
    return html_to_text(text) or None
