"""What a file may change: its sender's scope, its date, its size, and never a scope wiped by
mistake. Each test plays the upload that went wrong (or the attacker) and checks that nothing
was applied that should not have been."""

from __future__ import annotations

import json

import pytest

from chalicelib import services
from chalicelib.models import RneFile, RneMandate
from tests.support.rne_files import CURRENT_HEADER, municipal_row, sample, write
from tests.support.rne_world import RneWorld, days_ago

CM_KEY = "prefectures/35/elus-conseillers-municipaux-cm.csv"
IDENTITY = ["Nom de l'élu", "Prénom de l'élu", "Code sexe", "Date de naissance"]
START = "Date de début du mandat"


@pytest.fixture
def rne(aws, api, outbox):
    return RneWorld(aws, api, outbox)


def cm_file(*rows):
    return write(CURRENT_HEADER, list(rows))


def people(count: int, dept: str = "35", commune: str = "35238", debut: str = "28/06/2020"):
    return [
        municipal_row(
            f"NOM{chr(65 + i // 26)}{chr(65 + i % 26)}",
            "Alix",
            "F",
            f"{1 + i % 28:02d}/03/1970",
            dept=dept,
            commune=commune,
            debut=debut,
        )
        for i in range(count)
    ]


def meps(*names: str) -> bytes:
    return write(
        [*IDENTITY, START], [[name, "Anne", "F", "02/02/1970", "02/07/2024"] for name in names]
    )


def open_mandates(kind: str | None = None) -> dict[str, str]:
    return {
        m.nom: m.type
        for m in RneMandate.scan()
        if not m.alias_of and not m.fin and (kind is None or m.type == kind)
    }


# --- who may write what ---------------------------------------------------------------------
def test_a_prefecture_cannot_replace_the_members_of_the_european_parliament(rne):
    rne.ingest("national/elus-representants-parlement-europeen-rpe.csv", meps("AUBRY", "BAYOU"))
    report = rne.ingest(
        "prefectures/35/elus-representants-parlement-europeen-rpe.csv", meps("INTRUS")
    )
    assert report["statut"] == "rejete"
    assert "ministère" in report["motif"]
    assert open_mandates("RPE") == {"AUBRY": "RPE", "BAYOU": "RPE"}


def test_a_prefecture_file_that_places_nobody_in_its_departement_is_refused(rne):
    report = rne.ingest("prefectures/35/export.csv", meps("INTRUS"))
    assert report["statut"] == "rejete"
    assert "département" in report["motif"]
    assert open_mandates() == {}


@pytest.mark.parametrize("folder", ["FR", "*", "999", "20"])
def test_a_key_naming_no_departement_is_refused_whole(rne, folder):
    report = rne.ingest(
        f"prefectures/{folder}/elus-conseillers-municipaux-cm.csv", cm_file(*people(3))
    )
    assert report["statut"] == "rejete"
    assert "n'est pas un code de département" in report["motif"]
    assert open_mandates() == {}


def test_rows_of_another_departement_are_refused_one_by_one(rne):
    finistere = people(1, dept="29", commune="29019")[0]
    report = rne.ingest(CM_KEY, cm_file(*people(2), finistere))
    assert [r["motif"] for r in report["rejets"]] == [
        "Département 29 hors du périmètre du dépôt (35)."
    ]
    assert len(open_mandates()) == 2


@pytest.mark.parametrize(
    ("declared", "reason"),
    [("2099-01-01", "postérieure au dépôt"), (days_ago(800), "antérieure de plus de")],
)
def test_a_snapshot_dated_in_the_future_or_long_ago_is_refused(rne, declared, reason):
    report = rne.ingest(CM_KEY, cm_file(*people(3)), snapshot=declared)
    assert report["statut"] == "rejete" and reason in report["motif"]
    # nothing frozen: a file of today applies
    assert rne.ingest("prefectures/35/cm.csv", cm_file(*people(2)))["statut"] == "termine"


def test_two_departements_finishing_at_once_both_keep_their_snapshot(rne, monkeypatch):
    """The other département's file finishes between this one's reading and writing of the
    snapshot records: at DynamoDB's door, whatever the code sends."""
    from botocore.client import BaseClient

    original = BaseClient._make_api_call
    interleaved = {"done": False}

    def finish_the_other_departement_first(client, operation, params):
        # the item of a scope's record: its key "portee..." (not the file's "portee" field)
        recording_scopes = operation in ("PutItem", "UpdateItem", "TransactWriteItems") and (
            '"S": "portee' in json.dumps(params)
        )
        if recording_scopes and not interleaved["done"]:
            interleaved["done"] = True
            rne.upload(
                "prefectures/22/elus-conseillers-municipaux-cm.csv",
                cm_file(*people(2, dept="22", commune="22278")),
            )
            # another invocation, running while this one finishes
            other = services.rne_ingestion.__wrapped__()
            other.handle_message(json.loads(rne.take_upload_event()["Body"]), lambda: 900_000)
        return original(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", finish_the_other_departement_first)
    rne.ingest(CM_KEY, cm_file(*people(2)))
    assert interleaved["done"]
    assert set(services.rne_store().snapshots("CM")) == {"35", "22"}


# --- what a file may contain ----------------------------------------------------------------
def test_a_two_kilobyte_name_is_a_rejected_row_not_a_stuck_file(rne):
    huge = municipal_row("A" * 2048, "Alix", "F", "01/01/1970")
    report = rne.ingest(CM_KEY, cm_file(*people(2), huge))
    assert report["statut"] == "termine"
    assert report["rejets"] == [
        {"ligne": 4, "motif": "Valeur de plus de 255 caractères (colonne 7 « Nom de l'élu »)."}
    ]
    assert len(open_mandates()) == 2


def test_sixteen_megabytes_without_a_line_end_are_one_rejected_line(rne):
    data = cm_file(*people(2)) + b"A" * (16 * 1024 * 1024)
    report = rne.ingest(CM_KEY, data)
    assert report["statut"] == "termine"
    assert report["rejets"] == [
        {"ligne": 4, "motif": "Ligne de plus de 8 Kio : ignorée sans être lue."}
    ]
    assert len(open_mandates()) == 2


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(rne, monkeypatch):
    from chalicelib.rne.ingestion import limits

    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    report = rne.ingest(CM_KEY, cm_file(*people(30)))
    assert report["statut"] == "rejete" and "Mio" in report["motif"]
    assert open_mandates() == {}


def test_a_file_over_the_row_limit_is_refused_and_writes_nothing(rne, monkeypatch):
    from chalicelib.rne.ingestion import limits

    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    monkeypatch.setattr(services.rne_ingestion(), "_chunk_rows", 4)
    report = rne.ingest(CM_KEY, cm_file(*people(60)))
    assert report["statut"] == "rejete" and "Plus de 10 lignes" in report["motif"]
    assert open_mandates() == {}
    state = next(f for f in RneFile.scan() if f.pk.startswith("fichier#"))
    assert (
        rne.s3.list_objects_v2(
            Bucket=rne.settings.rne_bucket, Prefix=f"rne-etat/{state.pk.split('#')[1]}/"
        ).get("KeyCount")
        == 0
    )


# --- no file wipes a scope by mistake -------------------------------------------------------
def test_a_truncated_file_waits_for_an_operator_who_may_apply_it(rne, log_output):
    rne.ingest(CM_KEY, cm_file(*people(10)), snapshot=days_ago(100))
    report = rne.ingest("prefectures/35/cm-tronque.csv", cm_file(*people(3)))
    assert report["statut"] == "en_attente"
    assert report["bilan"] == [
        {
            "perimetre": "CM#35",
            "mandats_actuels": 10,
            "a_fermer": 7,
            "nouveaux": 0,
            "nouveaux_anterieurs": 0,
        }
    ]
    assert "fermerait 7 des 10 mandats" in report["attente"][0]
    assert len(open_mandates()) == 10  # nothing closed, nothing written
    assert '"RneSnapshotHeld"' in log_output()

    held = services.held_snapshots()
    [waiting] = held.waiting()
    assert waiting.identifiant == report["identifiant"]
    held.apply(report["identifiant"], "ops-durand")
    rne.deliver()
    report = rne.report("prefectures/35/cm-tronque.csv")
    assert report["statut"] == "termine" and report["confirme_par"] == "ops-durand"
    assert report["compteurs"]["mandats_fermes"] == 7
    assert len(open_mandates()) == 3


def test_a_held_file_discarded_changes_nothing_and_the_next_compares_with_the_applied_one(rne):
    rne.ingest(CM_KEY, cm_file(*people(10)), snapshot=days_ago(100))
    report = rne.ingest("prefectures/35/cm-tronque.csv", cm_file(*people(3)))
    services.held_snapshots().discard(report["identifiant"], "ops-durand")
    assert rne.report("prefectures/35/cm-tronque.csv")["statut"] == "ecarte"
    assert len(open_mandates()) == 10
    # the next export closes one mandate of the ten: applied at once
    report = rne.ingest("prefectures/35/cm-suivant.csv", cm_file(*people(9)))
    assert report["statut"] == "termine" and report["compteurs"]["mandats_fermes"] == 1
    assert report["compteurs"]["inchanges"] == 9


def test_an_older_export_uploaded_after_a_newer_one_is_held_not_applied(rne):
    """July 2024's députés, then March 2022's uploaded late (no date given: the upload's)."""
    newer = rne.ingest("national/9-elus-deputes.csv", sample("2024-07_deputes_semicolon.csv"))
    assert newer["statut"] == "termine"
    current = open_mandates("DEP")
    report = rne.ingest("national/8-rne-dep.csv", sample("2022-03_deputes_latin1-preamble.csv"))
    assert report["statut"] == "en_attente"
    assert any("plus ancien" in reason for reason in report["attente"])
    assert open_mandates("DEP") == current


def test_an_election_closes_most_mandates_once_an_operator_confirms(rne):
    rne.ingest(CM_KEY, cm_file(*people(10)), snapshot=days_ago(200))
    year, month, day = days_ago(30).split("-")
    elected = [
        municipal_row(f"ELU{chr(65 + i)}", "Léo", "M", "03/03/1980", debut=f"{day}/{month}/{year}")
        for i in range(8)
    ]
    report = rne.ingest("prefectures/35/cm-elections.csv", cm_file(*people(2), *elected))
    assert report["statut"] == "en_attente"
    assert not any("plus ancien" in reason for reason in report["attente"])
    services.held_snapshots().apply(report["identifiant"], "ops-durand")
    rne.deliver()
    assert len(open_mandates()) == 10
    assert rne.report("prefectures/35/cm-elections.csv")["compteurs"]["mandats_fermes"] == 8


# --- the real exports -----------------------------------------------------------------------
def test_the_members_of_assemblies_file_never_touches_the_regional_councillors(rne):
    regional = write(
        ["Code de la région", "Libellé de la région", *IDENTITY, START],
        [
            ["53", "Bretagne", f"CR{chr(65 + i)}", "Anne", "F", "02/02/1970", "02/07/2021"]
            for i in range(6)
        ],
    )
    rne.ingest("national/elus-conseillers-regionaux-cr.csv", regional)
    data = sample("2023-12_membres-assemblees_comma.csv")
    report = rne.ingest("national/6-elus-membres-assemblees.csv", data)
    assert report["statut"] == "termine" and report["type_mandat"] == "CSP"
    assert report["compteurs"]["rejetees"] == 0
    assert len(open_mandates("CR")) == 6


def test_the_corsican_assembly_is_not_taken_for_the_european_parliament(rne):
    rne.ingest("national/elus-representants-parlement-europeen-rpe.csv", meps("AUBRY", "BAYOU"))
    report = rne.ingest("national/5-rne-cac.csv", meps("SIMEONI", "TALAMONI"))
    assert report["statut"] == "termine" and report["type_mandat"] == "CAC"
    assert open_mandates() == {
        "AUBRY": "RPE",
        "BAYOU": "RPE",
        "SIMEONI": "CAC",
        "TALAMONI": "CAC",
    }
    [corse] = {m.collectivite for m in RneMandate.scan() if m.type == "CAC"}
    assert corse == "Collectivité de Corse"


def test_a_file_whose_type_is_uncertain_waits_for_an_operator_to_name_it(rne):
    senators = write(
        ["Code du département", "Libellé du département", *IDENTITY, START],
        [["35", "Ille-et-Vilaine", "SENAT", "Anne", "F", "02/02/1960", "01/10/2020"]],
    )
    report = rne.ingest("national/export-2026.csv", senators)
    assert report["statut"] == "en_attente" and "indéterminé" in report["attente"][0]
    assert open_mandates() == {}
    held = services.held_snapshots()
    from chalicelib.rne.held import UnknownType

    with pytest.raises(UnknownType):
        held.apply(report["identifiant"], "ops-durand")
    held.apply(report["identifiant"], "ops-durand", "SEN")
    rne.deliver()
    assert rne.report("national/export-2026.csv")["statut"] == "termine"
    assert open_mandates() == {"SENAT": "SEN"}


# --- write only what changed ----------------------------------------------------------------
def test_a_new_snapshot_writes_only_the_mandates_that_changed(rne):
    first = people(30)
    rne.ingest(CM_KEY, cm_file(*first), snapshot=days_ago(100))
    first_file = {m.nom: m.fichier for m in RneMandate.scan() if not m.alias_of}
    second = [row[:] for row in first[:-1]]
    second[0][13] = "Maire"  # a function given
    second.append(municipal_row("NOUVELLE", "Iris", "F", "05/05/1985"))  # a replacement
    report = rne.ingest("prefectures/35/cm-suivant.csv", cm_file(*second))
    counts = report["compteurs"]
    assert (counts["nouveaux"], counts["modifies"], counts["inchanges"]) == (1, 1, 28)
    assert counts["mandats_fermes"] == 1
    rewritten = {
        m.nom for m in RneMandate.scan() if not m.alias_of and m.fichier != first_file.get(m.nom)
    }
    # the changed, the new and the closed ones; the 28 others untouched
    assert rewritten == {first[0][6], "NOUVELLE", first[-1][6]}


def test_an_operator_command_lists_and_decides_held_snapshots(rne, capsys):
    from infra import rne as command

    rne.ingest(CM_KEY, cm_file(*people(10)), snapshot=days_ago(100))
    report = rne.ingest("prefectures/35/cm-tronque.csv", cm_file(*people(3)))
    assert command.main(["attente"]) == 0
    listing = capsys.readouterr().out
    assert report["identifiant"] in listing and "fermerait 7 des 10" in listing
    assert command.main(["ecarter", "inconnu", "--par", "ops"]) == 1
    assert command.main(["ecarter", report["identifiant"], "--par", "ops"]) == 0
    assert (
        json.loads(
            rne.s3.get_object(
                Bucket=rne.settings.rne_bucket, Key="rne-reports/prefectures/35/cm-tronque.csv.json"
            )["Body"].read()
        )["statut"]
        == "ecarte"
    )


def test_a_report_names_nobody_and_gives_no_birth_date(rne):
    rows = [
        municipal_row("DUPRE", "Odile", "F", "12/04/1961"),
        municipal_row("FAURE", "Inès", "F", "31/02/1961"),  # no such day
        municipal_row("GIRARD", "Hugo", "M", "07/07/1890"),  # too old
        municipal_row("HENRY", "Paul", "M", "08/08/1970", dept="29", commune="29019"),
    ]
    report = rne.ingest(CM_KEY, cm_file(*rows))
    assert [r["ligne"] for r in report["rejets"]] == [3, 4, 5]
    text = json.dumps(report, ensure_ascii=False)
    for person in ("DUPRE", "Odile", "FAURE", "Inès", "GIRARD", "Hugo", "HENRY", "Paul"):
        assert person not in text
    for born in ("1961", "1890", "1970"):
        assert born not in text
