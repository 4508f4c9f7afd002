"""Operators: the training organisations (organismes) that answer enrolment files through the
API, and their keys. A key is shown once, when it is made, and stored only hashed.

    STAGE=prod python -m infra.organismes creer SIRET "Nom" contact@organisme.fr
    STAGE=prod python -m infra.organismes cle SIRET          # a new key, printed once
    STAGE=prod python -m infra.organismes cles SIRET         # its keys (ids, dates)
    STAGE=prod python -m infra.organismes revoquer SIRET KEY_ID
    STAGE=prod python -m infra.organismes iban SIRET IBAN BIC --par NOM
                                    # its bank details (checked, stored encrypted); a change
                                    # holds its next payment batch for an operator
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("creer", "cle", "cles", "revoquer", "iban"):
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

    if command == "iban":
        return _bank_details(number, arguments[1:])
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


def _bank_details(siret: str, arguments: list[str]) -> int:
    from chalicelib import services
    from chalicelib.errors import InvalidForm
    from chalicelib.payments.errors import UnknownOrganisme

    operator = None
    if "--par" in arguments:
        at = arguments.index("--par")
        operator = " ".join(arguments[at + 1 : at + 2]).strip() or None
        arguments = arguments[:at] + arguments[at + 2 :]
    if len(arguments) != 2 or not operator:
        print(__doc__, file=sys.stderr)
        return 2
    iban, bic = arguments
    try:
        done = services.payment_desk().register_bank(siret, iban, bic, operator)
    except InvalidForm as refused:
        for error in refused.errors:
            print(f"{error.champ} : {error.message}", file=sys.stderr)
        return 1
    except UnknownOrganisme:
        print(f"Aucun organisme n'est enregistré sous le SIRET {siret}.", file=sys.stderr)
        return 1
    print(f"Coordonnées bancaires de {siret} enregistrées : {done.masked}.")
    if done.changed:
        print("L'IBAN a changé : le prochain lot de l'organisme attendra un opérateur.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
