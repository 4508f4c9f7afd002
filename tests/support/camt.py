"""A bank's camt.054.001.02 notification about our batches, written as a bank writes one (see
tests/fixtures/sepa/SOURCE.md for the message definition followed)."""

from __future__ import annotations

from datetime import date


def transfer(end_to_end: str, cents: int, reason: str | None = None) -> str:
    returned = f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>" if reason else ""
    return (
        f"<TxDtls><Refs><EndToEndId>{end_to_end}</EndToEndId></Refs>"
        f'<AmtDtls><TxAmt><Amt Ccy="EUR">{cents / 100:.2f}</Amt></TxAmt></AmtDtls>'
        f"{returned}</TxDtls>"
    )


def entry(reference: str, transfers: list[tuple[str, int]], *, returned: str | None = None) -> str:
    """One booked entry of a batch: its transfers paid, or all returned for `returned`."""
    total = sum(cents for _, cents in transfers)
    direction, family = ("CRDT", "RRTN") if returned else ("DBIT", "ESCT")
    details = "".join(transfer(e2e, cents, returned) for e2e, cents in transfers)
    return (
        f'<Ntry><Amt Ccy="EUR">{total / 100:.2f}</Amt><CdtDbtInd>{direction}</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{date.today().isoformat()}</Dt></BookgDt>"
        f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>{family}</SubFmlyCd></Fmly>"
        f"</Domn></BkTxCd><NtryDtls><Btch><PmtInfId>{reference}</PmtInfId></Btch>{details}"
        "</NtryDtls></Ntry>"
    )


def whole_batch(reference: str, cents: int) -> str:
    """The batch booked as one entry, without the detail of its transfers."""
    return (
        f'<Ntry><Amt Ccy="EUR">{cents / 100:.2f}</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{date.today().isoformat()}</Dt></BookgDt>"
        f"<NtryDtls><Btch><PmtInfId>{reference}</PmtInfId></Btch></NtryDtls></Ntry>"
    )


def notification(message_id: str, *entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">'
        f"<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>{message_id}</MsgId>"
        "<CreDtTm>2027-01-20T06:30:00+01:00</CreDtTm></GrpHdr>"
        f"<Ntfctn><Id>{message_id}-1</Id><CreDtTm>2027-01-20T06:30:00+01:00</CreDtTm>"
        "<Acct><Id><IBAN>FR7640031000010000123456786</IBAN></Id></Acct>"
        f"{''.join(entries)}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()
