"""Paying the organismes: the daily job gathers the validated services done into one batch per
organisme and day, with its SEPA credit transfer file in the payments bucket; an operator or the
bank's notification marks a batch paid or rejected as a whole; a change of IBAN holds the next
batch; the organisme reads its batches through its key."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import boto3
import pytest
import time_machine
from defusedxml import ElementTree

from chalicelib.models import Dossier, PaymentLot
from chalicelib.payments.sepa import validate_pain_001
from infra import organismes as organismes_tool
from infra import paiements
from tests.support import camt
from tests.support.end_of_training import act, at, in_training, invoice
from tests.support.enrolment import ORGANISME, OTHER_ORGANISME, organisme_key

ORGANISME_EMAIL = "inscriptions@institut.fr"
IBAN, BIC = "FR7630004008280001234567841", "BNPAFRPP"  # BNP Paribas (test account)
NEW_IBAN, NEW_BIC = "FR7630006000011234567890189", "AGRIFRPP"  # Crédit Agricole
PAIN = "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}"


def bank_details(siret=ORGANISME, iban=IBAN, bic=BIC) -> int:
    return organismes_tool.main(["iban", siret, iban, bic, "--par", "Agnès Martin"])


def validated(api, elus, key, prix="300", rate=100) -> str:
    """A file whose service done is validated at once (consistent), to be paid."""
    _payload, ident, _start, end = in_training(api, elus, key, prix=prix)
    with at(end):
        body = {"date_sortie": end.isoformat(), "taux_realisation": rate}
        if rate < 100:
            body |= {"motif_partiel": "abandon", "heures_realisees": 14 * rate // 100}
        assert act(api, key, ident, "sortie", body).status == 200
        due = int(prix) * rate // 100
        done = act(api, key, ident, "service-fait", invoice(str(due), numero=f"F-{ident[-6:]}"))
        assert done.json["statut"] == "service_fait_valide", done.json
    return ident


def run_job(client) -> dict:
    event = client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    return client.lambda_.invoke("lots_de_paiement", event).payload


def sepa_file(aws, key: str) -> bytes:
    s3 = boto3.client("s3", region_name=aws.region)
    return s3.get_object(Bucket=aws.payments_bucket, Key=key)["Body"].read()


def transfers(document: bytes) -> list[tuple[str, str, str]]:
    """(end-to-end id, amount, creditor IBAN) of each transfer of a pain.001 file."""
    root = ElementTree.fromstring(document)
    return [
        (
            tx.findtext(f"{PAIN}PmtId/{PAIN}EndToEndId"),
            tx.findtext(f"{PAIN}Amt/{PAIN}InstdAmt"),
            tx.findtext(f"{PAIN}CdtrAcct/{PAIN}Id/{PAIN}IBAN"),
        )
        for tx in root.iter(f"{PAIN}CdtTrfTxInf")
    ]


def later(days: int):
    return time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=False)


def test_the_daily_job_makes_one_batch_per_organisme_with_its_sepa_file_once(
    api, elus, key, client, aws, outbox
):
    first, second = validated(api, elus, key, "300"), validated(api, elus, key, "450")
    other_key = organisme_key(OTHER_ORGANISME, "compta@autre.fr")
    from tests.support.enrolment import formation  # another organisme's training

    assert formation(siret=OTHER_ORGANISME)  # it has a catalogue, but no file to pay
    assert bank_details() == 0 and bank_details(OTHER_ORGANISME, NEW_IBAN, NEW_BIC) == 0
    # 23:30 UTC is already the next day in Paris: the batch carries the Paris day
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    late_evening = datetime.combine(tomorrow, time(23, 30), UTC)
    with time_machine.travel(late_evening, tick=False):
        run = run_job(client)
        again = run_job(client)  # run again the same day: nothing new
    reference = f"LOT-{tomorrow + timedelta(days=1):%Y%m%d}-{ORGANISME}"
    assert run["lots"] == [reference] and run["en_attente"] == []
    lot = PaymentLot.get(f"lot#{reference}")
    assert (lot.statut, int(lot.total_centimes), len(lot.lignes)) == ("emis", 75_000, 2)
    assert {Dossier.get(i).paiement for i in (first, second)} == {"en_lot"}
    assert Dossier.get(first).lot == reference
    document = sepa_file(aws, lot.fichier)
    validate_pain_001(document)  # the official XSD
    sent = transfers(document)
    assert sorted(e2e for e2e, _, _ in sent) == [f"{reference}-001", f"{reference}-002"]
    assert sorted((amount, iban) for _, amount, iban in sent) == [
        ("300.00", IBAN),
        ("450.00", IBAN),
    ]
    assert b"<PmtInfId>" + reference.encode() + b"</PmtInfId>" in document
    assert "Virement émis" in outbox.last_to(ORGANISME_EMAIL).subject
    assert "FR76 **** **** 7841" in outbox.last_to(ORGANISME_EMAIL).text
    assert IBAN not in outbox.last_to(ORGANISME_EMAIL).text
    assert again["lots"] == []
    assert sepa_file(aws, lot.fichier) == document
    assert len(list(PaymentLot.scan(PaymentLot.pk.startswith("lot#")))) == 1
    del other_key


def test_a_service_validated_after_the_days_batch_waits_for_the_next_day(api, elus, key, client):
    validated(api, elus, key)
    assert bank_details() == 0
    assert len(run_job(client)["lots"]) == 1
    late = validated(api, elus, key, "200")
    again = run_job(client)
    assert again["lots"] == []
    assert Dossier.get(late).paiement == "a_payer"
    with later(1):
        tomorrow = run_job(client)
    assert len(tomorrow["lots"]) == 1 and Dossier.get(late).lot == tomorrow["lots"][0]


def test_an_organisme_without_bank_details_is_not_paid_and_its_invoices_wait(
    api, elus, key, client
):
    ident = validated(api, elus, key)
    run = run_job(client)
    assert run["lots"] == [] and run["sans_coordonnees_bancaires"] == [ORGANISME]
    assert Dossier.get(ident).paiement == "a_payer"
    assert bank_details() == 0
    assert len(run_job(client)["lots"]) == 1


def test_bank_details_are_checked_and_never_stored_in_clear(aws, key, capsys):
    assert bank_details(iban="FR7630004008280001234567842") == 1
    assert "clé de contrôle" in capsys.readouterr().err
    assert bank_details(bic="AGRIFRPP") == 1
    assert "n'est pas celui de la banque" in capsys.readouterr().err
    assert bank_details(siret=OTHER_ORGANISME) == 1  # not registered
    assert bank_details() == 0
    raw = boto3.client("dynamodb", region_name=aws.region).scan(TableName=aws.payments_table)
    assert IBAN not in str(raw["Items"]) and "FR76 **** **** 7841" in str(raw["Items"])
    blob = raw["Items"][0]["iban_chiffre"]["B"]
    kms = boto3.client("kms", region_name=aws.region)
    moved = {"organisme": OTHER_ORGANISME}  # the ciphertext pasted onto another organisme
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=blob, EncryptionContext=moved)


def test_a_change_of_iban_holds_the_next_batch_until_an_operator_releases_it(
    api, elus, key, client, aws, outbox, capsys
):
    assert bank_details() == 0
    assert bank_details(iban=NEW_IBAN, bic=NEW_BIC) == 0
    assert "prochain lot" in capsys.readouterr().out
    warned = outbox.last_to(ORGANISME_EMAIL)
    assert "Coordonnées bancaires" in warned.subject and "FR76 **** **** 7841" in warned.text
    ident = validated(api, elus, key)
    run = run_job(client)
    [reference] = run["en_attente"]
    lot = PaymentLot.get(f"lot#{reference}")
    assert (lot.statut, lot.fichier) == ("attente_iban", None)
    assert "Paiement en vérification" in outbox.last_to(ORGANISME_EMAIL).subject
    assert paiements.main(["lots"]) == 0 and reference in capsys.readouterr().out
    assert paiements.main(["payer", reference, "--par", "Agnès"]) == 1  # not at the bank yet
    assert paiements.main(["liberer", reference, "--par", "Agnès"]) == 0
    lot = PaymentLot.get(f"lot#{reference}")
    assert lot.statut == "emis" and lot.par == "Agnès"
    assert [t[2] for t in transfers(sepa_file(aws, lot.fichier))] == [NEW_IBAN]
    assert Dossier.get(ident).paiement == "en_lot"
    # the hold was for the next batch only
    validated(api, elus, key)
    with later(1):
        assert run_job(client)["en_attente"] == []


def test_paying_a_batch_pays_its_files_once(api, elus, key, client, outbox, capsys):
    first, second = validated(api, elus, key), validated(api, elus, key, "450")
    bank_details()
    [reference] = run_job(client)["lots"]
    assert paiements.main(["payer", reference, "--par", "Agnès"]) == 0
    for ident in (first, second):
        dossier = Dossier.get(ident)
        assert dossier.statut == "paye" and dossier.paiement is None
        assert (dossier.historique[-1].statut, dossier.historique[-1].par) == ("paye", "systeme")
    assert "Virement payé" in outbox.last_to(ORGANISME_EMAIL).subject
    assert paiements.main(["payer", reference, "--par", "Agnès"]) == 1
    assert "est paye" in capsys.readouterr().err
    assert PaymentLot.get(f"lot#{reference}").paye_le is not None


def test_the_bank_notification_pays_a_batch_and_rejects_another_as_a_whole(
    api, elus, key, client, tmp_path, capsys
):
    paid_files = [validated(api, elus, key), validated(api, elus, key, "450")]
    bank_details()
    [paid] = run_job(client)["lots"]
    returned_file = validated(api, elus, key, "200")
    with later(1):
        [returned] = run_job(client)["lots"]
    lines = [
        (line.bout_en_bout, int(line.montant_centimes))
        for line in PaymentLot.get(f"lot#{paid}").lignes
    ]
    # the first notice reports one transfer of the first batch: it waits for the other
    notice = tmp_path / "camt054-1.xml"
    notice.write_bytes(camt.notification("AVIS-1", camt.entry(paid, lines[:1])))
    assert paiements.main(["avis", str(notice)]) == 0
    assert "payé en partie" in capsys.readouterr().out
    assert PaymentLot.get(f"lot#{paid}").statut == "emis"
    # the second: the other transfer, and the other batch returned (account closed)
    notice = tmp_path / "camt054-2.xml"
    notice.write_bytes(
        camt.notification(
            "AVIS-2",
            camt.entry(paid, lines[1:]),
            camt.entry(returned, [(f"{returned}-001", 20_000)], returned="AC04"),
        )
    )
    with later(2):
        assert paiements.main(["avis", str(notice)]) == 0
    out = capsys.readouterr().out
    assert f"{paid} : payé" in out and f"{returned} : rejeté" in out
    assert {Dossier.get(i).statut for i in paid_files} == {"paye"}
    rejected = PaymentLot.get(f"lot#{returned}")
    assert rejected.statut == "rejete" and "AC04 (compte clôturé)" in rejected.motif
    assert Dossier.get(returned_file).paiement == "a_payer"
    assert Dossier.get(returned_file).statut == "service_fait_valide"
    # read twice, the notice changes nothing
    with later(2):
        assert paiements.main(["avis", str(notice)]) == 0
    assert "déjà traité" in capsys.readouterr().out
    # the rejected invoice goes in a later batch, held until the IBAN is checked
    with later(3):
        assert len(run_job(client)["en_attente"]) == 1


def test_a_batch_booked_as_one_entry_is_paid_when_its_total_matches(
    api, elus, key, client, tmp_path, capsys
):
    validated(api, elus, key)
    bank_details()
    [reference] = run_job(client)["lots"]
    notice = tmp_path / "camt054.xml"
    notice.write_bytes(camt.notification("AVIS-3", camt.whole_batch(reference, 29_999)))
    assert paiements.main(["avis", str(notice)]) == 0
    assert f"{reference} : inconnu" in capsys.readouterr().out  # not our total: not applied
    notice.write_bytes(camt.notification("AVIS-4", camt.whole_batch(reference, 30_000)))
    assert paiements.main(["avis", str(notice)]) == 0
    assert PaymentLot.get(f"lot#{reference}").statut == "paye"
    notice.write_bytes(b"<Document>pas un avis</Document>")
    assert paiements.main(["avis", str(notice)]) == 1
    assert "camt.054" in capsys.readouterr().err


def test_the_organisme_reads_its_own_batches_and_lines_only(api, elus, key, client):
    ident = validated(api, elus, key, "300", rate=50)
    bank_details()
    headers = {"Authorization": f"Bearer {key}"}
    before = api.get("/organismes/paiements", headers=headers)
    assert before.status == 200, before.json
    assert before.json["lots"] == [] and before.json["a_payer"] == [
        {
            "dossier": ident,
            "titre": Dossier.get(ident).titre,
            "facture": f"F-{ident[-6:]}",
            "montant": "150.00",
            "statut": "a_payer",
        }
    ]
    [reference] = run_job(client)["lots"]
    page = api.get("/organismes/paiements", headers=headers).json
    assert page["a_payer"] == [] and page["cursor"] is None
    [lot] = page["lots"]
    assert (lot["reference"], lot["statut"], lot["total"], lot["compte"]) == (
        reference,
        "emis",
        "150.00",
        "FR76 **** **** 7841",
    )
    assert [(line["dossier"], line["statut"]) for line in lot["lignes"]] == [(ident, "en_lot")]
    assert api.get(f"/organismes/paiements/{reference}", headers=headers).json == lot
    paiements.main(["payer", reference, "--par", "Agnès"])
    paid = api.get(f"/organismes/paiements/{reference}", headers=headers).json
    assert paid["statut"] == "paye" and paid["lignes"][0]["statut"] == "paye"
    assert paid["date_paiement"] == paid["lignes"][0]["date_paiement"]
    # another organisme sees none of it
    other = {"Authorization": f"Bearer {organisme_key(OTHER_ORGANISME, 'compta@autre.fr')}"}
    assert api.get("/organismes/paiements", headers=other).json["lots"] == []
    unknown = api.get(f"/organismes/paiements/{reference}", headers=other)
    assert unknown.status == 404 and unknown.json["type"].endswith("lot-introuvable")
    assert api.get("/organismes/paiements", headers={}).status == 401
    tampered = api.get("/organismes/paiements?cursor=abc.def", headers=headers)
    assert tampered.status == 400
    assert date.fromisoformat(paid["date"]) <= datetime.now(UTC).date() + timedelta(days=1)


def test_a_run_stopped_between_a_batch_and_its_file_writes_the_file_next_time(
    api, elus, key, client, aws, monkeypatch
):
    from chalicelib.payments.store import PaymentStore

    validated(api, elus, key)
    bank_details()
    write = PaymentStore.write_file

    def crash(self, lot, document):
        raise ConnectionError("the function's time ran out")

    monkeypatch.setattr(PaymentStore, "write_file", crash)
    with pytest.raises(ConnectionError):
        run_job(client)
    [lot] = PaymentLot.scan(PaymentLot.pk.startswith("lot#"))
    assert lot.statut == "emis"  # made: its files are en_lot, it will not be made twice
    s3 = boto3.client("s3", region_name=aws.region)
    assert s3.list_objects_v2(Bucket=aws.payments_bucket).get("KeyCount") == 0
    monkeypatch.setattr(PaymentStore, "write_file", write)
    again = run_job(client)
    assert again["lots"] == [] and again["fichiers"] == [lot.fichier]
    validate_pain_001(sepa_file(aws, lot.fichier))
    assert run_job(client)["fichiers"] == []  # written once


def test_an_iban_never_appears_in_logs_metrics_or_answers(api, elus, key, client, log_output):
    validated(api, elus, key)
    bank_details()
    bank_details(iban=NEW_IBAN, bic=NEW_BIC)
    [reference] = run_job(client)["en_attente"]
    paiements.main(["liberer", reference, "--par", "Agnès"])
    paiements.main(["lots"])
    page = api.get("/organismes/paiements", headers={"Authorization": f"Bearer {key}"})
    paiements.main(["payer", reference, "--par", "Agnès"])
    logs = log_output()
    assert "PaymentLotsMade" in logs and "FR76 **** **** 0189" in logs  # captured, masked
    for iban in (IBAN, NEW_IBAN):
        assert iban not in logs and iban not in str(page.json)
        assert iban[4:] not in logs  # nor its bank and account numbers
