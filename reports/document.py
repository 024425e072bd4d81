"""A report as a document: built (model), rendered (render) and written, for `rca report`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from .kinds import KINDS
from .model import build_report, period_note, resolve_period
from .render import default_filename, html_to_pdf, output_format, render_html, write_output


def render_report(session, kind: str = "executive", *, period: str | None = None, date_from: date | None = None,
                  date_to: date | None = None, weeks: int = 12, fmt: str = "pdf",
                  say: Callable[[str], None] | None = None) -> tuple[str, bytes]:
    """(period label, the report as PDF or HTML bytes); ``say`` hears which period was chosen and why."""
    chosen = resolve_period(session, period, date_from, date_to)
    note = period_note(session, chosen, asked=bool(period or date_from))
    if note and say:
        say(note)
    report = build_report(session, kind, chosen, weeks)
    html = render_html(report, for_pdf=fmt == "pdf")
    return chosen.label, (html_to_pdf(html) if fmt == "pdf" else html.encode("utf-8"))


def write_report(database, kind: str = "executive", *, period: str | None = None, date_from: date | None = None,
                 date_to: date | None = None, weeks: int = 12, out: Path | None = None,
                 folder: Path | None = None, say: Callable[[str], None] | None = None) -> Path:
    """Build, render and write a report; returns the path written.

    ``out`` ending in .html writes the HTML instead of the PDF. Without ``out``
    the file is ``rca-<kind>-<period>.pdf`` in ``folder`` (which the caller
    must give: the library never guesses the working directory).
    """
    if kind not in KINDS:
        from rca.errors import UsageError
        raise UsageError(f"unknown report kind '{kind}': choose {' or '.join(KINDS)}")
    fmt = output_format(out) if out is not None else "pdf"
    if out is None and folder is None:
        raise ValueError("write_report needs out or folder")
    with database.session() as session:
        label, content = render_report(session, kind, period=period, date_from=date_from, date_to=date_to,
                                       weeks=weeks, fmt=fmt, say=say)
    path = out if out is not None else folder / default_filename(kind, label)
    return write_output(path, content)
