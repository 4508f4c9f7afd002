"""The NIR, passwords, codes and tokens never appear in logs, metrics, answers or storage."""

import json
from urllib.parse import parse_qs, urlparse

import boto3

from chalicelib.models import (
    ALL_MODELS,
    Account,
    AccountEmail,
    IdentityIndex,
    PasswordReset,
    Session,
)
from chalicelib.settings import Settings
from tests.support.leaks import leaked
from tests.support.people import PASSWORD, signup_payload
from tests.support.relay import Relay

NEW_PASSWORD = "Hv8$colline-Granit"


def spellings_of(nir: str) -> list[str]:
    spaced = " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])
    return [nir, nir[:13], spaced]


def run_every_account_flow(api, outbox, payload):
    """Signup with mistakes, verification, login failures, session, reset: everything."""
    secrets = []
    nir13 = payload["nir"][:13]
    api.post("/signup/steps/identite", {**payload, "sexe": "M"})  # inconsistent NIR
    api.post("/signup/steps/mot-de-passe", {"mot_de_passe": PASSWORD})
    api.post("/accounts", payload)
    api.post("/accounts", payload)  # 409
    code = outbox.last_to(payload["email"]).code()
    secrets.append(code)
    api.post(
        "/accounts/verification",
        {"email": payload["email"], "code": f"{(int(code) + 1) % 10**6:06d}"},
    )
    api.post("/accounts/verification", {"email": payload["email"], "code": code})
    api.post("/sessions", {"nir": nir13, "mot_de_passe": "Pas-le-bon-mot-de-passe-1"})
    token = api.post("/sessions", {"nir": payload["nir"], "mot_de_passe": PASSWORD}).json["token"]
    secrets.append(token)
    api.get("/me", token=token)
    api.post("/password-resets", {"nir": nir13})
    Relay(Settings.from_env()).deliver()
    reset_token = parse_qs(urlparse(outbox.last_to(payload["email"]).link()).fragment)["jeton"][0]
    secrets.append(reset_token)
    api.post("/password-resets/confirmation", {"jeton": reset_token, "mot_de_passe": "trop-court"})
    api.post("/password-resets/confirmation", {"jeton": reset_token, "mot_de_passe": NEW_PASSWORD})
    token = api.post("/sessions", {"nir": nir13, "mot_de_passe": NEW_PASSWORD}).json["token"]
    secrets.append(token)
    api.delete("/sessions/current", token=token)
    return secrets


def test_logs_and_metrics_never_show_nir_password_code_or_token(api, outbox, log_output):
    payload = signup_payload()
    secrets = run_every_account_flow(api, outbox, payload)
    logs = log_output()
    assert "LoginSucceeded" in logs and "AccountCreated" in logs  # we did capture the output
    forbidden = [*spellings_of(payload["nir"]), PASSWORD, NEW_PASSWORD, "trop-court", *secrets]
    assert leaked(logs, forbidden) == []


def test_storage_holds_hashes_only(api, outbox, aws):
    payload = signup_payload()
    secrets = run_every_account_flow(api, outbox, payload)
    dynamodb = boto3.client("dynamodb", region_name=aws.region)
    stored = ""
    for model in ALL_MODELS:
        items = dynamodb.scan(TableName=model.Meta.table_name)["Items"]
        if model in (Account, AccountEmail, Session, PasswordReset, IdentityIndex):
            assert items, f"{model.Meta.table_name} should hold something after the flows"
        stored += json.dumps(items, ensure_ascii=False)
    forbidden = [*spellings_of(payload["nir"]), PASSWORD, NEW_PASSWORD, *secrets]
    assert leaked(stored, forbidden) == []
    assert "$argon2id$" in stored
    assert payload["email"] in stored  # what is not secret is stored as is


def test_answers_never_echo_a_nir(api, outbox):
    payload = signup_payload()
    bodies = [
        api.post("/accounts", payload).body,
        api.post("/accounts", payload).body,
        api.post("/signup/steps/identite", {**payload, "sexe": "M"}).body,
        api.post("/sessions", {"nir": payload["nir"][:13], "mot_de_passe": "x"}).body,
    ]
    text = b"".join(bodies).decode()
    assert [s for s in spellings_of(payload["nir"]) if s in text] == []


def test_email_bodies_and_help_request_details_are_never_logged(aws, api, outbox, log_output):
    from tests.support.rne_world import RneWorld

    world = RneWorld(aws, api, outbox)
    run_every_account_flow(api, outbox, signup_payload())
    details = {
        "nom_naissance": "Quéméneur",
        "nom_usage": "Le Goff",
        "prenoms": "Maëlle",
        "date_naissance": "1971-07-23",
        "lieu_naissance": "Landerneau (29)",
        "collectivite": "Commune de Plougastel-Daoulas",
    }
    assert (
        api.post(
            "/support-requests",
            {"situation": "droits_elu_invisibles", **details, "email": "maelle@exemple.fr"},
        ).status
        == 202
    )
    world.deliver()  # the worker emails the Caisse des Dépôts, then her
    logs = log_output()
    assert "SupportRequestForwarded" in logs  # we did capture the worker's output
    mails = outbox.all()
    assert len(mails) == 5  # code, reset link, reset done, the mailbox, her acknowledgement
    lines = {
        line.strip() for mail in mails for line in mail.text.splitlines() if len(line.strip()) > 25
    }
    assert leaked(logs, sorted(lines)) == []
    assert (
        leaked(
            logs,
            [
                details[k]
                for k in (
                    "nom_naissance",
                    "nom_usage",
                    "lieu_naissance",
                    "collectivite",
                    "date_naissance",
                )
            ],
        )
        == []
    )


def test_traces_never_capture_answers_or_errors(client, logged_in, monkeypatch):
    """X-Ray would keep a login's token or /me's personal data if the tracer captured
    responses (Powertools' default): the handler is traced with capture off."""
    from aws_lambda_powertools import Tracer

    from chalicelib import observability

    seen = []
    original = Tracer.capture_lambda_handler

    def spy(self, handler=None, capture_response=None, capture_error=None):
        seen.append((capture_response, capture_error))
        return original(
            self, handler, capture_response=capture_response, capture_error=capture_error
        )

    monkeypatch.setattr(Tracer, "capture_lambda_handler", spy)
    monkeypatch.setattr(observability, "tracing_on", lambda: True)  # as in Lambda
    observability.tracer.cache_clear()
    _, token = logged_in
    response = client.http.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert seen and all(flags == (False, False) for flags in seen)


def test_no_tracer_is_built_where_tracing_is_off(client, logged_in, monkeypatch):
    """Locally and in tests Powertools would not trace: the X-Ray recorder (two botocore
    clients) is not made for nothing at the first request."""
    from chalicelib import observability

    def no_tracer():
        raise AssertionError("a tracer was built with tracing off")

    monkeypatch.setattr(observability, "tracer", no_tracer)
    _, token = logged_in
    response = client.http.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
