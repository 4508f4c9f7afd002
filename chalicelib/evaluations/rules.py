"""When a file may be rated, for how long, and when an average is shown. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..enrolment.rules import EXIT_DECLARED, PAID, SERVICE_DECLARED, SERVICE_VALIDATED

GRADES = range(1, 6)
EDITABLE_FOR = timedelta(days=30)
SHOWN_FROM = 5  # fewer ratings than this say nothing in public (and could name someone)
# The statuses after the exit: from its declaration on, the training can be rated.
AFTER_EXIT = (EXIT_DECLARED, SERVICE_DECLARED, SERVICE_VALIDATED, PAID)


def may_rate(statut: str) -> bool:
    return statut in AFTER_EXIT


def editable_until(created_at: datetime) -> datetime:
    return created_at + EDITABLE_FOR


def average(somme: int, nombre: int) -> str | None:
    """One decimal, as the API writes numbers ("4.2"); None without a rating."""
    return f"{somme / nombre:.1f}" if nombre else None


def public_average(somme: int, nombre: int) -> tuple[str, int] | None:
    """(average, count) once there are enough ratings to show."""
    shown = average(somme, nombre) if nombre >= SHOWN_FROM else None
    return (shown, nombre) if shown is not None else None
