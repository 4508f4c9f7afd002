"""The daily payment job: the validated services done become one batch per organisme and day,
each made in one transaction with its files moved `en_lot`, then its SEPA credit transfer file
written to the payments bucket. Run twice, it makes nothing new (the day's reference exists);
stopped between a batch and its file, the next run writes the file first.

An organisme without bank details is not paid (its lines wait, counted); an organisme whose IBAN
changed has its next batch made but held for an operator before any file is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..clock import PARIS
from ..mailer import SesMailer, send_quietly
from ..models import BankDetails, Dossier, Organisme, PaymentLot
from ..models.payment import LotLine
from ..observability import Metric, count, count_euros, logger
from . import emails, sepa
from .batch import DebtorAccount, PaymentBatch, PaymentLine
from .lots import HELD, SENT, PayableLine, PlannedLot, days_waiting, plan
from .store import HELD_SERVICE, PAYABLE, LotExists, LotMoved, PaymentStore, file_key, lot_key


@dataclass
class RunReport:
    lots: list[str] = field(default_factory=list)  # the references made
    held: list[str] = field(default_factory=list)  # made, waiting for an operator
    files: list[str] = field(default_factory=list)  # SEPA files written
    without_bank_details: list[str] = field(default_factory=list)  # SIRETs
    carried_over: int = 0  # lines beyond a batch's size: tomorrow's
    already_made: int = 0
    moved: int = 0  # a line or the bank details changed under the job: next run


class SepaWriter:
    """Writes a batch's file from the batch as it was made (its account, lines and time)."""

    def __init__(self, store: PaymentStore, debtor: Callable[[], DebtorAccount]) -> None:
        self._store = store
        self._debtor = debtor

    def check(self) -> None:
        """MissingSetting before any batch is made when the paying account is not set."""
        self._debtor()

    def write(self, lot: PaymentLot) -> str:
        iban = self._store.decrypt_iban(lot.siret, lot.iban_chiffre)
        batch = PaymentBatch(
            reference=lot.reference,
            execution_date=datetime.fromisoformat(lot.jour).date(),
            debtor=self._debtor(),
            lines=tuple(
                PaymentLine(
                    creditor_name=lot.organisme_nom,
                    iban=iban,
                    bic=lot.bic,
                    amount_cents=int(line.montant_centimes),
                    end_to_end_id=line.bout_en_bout,
                    file_id=line.dossier,
                    invoice_number=line.facture,
                )
                for line in lot.lignes
            ),
        )
        self._store.write_file(lot, sepa.credit_transfer_file(batch, lot.cree_le))
        return lot.fichier


class PaymentBatches:
    def __init__(
        self,
        store: PaymentStore,
        writer: SepaWriter,
        mailer: SesMailer,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._writer = writer
        self._mailer = mailer
        self._now = clock

    def run(self) -> RunReport:
        report = RunReport()
        self._writer.check()
        at_the_bank = self._store.lots_followed(SENT)
        for lot in at_the_bank:  # a run stopped between a batch and its file: the file first
            if not self._store.file_exists(lot.fichier):
                report.files.append(self._writer.write(lot))
        now = self._now()
        files = {d.id: d for d in self._store.files_at_the_funder(PAYABLE)}
        planned, left = plan(
            [payable_line(d) for d in files.values()], now.astimezone(PARIS).date()
        )
        report.carried_over = len(left)
        banks, organismes = (
            self._store.banks_and_organismes([p.siret for p in planned]) if planned else ({}, {})
        )
        for one in planned:
            bank = banks.get(one.siret)
            if bank is None:
                report.without_bank_details.append(one.siret)
                continue
            self._make(one, bank, organismes.get(one.siret), files, now, report)
        self._measure(now, report, left, at_the_bank)
        return report

    def _make(
        self,
        planned: PlannedLot,
        bank: BankDetails,
        organisme: Organisme | None,
        files: dict[str, Dossier],
        now: datetime,
        report: RunReport,
    ) -> None:
        record = lot_record(planned, bank, now)
        try:
            self._store.make_lot(record, [files[line.dossier] for line in planned.lines], bank)
        except LotExists:
            report.already_made += 1
            return
        except LotMoved:
            report.moved += 1
            logger.warning(
                "payment batch not made: moved meanwhile", extra={"lot": planned.reference}
            )
            return
        report.lots.append(record.reference)
        count(Metric.PAYMENT_LOTS_MADE)
        count_euros(Metric.PAYMENT_LOTS_EUROS, planned.total_cents)
        if record.statut == HELD:
            report.held.append(record.reference)
            count(Metric.PAYMENT_LOTS_HELD)
        else:
            report.files.append(self._writer.write(record))
        if organisme is not None and organisme.email:
            send_quietly(self._mailer, emails.lot_made(record, organisme.email))

    def _measure(
        self, now: datetime, report: RunReport, left: list[PayableLine], sent: list[PaymentLot]
    ) -> None:
        """What the dashboard and the lateness alarm read: how old the oldest unpaid service
        done is (held for an operator, payable, or in a batch not yet paid)."""
        waiting = [line.service_declared_at for line in left]
        held_files = self._store.files_at_the_funder(HELD_SERVICE)
        waiting += [d.facture.deposee_le for d in held_files if d.facture is not None]
        for lot in [*sent, *self._store.lots_followed(HELD)]:
            waiting += [line.service_declare_le for line in lot.lignes]
        count(Metric.SERVICES_WAITING_VALIDATION, len(held_files))
        count(Metric.PAYMENT_LINES_WAITING, report.carried_over)
        count(
            Metric.PAYMENT_OLDEST_UNPAID_DAYS,
            max((days_waiting(since, now) for since in waiting), default=0),
        )


def payable_line(dossier: Dossier) -> PayableLine:
    invoice = dossier.facture
    return PayableLine(
        dossier=dossier.id,
        siret=dossier.organisme,
        organisme_nom=dossier.organisme_nom,
        titre=dossier.titre,
        invoice_number=invoice.numero,
        amount_cents=int(invoice.montant_ttc_centimes),
        service_declared_at=invoice.deposee_le,
    )


def lot_record(planned: PlannedLot, bank: BankDetails, now: datetime) -> PaymentLot:
    held = bool(bank.a_verifier)
    return PaymentLot(
        lot_key(planned.reference),
        reference=planned.reference,
        siret=planned.siret,
        organisme_nom=planned.organisme_nom,
        jour=planned.day.isoformat(),
        tri=f"{planned.day.isoformat()}#{planned.reference}",
        statut=HELD if held else SENT,
        suivi=HELD if held else SENT,
        fichier=None if held else file_key(planned.day.isoformat(), planned.reference),
        lignes=[
            LotLine(
                dossier=line.dossier,
                titre=line.titre,
                facture=line.invoice_number,
                montant_centimes=line.amount_cents,
                bout_en_bout=planned.end_to_end_id(position),
                service_declare_le=line.service_declared_at,
            )
            for position, line in enumerate(planned.lines, start=1)
        ],
        total_centimes=planned.total_cents,
        iban_chiffre=bank.iban_chiffre,
        iban_masque=bank.iban_masque,
        bic=bank.bic,
        cree_le=now,
        motif=(
            f"IBAN modifié le {bank.enregistre_le.astimezone(PARIS):%d/%m/%Y} : à vérifier avant "
            "émission"
            if held
            else None
        ),
    )
