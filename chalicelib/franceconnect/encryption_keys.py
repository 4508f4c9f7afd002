"""The service's encryption keys for FranceConnect+.

FranceConnect+ encrypts its ID tokens and userinfo (JWE) to a public key the service publishes
as a JWKS URL; only the service can read them. The private keys are one JSON Web Key Set kept
in Secrets Manager: the current key first, the previous one after it, so that a token
encrypted to a key published before a rotation still opens. Pure functions: the store reads
and writes the secret.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from joserfc.jwk import KeySetSerialization

# FranceConnect+ encrypts with RSA-OAEP or ECDH-ES, content in A256GCM: an elliptic curve key
# (P-256) is the smaller and the faster to make.
KEY_ALGORITHM = "ECDH-ES"
CONTENT_ALGORITHM = "A256GCM"
ACCEPTED_KEY_ALGORITHMS = ("ECDH-ES", "RSA-OAEP", "RSA-OAEP-256")
KEPT = 2  # the current key and the previous one


class InvalidKeySet(ValueError):
    """The secret does not hold a usable key set: a deployment error."""


def new_key(kid: str) -> dict:
    from joserfc.jwk import ECKey

    key = ECKey.generate_key(
        "P-256", parameters={"kid": kid, "use": "enc", "alg": KEY_ALGORITHM}, private=True
    )
    return key.as_dict(private=True)


def key_id(now: datetime, suffix: str) -> str:
    """A key id that says when the key was made (operators read it in the JWKS)."""
    return f"mce-{now:%Y%m%d}-{suffix}"


def rotated(key_set: dict | None, kid: str) -> dict:
    """A new current key in front; the one it replaces kept; older ones dropped."""
    keys = list((key_set or {}).get("keys", []))
    if any(key.get("kid") == kid for key in keys):
        raise InvalidKeySet(f"key id {kid} already used")
    return {"keys": [new_key(kid), *keys][:KEPT]}


def parse(secret: str) -> dict:
    """The key set of the secret, checked: private encryption keys, each with its own id."""
    try:
        key_set = json.loads(secret)
        keys = key_set["keys"]
    except (ValueError, KeyError, TypeError):
        raise InvalidKeySet("not a JSON Web Key Set") from None
    ids = [key.get("kid") for key in keys]
    if not keys or None in ids or len(set(ids)) != len(ids):
        raise InvalidKeySet("every key needs its own kid")
    if any("d" not in key for key in keys):
        raise InvalidKeySet("private keys expected")
    return key_set


def public(key_set: dict) -> dict:
    """What the JWKS URL publishes: the public halves only."""
    from joserfc.jwk import KeySet

    return {
        "keys": [
            {**key.as_dict(private=False), "use": "enc", "alg": _algorithm(key.as_dict())}
            for key in KeySet.import_key_set(cast("KeySetSerialization", key_set)).keys
        ]
    }


def private(key_set: dict):
    from joserfc.jwk import KeySet

    return KeySet.import_key_set(cast("KeySetSerialization", key_set))  # joserfc checks it


def _algorithm(key: dict) -> str:
    return key.get("alg") or (KEY_ALGORITHM if key.get("kty") == "EC" else "RSA-OAEP")
