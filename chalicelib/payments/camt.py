"""The bank's notification of what happened to the transfers: ISO 20022 `camt.054.001.02`
(BankToCustomerDebitCreditNotification), read into lines the caller applies to its batches:
paid (a booked debit), rejected or returned (a transaction with return information and its
reason code, AC04 "account closed"...), and the rest, kept for the operator, never dropped.

The structure read, from the ISO 20022 message definition (BankToCustomerDebitCreditNotification
V02, its ReportEntry2 and EntryTransaction2):

    Document/BkToCstmrDbtCdtNtfctn/GrpHdr/MsgId
    .../Ntfctn/Ntry: Amt@Ccy, CdtDbtInd, RvslInd?, Sts (BOOK, PDNG, INFO), BookgDt/Dt
    .../Ntry/NtryDtls: Btch/PmtInfId?, TxDtls*: Refs/(PmtInfId, EndToEndId),
        AmtDtls/(TxAmt|InstdAmt)/Amt, RtrInf/Rsn/(Cd|Prtry)

A transaction is named by its end-to-end id, or by its batch (PmtInfId) when the bank booked
the batch as one entry without details. A file that does not follow this is refused with every
problem found; a DTD or an entity declaration is refused before anything is read (defusedxml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"
_NS = {"c": NAMESPACE}
_AMOUNT = re.compile(r"(\d{1,18})(?:\.(\d{1,5}))?")
_STATUSES = ("BOOK", "PDNG", "INFO")
NOT_PROVIDED = "NOTPROVIDED"  # what a bank writes when the payer gave no end-to-end id

Direction = Literal["CRDT", "DBIT"]


class CamtRefused(Exception):
    """A notification that cannot be read: every problem found, in French, for the operator."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Avis de la banque (camt.054) refusé : " + " ; ".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class BankTransaction:
    """One transaction as the bank reported it."""

    end_to_end_id: str | None
    batch_reference: str | None  # the PmtInfId of the batch, our batch reference
    amount_cents: int
    direction: Direction
    status: str  # BOOK, PDNG or INFO
    booking_date: date | None
    reversal: bool
    return_reason: str | None  # RtrInf/Rsn/Cd, or its proprietary code


@dataclass(frozen=True)
class PaidLine:
    end_to_end_id: str | None  # None: the whole batch was booked as one entry
    batch_reference: str | None
    amount_cents: int
    booking_date: date


@dataclass(frozen=True)
class RejectedLine:
    end_to_end_id: str | None
    batch_reference: str | None
    amount_cents: int
    reason_code: str
    booking_date: date | None


@dataclass(frozen=True)
class BankNotification:
    message_id: str
    created_at: datetime
    paid: tuple[PaidLine, ...]
    rejected: tuple[RejectedLine, ...]
    # neither paid nor rejected: not yet booked, reversed, or credits that are not returns
    others: tuple[BankTransaction, ...]


def read_notification(data: bytes) -> BankNotification:
    """The notification's lines, or `CamtRefused` with every problem of the file."""
    root = _parse(data)
    problems: list[str] = []
    message = root.find("c:BkToCstmrDbtCdtNtfctn", _NS)
    if message is None:
        raise CamtRefused(["élément BkToCstmrDbtCdtNtfctn absent"])
    message_id = _text(message, "c:GrpHdr/c:MsgId")
    if message_id is None:
        problems.append("GrpHdr/MsgId absent")
    created_at = _datetime(_text(message, "c:GrpHdr/c:CreDtTm"), "GrpHdr/CreDtTm", problems)
    notifications = message.findall("c:Ntfctn", _NS)
    if not notifications:
        problems.append("aucun Ntfctn")
    transactions: list[BankTransaction] = []
    for n, notification in enumerate(notifications, start=1):
        for e, entry in enumerate(notification.findall("c:Ntry", _NS), start=1):
            transactions += _entry(entry, f"Ntfctn {n}, Ntry {e}", problems)
    if problems or message_id is None or created_at is None:
        raise CamtRefused(problems)
    return _classified(message_id, created_at, transactions)


def _parse(data: bytes) -> Element:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        # forbid_dtd: a bank's file has no DTD; entities and external references are refused too
        root: Element = fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise CamtRefused(
            ["le fichier déclare une DTD ou des entités XML, refusées par sécurité"]
        ) from None
    except ParseError as error:
        raise CamtRefused([f"XML illisible ({error})"]) from None
    if root.tag != f"{{{NAMESPACE}}}Document":
        found = root.tag.partition("}")[0].lstrip("{") if root.tag.startswith("{") else root.tag
        raise CamtRefused([f"ce n'est pas un document camt.054.001.02 (espace de noms : {found})"])
    return root


def _entry(entry: Element, where: str, problems: list[str]) -> list[BankTransaction]:
    """The entry's transactions; nothing of an entry with a problem (all its problems noted)."""
    before = len(problems)
    amount = _amount(entry.find("c:Amt", _NS), f"{where} : Amt", problems)
    direction = _direction(_text(entry, "c:CdtDbtInd"), where, problems)
    status = _text(entry, "c:Sts")
    if status not in _STATUSES:
        problems.append(f"{where} : Sts {status or 'absent'} (attendu BOOK, PDNG ou INFO)")
    booked = _text(entry, "c:BookgDt/c:Dt") or (_text(entry, "c:BookgDt/c:DtTm") or "")[:10]
    if status == "BOOK" and not booked:
        problems.append(f"{where} : BookgDt absent pour une écriture comptabilisée")
    booking_date = _date(booked or None, f"{where} : BookgDt", problems)
    reversal = _text(entry, "c:RvslInd") == "true"
    batch = _text(entry, "c:NtryDtls/c:Btch/c:PmtInfId")
    details = entry.findall("c:NtryDtls/c:TxDtls", _NS)
    if not details and batch is None:
        problems.append(f"{where} : ni TxDtls ni Btch/PmtInfId pour savoir ce qui est payé")
    read = [
        _transaction(detail, f"{where}, TxDtls {t}", batch, len(details) > 1, problems)
        for t, detail in enumerate(details, start=1)
    ]
    if len(problems) > before or amount is None or direction is None or status is None:
        return []
    if not details:
        read = [(None, batch, None, None)]
    return [
        BankTransaction(
            end_to_end_id=end_to_end_id,
            batch_reference=batch_reference,
            amount_cents=amount if own_amount is None else own_amount,
            direction=direction,
            status=status,
            booking_date=booking_date,
            reversal=reversal,
            return_reason=reason,
        )
        for end_to_end_id, batch_reference, own_amount, reason in read
    ]


def _transaction(
    detail: Element, where: str, batch: str | None, one_of_several: bool, problems: list[str]
) -> tuple[str | None, str | None, int | None, str | None]:
    """End-to-end id, batch reference, amount (None: the entry's, when it is the only
    transaction) and return reason of one TxDtls."""
    end_to_end_id = _text(detail, "c:Refs/c:EndToEndId")
    if end_to_end_id == NOT_PROVIDED:
        end_to_end_id = None
    batch_reference = _text(detail, "c:Refs/c:PmtInfId") or batch
    if end_to_end_id is None and batch_reference is None:
        problems.append(f"{where} : ni Refs/EndToEndId ni PmtInfId")
    amount_node = detail.find("c:AmtDtls/c:TxAmt/c:Amt", _NS)
    if amount_node is None:
        amount_node = detail.find("c:AmtDtls/c:InstdAmt/c:Amt", _NS)
    amount = None
    if amount_node is not None or one_of_several:
        amount = _amount(amount_node, f"{where} : AmtDtls/TxAmt/Amt", problems)
    reason = None
    if detail.find("c:RtrInf", _NS) is not None:
        reason = _text(detail, "c:RtrInf/c:Rsn/c:Cd") or _text(detail, "c:RtrInf/c:Rsn/c:Prtry")
        if reason is None:
            problems.append(f"{where} : RtrInf sans motif (Rsn/Cd)")
    return end_to_end_id, batch_reference, amount, reason


def _classified(
    message_id: str, created_at: datetime, transactions: list[BankTransaction]
) -> BankNotification:
    paid, rejected, others = [], [], []
    for t in transactions:
        if t.return_reason is not None:
            rejected.append(
                RejectedLine(
                    t.end_to_end_id,
                    t.batch_reference,
                    t.amount_cents,
                    t.return_reason,
                    t.booking_date,
                )
            )
        elif t.direction == "DBIT" and t.status == "BOOK" and not t.reversal and t.booking_date:
            paid.append(
                PaidLine(t.end_to_end_id, t.batch_reference, t.amount_cents, t.booking_date)
            )
        else:
            others.append(t)
    return BankNotification(message_id, created_at, tuple(paid), tuple(rejected), tuple(others))


def _text(node: Element, path: str) -> str | None:
    found = node.find(path, _NS)
    if found is None or found.text is None or not found.text.strip():
        return None
    return found.text.strip()


def _amount(node: Element | None, where: str, problems: list[str]) -> int | None:
    """Exact cents from the decimal text ("12345.67" -> 1234567), euros only."""
    if node is None or node.text is None:
        problems.append(f"{where} absent")
        return None
    match = _AMOUNT.fullmatch(node.text.strip())
    currency = node.get("Ccy")
    if currency != "EUR":
        problems.append(f"{where} : devise {currency or 'absente'} (seul l'euro est attendu)")
        return None
    if match is None:
        problems.append(f"{where} : montant illisible {node.text.strip()[:30]!r}")
        return None
    units, fraction = match.group(1), (match.group(2) or "").ljust(2, "0")
    if fraction[2:].strip("0"):
        problems.append(f"{where} : plus de deux décimales ({node.text.strip()})")
        return None
    return int(units) * 100 + int(fraction[:2])


def _direction(value: str | None, where: str, problems: list[str]) -> Direction | None:
    if value == "CRDT":
        return "CRDT"
    if value == "DBIT":
        return "DBIT"
    problems.append(f"{where} : CdtDbtInd {value or 'absent'} (attendu CRDT ou DBIT)")
    return None


def _date(value: str | None, where: str, problems: list[str]) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where} : date illisible {value[:30]!r}")
        return None


def _datetime(value: str | None, where: str, problems: list[str]) -> datetime | None:
    if value is None:
        problems.append(f"{where} absent")
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        problems.append(f"{where} : date et heure illisibles {value[:30]!r}")
        return None
