"""One error hierarchy for the whole library.

The CLI catches :class:`RcaError` once and prints ``Error: <message>``; every
message should say what went wrong *and* what to do next.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# How a library message names one of its caller's settings: option("min_size").
# The library knows its settings, not the command line: whoever shows the
# message spells them (render). By default a setting reads as the long option
# of the same name (--min-size), the convention rca's CLI follows; the CLI
# renders each with the flag of the command that ran, and an API caller may
# render them as keyword names (``exc.render(str)``).
_SETTING = re.compile(r"\{option:([a-z_]+)\}")


def option(name: str) -> str:
    """A setting named inside a message, to be spelled by whoever shows it."""
    return "{option:" + name + "}"


def as_option(name: str) -> str:
    return "--" + name.replace("_", "-")


def render_settings(text: str, spell: Callable[[str], str] = as_option) -> str:
    """``text`` with each option("name") spelled by ``spell`` (warnings and reasons use it too)."""
    return _SETTING.sub(lambda match: spell(match.group(1)), text)


class RcaError(Exception):
    """Base class for every expected failure; the CLI shows it without a traceback."""

    exit_code = 1

    def render(self, spell: Callable[[str], str] = as_option) -> str:
        # Messages quote file content (column names, values) that may hold line
        # breaks or control characters; an error is always one printable line.
        text = render_settings(Exception.__str__(self), spell)
        return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)

    def __str__(self) -> str:
        return self.render()


class ConfigError(RcaError):
    """A configuration file or database URL is unusable."""


class DatabaseError(RcaError):
    """The database cannot be reached, opened or written."""


class SchemaOutOfDateError(DatabaseError):
    """The database schema is behind the code: ``rca db upgrade`` fixes it."""


class BusyError(DatabaseError):
    """Another rca process holds a lock this operation needs."""


class InputFileError(RcaError):
    """A whole input file is unusable (wrong format, truncated, bad encoding).

    ``location`` says where it broke ("line 12", "byte 4096", "row 7") so the
    user can fix the file; nothing from the file is stored.
    """

    def __init__(self, path: str, problem: str, location: str | None = None):
        self.path = path
        self.problem = problem
        self.location = location
        where = f" at {location}" if location else ""
        super().__init__(f"{path}{where}: {problem}")


class ProfileError(RcaError):
    """No import profile fits a file's columns, or a column mapping is invalid."""


class NotFoundError(RcaError):
    """A root cause, complaint, run or batch that was asked for does not exist."""


class InvalidTransitionError(RcaError):
    """A root-cause status change that the lifecycle does not allow."""


class UsageError(RcaError):
    """Arguments that contradict each other or are out of range."""

    exit_code = 2


class BackendUnavailableError(RcaError):
    """A clustering backend whose optional dependencies are not installed."""


class Interrupted(RcaError):
    """The user stopped a command (Ctrl-C); the message says what was saved."""

    exit_code = 130
