"""Whatever a client sends, the answer is a problem+json in French, never a 500."""

import pytest

from chalicelib import services
from tests.support.people import make_nir


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("{pas du json", "n'est pas un JSON valide"),
        ("[1, 2]", "doit être un objet JSON"),
        ("", "est vide"),
        ('"texte"', "doit être un objet JSON"),
    ],
)
def test_malformed_bodies(api, raw, detail):
    response = api.post("/sessions", raw=raw)
    assert response.status == 400
    assert response.content_type == "application/problem+json"
    assert detail in response.json["detail"]


def test_a_body_that_is_not_json_is_415(api):
    response = api.post("/accounts", raw="nir=1", headers={"Content-Type": "text/plain"})
    assert response.status == 415
    assert response.content_type == "application/problem+json"
    assert "JSON" in response.json["detail"]


def test_an_oversized_body_is_413(api):
    response = api.post("/accounts", raw='{"x": "' + "a" * 70_000 + '"}')
    assert response.status == 413


@pytest.mark.parametrize(
    "body",
    [
        {"nir": 123, "mot_de_passe": ["x"]},
        {"nir": None},
        {"nir": "\u0000" * 13, "mot_de_passe": "x"},
    ],
)
def test_wrong_types_are_field_errors(api, body):
    response = api.post("/sessions", body)
    assert response.status == 400
    assert response.json["errors"][0]["champ"] in ("nir", "mot_de_passe")


def test_wrong_types_in_signup_are_field_errors(api):
    response = api.post(
        "/accounts",
        {
            "nir": 12,
            "sexe": 1,
            "date_naissance": 19750314,
            "adresse": {"ligne1": 3},
            "mot_de_passe": True,
            "email": ["x"],
            "telephone": {},
        },
    )
    assert response.status == 400
    champs = {e["champ"] for e in response.json["errors"]}
    assert {
        "nir",
        "sexe",
        "date_naissance",
        "adresse.ligne1",
        "mot_de_passe",
        "email",
        "telephone",
    } <= champs


def test_an_unexpected_failure_is_a_generic_500_that_leaks_nothing(api, monkeypatch, log_output):
    secret_nir = make_nir("F", "1980-01-01")

    def explode(*_args, **_kwargs):
        raise RuntimeError(f"boom with {secret_nir}")

    monkeypatch.setattr(type(services.sessions()), "login", explode)
    response = api.post("/sessions", {"nir": secret_nir[:13], "mot_de_passe": "x"})
    assert response.status == 500
    assert response.content_type == "application/problem+json"
    assert secret_nir not in response.body.decode()
    logs = log_output()
    assert '"error_type":"RuntimeError"' in logs
    assert "UnhandledError" in logs  # the metric operators alarm on
    assert secret_nir not in logs and secret_nir[:13] not in logs


@pytest.mark.parametrize(
    "raw",
    [
        '{"a":' * 5000 + "1" + "}" * 5000,  # nested past the parser's recursion
        '{"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": {"j": 1}}}}}}}}}}',
        '{"nir": NaN, "mot_de_passe": Infinity}',
        '{"nir": "1750375056123", "mot_de_passe": "\\ud800abc"}',  # a lone surrogate
        '{"nir": "1750375056123", "mot_de_passe": -Infinity}',
    ],
    ids=["deep", "nested", "nan", "lone-surrogate", "infinity"],
)
@pytest.mark.parametrize("path", ["/sessions", "/accounts", "/support-requests", "/me/dossiers"])
def test_no_body_is_a_500(api, path, raw):
    response = api.post(path, raw=raw)
    assert response.status in (400, 401), (path, response.status, response.body[:200])
    assert response.content_type == "application/problem+json"


def test_ids_with_odd_characters_are_field_errors_not_crashes(api, logged_in):
    _, token = logged_in
    for body in (
        {"formation_id": "\ud800", "session_id": "x"},
        {"formation_id": "F" * 5000, "session_id": "S"},
        {"formation_id": {"$ne": 1}, "session_id": ["S"]},
    ):
        response = api.post(
            "/me/dossiers",
            raw=__import__("json").dumps(body),
            token=token,
            headers={"Idempotency-Key": "une-cle-assez-longue"},
        )
        assert response.status in (400, 403, 404), response.body[:200]


def test_an_identity_with_many_name_parts_activates_in_transactions_of_100_at_most(api, outbox):
    from bench.call_counter import count_aws_calls
    from tests.support.people import signup_payload

    payload = signup_payload(
        nom_naissance="Aa-Bb-Cc-Dd-Ee-Ff-Gg-Hh-Ii-Jj",
        nom_usage="Kk-Ll-Mm-Nn-Oo-Pp-Qq-Rr",
        prenoms="Anne Marie Claire Sophie Louise Jeanne Rose Alice",
    )
    assert api.post("/accounts", payload).status == 201
    code = outbox.last_to(payload["email"]).code()
    with count_aws_calls() as calls:
        response = api.post("/accounts/verification", {"email": payload["email"], "code": code})
    assert response.status == 200
    assert calls[("dynamodb", "TransactWriteItems")] >= 1
