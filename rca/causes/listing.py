"""How causes can be listed: the status filters and sort orders (light: the CLI's choices come from here)."""

from __future__ import annotations

from .lifecycle import CAUSE_STATUSES

SORTS = ("count", "growth", "recent")
EMERGING = "emerging"  # a filter beside the lifecycle's statuses: causes growing unusually fast
STATUS_FILTERS = (*CAUSE_STATUSES, EMERGING)
