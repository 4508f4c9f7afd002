"""Amounts written for the API and for people, and the French one the same as the page's."""

import pytest

from chalicelib.money import euros, euros_fr
from tests.unit.test_web_formats import formatted

AMOUNTS = [0, 5, 80_000, 100_000, 120_050, 12_345_678, 100_000_000_000, -1_500]


def test_the_api_writes_decimal_strings():
    assert [euros(c) for c in (0, 5, 80_000, 120_050)] == ["0.00", "0.05", "800.00", "1200.50"]


@pytest.mark.parametrize(
    ("centimes", "text"),
    [
        (0, "0,00\u00a0€"),
        (5, "0,05\u00a0€"),
        (80_000, "800,00\u00a0€"),
        (120_050, "1\u202f200,50\u00a0€"),
        (12_345_678, "123\u202f456,78\u00a0€"),
        (-1_500, "-15,00\u00a0€"),
    ],
)
def test_people_read_french_amounts(centimes, text):
    assert euros_fr(centimes) == text


def test_an_email_or_an_error_writes_an_amount_as_the_page_does():
    pages = formatted("[" + ", ".join(f'app.euros("{euros(c)}")' for c in AMOUNTS) + "]")
    assert [euros_fr(c) for c in AMOUNTS] == pages
