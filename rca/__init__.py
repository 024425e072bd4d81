"""rca: a root-cause defect tracker for proactive quality.

The library (this package) holds models, database access, import, clustering,
tracking and analytics. It never prints and never imports click: the ``cli``
package is the only user interface (``python -m rca`` runs it), and
``reports`` renders documents.

The tree:

- ``ingest``: help-desk exports in (``readers``, ``profiles``, ``dates``, then
  ``pipeline`` with ``rows``, ``parallel`` and ``store``);
- ``clustering``: vector backends, the algorithm, the embedding cache;
- ``runs``: the weekly clustering run (snapshot -> plan -> save);
- ``causes``: root causes as records (lifecycle, keys, events, curation, queries);
- ``analytics``, ``quotes``, ``titles``, ``defects``: figures and words for outputs;
- ``scan``: our own pages checked before customers report them;
- ``db``, ``models``, ``errors``, ``config``, ``locks``, ``export``, ``redact``.

The names below are the public API; each loads its module on first use, so
``import rca`` stays light.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "Database": "rca.db", "open_database": "rca.db",
    "ImportOptions": "rca.ingest.pipeline", "ImportSummary": "rca.ingest.pipeline", "import_file": "rca.ingest.pipeline",
    "ClusterOptions": "rca.runs.tracking", "RunResult": "rca.runs.tracking", "run_clustering": "rca.runs.tracking",
    "CAUSE_STATUSES": "rca.causes.lifecycle", "TRANSITIONS": "rca.causes.lifecycle",
    "get_cause": "rca.causes.keys",
    "list_causes": "rca.causes.listing", "cause_detail": "rca.causes.queries", "history": "rca.causes.queries",
    "list_complaints": "rca.causes.queries",
    "BACKEND_NAMES": "rca.clustering.backends", "VectorBackend": "rca.clustering.backends",
    "EmbeddingBackend": "rca.clustering.backends", "get_backend": "rca.clustering.backends",
    "DEFECT_TYPES": "rca.defects", "classify_defect": "rca.defects",
    "RcaError": "rca.errors", "UsageError": "rca.errors", "DatabaseError": "rca.errors",
    "NotFoundError": "rca.errors", "InputFileError": "rca.errors", "ProfileError": "rca.errors",
    "redact": "rca.redact",
}
__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'rca' has no attribute {name!r}")
