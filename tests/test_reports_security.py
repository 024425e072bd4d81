"""Hostile and awkward text in reports: shown as text, never fetched, never leaking personal data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from rca.analytics import parse_period
from reports import render_html
from reports.model import executive_report, team_report
from reports.render import STATIC, ResourceRefused, bundled_fetcher, html_to_pdf
from reports.glyphs import font_paths
from reports.text import ELLIPSIS, QUOTE_CHARS, clean, quote, shorten

from .factories import Factory, utc
from .pdf_pages import render_pages

W47 = parse_period("2026-W47")
EMAIL = "jane.doe@example.com"
PHONE = "+44 20 7946 0958"
CARD = "4111 1111 1111 1111"
HOSTILE = [  # three complaints, each short enough to be quoted whole
    '<b>bold</b> <img src="file:///etc/passwd"> <script>alert(1)</script> see file:///etc/shadow',
    '<link rel=stylesheet href=http://evil.example/x.css> <style>body{background:url(http://evil.example/bg.png)}'
    '</style> url(https://evil.example/t.png)',
    f'{{{{ 7*7 }}}} {{% if 1 %}}x{{% endif %}} mail {EMAIL} call {PHONE} card {CARD}',
]


@pytest.fixture
def hostile_db(database):
    with database.write_session() as session:
        make = Factory(session)
        cause = make.cause("RC-0001", f'<img src="http://evil.example/t.png"> Title $x^2$ {EMAIL}',
                           first_seen=utc("2026-11-16"), owner=f"<i>owner</i> {PHONE}")
        cause.keywords = ["<b>kw</b>", EMAIL, "url(http://evil.example/k.png)"]
        long_cause = make.cause("RC-0002", "W" * 300,  # the longest title the schema holds, one word
                                first_seen=utc("2026-11-16"))
        for day, body in zip(["2026-11-16", "2026-11-17", "2026-11-18"], HOSTILE):
            make.complaint(day, cause, "c1", subject="<style>*{display:none}</style>", body=body,
                           page_url=f"https://shop.example.com/?email={EMAIL}", channel="<u>web</u>")
        for day in ["2026-11-17", "2026-11-19"]:
            # One 5,000-letter word (not "x": runs of x are redaction marks, never quoted).
            make.complaint(day, long_cause, "c2", body="w" * 5000 + f" {day}")
        for body in HOSTILE:
            make.complaint("2026-11-20", None, "c3", body=body)
    return database


def _text(pdf: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _no_personal_data(text: str) -> None:
    flat = re.sub(r"\s+", " ", text)
    assert EMAIL not in flat and "jane.doe" not in flat
    assert "7946" not in flat and "0958" not in flat
    assert "4111" not in flat and "1111 1111" not in flat


@pytest.mark.parametrize("kind", ["executive", "team"])
def test_hostile_text_is_text_and_nothing_is_fetched(hostile_db, kind):
    with hostile_db.session() as session:
        report = (executive_report if kind == "executive" else team_report)(session, W47)
    html = render_html(report)
    # Markup from complaints is escaped: it appears as text, never as elements.
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "&lt;img src=" in html and "&lt;script&gt;" in html
    assert "<script" not in html and "evil.example/x.css\"" not in html
    assert not re.search(r"<(img|link|style|script)[^>]*evil", html)
    assert "{{ 7*7 }}" in html and ">49<" not in html  # never rendered as a template
    assert "<style>" in html and html.count("<style>") == 1  # only our own stylesheet
    _no_personal_data(html)
    assert "[email]" in html and "[phone]" in html and "[card]" in html

    fetcher = bundled_fetcher()
    pdf = html_to_pdf(html, fetcher)
    assert pdf.startswith(b"%PDF")
    # WeasyPrint asked only for the report's own logo and its font's files; nothing outside.
    assert fetcher.refused == []
    fonts = {path.as_uri() for path in font_paths().values()}
    assert all(url.startswith(STATIC.as_uri() + "/") or url in fonts for url in fetcher.requested)
    text = _text(pdf)
    if kind == "executive":
        assert "<b>bold</b>" in text and '<img src="file:///etc/passwd">' in text.replace("\n", " ")
    else:
        assert "<b>kw</b>" in text and "<u>web</u>" in text
    _no_personal_data(text)


def test_fetcher_serves_bundled_files_and_refuses_everything_else(tmp_path):
    fetcher = bundled_fetcher()
    mark = STATIC / "mark.svg"
    response = fetcher(mark.as_uri())
    assert response.read() == mark.read_bytes() and response.content_type == "image/svg+xml"
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    for url in ["file:///etc/passwd", outside.as_uri(), "http://evil.example/x.png", "https://evil.example/x.css",
                "data:text/plain,hello", "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", "ftp://evil.example/x",
                f"{STATIC.as_uri()}/../templates/report.css", f"{STATIC.as_uri()}/../../rca/db.py",
                f"{STATIC.as_uri()}/missing.svg", f"{mark.as_uri()}?x=1", "file://evil.example/" + str(mark),
                f"{STATIC.as_uri()}/"]:
        with pytest.raises(ResourceRefused):
            fetcher(url)
        assert fetcher.refused[-1] == url


def test_fetcher_refuses_what_a_hostile_document_asks_for():
    html = ('<html><head><link rel="stylesheet" href="http://evil.example/x.css">'
            '<style>p{background:url(file:///etc/passwd)}</style></head><body>'
            '<img src="https://evil.example/t.png"><img src="data:image/png;base64,iVBORw0KGgo=">'
            '<img src="../templates/report.css"><img src="mark.svg"><p>hi</p></body></html>')
    fetcher = bundled_fetcher()
    assert html_to_pdf(html, fetcher).startswith(b"%PDF")
    assert set(fetcher.refused) >= {"http://evil.example/x.css", "https://evil.example/t.png",
                                    "data:image/png;base64,iVBORw0KGgo=", "file:///etc/passwd"}
    served = [url for url in fetcher.requested if url not in fetcher.refused]
    assert served == [(STATIC / "mark.svg").as_uri()]


def test_huge_title_and_quote_make_a_sensible_pdf(hostile_db, tmp_path):
    with hostile_db.session() as session:
        report = executive_report(session, W47)
    row = next(r for r in report.top if r.key == "RC-0002")
    assert len(row.title) <= 60 and row.title.endswith(ELLIPSIS)
    quotes = next(q for q in report.quotes if q.key == "RC-0002").quotes
    assert quotes and all(len(q.text) <= QUOTE_CHARS and q.text.endswith(ELLIPSIS) for q in quotes)
    fetcher = bundled_fetcher()
    pdf = html_to_pdf(render_html(report), fetcher)
    path = tmp_path / "huge.pdf"
    path.write_bytes(pdf)
    assert 1 <= len(PdfReader(str(path)).pages) <= 4
    pages = render_pages(path, dpi=30)
    assert len(pages) == len(PdfReader(str(path)).pages)
    assert all((page.min(axis=2) < 0.9).mean() > 0.005 for page in pages)  # every page shows something


def test_huge_team_report(hostile_db):
    with hostile_db.session() as session:
        report = team_report(session, W47)
    section = next(s for s in report.sections if s.key == "RC-0002")
    assert len(section.title) <= 200
    assert html_to_pdf(render_html(report)).startswith(b"%PDF")


def test_text_helpers():
    assert shorten("short", 10) == "short"
    assert shorten("one two three four five", 12) == "one two…"
    assert shorten("x" * 50, 10) == "x" * 9 + ELLIPSIS
    assert clean("  a\n\tb  ") == "a b" and clean(None) == ""
    # Redaction runs before the cut, so a cut cannot leave half an address behind.
    assert EMAIL[:8] not in clean(f"write to {EMAIL} now", 14)
    assert quote("subject only", None) == "subject only" and quote("s", "body") == "body"


def test_no_pyplot_figures_left_open(hostile_db):
    import sys

    with hostile_db.session() as session:
        executive_report(session, W47)
    if "matplotlib.pyplot" in sys.modules:
        assert sys.modules["matplotlib.pyplot"].get_fignums() == []
    import reports.charts as charts
    assert "pyplot" not in Path(charts.__file__).read_text().replace("no pyplot", "")
