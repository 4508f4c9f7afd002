from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from chalicelib.models import PasswordReset
from tests.support.people import PASSWORD, make_nir

NEW_PASSWORD = "Hv8$colline-Granit"


def request_reset(api, relay, nir):
    """Ask for a link; the account mail worker then sends it (the queue delivered)."""
    response = api.post("/password-resets", {"nir": nir})
    relay.deliver()
    return response


def token_from(mail) -> str:
    return parse_qs(urlparse(mail.link()).fragment)["jeton"][0]


def login(api, nir, password):
    return api.post("/sessions", {"nir": nir, "mot_de_passe": password})


def test_the_answer_is_the_same_whether_or_not_the_account_exists(
    api, active_account, outbox, relay
):
    payload, nir13 = active_account
    known = request_reset(api, relay, nir13)
    unknown = request_reset(api, relay, make_nir("M", "1950-05-05")[:13])
    assert known.status == unknown.status == 202
    assert known.json == unknown.json
    assert "réinitialisation" in outbox.last_to(payload["email"]).subject.lower()
    assert len(outbox.all()) == 2  # the signup code, then this one link


def test_the_link_sets_a_new_password_and_ends_every_session(api, logged_in, outbox, relay):
    payload, old_session = logged_in
    nir13 = payload["nir"][:13]
    request_reset(api, relay, nir13)
    token = token_from(outbox.last_to(payload["email"]))
    response = api.post(
        "/password-resets/confirmation", {"jeton": token, "mot_de_passe": NEW_PASSWORD}
    )
    assert (response.status, response.json) == (200, {"statut": "mot_de_passe_modifie"})
    assert api.get("/me", token=old_session).status == 401
    assert login(api, nir13, PASSWORD).status == 401
    assert login(api, nir13, NEW_PASSWORD).status == 200
    assert outbox.last_to(payload["email"]).subject == "Votre mot de passe a été modifié"


def test_a_link_serves_once(api, active_account, outbox, relay):
    payload, nir13 = active_account
    request_reset(api, relay, nir13)
    token = token_from(outbox.last_to(payload["email"]))
    assert (
        api.post(
            "/password-resets/confirmation", {"jeton": token, "mot_de_passe": NEW_PASSWORD}
        ).status
        == 200
    )
    again = api.post(
        "/password-resets/confirmation", {"jeton": token, "mot_de_passe": "Jw9%riviere-Basalte"}
    )
    assert again.status == 410
    assert token not in again.body.decode()


def test_an_expired_or_unknown_link_is_gone(api, active_account, outbox, relay):
    payload, nir13 = active_account
    request_reset(api, relay, nir13)
    token = token_from(outbox.last_to(payload["email"]))
    for reset in PasswordReset.scan():
        reset.update(
            actions=[PasswordReset.expires_at.set(datetime.now(UTC) - timedelta(seconds=1))]
        )
    assert (
        api.post(
            "/password-resets/confirmation", {"jeton": token, "mot_de_passe": NEW_PASSWORD}
        ).status
        == 410
    )
    assert (
        api.post(
            "/password-resets/confirmation", {"jeton": "inconnu", "mot_de_passe": NEW_PASSWORD}
        ).status
        == 410
    )


def test_the_new_password_follows_the_rule(api, active_account, outbox, relay):
    payload, nir13 = active_account
    request_reset(api, relay, nir13)
    token = token_from(outbox.last_to(payload["email"]))
    weak = api.post(
        "/password-resets/confirmation", {"jeton": token, "mot_de_passe": "Martin-Claire-1975!"}
    )
    assert weak.status == 400 and weak.json["errors"][0]["champ"] == "mot_de_passe"
    assert (
        api.post(
            "/password-resets/confirmation", {"jeton": token, "mot_de_passe": NEW_PASSWORD}
        ).status
        == 200
    )


def test_a_reset_unlocks_a_locked_account(api, active_account, outbox, relay):
    payload, nir13 = active_account
    for _ in range(5):
        login(api, nir13, "Pas-le-bon-mot-de-passe-1")
    assert login(api, nir13, PASSWORD).status == 429
    request_reset(api, relay, nir13)
    token = token_from(outbox.last_to(payload["email"]))
    api.post("/password-resets/confirmation", {"jeton": token, "mot_de_passe": NEW_PASSWORD})
    assert login(api, nir13, NEW_PASSWORD).status == 200


def test_a_reset_activates_an_account_whose_code_was_lost(api, outbox, relay):
    from tests.support.people import signup_payload

    payload = signup_payload()
    api.post("/accounts", payload)
    request_reset(api, relay, payload["nir"][:13])
    token = token_from(outbox.last_to(payload["email"]))
    assert (
        api.post(
            "/password-resets/confirmation", {"jeton": token, "mot_de_passe": NEW_PASSWORD}
        ).status
        == 200
    )
    assert login(api, payload["nir"][:13], NEW_PASSWORD).status == 200


def test_a_reset_link_dies_when_the_password_is_changed(api, logged_in, outbox, relay):
    """Someone who read the mailbox once (a link asked for, unused) keeps no way in after the
    holder changes the password."""
    payload, session = logged_in
    request_reset(api, relay, payload["nir"][:13])
    stolen = token_from(outbox.last_to(payload["email"]))
    changed = api.post(
        "/me/mot-de-passe",
        {"mot_de_passe_actuel": PASSWORD, "nouveau_mot_de_passe": NEW_PASSWORD},
        token=session,
    )
    assert changed.status in (200, 204)
    late = api.post(
        "/password-resets/confirmation", {"jeton": stolen, "mot_de_passe": "Jw9%riviere-Basalte"}
    )
    assert late.status == 410
    assert login(api, payload["nir"][:13], NEW_PASSWORD).status == 200


def test_a_reset_link_dies_when_the_email_is_changed(api, logged_in, outbox, relay):
    """The old address may be someone else's now (a shared or lost mailbox)."""
    payload, session = logged_in
    request_reset(api, relay, payload["nir"][:13])
    stolen = token_from(outbox.last_to(payload["email"]))
    new = "nouvelle.adresse@exemple.fr"
    assert (
        api.post("/me/email", {"email": new, "mot_de_passe": PASSWORD}, token=session).status == 202
    )
    code = outbox.last_to(new).code()
    assert api.post("/me/email/verification", {"code": code}, token=session).status == 200
    late = api.post(
        "/password-resets/confirmation", {"jeton": stolen, "mot_de_passe": NEW_PASSWORD}
    )
    assert late.status == 410
    assert login(api, payload["nir"][:13], PASSWORD).status == 200
