"""How payable lines become batches, and how a bank's notice is sorted by batch: pure."""

from datetime import UTC, date, datetime, timedelta

from chalicelib.payments.camt import BankNotification, PaidLine, RejectedLine
from chalicelib.payments.lots import (
    MAX_LINES,
    PayableLine,
    by_batch,
    days_waiting,
    end_to_end_id,
    late,
    lot_reference,
    plan,
    reference_of,
)
from chalicelib.payments.sepa import REFERENCE_LENGTH
from chalicelib.payments.sepa_text import is_identifier

DAY = date(2027, 1, 15)
A, B = "88007919900019", "88015838100017"
T0 = datetime(2027, 1, 2, 9, tzinfo=UTC)


def line(siret: str, n: int, hours_later: int = 0) -> PayableLine:
    return PayableLine(
        dossier=f"DOS-{siret[-4:]}-{n:04d}",
        siret=siret,
        organisme_nom=f"Organisme {siret[-4:]}",
        titre="Les finances locales",
        invoice_number=f"F-{n}",
        amount_cents=30_000 + n,
        service_declared_at=T0 + timedelta(hours=hours_later),
    )


def test_one_batch_per_organisme_and_day_its_oldest_lines_first():
    lots, left = plan([line(B, 1), line(A, 2, 5), line(A, 3, 1)], DAY)
    assert [(lot.siret, [x.dossier for x in lot.lines]) for lot in lots] == [
        (A, [line(A, 3).dossier, line(A, 2).dossier]),
        (B, [line(B, 1).dossier]),
    ]
    assert left == [] and lots[0].total_cents == 60_005
    assert lots[0].reference == lot_reference(DAY, A) == f"LOT-20270115-{A}"


def test_a_batch_takes_at_most_what_one_transaction_moves_the_rest_waits():
    lines = [line(A, n, hours_later=n) for n in range(MAX_LINES + 3)]
    [lot], left = plan(list(reversed(lines)), DAY)
    assert len(lot.lines) == MAX_LINES and lot.lines[0] == lines[0]
    assert left == lines[MAX_LINES:]


def test_references_fit_the_sepa_file_and_name_their_batch_back():
    reference = lot_reference(DAY, A)
    assert len(reference) <= REFERENCE_LENGTH and is_identifier(reference)
    transfer = end_to_end_id(reference, 7)
    assert is_identifier(transfer) and transfer.endswith("-007")
    assert reference_of(transfer) == reference
    assert reference_of("E2E-0001") is None and reference_of("NOTPROVIDED") is None


def test_the_funders_30_days_are_counted_in_paris_calendar_days():
    declared = datetime(2027, 1, 1, 22, 30, tzinfo=UTC)  # 23:30 in Paris, on the 1st
    assert days_waiting(declared, datetime(2027, 1, 31, 23, 30, tzinfo=UTC)) == 31  # Feb 1st
    assert not late(declared, datetime(2027, 1, 30, 12, tzinfo=UTC))
    assert late(declared, datetime(2027, 2, 1, 12, tzinfo=UTC))


def test_a_notice_is_sorted_by_batch_and_a_return_takes_the_whole_batch():
    a, b, c = (lot_reference(DAY, s) for s in (A, B, "88023757300014"))
    notice = BankNotification(
        message_id="AVIS",
        created_at=T0,
        paid=(
            PaidLine(end_to_end_id(a, 1), None, 100, DAY),
            PaidLine(end_to_end_id(a, 2), a, 200, DAY),
            PaidLine(None, c, 900, DAY),
            PaidLine(end_to_end_id(b, 1), None, 300, DAY),
            PaidLine("E2E-ETRANGER", None, 50, DAY),
        ),
        rejected=(RejectedLine(end_to_end_id(b, 2), None, 400, "AC04", DAY),),
        others=(),
    )
    sorted_ = by_batch(notice)
    assert sorted_.transfers == {a: {end_to_end_id(a, 1), end_to_end_id(a, 2)}}
    assert sorted_.whole == {c: 900}
    assert sorted_.returned == {b: "AC04"}  # its paid transfer does not pay it
    assert sorted_.unknown == ["E2E-ETRANGER"]
