"""The DIF élus rules against the Caisse des Dépôts' worked examples, and the election calendar
type by type."""

from datetime import date

import pytest

from chalicelib.rights.calendar import credit_anchor, third_monday_after
from chalicelib.rights.rules import Basis, due_credits, next_credit
from chalicelib.rights.standing import MandateSpan, standing_of


def ledger(basis: Basis, until: date, spent: dict[date, int] | None = None):
    """The entries and the balance day by day, as the daily job would make them (and the
    élu's spending on the days given)."""
    spent = dict(spent or {})
    entries, balance, years = [], 0, set()
    day = date(2021, 1, 1)
    while day <= until:
        for credit in due_credits(basis, day, balance, years):
            years.add(credit.year)
            for _, label, cents in credit.parts:
                if cents:
                    entries.append((credit.day, label, cents))
            balance += credit.montant_centimes
        if day in spent:
            assert spent[day] <= balance
            entries.append((day, "formation", -spent[day]))
            balance -= spent[day]
        day = date.fromordinal(day.toordinal() + 1)
    return entries, balance


@pytest.mark.parametrize(
    ("first_round", "third_monday"),
    [
        (date(2020, 3, 15), date(2020, 3, 30)),
        (date(2026, 3, 15), date(2026, 3, 30)),
        (date(2021, 6, 20), date(2021, 7, 5)),
        (date(2015, 3, 22), date(2015, 4, 6)),
        (date(2021, 5, 30), date(2021, 6, 14)),
    ],
)
def test_the_third_monday_after_a_first_round(first_round, third_monday):
    assert third_monday_after(first_round) == third_monday


@pytest.mark.parametrize(
    ("mandate_type", "start", "anchor"),
    [
        ("CM", date(2020, 6, 28), date(2020, 3, 30)),  # installed after the 2020 second round
        ("MAIRE", date(2020, 5, 25), date(2020, 3, 30)),
        ("EPCI", date(2020, 7, 15), date(2020, 3, 30)),
        ("CA", date(2020, 7, 4), date(2020, 3, 30)),
        ("CM", date(2026, 3, 22), date(2026, 3, 30)),
        ("CD", date(2021, 7, 1), date(2021, 7, 5)),
        ("CR", date(2021, 7, 2), date(2021, 7, 5)),
        ("CAC", date(2021, 7, 1), date(2021, 7, 5)),
        ("CSP", date(2021, 7, 2), date(2021, 7, 5)),
        ("CFE", date(2021, 6, 5), date(2021, 6, 14)),
        # by-elections: the start of the mandate
        ("CM", date(2022, 10, 9), date(2022, 10, 9)),
        ("CD", date(2023, 2, 5), date(2023, 2, 5)),
        # no general election in the calendar: the start of the mandate
        ("DEP", date(2024, 7, 8), date(2024, 7, 8)),
        ("SEN", date(2023, 10, 2), date(2023, 10, 2)),
        ("RPE", date(2024, 7, 16), date(2024, 7, 16)),
        ("AFE", date(2021, 6, 20), date(2021, 6, 20)),
    ],
)
def test_each_type_is_credited_on_its_election_anniversary(mandate_type, start, anchor):
    assert credit_anchor(mandate_type, start) == anchor


def test_example_a_municipal_elu_of_2020():
    """700 € in 2021 (20 hours converted at 15 €, and 400 € for 2021), 700 € at the 2022
    ceiling, 800 € from 30 March 2023."""
    basis = Basis(date(2020, 6, 28), credit_anchor("CM", date(2020, 6, 28)))
    entries, balance = ledger(basis, date(2024, 12, 31))
    assert entries == [
        (date(2021, 7, 23), "Conversion en euros des heures DIF élus acquises (20 h)", 30_000),
        (date(2021, 7, 23), "Crédit annuel DIF élus 2021", 40_000),
        (date(2023, 3, 30), "Crédit annuel DIF élus 2023", 10_000),
    ]
    assert ledger(basis, date(2021, 12, 31))[1] == 70_000
    assert ledger(basis, date(2023, 3, 29))[1] == 70_000
    assert balance == 80_000


def test_example_a_departemental_or_regional_elu_of_2021():
    """400 € for 2021 (no completed year: nothing converted), 700 € on 5 July 2022, 800 € on
    5 July 2023."""
    for mandate_type in ("CD", "CR"):
        basis = Basis(date(2021, 7, 1), credit_anchor(mandate_type, date(2021, 7, 1)))
        entries, balance = ledger(basis, date(2024, 12, 31))
        assert [(d, c) for d, _, c in entries] == [
            (date(2021, 7, 23), 40_000),
            (date(2022, 7, 5), 30_000),
            (date(2023, 7, 5), 10_000),
        ]
        assert balance == 80_000


def test_example_a_municipal_elu_of_2021_who_spent_500_euros_in_2022():
    """Elected at a by-election (27 June 2021): credited on its anniversary."""
    basis = Basis(date(2021, 6, 27), credit_anchor("CM", date(2021, 6, 27)))
    entries, balance = ledger(basis, date(2024, 12, 31), spent={date(2022, 9, 15): 50_000})
    assert [(d, c) for d, _, c in entries] == [
        (date(2021, 7, 23), 40_000),
        (date(2022, 6, 27), 30_000),  # 700 € ceiling
        (date(2022, 9, 15), -50_000),
        (date(2023, 6, 27), 40_000),
        (date(2024, 6, 27), 20_000),  # 800 € ceiling
    ]
    assert balance == 80_000


def test_the_ceiling_of_800_euros_applies_from_the_day_after_the_publication():
    basis = Basis(date(2022, 3, 29), date(2022, 3, 29))  # a by-election
    [credit_2023] = due_credits(basis, date(2023, 3, 29), 50_000, {2022})
    assert credit_2023.montant_centimes == 20_000  # 700 € ceiling still
    [credit_2023] = due_credits(
        Basis(date(2022, 3, 30), date(2022, 3, 30)), date(2023, 3, 30), 50_000, {2022}
    )
    assert credit_2023.montant_centimes == 30_000


def test_several_mandates_one_credit_a_year_on_the_oldest_ones_date():
    standing = standing_of(
        [
            MandateSpan("CD", date(2021, 7, 1), None),
            MandateSpan("CM", date(2020, 6, 28), None),
            MandateSpan("EPCI", date(2020, 7, 10), None),
        ],
        date(2025, 1, 10),
    )
    assert standing.basis.anchor == date(2020, 3, 30)
    assert next_credit(standing.basis, date(2025, 1, 10)) == date(2025, 3, 30)
    made = due_credits(standing.basis, date(2025, 12, 31), 0, set())
    assert [c.year for c in made] == [2021, 2022, 2023, 2024, 2025]


def test_when_every_mandate_has_ended_credits_stop_and_rights_last_six_months():
    spans = [MandateSpan("CM", date(2020, 6, 28), date(2024, 2, 1))]
    standing = standing_of(spans, date(2024, 5, 1))
    assert not standing.in_office
    assert standing.usable_until == date(2024, 8, 1)
    assert standing.next_event == date(2024, 8, 2)
    assert [c.year for c in due_credits(standing.basis, date(2024, 5, 1), 0, set())] == [
        2021,
        2022,
        2023,
    ]  # no credit on 30 March 2024: no mandate then
    later = standing_of(spans, date(2024, 8, 2))
    assert later.lapsed and later.next_event is None


def test_a_re_election_keeps_the_elu_in_office():
    spans = [
        MandateSpan("CM", date(2020, 6, 28), date(2026, 3, 22)),
        MandateSpan("CM", date(2026, 3, 22), None),
    ]
    standing = standing_of(spans, date(2026, 6, 30))
    assert standing.in_office and standing.usable_until is None
    assert standing.next_event == date(2027, 3, 30)


def test_the_calendar_names_real_mandate_types_and_sound_windows():
    from chalicelib.rights.calendar import elections_by_type
    from chalicelib.rne.formats import MANDATE_TYPES

    for mandate_type, elections in elections_by_type().items():
        assert mandate_type in MANDATE_TYPES
        for election in elections:
            assert election.first_round.weekday() == 6  # French elections fall on a Sunday
            assert election.first_round < election.mandates_until
            assert (election.mandates_until - election.first_round).days < 180


# --- the first credit at the start of the first mandate year (Caisse des Dépôts' help page
# for organismes, "Alimentation droits élus": 400 € a year on the anniversary of the third
# Monday after the first round, 800 € reached at the second credit when nothing is spent)


def test_example_a_municipal_elu_first_elected_in_march_2026():
    basis = Basis(date(2026, 3, 22), credit_anchor("CM", date(2026, 3, 22)))
    entries, balance = ledger(basis, date(2027, 12, 31))
    assert [(d, c) for d, _, c in entries] == [
        (date(2026, 3, 30), 40_000),
        (date(2027, 3, 30), 40_000),
    ]
    assert ledger(basis, date(2026, 3, 29))[1] == 0
    assert ledger(basis, date(2026, 3, 30))[1] == 40_000
    assert balance == 80_000
    assert next_credit(basis, date(2026, 3, 25)) == date(2026, 3, 30)
    assert next_credit(basis, date(2026, 3, 30)) == date(2027, 3, 30)


def test_example_a_municipal_elu_of_2020_re_elected_in_2026_is_unchanged():
    """Credited on 30 March each year as before: the 2026 credit once, on 30 March 2026."""
    old = Basis(date(2020, 6, 28), credit_anchor("CM", date(2020, 6, 28)))
    assert ledger(old, date(2026, 3, 21))[1] == 80_000
    spans = [
        MandateSpan("CM", date(2020, 6, 28), date(2026, 3, 22)),
        MandateSpan("CM", date(2026, 3, 22), None),
    ]
    basis = standing_of(spans, date(2026, 6, 30)).basis
    before = {2021, 2022, 2023, 2024, 2025}
    [credit] = due_credits(basis, date(2026, 6, 30), 30_000, before)  # 500 € spent in 2025
    assert (credit.day, credit.montant_centimes) == (date(2026, 3, 30), 40_000)
    assert due_credits(basis, date(2026, 6, 30), 30_000, before | {2026}) == []
    assert next_credit(basis, date(2026, 6, 30)) == date(2027, 3, 30)


def test_example_a_departemental_elu_of_june_2021_is_unchanged():
    """Its first mandate year began on 5 July 2021, when the DIF was counted in hours: 2021 is
    the year of the 23 July credit, then 5 July each year."""
    basis = Basis(date(2021, 7, 1), credit_anchor("CD", date(2021, 7, 1)))
    entries, _ = ledger(basis, date(2023, 12, 31))
    assert [d for d, _, _ in entries] == [date(2021, 7, 23), date(2022, 7, 5), date(2023, 7, 5)]


def test_example_a_by_election_in_october_2026():
    basis = Basis(date(2026, 10, 11), credit_anchor("CM", date(2026, 10, 11)))
    assert basis.anchor == date(2026, 10, 11)
    entries, balance = ledger(basis, date(2028, 12, 31))
    assert [(d, c) for d, _, c in entries] == [
        (date(2026, 10, 11), 40_000),
        (date(2027, 10, 11), 40_000),
    ]  # the third credit, on 11 October 2028, finds the ceiling reached: nothing
    assert balance == 80_000


def test_a_mandate_starting_after_its_elections_third_monday_waits_for_the_anniversary():
    """The first credit day on or after the mandate's start."""
    basis = Basis(date(2026, 4, 2), credit_anchor("CM", date(2026, 4, 2)))
    assert basis.anchor == date(2026, 3, 30)
    assert [c.day for c in due_credits(basis, date(2027, 3, 30), 0, set())] == [date(2027, 3, 30)]
    assert next_credit(basis, date(2026, 4, 2)) == date(2027, 3, 30)
