import json
from datetime import date

import pytest

from chalicelib.catalogue.importer import import_catalogue, validate
from local.demo_catalogue import demo_catalogue_csv, siret_for

TODAY = date(2026, 11, 26)


def record(**overrides):
    base = {
        "id": "F1",
        "catalogue": "mandat",
        "titre": "Le budget communal",
        "objectifs": "Voter le budget.",
        "duree_heures": "14",
        "prix_euros": "700",
        "modalite": "presentiel",
        "commune": "Rennes",
        "departement": "35",
        "sessions": "2027-01-10|2026-12-05",
        "organisme_nom": "Institut",
        "organisme_siret": siret_for(1),
        "agrement_numero": "AGR-2025-0001",
        "agrement_debut": "2025-01-01",
        "agrement_fin": "2027-12-31",
    }
    base.update(overrides)
    return base


def test_a_valid_mandate_formation():
    formation = validate(record(), TODAY)
    assert formation["prix_centimes"] == 70_000
    assert [
        (s["id"], s["date_debut"], s["date_fin"], s["capacite"]) for s in formation["sessions"]
    ] == [
        ("S20261205", "2026-12-05", "2026-12-05", 12),
        ("S20270110", "2027-01-10", "2027-01-10", 12),
    ]
    assert formation["organisme"]["agrement_numero"] == "AGR-2025-0001"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"agrement_numero": ""}, "sans numéro d'agrément"),
        ({"agrement_fin": "2026-01-01"}, "non valide aujourd'hui"),
        ({"prix_euros": "1500"}, "Prix de 107,14\u00a0€ HT par heure"),
        ({"prix_euros": "1500"}, "au plus 80,00\u00a0€ HT par heure"),
        ({"organisme_siret": "12345678901234"}, "SIRET"),
        ({"catalogue": "loisirs"}, "Catalogue inconnu"),
        ({"modalite": "en ligne"}, "Modalité"),
        ({"duree_heures": "deux"}, "illisible"),
        ({"departement": ""}, "Département manquant"),
        ({"sessions": "demain"}, "session"),
    ],
)
def test_rules_refuse_with_a_reason(overrides, reason):
    with pytest.raises(ValueError, match=reason):
        validate(record(**overrides), TODAY)


def test_sessions_have_dates_and_places_in_csv_and_json():
    csv_like = validate(record(sessions="2027-02-01/2027-02-02/8|2027-03-01"), TODAY)
    assert csv_like["sessions"][0] == {
        "id": "S20270201",
        "date_debut": "2027-02-01",
        "date_fin": "2027-02-02",
        "capacite": 8,
        "modalite": "presentiel",
        "lieu": "Rennes",
    }
    json_like = validate(
        record(
            sessions=[
                {"id": "A1", "date_debut": "2027-02-01", "date_fin": "2027-02-03", "places": 20}
            ]
        ),
        TODAY,
    )
    assert json_like["sessions"][0]["id"] == "A1" and json_like["sessions"][0]["capacite"] == 20
    for bad, reason in (
        ("2027-02-02/2027-02-01", "précède"),
        ("2027-02-01/2027-02-01/0", "places"),
    ):
        with pytest.raises(ValueError, match=reason):
            validate(record(sessions=bad), TODAY)


def test_other_catalogues_need_no_approval_and_no_price_cap():
    assert (
        validate(record(catalogue="reconversion", agrement_numero="", prix_euros="9000"), TODAY)[
            "catalogue"
        ]
        == "reconversion"
    )


def test_an_import_loads_the_valid_rows_and_reports_the_others():
    saved = []
    rows = [
        record(id="F1"),
        record(id="F2", prix_euros="5000"),
        record(id="F1"),
        record(id="F3", catalogue="activite-professionnelle", agrement_numero=""),
    ]
    report = import_catalogue(json.dumps(rows).encode(), "catalogue.json", TODAY, saved.extend)
    assert [f["id"] for f in saved] == ["F1", "F3"]
    result = report.as_dict()
    assert (result["lignes_lues"], result["importees"], result["rejetees"]) == (4, 2, 2)
    assert [r["ligne"] for r in result["rejets"]] == [2, 3]
    assert "déjà utilisé" in result["rejets"][1]["motif"]


def test_a_file_that_is_not_a_catalogue_is_reported_not_loaded():
    saved = []
    report = import_catalogue(b"nom;prenom\nA;B\n", "x.csv", TODAY, saved.extend)
    assert saved == [] and "Colonnes obligatoires" in report.rejets[0]["motif"]


def test_the_demo_catalogue_is_valid_and_realistic():
    saved = []
    report = import_catalogue(demo_catalogue_csv(TODAY), "demo.csv", TODAY, saved.extend)
    assert report.rejets == [] and len(saved) == 300
    assert {f["catalogue"] for f in saved} == {"mandat", "reconversion", "activite-professionnelle"}
