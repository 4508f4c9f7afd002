import pytest

from chalicelib.rne.formats import field_of, mandate_type, map_header, type_from_key


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Nom de l'élu", "nom"),
        ("Nom de l’élu", "nom"),
        ("nom_elu", "nom"),
        ("  Nom  de l'élu ", "nom"),
        ("Prénom de l’élu", "prenom"),
        ("prenom_elu", "prenom"),
        ("Code sexe ", "sexe"),
        ("sexe_elu", "sexe"),
        ("Date de naissancee", "date_naissance"),
        ("date_naissance_elu", "date_naissance"),
        ("DATE DE NAISSANCE", "date_naissance"),
        ("Code profession", "profession_code"),
        ("Libellé catégorie socio-professionnelle", "profession_libelle"),
        ("Date de début du mandat", "date_debut_mandat"),
        ("date_debut_mandat", "date_debut_mandat"),
        ("N° SIREN", "epci_code"),
        ("Code de la circonscription législative", "circ_legislative_code"),
        ("Code de la cir.législative", "circ_legislative_code"),
        ("Libellé de la cir.législative", "circ_legislative_libelle"),
        ("Code de la section - collectivité à statut particulier", "csp_section_code"),
        ("Code de la circonscription métropolitaine", "circ_metropolitaine_code"),
        ("Libellé du  département", "departement_libelle"),
        ("Code CirER", "circ_europeenne_code"),
        ("Code du département de l'EPCI", None),
        ("Code du département", "departement_code"),
        ("code_departement", "departement_code"),
        ("lieu_naissance_elu", "lieu_naissance"),
        ("code_nuance_mandat", "nuance_code"),
        ("Titre du rapport", None),
        ("", None),
        ("Colonne inconnue", None),
    ],
)
def test_every_published_label_finds_its_field(label, field):
    assert field_of(label) == field


def test_the_first_column_of_a_field_wins():
    assert map_header(["Nom de l'élu", "nom_elu", "Prénom"]) == {0: "nom", 2: "prenom"}


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("elus-conseillers-municipaux-cm.csv", "CM"),
        ("elus-maires-mai.csv", "MAIRE"),
        ("national/2024-07_deputes_semicolon.csv", "DEP"),
        ("elus-senateurs-sen.csv", "SEN"),
        ("2024-04_conseillers-fde_semicolon.csv", "CFE"),
        ("elus-membres-afe.csv", "AFE"),
        ("elus-conseillers-communautaires-epci.csv", "EPCI"),
        ("elus-representants-parlement-europeen-rpe.csv", "RPE"),
        # every generation of the ministry's names: numbered, plural, singular, with or
        # without a numeric prefix or a date suffix
        ("national/elus-parlementaires-europeens.csv", "RPE"),
        ("national/7-rne-rpe.txt", "RPE"),
        ("1-rne-cm.txt", "CM"),
        ("2-rne-epci.txt", "EPCI"),
        ("3-rne-cd.txt", "CD"),
        ("4-rne-cr.txt", "CR"),
        ("5-rne-cac.txt", "CAC"),
        ("6-rne-sen.txt", "SEN"),
        ("8-rne-maires.txt", "MAIRE"),
        ("9-rne-dep.txt", "DEP"),
        ("elus-representant-parlement-europeen.csv", "RPE"),
        ("elus-conseiller-municipal-cm.csv", "CM"),
        ("elus-maire-mai.csv", "MAIRE"),
        ("elus-conseiller-communautaire-epci.csv", "EPCI"),
        ("elus-conseiller-departemental-cd.csv", "CD"),
        ("elus-conseiller-regional-cr.csv", "CR"),
        ("elus-conseillers-departementaux-cd.csv", "CD"),
        ("elus-conseillers-regionaux-cr.csv", "CR"),
        ("elus-membres-des-assemblees-des-collectivites-a-statut-particulier-csp.csv", "CSP"),
        ("elus-senateur-sen.csv", "SEN"),
        ("elus-depute-dep.csv", "DEP"),
        ("elus-conseillers-consulaires.csv", "CFE"),
        ("elus-conseiller-consulaire.csv", "CFE"),
        ("elus-maires-mai-2024-03-15.csv", "MAIRE"),
        ("elus-maires-mai20240315.csv", "MAIRE"),
        ("2026-06_elus-conseillers-municipaux-cm.csv", "CM"),
        ("prefectures/35/export.csv", None),
    ],
)
def test_object_keys_name_mandate_types(key, code):
    assert type_from_key(key) == code


BASE = {"nom", "prenom", "sexe", "date_naissance", "date_debut_mandat"}


@pytest.mark.parametrize(
    ("key", "extra", "code"),
    [
        ("x.csv", {"departement_code", "canton_code"}, "CD"),
        ("x.csv", {"departement_code", "commune_code", "secteur_libelle"}, "CA"),
        ("x.csv", {"departement_code", "csp_code", "circ_legislative_code"}, "DEP"),
        ("x.csv", {"circ_consulaire_code"}, "CFE"),
        ("x.csv", {"departement_code", "commune_code", "epci_code"}, "EPCI"),
        ("x.csv", {"region_code", "section_code"}, "CR"),
        ("x.csv", {"departement_code", "commune_code"}, "CM"),
        ("elus-maires.csv", {"departement_code", "commune_code"}, "MAIRE"),
        ("x.csv", set(), None),  # no territory at all: MEPs or the Corsican assembly
        ("elus-representants-parlement-europeen-rpe.csv", set(), "RPE"),
        ("5-rne-cac.csv", set(), "CAC"),
        ("5-rne-cac.csv", {"region_code"}, "CAC"),  # the older layout has the région
        ("x.csv", {"circ_europeenne_code"}, "RPE"),
        # the ministry's membres des assemblées file has région columns too
        (
            "x.csv",
            {"region_code", "departement_code", "csp_code", "csp_section_code"},
            "CSP",
        ),
        ("x.csv", {"region_code", "departement_code", "csp_code"}, None),
        ("5-rne-ma.csv", {"region_code", "departement_code", "csp_code"}, "CSP"),
        ("6-elus-membre-assemblees.csv", {"region_code", "csp_code"}, "CSP"),
        ("8-rne-dep.csv", {"departement_code", "circ_legislative_code"}, "DEP"),
        ("9-elus-deputes.csv", {"departement_code", "circ_legislative_code"}, "DEP"),
        ("x.csv", {"departement_code", "csp_code"}, None),  # sénateurs or CSP: the key must say
        ("senateurs.csv", {"departement_code", "csp_code"}, "SEN"),
        ("elus-csp.csv", {"csp_code"}, "CSP"),
        ("maires.csv", {"departement_code", "canton_code"}, "CD"),  # a key the columns contradict
    ],
)
def test_columns_and_key_decide_the_mandate_type(key, extra, code):
    assert mandate_type(key, BASE | extra) == code
