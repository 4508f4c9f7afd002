"""Enrolment: an élu asks for a place, the organisme answers through its API, the élu validates
with FranceConnect+ (the debit) and may cancel (the refund); every refusal says why."""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine

from chalicelib import services
from chalicelib.clock import paris_today
from chalicelib.enrolment.errors import InsufficientRights, SessionFull, TransitionRefused
from chalicelib.enrolment.rules import add_working_days
from chalicelib.models import Account, Dossier, LedgerEntry
from tests.support.atomic_dynamodb import atomic_requests
from tests.support.enrolment import (
    ORGANISME,
    OTHER_ORGANISME,
    Elus,
    account_of,
    certify,
    far,
    formation,
    organisme_key,
    request_place,
)
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write
from tests.support.rne_world import RneWorld


@pytest.fixture
def rne(aws, api, outbox):
    return RneWorld(aws, api, outbox)


@pytest.fixture
def elus(api, outbox, rne):
    return Elus(api, outbox, rne)


@pytest.fixture
def key(aws):
    return organisme_key()


def organisme(api, key, dossier_id, action, body=None):
    return api.post(
        f"/organismes/dossiers/{dossier_id}/{action}",
        body,
        headers={"Authorization": f"Bearer {key}"},
    )


def balance(api, token) -> str:
    return api.get("/me/rights", token=token).json["elu"]["montant_disponible"]


CAMILLE = {
    "nom_naissance": "Bernard",
    "nom_usage": "Durand",
    "prenoms": "Camille",
    "sexe": "F",
    "date_naissance": "1975-03-08",
    "lieu_naissance": "35238",
}


def test_the_whole_path_request_acceptance_franceconnect_plus_validation_cancellation(
    api, elus, key, browser, outbox
):
    # Camille's account is typed with the identity the local FranceConnect certifies.
    [(camille, token)] = elus.create(**CAMILLE)
    training = formation(prix="450")
    session = training["sessions"][0]["id"]
    assert balance(api, token) == "800.00"

    fiche = api.get(f"/formations/{training['id']}", token=token).json
    assert fiche["sessions"][0] == {
        "id": session,
        "date_debut": training["sessions"][0]["date_debut"],
        "date_fin": training["sessions"][0]["date_fin"],
        "places_restantes": 12,
        "modalite": "presentiel",
        "lieu": "Rennes",
    }

    created = request_place(api, token, training["id"], session)
    assert created.status == 201
    dossier = created.json
    assert dossier["statut"] == "en_attente_organisme" and dossier["montant"] == "450.00"
    assert dossier["formation_id"] == training["id"] and dossier["session_id"] == session
    assert dossier["echeance"]
    assert "Nouvelle demande" in outbox.last_to("inscriptions@institut.fr").subject
    assert (
        api.get(f"/formations/{training['id']}", token=token).json["sessions"][0][
            "places_restantes"
        ]
        == 11
    )

    listed = api.get(
        "/organismes/dossiers?statut=en_attente_organisme",
        headers={"Authorization": f"Bearer {key}"},
    ).json
    assert [d["id"] for d in listed["dossiers"]] == [dossier["id"]]
    assert listed["dossiers"][0]["stagiaire"] == {"nom": "Durand", "prenoms": "Camille"}
    accepted = organisme(api, key, dossier["id"], "acceptation")
    assert accepted.status == 200 and accepted.json["statut"] == "acceptee"

    # Logged in with a password only: the identity is not certified, nothing is spent.
    refused = api.post(f"/me/dossiers/{dossier['id']}/validation", token=token)
    assert refused.status == 403
    link = refused.json["connexion"]
    query = parse_qs(urlparse(link).query)
    assert query["niveau"] == ["eidas2"] and query["retour"] == [f"/dossier?id={dossier['id']}"]
    assert balance(api, token) == "800.00"

    # FranceConnect+ (eidas2): her identity is not linked yet, so she proves the account once
    # with her password; the session then counts as certified, and goes back to the file.
    landing = browser.login("camille", urlparse(link).query)
    assert landing.path == "/inscription", landing
    linked = browser.post(
        "/sessions", {"nir": camille["nir"][:13], "mot_de_passe": camille["mot_de_passe"]}
    )
    answer = json.loads(linked.body)
    assert answer["franceconnect"] == "lie" and answer["retour"] == f"/dossier?id={dossier['id']}"
    fc_token = answer["token"]
    validated = api.post(f"/me/dossiers/{dossier['id']}/validation", token=fc_token)
    assert validated.status == 200, validated.json
    assert validated.json["statut"] == "validee" and validated.json["debite"] is True
    assert balance(api, fc_token) == "350.00"
    history = api.get("/me/rights/history", token=fc_token).json["operations"]
    assert history[0]["sens"] == "debit" and history[0]["montant"] == "450.00"
    assert dossier["id"] in history[0]["libelle"] and training["titre"] in history[0]["libelle"]

    cancelled = api.post(f"/me/dossiers/{dossier['id']}/annulation", token=fc_token)
    assert cancelled.status == 200 and cancelled.json["statut"] == "annulee_titulaire"
    assert cancelled.json["rembourse"] is True
    assert balance(api, fc_token) == "800.00"
    history = api.get("/me/rights/history", token=fc_token).json["operations"]
    assert [o["sens"] for o in history[:2]] == ["credit", "debit"]
    assert (
        api.get(f"/formations/{training['id']}", token=token).json["sessions"][0][
            "places_restantes"
        ]
        == 12
    )
    timeline = api.get(f"/me/dossiers/{dossier['id']}", token=token).json["historique"]
    assert [(e["statut"], e["par"]) for e in timeline] == [
        ("en_attente_organisme", "titulaire"),
        ("acceptee", "organisme"),
        ("validee", "titulaire"),
        ("annulee_titulaire", "titulaire"),
    ]
    assert "annulée par le stagiaire" in outbox.last_to("inscriptions@institut.fr").subject
    subjects = [m.subject for m in outbox.to(camille["email"])]
    assert any("accepté" in s for s in subjects) and any("validée" in s for s in subjects)


def test_plain_franceconnect_is_not_enough_to_spend(api, elus, key, browser):
    [(camille, token)] = elus.create(**CAMILLE)
    training = formation()
    dossier = request_place(api, token, training["id"], training["sessions"][0]["id"]).json
    organisme(api, key, dossier["id"], "acceptation")
    landing = browser.login("camille")  # eidas1, then linked with her password
    assert landing.path == "/inscription"
    browser.post("/sessions", {"nir": camille["nir"][:13], "mot_de_passe": camille["mot_de_passe"]})
    assert browser.login("camille").params.get("statut") == "connecte"  # linked: logged in
    refused = api.post(
        f"/me/dossiers/{dossier['id']}/validation", token=browser.cookies["mce_session"]
    )
    assert refused.status == 403 and "FranceConnect+" in refused.json["detail"]


def test_the_same_idempotency_key_gives_the_same_file(api, elus, key):
    [(_, token)] = elus.create()
    training = formation()
    first, second = training["sessions"][0]["id"], training["sessions"][1]["id"]
    one = request_place(api, token, training["id"], first, key="clic-0001-abcd")
    again = request_place(api, token, training["id"], first, key="clic-0001-abcd")
    assert one.status == again.status == 201 and one.json["id"] == again.json["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = request_place(api, token, training["id"], second, key="clic-0001-abcd")
    assert other.status == 422
    missing = api.post(
        "/me/dossiers", {"formation_id": training["id"], "session_id": first}, token=token
    )
    assert missing.status == 400
    assert (
        len([d for d in Dossier.scan() if isinstance(d, Dossier) and d.id.startswith("DOS")]) == 1
    )


def test_refusals_say_why_and_create_nothing(api, elus, logged_in):
    [(_, token)] = elus.create()
    _, not_elu = logged_in
    mandate = formation()
    session = mandate["sessions"][0]["id"]
    assert request_place(api, "", mandate["id"], session).status == 401
    assert request_place(api, not_elu, mandate["id"], session).status == 403
    pro = formation(catalogue="activite-professionnelle")
    refused = request_place(api, token, pro["id"], pro["sessions"][0]["id"])
    assert refused.status == 403 and "CPF" in refused.json["detail"]
    assert request_place(api, token, "T99999", session).status == 404
    assert request_place(api, token, mandate["id"], "S19990101").status == 404

    soon = formation(
        sessions=[(paris_today() + timedelta(days=5), paris_today() + timedelta(days=6), 12)]
    )
    too_late = request_place(api, token, soon["id"], soon["sessions"][0]["id"])
    assert too_late.status == 422 and "11 jours ouvrés" in too_late.json["detail"]

    expiring = formation(agrement_fin=(far(30)).isoformat())
    approval = request_place(api, token, expiring["id"], expiring["sessions"][0]["id"])
    assert approval.status == 422 and approval.json["type"].endswith("agrement-expire")

    dear = formation(prix="1200", heures="21")
    missing = request_place(api, token, dear["id"], dear["sessions"][0]["id"])
    assert missing.status == 422
    assert (
        missing.json["reste_a_charge"],
        missing.json["montant"],
        missing.json["disponible"],
    ) == ("400.00", "1200.00", "800.00")
    assert "(800,00\u00a0€)" in missing.json["detail"]
    assert "(1\u202f200,00\u00a0€)" in missing.json["detail"]
    assert "il manque 400,00\u00a0€." in missing.json["detail"]
    assert [d for d in Dossier.scan() if d.id.startswith("DOS-")] == []


def test_a_price_over_80_euros_an_hour_is_refused(api, elus):
    from chalicelib.models import Formation

    [(_, token)] = elus.create()
    training = formation(prix="450", heures="14")
    Formation(training["id"]).update(actions=[Formation.duree_heures.set(5)])  # 90 €/h
    refused = request_place(api, token, training["id"], training["sessions"][0]["id"])
    assert refused.status == 422
    assert "coûte 90,00\u00a0€ HT par heure" in refused.json["detail"]
    assert "au plus 80,00\u00a0€ HT par heure" in refused.json["detail"]


def test_one_open_file_per_session_and_no_place_beyond_the_session(api, elus):
    people = elus.create(3)
    training = formation(sessions=[(far(90), far(91), 2)])
    session = training["sessions"][0]["id"]
    first = request_place(api, people[0][1], training["id"], session)
    assert first.status == 201
    twice = request_place(api, people[0][1], training["id"], session)
    assert twice.status == 409 and twice.json["dossier"] == first.json["id"]
    assert request_place(api, people[1][1], training["id"], session).status == 201
    full = request_place(api, people[2][1], training["id"], session)
    assert full.status == 409 and full.json["type"].endswith("session-complete")


def test_an_organisme_sees_and_moves_only_its_own_files(api, elus, key):
    [(_, token)] = elus.create()
    training = formation()
    dossier = request_place(api, token, training["id"], training["sessions"][0]["id"]).json
    other = organisme_key(OTHER_ORGANISME, email=None)
    listed = api.get("/organismes/dossiers", headers={"Authorization": f"Bearer {other}"})
    assert listed.status == 200 and listed.json["dossiers"] == []
    assert organisme(api, other, dossier["id"], "acceptation").status == 404
    assert organisme(api, "mce_org_inconnue", dossier["id"], "acceptation").status == 401
    assert api.get("/organismes/dossiers").status == 401
    desk = services.organisme_desk()
    [stored] = desk.keys(ORGANISME)
    assert desk.revoke(ORGANISME, stored.key_id)
    assert organisme(api, key, dossier["id"], "acceptation").status == 401


def test_a_revoked_key_is_read_consistently_so_it_stops_at_once(api, key):
    """DynamoDB's default read may answer from a replica that has not seen the revocation: a
    stolen key revoked a moment ago would still act. The key is read consistently."""
    from unittest import mock

    from botocore.client import BaseClient

    reads, original = [], BaseClient._make_api_call

    def recording(client, operation, params):
        if operation == "GetItem" and str(params.get("Key", {})).find("cle#") >= 0:
            reads.append(params.get("ConsistentRead", False))
        return original(client, operation, params)

    desk = services.organisme_desk()
    [stored] = desk.keys(ORGANISME)
    assert desk.revoke(ORGANISME, stored.key_id)
    with mock.patch.object(BaseClient, "_make_api_call", recording):
        listed = api.get("/organismes/dossiers", headers={"Authorization": f"Bearer {key}"})
    assert listed.status == 401
    assert reads == [True]


def test_every_other_transition_is_a_409(api, elus, key):
    [(payload, token)] = elus.create()
    certify(payload)
    training = formation()
    dossier = request_place(api, token, training["id"], training["sessions"][0]["id"]).json
    ident = dossier["id"]
    assert api.post(f"/me/dossiers/{ident}/validation", token=token).status == 409
    facture = {"numero": "F1", "date": "2026-01-05", "montant_ht": "450", "montant_ttc": "450"}
    assert organisme(api, key, ident, "service-fait", {"facture": facture}).status == 409
    exit_ = {"date_sortie": paris_today().isoformat(), "taux_realisation": 100}
    assert organisme(api, key, ident, "sortie", exit_).status == 409
    assert organisme(api, key, ident, "entree-en-formation").status == 409
    refus = organisme(api, key, ident, "refus", {})
    assert refus.status == 400 and refus.json["errors"][0]["champ"] == "motif"
    assert organisme(api, key, ident, "refus", {"motif": "Session réservée."}).status == 200
    for action in ("acceptation", "refus", "annulation"):
        body = {"motif": "x"} if action != "acceptation" else None
        answer = organisme(api, key, ident, action, body)
        assert answer.status == 409 and answer.json["statut"] == "refusee"
    assert api.post(f"/me/dossiers/{ident}/annulation", token=token).status == 409
    # the place is back, and the person may ask again for that session
    assert request_place(api, token, training["id"], training["sessions"][0]["id"]).status == 201


def test_files_are_listed_newest_first_and_are_private(api, elus, logged_in):
    [(payload, token)] = elus.create()
    certify(payload)  # a declared identity holds one open request at a time
    _, stranger = logged_in
    training = formation()
    ids = [
        request_place(api, token, training["id"], s["id"]).json["id"] for s in training["sessions"]
    ]
    page = api.get("/me/dossiers", token=token).json
    assert [d["id"] for d in page["dossiers"]] == ids[::-1] and page["cursor"] is None
    assert api.get(f"/me/dossiers/{ids[0]}", token=stranger).status == 404
    assert api.get("/me/dossiers", token=stranger).json["dossiers"] == []


def run_job(client) -> int:
    event = client.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    return client.lambda_.invoke("expirer_dossiers", event).payload["dossiers_expires"]


def test_an_organisme_that_does_not_answer_in_2_working_days_lets_the_file_expire(
    api, elus, key, client, outbox
):
    [(payload, token)] = elus.create()
    training = formation(sessions=[(far(120), far(121), 1)])
    session = training["sessions"][0]["id"]
    dossier = request_place(api, token, training["id"], session).json
    due = datetime.fromisoformat(dossier["echeance"])
    today = paris_today()
    assert due.date() == add_working_days(today, 2)  # at 23:59:59
    with time_machine.travel(due - timedelta(minutes=1), tick=False):
        assert run_job(client) == 0
    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        assert run_job(client) == 1
        assert run_job(client) == 0  # nothing twice
        late = organisme(api, key, dossier["id"], "acceptation")
        assert late.status == 409 and late.json["statut"] == "expiree"
        assert "expiré" in outbox.last_to(payload["email"]).subject
        # the one place of the session is free again, and the person may ask again
        token = elus.token(payload)  # days later: a new session
        assert request_place(api, token, training["id"], session).status == 201


def test_an_elu_who_does_not_validate_in_4_working_days_lets_the_file_expire(
    api, elus, key, client
):
    [(payload, token)] = elus.create()
    certify(payload)
    training = formation()
    dossier = request_place(api, token, training["id"], training["sessions"][0]["id"]).json
    accepted = organisme(api, key, dossier["id"], "acceptation").json
    due = datetime.fromisoformat(accepted["echeance"])
    assert due.date() == add_working_days(paris_today(), 4)
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        assert run_job(client) == 1
        with pytest.raises(TransitionRefused) as refused:
            services.holder_files().validate(account_of(payload), "eidas2", dossier["id"])
        assert refused.value.current == "expiree"
    assert (
        api.get("/me/rights", token=elus.token(payload)).json["elu"]["montant_disponible"]
        == "800.00"
    )


def test_a_late_validation_expires_the_file_instead(api, elus, key):
    [(payload, token)] = elus.create()
    certify(payload)
    training = formation()
    dossier = request_place(api, token, training["id"], training["sessions"][0]["id"]).json
    due = datetime.fromisoformat(organisme(api, key, dossier["id"], "acceptation").json["echeance"])
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        token = elus.token(payload)
        answer = api.post(f"/me/dossiers/{dossier['id']}/validation", token=token)
        assert answer.status == 409 and answer.json["statut"] == "expiree"
    assert api.get(f"/me/dossiers/{dossier['id']}", token=token).json["statut"] == "expiree"


def test_training_dates_decide_what_the_organisme_and_the_holder_may_do(api, elus, key):
    [(payload, token)] = elus.create()
    certify(payload)
    training = formation(prix="300")
    start, end = (
        date.fromisoformat(training["sessions"][0][k]) for k in ("date_debut", "date_fin")
    )
    dossier = request_place(api, token, training["id"], training["sessions"][0]["id"]).json
    ident = dossier["id"]
    organisme(api, key, ident, "acceptation")
    services.holder_files().validate(account_of(payload), "eidas2", ident)
    assert organisme(api, key, ident, "entree-en-formation").status == 409  # not yet
    with time_machine.travel(
        datetime.combine(start, datetime.min.time(), UTC) + timedelta(hours=9), tick=False
    ):
        token = elus.token(payload)
        refused = api.post(f"/me/dossiers/{ident}/annulation", token=token)
        assert refused.status == 409 and refused.json["type"].endswith("formation-commencee")
        assert organisme(api, key, ident, "entree-en-formation").status == 200
        tomorrow = (start + timedelta(days=1)).isoformat()
        future = organisme(
            api, key, ident, "sortie", {"date_sortie": tomorrow, "taux_realisation": 100}
        )
        assert future.status == 400  # not before the exit
    with time_machine.travel(
        datetime.combine(end, datetime.min.time(), UTC) + timedelta(hours=18), tick=False
    ):
        exit_ = {"date_sortie": end.isoformat(), "taux_realisation": 100}
        assert organisme(api, key, ident, "sortie", exit_).status == 200
        facture = {
            "numero": "F1",
            "date": end.isoformat(),
            "montant_ht": "300",
            "montant_ttc": "300",
        }
        done = organisme(api, key, ident, "service-fait", {"facture": facture})
        assert done.status == 200 and done.json["statut"] == "service_fait_valide"
        assert organisme(api, key, ident, "annulation", {"motif": "x"}).status == 409
    token = elus.token(payload)
    assert api.get("/me/rights", token=token).json["elu"]["montant_disponible"] == "500.00"


def test_an_organisme_cancellation_refunds_what_was_debited(api, elus, key, outbox):
    [(payload, token)] = elus.create()
    certify(payload)
    training = formation(prix="300")
    ident = request_place(api, token, training["id"], training["sessions"][0]["id"]).json["id"]
    organisme(api, key, ident, "acceptation")
    services.holder_files().validate(account_of(payload), "eidas2", ident)
    assert api.get("/me/rights", token=token).json["elu"]["montant_disponible"] == "500.00"
    cancelled = organisme(api, key, ident, "annulation", {"motif": "Formateur indisponible."})
    assert cancelled.status == 200 and cancelled.json["rembourse"] is True
    assert api.get("/me/rights", token=token).json["elu"]["montant_disponible"] == "800.00"
    email = outbox.last_to(payload["email"]).text
    assert "Formateur indisponible." in email
    assert "Vos droits ont été recrédités de 300,00\u00a0€." in email
    entries = [e for e in LedgerEntry.query(account_of(payload).nir_hash) if e.dossier == ident]
    assert sorted(int(e.montant_centimes) for e in entries) == [-30_000, 30_000]


def test_a_snapshot_that_ends_the_mandate_keeps_validated_files(api, elus, key, rne):
    [(payload, token)] = elus.create()
    certify(payload)
    mandate, retraining = formation(prix="300"), formation(catalogue="reconversion", prix="200")
    ident = request_place(api, token, mandate["id"], mandate["sessions"][0]["id"]).json["id"]
    organisme(api, key, ident, "acceptation")
    services.holder_files().validate(account_of(payload), "eidas2", ident)
    # the same département's next snapshot no longer lists her
    [mandate_row] = [m for m in rne.mandates() if m.nom == payload["nom_naissance"].upper()]
    rne.ingest(
        f"prefectures/{mandate_row.departement}/cm-suivant.csv",
        write(
            CURRENT_HEADER,
            [
                municipal_row(
                    "AUTRE",
                    "Paul",
                    "M",
                    "01/01/1960",
                    dept=mandate_row.departement,
                    commune=f"{mandate_row.departement}001",
                )
            ],
        ),
        snapshot=datetime.now(UTC).isoformat(),
    )
    assert api.get(f"/me/dossiers/{ident}", token=token).json["statut"] == "validee"
    refused = request_place(api, token, mandate["id"], mandate["sessions"][1]["id"])
    assert refused.status == 403 and refused.json["type"].endswith("droits-expires")
    # reconversion stays open for six months after the end of the last mandate
    assert (
        request_place(api, token, retraining["id"], retraining["sessions"][0]["id"]).status == 201
    )


def test_20_requests_at_once_on_a_15_place_session_make_15_files(api, elus):
    people = elus.create(20)
    training = formation(sessions=[(far(90), far(91), 30)])  # 30 seats, 15 for the DIF
    session = training["sessions"][0]["id"]
    accounts = [account_of(payload) for payload, _ in people]
    files = services.holder_files()
    start = threading.Barrier(len(accounts))

    def ask(account):
        start.wait()
        try:
            return files.request(account, training["id"], session, uuid.uuid4().hex)[1]
        except SessionFull:
            return "complet"

    with atomic_requests(), ThreadPoolExecutor(len(accounts)) as pool:
        outcomes = list(pool.map(ask, accounts))
    assert outcomes.count(True) == 15 and outcomes.count("complet") == 5
    assert len([d for d in Dossier.scan() if d.id.startswith("DOS-")]) == 15
    fiche = api.get(f"/formations/{training['id']}", token=people[0][1]).json
    assert fiche["sessions"][0]["places_restantes"] == 0


def test_50_validations_at_once_spend_what_the_balance_covers_and_no_more(api, elus):
    [(payload, token)] = elus.create()
    certify(payload)
    sessions = [(far(60 + i), far(60 + i), 5) for i in range(50)]
    training = formation(prix="250", heures="7", sessions=sessions)
    key = organisme_key()
    idents = []
    for session in training["sessions"]:
        ident = request_place(api, token, training["id"], session["id"]).json["id"]
        assert organisme(api, key, ident, "acceptation").status == 200
        idents.append(ident)
    account = account_of(payload)
    files = services.holder_files()
    start = threading.Barrier(len(idents))

    def validate(ident):
        start.wait()
        try:
            return files.validate(account, "eidas2", ident).statut
        except InsufficientRights as refused:
            assert refused.missing_centimes > 0
            return "reste_a_charge"

    with atomic_requests(), ThreadPoolExecutor(len(idents)) as pool:
        outcomes = list(pool.map(validate, idents))
    assert outcomes.count("validee") == 3 and outcomes.count("reste_a_charge") == 47
    stored = Account.get(account.nir_hash, consistent_read=True)
    assert stored.dif_solde_centimes == 80_000 - 3 * 25_000
    debits = [e for e in LedgerEntry.query(account.nir_hash) if (e.montant_centimes or 0) < 0]
    assert len(debits) == 3
