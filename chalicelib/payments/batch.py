"""A payment batch: what the Caisse des Dépôts pays, on one execution date, from one account, to
the organismes whose invoices are due. Plain values, made by the caller from its own records;
`sepa.py` turns one batch into one SEPA credit transfer file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DebtorAccount:
    """The Caisse des Dépôts' account the transfers leave from (given by the caller's
    configuration, never read here)."""

    name: str
    iban: str
    bic: str


@dataclass(frozen=True)
class PaymentLine:
    """One transfer to one organisme for one invoice of one enrolment file."""

    creditor_name: str
    iban: str
    bic: str
    amount_cents: int
    end_to_end_id: str  # travels with the transfer and comes back in the bank's notification
    file_id: str
    invoice_number: str

    @property
    def remittance_info(self) -> str:
        """What the organisme reads on its statement, to match the payment to its invoice."""
        return f"Dossier {self.file_id} facture {self.invoice_number}"


@dataclass(frozen=True)
class PaymentBatch:
    reference: str  # the file's payment information id; also the start of its message id
    execution_date: date
    debtor: DebtorAccount
    lines: tuple[PaymentLine, ...]

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)
