from datetime import date
from decimal import Decimal

import pytest

from chalicelib.catalogue import rules
from chalicelib.catalogue.rules import Approval, Refused

DAY = date(2027, 3, 1)
APPROVED = Approval("AGR-2025-0001", date(2025, 1, 1), date(2027, 12, 31))


def refusal(rule, *args, **kwargs) -> Refused:
    with pytest.raises(Refused) as caught:
        rule(*args, **kwargs)
    return caught.value


def test_the_hourly_cap_and_the_dif_places_come_from_the_dated_enrolment_rules():
    assert rules.hourly_cap_centimes(DAY) == 8000
    assert rules.dif_places_max(DAY) == 15


def test_a_mandate_formation_costs_at_most_80_euros_an_hour():
    rules.check_price("mandat", Decimal(14), 112_000, DAY)  # exactly 80 € an hour
    refused = refusal(rules.check_price, "mandat", Decimal(14), 112_001, DAY)
    assert refused.champ == "prix"
    assert "au plus 80,00\u00a0€ HT par heure" in refused.message
    rules.check_price("activite-professionnelle", Decimal(1), 500_000, DAY)  # no cap there


def test_hours_positive_and_price_not_negative():
    assert refusal(rules.check_price, "reconversion", Decimal(0), 100, DAY).champ == (
        "duree_heures"
    )
    assert refusal(rules.check_price, "reconversion", Decimal(7), -1, DAY).champ == "prix"


@pytest.mark.parametrize(
    ("approval", "champ"),
    [
        (Approval(None, date(2025, 1, 1), date(2027, 12, 31)), "agrement.numero"),
        (Approval("AGR", None, date(2027, 12, 31)), "agrement.debut"),
        (Approval("AGR", date(2025, 1, 1), None), "agrement.fin"),
        (Approval("AGR", date(2027, 1, 1), date(2026, 1, 1)), "agrement.fin"),
    ],
)
def test_a_mandate_formation_names_its_approval_and_its_dates(approval, champ):
    assert refusal(rules.check_approval_given, "mandat", approval).champ == champ
    rules.check_approval_given("reconversion", approval)  # asked of mandate formations only


def test_the_approval_is_valid_on_the_last_day_of_the_session():
    rules.check_approval_on("mandat", APPROVED, date(2027, 12, 31), "date_fin")
    refused = refusal(rules.check_approval_on, "mandat", APPROVED, date(2028, 1, 1), "date_fin")
    assert refused.champ == "date_fin"
    assert "non valide le 01/01/2028" in refused.message
    assert refusal(
        rules.check_approval_on, "mandat", APPROVED, date(2024, 12, 31), "date_fin"
    ).champ == ("date_fin")
    rules.check_approval_on("reconversion", Approval(None, None, None), DAY, "date_fin")


def test_a_place_unless_at_a_distance():
    rules.check_place("a_distance", None, None)
    rules.check_place("presentiel", "Rennes", "35")
    assert refusal(rules.check_place, "mixte", "Rennes", None).champ == "lieu.departement"
    assert rules.session_place("a_distance", "Rennes") is None
    assert rules.session_place("mixte", "Rennes") == "Rennes"


def test_session_dates_in_order_and_in_the_future():
    rules.check_session_dates(DAY, DAY)
    assert refusal(rules.check_session_dates, DAY, date(2027, 2, 28)).champ == "date_fin"
    rules.check_future(date(2027, 3, 2), DAY)
    assert refusal(rules.check_future, DAY, DAY).champ == "date_debut"


def test_at_most_15_dif_places_in_a_mandate_session_published_by_its_organisme():
    rules.check_capacity("mandat", 15, DAY, capped=True)
    refused = refusal(rules.check_capacity, "mandat", 16, DAY, capped=True)
    assert refused.champ == "places" and "au plus 15" in refused.message
    rules.check_capacity("reconversion", 40, DAY, capped=True)
    rules.check_capacity("mandat", 20, DAY, capped=False)  # a catalogue file: 15 DIF files
    assert rules.places_for_dif("mandat", 20, DAY) == 15
    assert rules.places_for_dif("reconversion", 20, DAY) == 20
    for places in (0, 501):
        assert refusal(rules.check_capacity, "reconversion", places, DAY, capped=True).champ == (
            "places"
        )
