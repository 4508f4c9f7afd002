from datetime import date

import pytest

from chalicelib.names import compact, normalise
from chalicelib.rne.matching import account_keys, person_key, row_keys
from chalicelib.rne.rows import InvalidRow, parse_date, parse_row
from chalicelib.rne.snapshot_lists import listed
from chalicelib.rne.territories import departement_code

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    "value",
    ["02/05/1955", "2/5/1955", "1955-05-02", "1955-05-02 00:00:00+00", "1955-05-02T00:00:00Z"],
)
def test_every_published_date_format(value):
    assert parse_date(value) == date(1955, 5, 2)


@pytest.mark.parametrize("value", ["1955/05/02", "31/02/1955", "hier", ""])
def test_unreadable_dates(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("raw", "code"), [("1", "01"), ("01", "01"), ("2a", "2A"), ("974", "974"), (" ", None)]
)
def test_departement_codes(raw, code):
    assert departement_code(raw) == code


def fields(**overrides):
    base = {
        "nom": "LE GALL",
        "prenom": "Anne-Sophie",
        "sexe": "F",
        "date_naissance": "14/03/1975",
        "date_debut_mandat": "28/06/2020",
        "departement_code": "35",
        "commune_code": "35238",
        "commune_libelle": "Rennes",
        "fonction_libelle": "Maire",
    }
    base.update(overrides)
    return base


def test_a_municipal_row():
    row = parse_row(fields(), "CM", TODAY)
    assert (row.territoire, row.collectivite, row.departement) == ("35238", "Rennes", "35")
    assert row.mandate_key == "CM#35238#2020-06-28"
    assert row.scope == "CM#35"
    assert row.fonction == "Maire"


@pytest.mark.parametrize(
    ("type_code", "codes", "label_field"),
    [
        ("CM", {}, "commune_libelle"),
        ("EPCI", {"epci_code": "243500139"}, "epci_libelle"),
        ("CD", {"canton_code": "3501"}, "canton_libelle"),
        (
            "CA",
            {"departement_code": "13", "commune_code": "13055", "secteur_code": "1"},
            "secteur_libelle",
        ),
        ("DEP", {"circ_legislative_code": "01"}, "circ_legislative_libelle"),
        ("CFE", {"circ_consulaire_code": "101", "departement_code": ""}, "circ_consulaire_libelle"),
    ],
)
def test_a_territory_renamed_is_the_same_mandate_with_other_values(type_code, codes, label_field):
    # a territory is known by its code, not by its label: a rename is a modification
    before = parse_row(fields(**codes, **{label_field: "Ancien nom"}), type_code, TODAY)
    after = parse_row(fields(**codes, **{label_field: "Nouveau nom"}), type_code, TODAY)
    assert (after.mandate_key, after.scope) == (before.mandate_key, before.scope)
    assert (before.collectivite, after.collectivite) == ("Ancien nom", "Nouveau nom")
    keys = row_keys(before.date_naissance, before.sexe, before.nom, before.prenom)
    old, new = listed(2, keys, before), listed(2, keys, after)
    assert old.item == new.item and old.digest != new.digest


def test_rows_without_departement_have_a_national_scope():
    row = parse_row(fields(circ_consulaire_code="101", departement_code=""), "CFE", TODAY)
    assert row.scope == "CFE#FR" and row.territoire == "101"
    assert parse_row(fields(), "RPE", TODAY).territoire == "FR"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"commune_code": ""}, "Territoire"),
        ({"sexe": ""}, "sexe"),
        ({"date_naissance": "01/01/1850"}, "invraisemblable"),
        ({"prenom": "123"}, "Prénom"),
        ({"date_naissance": "01/01/1691"}, "invraisemblable"),
        ({"date_debut_mandat": "01/01/1990"}, "avant les 18 ans"),
        ({"date_debut_mandat": "01/01/2027"}, "après la date du fichier"),
        ({"commune_code": "29019"}, "pas dans le département 35"),
        ({"nom": "A" * 2048}, "plus de 100 caractères"),
    ],
)
def test_rejected_rows_say_why(overrides, reason):
    with pytest.raises(InvalidRow, match=reason):
        parse_row(fields(**overrides), "CM", TODAY)


def test_given_names_separated_by_commas_are_read():
    row = parse_row(fields(prenom="Laurence, Marie, Yvonne"), "CM", TODAY)
    assert row.prenom == "Laurence Marie Yvonne"


@pytest.mark.parametrize(
    ("written", "display", "typed"),
    [
        ("MELLON (DE)", "DE MELLON", ["de Mellon", "MELLON", "Demellon"]),
        ("SALLIER DUPIN (DE)", "DE SALLIER DUPIN", ["de Sallier Dupin", "Sallier-Dupin"]),
        ("ESTAING (D')", "D'ESTAING", ["d'Estaing", "D ESTAING", "Destaing"]),
    ],
)
def test_a_particle_in_parentheses_matches_the_ways_people_type_the_name(written, display, typed):
    row = parse_row(fields(nom=written), "CM", TODAY)
    assert row.nom == display
    listed = set(row_keys(row.date_naissance, row.sexe, row.nom, row.prenom, row.autres_noms))
    for name in typed:
        assert listed & set(keys(name, None, "Anne-Sophie")), name


def test_letters_that_decomposition_keeps_fold_like_the_others():
    assert normalise("Søren Łukasz Đorđe") == "SOREN LUKASZ DORDE"
    assert compact("Le Gall") == compact("LEGALL") == compact("le-gall")


def keys(nom_naissance, nom_usage, prenoms, sexe="F", born="1975-03-14"):
    return account_keys(nom_naissance, nom_usage, prenoms, sexe, born)


def rne(nom, prenom, sexe="F", born="1975-03-14"):
    return person_key(born, sexe, nom, prenom)


def test_an_official_listed_under_the_birth_name_or_the_married_name():
    account = keys("Martin", "Lefèvre", "Claire Marie")
    assert rne("MARTIN", "Claire") in account
    assert rne("LEFEVRE", "Claire") in account
    assert rne("LEFÈVRE MARTIN", "CLAIRE") in account
    assert rne("Martin-Lefèvre", "claire") in account


def test_an_account_with_only_the_married_name_listed_in_the_rne_by_either_part():
    account = keys("Dupont-Martin", None, "Élise")
    assert rne("DUPONT MARTIN", "ELISE") in account
    assert rne("MARTIN", "Elise") in account


def test_accents_case_apostrophes_and_compound_first_names():
    account = keys("d'Estaing", None, "Jean-Pierre Marie", sexe="M")
    assert rne("D ESTAING", "JEAN PIERRE", sexe="M") in account
    assert rne("D’ESTAING", "Jean-Pierre", sexe="M") in account
    # one name once spaces and punctuation are gone: with or without the apostrophe
    assert rne("DESTAING", "Jean-Pierre", sexe="M") in account
    assert rne("DESTAIN", "Jean-Pierre", sexe="M") not in account
    typed_without_hyphen = keys("Durand", None, "Jean Pierre", sexe="M")
    assert rne("DURAND", "Jean-Pierre", sexe="M") in typed_without_hyphen


def test_homonyms_with_another_birth_date_or_sex_never_match():
    account = keys("Martin", None, "Claire")
    assert rne("MARTIN", "Claire", born="1975-03-15") not in account
    assert rne("MARTIN", "Claire", sexe="M") not in account
    assert rne("MARTIN", "Claude") not in account


def test_the_reject_rate_of_a_file_is_a_percentage_of_its_rows():
    from chalicelib.rne.ingestion import reject_rate

    assert reject_rate({"lignes_lues": 8, "rejetees": 2}) == 25.0
    assert reject_rate({"lignes_lues": 3, "rejetees": 1}) == 33.33
    assert reject_rate({"lignes_lues": 0, "rejetees": 0}) == 0.0
    assert reject_rate({}) == 0.0
