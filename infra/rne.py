"""Operators: what the RNE ingestion left for people to look at or decide.

STAGE=prod python -m infra.rne reprises    # mandates taken back from typed identities
STAGE=prod python -m infra.rne attente     # snapshots held, and why
STAGE=prod python -m infra.rne appliquer <id> [--type CODE] --par <name>
                                           # apply it (an election; or the type it lacked)
STAGE=prod python -m infra.rne ecarter <id> --par <name>   # discard it: nothing applied

<id> is the `identifiant` of the file's report (rne-reports/<key>.json). The operator's name is
kept with the file.
"""

from __future__ import annotations

import argparse
import sys


def _reprises() -> int:
    from chalicelib.models import TakenBack
    from chalicelib.money import euros_fr

    cases = sorted(
        (item for item in TakenBack.scan() if item.pk.startswith("reprise#")),
        key=lambda item: item.created_at,
    )  # an operator's listing: a scan
    for case in cases:
        print(
            f"{case.created_at:%Y-%m-%d %H:%M}  compte {case.compte} -> {case.par}  "
            f"{len(case.mandats)} mandat(s)  {euros_fr(int(case.repris_centimes))} repris"
        )
    print(f"{len(cases)} reprise(s)")
    return 0


def _attente() -> int:
    from chalicelib import services

    held = services.held_snapshots().waiting()
    for snapshot in held:
        since = f"{snapshot.depuis:%Y-%m-%d %H:%M}" if snapshot.depuis else "?"
        print(f"{snapshot.identifiant}  {snapshot.type_mandat or '?'}  {snapshot.cle}  ({since})")
        for reason in snapshot.attente:
            print(f"    {reason}")
    print(f"{len(held)} instantané(s) en attente")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.rne", description=__doc__)
    parser.add_argument("commande", choices=("reprises", "attente", "appliquer", "ecarter"))
    parser.add_argument("identifiant", nargs="?")
    parser.add_argument("--type", dest="mandate_type")
    parser.add_argument("--par", dest="operator")
    args = parser.parse_args(argv)
    if args.commande in ("appliquer", "ecarter") and not (args.identifiant and args.operator):
        parser.error("indiquer l'identifiant du fichier et --par <opérateur>")
    from infra.stage_config import apply_stage_environment

    apply_stage_environment()
    from chalicelib import services
    from chalicelib.rne.held import NotHeld, UnknownType

    services.bound_settings()
    if args.commande == "reprises":
        return _reprises()
    if args.commande == "attente":
        return _attente()
    held = services.held_snapshots()
    try:
        if args.commande == "appliquer":
            held.apply(args.identifiant, args.operator, args.mandate_type)
            print("Appliqué : l'ingestion reprend (voir son rapport).")
        else:
            held.discard(args.identifiant, args.operator)
            print("Écarté : rien n'a été appliqué.")
    except NotHeld:
        print(f"Aucun instantané en attente n'a l'identifiant {args.identifiant}.", file=sys.stderr)
        return 1
    except UnknownType as error:
        print(str(error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
