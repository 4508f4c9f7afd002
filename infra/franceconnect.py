"""Operators: the service's FranceConnect+ encryption keys.

STAGE=prod python -m infra.franceconnect cles liste     # the key ids published, current first
STAGE=prod python -m infra.franceconnect cles rotation  # a new current key; the previous one
                                                        # kept, older ones dropped

FranceConnect+ encrypts ID tokens and userinfo to a key of the JWKS the service publishes
(GET /api/auth/franceconnect/jwks). After a rotation both keys are published and both open
tokens: one encrypted to the previous key (FranceConnect+ read the JWKS earlier) still logs
in. Run it once after the first deployment (the generated secret is no key set), then as
often as the security policy says, never twice within a day (FranceConnect+ caches the JWKS).
No key is ever printed.
"""

from __future__ import annotations

import argparse
import json
import secrets


def _key_set(client, name: str) -> dict | None:
    from chalicelib.franceconnect.encryption_keys import InvalidKeySet, parse

    try:
        return parse(client.get_secret_value(SecretId=name)["SecretString"])
    except InvalidKeySet:
        return None  # the placeholder of a first deployment


def _liste(client, name: str) -> int:
    key_set = _key_set(client, name)
    if key_set is None:
        print("Aucune clé : lancez la rotation pour créer la première.")
        return 1
    for rank, key in enumerate(key_set["keys"]):
        print(f"{key['kid']} ({'courante' if rank == 0 else 'précédente'})")
    return 0


def _rotation(client, name: str) -> int:
    from chalicelib.clock import utc_now
    from chalicelib.franceconnect.encryption_keys import key_id, rotated

    before = _key_set(client, name)
    after = rotated(before, key_id(utc_now(), secrets.token_hex(3)))
    client.put_secret_value(SecretId=name, SecretString=json.dumps(after))
    print(f"nouvelle clé courante : {after['keys'][0]['kid']}")
    for key in after["keys"][1:]:
        print(f"gardée : {key['kid']}")
    dropped = {k["kid"] for k in (before or {}).get("keys", [])} - {k["kid"] for k in after["keys"]}
    for kid in sorted(dropped):
        print(f"retirée : {kid}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.franceconnect", description=__doc__)
    parser.add_argument("objet", choices=("cles",))
    parser.add_argument("commande", choices=("liste", "rotation"))
    args = parser.parse_args(argv)
    from chalicelib import services
    from infra.stage_config import apply_stage_environment

    apply_stage_environment()
    settings = services.get_settings()
    client = services.aws_session().client("secretsmanager")
    name = settings.franceconnect_encryption_keys
    return _rotation(client, name) if args.commande == "rotation" else _liste(client, name)


if __name__ == "__main__":
    raise SystemExit(main())
