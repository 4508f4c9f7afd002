from dataclasses import dataclass
from datetime import date

import pytest

from chalicelib.accounts.schemas import STEPS, AccountCreation, Adresse, Contact, Identite
from chalicelib.errors import InvalidForm
from tests.support.people import make_nir, signup_payload

TODAY = date(2026, 11, 26)


@dataclass
class Result:
    cleaned: dict
    errors: list


def _reader(model):
    def read(data, today):
        try:
            return Result(model.read(data, today).model_dump(), [])
        except InvalidForm as error:
            return Result({}, error.errors)

    return read


validate_identite = _reader(Identite)
validate_contact = _reader(Contact)
validate_adresse = _reader(Adresse)
validate_signup = _reader(AccountCreation)


def fields(result):
    return {e.champ for e in result.errors}


def test_a_complete_signup_is_clean_and_normalised():
    payload = signup_payload(email="Claire.Martin@Exemple.FR", telephone="06 12 34 56 78")
    result = validate_signup(payload, TODAY)
    assert result.errors == []
    assert result.cleaned["email"] == "claire.martin@exemple.fr"
    assert result.cleaned["telephone"] == "+33612345678"
    assert result.cleaned["nir"] == payload["nir"]
    assert result.cleaned["adresse"]["pays"] == "France"


def test_every_missing_field_is_reported_once_with_its_name():
    result = validate_signup({}, TODAY)
    assert fields(result) == {
        "nir",
        "nom_naissance",
        "prenoms",
        "sexe",
        "date_naissance",
        "lieu_naissance",
        "email",
        "telephone",
        "adresse",
        "mot_de_passe",
    }
    assert all(e.message for e in result.errors)


def test_nir_inconsistent_with_sex_and_birth_date():
    payload = signup_payload(sexe="F", date_naissance="1975-03-14")
    payload.update(sexe="M", date_naissance="1980-03-14")
    result = validate_identite(payload, TODAY)
    messages = [e.message for e in result.errors if e.champ == "nir"]
    assert any("sexe" in m for m in messages) and any("année" in m for m in messages)
    assert "nir" not in result.cleaned


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ("14/03/1975", "jj/mm/aaaa"),
        ("2030-01-01", "futur"),
        ("2015-01-01", "16 ans"),
        ("1975-02-30", "jj/mm/aaaa"),
    ],
)
def test_birth_dates(born, message):
    result = validate_identite(
        signup_payload(date_naissance="1975-03-14") | {"date_naissance": born}, TODAY
    )
    assert any(message in e.message for e in result.errors if e.champ == "date_naissance")


def test_born_abroad_gives_a_country_and_corsica_a_2a_code():
    abroad = signup_payload(lieu_naissance="Maroc")
    assert validate_identite(abroad, TODAY).cleaned["lieu_naissance"] == "Maroc"
    corsica = signup_payload(lieu_naissance="2a004")
    assert validate_identite(corsica, TODAY).cleaned["lieu_naissance"] == "2A004"
    assert "lieu_naissance" in fields(
        validate_identite(signup_payload(lieu_naissance="75#"), TODAY)
    )


def test_names_reject_digits_and_markup_and_diploma_is_from_the_list():
    result = validate_identite(
        signup_payload(nom_naissance="<b>Martin</b>", prenoms="Cl4ire", diplome="bac+12"), TODAY
    )
    assert {"nom_naissance", "prenoms", "diplome"} <= fields(result)


def test_contact_errors():
    result = validate_contact({"email": "claire@", "telephone": "12"}, TODAY)
    assert fields(result) == {"email", "telephone"}
    assert (
        validate_contact({"email": "a@exemple.fr", "telephone": "+32 470 12 34 56"}, TODAY).errors
        == []
    )


def test_address_fields_are_named_with_their_path():
    result = validate_adresse(
        {"adresse": {"ligne1": "", "code_postal": "7501", "commune": "Paris"}}, TODAY
    )
    assert fields(result) == {"adresse.ligne1", "adresse.code_postal"}
    abroad = validate_adresse(
        {
            "adresse": {
                "ligne1": "Rue 1",
                "code_postal": "B-1000",
                "commune": "Bruxelles",
                "pays": "Belgique",
            }
        },
        TODAY,
    )
    assert abroad.errors == []


def test_control_characters_and_wrong_types_are_refused():
    result = validate_identite(
        signup_payload(nom_naissance="Martin\u0000", prenoms=["Claire"]), TODAY
    )
    assert {"nom_naissance", "prenoms"} <= fields(result)


def test_the_password_may_not_be_built_from_the_persons_identity():
    payload = signup_payload(
        nom_naissance="Martin", prenoms="Claire", mot_de_passe="Martin-Claire-1975!"
    )
    assert "mot_de_passe" in fields(validate_signup(payload, TODAY))


def test_the_four_steps_are_named_as_in_the_api():
    assert list(STEPS) == ["identite", "contact", "adresse", "mot-de-passe"]
    assert make_nir()  # the helper itself builds valid numbers
