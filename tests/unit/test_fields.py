from datetime import date
from typing import Annotated

import pytest

from chalicelib.accounts import passwords
from chalicelib.accounts.schemas import Identite, MotDePasse
from chalicelib.errors import InvalidForm
from chalicelib.fields import (
    Amount,
    BirthDate,
    Choice,
    Email,
    Invalid,
    Nested,
    Text,
    normalise_email,
)
from chalicelib.schemas import RequestModel
from chalicelib.support.schemas import SupportRequest

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    "value",
    [
        "Martin\r\nBcc: x",
        "Martin\n",
        "Mar\ttin",
        "Martin\x7f",
        "Martin\x00",
        "Mar\ud800tin",
        "Martin\u2028",
        "\x85Martin",
    ],
)
def test_one_control_character_policy_refuse(value):
    with pytest.raises(Invalid, match="caractères de contrôle"):
        Text("Nom").clean(value)


def test_other_white_space_is_tidied_and_lengths_are_checked_after():
    assert Text("Nom").clean("  Le   Gall  ") == "Le Gall"
    assert Text("Nom", max_length=3).clean(" a  b ") == "a b"
    with pytest.raises(Invalid, match="3 caractères au maximum"):
        Text("Nom", max_length=3).clean("abcd")


def test_required_optional_and_wrong_types():
    with pytest.raises(Invalid, match="obligatoire"):
        Text("Nom").clean("   ")
    assert Text("Nom", required=False).clean(None) is None
    with pytest.raises(Invalid, match="du texte"):
        Text("Nom").clean(["Martin"])
    with pytest.raises(Invalid, match="du texte"):
        Text("Nom").clean({"nested": {"object": 1}})


def test_emails_are_compared_one_way():
    assert Email("Courriel").clean(" Claire.Martin@Exemple.FR ") == "claire.martin@exemple.fr"
    assert normalise_email(" Claire.Martin@Exemple.FR ") == "claire.martin@exemple.fr"
    with pytest.raises(Invalid, match="format invalide"):
        Email("Courriel").clean("claire@")


def test_birth_dates_have_one_set_of_bounds():
    field = BirthDate("Date de naissance", min_age=16)
    assert field.clean("1975-03-14", TODAY) == "1975-03-14"
    for value, message in (
        ("14/03/1975", "jj/mm/aaaa"),
        ("2027-01-01", "futur"),
        ("2015-01-01", "16 ans"),
        ("1890-01-01", "l'année"),
        ("1975-3-14", "jj/mm/aaaa"),
    ):
        with pytest.raises(Invalid, match=message):
            field.clean(value, TODAY)


def test_choices_and_amounts():
    assert Choice("Sexe", ("F", "M")).clean("F") == "F"
    with pytest.raises(Invalid):
        Choice("Sexe", ("F", "M")).clean("X")
    assert Amount("Prix").clean("450,50") == 45_050
    for bad in ("NaN", "Infinity", "-3", "deux"):
        with pytest.raises(Invalid, match="montant"):
            Amount("Prix").clean(bad)


class _Commune(RequestModel):
    commune: Annotated[str, Text("Commune")]
    code_postal: Annotated[str, Text("Code postal", max_length=5)]


class _Person(RequestModel):
    nom: Annotated[str, Text("Nom")]
    adresse: Annotated[_Commune, Nested("Adresse")]


def test_a_model_names_every_offending_field_with_its_path():
    with pytest.raises(InvalidForm) as refused:
        _Person.read({"nom": "Martin", "adresse": {"code_postal": "123456"}})
    assert [(e.champ, e.message) for e in refused.value.errors] == [
        ("adresse.commune", "Commune : ce champ est obligatoire."),
        ("adresse.code_postal", "Code postal : 5 caractères au maximum."),
    ]
    with pytest.raises(InvalidForm) as refused:
        _Person.read({"nom": ["Martin"], "adresse": "rue"})
    assert [(e.champ, e.message) for e in refused.value.errors] == [
        ("nom", "Nom : du texte est attendu."),
        ("adresse", "Adresse : ce champ est obligatoire (commune, code_postal)."),
    ]
    read = _Person.read(
        {"nom": "  Le   Gall ", "adresse": {"commune": "Paris", "code_postal": "75001"}}
    )
    assert (read.nom, read.adresse.commune) == ("Le Gall", "Paris")


def test_schemas_come_from_the_declarations():
    password = MotDePasse.model_json_schema()["properties"]["mot_de_passe"]
    assert (password["minLength"], password["maxLength"]) == (
        passwords.MIN_LENGTH,
        passwords.MAX_LENGTH,
    )
    identite = Identite.model_json_schema()
    assert set(identite["required"]) == {
        "nir",
        "nom_naissance",
        "prenoms",
        "sexe",
        "date_naissance",
        "lieu_naissance",
    }
    assert identite["properties"]["nom_usage"]["type"] == ["string", "null"]
    support = SupportRequest.model_json_schema()["oneOf"][1]["properties"]
    rule = next(m for m in SupportRequest.model_fields["prenoms"].metadata if isinstance(m, Text))
    assert support["prenoms"]["maxLength"] == rule.max_length == 150


def test_a_quantity_is_a_json_number_in_its_range_kept_to_the_hundredth():
    from decimal import Decimal

    from chalicelib.fields import Invalid, Quantity

    rate = Quantity("Taux", 100, " %")
    assert rate.clean(33.333) == Decimal("33.33") and rate.clean(100) == Decimal("100.00")
    for wrong in (None, True, "50", -1, 100.5, float("nan")):
        with pytest.raises(Invalid):
            rate.clean(wrong)
    assert "obligatoire" in rate.missing()
    assert Quantity("Heures", 10, required=False).clean(None) is None


def test_a_whole_number_and_a_flag_take_json_values_only():
    from chalicelib.fields import Flag, Invalid, WholeNumber

    places = WholeNumber("Places", 1, 500)
    assert places.clean(12) == 12 and places.clean(500) == 500
    for wrong in (None, True, "12", 12.0, 0, 501):
        with pytest.raises(Invalid):
            places.clean(wrong)
    assert WholeNumber("Places", 1, 5, required=False).clean(None) is None
    assert places.schema()["type"] == "integer"
    flag = Flag("Ouvert", required=False)
    assert flag.clean(False) is False and flag.clean(None) is None
    for wrong in ("true", 1, 0):
        with pytest.raises(Invalid):
            flag.clean(wrong)
    with pytest.raises(Invalid):
        Flag("Ouvert").clean(None)
