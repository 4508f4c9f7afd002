"""Operators: the service done the funder could not validate at once, and the one-off migration
of the files ended before the exit and the invoice were declared.

STAGE=prod python -m infra.paiements attente      # files held, and why
STAGE=prod python -m infra.paiements valider <id> --par <name>
                                                 # validate: the unrealised part goes back
STAGE=prod python -m infra.paiements rejeter <id> --par <name> --motif "<why>"
                                                 # back to sortie_declaree: the organisme
                                                 # declares again
STAGE=prod python -m infra.paiements migrer       # service_fait -> service_fait_declare (100 %)

<id> is the file's reference (DOS-...). The operator's name is kept with the file.
"""

from __future__ import annotations

import argparse
import sys


def _attente() -> int:
    from chalicelib import services
    from chalicelib.money import euros_fr

    held = services.end_of_training().waiting()
    for dossier in held:
        since = f"{dossier.controle.le:%Y-%m-%d %H:%M}" if dossier.controle else "?"
        print(
            f"{dossier.id}  organisme {dossier.organisme}  "
            f"{euros_fr(int(dossier.montant_du_centimes or 0))} dus  ({since})"
        )
        for reason in (dossier.controle.raisons if dossier.controle else None) or []:
            print(f"    {reason}")
    print(f"{len(held)} dossier(s) en attente")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.paiements", description=__doc__)
    parser.add_argument("commande", choices=("attente", "valider", "rejeter", "migrer"))
    parser.add_argument("identifiant", nargs="?")
    parser.add_argument("--par", dest="operator")
    parser.add_argument("--motif", dest="reason")
    args = parser.parse_args(argv)
    if args.commande in ("valider", "rejeter") and not (args.identifiant and args.operator):
        parser.error("indiquer la référence du dossier et --par <opérateur>")
    if args.commande == "rejeter" and not (args.reason and args.reason.strip()):
        parser.error("indiquer --motif <raison du rejet> (l'organisme la reçoit)")
    from infra.stage_config import apply_stage_environment

    apply_stage_environment()
    from chalicelib import services
    from chalicelib.enrolment.end_of_training import NotHeld
    from chalicelib.enrolment.errors import TransitionRefused
    from chalicelib.money import euros_fr

    services.bound_settings()
    if args.commande == "attente":
        return _attente()
    desk = services.end_of_training()
    if args.commande == "migrer":
        print(f"{desk.migrate_legacy()} dossier(s) passé(s) de service_fait à service_fait_declare")
        return 0
    try:
        if args.commande == "valider":
            dossier = desk.validate(args.identifiant, args.operator)
            print(
                f"Validé : {dossier.id} à payer ({euros_fr(int(dossier.montant_du_centimes))}), "
                f"{euros_fr(int(dossier.rendu_centimes or 0))} rendus aux droits de l'élu."
            )
        else:
            desk.reject(args.identifiant, args.operator, " ".join(args.reason.split()))
            print("Rejeté : le dossier revient à sortie_declaree, l'organisme est prévenu.")
    except (NotHeld, TransitionRefused):
        print(f"Aucun dossier en attente n'a la référence {args.identifiant}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
