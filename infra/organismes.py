"""Operators: the training organisations (organismes) that answer enrolment files through the
API, and their keys. A key is shown once, when it is made, and stored only hashed.

    STAGE=prod python -m infra.organismes creer SIRET "Nom" contact@organisme.fr
    STAGE=prod python -m infra.organismes cle SIRET          # a new key, printed once
    STAGE=prod python -m infra.organismes cles SIRET         # its keys (ids, dates)
    STAGE=prod python -m infra.organismes revoquer SIRET KEY_ID
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("creer", "cle", "cles", "revoquer"):
        print(__doc__, file=sys.stderr)
        return 2
    from stdnum import exceptions as stdnum_errors
    from stdnum.fr import siret

    from infra.stage_config import apply_stage_environment

    command, arguments = argv[0], argv[1:]
    try:
        number = siret.validate(arguments[0]) if arguments else None
    except stdnum_errors.ValidationError:
        number = None
    if number is None:
        print("SIRET manquant ou invalide.", file=sys.stderr)
        return 2
    apply_stage_environment()
    from chalicelib import services

    desk = services.organisme_desk()
    if command == "creer":
        if len(arguments) < 2:
            print(__doc__, file=sys.stderr)
            return 2
        desk.register(number, arguments[1], arguments[2] if len(arguments) > 2 else None)
        print(f"Organisme {number} enregistré.")
    elif command == "cle":
        key_id, key = desk.new_key(number)
        print(f"Clé {key_id} pour {number} (affichée une seule fois, conservée hachée) :\n{key}")
    elif command == "cles":
        for key in desk.keys(number):
            state = f"révoquée le {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            print(f"{key.key_id}  créée le {key.created_at:%Y-%m-%d}  {state}")
    elif len(arguments) < 2 or not desk.revoke(number, arguments[1]):
        print("Clé inconnue ou déjà révoquée.", file=sys.stderr)
        return 1
    else:
        print(f"Clé {arguments[1]} révoquée : elle ne donne plus accès à l'API.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
