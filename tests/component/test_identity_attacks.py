"""Only the official spends the official's rights: the attacks on the one path that moves
money, each played through the API with the local FranceConnect+ (no shortcut into the store).

The RNE is public: an attacker knows an official's names, sex and birth date, and picks one
of her own sex and birth date who has no account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.models import Account, FcPendingIdentity
from tests.support.enrolment import formation, organisme_key, request_place
from tests.support.people import PASSWORD, make_nir, signup_payload
from tests.support.rne_files import CURRENT_HEADER, municipal_row, write
from tests.support.rne_world import RneWorld

# The official as the RNE lists her (no account), and as the civil registry knows her.
OFFICIAL_ROW = municipal_row("BERNARD", "Camille", "F", "08/03/1975", debut="28/06/2020")
# The attacker's own identity, as FranceConnect+ certifies it: same sex and birth date.
SOPHIE = {
    "id": "sophie",
    "given_name": "Sophie",
    "family_name": "MARTIN",
    "preferred_username": "",
    "birthdate": "1975-03-08",
    "gender": "female",
    "birthplace": "69123",
    "birthcountry": "99100",
    "email": "sophie.martin@exemple.fr",
}


@pytest.fixture
def world(aws, api, outbox):
    world = RneWorld(aws, api, outbox)
    world.ingest("prefectures/35/cm.csv", write(CURRENT_HEADER, [OFFICIAL_ROW]))
    return world


@pytest.fixture
def attacker_fc(franceconnect):
    franceconnect.identities["sophie"] = SOPHIE
    return franceconnect


def typed_official(world, **overrides) -> dict:
    """A verified account typed with the official's identity, birthplace included."""
    identity = {
        "nom_naissance": "Bernard",
        "nom_usage": None,
        "prenoms": "Camille",
        "sexe": "F",
        "date_naissance": "1975-03-08",
        "lieu_naissance": "35238",
        "nir": make_nir("F", "1975-03-08", place="35238"),
    }
    return world.person(**{**identity, **overrides})


def _login(api, payload) -> str:
    answer = api.post("/sessions", {"nir": payload["nir"][:13], "mot_de_passe": PASSWORD})
    assert answer.status == 200, answer.json
    return answer.json["token"]


def _accepted_file(api, token) -> str:
    training = formation(prix="300")
    key = organisme_key()
    dossier = request_place(api, token, training["id"], training["sessions"][0]["id"]).json
    accepted = api.post(
        f"/organismes/dossiers/{dossier['id']}/acceptation",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert accepted.status == 200, accepted.json
    return dossier["id"]


def test_a_mixed_typed_identity_never_certifies_nor_spends_the_officials_rights(
    api, world, browser, attacker_fc
):
    # The official's birth name and first given name, her own usage name, given name,
    # birthplace and NIR (only sex, year and month of a NIR are checked).
    attacker = world.person(
        nom_naissance="Bernard",
        nom_usage="Martin",
        prenoms="Camille Sophie",
        sexe="F",
        date_naissance="1975-03-08",
        lieu_naissance="69123",
        nir=make_nir("F", "1975-03-08", place="69123"),
        email="sophie.martin@exemple.fr",
    )
    token = _login(api, attacker)
    assert api.get("/me", token=token).json["elu"] is True  # declared: seen, not spendable
    dossier = _accepted_file(api, token)
    # FranceConnect+ with her own identity, then her password on the same browser.
    assert browser.login("sophie", "niveau=eidas2").path == "/inscription"
    answer = browser.post("/sessions", {"nir": attacker["nir"][:13], "mot_de_passe": PASSWORD})
    assert answer.json_body["franceconnect"] == "non_lie"
    spent = browser.post(f"/me/dossiers/{dossier}/validation", {})
    assert spent.status_code == 403, spent.body
    me = api.get("/me", token=_login(api, attacker)).json
    assert me["identite"] == "declaree"
    [account] = list(Account.scan())
    assert account.franceconnect is None and int(account.dif_solde_centimes) == 80_000


def test_a_usage_name_typed_beside_a_true_identity_is_dropped_at_certification(
    api, world, browser, attacker_fc
):
    """Her own identity typed truly, with the official's birth name as "usage name": the
    certification holds (it is her pivot) but the typed usage name goes, and the mandate
    it found with it is released, its credits reversed."""
    attacker = world.person(
        nom_naissance="Martin",
        nom_usage="Bernard",
        prenoms="Sophie Camille",
        sexe="F",
        date_naissance="1975-03-08",
        lieu_naissance="69123",
        nir=make_nir("F", "1975-03-08", place="69123"),
        email="sophie.martin@exemple.fr",
    )
    attacker_fc.identities["sophie"] = {**SOPHIE, "given_name": "Sophie Camille"}
    token = _login(api, attacker)
    assert api.get("/me", token=token).json["elu"] is True
    dossier = _accepted_file(api, token)
    browser.login("sophie", "niveau=eidas2")
    answer = browser.post("/sessions", {"nir": attacker["nir"][:13], "mot_de_passe": PASSWORD})
    assert answer.json_body["franceconnect"] == "lie"
    me = browser.get("/me").json_body
    assert me["identite"] == "certifiee" and me["nom_usage"] is None and me["elu"] is False
    assert me["nom_naissance"] == "MARTIN" and me["prenoms"] == "Sophie Camille"
    spent = browser.post(f"/me/dossiers/{dossier}/validation", {})
    assert spent.status_code in (403, 422), spent.body
    [account] = list(Account.scan())
    assert int(account.dif_solde_centimes or 0) == 0 and not account.rne_mandats


def test_an_identity_left_on_a_shared_computer_is_nobodys(api, outbox, world, browser):
    """The official came back from FranceConnect+ on a town-hall computer and walked away.
    A squatter who typed her public identity with a country as birthplace logs in there."""
    squatter = signup_payload(
        nom_naissance="Bernard",
        nom_usage="Durand",
        prenoms="Camille",
        sexe="F",
        date_naissance="1975-03-08",
        lieu_naissance="Belgique",
        nir=make_nir("F", "1975-03-08", place="99131"),
        email="squat@exemple.fr",
    )
    assert api.post("/accounts", squatter).status == 201
    code = outbox.last_to("squat@exemple.fr").code()
    api.post("/accounts/verification", {"email": "squat@exemple.fr", "code": code})
    assert browser.login("camille", "niveau=eidas2").path == "/inscription"
    answer = browser.post("/sessions", {"nir": squatter["nir"][:13], "mot_de_passe": PASSWORD})
    assert answer.json_body["franceconnect"] == "non_lie"
    assert "mce_fc_attente" not in browser.cookies
    [account] = [a for a in Account.scan() if a.email == "squat@exemple.fr"]
    assert account.franceconnect is None
    # The official's next FranceConnect login, even from the squatter's open session, lands
    # in no account of the squatter's.
    landing = browser.login("camille")
    assert landing.params.get("motif") == "identite_differente"
    account.refresh()
    assert account.franceconnect is None


def test_a_waiting_identity_links_only_at_the_login_that_follows_it_soon(
    api, outbox, browser, world
):
    """Even typed exactly (birthplace included), the identity waiting in the browser links
    only within 5 minutes: later, the login is a login and the identity is dropped."""
    holder = typed_official(world, nom_usage="Durand")
    assert browser.login("camille", "niveau=eidas2").path == "/inscription"
    [pending] = [p for p in FcPendingIdentity.scan() if p.pk.startswith("attente#")]
    pending.update(
        actions=[FcPendingIdentity.created_at.set(datetime.now(UTC) - timedelta(minutes=6))]
    )
    answer = browser.post("/sessions", {"nir": holder["nir"][:13], "mot_de_passe": PASSWORD})
    assert answer.json_body["franceconnect"] == "non_lie"
    assert "5 minutes" in answer.json_body["franceconnect_motif"]
    assert all(a.franceconnect is None for a in Account.scan())


def test_a_logged_in_person_links_from_her_own_session(api, world, browser):
    holder = typed_official(world, nom_usage="Durand")
    browser.post("/sessions", {"nir": holder["nir"][:13], "mot_de_passe": PASSWORD})
    landing = browser.login("camille", "niveau=eidas2&retour=%2Fespace")
    assert landing.path == "/espace", landing
    assert browser.get("/me").json_body["identite"] == "certifiee"


def test_a_deleted_officials_rights_never_go_to_whoever_types_her_nir(api, world):
    official = typed_official(world)
    token = _login(api, official)
    assert api.get("/me/rights", token=token).json["elu"]["montant_disponible"] == "800.00"
    assert api.delete("/me", body={"mot_de_passe": PASSWORD}, token=token).status == 204
    # Someone else, knowing the NIR, signs up with it under other names.
    taker = world.person(
        nom_naissance="Petit",
        nom_usage=None,
        prenoms="Julie",
        sexe="F",
        date_naissance="1975-03-21",
        lieu_naissance="75056",
        nir=official["nir"],
        email="julie.petit@exemple.fr",
    )
    token = _login(api, taker)
    rights = api.get("/me/rights", token=token).json
    assert rights["elu"] is None or rights["elu"]["montant_disponible"] == "0.00"
    assert "FranceConnect+" in rights["rattachement"]
    assert api.get("/me/rights/history", token=token).json["operations"] == []
    assert api.get("/me/dossiers", token=token).json["dossiers"] == []


def test_a_declared_identity_holds_one_open_request_at_a_time(api, world, browser):
    squatter = typed_official(world)
    token = _login(api, squatter)
    training = formation(prix="300")
    other = formation(prix="200")
    first = request_place(api, token, training["id"], training["sessions"][0]["id"])
    assert first.status == 201
    second = request_place(api, token, other["id"], other["sessions"][0]["id"])
    assert second.status == 409, second.json
    assert second.json["type"].endswith("une-demande-a-la-fois")
    assert second.json["dossier"] == first.json["id"]
    assert "FranceConnect+" in second.json["detail"]
    # Cancelled, the request frees its turn.
    assert api.post(f"/me/dossiers/{first.json['id']}/annulation", token=token).status == 200
    assert request_place(api, token, other["id"], other["sessions"][0]["id"]).status == 201
    # Certified, the same person holds as many as the rules allow.
    browser.post("/sessions", {"nir": squatter["nir"][:13], "mot_de_passe": PASSWORD})
    browser.login("camille", "niveau=eidas2")
    more = request_place(api, _login(api, squatter), training["id"], training["sessions"][1]["id"])
    assert more.status == 201, more.json
