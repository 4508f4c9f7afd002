"""RNE files uploaded to the bucket flag the accounts of elected officials."""

import json

import pytest

from chalicelib import services
from chalicelib.models import Account, IdentityIndex, RneFile
from tests.support.rne_files import CURRENT_HEADER, municipal_row, sample, write
from tests.support.rne_world import RneWorld, days_ago

# snapshot dates, in this order, all within the year before the upload
EARLY, JANUARY, FEBRUARY, JUNE = (days_ago(n) for n in (300, 280, 260, 120))

CM_KEY = "prefectures/35/elus-conseillers-municipaux-cm.csv"


@pytest.fixture
def rne(aws, api, outbox):
    return RneWorld(aws, api, outbox)


def cm_file(*rows, **options):
    return write(CURRENT_HEADER, list(rows), **options)


CLAIRE_BIRTH_NAME = municipal_row("MARTIN", "Claire", "F", "14/03/1975")
CLAIRE_MARRIED_NAME = municipal_row("LEFÈVRE", "Claire", "F", "14/03/1975")
OTHER = municipal_row("DURAND", "Paul", "M", "01/01/1960", commune="35047", libelle="Bruz")


def test_an_official_listed_under_her_birth_name_is_recognised(rne):
    claire = rne.person(nom_naissance="Martin", nom_usage="Lefèvre", prenoms="Claire Marie")
    assert rne.me(claire)["elu"] is False
    report = rne.ingest(CM_KEY, cm_file(CLAIRE_BIRTH_NAME, OTHER))
    assert report["statut"] == "termine"
    assert report["compteurs"]["elus_reconnus"] == 1
    me = rne.me(claire)
    assert me["elu"] is True
    assert me["mandats"] == [
        {
            "type": "CM",
            "libelle": "Conseiller municipal",
            "collectivite": "Rennes",
            "code_territoire": "35238",
            "departement": "35",
            "fonction": None,
            "date_debut": "2020-06-28",
        }
    ]


def test_an_official_listed_under_her_married_name_is_recognised(rne):
    claire = rne.person(nom_naissance="Martin", nom_usage="Lefèvre", prenoms="Claire")
    rne.ingest(CM_KEY, cm_file(CLAIRE_MARRIED_NAME))
    assert rne.me(claire)["elu"] is True


def test_the_rne_may_hold_the_married_name_the_account_does_not(rne):
    # The account holds only the birth name; the RNE lists "MARTIN-LEFÈVRE".
    claire = rne.person(nom_naissance="Martin", nom_usage=None, prenoms="Claire")
    rne.ingest(CM_KEY, cm_file(municipal_row("MARTIN-LEFÈVRE", "Claire", "F", "14/03/1975")))
    assert rne.me(claire)["elu"] is True


def test_a_homonym_born_another_day_is_never_flagged(rne):
    homonym = rne.person(
        nom_naissance="Martin", nom_usage=None, prenoms="Claire", date_naissance="1975-03-15"
    )
    report = rne.ingest(CM_KEY, cm_file(CLAIRE_BIRTH_NAME))
    assert report["compteurs"]["elus_reconnus"] == 0
    assert rne.me(homonym)["elu"] is False


def test_two_accounts_for_one_official_flag_neither_and_are_listed(rne, log_output):
    first = rne.person(nom_naissance="Martin", nom_usage=None, prenoms="Claire")
    second = rne.person(nom_naissance="Bernard", nom_usage="Martin", prenoms="Claire")
    report = rne.ingest(CM_KEY, cm_file(CLAIRE_BIRTH_NAME))
    assert report["compteurs"]["correspondances_ambigues"] == 1
    [ambiguity] = report["ambiguites"]
    assert ambiguity["ligne"] == 2
    assert sorted(ambiguity["comptes"]) == sorted([rne.me(first)["id"], rne.me(second)["id"]])
    assert rne.me(first)["elu"] is False and rne.me(second)["elu"] is False
    assert "RneAmbiguousMatch" in log_output()


def test_an_account_created_after_the_file_is_recognised_at_activation(rne):
    rne.ingest(CM_KEY, cm_file(CLAIRE_BIRTH_NAME))
    claire = rne.person(nom_naissance="Martin", nom_usage="Lefèvre", prenoms="Claire")
    assert rne.me(claire)["elu"] is True


def test_an_account_missed_by_ingestion_is_recognised_at_its_next_login(rne):
    claire = rne.person(nom_naissance="Martin", nom_usage=None, prenoms="Claire")
    # As if the account had been activated while the file was being ingested.
    for item in IdentityIndex.scan():
        item.delete()
    rne.ingest(CM_KEY, cm_file(CLAIRE_BIRTH_NAME))
    [account] = list(Account.scan())
    assert account.elu is False
    services.reset()  # a new container: the next login sees the new ingestion at once
    assert rne.me(claire)["elu"] is True


def test_the_report_counts_and_lists_rejected_lines(rne):
    bad_date = municipal_row("ROUX", "Léa", "F", "31/02/1980")
    no_name = municipal_row("", "Léa", "F", "01/02/1980")
    report = rne.ingest(
        CM_KEY, cm_file(CLAIRE_BIRTH_NAME, bad_date, OTHER, no_name, CLAIRE_BIRTH_NAME)
    )
    counts = report["compteurs"]
    assert counts["lignes_lues"] == 5
    assert counts["lignes_lues"] == counts["acceptees"] + counts["rejetees"]
    assert [r["ligne"] for r in report["rejets"]] == [3, 5]
    assert "Date de naissance" in report["rejets"][0]["motif"]
    assert report["type_mandat"] == "CM" and report["format"]["separateur"] == ";"
    # the line listed twice is one mandate
    assert len(rne.mandates()) == 2


def test_a_person_listed_twice_for_one_mandate_keeps_both_functions(rne):
    maire = municipal_row("MARTIN", "Claire", "F", "14/03/1975", fonction="Maire")
    delegate = municipal_row("MARTIN", "Claire", "F", "14/03/1975", fonction="Conseillère déléguée")
    report = rne.ingest(CM_KEY, cm_file(maire, OTHER, delegate))
    assert report["compteurs"]["rejetees"] == 0
    [claire] = [m for m in rne.mandates() if m.nom == "MARTIN"]
    assert claire.fonction == "Maire ; Conseillère déléguée"


def test_a_file_that_is_not_an_rne_file_is_rejected_whole_and_changes_nothing(rne):
    report = rne.ingest("prefectures/35/photo.csv", b"\x89PNG\r\n\x1a\nnot a csv")
    assert report["statut"] == "rejete"
    assert "Répertoire national des élus" in report["motif"]
    assert rne.mandates() == []


def test_the_same_event_delivered_twice_changes_nothing_the_second_time(rne):
    claire = rne.person(nom_naissance="Martin", nom_usage=None, prenoms="Claire")
    rne.upload(CM_KEY, cm_file(CLAIRE_BIRTH_NAME, OTHER))
    message = rne.take_upload_event()
    from bench.call_counter import count_aws_calls

    ingestion = services.rne_ingestion()
    ingestion.handle_message(json.loads(message["Body"]), lambda: 900_000)
    before = [m.attribute_values for m in rne.mandates()]
    assert len(before) == 2 and rne.me(claire)["elu"] is True
    with count_aws_calls() as calls:
        ingestion.handle_message(json.loads(message["Body"]), lambda: 900_000)
    writes = {op for (service, op) in calls if service == "dynamodb"} & {
        "BatchWriteItem",
        "PutItem",
        "UpdateItem",
        "TransactWriteItems",
        "DeleteItem",
    }
    assert writes == {"PutItem"} or writes == set()  # at most the refused conditional claim
    assert [m.attribute_values for m in rne.mandates()] == before


def test_the_same_content_uploaded_again_is_ignored(rne):
    data = cm_file(CLAIRE_BIRTH_NAME, OTHER)
    rne.ingest(CM_KEY, data)
    report = rne.ingest("prefectures/35/copie.csv", data)
    assert report["statut"] == "ignore"
    assert "identique" in report["motif"]


def test_a_newer_snapshot_closes_the_mandates_it_no_longer_lists(rne):
    claire = rne.person(nom_naissance="Martin", nom_usage=None, prenoms="Claire")
    rne.ingest(CM_KEY, cm_file(CLAIRE_BIRTH_NAME, OTHER), snapshot=JANUARY)
    report = rne.ingest("prefectures/35/cm-2026-06.csv", cm_file(OTHER), snapshot=JUNE)
    assert report["compteurs"]["mandats_fermes"] == 1
    closed = [m for m in rne.mandates() if m.fin]
    assert [(m.nom, m.fin) for m in closed] == [("MARTIN", JUNE)]
    me = rne.me(claire)  # no mandate left: no longer an élu in office
    assert me["elu"] is False and me["mandats"] == []


def test_a_renamed_commune_changes_its_mandates_in_place(rne):
    # A commune's identity is its INSEE code: under a new name (a commune nouvelle renamed),
    # the same person's mandate is modified, written once, neither closed nor new.
    from bench.call_counter import count_aws_calls

    claire = rne.person(nom_naissance="Martin", nom_usage=None, prenoms="Claire")
    rne.ingest(CM_KEY, cm_file(CLAIRE_BIRTH_NAME, OTHER), snapshot=JANUARY)
    [account] = list(Account.scan())
    [ref] = account.rne_mandats
    renamed = municipal_row("MARTIN", "Claire", "F", "14/03/1975", libelle="Rennes-sur-Vilaine")
    with count_aws_calls() as calls:
        report = rne.ingest("prefectures/35/cm-2026-06.csv", cm_file(renamed, OTHER), snapshot=JUNE)
    counts = report["compteurs"]
    assert (counts["nouveaux"], counts["modifies"], counts["inchanges"]) == (0, 1, 1)
    assert counts["mandats_fermes"] == 0 and report["bilan"] == []
    # the modified mandate alone; the snapshot recorded (one transaction); the account as it was
    assert calls[("dynamodb", "BatchWriteItem")] == 1
    assert calls[("dynamodb", "TransactWriteItems")] == 1
    mandates = {m.ref: (m.collectivite, m.fin) for m in rne.mandates()}
    assert mandates[ref] == ("Rennes-sur-Vilaine", None) and len(mandates) == 2
    me = rne.me(claire)
    assert me["elu"] is True
    assert [m["collectivite"] for m in me["mandats"]] == ["Rennes-sur-Vilaine"]
    after = Account.get(account.nir_hash)
    rne_fields = ("rne_mandats", "rne_checked_at", "elu", "dif_debut", "dif_solde_centimes")
    assert [getattr(after, f) for f in rne_fields] == [getattr(account, f) for f in rne_fields]


def test_a_prefecture_upload_never_closes_another_departement(rne):
    ille = municipal_row("MARTIN", "Claire", "F", "14/03/1975")
    cotes = municipal_row(
        "LE GALL", "Yann", "M", "02/02/1970", dept="22", commune="22278", libelle="Saint-Brieuc"
    )
    rne.ingest("national/elus-conseillers-municipaux-cm.csv", cm_file(ille, cotes), snapshot=EARLY)
    report = rne.ingest(CM_KEY, cm_file(OTHER, cotes), snapshot=FEBRUARY)
    assert report["perimetre"] == ["CM#35"]
    assert report["rejets"] == [
        {"ligne": 3, "motif": "Département 22 hors du périmètre du dépôt (35)."}
    ]
    fins = {m.nom: m.fin for m in rne.mandates()}
    assert fins == {"MARTIN": FEBRUARY, "LE GALL": None, "DURAND": None}


def test_an_older_snapshot_arriving_late_changes_nothing(rne):
    rne.ingest(CM_KEY, cm_file(OTHER), snapshot=JUNE)
    report = rne.ingest("prefectures/35/ancien.csv", cm_file(CLAIRE_BIRTH_NAME), snapshot=JANUARY)
    assert report["statut"] == "rejete" and "plus récent" in report["motif"]
    assert [m.nom for m in rne.mandates()] == ["DURAND"]


@pytest.mark.parametrize(
    ("case", "crashing"),
    [
        # a first snapshot is written as it is read: the crash is in a chunk's writes
        ("premier", "_store.put_mandates"),
        # a next one is read whole before anything is written...
        ("lecture", "_lists.write"),
        # ... then written
        ("ecriture", "_store.put_mandates"),
    ],
)
def test_a_crash_mid_file_resumes_at_the_checkpoint_without_duplicates(
    rne, monkeypatch, case, crashing
):
    def rows(fonction: str) -> list:
        return [
            municipal_row(
                f"NOM{chr(65 + i // 26)}{chr(65 + i % 26)}",
                "Alix",
                "F",
                f"{1 + i % 28:02d}/01/1970",
                commune=f"35{i:03d}",
                fonction=fonction,
            )
            for i in range(120)
        ]

    from chalicelib.rne.ingestion import limits as module

    if case != "premier":
        rne.ingest("prefectures/35/precedent.csv", cm_file(*rows("")), snapshot=JUNE)
    ingestion = services.rne_ingestion()
    monkeypatch.setattr(ingestion, "_chunk_rows", 25)
    monkeypatch.setattr(module, "WRITE_GROUP", 25)
    owner_name, method = crashing.split(".")
    owner = getattr(ingestion, owner_name)
    original = getattr(owner, method)
    calls = {"n": 0}

    # A first snapshot's chunks are written by two threads at once: the third write to start
    # is not always the third chunk's, so that one is told by its lines (52 to 76).
    def crash_on_third_chunk(*args, **kwargs):
        calls["n"] += 1
        lines = {getattr(item, "line", None) for a in args if isinstance(a, list) for item in a}
        third = bool(lines & set(range(52, 77))) if case == "premier" else calls["n"] == 3
        if third and not calls.get("crashed"):
            calls["crashed"] = 1
            raise ConnectionError("the function dies here")
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, method, crash_on_third_chunk)
    rne.upload(CM_KEY, cm_file(*rows("Conseillère déléguée")))
    body = json.loads(rne.take_upload_event()["Body"])
    with pytest.raises(ConnectionError):
        ingestion.handle_message(body, lambda: 900_000)
    state = rne.file_state(CM_KEY)
    assert state.statut == "en_cours"
    written = [m for m in rne.mandates() if m.fonction]
    calls_before = calls["n"]
    if case == "premier":
        assert state.phase == "lecture" and state.next_line == 52  # 2 chunks of 25 after line 1
        # the chunks written beside the third (two writers, read ahead) may have gone
        # through: written again, with the same keys
        assert calls_before - 3 in (0, 1, 2)
    elif case == "lecture":
        assert state.phase == "lecture" and state.next_line == 52
        assert written == []  # nothing written before the whole file is read
    else:
        assert state.phase == "ecriture" and len(written) == 50
    # Redelivery after the lease: the same message again.
    state.update(actions=[RneFile.lease_until.set(state.started_at)])
    ingestion.handle_message(body, lambda: 900_000)
    report = rne.report(CM_KEY)
    assert report["statut"] == "termine"
    assert report["compteurs"]["lignes_lues"] == 120 == report["compteurs"]["acceptees"]
    assert len(rne.mandates()) == 120
    assert all(m.fonction == "Conseillère déléguée" for m in rne.mandates())
    # chunks 3, 4 and 5 once more after the crash, no more
    assert calls["n"] == calls_before + 3


def test_a_file_longer_than_one_invocation_is_handed_over_through_the_queue(rne, monkeypatch):
    rows = [
        municipal_row(
            f"NOM{chr(65 + i // 26)}{chr(65 + i % 26)}",
            "Alix",
            "F",
            "01/01/1970",
            commune=f"35{i:03d}",
        )
        for i in range(60)
    ]
    ingestion = services.rne_ingestion()
    monkeypatch.setattr(ingestion, "_chunk_rows", 20)
    from chalicelib.rne.ingestion import limits as module

    monkeypatch.setattr(module, "HANDOFF_MARGIN_MS", 10**9)  # every chunk is the last one
    sent = []
    send = ingestion._send_continuation
    monkeypatch.setattr(
        ingestion, "_send_continuation", lambda body: (sent.append(body), send(body))
    )
    rne.upload(CM_KEY, cm_file(*rows))
    rne.deliver()
    assert len(sent) == 2  # 3 chunks: two hand-overs, and none after the last chunk
    report = rne.report(CM_KEY)
    assert report["compteurs"]["lignes_lues"] == 60
    assert len(rne.mandates()) == 60


def test_reports_do_not_trigger_ingestion_and_metrics_are_emitted(rne, log_output):
    rne.ingest(CM_KEY, cm_file(CLAIRE_BIRTH_NAME, OTHER))
    assert rne.deliver() == 0
    keys = [o["Key"] for o in rne.s3.list_objects_v2(Bucket=rne.settings.rne_bucket)["Contents"]]
    keys = [k for k in keys if not k.startswith("rne-etat/")]  # what the snapshot listed
    assert sorted(keys) == sorted([CM_KEY, f"rne-reports/{CM_KEY}.json"])  # parts cleaned up
    logs = log_output()
    for metric in (
        "RneRowsRead",
        "RneRowsAccepted",
        "RneRowsRejected",
        "EluRecognised",
        "RneAmbiguousMatch",
        "RneMandatesClosed",
        "RneFileProcessingTime",
    ):
        assert f'"{metric}"' in logs


@pytest.mark.parametrize(
    "name",
    [
        "2022-12_conseillers-departementaux_tab.csv",
        "2023-12_conseillers-arrondissement_tab-iso-dates.csv",
        "2024-04_conseillers-fde_semicolon.csv",
        "2024-07_deputes_semicolon.csv",
    ],
)
def test_real_samples_ingest_completely(rne, name):
    report = rne.ingest(f"national/{name}", sample(name))
    counts = report["compteurs"]
    assert report["statut"] == "termine"
    assert counts["rejetees"] == 0 and counts["acceptees"] == counts["lignes_lues"] > 100


def test_a_hyphenated_name_is_found_by_its_parts_and_closed_whole(rne):
    hyphenated = municipal_row("MARTIN-LEFÈVRE", "Claire", "F", "14/03/1975")
    rne.ingest(CM_KEY, cm_file(hyphenated, OTHER), snapshot=JANUARY)
    # An account that knows only the birth name, created after the file: found at activation.
    claire = rne.person(nom_naissance="Martin", nom_usage=None, prenoms="Claire")
    assert rne.me(claire)["mandats"][0]["collectivite"] == "Rennes"
    rne.ingest("prefectures/35/cm-2026-06.csv", cm_file(OTHER), snapshot=JUNE)
    from chalicelib.models import RneMandate

    still_open = [m.person_key for m in RneMandate.scan() if not m.fin]
    assert all("DURAND" in key for key in still_open)  # original and its copies all closed
    assert rne.me(claire)["mandats"] == []


def test_each_file_reports_its_reject_rate_for_the_alarm(rne, log_output):
    rows = [municipal_row(name, "Anne", "F", "02/09/1968") for name in ("ROUX", "BLANC", "NOIR")]
    rows.append(municipal_row("GRIS", "Anne", "F", "31/02/1968"))  # no such date
    rne.ingest(CM_KEY, write(CURRENT_HEADER, rows))
    emitted = [
        json.loads(line)
        for line in log_output().splitlines()
        if line.startswith('{"_aws"') and "RneFileRejectRate" in line
    ]
    [metrics] = emitted
    assert metrics["RneFileRejectRate"] == [25.0]
    [unit] = [
        m["Unit"]
        for m in metrics["_aws"]["CloudWatchMetrics"][0]["Metrics"]
        if m["Name"] == "RneFileRejectRate"
    ]
    assert unit == "Percent"
