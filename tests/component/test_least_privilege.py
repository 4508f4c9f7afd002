"""Every function's IAM policy allows what the function really does, and no more tables than it
uses: each function runs its flows here with its AWS calls recorded, and the calls are checked
against the access infra/resources.py declares (which the template turns into the policies):
nothing refused, and nothing granted that the function never touches."""

from __future__ import annotations

import contextvars
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import time_machine

from chalicelib import services
from chalicelib.models import Account, LedgerEntry
from infra import resources
from infra.template.iam import allowed_actions
from tests.support.aws_calls import recording
from tests.support.people import PASSWORD, signup_payload
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write
from tests.support.rne_world import RneWorld

_running = contextvars.ContextVar("function", default=None)


@pytest.fixture
def function_calls(aws, client, monkeypatch):
    """The AWS calls the functions make while the test runs (not the test's own set-up, nor
    the relay's polling, which Lambda does on AWS), each with the function that made it."""
    from app import app

    def attributed(name, handler):
        def run(*args):
            token = _running.set(name)
            try:
                return handler(*args)
            finally:
                _running.reset(token)

        return run

    for function in resources.FUNCTIONS:
        if function.name in app.handler_map:
            monkeypatch.setitem(
                app.handler_map,
                function.name,
                attributed(function.name, app.handler_map[function.name]),
            )
    monkeypatch.setattr(type(app), "__call__", attributed("api_handler", type(app).__call__))
    with recording(_running.get) as calls:
        yield calls


def test_each_function_is_allowed_what_it_does_and_granted_only_what_it_uses(
    function_calls, aws, api, outbox, client, browser, monkeypatch
):
    world = RneWorld(aws, api, outbox)
    helene = _every_api_flow(api, outbox, world)
    _franceconnect_logins(api, browser)
    _rne_ingestion_then_a_help_request_resolved_automatically(api, world, helene)
    _squatters_lose_what_they_typed(api, world)
    _a_yearly_credit_due(client, world)
    _enrolment_then_a_file_overdue(api, client, helene)
    _an_organisme_publishes_its_offer(api)
    _support_message_that_keeps_failing(api, world, monkeypatch)
    _a_mandate_ends(world, helene)
    _my_account(api, world, outbox)
    _a_service_done_paid_in_a_batch(api, client, outbox, world)
    _an_organisme_hears_of_its_files_by_its_webhook(api, world, monkeypatch)
    _an_event_the_queue_never_had(client, world)

    by_function: dict[str, list] = {}
    for call in function_calls:
        if call.function:
            by_function.setdefault(call.function, []).append(call)
    assert set(by_function) == {f.name for f in resources.FUNCTIONS}
    names = _resource_names(aws)
    denied, unused = set(), set()
    for function in resources.FUNCTIONS:
        calls = by_function[function.name]
        denied |= {
            (function.name, call.action, names[call.resource])
            for call in calls
            if call.action not in allowed_actions(function, aws, names[call.resource])
        }
        used = {names[call.resource] for call in calls}
        unused |= {(function.name, field) for field in function.access.resources() - used}
    assert not denied, "refused by the policies:\n" + "\n".join(map(str, sorted(denied)))
    assert not unused, "granted, never used:\n" + "\n".join(map(str, sorted(unused)))


def _resource_names(settings) -> dict[str, str]:
    """Resource name -> the Settings field naming it (the sender's domain for SES)."""
    names = {}
    for field in settings.__dataclass_fields__:
        value = getattr(settings, field)
        if isinstance(value, str):
            names[value] = field
    names[settings.mail_sender.rsplit("@", 1)[-1]] = "mail_sender"
    return names


def _every_api_flow(api, outbox, world):
    payload = world.person(
        nom_naissance="Roux", nom_usage=None, prenoms="Hélène", date_naissance="1968-09-02"
    )
    nir13 = payload["nir"][:13]
    assert api.post("/sessions", {"nir": nir13, "mot_de_passe": "faux"}).status == 401
    token = api.post("/sessions", {"nir": nir13, "mot_de_passe": PASSWORD}).json["token"]
    for path in (
        "/me",
        "/me/rights",
        "/me/rights/history",
        "/formations?catalogue=activite-professionnelle",
    ):
        assert api.get(path, token=token).status == 200
    assert api.get("/formations/inconnue").status == 404
    reference = api.post(
        "/support-requests",
        {
            "situation": "droits_elu_invisibles",
            "nom_naissance": "Roux",
            "prenoms": "Hélène",
            "date_naissance": "1968-09-02",
            "lieu_naissance": "Rennes (35)",
            "collectivite": "Commune de Rennes",
            "email": payload["email"],
        },
        token=token,
    ).json["reference"]
    assert (
        api.post(
            f"/support-requests/{reference}/consultation", {"email": f"{payload['email']}"}
        ).status
        == 200
    )
    world.deliver()  # the support worker forwards it
    form = api.post(
        f"/support-requests/{reference}/pieces",
        {"type": "application/pdf", "taille": 20},
        token=token,
    ).json
    uploaded = requests.post(
        form["url"], data=form["champs"], files={"file": ("p.pdf", b"%PDF-1.7 x")}, timeout=10
    )
    assert uploaded.status_code in (200, 201, 204)
    world.deliver()  # the upload's notification: the worker plans a summary
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=3), tick=False):
        world.deliver()  # the summary, delayed
    assert api.delete("/sessions/current", token=token).status == 204
    assert api.post("/password-resets", {"nir": nir13}).status == 202
    world.deliver()  # the account mail worker sends the link
    link = outbox.last_to(payload["email"]).link()
    reset_token = parse_qs(urlparse(link).fragment)["jeton"][0]
    assert (
        api.post(
            "/password-resets/confirmation",
            {"jeton": reset_token, "mot_de_passe": "Jw9%riviere-Basalte"},
        ).status
        == 200
    )
    late = signup_payload()
    assert api.post("/signup/steps/identite", late).status == 200
    assert api.post("/accounts", late).status == 201
    assert api.post("/accounts/verification-codes", {"email": late["email"]}).status == 202
    return {**payload, "mot_de_passe": "Jw9%riviere-Basalte"}


def _franceconnect_logins(api, browser):
    assert browser.login("anne-sophie").path == "/inscription"
    assert browser.get("/auth/franceconnect/identity").status_code == 200
    browser.cookies.clear()
    assert browser.login("joel").path == "/inscription"  # no account in this world
    browser.cookies.clear()
    # FranceConnect+: its own client, tokens encrypted to the keys the API publishes
    assert browser.get("/auth/franceconnect/jwks").status_code == 200
    assert browser.login("joel", "niveau=eidas2").path == "/inscription"


def _rne_ingestion_then_a_help_request_resolved_automatically(api, world, helene):
    # The ingestion misses her account (as if activated while the file was read): her help
    # request's check finds it.
    from chalicelib.models import IdentityIndex

    claire = world.person(nom_naissance="Martin", nom_usage="Lefèvre", prenoms="Claire")
    mine = next(a for a in Account.scan() if a.email == claire["email"]).nir_hash
    for item in IdentityIndex.scan():
        if mine in (item.accounts or ()):
            item.delete()
    world.ingest(
        "prefectures/35/cm.csv",
        write(
            CURRENT_HEADER,
            [
                municipal_row("ROUX", "Hélène", "F", "02/09/1968", debut="28/06/2020"),
                municipal_row("MARTIN", "Claire", "F", "14/03/1975"),
                municipal_row("BRUNET", "Joël", "M", "05/01/1955"),
            ],
        ),
    )
    joel = world.person(
        nom_naissance="Brunet",
        nom_usage=None,
        prenoms="Joël",
        sexe="M",
        date_naissance="1955-01-05",
    )  # recognised as his account is activated
    assert world.me(joel)["elu"] is True
    token = api.post("/sessions", {"nir": claire["nir"][:13], "mot_de_passe": PASSWORD}).json[
        "token"
    ]
    reference = api.post(
        "/support-requests",
        {
            "situation": "droits_elu_invisibles",
            "nom_naissance": "Martin",
            "nom_usage": "Lefèvre",
            "prenoms": "Claire",
            "date_naissance": "1975-03-14",
            "lieu_naissance": "Rennes (35)",
            "collectivite": "Commune de Rennes",
            "email": claire["email"],
        },
        token=token,
    ).json["reference"]
    world.deliver()
    assert api.get(f"/support-requests/{reference}", token=token).json["statut"] == (
        "resolue_automatiquement"
    )
    token = api.post(
        "/sessions", {"nir": helene["nir"][:13], "mot_de_passe": helene["mot_de_passe"]}
    ).json["token"]
    assert api.get("/me/rights", token=token).json["elu"]  # recognised as she logs in again


def _squatters_lose_what_they_typed(api, world):
    """Typed identities of two officials: the first squatter loses the mandate when the
    official signs up (the API), the second when the official's help request searches again
    (the support worker)."""
    from chalicelib.models import IdentityIndex

    world.ingest(
        "prefectures/44/cm.csv",
        write(
            CURRENT_HEADER,
            [
                municipal_row("BERNARD", "Camille", "F", "08/03/1975", dept="44", commune="44109"),
                municipal_row("DUPUIS", "Marc", "M", "01/02/1960", dept="44", commune="44109"),
            ],
        ),
    )
    camille = {
        "nom_naissance": "Bernard",
        "nom_usage": None,
        "prenoms": "Camille",
        "sexe": "F",
        "date_naissance": "1975-03-08",
    }
    marc = {
        "nom_naissance": "Dupuis",
        "nom_usage": None,
        "prenoms": "Marc",
        "sexe": "M",
        "date_naissance": "1960-02-01",
    }
    assert world.me(world.person(**camille))["elu"] is True  # a squatter
    assert world.me(world.person(**camille))["elu"] is False  # the official: nobody keeps it
    squatter = world.person(**marc)
    official = world.person(**marc)  # as above: nobody keeps it; then, as if the squatter...
    accounts = {a.email: a for a in Account.scan()}
    ref = next(iter(accounts[squatter["email"]].rne_mandats or ()), None) or next(
        f"{m.person_key}|{m.mandate_key}" for m in world.mandates() if m.nom == "DUPUIS"
    )
    accounts[squatter["email"]].update(
        actions=[Account.elu.set(True), Account.rne_mandats.add({ref})]
    )
    mine = accounts[official["email"]].nir_hash
    for item in IdentityIndex.scan():  # ...had the mandate, the official missing the index
        if mine in (item.accounts or ()):
            item.update(actions=[IdentityIndex.accounts.delete({mine})])
    token = api.post("/sessions", {"nir": official["nir"][:13], "mot_de_passe": PASSWORD}).json[
        "token"
    ]
    api.post(
        "/support-requests",
        {
            "situation": "droits_elu_invisibles",
            "nom_naissance": "Dupuis",
            "prenoms": "Marc",
            "date_naissance": "1960-02-01",
            "lieu_naissance": "Nantes",
            "collectivite": "Nantes",
            "email": official["email"],
        },
        token=token,
    )
    world.deliver()
    assert Account.get(accounts[squatter["email"]].nir_hash).elu is False


def _a_yearly_credit_due(client, world):
    """As if this year's anniversary of an élu were today: the daily job, then its worker."""
    from chalicelib.clock import paris_today

    account = next(a for a in Account.scan() if a.dif_annees)
    this_year = max(int(year) for year in account.dif_annees)
    account.update(
        actions=[
            Account.dif_annees.delete({this_year}),
            Account.dif_prochain.set(paris_today().isoformat()),
        ]
    )
    LedgerEntry(account.nir_hash, f"annee#{this_year}").delete()
    result = client.lambda_.invoke(
        "credit_dif_annuel",
        client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        ),
    ).payload
    assert result["comptes"] == 1
    world.deliver()
    assert LedgerEntry.get(account.nir_hash, f"annee#{this_year}")


def _a_mandate_ends(world, helene):
    """A newer file without her: her mandate closes, the rights workers look at her again."""
    world.ingest(
        "prefectures/35/cm-suite.csv",
        write(
            CURRENT_HEADER,
            [
                municipal_row("MARTIN", "Claire", "F", "14/03/1975"),
                municipal_row("BRUNET", "Joël", "M", "05/01/1955"),
            ],
        ),
    )
    assert (
        Account.get(next(a.nir_hash for a in Account.scan() if a.prenoms == "Hélène")).elu is False
    )


def _enrolment_then_a_file_overdue(api, client, helene):
    """A request, the organisme's answers through its key, a refused validation, then a
    file whose deadline passed, expired by the job."""
    from datetime import UTC, datetime, timedelta

    from chalicelib.models import Dossier
    from tests.support.enrolment import formation, organisme_key, request_place

    training = formation(prix="300")
    key = organisme_key()
    token = api.post(
        "/sessions", {"nir": helene["nir"][:13], "mot_de_passe": helene["mot_de_passe"]}
    ).json["token"]
    first, second = (s["id"] for s in training["sessions"])
    dossier = request_place(api, token, training["id"], first).json["id"]
    assert api.get(f"/formations/{training['id']}", token=token).status == 200
    headers = {"Authorization": f"Bearer {key}"}
    assert api.get("/organismes/dossiers", headers=headers).status == 200
    assert api.post(f"/organismes/dossiers/{dossier}/acceptation", headers=headers).status == 200
    assert api.post(f"/me/dossiers/{dossier}/validation", token=token).status == 403
    assert api.post(f"/me/dossiers/{dossier}/annulation", token=token).status == 200
    late = request_place(api, token, training["id"], second).json["id"]
    Dossier(late).update(actions=[Dossier.echeance.set(datetime.now(UTC) - timedelta(minutes=1))])
    result = client.lambda_.invoke(
        "expirer_dossiers",
        client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        ),
    ).payload
    assert result == {"dossiers_expires": 1}


def _a_service_done_paid_in_a_batch(api, client, outbox, world):
    """A file to its validated service done, the organisme's bank details, the daily job's
    batch and its SEPA file, and the organisme reading its payments."""
    from infra import organismes
    from tests.support.end_of_training import act, at, in_training, invoice
    from tests.support.enrolment import ORGANISME, Elus, organisme_key

    key = organisme_key()
    _payload, ident, _start, end = in_training(api, Elus(api, outbox, world), key)
    with at(end):
        act(api, key, ident, "sortie", {"date_sortie": end.isoformat(), "taux_realisation": 100})
        assert act(api, key, ident, "service-fait", invoice("300")).status == 200
    iban = ["FR7630004008280001234567841", "BNPAFRPP"]
    assert organismes.main(["iban", ORGANISME, *iban, "--par", "Agnès"]) == 0
    result = client.lambda_.invoke(
        "lots_de_paiement",
        client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        ),
    ).payload
    assert len(result["fichiers"]) == 1
    again = client.lambda_.invoke(  # the next day's run looks for the files of the batches
        "lots_de_paiement",
        client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        ),
    ).payload
    assert again["fichiers"] == []
    headers = {"Authorization": f"Bearer {key}"}
    assert len(api.get("/organismes/paiements", headers=headers).json["lots"]) == 1


def _an_organisme_publishes_its_offer(api):
    """A formation and a session published with the organisme's key, changed, withdrawn."""
    from tests.support.enrolment import OTHER_ORGANISME, far, organisme_key

    headers = {"Authorization": f"Bearer {organisme_key(OTHER_ORGANISME, email=None)}"}
    published = api.post(
        "/organismes/formations",
        {
            "catalogue": "activite-professionnelle",
            "titre": "Conduire une réunion",
            "objectifs": "Animer.",
            "duree_heures": 7,
            "prix": "350",
            "modalite": "a_distance",
        },
        headers=headers,
    ).json["id"]
    path = f"/organismes/formations/{published}"
    day = far(60).isoformat()
    created = api.post(f"{path}/sessions", {"date_debut": day, "places": 10}, headers=headers).json[
        "id"
    ]
    assert api.patch(f"{path}/sessions/{created}", {"places": 8}, headers=headers).status == 200
    assert api.get("/organismes/formations", headers=headers).status == 200
    assert api.patch(path, {"prix": "300"}, headers=headers).status == 200
    assert api.delete(f"{path}/sessions/{created}", headers=headers).status == 204
    assert api.post(f"{path}/retrait", headers=headers).status == 200


def _support_message_that_keeps_failing(api, world, monkeypatch):
    api.post(
        "/support-requests",
        {
            "situation": "droits_elu_invisibles",
            "nom_naissance": "Martin",
            "prenoms": "Claire",
            "date_naissance": "1975-03-14",
            "lieu_naissance": "Rennes (35)",
            "collectivite": "Commune de Rennes",
            "email": "claire@exemple.fr",
        },
    )
    url = world.sqs.get_queue_url(QueueName=world.settings.support_queue_name)["QueueUrl"]
    world.sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})

    def ses_down(email):
        raise RuntimeError("SES outage")

    mailer = services.mailer()
    send = mailer.send
    monkeypatch.setattr(mailer, "send", ses_down)
    for _ in range(12):  # five receives, then the dead-letter queue and its function
        world.relay.poll_once()
    monkeypatch.setattr(mailer, "send", send)


def _my_account(api, world, outbox):
    """Corrections, a new email and password, a copy of the data, then the deletion."""
    person = world.person(nom_naissance="Perrin", prenoms="Anne", email="anne@exemple.fr")
    token = api.post("/sessions", {"nir": person["nir"][:13], "mot_de_passe": PASSWORD}).json[
        "token"
    ]
    assert api.patch("/me", {"telephone": "07 98 76 54 32"}, token=token).status == 200
    new = "anne.perrin@exemple.fr"
    assert (
        api.post("/me/email", {"email": new, "mot_de_passe": PASSWORD}, token=token).status == 202
    )
    code = outbox.last_to(new).code()
    assert api.post("/me/email/verification", {"code": code}, token=token).status == 200
    changed = {"mot_de_passe_actuel": PASSWORD, "nouveau_mot_de_passe": "Kt5&sarrasin-Pluie"}
    assert api.post("/me/mot-de-passe", changed, token=token).status == 204
    assert api.get("/me/export", token=token).status == 200
    deleted = api.delete("/me", body={"mot_de_passe": "Kt5&sarrasin-Pluie"}, token=token)
    assert deleted.status == 204


def _an_organisme_hears_of_its_files_by_its_webhook(api, world, monkeypatch):
    """Its endpoint (a receiver on loopback, allow-listed), a test event, its delivery."""
    from tests.support.enrolment import organisme_key
    from tests.support.webhook_receiver import Receiver

    headers = {"Authorization": f"Bearer {organisme_key()}"}
    with Receiver() as receiver:
        monkeypatch.setenv("WEBHOOK_ALLOWED_ORIGINS", receiver.origin)
        services.reset()
        services.get_settings()  # before the test client's stage environment applies
        assert (
            api.request(
                "PUT", "/organismes/webhook", {"url": receiver.origin}, headers=headers
            ).status
            == 200
        )
        assert api.post("/organismes/webhook/test", headers=headers).status == 202
        world.deliver()  # with the events of the flows above still to deliver, if any
        assert "test" in [json.loads(r.body)["type"] for r in receiver.received]
    assert api.get("/organismes/webhook/livraisons", headers=headers).status == 200


def _an_event_the_queue_never_had(client, world):
    """An event left in the outbox (its change made, the queue unreachable then): the job
    queues it again, the delivery function takes it out."""
    from chalicelib.models import WebhookOutbox
    from chalicelib.rights.store import transact
    from chalicelib.webhooks.events import test_event
    from chalicelib.webhooks.store import WebhookStore
    from tests.support.enrolment import ORGANISME

    before = datetime.now(UTC) - timedelta(minutes=10)
    write, key = WebhookStore.outbox_write(ORGANISME, [test_event(before)], before)
    transact([write])
    result = client.lambda_.invoke(
        "renvoyer_webhooks",
        client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        ),
    ).payload
    assert result == {"evenements_renvoyes": 1}
    world.deliver()
    assert WebhookOutbox.count(ORGANISME, WebhookOutbox.cle == key) == 0
