"""`rca scan`: find our own mistakes on our pages before customers report them.

    from rca.scan import ScanOptions, scan
    with database.write_session() as session:
        result = scan(session, ["sample_data/site"], ScanOptions(accept=["Northwind"]))

:func:`read_site` reads the sources and runs the checks without a database
(typos, cross-page conflicts, broken links, missing images); :func:`scan`
also records the findings — tracked like causes: a stable key (F-0001), a
status (open, fixed, ignored), re-scans that mark fixed what is gone and
never duplicate what is still there — and links each to the root cause
whose complaints report it. Nothing here prints.
"""

from __future__ import annotations

import importlib

# One module a job: ``scanning`` (one scan), ``sources`` (pages from a folder,
# a sitemap or a crawl), ``fetch``, ``extract``, the checks (``typos``,
# ``facts``, ``links``), ``linking`` (finding -> cause), ``records`` (findings
# as records), ``vocabulary`` (kinds and statuses; light: the CLI's choices).
# The names below load their module on first use, so importing the package is light.
_EXPORTS = {name: "scanning" for name in
            ("ScanOptions", "ScanResult", "SiteReport", "read_site", "record_scan", "scan", "read_accept_file")}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
