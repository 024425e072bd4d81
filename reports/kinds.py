"""The kinds of report (light: the CLI's --kind choices come from here)."""

from __future__ import annotations

KINDS = ("executive", "team")
