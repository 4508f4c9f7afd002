from datetime import date

import pytest

from chalicelib.accounts import nir
from tests.support.people import make_nir


def test_a_valid_nir_is_compacted_whatever_the_spacing():
    number = make_nir("F", "1975-03-14")
    spaced = " ".join(
        [number[0], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13], number[13:]]
    )
    assert nir.validate_full(spaced) == number


@pytest.mark.parametrize("place", ["2A004", "2B033"])
def test_corsica_is_accepted(place):
    number = make_nir("M", "1980-07-01", place=place)
    assert nir.validate_full(number.lower()) == number


def test_a_wrong_key_is_refused_without_quoting_the_number():
    number = make_nir("F", "1975-03-14")
    wrong = number[:13] + f"{(int(number[13:]) + 1) % 97:02d}"
    with pytest.raises(nir.InvalidNir) as error:
        nir.validate_full(wrong)
    assert "clé" in str(error.value)
    assert number[:13] not in str(error.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("27503352380", "15 caractères"),
        ("2750335238042XX", "que des chiffres"),
    ],
)
def test_length_and_format_errors_say_what_to_fix(value, expected):
    with pytest.raises(nir.InvalidNir, match=expected):
        nir.validate_full(value)


def test_consistency_with_sex_year_and_month():
    number = make_nir("F", "1975-03-14")
    assert nir.consistency_errors(number, "F", date(1975, 3, 14)) == []
    errors = nir.consistency_errors(number, "M", date(1976, 4, 14))
    assert len(errors) == 3
    assert any("sexe" in e for e in errors)
    assert any("année" in e for e in errors)
    assert any("mois" in e for e in errors)


def test_an_unknown_birth_month_in_the_register_is_not_a_mismatch():
    body = "2753099123456"  # month 30: month unknown to the civil register
    assert nir.consistency_errors(body + "00", "F", date(1975, 8, 1)) == []


def test_login_takes_13_characters_or_a_full_valid_number():
    number = make_nir("M", "1960-12-31")
    assert nir.login_body(number[:13]) == number[:13]
    assert nir.login_body(number) == number[:13]
    with pytest.raises(nir.InvalidNir, match="13 premiers"):
        nir.login_body("123")
    with pytest.raises(nir.InvalidNir, match="clé"):
        nir.login_body(number[:13] + f"{int(number[13:]) % 97 + 1:02d}")
