"""The visible text, links and images of a page, with the standard library's HTML parser.

A page becomes a list of :class:`Block` s: the text of one block element (a
heading, a paragraph, a table cell, a button …) in reading order, so a fact
or a word is always seen with the words around it and never glued to the
next cell. Text a visitor does not see (scripts, styles, ``hidden`` and
``aria-hidden`` elements, ``display:none``) is left out. Control and
formatting characters (terminal escapes, bidi overrides) are removed here,
so page text is safe to show in a terminal or a report wherever it goes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import NamedTuple

# Elements whose text a visitor never reads as page copy.
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object",
                      "canvas", "select"})
# Elements that start and end a block of text (everything else is inline).
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "button", "caption", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "label", "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})
_STRUCK = frozenset({"del", "s", "strike"})
_BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
_NO_ATTRS: dict[str, str | None] = {}
_SPACES = str.maketrans("\t\n\r\f\v", "     ")
# Every control (Cc) and format (Cf) character of Unicode 15: terminal escapes, NUL, soft hyphens,
# bidi overrides, zero-widths, tag characters (tests/test_scan.py checks this against unicodedata).
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


# Named tuples, not dataclasses: a page has dozens of blocks, and tuples are quicker to
# make and to send between the worker processes that parse big folders.
class Block(NamedTuple):
    text: str
    tag: str  # the block element the text sits in: h1, p, td, button …
    struck: bool = False  # inside <del>/<s>: a crossed-out old price, not a current fact


class Link(NamedTuple):
    href: str  # as written in the page
    text: str


@dataclass
class PageText:
    title: str = ""
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    base_href: str | None = None

    @property
    def h1(self) -> str:
        return next((b.text for b in self.blocks if b.tag == "h1"), "")


def clean_text(text: str) -> str:
    """One line of text without control or formatting characters (ESC, NUL, bidi overrides, zero-widths)."""
    if not (text.isascii() and text.isprintable()):
        text = _INVISIBLE.sub("", text.translate(_SPACES))
    return " ".join(text.split())


def _hidden(attrs: dict[str, str | None]) -> bool:
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").lower() == "true":
        return True
    style = (attrs.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageText()
        self._open: list[tuple[str, bool]] = []  # (tag, whether it hides its content)
        self._open_count: Counter = Counter()  # how many of each tag are open: end tags check it in O(1)
        self._hiding = 0
        self._struck = 0
        self._block_tags: list[str] = []
        self._parts: list[str] = []
        self._parts_struck = False
        self._title: list[str] = []
        self._in_title = False
        self._link: tuple[str, list[str]] | None = None

    # -- text buffer ------------------------------------------------------------------

    def _flush(self) -> None:
        if self._parts:
            text = clean_text("".join(self._parts))
            if text:
                tag = self._block_tags[-1] if self._block_tags else "body"
                self.page.blocks.append(Block(text, tag, self._parts_struck))
            self._parts = []
        self._parts_struck = False

    def _add_text(self, text: str) -> None:
        if self._struck and not self._parts_struck and self._parts and "".join(self._parts).strip():
            self._flush()  # struck text gets a block of its own
        if not self._struck and self._parts_struck:
            self._flush()
        if self._struck:
            self._parts_struck = True
        self._parts.append(text)
        if self._link is not None:
            self._link[1].append(text)

    # -- parser callbacks -------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = dict(attrs_list) if attrs_list else _NO_ATTRS  # html.parser lower-cases the names
        if tag == "title":  # inside <head>, which is otherwise skipped
            self._in_title = True
            return
        if tag == "base" and attrs.get("href") and self.page.base_href is None:
            self.page.base_href = attrs["href"]
        if tag in _VOID:
            self._void(tag, attrs)
            return
        hides = tag in _SKIPPED or (bool(attrs) and _hidden(attrs))
        self._open.append((tag, hides))
        self._open_count[tag] += 1
        if hides:
            self._hiding += 1
        if self._hiding:
            return
        if tag in _STRUCK:
            self._struck += 1
        if tag in _BLOCKS:
            self._flush()
            self._block_tags.append(tag)
        if tag == "a" and attrs.get("href") is not None:
            self._link = (attrs["href"] or "", [])

    def _void(self, tag: str, attrs: dict[str, str | None]) -> None:
        if self._hiding or _hidden(attrs):
            return
        if tag == "img":
            if attrs.get("src"):
                self.page.images.append(attrs["src"] or "")
            if attrs.get("alt"):
                self._add_text(" ")
        elif tag == "br" or tag == "hr":
            self._add_text(" ")
        elif tag == "input" and (attrs.get("type") or "").lower() in _BUTTON_INPUTS and attrs.get("value"):
            # A submit button's label is visible copy ("Procced to payment").
            self._flush()
            self.page.blocks.append(Block(clean_text(attrs["value"] or ""), "button"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.page.title = clean_text("".join(self._title))
            return
        if not self._open_count[tag]:
            return  # a stray end tag closes nothing
        while self._open:
            open_tag, hides = self._open.pop()
            self._open_count[open_tag] -= 1
            self._close(open_tag, hides)
            if open_tag == tag:
                break

    def _close(self, tag: str, hides: bool) -> None:
        if hides:
            self._hiding -= 1
            return
        if self._hiding:
            return
        if tag in _STRUCK and self._struck:
            self._flush()
            self._struck -= 1
        if tag == "a" and self._link is not None:
            href, words = self._link
            self.page.links.append(Link(href, clean_text("".join(words))))
            self._link = None
        if tag in _BLOCKS:
            self._flush()
            if self._block_tags:
                self._block_tags.pop()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        elif not self._hiding:
            self._add_text(data)

    def close(self) -> None:
        super().close()
        self._flush()
        if self._link is not None:
            href, words = self._link
            self.page.links.append(Link(href, clean_text("".join(words))))


def extract_html(html: str) -> PageText:
    """The visible text blocks, links, images and title of an HTML document (any HTML, however broken)."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    return parser.page


def extract_markdown(text: str) -> PageText:
    """Markdown rendered by markdown-it (CommonMark), then read like any HTML page."""
    from markdown_it import MarkdownIt

    # html=False: raw HTML inside the Markdown is shown as text, never run.
    return extract_html(MarkdownIt("commonmark", {"html": False}).render(text))


def extract_plain(text: str) -> PageText:
    """Plain text: each paragraph (lines up to a blank line) is a block; the first line is the title."""
    page = PageText()
    for paragraph in text.replace("\r\n", "\n").split("\n\n"):
        cleaned = clean_text(paragraph)
        if cleaned:
            page.blocks.append(Block(cleaned, "p"))
    if page.blocks:
        page.title = page.blocks[0].text[:200]
    return page
