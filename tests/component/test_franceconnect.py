"""Login with FranceConnect, for real over HTTP against the local provider: linking, signup with
the certified identity, recognition as an élu through it, logout at the provider, and every way
the flow must fail (clearly, without a session)."""

import time
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from chalicelib.models import Account, FcLink
from tests.support.leaks import leaked
from tests.support.people import PASSWORD, make_nir, signup_payload
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write
from tests.support.rne_world import RneWorld

CAMILLE = {
    "nom_naissance": "Bernard",
    "nom_usage": "Durand",
    "prenoms": "Camille",
    "sexe": "F",
    "date_naissance": "1975-03-08",
    "lieu_naissance": "35238",
}


def signed_up(api, outbox, **identity):
    payload = signup_payload(**identity, nir=make_nir(identity["sexe"], identity["date_naissance"]))
    assert api.post("/accounts", payload).status == 201
    code = outbox.last_to(payload["email"]).code()
    assert (
        api.post("/accounts/verification", {"email": payload["email"], "code": code}).status == 200
    )
    return payload


def links():
    return [item for item in FcLink.scan() if item.pk.startswith("sub#")]


def me_with_cookie(browser):
    return browser.get("/me")


def linked(api, outbox, browser, **identity):
    """An account whose holder linked FranceConnect: the first FranceConnect login leaves the
    identity waiting, a password login in the same browser links it."""
    payload = signed_up(api, outbox, **identity)
    assert browser.login("camille").path == "/inscription"
    answer = browser.post("/sessions", {"nir": payload["nir"][:13], "mot_de_passe": PASSWORD})
    assert answer.json_body["franceconnect"] == "lie"
    browser.cookies.clear()
    return payload


def test_a_typed_identity_alone_never_receives_a_first_franceconnect_login(api, outbox, browser):
    """An attacker who typed the victim's identity (anyone can read it in the RNE) does not
    receive the victim's FranceConnect logins: the holder proves the account once."""
    payload = signed_up(api, outbox, **CAMILLE)
    landing = browser.login("camille")
    assert (landing.path, landing.params) == ("/inscription", {"franceconnect": "identite"})
    assert "mce_session" not in browser.cookies and links() == []
    answer = browser.post("/sessions", {"nir": payload["nir"][:13], "mot_de_passe": PASSWORD})
    assert answer.json_body["franceconnect"] == "lie"
    assert me_with_cookie(browser).json_body["identite"] == "certifiee"
    [account] = list(Account.scan())
    assert account.franceconnect.nom_naissance == "BERNARD"
    assert len(links()) == 1
    browser.cookies.clear()
    assert browser.login("camille").params == {"statut": "connecte"}  # by the link, now


def test_without_an_account_the_signup_goes_on_with_the_certified_identity(api, outbox, browser):
    landing = browser.login("anne-sophie")
    assert (landing.path, landing.params) == ("/inscription", {"franceconnect": "identite"})
    assert "mce_session" not in browser.cookies
    identity = browser.get("/auth/franceconnect/identity").json_body
    assert identity == {
        "identite": {
            "nom_naissance": "PERRIN",
            "nom_usage": "MARCHAND",
            "prenoms": "Anne-Sophie Claire",
            "sexe": "F",
            "date_naissance": "1982-11-05",
            "lieu_naissance": "44109",
        },
        "email": "as.marchand@exemple.fr",
        "modifiable": False,
    }
    # The form says otherwise: the certified identity wins.
    payload = signup_payload(
        nir=make_nir("F", "1982-11-05", place="44109"),
        nom_naissance="Autre",
        prenoms="Quelqu'un",
        sexe="F",
        date_naissance="1982-11-05",
        email="as.marchand@exemple.fr",
    )
    created = api.post("/accounts", payload, headers={"Cookie": browser.cookie_header()})
    assert (created.status, created.json["franceconnect"]) == (201, "lie")
    [account] = list(Account.scan())
    assert (account.nom_naissance, account.nom_usage, account.prenoms) == (
        "PERRIN",
        "MARCHAND",
        "Anne-Sophie Claire",
    )
    browser.keep_cookies(created.headers)
    assert "mce_fc_attente" not in browser.cookies
    # Not verified yet: FranceConnect does not open it.
    assert browser.login("anne-sophie").params == {
        "statut": "erreur",
        "motif": "compte_non_verifie",
    }
    code = outbox.last_to("as.marchand@exemple.fr").code()
    assert (
        api.post("/accounts/verification", {"email": "as.marchand@exemple.fr", "code": code}).status
        == 200
    )
    assert browser.login("anne-sophie").params == {"statut": "connecte"}
    assert me_with_cookie(browser).status_code == 200


def test_a_signup_whose_nir_contradicts_the_certified_identity_is_refused(api, browser):
    browser.login("anne-sophie")
    payload = signup_payload(nir=make_nir("M", "1982-11-05"), email="as.marchand@exemple.fr")
    refused = api.post("/accounts", payload, headers={"Cookie": browser.cookie_header()})
    assert refused.status == 400
    assert [e["champ"] for e in refused.json["errors"]] == ["nir"]


def test_an_identity_left_waiting_on_a_shared_computer_is_not_given_to_the_next_user(
    api, outbox, browser
):
    """Camille came back from FranceConnect and left; Paul logs in on the same browser: he
    is logged in, the identity is not linked to his account and stops waiting."""
    paul = signed_up(
        api,
        outbox,
        nom_naissance="Garnier",
        nom_usage=None,
        prenoms="Paul",
        sexe="M",
        date_naissance="1980-01-01",
    )
    assert browser.login("camille").path == "/inscription"
    session = browser.post("/sessions", {"nir": paul["nir"][:13], "mot_de_passe": PASSWORD})
    assert session.status_code == 200
    assert session.json_body["franceconnect"] == "non_lie"
    assert "n'a pas été liée" in session.json_body["franceconnect_motif"]
    assert "mce_fc_attente" not in browser.cookies
    assert links() == []
    [account] = list(Account.scan())
    assert account.franceconnect is None
    assert me_with_cookie(browser).json_body["identite"] == "declaree"


def test_the_certified_identity_recognises_an_elu_the_typed_one_missed(aws, api, outbox, browser):
    # She typed her birth name only; the RNE lists her by her married name, which the civil
    # registry knows (FranceConnect's preferred_username).
    payload = signed_up(api, outbox, **{**CAMILLE, "nom_usage": None})
    world = RneWorld(aws, api, outbox)
    world.ingest(
        "prefectures/35/cm.csv",
        write(
            CURRENT_HEADER,
            [municipal_row("DURAND", "Camille", "F", "08/03/1975", debut="28/06/2020")],
        ),
    )
    token = api.post("/sessions", {"nir": payload["nir"][:13], "mot_de_passe": PASSWORD}).json[
        "token"
    ]
    assert api.get("/me", token=token).json["elu"] is False
    browser.login("camille")
    api.post(
        "/sessions",
        {"nir": payload["nir"][:13], "mot_de_passe": PASSWORD},
        headers={"Cookie": browser.cookie_header()},
    )
    assert api.get("/me", token=token).json["elu"] is True


def test_logout_ends_the_session_here_and_at_franceconnect(api, outbox, browser, franceconnect):
    linked(api, outbox, browser, **CAMILLE)
    browser.login("camille")
    response = browser.post("/auth/franceconnect/logout", {}, form=True)
    assert response.status_code == 303
    assert "mce_session" not in browser.cookies
    end = response.headers["Location"]
    assert end.startswith(franceconnect.issuer + "/session/end?")
    assert "id_token_hint" in parse_qs(urlparse(end).query)
    back = requests.get(end, allow_redirects=False, timeout=5)
    assert back.status_code == 302 and back.headers["Location"].startswith("http://127.0.0.1:8000/")
    assert len(franceconnect.logouts) == 1
    assert me_with_cookie(browser).status_code == 401


def test_a_refused_consent_says_so_without_a_session(browser):
    landing = browser.login(None)
    assert landing.params == {"statut": "refuse", "motif": "refus_usager"}
    assert "mce_session" not in browser.cookies


def test_a_state_from_another_browser_is_refused(browser):
    callback = browser.consent(browser.start(), "camille")
    browser.cookies.clear()  # the callback reaches a browser that did not start this login
    assert browser.come_back(callback).params == {"statut": "erreur", "motif": "etat_invalide"}


def test_a_callback_replayed_is_refused(api, outbox, browser):
    linked(api, outbox, browser, **CAMILLE)
    callback = browser.consent(browser.start(), "camille")
    state_cookie = browser.cookies["mce_fc_etat"]
    assert browser.come_back(callback).params == {"statut": "connecte"}
    browser.cookies = {"mce_fc_etat": state_cookie}
    assert browser.come_back(callback).params == {"statut": "erreur", "motif": "etat_invalide"}


def test_a_code_replayed_with_a_fresh_state_is_refused_by_the_provider(api, outbox, browser):
    linked(api, outbox, browser, **CAMILLE)
    first = browser.consent(browser.start(), "camille")
    assert browser.come_back(first).params == {"statut": "connecte"}
    code = parse_qs(urlparse(first).query)["code"][0]
    second = browser.consent(browser.start(), "camille")
    state = parse_qs(urlparse(second).query)["state"][0]
    replay = f"/auth/franceconnect/callback?code={code}&state={state}"
    assert browser.come_back(replay).params == {"statut": "erreur", "motif": "code_invalide"}


@pytest.mark.parametrize(
    "tamper",
    [
        {"foreign_key": True},
        {"id_token_claims": {"aud": "un-autre-service"}},
        {"id_token_claims": {"iss": "https://faux-franceconnect.example"}},
        {"drop_claims": ("nonce",)},
        {"id_token_claims": {"nonce": "pas-le-bon"}},
        {"id_token_claims": {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}},
        {"id_token_claims": {"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"}},
    ],
    ids=[
        "tampered-signature",
        "wrong-audience",
        "wrong-issuer",
        "missing-nonce",
        "wrong-nonce",
        "expired",
        "access-token-swapped",
    ],
)
def test_a_bad_id_token_ends_clearly_without_a_session(api, outbox, browser, franceconnect, tamper):
    signed_up(api, outbox, **CAMILLE)
    for name, value in tamper.items():
        setattr(franceconnect.tamper, name, value)
    landing = browser.login("camille")
    assert (landing.status, landing.params) == (
        303,
        {"statut": "erreur", "motif": "jeton_invalide"},
    )
    assert "mce_session" not in browser.cookies


def test_franceconnect_unreachable_is_a_clear_error(client, aws, monkeypatch):
    from chalicelib import services
    from tests.support.franceconnect import FcBrowser

    monkeypatch.setenv("FRANCECONNECT_ISSUER", "http://127.0.0.1:9")  # nothing listens there
    services.reset()
    services.get_settings()
    response = FcBrowser(client, None).get("/auth/franceconnect")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        "/connexion/franceconnect?statut=erreur&motif=fournisseur_indisponible"
    )


def test_no_token_code_or_state_reaches_the_logs(api, outbox, browser, log_output):
    linked(api, outbox, browser, **CAMILLE)
    callback = browser.consent(browser.start(), "camille")
    query = parse_qs(urlparse(callback).query)
    browser.come_back(callback)
    session = browser.cookies["mce_session"]
    browser.post("/auth/franceconnect/logout", {}, form=True)
    logs = log_output()
    assert "FranceConnectLoginSucceeded" in logs
    assert leaked(logs, [query["code"][0], query["state"][0], session]) == []
