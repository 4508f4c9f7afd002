from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from bench.call_counter import count_aws_calls, dynamodb_calls
from chalicelib.models import Account, Session
from tests.support.people import PASSWORD, make_nir, signup_payload


def login(api, nir, password=PASSWORD):
    return api.post("/sessions", {"nir": nir, "mot_de_passe": password})


def test_login_answers_a_token_and_a_secure_cookie(api, active_account):
    _, nir13 = active_account
    response = login(api, nir13)
    assert response.status == 200
    token = response.json["token"]
    assert datetime.fromisoformat(response.json["expires_at"]) > datetime.now(UTC)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"mce_session={token};")
    for attribute in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/"):
        assert attribute in cookie
    assert response.headers["Cache-Control"] == "no-store"


def test_the_token_works_as_bearer_and_as_cookie(api, logged_in):
    payload, token = logged_in
    by_bearer = api.get("/me", token=token)
    by_cookie = api.get("/me", headers={"Cookie": f"other=1; mce_session={token}"})
    assert by_bearer.status == by_cookie.status == 200
    me = by_bearer.json
    assert me["prenoms"] == "Claire Marie"
    assert me["nom"] == "Lefèvre"  # the usage name when there is one
    assert me["nom_naissance"] == "Martin"
    assert me["email"] == payload["email"]
    assert me["elu"] is False and me["mandats"] == []
    assert me["diplome"] == "niveau_7"  # only the owner ever sees it


def test_a_full_15_character_nir_also_logs_in(api, active_account):
    payload, _ = active_account
    assert login(api, payload["nir"]).status == 200


def test_unknown_nir_and_wrong_password_get_the_same_answer(api, active_account):
    _, nir13 = active_account
    wrong_password = login(api, nir13, "Pas-le-bon-mot-de-passe-1")
    unknown_nir = login(api, make_nir("M", "1960-01-01")[:13])
    assert wrong_password.status == unknown_nir.status == 401
    assert wrong_password.json == unknown_nir.json


def test_an_unverified_account_cannot_log_in(api, outbox):
    payload = signup_payload()
    assert api.post("/accounts", payload).status == 201
    assert login(api, payload["nir"][:13], "Pas-le-bon-mot-de-passe-1").status == 401
    response = login(api, payload["nir"][:13])
    assert response.status == 403
    assert "vérifiée" in response.json["detail"]


def test_five_failures_lock_the_account_for_a_while(api, active_account):
    _, nir13 = active_account
    for _ in range(5):
        assert login(api, nir13, "Pas-le-bon-mot-de-passe-1").status == 401
    locked = login(api, nir13)  # even the right password
    assert locked.status == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60 + 1
    assert datetime.fromisoformat(locked.json["reessayer_apres"]) > datetime.now(UTC)
    assert "Réessayez après" in locked.json["detail"]


def test_once_the_lock_has_expired_the_right_password_works_and_clears_failures(
    api, active_account
):
    _, nir13 = active_account
    for _ in range(5):
        login(api, nir13, "Pas-le-bon-mot-de-passe-1")
    [account] = list(Account.scan())
    account.update(actions=[Account.locked_until.set(datetime.now(UTC) - timedelta(seconds=1))])
    assert login(api, nir13).status == 200
    account.refresh()
    assert account.failed_logins == 0 and account.locked_until is None


def test_logout_ends_the_session_at_once(api, logged_in):
    _, token = logged_in
    response = api.delete("/sessions/current", token=token)
    assert response.status == 204
    assert "Max-Age=0" in response.headers["Set-Cookie"]
    assert api.get("/me", token=token).status == 401
    assert api.delete("/sessions/current", token=token).status == 401


def test_sessions_expire(api, logged_in):
    _, token = logged_in
    for session in Session.scan():
        session.update(actions=[Session.expires_at.set(datetime.now(UTC) - timedelta(seconds=1))])
    response = api.get("/me", token=token)
    assert response.status == 401
    assert "reconnectez-vous" in response.json["detail"]


def test_me_without_a_session_is_401_with_a_challenge(api):
    response = api.get("/me")
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert api.get("/me", token="nimportequoi").status == 401


def test_login_costs_at_most_three_dynamodb_calls(api, active_account):
    _, nir13 = active_account
    # A container reads the time of the last RNE file once a minute: not in the count.
    assert login(api, nir13).status == 200
    with count_aws_calls() as calls:
        assert login(api, nir13).status == 200
    assert dynamodb_calls(calls) <= 3
    with count_aws_calls() as calls:
        assert login(api, nir13, "Pas-le-bon-mot-de-passe-1").status == 401
    assert dynamodb_calls(calls) <= 3


def test_login_input_errors_name_the_field(api):
    response = api.post("/sessions", {"nir": "12", "mot_de_passe": "x"})
    assert response.status == 400 and response.json["errors"][0]["champ"] == "nir"
    response = api.post("/sessions", {"nir": "1750375056123"})
    assert response.status == 400 and response.json["errors"][0]["champ"] == "mot_de_passe"


@contextmanager
def _transactions_conflicting(times: int):
    """DynamoDB's answer to a transaction that overlapped another on the same item, for the
    next `times` TransactWriteItems (moto, serving one request at a time, never gives it)."""
    from types import SimpleNamespace

    from chalicelib.models import shared_connection

    left = {"conflicts": times, "transactions": 0}

    def answer(**_):
        left["transactions"] += 1
        if left["conflicts"] == 0:
            return None  # on to moto
        left["conflicts"] -= 1
        return SimpleNamespace(status_code=400), {
            "Error": {
                "Code": "TransactionCanceledException",
                "Message": "Transaction cancelled, please refer cancellation reasons for "
                "specific reasons [None, TransactionConflict]",
            },
            "CancellationReasons": [
                {"Code": "None"},
                {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"},
            ],
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }

    events = shared_connection().client.meta.events
    events.register_first("before-call.dynamodb.TransactWriteItems", answer)
    try:
        yield left
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", answer)


def test_a_login_overlapping_another_of_the_same_account_is_retried(api, active_account):
    """Two devices logging in at once: DynamoDB cancels one's transaction, which is run again."""
    _, nir13 = active_account
    with _transactions_conflicting(2) as left:
        response = login(api, nir13)
    assert response.status == 200
    assert left["transactions"] == 3
    assert api.get("/me", token=response.json["token"]).status == 200


def test_a_login_conflicting_again_and_again_is_told_to_come_back_not_a_500(api, active_account):
    _, nir13 = active_account
    with _transactions_conflicting(100) as left:
        response = login(api, nir13)
    assert response.status == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "1"
    assert "Réessayez" in response.json["detail"]
    assert left["transactions"] == 5
    assert login(api, nir13).status == 200  # nothing was locked or half written
