"""A payment batch as the SEPA credit transfer file the Caisse des Dépôts' bank takes: ISO 20022
`pain.001.001.03` (CustomerCreditTransferInitiation), one PmtInf for the batch, one
CdtTrfTxInf per line, written by the `sepaxml` library and checked against the official XSD
before it is returned.

The file is deterministic: the same batch and the same `created_at` give the same bytes. sepaxml
draws its message id and payment information id at random and stamps the local time; those
three values are replaced by ones derived from the batch (MsgId = reference + time of creation,
PmtInfId = reference, CreDtTm = `created_at` in UTC), so that a file can be rebuilt and compared
and the bank's notification names the batch it settles."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalicelib.errors import InvalidForm

from .bank_details import check_bank_account
from .batch import PaymentBatch, PaymentLine
from .sepa_text import NAME_LENGTH, REMITTANCE_LENGTH, is_identifier, latin_text

if TYPE_CHECKING:
    from xmlschema import XMLSchema

PAIN_001 = "pain.001.001.03"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{PAIN_001}"
# with "-" and the time of day (HHMMSS), the message id fits Max35Text; the service's batch
# references carry their day and organisme ("LOT-20270115-<SIRET>", 27 characters)
REFERENCE_LENGTH = 28
MAX_AMOUNT_CENTS = 99_999_999_999  # 999 999 999,99 €: the SEPA scheme's ceiling per transfer


class SepaFileRefused(Exception):
    """A batch that cannot become a file, or a file the XSD refuses: every reason, in French,
    for the operator who prepared the batch."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Fichier de virements SEPA refusé : " + " ; ".join(problems))
        self.problems = tuple(problems)


def credit_transfer_file(batch: PaymentBatch, created_at: datetime) -> bytes:
    """The pain.001.001.03 file of the batch, UTF-8, valid against the XSD; `SepaFileRefused`
    lists what is wrong otherwise. `created_at` must carry its time zone."""
    problems = batch_problems(batch)
    if created_at.tzinfo is None:
        problems.append("l'heure de création du fichier doit porter son fuseau horaire")
    if problems:
        raise SepaFileRefused(problems)
    created = created_at.astimezone(UTC)
    document = _with_batch_identifiers(
        _sepaxml_document(batch),
        message_id=f"{batch.reference}-{created:%H%M%S}",
        created_at=f"{created:%Y-%m-%dT%H:%M:%S}",
        payment_information_id=batch.reference,
    )
    validate_pain_001(document)
    return document


def batch_problems(batch: PaymentBatch) -> list[str]:
    """Everything that stops the batch becoming a file, line by line; empty when it can."""
    problems = []
    if not is_identifier(batch.reference, REFERENCE_LENGTH):
        problems.append(
            f"la référence du lot doit compter 1 à {REFERENCE_LENGTH} caractères sans espace "
            "(lettres, chiffres, / - ? : ( ) . , ' +)"
        )
    if not batch.lines:
        problems.append("le lot ne contient aucun virement")
    if not latin_text(batch.debtor.name, NAME_LENGTH):
        problems.append("le nom du compte débité est vide")
    problems += [
        f"compte débité : {p}" for p in _account_problems(batch.debtor.iban, batch.debtor.bic)
    ]
    seen: set[str] = set()
    for number, line in enumerate(batch.lines, start=1):
        problems += [f"ligne {number} : {p}" for p in _line_problems(line, seen)]
        seen.add(line.end_to_end_id)
    return problems


def validate_pain_001(document: bytes) -> None:
    """Refuses (`SepaFileRefused`) a document the official pain.001.001.03 XSD does not accept."""
    errors = [
        f"{error.path} : {error.reason}" for error in _schema().iter_errors(document.decode())
    ]
    if errors:
        raise SepaFileRefused(
            [f"le fichier ne respecte pas le schéma {PAIN_001} : {e}" for e in errors]
        )


def _line_problems(line: PaymentLine, seen: set[str]) -> list[str]:
    problems = []
    if not latin_text(line.creditor_name, NAME_LENGTH):
        problems.append("le nom de l'organisme est vide")
    problems += _account_problems(line.iban, line.bic)
    if isinstance(line.amount_cents, bool) or not isinstance(line.amount_cents, int):
        problems.append("le montant doit être un nombre entier de centimes")
    elif not 0 < line.amount_cents <= MAX_AMOUNT_CENTS:
        problems.append("le montant doit être compris entre 0,01 € et 999 999 999,99 €")
    if not is_identifier(line.end_to_end_id):
        problems.append(
            "l'identifiant de bout en bout doit compter 1 à 35 caractères sans espace "
            "(lettres, chiffres, / - ? : ( ) . , ' +)"
        )
    elif line.end_to_end_id in seen:
        problems.append(f"l'identifiant de bout en bout {line.end_to_end_id} est déjà dans le lot")
    if not latin_text(line.remittance_info, REMITTANCE_LENGTH):
        problems.append("le libellé du virement est vide")
    return problems


def _account_problems(iban: str, bic: str) -> list[str]:
    try:
        check_bank_account(iban, bic)
    except InvalidForm as refused:
        return [f"{error.champ} : {error.message}" for error in refused.errors]
    return []


def _sepaxml_document(batch: PaymentBatch) -> bytes:
    """The file as sepaxml writes it (its own identifiers, not yet checked). Texts are given
    already in the SEPA subset, so sepaxml's own cleaning is turned off."""
    from sepaxml import SepaTransfer

    debtor = check_bank_account(batch.debtor.iban, batch.debtor.bic)
    transfer = SepaTransfer(
        {
            "name": latin_text(batch.debtor.name, NAME_LENGTH),
            "IBAN": debtor.iban,
            "BIC": debtor.bic,
            "batch": True,  # one PmtInf per execution date: the batch's one date
            "currency": "EUR",
        },
        schema=PAIN_001,
        clean=False,
    )
    for line in batch.lines:
        creditor = check_bank_account(line.iban, line.bic)
        payment: dict[str, Any] = {
            "name": latin_text(line.creditor_name, NAME_LENGTH),
            "IBAN": creditor.iban,
            "BIC": creditor.bic,
            "amount": line.amount_cents,  # sepaxml writes cents as a decimal string, no float
            "execution_date": batch.execution_date,
            "description": latin_text(line.remittance_info, REMITTANCE_LENGTH),
            "endtoend_id": line.end_to_end_id,
        }
        transfer.add_payment(payment)
    document: bytes = transfer.export(validate=False)  # validated below, once final
    return document


def _with_batch_identifiers(
    document: bytes, *, message_id: str, created_at: str, payment_information_id: str
) -> bytes:
    """sepaxml's random identifiers and clock replaced in its own bytes (each element is
    written once, the values are SEPA identifiers and digits: nothing to escape), so that the
    rest of the file stays exactly as the library wrote it."""
    for element, value in (
        ("MsgId", message_id),
        ("CreDtTm", created_at),
        ("PmtInfId", payment_information_id),
    ):
        tag = element.encode()
        document, found = re.subn(
            rb"<%s>[^<]*</%s>" % (tag, tag), b"<%s>%s</%s>" % (tag, value.encode(), tag), document
        )
        if found != 1:
            raise SepaFileRefused([f"sepaxml a écrit {found} éléments {element} au lieu d'un"])
    return document


@lru_cache(maxsize=1)
def _schema() -> XMLSchema:
    """The XSD sepaxml ships (the ISO 20022 message definition), read once per process."""
    from importlib import resources

    import xmlschema

    xsd = resources.files("sepaxml") / "schemas" / f"{PAIN_001}.xsd"
    return xmlschema.XMLSchema(str(xsd))
