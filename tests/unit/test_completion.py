"""The end of a file's rules: the amount due, lateness, the funder's consistency checks and the
refund under the ceiling."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from chalicelib.enrolment import completion
from chalicelib.enrolment.completion import Declaration, amount_due, hold_reasons


def test_the_amount_due_is_the_price_times_the_rate_to_the_cent_never_above_the_price():
    assert amount_due(30_000, Decimal(100)) == 30_000
    assert amount_due(30_000, Decimal("33.33")) == 9_999
    assert amount_due(10_001, Decimal(50)) == 5_001  # 50.005 € rounds half up
    assert amount_due(10_001, Decimal("49.99")) == 4_999
    assert amount_due(30_000, Decimal(0)) == 0
    assert amount_due(30_000, Decimal("100.01")) == 30_000


def test_an_exit_is_late_after_the_3rd_working_day():
    friday = date(2027, 3, 5)
    assert not completion.declared_late(friday, date(2027, 3, 10))  # Wednesday: 3rd
    assert completion.declared_late(friday, date(2027, 3, 11))
    # Easter Monday 2027 (29 March) does not count
    assert not completion.declared_late(date(2027, 3, 26), date(2027, 4, 1))
    assert completion.declared_late(date(2027, 3, 26), date(2027, 4, 2))


def declaration(**changes) -> Declaration:
    base = {
        "session_start": date(2027, 3, 1),
        "session_end": date(2027, 3, 2),
        "exit_day": date(2027, 3, 2),
        "rate": Decimal(50),
        "hours": Decimal(7),
        "duration": Decimal(14),
        "invoice_day": date(2027, 3, 3),
        "invoiced_centimes": 15_000,
        "due_centimes": 15_000,
    }
    return Declaration(**{**base, **changes})


def test_a_consistent_declaration_is_validated_at_once():
    assert hold_reasons(declaration()) == []
    assert hold_reasons(declaration(rate=Decimal(100), hours=None)) == []
    assert hold_reasons(declaration(rate=Decimal("50.9"))) == []  # within one point
    assert hold_reasons(declaration(invoiced_centimes=10_000)) == []  # less than due


def test_each_inconsistency_is_a_reason_to_hold():
    def one(**changes) -> str:
        [reason] = hold_reasons(declaration(**changes))
        return reason

    assert "hors de la session" in one(exit_day=date(2027, 3, 3))
    assert "discordants" in one(rate=Decimal(60))
    assert "au-delà de la durée" in one(hours=Decimal(15))
    assert "non déclarées" in one(hours=None)
    assert "durée de la formation inconnue" in one(duration=None)
    assert "avant le début" in one(invoice_day=date(2027, 2, 28))
    assert "supérieure au montant dû" in one(invoiced_centimes=15_001)
    assert "aucune facture" in one(invoice_day=None, invoiced_centimes=None)


def test_a_refund_fills_the_balance_up_to_the_ceiling_at_most():
    assert completion.refund_within_ceiling(15_000, 50_000, 80_000) == 15_000
    assert completion.refund_within_ceiling(15_000, 75_000, 80_000) == 5_000
    assert completion.refund_within_ceiling(15_000, 80_000, 80_000) == 0
    assert completion.refund_within_ceiling(15_000, 90_000, 80_000) == 0
