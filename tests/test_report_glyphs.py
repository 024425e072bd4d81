"""Scripts the report font lacks are named in the PDF, never printed as empty boxes."""

from __future__ import annotations

from pypdf import PdfReader

from reports import write_report
from reports.glyphs import covered, displayable, font_paths

from .factories import Factory, utc


def test_displayable_names_what_the_font_cannot_draw():
    assert displayable("@Delta 荷物が届きません。助けて") == "@Delta [Japanese text not shown]"
    assert displayable("한국어 텍스트 and English") == "[Korean text not shown] and English"
    assert displayable("mixed 中文 text") == "mixed [Chinese or Japanese text not shown] text"
    # What DejaVu Sans draws stays as it is: accents, Greek, Cyrillic, Arabic.
    for text in ("Café naïve", "Ωmega", "Привет", "مرحبا the app"):
        assert displayable(text) == text


def test_the_pdf_embeds_the_checked_font_and_shows_markers(database, tmp_path):
    assert all(path.is_file() for path in font_paths().values())
    with database.write_session() as session:
        make = Factory(session)
        cause = make.cause("RC-0001", "アプリが落ちる", first_seen=utc("2026-11-16"))
        cause.keywords = ["アプリ"]
        for i, body in enumerate(["アプリが何度も落ちます。", "アプリが起動しません。", "再生するとアプリが落ちる。"]):
            make.complaint(f"2026-11-{16 + i}", cause, f"c{i}", subject="", body=body)
        make.complaint("2026-11-22", None, "u", body="Something else entirely")
    path = write_report(database, "executive", out=tmp_path / "ja.pdf")
    reader = PdfReader(str(path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "RC-0001 [Japanese text not shown]" in text
    assert text.count("“[Japanese text not shown]”") == 3  # the quotes say so too
    missing = {ch for ch in text if not ch.isspace() and ord(ch) not in covered()}
    assert not missing, missing
    # The font whose character map was checked is the one the PDF embeds.
    with database.session() as session:
        from reports.model import executive_report, resolve_period
        from reports.render import bundled_fetcher, html_to_pdf, render_html

        html = render_html(executive_report(session, resolve_period(session)))
    fetcher = bundled_fetcher()
    html_to_pdf(html, fetcher)
    assert {p.as_uri() for p in font_paths().values()} <= set(fetcher.requested) and not fetcher.refused
