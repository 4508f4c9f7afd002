"""The attacker's side: each test plays an attack that worked before its control existed.

The RNE is open data: anyone can read an official's name, sex and birth date. The tests here
type them, share a browser, fire requests at once, and probe what an answer gives away."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from chalicelib import services
from chalicelib.accounts.errors import AccountLocked, BadCredentials, CodeExpired, WrongCode
from chalicelib.accounts.schemas import PasswordChange
from chalicelib.api import problem_for
from chalicelib.errors import DomainError
from chalicelib.models import Account, LedgerEntry, TakenBack
from tests.support.atomic_dynamodb import atomic_requests
from tests.support.people import PASSWORD, make_nir, signup_payload
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write
from tests.support.rne_world import RneWorld

# An official as the RNE publishes her, and as FranceConnect certifies her (local provider).
CAMILLE = {
    "nom_naissance": "Bernard",
    "nom_usage": "Durand",
    "prenoms": "Camille",
    "sexe": "F",
    "date_naissance": "1975-03-08",
    "lieu_naissance": "35238",
}


@pytest.fixture
def world(aws, api, outbox):
    world = RneWorld(aws, api, outbox)
    world.ingest(
        "prefectures/35/cm.csv",
        write(CURRENT_HEADER, [municipal_row("BERNARD", "Camille", "F", "08/03/1975")]),
    )
    return world


def rights(api, payload):
    token = api.post("/sessions", {"nir": payload["nir"][:13], "mot_de_passe": PASSWORD}).json[
        "token"
    ]
    return api.get("/me", token=token).json, api.get("/me/rights", token=token).json


def test_a_squatter_with_an_invented_nir_loses_the_mandate_to_the_certified_official(
    api, world, browser, log_output
):
    # The squatter types what the RNE publishes, with an invented NIR whose key is right.
    squatter = world.person(**{**CAMILLE, "email": "squatter@exemple.fr"})
    me, held = rights(api, squatter)
    assert me["elu"] is True and me["identite"] == "declaree"
    assert held["elu"]["montant_disponible"] == "800.00"
    # The official signs up too, typing the same: two typed identities, nobody keeps it.
    official = world.person(**{**CAMILLE, "email": "camille.bernard@exemple.fr"})
    assert rights(api, squatter)[0]["elu"] is False
    assert rights(api, squatter)[1]["elu"] is None
    assert rights(api, official)[0]["elu"] is False
    # The official certifies her identity with FranceConnect: the mandate is hers.
    assert browser.login("camille").path == "/inscription"
    linked = browser.post("/sessions", {"nir": official["nir"][:13], "mot_de_passe": PASSWORD})
    assert linked.json_body["franceconnect"] == "lie"
    me, held = rights(api, official)
    assert me["elu"] is True and me["identite"] == "certifiee"
    assert held["elu"]["montant_disponible"] == "800.00"
    # The squatter's credits were reversed by a ledger entry, and the case is listed.
    squatter_account = next(a for a in Account.scan() if a.email == "squatter@exemple.fr")
    entries = [e for e in LedgerEntry.query(squatter_account.nir_hash) if e.montant_centimes]
    assert sum(int(e.montant_centimes) for e in entries) == 0
    assert any("Reprise" in (e.libelle or "") for e in entries)
    [case] = [item for item in TakenBack.scan() if item.pk.startswith("reprise#")]
    assert case.compte == squatter_account.id and case.repris_centimes == 80_000
    assert "RneMandateTakenBack" in log_output()
    # A new RNE file of the same person goes to the certified identity only.
    world.ingest(
        "prefectures/35/cm-2.csv",
        write(CURRENT_HEADER, [municipal_row("BERNARD", "Camille", "F", "08/03/1975")]),
    )
    assert rights(api, squatter)[0]["elu"] is False
    assert rights(api, official)[0]["elu"] is True


def test_a_typed_identity_alone_can_see_rights_but_never_spend_them(api, world):
    squatter = world.person(**CAMILLE)
    me, held = rights(api, squatter)
    assert me["elu"] is True and held["elu"]["montant_disponible"] == "800.00"
    from tests.support.enrolment import formation, organisme_key, request_place

    training = formation(prix="300")
    key = organisme_key()
    token = api.post("/sessions", {"nir": squatter["nir"][:13], "mot_de_passe": PASSWORD}).json[
        "token"
    ]
    dossier = request_place(api, token, training["id"], training["sessions"][0]["id"]).json
    api.post(
        f"/organismes/dossiers/{dossier['id']}/acceptation",
        headers={"Authorization": f"Bearer {key}"},
    )
    refused = api.post(f"/me/dossiers/{dossier['id']}/validation", token=token)
    assert refused.status == 403 and refused.json["type"].endswith("identite-certifiee-requise")


def test_an_account_pre_typed_with_a_foreign_birthplace_never_receives_the_victims_login(
    api, outbox, browser
):
    """The attacker typed the victim's identity with a country as birthplace (which skipped the
    birthplace check), and waits for the victim's first FranceConnect login."""
    attacker = signup_payload(
        **{**CAMILLE, "lieu_naissance": "Belgique", "email": "attente@exemple.fr"},
        nir=make_nir("F", "1975-03-08", place="99131"),
    )
    assert api.post("/accounts", attacker).status == 201
    code = outbox.last_to("attente@exemple.fr").code()
    api.post("/accounts/verification", {"email": "attente@exemple.fr", "code": code})
    landing = browser.login("camille")  # the victim's first FranceConnect login
    assert landing.path == "/inscription"  # her identity waits for her, nobody's session
    assert "mce_session" not in browser.cookies
    [account] = list(Account.scan())
    assert account.franceconnect is None


def test_twelve_codes_at_once_compare_five_at_most(api, outbox):
    payload = signup_payload()
    api.post("/accounts", payload)
    right = outbox.last_to(payload["email"]).code()
    guesses = [f"{(int(right) + n) % 10**6:06d}" for n in range(1, 13)]
    signup = services.signup()
    start = threading.Barrier(len(guesses))

    def guess(code):
        start.wait()
        try:
            signup.verify_email(payload["email"], code)
            return "ok"
        except WrongCode:
            return "compared"
        except CodeExpired:
            return "refused"

    with atomic_requests(), ThreadPoolExecutor(len(guesses)) as pool:
        outcomes = list(pool.map(guess, guesses))
    assert outcomes.count("compared") <= 5 and "ok" not in outcomes
    assert outcomes.count("refused") >= 7
    with pytest.raises(CodeExpired):  # even the right code: the tries are spent
        signup.verify_email(payload["email"], right)


def test_eight_wrong_passwords_at_once_end_in_a_lock(api, active_account):
    _, nir13 = active_account
    sessions = services.sessions()
    start = threading.Barrier(8)

    def attempt(_):
        start.wait()
        try:
            sessions.login(nir13, "Pas-le-bon-mot-de-passe-1")
        except BadCredentials:
            return "checked"
        except AccountLocked:
            return "locked"
        return "in"

    with atomic_requests(), ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert outcomes.count("checked") <= 5 and "in" not in outcomes
    with pytest.raises(AccountLocked):
        sessions.login(nir13, PASSWORD)  # even the right password, for now


def test_a_late_failure_never_clears_a_fresh_lock(api, active_account):
    [account] = list(Account.scan())
    store = services.account_store()
    later = datetime.now(UTC) + timedelta(minutes=15)
    store.lock(account, later)
    store.lock(account, later - timedelta(minutes=5))  # a slower failure, locking earlier
    account.refresh()
    assert account.locked_until == later


def test_a_nir_without_account_is_locked_like_any_other(api, active_account):
    _, nir13 = active_account
    unknown = make_nir("M", "1960-01-01")[:13]
    answers = {}
    for nir in (nir13, unknown):
        for _ in range(5):
            assert (
                api.post("/sessions", {"nir": nir, "mot_de_passe": "Faux-mot-2-passe!"}).status
                == 401
            )
        answers[nir] = api.post("/sessions", {"nir": nir, "mot_de_passe": "Faux-mot-2-passe!"})
    assert answers[nir13].status == answers[unknown].status == 429
    assert answers[nir13].json["type"] == answers[unknown].json["type"]


def test_no_link_on_another_site_can_log_anyone_out(client, logged_in):
    _, token = logged_in
    for path in ("/auth/franceconnect/logout", "/sessions/current"):
        response = client.http.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code in (403, 405), path  # a GET ends no session
    me = client.http.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_a_return_address_elsewhere_is_never_kept(browser):
    """?retour= from a crafted link: the login starts, and only a path of this site is kept
    for the way back."""
    from urllib.parse import quote

    from chalicelib.models import FcLoginState

    for retour in (
        "//evil.example",
        "/%09/evil.example",
        "https://evil.example/",
        "/dossier?id=DOS-1",
    ):
        browser.start(f"retour={quote(retour, safe='')}")
    kept = {item.retour for item in FcLoginState.scan() if item.pk.startswith("etat#")}
    assert kept == {None, "/dossier?id=DOS-1"}


def test_a_client_cannot_choose_the_address_it_is_counted_under(api):
    """Help requests are limited to 10 an hour per address: headers the client sets
    (X-Forwarded-For, or the one CloudFront sets once deployed) change nothing here."""
    body = {
        "situation": "droits_elu_invisibles",
        "nom_naissance": "Martin",
        "prenoms": "Claire",
        "date_naissance": "1975-03-14",
        "lieu_naissance": "Rennes",
        "collectivite": "Rennes",
    }
    for n in range(10):
        spoofed = {"X-Forwarded-For": f"10.1.0.{n}", "x-mce-viewer-ip": f"10.0.0.{n}"}
        assert (
            api.post(
                "/support-requests", {**body, "email": f"p{n}@exemple.fr"}, headers=spoofed
            ).status
            == 202
        )
    refused = api.post(
        "/support-requests",
        {**body, "email": "p99@exemple.fr"},
        headers={"x-mce-viewer-ip": "10.9.9.9"},
    )
    assert refused.status == 429


def test_nobody_tests_nirs_in_bulk_through_signup(api):
    """Signup says when a NIR has an account (people need to know): 30 tries an hour per
    address, then 429."""
    answers = [api.post("/accounts", signup_payload()).status for _ in range(31)]
    assert answers[:30] == [201] * 30 and answers[30] == 429


def test_operators_list_the_mandates_taken_back(api, world, browser, capsys):
    from infra import rne

    world.person(**{**CAMILLE, "email": "squatter2@exemple.fr"})
    official = world.person(**{**CAMILLE, "email": "camille.b2@exemple.fr"})
    browser.login("camille")
    browser.post("/sessions", {"nir": official["nir"][:13], "mot_de_passe": PASSWORD})
    assert rne.main(["reprises"]) == 0
    out = capsys.readouterr().out
    assert "1 reprise(s)" in out and "800,00\u00a0€ repris" in out


def _at_once(count_, action):
    start = threading.Barrier(count_)

    def run(n):
        start.wait()
        try:
            action(n)
            return "ok"
        except Exception as error:  # noqa: BLE001 - what each one ends with, said by the API
            if not isinstance(error, DomainError):
                return f"500 {type(error).__name__}"
            return problem_for(error).status

    with atomic_requests(), ThreadPoolExecutor(count_) as pool:
        return list(pool.map(run, range(count_)))


def test_two_password_changes_at_once_end_in_one_change_and_a_409(api, logged_in):
    _, token = logged_in
    sessions, mine = services.sessions(), services.my_account()
    new = ["Hv8$colline-Granit", "Jw9%riviere-Basalte"]

    def change(n):
        account, session = sessions.current(token)
        change = PasswordChange.read(
            {"mot_de_passe_actuel": PASSWORD, "nouveau_mot_de_passe": new[n]}
        )
        mine.change_password(account, session, change)

    outcomes = _at_once(2, change)
    assert sorted(map(str, outcomes)) == ["409", "ok"]


def test_an_email_confirmed_while_another_change_is_asked_is_a_409(
    api, logged_in, outbox, monkeypatch
):
    """Between the code's check and the change, a second request asks for another address:
    the change's transaction is refused, and the person is told, not given a 500."""
    payload, token = logged_in
    first, second = "claire.ailleurs@exemple.fr", "claire.encore@exemple.fr"
    assert (
        api.post("/me/email", {"email": first, "mot_de_passe": PASSWORD}, token=token).status == 202
    )
    code = outbox.last_to(first).code()
    store = services.account_store()
    change = store.change_email

    def interleaved(*args, **kwargs):
        asked = api.post("/me/email", {"email": second, "mot_de_passe": PASSWORD}, token=token)
        assert asked.status == 202
        return change(*args, **kwargs)

    monkeypatch.setattr(store, "change_email", interleaved)
    later = datetime.now(UTC) + timedelta(minutes=2)  # past the minute between two codes
    with time_machine.travel(later, tick=False):
        confirmed = api.post("/me/email/verification", {"code": code}, token=token)
    assert confirmed.status == 409, confirmed.json
    assert confirmed.headers["Content-Type"] == "application/problem+json"
    assert api.get("/me", token=token).json["email"] == payload["email"]
