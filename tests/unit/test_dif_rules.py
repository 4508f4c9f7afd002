from datetime import date

from chalicelib.rights.rules import (
    RulePeriod,
    credit_dates,
    due_credits,
    euros,
    next_credit,
    periods,
    rule_on,
)

TODAY = date(2026, 11, 26)


def test_the_rules_in_force_are_dated_data():
    assert rule_on(date(2021, 12, 31)) is None  # counted in hours then, not in euros
    assert rule_on(date(2022, 1, 1)).plafond_centimes == 70_000
    assert rule_on(date(2023, 3, 26)).plafond_centimes == 70_000
    assert rule_on(date(2023, 3, 27)).plafond_centimes == 80_000
    assert all(p.credit_centimes == 40_000 for p in periods())


def test_an_elu_in_office_since_2020_has_800_euros_today():
    made = due_credits(date(2020, 6, 28), TODAY, 0, set())
    assert [c.day for c in made] == [
        date(2022, 6, 28),
        date(2023, 6, 28),
        date(2024, 6, 28),
        date(2025, 6, 28),
        date(2026, 6, 28),
    ]
    assert [c.montant_centimes for c in made] == [40_000, 40_000, 0, 0, 0]
    assert sum(c.montant_centimes for c in made) == 80_000


def test_each_credit_follows_the_ceiling_of_its_own_day():
    # Anniversary on 1 March: 2022 and 2023 fall under the 700 € ceiling.
    made = due_credits(date(2021, 3, 1), TODAY, 0, set())
    assert [(c.day.year, c.montant_centimes, c.plafond_centimes) for c in made] == [
        (2022, 40_000, 70_000),
        (2023, 30_000, 70_000),
        (2024, 10_000, 80_000),
        (2025, 0, 80_000),
        (2026, 0, 80_000),
    ]


def test_years_already_credited_are_never_credited_again():
    first = due_credits(date(2020, 6, 28), TODAY, 0, set())
    balance = sum(c.montant_centimes for c in first)
    again = due_credits(date(2020, 6, 28), TODAY, balance, {c.year for c in first})
    assert again == []


def test_a_spent_balance_is_credited_again_up_to_the_ceiling():
    made = due_credits(date(2020, 6, 28), date(2026, 7, 1), 10_000, {2022, 2023, 2024, 2025})
    assert [(c.year, c.montant_centimes) for c in made] == [(2026, 40_000)]


def test_a_new_ceiling_is_a_data_change():
    table = (
        RulePeriod(date(2022, 1, 1), 40_000, 70_000),
        RulePeriod(date(2027, 1, 1), 50_000, 100_000),
    )
    made = due_credits(
        date(2020, 6, 28), date(2027, 7, 1), 70_000, {2022, 2023, 2024, 2025, 2026}, table
    )
    assert [(c.year, c.montant_centimes) for c in made] == [(2027, 30_000)]


def test_dates_and_amounts():
    assert credit_dates(date(2024, 2, 29), date(2026, 3, 1)) == [
        date(2025, 2, 28),
        date(2026, 2, 28),
    ]
    assert next_credit(date(2020, 6, 28), TODAY) == date(2027, 6, 28)
    assert euros(80_000) == "800.00" and euros(5) == "0.05"
