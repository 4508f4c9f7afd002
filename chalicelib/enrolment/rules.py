"""The enrolment rules: the dated data (chalicelib/enrolment_periods.py), the French
working-day calendar, and the life of a file. Pure.

Deadlines count working days: Monday to Friday except French public holidays (the `holidays`
library's calendar for France). A deadline of N working days after a moment ends at 23:59:59,
Paris time, on the N-th working day after that moment's day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from ..clock import PARIS
from ..enrolment_periods import rules_on

FINANCED_CATALOGUES = ("mandat", "reconversion")  # what the DIF élus pays for


# --- the calendar ---------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _holidays(year: int) -> frozenset[date]:
    import holidays  # loaded on first use: the app's import stays light

    return frozenset(holidays.France(years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(day: date, count: int) -> date:
    """The count-th working day after `day` (before it when count is negative)."""
    step = 1 if count >= 0 else -1
    left = abs(count)
    while left:
        day += timedelta(days=step)
        if is_working_day(day):
            left -= 1
    return day


def end_of_day(day: date) -> datetime:
    """The last second of `day`, Paris time (a person reads "until the 3rd included")."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=PARIS)


def latest_validation_day(session_start: date) -> date:
    """The last day the élu may validate: 11 working days before the session starts."""
    rules = rules_on(session_start)
    return add_working_days(session_start, -rules.jours_ouvres_validation_avant_debut)


def organisme_deadline(now: datetime, session_start: date) -> datetime:
    """When the organisme's answer is due: 2 working days, and never after the last day the
    élu could still validate."""
    today = now.astimezone(PARIS).date()
    due = add_working_days(today, rules_on(today).jours_ouvres_reponse_organisme)
    return end_of_day(min(due, latest_validation_day(session_start)))


def holder_deadline(now: datetime, session_start: date) -> datetime:
    """When the élu's validation is due once the organisme accepted: 4 working days, and never
    after the last day validation is allowed."""
    today = now.astimezone(PARIS).date()
    due = add_working_days(today, rules_on(today).jours_ouvres_validation_titulaire)
    return end_of_day(min(due, latest_validation_day(session_start)))


# --- the life of a file ---------------------------------------------------------------------
WAITING, ACCEPTED, VALIDATED = "en_attente_organisme", "acceptee", "validee"
IN_TRAINING, EXIT_DECLARED = "en_formation", "sortie_declaree"
SERVICE_DECLARED, SERVICE_VALIDATED, PAID = "service_fait_declare", "service_fait_valide", "paye"
LEGACY_DONE = "service_fait"  # before the exit and the invoice: `infra.paiements migrer`
REFUSED, EXPIRED = "refusee", "expiree"
CANCELLED_BY_HOLDER, CANCELLED_BY_ORGANISME = "annulee_titulaire", "annulee_organisme"
STATUSES = (
    WAITING,
    ACCEPTED,
    VALIDATED,
    IN_TRAINING,
    EXIT_DECLARED,
    SERVICE_DECLARED,
    SERVICE_VALIDATED,
    PAID,
    REFUSED,
    EXPIRED,
    CANCELLED_BY_HOLDER,
    CANCELLED_BY_ORGANISME,
)
HOLDER, ORGANISME, SYSTEM, OPERATOR = "titulaire", "organisme", "systeme", "operateur"

# (from, to) -> who may make that change
TRANSITIONS: dict[tuple[str, str], str | tuple[str, ...]] = {
    (WAITING, ACCEPTED): ORGANISME,
    (WAITING, REFUSED): ORGANISME,
    (WAITING, EXPIRED): SYSTEM,
    (WAITING, CANCELLED_BY_HOLDER): HOLDER,
    (WAITING, CANCELLED_BY_ORGANISME): ORGANISME,
    (ACCEPTED, VALIDATED): HOLDER,
    (ACCEPTED, EXPIRED): SYSTEM,
    (ACCEPTED, CANCELLED_BY_HOLDER): HOLDER,
    (ACCEPTED, CANCELLED_BY_ORGANISME): ORGANISME,
    (VALIDATED, IN_TRAINING): ORGANISME,
    (VALIDATED, CANCELLED_BY_HOLDER): HOLDER,
    (VALIDATED, CANCELLED_BY_ORGANISME): ORGANISME,
    (IN_TRAINING, EXIT_DECLARED): ORGANISME,
    (IN_TRAINING, CANCELLED_BY_ORGANISME): ORGANISME,
    (EXIT_DECLARED, EXIT_DECLARED): ORGANISME,  # corrected (after an operator's rejection)
    (EXIT_DECLARED, SERVICE_DECLARED): ORGANISME,
    # the funder: at once when the declaration is consistent, else an operator
    (SERVICE_DECLARED, SERVICE_VALIDATED): (SYSTEM, OPERATOR),
    (SERVICE_DECLARED, EXIT_DECLARED): OPERATOR,  # rejected: the organisme declares again
    (SERVICE_VALIDATED, PAID): SYSTEM,  # the payment batches
}
# Statuses in which a place is held, and in which a deadline runs.
HOLDS_A_PLACE = (
    WAITING,
    ACCEPTED,
    VALIDATED,
    IN_TRAINING,
    EXIT_DECLARED,
    SERVICE_DECLARED,
    SERVICE_VALIDATED,
    PAID,
)
WITH_DEADLINE = (WAITING, ACCEPTED)
AT_THE_END = (EXIT_DECLARED, SERVICE_DECLARED, SERVICE_VALIDATED)  # the organisme hears of it


def allowed(current: str, target: str, by: str) -> bool:
    who = TRANSITIONS.get((current, target))
    return by == who or (isinstance(who, tuple) and by in who)


def releases_place(target: str) -> bool:
    return target not in HOLDS_A_PLACE


def under_way(statut: str) -> bool:
    """A file that can still change for its holder: once the service done is validated, only
    the organisme's payment is left."""
    return statut != SERVICE_VALIDATED and any(source == statut for source, _ in TRANSITIONS)
