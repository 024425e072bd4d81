"""Reports for leaders: Jinja2 HTML with inline SVG charts, turned into PDF by WeasyPrint.

    from reports import write_report
    path = write_report(database, "executive", folder=Path.cwd())

Dependencies point one way: cli -> reports -> rca. Nothing here prints or uses click.
WeasyPrint and matplotlib are imported only when a report is rendered.

One module a job: ``kinds`` (the report kinds), ``model`` (what a report
shows, from rca's figures), ``findings`` (the section on our own pages),
``charts``, ``text`` and ``glyphs`` (what is drawn and written), ``render``
(HTML, PDF and the files), ``document`` (a report built, rendered and
written). A new section is a dataclass and a builder in ``model`` (or a
module of its own, like ``findings``) and a block in ``templates/``.
The names below load their module on first use, so importing the package is light.
"""

from __future__ import annotations

import importlib

_EXPORTS = {"KINDS": "kinds", "build_report": "model", "resolve_period": "model", "default_filename": "render",
            "render_html": "render", "html_to_pdf": "render", "write_report": "document",
            "render_report": "document"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
