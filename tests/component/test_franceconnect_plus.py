"""FranceConnect+ as its documentation for service providers describes it, over HTTP against the
local FranceConnect+: a platform of its own, tokens signed ES256 and encrypted (JWE) to the
keys the service publishes, refused when they come any other way; key rotation; the identité
pivot reconciling an account already certified on FranceConnect."""

import base64
import json
from dataclasses import replace
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from chalicelib import services
from chalicelib.franceconnect.encryption_keys import parse, public
from infra import franceconnect as franceconnect_tool
from tests.component.test_franceconnect import CAMILLE, linked, signed_up
from tests.support.leaks import leaked
from tests.support.people import PASSWORD


def header(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def last_id_token(provider) -> str:
    return list(provider._issued)[-1]


def published(client) -> dict:
    response = client.http.get("/auth/franceconnect/jwks")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/jwk-set+json"
    return json.loads(response.body)


def new_container() -> None:
    """What a container started now reads (the settings first, outside the test client's
    stage environment, as the fixture does)."""
    services.reset()
    services.get_settings()


def plus_login(browser, identity="camille"):
    return browser.login(identity, "niveau=eidas2")


def test_the_service_publishes_its_public_encryption_keys_only(client):
    keys = published(client)["keys"]
    assert len(keys) == 1 and keys[0]["use"] == "enc" and keys[0]["alg"] == "ECDH-ES"
    assert "d" not in keys[0]  # the private half stays in Secrets Manager


def test_franceconnect_plus_is_its_own_platform_asked_as_it_documents(browser, franceconnect):
    plus = urlparse(browser.start("niveau=eidas2"))
    query = {k: v[0] for k, v in parse_qs(plus.query).items()}
    assert f"{plus.scheme}://{plus.netloc}{plus.path}" == franceconnect.plus_issuer + "/authorize"
    assert query["client_id"] == "mce-local-plus" and query["acr_values"] == "eidas2"
    assert query["prompt"] == "login" and len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert json.loads(query["claims"]) == {"id_token": {"amr": {"essential": True}}}
    low = urlparse(browser.start())
    assert f"{low.scheme}://{low.netloc}{low.path}" == franceconnect.issuer + "/authorize"


def test_an_élu_certified_on_franceconnect_logs_in_with_franceconnect_plus_by_the_pivot(
    api, outbox, browser, franceconnect, client
):
    """Another platform, another subject: the account certified with the same identité pivot
    is the one (a typed identity is never reconciled, test_identity_attacks)."""
    linked(api, outbox, browser, **CAMILLE)
    landing = plus_login(browser)
    assert landing.params == {"statut": "connecte"}
    token = last_id_token(franceconnect)
    protected = header(token)
    assert token.count(".") == 4  # a JWE, not a signed token
    assert (protected["alg"], protected["enc"], protected["cty"]) == ("ECDH-ES", "A256GCM", "JWT")
    assert protected["kid"] == published(client)["keys"][0]["kid"]
    assert browser.get("/me").json_body["identite"] == "certifiee"
    # the next FranceConnect+ login finds its own link
    browser.cookies.clear()
    assert plus_login(browser).params == {"statut": "connecte"}


def test_a_typed_identity_is_not_reconciled_by_franceconnect_plus(api, outbox, browser):
    signed_up(api, outbox, **CAMILLE)
    assert plus_login(browser).path == "/inscription"


@pytest.mark.parametrize(
    "tamper",
    [{"not_encrypted": True}, {"foreign_encryption_key": True}, {"signing": "RS256"}],
    ids=["signed-but-not-encrypted", "encrypted-to-a-foreign-key", "rs256-where-es256-announced"],
)
def test_a_token_not_as_franceconnect_plus_gives_it_is_refused(
    api, outbox, browser, franceconnect, tamper
):
    linked(api, outbox, browser, **CAMILLE)
    for name, value in tamper.items():
        setattr(franceconnect.tamper, name, value)
    landing = plus_login(browser)
    assert (landing.status, landing.params) == (
        303,
        {"statut": "erreur", "motif": "jeton_invalide"},
    )
    assert "mce_session" not in browser.cookies


def test_key_rotation_keeps_logins_working(api, outbox, browser, franceconnect, client):
    linked(api, outbox, browser, **CAMILLE)
    first = published(client)["keys"][0]["kid"]
    assert plus_login(browser).params == {"statut": "connecte"}

    assert franceconnect_tool.main(["cles", "rotation"]) == 0
    new_container()
    rotated = [key["kid"] for key in published(client)["keys"]]
    assert len(rotated) == 2 and rotated[1] == first
    # FranceConnect+ still holds the JWKS it read before: the previous key still opens
    browser.cookies.clear()
    assert plus_login(browser).params == {"statut": "connecte"}
    assert header(last_id_token(franceconnect))["kid"] == first
    # once it reads the JWKS again, it encrypts to the new key
    franceconnect.forget_service_keys()
    browser.cookies.clear()
    assert plus_login(browser).params == {"statut": "connecte"}
    assert header(last_id_token(franceconnect))["kid"] == rotated[0]

    # a second rotation drops the first key
    assert franceconnect_tool.main(["cles", "rotation"]) == 0
    new_container()
    assert first not in [key["kid"] for key in published(client)["keys"]]


def test_a_warm_container_reads_its_keys_again_for_a_key_made_since(
    api, outbox, browser, franceconnect
):
    linked(api, outbox, browser, **CAMILLE)
    services.franceconnect_encryption_keys()  # this container read the keys before
    assert franceconnect_tool.main(["cles", "rotation"]) == 0
    # FranceConnect+ reads the JWKS from a new container, which publishes the new key first
    stored = (
        services.aws_session()
        .client("secretsmanager")
        .get_secret_value(SecretId=services.get_settings().franceconnect_encryption_keys)[
            "SecretString"
        ]
    )
    new_container = public(parse(stored))
    plus = franceconnect.clients["mce-local-plus"]
    franceconnect.clients["mce-local-plus"] = replace(plus, encryption_keys=lambda: new_container)
    franceconnect.forget_service_keys()
    assert plus_login(browser).params == {"statut": "connecte"}
    assert header(last_id_token(franceconnect))["kid"] == new_container["keys"][0]["kid"]


def test_logout_of_a_franceconnect_plus_session_ends_it_at_franceconnect_plus(
    api, outbox, browser, franceconnect
):
    linked(api, outbox, browser, **CAMILLE)
    plus_login(browser)
    response = browser.post("/auth/franceconnect/logout", {}, form=True)
    end = response.headers["Location"]
    assert end.startswith(franceconnect.plus_issuer + "/session/end?")
    back = requests.get(end, allow_redirects=False, timeout=5)
    assert back.status_code == 302 and len(franceconnect.logouts) == 1


def test_before_its_keys_are_made_the_jwks_url_says_the_service_is_unavailable(client, aws):
    services.aws_session().client("secretsmanager").put_secret_value(
        SecretId=aws.franceconnect_encryption_keys, SecretString="bouche-trou"
    )
    new_container()
    response = client.http.get("/auth/franceconnect/jwks")
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"


def test_the_password_login_after_franceconnect_plus_links_it_at_its_level(api, outbox, browser):
    payload = signed_up(api, outbox, **CAMILLE)
    assert plus_login(browser).path == "/inscription"
    answer = browser.post("/sessions", {"nir": payload["nir"][:13], "mot_de_passe": PASSWORD})
    assert answer.json_body["franceconnect"] == "lie"
    browser.cookies.clear()
    assert plus_login(browser).params == {"statut": "connecte"}


def test_no_token_key_or_code_of_franceconnect_plus_reaches_the_logs(
    api, outbox, browser, franceconnect, log_output
):
    linked(api, outbox, browser, **CAMILLE)
    callback = browser.consent(browser.start("niveau=eidas2"), "camille")
    query = parse_qs(urlparse(callback).query)
    assert browser.come_back(callback).params == {"statut": "connecte"}
    browser.post("/auth/franceconnect/logout", {}, form=True)
    private = services.franceconnect_encryption_keys()["keys"][0]["d"]
    secrets = [query["code"][0], query["state"][0], last_id_token(franceconnect), private]
    assert leaked(log_output(), secrets) == []
