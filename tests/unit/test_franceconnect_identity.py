from types import SimpleNamespace

import pytest

from chalicelib.franceconnect.identity import FcIdentity, UnusableIdentity, is_same_person

CLAIMS = {
    "sub": "abc",
    "given_name": "Camille  Marie",
    "family_name": "BERNARD",
    "preferred_username": "DURAND",
    "birthdate": "1975-03-08",
    "gender": "female",
    "birthplace": "35238",
    "birthcountry": "99100",
    "email": "Camille@Exemple.fr",
}


def account(**overrides):
    fields = {
        "nom_naissance": "Bernard",
        "nom_usage": "Durand",
        "prenoms": "Camille",
        "sexe": "F",
        "date_naissance": "1975-03-08",
        "lieu_naissance": "35238",
    }
    return SimpleNamespace(**{**fields, **overrides})


def test_the_identite_pivot_becomes_signup_fields():
    identity = FcIdentity.from_claims(CLAIMS)
    assert identity.signup_fields() == {
        "nom_naissance": "BERNARD",
        "nom_usage": "DURAND",
        "prenoms": "Camille Marie",
        "sexe": "F",
        "date_naissance": "1975-03-08",
        "lieu_naissance": "35238",
    }
    assert identity.email == "camille@exemple.fr"


def test_born_abroad_the_birthplace_is_the_country_and_a_usage_name_equal_to_birth_is_none():
    identity = FcIdentity.from_claims(
        {**CLAIMS, "birthplace": "", "birthcountry": "99134", "preferred_username": "Bernard"}
    )
    assert (identity.lieu_naissance, identity.nom_usage) == ("99134", None)


@pytest.mark.parametrize(
    "broken",
    [{"family_name": ""}, {"gender": "other"}, {"birthdate": "08/03/1975"}, {"given_name": None}],
)
def test_an_incomplete_identity_is_refused(broken):
    with pytest.raises(UnusableIdentity):
        FcIdentity.from_claims({**CLAIMS, **broken})


def test_the_same_person_typed_in_any_order_of_names():
    identity = FcIdentity.from_claims(CLAIMS)
    assert is_same_person(identity, account())
    assert is_same_person(identity, account(nom_naissance="Durand", nom_usage=None))
    assert is_same_person(identity, account(lieu_naissance="Rennes"))  # not a code: no check


@pytest.mark.parametrize(
    "other",
    [
        {"date_naissance": "1975-03-09"},
        {"sexe": "M"},
        {"prenoms": "Camilla"},
        {"lieu_naissance": "35000"},
        {"nom_naissance": "Martin", "nom_usage": None},
    ],
)
def test_anything_else_is_not_the_same_person(other):
    assert not is_same_person(FcIdentity.from_claims(CLAIMS), account(**other))


def test_an_identity_comes_back_from_storage_without_its_empty_fields():
    kept = {
        "nom_naissance": "BRUNET",
        "prenoms": "Joël",
        "sexe": "M",
        "date_naissance": "1955-05-02",
        "lieu_naissance": "01053",
    }
    identity = FcIdentity.stored(kept)
    assert identity.nom_usage is None and identity.email is None
    assert identity.prenoms == "Joël"
