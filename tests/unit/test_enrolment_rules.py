from datetime import date, datetime
from decimal import Decimal

import pytest

from chalicelib.catalogue.errors import NotAnElu
from chalicelib.catalogue.rules import places_for_dif
from chalicelib.clock import PARIS
from chalicelib.enrolment import rules
from chalicelib.enrolment.eligibility import Holder, Offer, check_request
from chalicelib.enrolment.errors import (
    ApprovalNotValid,
    CatalogueNotFinanced,
    InsufficientRights,
    PriceOverHourlyCap,
    RightsEnded,
    TooLate,
)

TODAY = date(2026, 11, 30)  # a Monday


def test_working_days_skip_weekends_and_french_public_holidays():
    assert rules.is_working_day(date(2026, 11, 30))
    assert not rules.is_working_day(date(2026, 11, 28))  # Saturday
    assert not rules.is_working_day(date(2026, 12, 25))  # Christmas
    assert not rules.is_working_day(date(2027, 5, 6))  # Ascension 2027
    assert not rules.is_working_day(date(2027, 3, 29))  # Easter Monday 2027
    # Thursday 24 December + 2 working days: Monday 28 (25th is Christmas, then a weekend)
    assert rules.add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 29)
    assert rules.add_working_days(date(2026, 12, 29), -2) == date(2026, 12, 24)


def test_the_latest_validation_is_11_working_days_before_the_start():
    # Monday 18 January 2027 - 11 working days = Friday 1 January is a holiday: 31 December
    assert rules.latest_validation_day(date(2027, 1, 18)) == date(2026, 12, 31)


def test_deadlines_end_at_midnight_paris_and_never_after_the_latest_validation():
    now = datetime(2026, 11, 30, 15, 0, tzinfo=PARIS)
    assert rules.organisme_deadline(now, date(2027, 3, 1)) == datetime(
        2026, 12, 2, 23, 59, 59, tzinfo=PARIS
    )  # end of Wednesday 2 December
    assert rules.holder_deadline(now, date(2027, 3, 1)) == datetime(
        2026, 12, 4, 23, 59, 59, tzinfo=PARIS
    )  # end of Friday 4 December
    # a session 12 working days away: the élu's deadline shrinks to the latest validation day
    start = rules.add_working_days(date(2026, 11, 30), 12)
    assert rules.holder_deadline(now, start) == rules.end_of_day(rules.latest_validation_day(start))


def test_only_the_listed_transitions_and_by_whom():
    assert rules.allowed("en_attente_organisme", "acceptee", "organisme")
    assert not rules.allowed("en_attente_organisme", "acceptee", "titulaire")
    assert not rules.allowed("en_attente_organisme", "validee", "titulaire")
    assert not rules.allowed("refusee", "acceptee", "organisme")
    assert not rules.allowed("service_fait_valide", "annulee_organisme", "organisme")
    assert not rules.allowed("sortie_declaree", "annulee_organisme", "organisme")
    assert rules.allowed("service_fait_declare", "service_fait_valide", "systeme")
    assert rules.allowed("service_fait_declare", "service_fait_valide", "operateur")
    assert not rules.allowed("service_fait_declare", "service_fait_valide", "organisme")
    assert rules.allowed("service_fait_declare", "sortie_declaree", "operateur")
    assert not rules.allowed("en_formation", "service_fait_declare", "organisme")  # exit first
    assert not rules.under_way("service_fait_valide") and not rules.under_way("paye")
    ends = {"refusee", "expiree", "annulee_titulaire", "annulee_organisme"}
    assert {s for s in rules.STATUSES if rules.releases_place(s)} == ends


def offer(**changes) -> Offer:
    base = {
        "catalogue": "mandat",
        "price_centimes": 45_000,
        "hours": Decimal(14),
        "date_debut": date(2027, 3, 1),
        "date_fin": date(2027, 3, 2),
        "agrement_debut": date(2025, 1, 1),
        "agrement_fin": date(2028, 12, 31),
    }
    return Offer(**{**base, **changes})


ELU = Holder(current_mandates=1, last_mandate_end=None, balance_centimes=80_000)


def test_a_mandate_training_in_time_approved_and_affordable_is_fine():
    check_request(offer(), ELU, TODAY)


@pytest.mark.parametrize(
    ("changes", "holder", "error"),
    [
        ({"catalogue": "activite-professionnelle"}, ELU, CatalogueNotFinanced),
        ({}, Holder(0, None, 80_000), NotAnElu),
        ({}, Holder(0, date(2026, 9, 1), 80_000), RightsEnded),  # mandate over: reconversion only
        ({"catalogue": "reconversion"}, Holder(0, date(2026, 5, 1), 80_000), RightsEnded),
        ({"date_debut": date(2026, 12, 10)}, ELU, TooLate),
        ({"agrement_fin": date(2027, 3, 1)}, ELU, ApprovalNotValid),  # ends before the last day
        ({"price_centimes": 120_000, "hours": Decimal(14)}, ELU, PriceOverHourlyCap),
        ({"price_centimes": 90_000, "hours": Decimal(14)}, ELU, InsufficientRights),
    ],
)
def test_each_rule_says_no_with_its_reason(changes, holder, error):
    with pytest.raises(error):
        check_request(offer(**changes), holder, TODAY)


def test_reconversion_stays_open_six_months_after_the_last_mandate():
    check_request(offer(catalogue="reconversion"), Holder(0, date(2026, 6, 30), 80_000), TODAY)


def test_a_mandate_session_funds_at_most_15_elus():
    assert places_for_dif("mandat", 40, TODAY) == 15
    assert places_for_dif("mandat", 8, TODAY) == 8
    assert places_for_dif("reconversion", 40, TODAY) == 40


def test_what_is_missing_is_said_in_cents():
    with pytest.raises(InsufficientRights) as refused:
        check_request(offer(price_centimes=90_000), Holder(1, None, 75_050), TODAY)
    assert refused.value.missing_centimes == 14_950
