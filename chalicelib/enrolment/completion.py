"""The end of a file, where the money moves: what the organisme declares (the exit with the
completion, then the invoice), what is due, whether the funder can validate the service done
at once, and what goes back to the élu's rights. Pure.

- The amount due is the price times the completion rate, rounded to the cent (half up), never
  above the price; an invoice (TTC: what the funder pays) above it is refused.
- The service done is validated at once when the declaration is consistent: the exit inside
  the session, the hours delivered agreeing with the rate (within one point), the invoice dated
  inside the training's span and at most what is due. Otherwise an operator decides.
- The unrealised part goes back to the élu's balance, never above the ceiling that applied on
  the day of the debit: a refund lifts the balance up to that ceiling at most (the rest is lost,
  as a yearly credit above the ceiling is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from . import rules

FULL = Decimal(100)
PARTIAL_REASONS = {
    "abandon": "abandon du stagiaire",
    "force_majeure": "force majeure",
    "absence": "absences du stagiaire",
}
WORKING_DAYS_TO_DECLARE = 3  # after the exit; later is accepted and flagged late
RATE_TOLERANCE = Decimal(1)  # points between the rate declared and the hours delivered


def amount_due(price_centimes: int, rate: Decimal) -> int:
    """The price times the completion rate (percent), to the cent, never above the price."""
    due = (Decimal(price_centimes) * rate / FULL).to_integral_value(rounding=ROUND_HALF_UP)
    return max(0, min(price_centimes, int(due)))


def declared_late(exit_day: date, today: date) -> bool:
    """Declared after the 3rd working day following the exit."""
    return today > rules.add_working_days(exit_day, WORKING_DAYS_TO_DECLARE)


def rate_of_hours(hours: Decimal, duration: Decimal) -> Decimal:
    return (hours / duration * FULL).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Declaration:
    """What the funder checks before validating the service done."""

    session_start: date
    session_end: date
    exit_day: date
    rate: Decimal
    hours: Decimal | None  # delivered, as declared (required under 100 %)
    duration: Decimal | None  # of the training, as the file knows it
    invoice_day: date | None
    invoiced_centimes: int | None  # TTC
    due_centimes: int


def hold_reasons(declaration: Declaration) -> list[str]:
    """Why an operator must look at it (in French, for the operator's listing and the file);
    none: consistent, validated at once."""
    d = declaration
    reasons = []
    if not d.session_start <= d.exit_day <= d.session_end:
        reasons.append(
            f"date de sortie ({d.exit_day.isoformat()}) hors de la session "
            f"({d.session_start.isoformat()} – {d.session_end.isoformat()})"
        )
    if d.duration is None or d.duration <= 0:
        reasons.append("durée de la formation inconnue : heures réalisées invérifiables")
    elif d.hours is not None:
        if d.hours > d.duration:
            reasons.append(
                f"heures réalisées ({d.hours}) au-delà de la durée de la formation ({d.duration})"
            )
        elif abs(rate_of_hours(d.hours, d.duration) - d.rate) > RATE_TOLERANCE:
            reasons.append(
                f"taux de réalisation ({d.rate} %) et heures réalisées ({d.hours} h sur "
                f"{d.duration} h, soit {rate_of_hours(d.hours, d.duration)} %) discordants"
            )
    elif d.rate < FULL:
        reasons.append("heures réalisées non déclarées")
    if d.invoice_day is None or d.invoiced_centimes is None:
        reasons.append("aucune facture déposée")
    else:
        if d.invoice_day < d.session_start:
            reasons.append(
                f"facture datée du {d.invoice_day.isoformat()}, avant le début de la session"
            )
        if d.invoiced_centimes > d.due_centimes:
            reasons.append("facture supérieure au montant dû")
    return reasons


def refund_within_ceiling(unrealised_centimes: int, balance_centimes: int, ceiling: int) -> int:
    """What of the unrealised part the balance can take back under the ceiling."""
    return max(0, min(unrealised_centimes, ceiling - balance_centimes))
