"""A root cause's life: its statuses and the moves allowed between them.

    new -> investigating -> fixing -> fixed -> verified
    any open status -> wont_fix;  fixed/verified -> recurring (automatic) -> investigating/fixing/fixed

A complaint *received* after a cause's fix date (not merely imported after it)
that lands in a fixed or verified cause flips the cause to ``recurring``
(rca.causes.recurrence).

The one home of the status vocabulary: every status is a key of TRANSITIONS,
and the groups below say what each one means to the rest of rca (the CLI's
choices, which causes a report calls closed, how a report colours a status).
Adding a status is one entry here. Pure data: importing it loads nothing heavy.
"""

from __future__ import annotations

from ..errors import InvalidTransitionError, UsageError

NEW = "new"
FIXED = "fixed"  # the status that dates a fix (``fixed_at``)
VERIFIED = "verified"
RECURRING = "recurring"  # set by runs, never chosen as "fixed" is
WONT_FIX = "wont_fix"

TRANSITIONS: dict[str, tuple[str, ...]] = {
    NEW: ("investigating", "fixing", FIXED, WONT_FIX),
    "investigating": ("fixing", FIXED, WONT_FIX),
    "fixing": (FIXED, "investigating", WONT_FIX),
    FIXED: (VERIFIED, RECURRING, "fixing"),
    VERIFIED: (RECURRING,),
    RECURRING: ("investigating", "fixing", FIXED, WONT_FIX),
    WONT_FIX: ("investigating",),
}
CAUSE_STATUSES: tuple[str, ...] = tuple(TRANSITIONS)
# Not a status but where a complaint stands: complaints.assigned_by of a complaint in no
# cause because a run found its words name none (thanks, "ok, DM sent"; rca.textnoise.says_nothing).
# Reports count these apart from the complaints that match no cause yet.
SAYS_NOTHING = "no-cause"
# Fixed causes: a complaint received after the fix is a recurrence; follow-up lists are for them.
FIXED_STATUSES: tuple[str, ...] = (FIXED, VERIFIED)
# Nobody works on these any more: a report does not ask who owns them.
CLOSED_STATUSES: tuple[str, ...] = (*FIXED_STATUSES, WONT_FIX)
# How a report marks a status: "alert" needs attention, "done" is fixed; others are plain.
STATUS_TONES: dict[str, str] = {RECURRING: "alert", FIXED: "done", VERIFIED: "done"}

assert all(target in TRANSITIONS for targets in TRANSITIONS.values() for target in targets)


def status_tone(status: str) -> str:
    return STATUS_TONES.get(status, "plain")


def check_status(status: str) -> str:
    if status not in TRANSITIONS:
        raise UsageError(f"unknown status '{status}': statuses are {', '.join(CAUSE_STATUSES)}")
    return status


def check_transition(key: str, old: str, new: str) -> None:
    """Refuse a move the lifecycle does not allow, naming the moves it does."""
    check_status(new)
    if new == old:
        raise InvalidTransitionError(f"{key} is already {old}")
    allowed = TRANSITIONS[old]
    if new not in allowed:
        raise InvalidTransitionError(f"{key} cannot go from {old} to {new}; from {old} it can go to: "
                                     f"{', '.join(allowed)}")
