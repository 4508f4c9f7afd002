"""The decisions of the ingestion's phases that need no file: which applied snapshot is newer
than an upload, how a row of a file restricted to some départements becomes a mandate, and
which consecutive rows are one person's."""

from datetime import date

import pytest

from chalicelib.rne.ingestion.header import newer_snapshot
from chalicelib.rne.ingestion.reading import RowRules, merged_functions, same_person
from chalicelib.rne.reader import Row
from chalicelib.rne.rows import InvalidRow, parse_row
from chalicelib.rne.store import Snapshot

JUNE = "2026-06-01T00:00:00+00:00"
MARCH = "2026-03-01T00:00:00+00:00"
APPLIED = {"35": Snapshot(JUNE, "fichier#a"), "22": Snapshot(MARCH, "fichier#b")}


@pytest.mark.parametrize(
    ("portee", "newer"),
    [
        ({"22"}, None),  # only Brittany's other département is older
        ({"35"}, JUNE),
        ({"22", "35"}, JUNE),
        ({"29"}, None),  # nothing applied there yet
        ({"*"}, JUNE),  # a national file: every département counts
        (None, JUNE),  # scope told by the rows: every département counts
    ],
)
def test_an_upload_is_older_than_the_newest_snapshot_where_it_applies(portee, newer):
    assert newer_snapshot(APPLIED, portee, "2026-04-01T00:00:00+00:00") == newer


def test_a_snapshot_taken_when_the_applied_one_was_is_not_older():
    assert newer_snapshot(APPLIED, {"35"}, JUNE) is None


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


RULES = RowRules("CM", date(2026, 11, 26), date(2026, 6, 1), restrict={"35"})


def test_a_row_of_the_files_departement_is_a_mandate_under_its_identity_key():
    parsed = RULES.parse(7, fields(), "raw")
    assert parsed.mandate.scope == "CM#35"
    assert parsed.key == (parsed.keys[0], "CM#35238#2020-06-28")
    assert parsed.line == 7


def test_a_row_of_another_departement_is_rejected_with_the_files_scope():
    other = fields(departement_code="22", commune_code="22278", commune_libelle="Saint-Brieuc")
    with pytest.raises(InvalidRow, match=r"Département 22 hors du périmètre du dépôt \(35\)"):
        RULES.parse(7, other, "raw")
    assert RowRules("CM", date(2026, 11, 26), date(2026, 6, 1), set()).parse(7, other, "raw")


def test_a_mandate_after_the_snapshot_date_is_rejected():
    with pytest.raises(InvalidRow, match="après la date du fichier"):
        RULES.parse(7, fields(date_debut_mandat="02/06/2026"), "raw")


def test_two_lines_of_one_mandate_keep_both_functions_and_the_earliest_start():
    first = parse_row(fields(date_debut_fonction="01/07/2020"), "CM", date(2026, 11, 26))
    second = parse_row(
        fields(fonction_libelle="Conseillère communautaire", date_debut_fonction="28/06/2020"),
        "CM",
        date(2026, 11, 26),
    )
    merged = merged_functions(first, second)
    assert merged.fonction == "Maire ; Conseillère communautaire"
    assert merged.date_debut_fonction == date(2020, 6, 28)
    assert merged_functions(first, first).fonction == "Maire"


def test_consecutive_rows_differing_only_by_function_are_one_person():
    maire = Row(2, 100, fields())
    adjointe = Row(3, 200, fields(fonction_libelle="Adjointe", date_debut_fonction="01/01/2021"))
    other = Row(4, 300, fields(prenom="Yann"))
    unreadable = Row(5, 400, None, "Ligne illisible.")
    assert same_person(maire, adjointe)
    assert not same_person(adjointe, other)
    assert not same_person(other, unreadable)
