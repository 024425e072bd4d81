"""What `rca scan` finds and how a finding stands: the one list of each (light: the CLI's choices come from here)."""

from __future__ import annotations

FINDING_KINDS = ("typo", "conflict", "broken_link", "missing_image")
FINDING_STATUSES = ("open", "fixed", "ignored")
