"""The organismes' webhooks: the endpoint registered with the organisme's key (checked against
server-side request forgery), every change of its files delivered signed to a real receiver on
loopback (allow-listed for the test), retried later and later until it is answered, then at
most a day, and the list of deliveries."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import time_machine
from standardwebhooks import Webhook

from chalicelib import services
from chalicelib.models import WebhookSubscription
from chalicelib.webhooks.events import ATTEMPTS, retry_delay
from tests.support.enrolment import OTHER_ORGANISME, Elus, formation, organisme_key, request_place
from tests.support.rne_world import RneWorld
from tests.support.webhook_receiver import Receiver

URL = "/organismes/webhook"


@pytest.fixture
def key(aws):
    return organisme_key()


@pytest.fixture
def headers(key):
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(autouse=True)
def _visibility_counted_from_each_receive(monkeypatch):
    """SQS limits a message's visibility to 12 h from its receive (it reverts at each one);
    moto counts them from its sending, which would refuse the retries of the second half of the
    day. As SQS does."""
    from moto.sqs.exceptions import ReceiptHandleIsInvalid
    from moto.sqs.models import SQSBackend

    def change(self, queue_name, receipt_handle, visibility_timeout):
        queue = self.get_queue(queue_name)
        for message in queue._messages:
            if message.had_receipt_handle(receipt_handle):
                assert 0 <= int(visibility_timeout) <= 12 * 3600
                message.change_visibility(visibility_timeout)
                if message.visible and message in queue.pending_messages:
                    queue.pending_messages.remove(message)
                return
        raise ReceiptHandleIsInvalid

    monkeypatch.setattr(SQSBackend, "change_message_visibility", change)


def _allow(monkeypatch, *receivers) -> None:
    """Allow-list the receivers, as the local stage allows its demo one."""
    monkeypatch.setenv("WEBHOOK_ALLOWED_ORIGINS", ",".join(r.origin for r in receivers))
    services.reset()
    # read now: the test client's stage environment (the demo's origin) cannot change it
    services.get_settings()


@pytest.fixture
def receiver(aws, client, monkeypatch):
    with Receiver() as running:
        _allow(monkeypatch, running)
        yield running


def _register(api, headers, url):
    answer = api.put(URL, {"url": url}, headers=headers)
    assert answer.status == 200, answer.body
    return answer.json


def _refused_url(answer) -> str:
    assert answer.status == 400, answer.body
    assert answer.content_type.startswith("application/problem+json")
    (error,) = answer.json["errors"]
    assert error["champ"] == "url"
    return error["message"]


def _verified(receiver, secret) -> list[dict]:
    """What the receiver got, each signature checked by the Standard Webhooks library."""
    return [Webhook(secret).verify(r.body, r.headers) for r in receiver.received]


# --- registration -------------------------------------------------------------------------
def test_an_organisme_registers_its_endpoint_and_gets_its_secret_once(api, headers, receiver):
    answer = _register(api, headers, receiver.origin + "/evenements")
    assert answer["url"] == receiver.origin + "/evenements"
    assert answer["secret"].startswith("whsec_")
    stored = next(iter(WebhookSubscription.scan()))
    secret = Webhook(answer["secret"])._whsecret
    assert secret not in bytes(stored.secret_chiffre)  # kept encrypted only
    again = _register(api, headers, receiver.origin + "/evenements")
    assert again["secret"] != answer["secret"]  # each registration its own secret


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://hooks.exemple.fr/mce", "HTTPS est obligatoire"),
        ("https://10.0.0.7/mce", "adresse privée"),
        ("https://192.168.1.20/mce", "adresse privée"),
        ("https://169.254.169.254/latest/meta-data/", "adresse privée"),
        ("https://[::1]/mce", "adresse privée"),
        ("https://[::ffff:127.0.0.1]/mce", "adresse privée"),
        ("https://127.0.0.1:8300/", "adresse privée"),  # the demo receiver, but https
        ("https://localhost/mce", "adresse privée"),  # a name resolving to 127.0.0.1
        ("https://jean:secret@hooks.exemple.fr/", "identifiants"),
        ("https://hooks.exemple.fr/#x", "fragment"),
        ("ftp://hooks.exemple.fr/", "https://"),
        ("https://nom-qui-n-existe-pas.invalid/", "introuvable"),
    ],
)
def test_an_endpoint_that_would_reach_our_own_network_is_refused(api, headers, url, says):
    assert says in _refused_url(api.put(URL, {"url": url}, headers=headers))
    assert list(WebhookSubscription.scan()) == []


def test_a_name_resolving_to_loopback_outside_the_allow_list_is_refused(api, headers, receiver):
    # the receiver's own port, by a name: only the allow-listed origin is taken as it is
    says = _refused_url(
        api.put(URL, {"url": f"http://localhost:{receiver.port}/"}, headers=headers)
    )
    assert "HTTPS" in says


def test_the_url_is_required_and_the_key_too(api, headers, receiver):
    assert "obligatoire" in _refused_url(api.put(URL, {}, headers=headers))
    assert "500 caractères" in _refused_url(
        api.put(URL, {"url": "https://exemple.fr/" + "a" * 500}, headers=headers)
    )
    for answer in (
        api.put(URL, {"url": receiver.origin}),
        api.delete(URL),
        api.post(URL + "/test"),
        api.get(URL + "/livraisons"),
    ):
        assert answer.status == 401
        assert answer.json["type"].endswith("cle-organisme-invalide")


def test_the_endpoint_is_removed_then_hears_nothing(api, headers, receiver, relay):
    _register(api, headers, receiver.origin)
    assert api.post(URL + "/test", headers=headers).status == 202
    assert api.delete(URL, headers=headers).status == 204
    relay.deliver()
    assert receiver.received == []
    again = api.delete(URL, headers=headers)
    assert again.status == 404 and again.json["type"].endswith("webhook-introuvable")
    assert api.post(URL + "/test", headers=headers).status == 404


# --- delivery -----------------------------------------------------------------------------
def test_each_change_of_a_file_reaches_the_organisme_signed(api, outbox, aws, headers, receiver):
    secret = _register(api, headers, receiver.origin + "/mce")["secret"]
    relay_world = RneWorld(aws, api, outbox)
    (_person, token), *_ = Elus(api, outbox, relay_world).create()
    training = formation()
    dossier = request_place(api, token, training["id"], training["sessions"][0]["id"]).json["id"]
    assert api.post(f"/organismes/dossiers/{dossier}/acceptation", headers=headers).status == 200
    assert api.post(f"/me/dossiers/{dossier}/annulation", token=token).status == 200
    relay_world.deliver()

    received = _verified(receiver, secret)
    assert [e["type"] for e in received] == [
        "dossier.en_attente_organisme",
        "dossier.acceptee",
        "dossier.annulee_titulaire",
    ]
    assert all(r.path == "/mce" for r in receiver.received)
    first = received[0]
    assert set(first) == {"id", "type", "date", "dossier"}
    assert first["dossier"]["id"] == dossier
    assert first["dossier"]["stagiaire"]["prenoms"]  # as the organisme's API shows it
    assert len({e["id"] for e in received}) == 3
    assert receiver.received[0].headers["webhook-id"] == first["id"]
    page = api.get(URL + "/livraisons", headers=headers).json
    assert [(d["type"], d["statut"], d["code_http"], d["tentatives"]) for d in page["livraisons"]][
        -1
    ] == ("dossier.en_attente_organisme", "livree", 204, 1)


def test_a_receiver_failing_twice_gets_the_event_again_later_then_no_more(
    api, headers, relay, monkeypatch
):
    with Receiver(answers=(500, 503, 200)) as receiver:
        _allow(monkeypatch, receiver)
        secret = _register(api, headers, receiver.origin)["secret"]
        sent = api.post(URL + "/test", headers=headers).json
        start = datetime.now(UTC)
        seen = []
        offsets = [0, 1 + retry_delay(1), 2 + retry_delay(1) + retry_delay(2)]
        offsets.append(offsets[-1] + 1 + retry_delay(3))  # the next one, were it still failing
        for offset in offsets:
            with time_machine.travel(start + timedelta(seconds=offset), tick=False):
                relay.deliver()
                seen.append(len(receiver.received))
                last = api.get(URL + "/livraisons", headers=headers).json["livraisons"][0]
        assert seen == [1, 2, 3, 3]  # once more each time, then it stops
        assert {r.headers["webhook-id"] for r in receiver.received} == {sent["id"]}
        assert [e["type"] for e in _verified_at_each(receiver, secret)] == ["test"] * 3
    assert (last["id"], last["statut"], last["code_http"], last["tentatives"]) == (
        sent["id"],
        "livree",
        200,
        3,
    )


def _verified_at_each(receiver, secret):
    """Each attempt was signed at its own time: checked as of that time."""
    found = []
    for request in receiver.received:
        at = datetime.fromtimestamp(int(request.headers["webhook-timestamp"]), UTC)
        with time_machine.travel(at, tick=False):
            found.append(Webhook(secret).verify(request.body, request.headers))
    return found


def test_an_event_never_answered_goes_to_the_dead_letter_queue_within_a_day(
    api, aws, headers, relay, monkeypatch
):
    with Receiver(answers=(500,)) as receiver:
        _allow(monkeypatch, receiver)
        _register(api, headers, receiver.origin)
        api.post(URL + "/test", headers=headers)
        sqs = boto3.client("sqs", region_name=aws.region)
        dlq = sqs.get_queue_url(QueueName=aws.webhook_dlq_name)["QueueUrl"]
        start, offset = datetime.now(UTC), 0
        for attempt in range(1, ATTEMPTS + 2):
            with time_machine.travel(start + timedelta(seconds=offset), tick=False):
                relay.deliver()  # the last time: no attempt, the message moves to the DLQ
                dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)
            offset += 1 + (retry_delay(attempt) or 0)
        assert len(receiver.received) == ATTEMPTS
        at = [
            datetime.fromtimestamp(int(r.headers["webhook-timestamp"]), UTC)
            for r in receiver.received
        ]
        assert timedelta(hours=20) < at[-1] - at[0] < timedelta(hours=24)
        last = api.get(URL + "/livraisons", headers=headers).json["livraisons"][0]
    assert (last["statut"], last["code_http"], last["tentatives"]) == ("abandonnee", 500, ATTEMPTS)
    dead = dead["Messages"]
    assert [json.loads(m["Body"])["event"]["type"] for m in dead] == ["test"]


def test_a_redirect_is_not_followed(api, headers, relay, monkeypatch):
    with Receiver() as elsewhere, Receiver(answers=(302,), location=elsewhere.origin) as receiver:
        _allow(monkeypatch, receiver, elsewhere)
        _register(api, headers, receiver.origin)
        api.post(URL + "/test", headers=headers)
        relay.deliver()
        assert len(receiver.received) == 1
        assert elsewhere.received == []
    last = api.get(URL + "/livraisons", headers=headers).json["livraisons"][0]
    assert (last["statut"], last["code_http"], last["tentatives"]) == ("en_cours", 302, 1)


def test_the_deliveries_are_listed_by_pages_with_signed_cursors(
    api, headers, receiver, relay, monkeypatch
):
    from chalicelib.webhooks import service

    monkeypatch.setattr(service, "PAGE_SIZE", 2)
    _register(api, headers, receiver.origin)
    sent = {api.post(URL + "/test", headers=headers).json["id"] for _ in range(3)}
    relay.deliver()
    first = api.get(URL + "/livraisons", headers=headers).json
    assert len(first["livraisons"]) == 2 and first["cursor"]
    second = api.get(URL + f"/livraisons?cursor={first['cursor']}", headers=headers).json
    assert {d["id"] for d in first["livraisons"] + second["livraisons"]} == sent
    other = {"Authorization": f"Bearer {organisme_key(OTHER_ORGANISME)}"}
    refused = api.get(URL + f"/livraisons?cursor={first['cursor']}", headers=other)
    assert refused.status == 400 and refused.json["errors"][0]["champ"] == "cursor"
    assert api.get(URL + "/livraisons", headers=other).json == {"livraisons": [], "cursor": None}


# --- at least once: the outbox ------------------------------------------------------------
def _resend(client) -> int:
    """The outbox's job, as its schedule runs it."""
    return client.lambda_.invoke(
        "renvoyer_webhooks",
        client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
        ),
    ).payload["evenements_renvoyes"]


def _a_file_asked(api, outbox, aws):
    world = RneWorld(aws, api, outbox)
    (_person, token), *_ = Elus(api, outbox, world).create()
    training = formation()
    dossier = request_place(api, token, training["id"], training["sessions"][0]["id"]).json["id"]
    return world, dossier


def test_an_event_the_queue_could_not_take_is_delivered_by_the_outbox_job(
    api, outbox, aws, client, headers, receiver, monkeypatch
):
    from botocore.exceptions import EndpointConnectionError

    from chalicelib.webhooks.store import WebhookStore

    secret = _register(api, headers, receiver.origin)["secret"]
    world, dossier = _a_file_asked(api, outbox, aws)
    world.deliver()
    reachable = WebhookStore.enqueue

    def unreachable(self, siret, event, outbox=None):
        raise EndpointConnectionError(endpoint_url="https://sqs.eu-west-3.amazonaws.com")

    monkeypatch.setattr(WebhookStore, "enqueue", unreachable)
    assert api.post(f"/organismes/dossiers/{dossier}/acceptation", headers=headers).status == 200
    monkeypatch.setattr(WebhookStore, "enqueue", reachable)
    world.deliver()
    assert [json.loads(r.body)["type"] for r in receiver.received] == [
        "dossier.en_attente_organisme"
    ]
    assert _resend(client) == 0  # a moment after its change: its request may be sending it
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6), tick=False):
        assert _resend(client) == 1
        world.deliver()
        assert _resend(client) == 0  # the delivery function has it now
    received = _verified_at_each(receiver, secret)
    assert [e["type"] for e in received] == ["dossier.en_attente_organisme", "dossier.acceptee"]
    assert received[-1]["dossier"]["id"] == dossier
    assert received[-1]["dossier"]["statut"] == "acceptee"  # the file as the change left it


def test_an_event_the_queue_took_is_delivered_once_and_not_sent_again(
    api, outbox, aws, client, headers, receiver
):
    from chalicelib.models import WebhookOutbox

    _register(api, headers, receiver.origin)
    world, _dossier = _a_file_asked(api, outbox, aws)
    world.deliver()
    assert list(WebhookOutbox.outbox_index.query("oui")) == []  # taken out at its delivery
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6), tick=False):
        assert _resend(client) == 0
        world.deliver()
    assert len(receiver.received) == 1


def test_the_events_of_an_organisme_without_endpoint_leave_the_outbox(api, outbox, aws, client):
    from chalicelib.models import WebhookOutbox

    world, _dossier = _a_file_asked(api, outbox, aws)
    assert len(list(WebhookOutbox.outbox_index.query("oui"))) == 1
    world.deliver()
    assert list(WebhookOutbox.outbox_index.query("oui")) == []
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=6), tick=False):
        assert _resend(client) == 0
