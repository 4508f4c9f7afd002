import json
from datetime import UTC, datetime, timedelta

import pytest

from bench.call_counter import count_aws_calls
from chalicelib.models import Account
from tests.support.people import make_nir, signup_payload


@pytest.mark.parametrize(
    ("step", "body"),
    [
        (
            "identite",
            {
                k: signup_payload()[k]
                for k in (
                    "nir",
                    "nom_naissance",
                    "nom_usage",
                    "prenoms",
                    "sexe",
                    "date_naissance",
                    "lieu_naissance",
                )
            },
        ),
        ("contact", {"email": "a@exemple.fr", "telephone": "0612345678"}),
        ("adresse", {"adresse": signup_payload()["adresse"]}),
        ("mot-de-passe", {"mot_de_passe": "Gv7#plume-Ardoise"}),
    ],
)
def test_each_valid_step_is_accepted(api, step, body):
    response = api.post(f"/signup/steps/{step}", body)
    assert (response.status, response.json) == (200, {"valide": True})


def test_an_invalid_step_answers_field_errors_in_french(api):
    response = api.post("/signup/steps/contact", {"email": "pas-une-adresse", "telephone": ""})
    assert response.status == 400
    assert response.content_type == "application/problem+json"
    assert {e["champ"] for e in response.json["errors"]} == {"email", "telephone"}
    assert response.json["detail"] == "2 informations sont à corriger."


def test_an_unknown_step_is_a_404_problem(client):
    """No such path in the document (one path per step): a 404 naming the steps."""
    response = client.http.post(
        "/signup/steps/banque", headers={"Content-Type": "application/json"}, body="{}"
    )
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "identite" in json.loads(response.body)["detail"]


def test_signup_creates_a_pending_account_and_emails_a_code(api, outbox):
    payload = signup_payload()
    response = api.post("/accounts", payload)
    assert response.status == 201
    assert response.json["statut"] == "en_attente_verification"
    assert set(response.json) == {"id", "statut"}  # the diploma is never echoed back
    mail = outbox.last_to(payload["email"])
    assert mail.subject == "Votre code de vérification Mon Compte Élu"
    assert mail.code() in mail.html
    assert "15 minutes" in mail.text


def test_a_nir_with_an_account_answers_409_on_the_nir(api):
    payload = signup_payload()
    assert api.post("/accounts", payload).status == 201
    again = api.post("/accounts", {**payload, "email": "autre@exemple.fr"})
    assert again.status == 409
    assert again.json["errors"][0]["champ"] == "nir"
    assert payload["nir"] not in again.body.decode()


def test_an_email_with_an_account_answers_409_on_the_email(api):
    first = signup_payload()
    assert api.post("/accounts", first).status == 201
    second = signup_payload(email=first["email"].upper(), nir=make_nir("F", "1975-03-14"))
    response = api.post("/accounts", second)
    assert response.status == 409
    assert response.json["errors"][0]["champ"] == "email"


def test_uniqueness_is_a_conditional_write_not_a_read_then_write(api):
    payload = signup_payload()
    with count_aws_calls() as calls:
        assert api.post("/accounts", payload).status == 201
    dynamodb = {op: n for (service, op), n in calls.items() if service == "dynamodb"}
    # the claims in one conditional transaction; besides, only the per-address counter
    assert dynamodb == {"TransactWriteItems": 1, "UpdateItem": 1}


def test_an_abandoned_unverified_signup_frees_its_nir_after_a_week(api, aws):
    payload = signup_payload()
    assert api.post("/accounts", payload).status == 201
    for account in Account.scan():
        account.update(actions=[Account.expires_at.set(datetime.now(UTC) - timedelta(hours=1))])
    retry = api.post("/accounts", {**payload, "email": "nouvelle@exemple.fr"})
    assert retry.status == 201


def test_signup_with_errors_everywhere_lists_them_all(api):
    response = api.post("/accounts", {"nir": "123", "adresse": "ici"})
    assert response.status == 400
    champs = {e["champ"] for e in response.json["errors"]}
    assert {"nir", "nom_naissance", "email", "adresse", "mot_de_passe"} <= champs
