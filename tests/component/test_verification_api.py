from datetime import UTC, datetime, timedelta

from chalicelib.models import Account
from tests.support.people import signup_payload


def signup(api, outbox):
    payload = signup_payload()
    assert api.post("/accounts", payload).status == 201
    return payload["email"], outbox.last_to(payload["email"]).code()


def verify(api, email, code):
    return api.post("/accounts/verification", {"email": email, "code": code})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_the_emailed_code_activates_the_account(api, outbox):
    email, code = signup(api, outbox)
    response = verify(api, email, code)
    assert response.status == 200 and response.json["statut"] == "active"
    again = verify(api, email, code)
    unknown = verify(api, "personne@exemple.fr", code)
    # an active account and an unknown address: the same answer
    assert again.status == unknown.status == 400 and again.json == unknown.json


def test_a_wrong_code_says_how_many_tries_are_left(api, outbox):
    email, code = signup(api, outbox)
    response = verify(api, email, wrong(code))
    assert response.status == 400
    assert response.json["errors"] == [
        {"champ": "code", "message": "Code incorrect. Il vous reste 4 essais."}
    ]


def test_after_five_wrong_codes_even_the_right_one_is_refused(api, outbox):
    email, code = signup(api, outbox)
    for _ in range(5):
        assert verify(api, email, wrong(code)).status == 400
    response = verify(api, email, code)
    assert response.status == 410
    assert "nouveau code" in response.json["detail"]


def test_a_code_older_than_fifteen_minutes_is_refused(api, outbox):
    email, code = signup(api, outbox)
    for account in Account.scan():
        account.update(
            actions=[Account.verification_expires_at.set(datetime.now(UTC) - timedelta(seconds=1))]
        )
    assert verify(api, email, code).status == 410


def test_a_new_code_replaces_the_old_one(api, outbox):
    email, old_code = signup(api, outbox)
    for account in Account.scan():  # past the one-minute cooldown between two emails
        account.update(
            actions=[Account.verification_sent_at.set(datetime.now(UTC) - timedelta(minutes=2))]
        )
    response = api.post("/accounts/verification-codes", {"email": email})
    assert response.status == 202
    new_code = outbox.last_to(email).code()
    assert len(outbox.to(email)) == 2
    if new_code != old_code:
        assert verify(api, email, old_code).status == 400
    assert verify(api, email, new_code).status == 200


def test_asking_again_within_a_minute_sends_nothing_more(api, outbox):
    email, _ = signup(api, outbox)
    assert api.post("/accounts/verification-codes", {"email": email}).status == 202
    assert len(outbox.to(email)) == 1


def test_asking_a_code_for_an_unknown_address_answers_the_same_and_sends_nothing(api, outbox):
    known_email, _ = signup(api, outbox)
    unknown = api.post("/accounts/verification-codes", {"email": "personne@exemple.fr"})
    known = api.post("/accounts/verification-codes", {"email": known_email})
    assert (unknown.status, unknown.json) == (known.status, known.json)
    assert outbox.to("personne@exemple.fr") == []


def test_verification_needs_email_and_code(api):
    response = api.post("/accounts/verification", {"email": "a@exemple.fr"})
    assert response.status == 400
    assert response.json["errors"][0]["champ"] == "code"
    unknown = verify(api, "inconnu@exemple.fr", "123456")
    assert unknown.status == 400 and unknown.json["errors"][0]["champ"] == "email"
