"""The people around the payments: operators register the organismes' bank details, release a
held batch, mark a batch paid or rejected, and apply the bank's notification (camt.054); the
organisme reads its batches. A batch is paid or rejected as a whole, its files with it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..clock import PARIS
from ..cursors import Cursors
from ..enrolment import rules
from ..enrolment.store import Announce, Change, after
from ..mailer import Email, SesMailer, send_quietly
from ..models import BankDetails, Dossier, Organisme, PaymentLot
from ..observability import Metric, count, count_euros
from . import emails
from .bank_details import check_bank_account, mask_iban
from .batches import SepaWriter, payable_line
from .camt import read_notification
from .errors import LotNotFound, LotNotInState, UnknownOrganisme
from .lots import HELD, PAID, REJECTED, SENT, by_batch, return_reason
from .schemas import LotView, PaymentsPage
from .store import LotMoved, PaymentStore, bank_key, file_key

PAGE_SIZE = 20
BANK = "banque"  # who decided, when the bank's notification says it


@dataclass(frozen=True)
class Registration:
    masked: str
    changed: bool  # an earlier, different account: the next batch is held


@dataclass
class NoticeReport:
    message_id: str
    paid: list[str] = field(default_factory=list)  # batches paid by this notice
    partly: list[str] = field(default_factory=list)  # some transfers reported, not all yet
    rejected: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # decided before (a notice read twice)
    unknown: list[str] = field(default_factory=list)  # references that are not our batches
    others: int = 0  # pending, reversed, credits: for the operator, nothing applied


class PaymentDesk:
    def __init__(
        self,
        store: PaymentStore,
        writer: SepaWriter,
        mailer: SesMailer,
        notify_holder: Callable[[Dossier], None],
        organisme: Callable[[str], Organisme | None],
        cursors: Cursors,
        clock: Callable[[], datetime],
        announce: Announce | None = None,
    ) -> None:
        """`organisme(siret)`: the organisme and its address (the enrolment's store)."""
        self._store = store
        self._organisme = organisme
        self._announce = announce
        self._writer = writer
        self._mailer = mailer
        self._notify_holder = notify_holder
        self._cursors = cursors
        self._now = clock

    # --- bank details -----------------------------------------------------------------------
    def register_bank(self, siret: str, iban: str, bic: str, operator: str) -> Registration:
        """InvalidForm (iban, bic) when the details do not hold; UnknownOrganisme."""
        account = check_bank_account(iban, bic)
        organisme = self._organisme(siret)
        if organisme is None:
            raise UnknownOrganisme()
        previous = self._store.bank(siret)
        same = (
            previous is not None
            and previous.bic == account.bic
            and (self._store.decrypt_iban(siret, previous.iban_chiffre) == account.iban)
        )
        masked = mask_iban(account.iban)
        if same:
            return Registration(masked=masked, changed=False)
        now = self._now()
        changed = previous is not None
        self._store.save_bank(
            BankDetails(
                bank_key(siret),
                siret=siret,
                iban_chiffre=self._store.encrypt_iban(siret, account.iban),
                iban_masque=masked,
                bic=account.bic,
                version=(int(previous.version) + 1) if previous else 1,
                enregistre_le=now,
                enregistre_par=operator,
                a_verifier=changed or bool(previous and previous.a_verifier),
                precedent_masque=previous.iban_masque if previous else None,
            ),
            int(previous.version) if previous else None,
        )
        if changed:
            count(Metric.BANK_DETAILS_CHANGED)
        if organisme.email:
            when = f"{now.astimezone(PARIS):%d/%m/%Y à %H:%M}"
            previous_mask = previous.iban_masque if previous else None
            send_quietly(
                self._mailer,
                emails.bank_details_changed(organisme.email, masked, previous_mask, when),
            )
        return Registration(masked=masked, changed=changed)

    # --- operators on batches ---------------------------------------------------------------
    def held(self) -> list[PaymentLot]:
        return self._store.lots_followed(HELD)

    def at_the_bank(self) -> list[PaymentLot]:
        return self._store.lots_followed(SENT)

    def lot(self, reference: str) -> PaymentLot:
        lot = self._store.lot(reference)
        if lot is None:
            raise LotNotFound()
        return lot

    def release(self, reference: str, operator: str) -> PaymentLot:
        """A held batch checked by an operator: its file is written, it goes to the bank."""
        lot = self.lot(reference)
        if lot.statut != HELD:
            raise LotNotInState(lot.statut)
        self._store.release(lot, operator, file_key(lot.jour, lot.reference))
        lot = self.lot(reference)
        self._writer.write(lot)
        self._tell_organisme(lot, emails.lot_made)
        return lot

    def pay(self, reference: str, by: str) -> PaymentLot:
        """The whole batch paid: its files `paye` (LotNotInState unless it is at the bank)."""
        lot = self.lot(reference)
        if lot.statut != SENT or lot.suivi != SENT:
            raise LotNotInState(lot.statut)
        now = self._now()
        files = self._store.files([line.dossier for line in lot.lignes])
        for dossier in files:
            if not rules.allowed(dossier.statut, rules.PAID, rules.SYSTEM):
                raise LotNotInState(lot.statut)
        changes = [
            Change(
                target=rules.PAID,
                by=rules.SYSTEM,
                now=now,
                fields={"paiement": None, "paiement_tri": None},
            )
            for _ in files
        ]
        writes, announced = (
            self._announce([after(d, c) for d, c in zip(files, changes, strict=True)])
            if self._announce
            else ([], None)
        )
        try:
            self._store.pay(lot, files, changes, by, also=writes)
        except LotMoved:
            raise LotNotInState(self.lot(reference).statut) from None
        lot.statut, lot.paye_le, lot.par = PAID, now, by
        if announced is not None:
            announced()
        count(Metric.DOSSIER_PAID, len(files))
        count_euros(Metric.PAYMENT_PAID_EUROS, int(lot.total_centimes))
        for dossier in files:
            dossier.statut = rules.PAID
            self._notify_holder(dossier)
        self._tell_organisme(lot, emails.lot_paid)
        return lot

    def reject(self, reference: str, by: str, reason: str) -> PaymentLot:
        """The whole batch rejected: its files payable again in a later batch, after an
        operator checks the organisme's bank details."""
        lot = self.lot(reference)
        if lot.suivi not in (HELD, SENT):
            raise LotNotInState(lot.statut)
        now = self._now()
        files = self._store.files([line.dossier for line in lot.lignes])
        try:
            self._store.reject(lot, files, now, by, reason)
        except LotMoved:
            raise LotNotInState(self.lot(reference).statut) from None
        lot.statut, lot.rejete_le, lot.motif, lot.par = REJECTED, now, reason, by
        count(Metric.PAYMENT_LOTS_REJECTED)
        self._tell_organisme(lot, emails.lot_rejected)
        return lot

    # --- the bank's notification ------------------------------------------------------------
    def apply_notice(self, data: bytes, name: str) -> NoticeReport:
        """Reads a camt.054 (CamtRefused: nothing applied) and applies it batch by batch."""
        notice = read_notification(data)
        self._store.keep_notice(name, data)
        report = NoticeReport(message_id=notice.message_id, others=len(notice.others))
        sorted_ = by_batch(notice)
        report.unknown += sorted_.unknown
        for reference, code in sorted_.returned.items():
            self._decide(report, reference, report.rejected, "rejeter", return_reason(code))
        for reference, amount in sorted_.whole.items():
            lot = self._store.lot(reference)
            if lot is not None and int(lot.total_centimes) == amount:
                self._decide(report, reference, report.paid, "payer")
            else:
                report.unknown.append(reference)  # not our total: for the operator
        for reference, ids in sorted_.transfers.items():
            lot = self._store.note_paid(reference, ids)
            if lot is None:
                report.unknown.append(reference)
            elif {line.bout_en_bout for line in lot.lignes} <= set(lot.payes or ()):
                self._decide(report, reference, report.paid, "payer")
            else:
                report.partly.append(reference)
        return report

    def _decide(
        self, report: NoticeReport, reference: str, done: list[str], what: str, reason: str = ""
    ) -> None:
        """The bank's word on one batch: paid, or rejected for `reason`."""
        try:
            if what == "payer":
                self.pay(reference, BANK)
            else:
                self.reject(reference, BANK, reason)
        except LotNotFound:
            report.unknown.append(reference)
        except LotNotInState:
            report.already.append(reference)
        else:
            done.append(reference)

    # --- the organisme ----------------------------------------------------------------------
    def page(self, siret: str, cursor: str | None) -> PaymentsPage:
        after = self._cursors.decode("paiements", siret, cursor, ("pk", "tri"))
        lots, last = self._store.lots_of(siret, after, PAGE_SIZE)
        payable = [] if cursor else self._store.payable_of(siret)
        return PaymentsPage.of(
            lots,
            [payable_line(d) for d in payable],
            self._cursors.encode("paiements", siret, last) if last else None,
        )

    def lot_of(self, siret: str, reference: str) -> LotView:
        lot = self._store.lot(reference) if reference.startswith("LOT-") else None
        if lot is None or lot.siret != siret:
            raise LotNotFound()
        return LotView.of(lot)

    def _tell_organisme(self, lot: PaymentLot, email: Callable[[PaymentLot, str], Email]) -> None:
        organisme = self._organisme(lot.siret)
        if organisme is not None and organisme.email:
            send_quietly(self._mailer, email(lot, organisme.email))
