"""Help requests: from the form to the Caisse des Dépôts' mailbox, with nothing lost."""

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import time_machine

from chalicelib import services
from chalicelib.models import SupportRequest
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write
from tests.support.rne_world import RneWorld

MAILBOX = "dfp_mcf_gestion-des-droits-et-formationen@caissedesdepots.fr"


def request_body(**overrides):
    body = {
        "situation": "droits_elu_invisibles",
        "nom_naissance": "Martin",
        "nom_usage": "Lefèvre",
        "prenoms": "Claire",
        "date_naissance": "1975-03-14",
        "lieu_naissance": "Rennes (35)",
        "collectivite": "Commune de Rennes",
        "email": "claire.lefevre@exemple.fr",
    }
    body.update(overrides)
    return body


@pytest.fixture
def world(aws, api, outbox):
    return RneWorld(aws, api, outbox)


def deliver(world):
    return world.deliver()


def deliver_later(world, minutes: int = 3):
    """What the queue holds once its delayed messages are due (the uploads' summary)."""
    later = datetime.now(UTC) + timedelta(minutes=minutes)
    with time_machine.travel(later, tick=False):
        return world.deliver()


def post_file(form: dict, content: bytes = b"%PDF-1.7 " + b"x" * 2000):
    import requests

    sent = requests.post(
        form["url"],
        data=form["champs"],
        files={"file": ("piece.pdf", content, "application/pdf")},
        timeout=10,
    )
    assert sent.status_code in (200, 201, 204), sent.text


def summaries(outbox, reference: str) -> list:
    return [
        m
        for m in outbox.all()
        if m.subject.startswith("[Mon Compte Élu] Documents") and reference in m.subject
    ]


def test_a_request_reaches_the_mailbox_then_the_requester(api, outbox, world):
    response = api.post("/support-requests", request_body())
    assert response.status == 202
    reference = response.json["reference"]
    assert (
        api.post(
            f"/support-requests/{reference}/consultation", {"email": "claire.lefevre@exemple.fr"}
        ).json["statut"]
        == "recue"
    )
    deliver(world)
    [mail] = outbox.to(MAILBOX)
    assert reference in mail.subject
    assert mail.reply_to == "claire.lefevre@exemple.fr"
    for value in (
        "Martin",
        "Lefèvre",
        "Claire",
        "1975-03-14",
        "Rennes (35)",
        "Commune de Rennes",
        "sans être connecté",
    ):
        assert (
            value in mail.text and value.replace("è", "&egrave;") in mail.html
        ) or value in mail.html
    [ack] = outbox.to("claire.lefevre@exemple.fr")
    assert reference in ack.subject
    status = api.post(
        f"/support-requests/{reference}/consultation", {"email": "CLAIRE.lefevre@exemple.fr"}
    ).json
    assert status["statut"] == "transmise"
    assert (
        api.post(
            f"/support-requests/{reference}/consultation", {"email": "autre@exemple.fr"}
        ).status
        == 404
    )


def test_case_1_points_to_the_procedure_and_sends_nothing(api, outbox, world):
    response = api.post("/support-requests", request_body(situation="creation_impossible_actif"))
    assert response.status == 200
    assert response.json["procedure"].startswith("https://www.moncompteformation.gouv.fr/")
    url = world.sqs.get_queue_url(QueueName=world.settings.support_queue_name)["QueueUrl"]
    queued = world.sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    assert queued == "0" and list(SupportRequest.scan()) == []
    deliver(world)
    assert outbox.all() == []


def test_case_1_asks_for_nothing_but_the_situation(api):
    """No identity is asked for a request that is not sent."""
    answer = api.post("/support-requests", {"situation": "creation_impossible_actif"})
    assert answer.status == 200
    assert (
        answer.json["procedure"] == "https://www.moncompteformation.gouv.fr/espace-public/node/93"
    )
    assert api.post("/support-requests", {"situation": "droits_elu_invisibles"}).status == 400


@pytest.mark.parametrize("field", ["nom_naissance", "prenoms", "collectivite", "email"])
@pytest.mark.parametrize("injection", ["\r\nBcc: pirate@exemple.fr", "\nSubject: x", "\x00"])
def test_header_injection_attempts_are_refused(api, field, injection):
    value = request_body()[field] + injection
    response = api.post("/support-requests", request_body(**{field: value}))
    assert response.status == 400
    assert [e["champ"] for e in response.json["errors"]] == [field]


def test_requests_are_rate_limited_per_email_and_per_ip(api):
    for _ in range(3):
        assert api.post("/support-requests", request_body()).status == 202
    limited = api.post("/support-requests", request_body())
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
    for n in range(6):  # other addresses, same IP: 10 attempts an hour, the refused one counted
        assert api.post("/support-requests", request_body(email=f"p{n}@exemple.fr")).status == 202
    assert api.post("/support-requests", request_body(email="p10@exemple.fr")).status == 429


def test_names_typed_in_a_request_never_make_an_elu(api, outbox, world):
    """She signed up with her married name as birth name; the RNE lists her birth name. A help
    request naming the birth name goes to the Caisse des Dépôts: the RNE is public, so names
    typed in a request (anyone's) are for people to check, never for automatic matching."""
    claire = world.person(nom_naissance="Lefèvre", nom_usage=None, prenoms="Claire")
    world.ingest(
        "prefectures/35/cm.csv",
        write(CURRENT_HEADER, [municipal_row("MARTIN", "Claire", "F", "14/03/1975")]),
    )
    token = api.post(
        "/sessions", {"nir": claire["nir"][:13], "mot_de_passe": claire["mot_de_passe"]}
    ).json["token"]
    reference = api.post(
        "/support-requests", request_body(email=claire["email"]), token=token
    ).json["reference"]
    deliver(world)
    assert api.get(f"/support-requests/{reference}", token=token).json["statut"] == "transmise"
    assert api.get("/me", token=token).json["elu"] is False
    [mail] = outbox.to(MAILBOX)
    assert "noms de naissance et d'usage du compte" in mail.text


def test_automatic_resolution_with_the_names_the_account_holds(api, outbox, world):
    """The RNE lists her under the name her account holds, but the ingestion missed the account
    (activated while the file was read): the request's check finds it, by the ingestion's rules,
    and files the account in the identity index."""
    from chalicelib.models import Account, IdentityIndex

    claire = world.person(nom_naissance="Martin", nom_usage="Lefèvre", prenoms="Claire")
    for item in IdentityIndex.scan():  # as if activated while the file was being ingested
        item.delete()
    world.ingest(
        "prefectures/35/cm.csv",
        write(CURRENT_HEADER, [municipal_row("MARTIN", "Claire", "F", "14/03/1975")]),
    )
    token = api.post(
        "/sessions", {"nir": claire["nir"][:13], "mot_de_passe": claire["mot_de_passe"]}
    ).json["token"]
    [account] = list(Account.scan())
    account.update(actions=[Account.elu.set(False), Account.rne_mandats.remove()])
    reference = api.post(
        "/support-requests", request_body(email=claire["email"]), token=token
    ).json["reference"]
    deliver(world)
    assert api.get(f"/support-requests/{reference}", token=token).json["statut"] == (
        "resolue_automatiquement"
    )
    assert api.get("/me", token=token).json["elu"] is True
    assert outbox.to(MAILBOX) == []
    assert "reconnu" in outbox.last_to(claire["email"]).subject
    filed = {i.person_key for i in IdentityIndex.scan() if account.nir_hash in (i.accounts or ())}
    assert "1975-03-14#F#MARTIN#CLAIRE" in filed


def sqs_event(world, messages):
    """An SQS event as Lambda builds it: each record with its own messageId."""
    url = world.sqs.get_queue_url(QueueName=world.settings.support_queue_name)["QueueUrl"]
    return url, {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-3:123:support",
                "awsRegion": "eu-west-3",
            }
            for m in messages
        ]
    }


def take(world, count):
    url = world.sqs.get_queue_url(QueueName=world.settings.support_queue_name)["QueueUrl"]
    messages = []
    while len(messages) < count:
        messages += world.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    return messages


def test_one_failing_message_is_retried_alone(api, outbox, world, client, monkeypatch):
    first = api.post("/support-requests", request_body(email="un@exemple.fr")).json["reference"]
    second = api.post("/support-requests", request_body(email="deux@exemple.fr")).json["reference"]
    mailer = services.mailer()
    send = mailer.send

    def ses_throttled_for_second(email):
        if second in email.subject:
            raise RuntimeError("Throttling: Maximum sending rate exceeded")
        return send(email)

    monkeypatch.setattr(mailer, "send", ses_throttled_for_second)
    messages = take(world, 2)
    _, event = sqs_event(world, messages)
    result = client.lambda_.invoke("support_worker", event).payload
    failed_id = next(m["MessageId"] for m in messages if second in m["Body"])
    assert result == {"batchItemFailures": [{"itemIdentifier": failed_id}]}
    assert len(outbox.to(MAILBOX)) == 1
    monkeypatch.setattr(mailer, "send", send)  # SES is back: the failed one alone again
    _, retry = sqs_event(world, [m for m in messages if m["MessageId"] == failed_id])
    assert client.lambda_.invoke("support_worker", retry).payload == {"batchItemFailures": []}
    assert sorted(m.subject for m in outbox.to(MAILBOX)) == sorted(
        f"[Mon Compte Élu] Demande d'aide {r}" for r in (first, second)
    )


def test_a_message_delivered_twice_sends_one_email(api, outbox, world, client):
    api.post("/support-requests", request_body())
    [message] = take(world, 1)
    duplicate = {**message, "MessageId": message["MessageId"] + "-bis"}
    _, event = sqs_event(world, [message])
    _, again = sqs_event(world, [duplicate])
    client.lambda_.invoke("support_worker", event)
    client.lambda_.invoke("support_worker", again)
    assert len(outbox.to(MAILBOX)) == 1 and len(outbox.to("claire.lefevre@exemple.fr")) == 1


def test_a_poison_message_ends_in_the_dead_letter_queue_and_the_request_in_echec(
    api, outbox, world, monkeypatch
):
    reference = api.post("/support-requests", request_body()).json["reference"]
    url = world.sqs.get_queue_url(QueueName=world.settings.support_queue_name)["QueueUrl"]
    world.sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})

    def ses_down(email):
        raise RuntimeError("SES outage")

    monkeypatch.setattr(services.mailer(), "send", ses_down)
    for _ in range(12):  # five receives, then moto moves it to the dead-letter queue
        world.relay.poll_once()
    status = api.post(
        f"/support-requests/{reference}/consultation", {"email": "claire.lefevre@exemple.fr"}
    ).json
    assert status["statut"] == "echec"
    assert outbox.all() == []


def test_metrics_of_the_pipeline(api, world, log_output):
    api.post("/support-requests", request_body())
    deliver(world)
    logs = log_output()
    for metric in ("SupportRequestReceived", "SupportRequestForwarded", "EmailSent"):
        assert f'"{metric}"' in logs


def test_a_bad_body_is_a_clear_error(api):
    response = api.post("/support-requests", {"situation": "autre", "email": "x"})
    assert response.status == 400
    assert {"situation", "nom_naissance", "email"} <= {e["champ"] for e in response.json["errors"]}
    assert boto3  # the SES store is read through the outbox fixture
    assert json  # bodies are JSON


def test_documents_go_straight_to_their_bucket_and_are_listed_to_the_mailbox(api, outbox, world):
    import requests

    reference = api.post("/support-requests", request_body()).json["reference"]
    deliver(world)  # forwarded to the mailbox
    asked = api.post(
        f"/support-requests/{reference}/pieces",
        {"type": "application/pdf", "taille": 2048, "email": "claire.lefevre@exemple.fr"},
    )
    assert asked.status == 201
    form = asked.json
    assert form["champs"]["key"].startswith(f"pieces/{reference}/")
    assert form["champs"]["Content-Type"] == "application/pdf"
    sent = requests.post(
        form["url"],
        data=form["champs"],
        files={"file": ("carte.pdf", b"%PDF-1.7 " + b"x" * 2000, "application/pdf")},
        timeout=10,
    )
    assert sent.status_code in (200, 201, 204), sent.text
    deliver(world)  # the bucket's notification reaches the worker, which plans a summary
    assert summaries(outbox, reference) == []
    deliver_later(world)
    [listing] = summaries(outbox, reference)
    assert reference in listing.subject and form["champs"]["key"] in listing.text
    status = api.post(
        f"/support-requests/{reference}/consultation", {"email": "claire.lefevre@exemple.fr"}
    ).json
    assert [p["nom"] for p in status["pieces"]] == [form["nom"]]


def test_a_document_is_refused_for_its_type_size_number_or_another_requester(api, world):
    import requests

    reference = api.post("/support-requests", request_body()).json["reference"]
    mine = {"email": "claire.lefevre@exemple.fr"}
    path = f"/support-requests/{reference}/pieces"
    wrong_type = api.post(path, {"type": "text/html", "taille": 10, **mine})
    assert wrong_type.status == 400 and wrong_type.json["errors"][0]["champ"] == "type"
    too_big = api.post(path, {"type": "image/png", "taille": 6 * 1024 * 1024, **mine})
    assert too_big.status == 400 and too_big.json["errors"][0]["champ"] == "taille"
    other = api.post(path, {"type": "image/png", "taille": 10, "email": "autre@exemple.fr"})
    assert other.status == 404
    for _ in range(5):
        form = api.post(path, {"type": "image/png", "taille": 10, **mine}).json
        requests.post(
            form["url"], data=form["champs"], files={"file": ("p.png", b"x" * 10)}, timeout=10
        )
    sixth = api.post(path, {"type": "image/png", "taille": 10, **mine})
    assert sixth.status == 400 and "5 documents" in sixth.json["detail"]


def test_forms_asked_before_any_upload_count_and_a_form_reposted_is_one_document(
    api, outbox, world
):
    """An attacker asks for twelve forms before uploading anything, then posts one of them
    eight times (a versioned bucket keeps each): five forms at most, one document per form,
    and one summary to the mailbox, not one email an object."""
    reference = api.post("/support-requests", request_body()).json["reference"]
    deliver(world)
    path, mine = f"/support-requests/{reference}/pieces", {"email": "claire.lefevre@exemple.fr"}
    answers = [
        api.post(path, {"type": "application/pdf", "taille": 2048, **mine}) for _ in range(12)
    ]
    forms = [a.json for a in answers if a.status == 201]
    assert len(forms) == 5 and all(a.status == 400 for a in answers[5:])
    for n in range(8):
        post_file(forms[0], b"%PDF-1.7 " + bytes([65 + n]) * 2000)
    post_file(forms[1])
    deliver(world)
    deliver_later(world)
    deliver_later(world, minutes=10)
    [summary] = summaries(outbox, reference)
    assert forms[0]["champs"]["key"] in summary.text and forms[1]["champs"]["key"] in summary.text
    assert summary.text.count("s3://") == 2
    # the mailbox is shown the first version: the file cannot be swapped afterwards
    stored = services.support_store().documents(reference)
    first = next(d for d in stored if d["cle"] == forms[0]["champs"]["key"])
    assert first["version"] in summary.text
