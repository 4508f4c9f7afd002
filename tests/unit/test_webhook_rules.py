"""What a webhook may call and when it is tried again: pure, with the name resolution given
(no network); and a delivery connects to the address checked, whatever the name answers next."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from chalicelib.webhooks import events
from chalicelib.webhooks.addresses import UnsafeUrl, check
from chalicelib.webhooks.courier import Courier, signed_headers


def _resolving(*found):
    return lambda host, port: list(found)


def test_a_public_https_endpoint_is_taken_with_the_address_it_resolves_to():
    target = check("https://hooks.exemple.fr/mce?o=1", resolver=_resolving("192.0.43.8"))
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https",
        "hooks.exemple.fr",
        443,
        "/mce?o=1",
        "192.0.43.8",
    )


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address refused, not one bound
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
        "224.0.0.1",
    ],
)
def test_a_name_resolving_to_any_non_public_address_is_refused(address):
    with pytest.raises(UnsafeUrl, match="adresse privée"):
        check("https://hooks.exemple.fr/", resolver=_resolving("192.0.43.8", address))


def test_only_the_allowed_origins_are_taken_as_they_are():
    allowed = ("http://127.0.0.1:8300",)
    assert check("http://127.0.0.1:8300/x", allowed, _resolving("127.0.0.1")).address == (
        "127.0.0.1"
    )
    for other in ("http://127.0.0.1:8301/", "http://localhost:8300/", "https://127.0.0.1:8300/"):
        with pytest.raises(UnsafeUrl):
            check(other, allowed, _resolving("127.0.0.1"))


def test_the_retries_back_off_within_a_day_each_within_what_sqs_allows():
    delays = [events.retry_delay(n) for n in range(1, events.ATTEMPTS)]
    assert delays == sorted(delays) and all(d <= 12 * 3600 for d in delays)
    assert 20 * 3600 < sum(delays) < 24 * 3600  # the last attempt, after the first one
    assert events.retry_delay(events.ATTEMPTS) is None


def test_the_signature_is_the_standard_one():
    secret = b"k" * 32
    now = datetime.now(UTC)
    body = events.body(events.test_event(now))
    headers = signed_headers(secret, "evt_1", now, body)
    assert Webhook(secret).verify(body, headers)["type"] == "test"
    with pytest.raises(Exception, match="signature"):
        Webhook(b"x" * 32).verify(body, headers)


class _Store:
    def __init__(self, url):
        self.subscription_url = url
        self.attempts = []

    def subscription(self, siret):
        return type("S", (), {"url": self.subscription_url, "secret_chiffre": b""})()

    def secret(self, siret, blob):
        return b"k" * 32

    def record_attempt(self, siret, event, status, code, now):
        self.attempts.append((status, code))


def test_a_delivery_connects_to_the_address_checked_and_never_to_a_rebound_one():
    answers = iter([["192.0.43.8"], ["10.0.0.5"]])  # the name rebinds between deliveries
    posted = []
    store = _Store("https://hooks.exemple.fr/mce")
    courier = Courier(
        store,  # type: ignore[arg-type]
        lambda: datetime.now(UTC),
        resolver=lambda host, port: next(answers),
        post=lambda target, body, headers: posted.append(target.address) or 204,
    )
    message = {"siret": "1", "event": events.test_event(datetime.now(UTC))}
    assert courier.deliver(message, 1).delivered
    outcome = courier.deliver(message, 1)
    assert posted == ["192.0.43.8"]  # the private address was never called
    assert (outcome.delivered, outcome.retry_in) == (False, events.retry_delay(1))
    assert store.attempts == [("livree", 204), ("en_cours", None)]
