"""All AWS access for the organismes' payments: their bank details (the IBAN encrypted by KMS,
the organisme's SIRET as encryption context, so a ciphertext moved to another organisme does
not decrypt), the batches, the files in the payments bucket, and the writes that move a batch's
files with it, each in one transaction with its conditions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError

from ..enrolment.store import Change, status_write
from ..models import BankDetails, Dossier, Organisme, PaymentLot, is_condition_failure
from ..rights.store import Write, cancellation_reasons, transact
from .lots import HELD, PAID, REJECTED, SENT

PAYABLE, IN_LOT, HELD_SERVICE = "a_payer", "en_lot", "attente"  # the files' `paiement`
SEPA_FILES = "sepa/"  # the batches' credit transfer files
BANK_NOTICES = "retours/"  # the bank's notifications, as received


class LotExists(Exception):
    """A batch with this reference was made already (the job ran today)."""


class LotMoved(Exception):
    """The batch, one of its files or the organisme's bank details changed since they were
    read: nothing was written."""


def bank_key(siret: str) -> str:
    return f"banque#{siret}"


def lot_key(reference: str) -> str:
    return f"lot#{reference}"


def file_key(day: str, reference: str) -> str:
    return f"{SEPA_FILES}{day}/{reference}.xml"


class PaymentStore:
    def __init__(self, s3: Any = None, kms: Any = None, bucket: str = "", key_id: str = "") -> None:
        self._s3 = s3
        self._kms = kms
        self._bucket = bucket
        self._key_id = key_id

    # --- bank details -----------------------------------------------------------------------
    def encrypt_iban(self, siret: str, iban: str) -> bytes:
        answer = self._kms.encrypt(
            KeyId=self._key_id,
            Plaintext=iban.encode(),
            EncryptionContext={"organisme": siret},
        )
        return bytes(answer["CiphertextBlob"])

    def decrypt_iban(self, siret: str, blob: bytes) -> str:
        answer = self._kms.decrypt(
            CiphertextBlob=blob, KeyId=self._key_id, EncryptionContext={"organisme": siret}
        )
        return bytes(answer["Plaintext"]).decode()

    def bank(self, siret: str) -> BankDetails | None:
        try:
            return BankDetails.get(bank_key(siret), consistent_read=True)
        except DoesNotExist:
            return None

    def save_bank(self, details: BankDetails, previous_version: int | None) -> None:
        """LotMoved when someone registered other details meanwhile."""
        condition = (
            BankDetails.pk.does_not_exist()
            if previous_version is None
            else BankDetails.version == previous_version
        )
        try:
            details.save(condition=condition)
        except PutError as error:
            if is_condition_failure(error):
                raise LotMoved() from None
            raise

    def banks_and_organismes(
        self, sirets: list[str]
    ) -> tuple[dict[str, BankDetails], dict[str, Organisme]]:
        """The bank details and the organismes of these SIRETs, by batches of 100 keys."""
        banks = {d.siret: d for d in BankDetails.batch_get([bank_key(s) for s in sirets])}
        organismes = {o.siret: o for o in Organisme.batch_get([f"organisme#{s}" for s in sirets])}
        return banks, organismes

    # --- the files to pay -------------------------------------------------------------------
    def files_at_the_funder(self, state: str) -> list[Dossier]:
        """Every file validated and payable (`a_payer`) or held for an operator (`attente`):
        the sparse payment index, page after page."""
        return list(Dossier.payment_index.query(state))

    def payable_of(self, siret: str) -> list[Dossier]:
        return list(
            Dossier.payment_index.query(PAYABLE, Dossier.paiement_tri.startswith(f"{siret}#"))
        )

    # --- batches ----------------------------------------------------------------------------
    def lot(self, reference: str) -> PaymentLot | None:
        try:
            return PaymentLot.get(lot_key(reference), consistent_read=True)
        except DoesNotExist:
            return None

    def lots_of(
        self, siret: str, after: dict[str, str] | None, limit: int
    ) -> tuple[list[PaymentLot], dict[str, str] | None]:
        """An organisme's batches, newest first (one query a page)."""
        start = (
            {"pk": {"S": after["pk"]}, "siret": {"S": siret}, "tri": {"S": after["tri"]}}
            if after
            else None
        )
        query = PaymentLot.organisme_index.query(
            siret, scan_index_forward=False, limit=limit, last_evaluated_key=start
        )
        page = list(query)
        last = query.last_evaluated_key
        return page, ({"pk": last["pk"]["S"], "tri": last["tri"]["S"]} if last else None)

    def lots_followed(self, state: str) -> list[PaymentLot]:
        """Batches held, still to write or at the bank (the sparse follow-up index), oldest
        first."""
        return list(PaymentLot.follow_up_index.query(state))

    def make_lot(self, lot: PaymentLot, files: list[Dossier], bank: BankDetails) -> None:
        """The batch and its files moved `en_lot`, all or nothing, for the bank details as
        read (their version) and files still payable. LotExists, LotMoved otherwise."""
        bank_writes = [
            Write(
                "update",
                bank,
                actions=(BankDetails.a_verifier.set(False),),
                condition=BankDetails.version == bank.version,
            )
            if bank.a_verifier
            else Write(
                "check", (BankDetails, bank.pk), condition=BankDetails.version == bank.version
            )
        ]
        writes = [
            Write("save", lot, condition=PaymentLot.pk.does_not_exist()),
            *bank_writes,
            *(
                Write(
                    "update",
                    dossier,
                    actions=(
                        Dossier.paiement.set(IN_LOT),
                        Dossier.paiement_tri.set(f"{lot.siret}#{lot.reference}"),
                        Dossier.lot.set(lot.reference),
                    ),
                    condition=Dossier.paiement == PAYABLE,
                )
                for dossier in files
            ),
        ]
        try:
            transact(writes)
        except TransactWriteError as error:
            if cancellation_reasons(error, writes)[0] == "ConditionalCheckFailed":
                raise LotExists() from None
            raise LotMoved() from None

    def write_file(self, lot: PaymentLot, document: bytes) -> None:
        """The batch's SEPA file in the payments bucket, at the key the batch names: written
        again after a crash, it is the same file."""
        self._s3.put_object(
            Bucket=self._bucket, Key=lot.fichier, Body=document, ContentType="application/xml"
        )

    def file_exists(self, key: str) -> bool:
        try:
            self._s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def release(self, lot: PaymentLot, by: str, key: str) -> None:
        """A held batch goes to the bank (an operator checked the new IBAN): its file next."""
        self._lot_update(
            lot,
            [
                PaymentLot.statut.set(SENT),
                PaymentLot.suivi.set(SENT),
                PaymentLot.fichier.set(key),
                PaymentLot.par.set(by),
            ],
            PaymentLot.statut == HELD,
        )

    def pay(
        self,
        lot: PaymentLot,
        files: list[Dossier],
        changes: list[Change],
        by: str,
        also: list[Write] | None = None,
    ) -> None:
        """The batch paid and its files `paye`, in one transaction (with `also`, their events:
        one write for the batch's organisme); LotMoved when it was decided meanwhile."""
        now = changes[0].now
        writes = [
            Write(
                "update",
                lot,
                actions=(
                    PaymentLot.statut.set(PAID),
                    PaymentLot.suivi.remove(),
                    PaymentLot.paye_le.set(now),
                    PaymentLot.par.set(by),
                ),
                condition=PaymentLot.suivi == SENT,
            ),
            *(
                status_write(dossier, change)[0]
                for dossier, change in zip(files, changes, strict=True)
            ),
            *(also or []),
        ]
        self._decide(writes)

    def reject(
        self, lot: PaymentLot, files: list[Dossier], now: datetime, by: str, reason: str
    ) -> None:
        """The batch rejected as a whole: its files payable again, and the organisme's bank
        details to be checked before its next batch leaves."""
        writes = [
            Write(
                "update",
                lot,
                actions=(
                    PaymentLot.statut.set(REJECTED),
                    PaymentLot.suivi.remove(),
                    PaymentLot.rejete_le.set(now),
                    PaymentLot.motif.set(reason),
                    PaymentLot.par.set(by),
                ),
                condition=PaymentLot.suivi.is_in(HELD, SENT),
            ),
            Write(
                "update",
                BankDetails(bank_key(lot.siret)),
                actions=(BankDetails.a_verifier.set(True),),
                condition=BankDetails.pk.exists(),
            ),
            *(
                Write(
                    "update",
                    dossier,
                    actions=(
                        Dossier.paiement.set(PAYABLE),
                        Dossier.paiement_tri.set(f"{lot.siret}#{now.isoformat()}"),
                        Dossier.lot.remove(),
                    ),
                    condition=Dossier.lot == lot.reference,
                )
                for dossier in files
            ),
        ]
        self._decide(writes)

    def note_paid(self, reference: str, end_to_end_ids: set[str]) -> PaymentLot | None:
        """Add transfers the bank reported paid to the batch's tally; the batch as it is now."""
        try:
            PaymentLot(lot_key(reference)).update(
                actions=[PaymentLot.payes.add(end_to_end_ids)],
                condition=PaymentLot.pk.exists(),
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return None
            raise
        return self.lot(reference)

    def files(self, ids: list[str]) -> list[Dossier]:
        """These files, in this order (BatchGetItem: 100 keys a request)."""
        found = {d.id: d for d in Dossier.batch_get(ids)}
        return [found[i] for i in ids if i in found]

    def keep_notice(self, name: str, data: bytes) -> str:
        key = f"{BANK_NOTICES}{name}"
        self._s3.put_object(Bucket=self._bucket, Key=key, Body=data, ContentType="application/xml")
        return key

    # --- helpers ----------------------------------------------------------------------------
    def _lot_update(self, lot: PaymentLot, actions: list[Any], condition: Any) -> None:
        try:
            lot.update(actions=actions, condition=condition)
        except UpdateError as error:
            if is_condition_failure(error):
                raise LotMoved() from None
            raise

    @staticmethod
    def _decide(writes: list[Write]) -> None:
        try:
            transact(writes)
        except TransactWriteError:
            raise LotMoved() from None
