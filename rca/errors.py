"""One error hierarchy for the whole library.

The CLI catches :class:`RcaError` once and prints ``Error: <message>``; every
message should say what went wrong *and* what to do next.
"""

from __future__ import annotations


class RcaError(Exception):
    """Base class for every expected failure; the CLI shows it without a traceback."""

    exit_code = 1

    def __str__(self) -> str:
        # Messages quote file content (column names, values) that may hold line
        # breaks or control characters; an error is always one printable line.
        return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in super().__str__())


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
    """No import profile fits a file's columns, or a --map is invalid."""


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
