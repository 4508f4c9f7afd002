"""How payable lines become payment batches, pure: one batch per organisme and day, its
reference and its transfers' end-to-end ids, the lines it takes (the oldest first), and how
late the funder is on its promise (30 days from the service done declared to the payment)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..clock import PARIS
from .camt import BankNotification

# DynamoDB makes a batch and moves its lines in one transaction (100 writes at most: the batch,
# its lines and, once paid, their webhook events); an organisme with more payable lines has the
# rest in the next day's batch.
MAX_LINES = 98
PROMISED_DAYS = 30

# A batch's status, and what its lines are then.
HELD, SENT, PAID, REJECTED = "attente_iban", "emis", "paye", "rejete"
LINE_STATUS = {HELD: "en_lot", SENT: "en_lot", PAID: "paye", REJECTED: "rejete"}


@dataclass(frozen=True)
class PayableLine:
    """A validated service done, not yet in a batch."""

    dossier: str
    siret: str
    organisme_nom: str
    titre: str
    invoice_number: str
    amount_cents: int
    service_declared_at: datetime


@dataclass(frozen=True)
class PlannedLot:
    reference: str
    siret: str
    organisme_nom: str
    day: date
    lines: tuple[PayableLine, ...]

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    def end_to_end_id(self, position: int) -> str:
        return end_to_end_id(self.reference, position)


def lot_reference(day: date, siret: str) -> str:
    """ "LOT-20270115-12345678900017": the organisme and the day make the batch (27 characters,
    within SEPA's 35 for a payment information id), so a second run that day finds it."""
    return f"LOT-{day:%Y%m%d}-{siret}"


def end_to_end_id(reference: str, position: int) -> str:
    """The position-th transfer of a batch (from 1): "LOT-20270115-12345678900017-001"."""
    return f"{reference}-{position:03d}"


def reference_of(end_to_end: str) -> str | None:
    """The batch an end-to-end id belongs to, or None when it is not one of ours."""
    reference, dash, position = end_to_end.rpartition("-")
    if not dash or not position.isdigit() or not reference.startswith("LOT-"):
        return None
    return reference


def plan(lines: list[PayableLine], day: date) -> tuple[list[PlannedLot], list[PayableLine]]:
    """The day's batches (one per organisme, its oldest lines first) and the lines left for
    the next day's (beyond MAX_LINES)."""
    by_siret: dict[str, list[PayableLine]] = {}
    for line in lines:
        by_siret.setdefault(line.siret, []).append(line)
    lots, left = [], []
    for siret, own in sorted(by_siret.items()):
        own.sort(key=lambda line: (line.service_declared_at, line.dossier))
        lots.append(
            PlannedLot(
                reference=lot_reference(day, siret),
                siret=siret,
                organisme_nom=own[0].organisme_nom,
                day=day,
                lines=tuple(own[:MAX_LINES]),
            )
        )
        left += own[MAX_LINES:]
    return lots, left


def days_waiting(since: datetime, now: datetime) -> int:
    """Calendar days since the service done was declared, in Paris."""
    return (now.astimezone(PARIS).date() - since.astimezone(PARIS).date()).days


def late(since: datetime, now: datetime) -> bool:
    return days_waiting(since, now) > PROMISED_DAYS


# The bank's reasons for returning a transfer (ISO 20022 ExternalReturnReason1Code, the ones
# the EPC's SCT rulebook lists), in the operator's words.
RETURN_REASONS = {
    "AC01": "IBAN incorrect",
    "AC04": "compte clôturé",
    "AC06": "compte bloqué",
    "AG01": "opération interdite sur ce compte",
    "AG02": "code opération invalide",
    "AM04": "provision insuffisante",
    "AM05": "virement en double",
    "BE04": "adresse du bénéficiaire manquante",
    "FOCR": "retour à la suite d'une demande d'annulation",
    "MD07": "titulaire du compte décédé",
    "MS02": "refus du bénéficiaire, motif non précisé",
    "MS03": "motif non précisé par la banque",
    "RC01": "BIC incorrect",
    "RR01": "identification du débiteur manquante",
    "RR02": "nom ou adresse du débiteur manquant",
    "RR03": "nom ou adresse du bénéficiaire manquant",
    "RR04": "raison réglementaire",
}


def return_reason(code: str) -> str:
    return f"{code} ({RETURN_REASONS.get(code, 'motif de la banque')})"


_LINE_LABELS = {"en_lot": "en cours de paiement", "paye": "payée", "rejete": "rejetée"}


def line_status_label(lot_status: str) -> str:
    """What a line of a batch in this status is, in the organisme's words."""
    return _LINE_LABELS[LINE_STATUS[lot_status]]


@dataclass
class NoticeByBatch:
    """A bank's notification sorted by our batches."""

    whole: dict[str, int] = field(default_factory=dict)  # booked as one entry: its amount
    transfers: dict[str, set[str]] = field(default_factory=dict)  # end-to-end ids paid
    returned: dict[str, str] = field(default_factory=dict)  # the first return's reason code
    unknown: list[str] = field(default_factory=list)  # references that are not ours


def by_batch(notice: BankNotification) -> NoticeByBatch:
    """Which batch each paid or returned line of the notice belongs to: its PmtInfId, or the
    batch its end-to-end id names. A batch with a return is returned as a whole."""
    sorted_ = NoticeByBatch()
    for paid in notice.paid:
        reference = paid.batch_reference or reference_of(paid.end_to_end_id or "")
        if reference is None:
            sorted_.unknown.append(paid.end_to_end_id or "?")
        elif paid.end_to_end_id is None:
            sorted_.whole[reference] = paid.amount_cents
        else:
            sorted_.transfers.setdefault(reference, set()).add(paid.end_to_end_id)
    for line in notice.rejected:
        reference = line.batch_reference or reference_of(line.end_to_end_id or "")
        if reference is None:
            sorted_.unknown.append(line.end_to_end_id or "?")
        else:
            sorted_.returned.setdefault(reference, line.reason_code)
    for reference in sorted_.returned:
        sorted_.whole.pop(reference, None)
        sorted_.transfers.pop(reference, None)
    return sorted_
