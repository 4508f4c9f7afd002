"""The bank's camt.054.001.02 notification read into what the caller applies to its batches:
paid lines, rejected lines with their reason, and the rest kept; a file that does not follow the
message is refused with everything wrong in it, and XML entity tricks are refused unread."""

import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from chalicelib.payments.camt import (
    BankTransaction,
    CamtRefused,
    PaidLine,
    RejectedLine,
    read_notification,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sepa"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def refusal(data: bytes) -> tuple[str, ...]:
    with pytest.raises(CamtRefused) as refused:
        read_notification(data)
    return refused.value.problems


def test_a_booked_batch_pays_each_of_its_lines():
    notification = read_notification(fixture("camt054_batch_booked.xml"))
    assert notification.message_id == "CAMT054-20261208-0001"
    assert notification.created_at == datetime(2026, 12, 8, 6, 30)
    booked = date(2026, 12, 7)
    assert notification.paid == (
        PaidLine("E2E-0001", "LOT-2026-12-01", 1_234_567, booked),
        PaidLine("E2E-0002", "LOT-2026-12-01", 80_000, booked),
        PaidLine("E2E-0003", "LOT-2026-12-01", 45_050, booked),  # "450.5"
    )
    assert notification.rejected == () and notification.others == ()


def test_a_returned_transfer_is_rejected_with_its_reason_and_a_pending_one_is_kept():
    notification = read_notification(fixture("camt054_return_and_pending.xml"))
    assert notification.created_at == datetime(2026, 12, 11, 5, 30, tzinfo=UTC)
    assert notification.paid == ()
    assert notification.rejected == (
        RejectedLine("E2E-0002", "LOT-2026-12-01", 80_000, "AC04", date(2026, 12, 10)),
    )
    assert notification.others == (
        BankTransaction(
            end_to_end_id=None,
            batch_reference="LOT-2026-12-02",
            amount_cents=240_000,
            direction="DBIT",
            status="PDNG",
            booking_date=None,
            reversal=False,
            return_reason=None,
        ),
    )


def test_a_batch_booked_as_one_entry_is_paid_as_a_whole():
    notification = read_notification(fixture("camt054_batch_as_one_entry.xml"))
    assert notification.paid == (PaidLine(None, "LOT-2026-12-02", 240_000, date(2026, 12, 14)),)


def test_a_proprietary_return_reason_is_kept_when_there_is_no_code():
    data = fixture("camt054_return_and_pending.xml").replace(
        b"<Rsn><Cd>AC04</Cd></Rsn>", b"<Rsn><Prtry>CPTE-CLOS</Prtry></Rsn>"
    )
    assert read_notification(data).rejected[0].reason_code == "CPTE-CLOS"


def test_a_reversed_or_unreferenced_credit_is_neither_paid_nor_rejected():
    data = fixture("camt054_batch_as_one_entry.xml").replace(
        b"<Sts>BOOK</Sts>", b"<RvslInd>true</RvslInd><Sts>BOOK</Sts>"
    )
    notification = read_notification(data)
    assert notification.paid == () and notification.others[0].reversal is True


def test_notprovided_is_no_end_to_end_id():
    data = fixture("camt054_batch_booked.xml").replace(b"E2E-0003", b"NOTPROVIDED")
    assert read_notification(data).paid[2] == PaidLine(
        None, "LOT-2026-12-01", 45_050, date(2026, 12, 7)
    )


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            b"<MsgId>CAMT054-20261208-0001</MsgId>",
            b"",
            "GrpHdr/MsgId absent",
        ),
        (
            b"<Sts>BOOK</Sts>",
            b"<Sts>DONE</Sts>",
            "Ntfctn 1, Ntry 1 : Sts DONE (attendu BOOK, PDNG ou INFO)",
        ),
        (
            b"<BookgDt><Dt>2026-12-07</Dt></BookgDt>",
            b"",
            "Ntfctn 1, Ntry 1 : BookgDt absent pour une écriture comptabilisée",
        ),
        (
            b"<BookgDt><Dt>2026-12-07</Dt></BookgDt>",
            b"<BookgDt><Dt>07/12/2026</Dt></BookgDt>",
            "Ntfctn 1, Ntry 1 : BookgDt : date illisible '07/12/2026'",
        ),
        (
            b"<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>",
            b"<CdtDbtInd>D</CdtDbtInd>\n        <Sts>",
            "Ntfctn 1, Ntry 1 : CdtDbtInd D (attendu CRDT ou DBIT)",
        ),
        (
            b'<Amt Ccy="EUR">800.00</Amt>',
            b'<Amt Ccy="CHF">800.00</Amt>',
            "Ntfctn 1, Ntry 1, TxDtls 2 : AmtDtls/TxAmt/Amt : devise CHF (seul l'euro est attendu)",
        ),
        (
            b'<Amt Ccy="EUR">800.00</Amt>',
            b'<Amt Ccy="EUR">800,00</Amt>',
            "Ntfctn 1, Ntry 1, TxDtls 2 : AmtDtls/TxAmt/Amt : montant illisible '800,00'",
        ),
        (
            b'<Amt Ccy="EUR">800.00</Amt>',
            b'<Amt Ccy="EUR">800.001</Amt>',
            "Ntfctn 1, Ntry 1, TxDtls 2 : AmtDtls/TxAmt/Amt : plus de deux décimales (800.001)",
        ),
        (
            b'<AmtDtls><TxAmt><Amt Ccy="EUR">800.00</Amt></TxAmt></AmtDtls>',
            b"",
            "Ntfctn 1, Ntry 1, TxDtls 2 : AmtDtls/TxAmt/Amt absent",
        ),
    ],
)
def test_a_malformed_file_is_refused_saying_what_is_wrong(old, new, problem):
    data = fixture("camt054_batch_booked.xml")
    assert old in data
    assert refusal(data.replace(old, new, 1)) == (problem,)


def test_a_transaction_without_any_reference_is_refused_not_dropped():
    data = fixture("camt054_return_and_pending.xml")
    data = data.replace(b"<PmtInfId>LOT-2026-12-01</PmtInfId>", b"").replace(
        b"<EndToEndId>E2E-0002</EndToEndId>", b"<TxId>X</TxId>"
    )
    assert refusal(data) == ("Ntfctn 1, Ntry 1, TxDtls 1 : ni Refs/EndToEndId ni PmtInfId",)


def test_a_return_without_reason_and_an_entry_without_details_are_refused_together():
    data = fixture("camt054_return_and_pending.xml")
    data = data.replace(b"<Rsn><Cd>AC04</Cd></Rsn>", b"").replace(
        b"<PmtInfId>LOT-2026-12-02</PmtInfId>", b""
    )
    assert refusal(data) == (
        "Ntfctn 1, Ntry 1, TxDtls 1 : RtrInf sans motif (Rsn/Cd)",
        "Ntfctn 1, Ntry 2 : ni TxDtls ni Btch/PmtInfId pour savoir ce qui est payé",
    )


def test_another_message_or_version_is_refused():
    camt053 = fixture("camt054_batch_booked.xml").replace(b"camt.054.001.02", b"camt.054.001.08")
    assert refusal(camt053) == (
        "ce n'est pas un document camt.054.001.02 "
        "(espace de noms : urn:iso:std:iso:20022:tech:xsd:camt.054.001.08)",
    )
    assert refusal(b"<Document/>")[0].startswith("ce n'est pas un document camt.054.001.02")


def test_text_that_is_not_xml_is_refused():
    assert refusal(b"MsgId;Montant\n1;800.00\n")[0].startswith("XML illisible")
    assert refusal(fixture("camt054_batch_booked.xml")[:-30])[0].startswith("XML illisible")


def test_an_entity_expansion_attack_is_refused_before_anything_is_expanded():
    started = time.monotonic()
    assert refusal(fixture("entity_expansion.xml")) == (
        "le fichier déclare une DTD ou des entités XML, refusées par sécurité",
    )
    assert time.monotonic() - started < 1


def test_an_external_entity_is_refused_too():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">&secret;</Document>"""
    assert refusal(data) == (
        "le fichier déclare une DTD ou des entités XML, refusées par sécurité",
    )


def test_a_time_zone_in_the_creation_time_is_kept():
    notification = read_notification(fixture("camt054_return_and_pending.xml"))
    assert notification.created_at.utcoffset() == timedelta(hours=1)
    assert notification.created_at.tzinfo == timezone(timedelta(hours=1))


def test_the_notification_of_a_batch_names_the_lines_of_the_file_that_was_sent():
    from tests.unit.test_payments_sepa import BATCH

    paid = read_notification(fixture("camt054_batch_booked.xml")).paid
    assert {line.batch_reference for line in paid} == {BATCH.reference}
    assert {(p.end_to_end_id, p.amount_cents) for p in paid} == {
        (line.end_to_end_id, line.amount_cents) for line in BATCH.lines
    }
