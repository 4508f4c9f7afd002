from types import SimpleNamespace

import pytest

from chalicelib.franceconnect.identity import FcIdentity, UnusableIdentity, certifies, pivot

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
        "prenoms": "Camille Marie",
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
    [
        {"family_name": ""},
        {"gender": "other"},
        {"birthdate": "08/03/1975"},
        {"given_name": None},
        {"birthplace": "", "birthcountry": "99100"},  # born in France, commune unknown
        {"birthplace": "Rennes", "birthcountry": ""},
    ],
)
def test_an_incomplete_identity_is_refused(broken):
    with pytest.raises(UnusableIdentity):
        FcIdentity.from_claims({**CLAIMS, **broken})


def test_the_identity_certifies_the_account_typed_with_its_pivot_whatever_the_spelling():
    identity = FcIdentity.from_claims(CLAIMS)
    assert certifies(identity, account())
    assert certifies(identity, account(nom_naissance="bernard", prenoms="CAMILLE, marie"))
    assert certifies(identity, account(prenoms="Camille-Marie"))  # as the matching compares
    assert certifies(identity, account(nom_usage=None))  # the usage name is not in the pivot


@pytest.mark.parametrize(
    "other",
    [
        {"date_naissance": "1975-03-09"},
        {"sexe": "M"},
        {"prenoms": "Camilla Marie"},
        {"prenoms": "Camille"},  # every given name, not one of them
        {"prenoms": "Marie Camille"},  # in order
        {"prenoms": "Camille Marie Sophie"},
        {"lieu_naissance": "35000"},
        {"lieu_naissance": "Rennes"},  # not comparable: no certification
        {"nom_naissance": "Durand"},  # her usage name typed as birth name
        {"nom_naissance": "Martin", "nom_usage": "Bernard"},
    ],
)
def test_anything_else_certifies_nothing(other):
    assert not certifies(FcIdentity.from_claims(CLAIMS), account(**other))


def test_a_pivot_with_a_missing_or_uncomparable_part_is_none():
    assert pivot("Bernard", "Camille", "F", "1975-03-08", "35238")
    assert pivot("Bernard", "Camille", "F", "1975-03-08", "99134")  # born abroad: the country
    assert pivot("Bernard", "Camille", "F", "1975-03-08", "Belgique") is None
    assert pivot("Bernard", "", "F", "1975-03-08", "35238") is None
    assert pivot("Bernard", "Camille", "X", "1975-03-08", "35238") is None
    assert pivot("", "Camille", "F", "1975-03-08", "35238") is None


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
