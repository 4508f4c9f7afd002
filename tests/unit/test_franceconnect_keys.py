"""The service's FranceConnect+ encryption key set: rotation, what is published, what is read."""

import json

import pytest

from chalicelib.franceconnect.encryption_keys import (
    KEPT,
    InvalidKeySet,
    parse,
    public,
    rotated,
)


def test_a_rotation_puts_a_new_key_first_and_keeps_the_previous_one_only():
    first = rotated(None, "k1")
    second = rotated(first, "k2")
    third = rotated(second, "k3")
    assert [k["kid"] for k in first["keys"]] == ["k1"]
    assert [k["kid"] for k in second["keys"]] == ["k2", "k1"]
    assert [k["kid"] for k in third["keys"]] == ["k3", "k2"]
    assert len(third["keys"]) == KEPT
    assert third["keys"][1] == second["keys"][0]  # the kept key is the same key, not a new one


def test_a_key_id_serves_once():
    with pytest.raises(InvalidKeySet):
        rotated(rotated(None, "k1"), "k1")


def test_only_the_public_halves_are_published():
    key_set = rotated(rotated(None, "k1"), "k2")
    published = public(key_set)["keys"]
    assert [k["kid"] for k in published] == ["k2", "k1"]
    assert all("d" not in k and k["use"] == "enc" and k["alg"] == "ECDH-ES" for k in published)
    assert all(k["x"] == p["x"] for k, p in zip(key_set["keys"], published, strict=True))


@pytest.mark.parametrize(
    "secret",
    [
        "bouche-trou-genere",  # what the stack generates before the first rotation
        json.dumps({"keys": []}),
        json.dumps(public(rotated(None, "k1"))),  # public keys cannot decrypt
        json.dumps({"keys": [{**rotated(None, "k1")["keys"][0], "kid": None}]}),
        json.dumps({"keys": rotated(None, "k1")["keys"] * 2}),  # one id for two keys
    ],
    ids=["placeholder", "empty", "public-only", "no-kid", "same-kid"],
)
def test_a_secret_that_is_no_private_key_set_is_refused(secret):
    with pytest.raises(InvalidKeySet):
        parse(secret)


def test_a_private_key_set_is_read_back_as_written():
    key_set = rotated(None, "k1")
    assert parse(json.dumps(key_set)) == key_set
