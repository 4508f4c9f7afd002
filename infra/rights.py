"""Operators: the DIF élus rights job.

STAGE=prod python -m infra.rights etat        # the daily job's progress
STAGE=prod python -m infra.rights rattrapage  # once, after deploying the daily index: every
                                              # recognised account goes to the rights workers,
                                              # which give it its next day (`dif_prochain`)
STAGE=prod python -m infra.rights premiers-credits             # dry run: what is missing
STAGE=prod python -m infra.rights premiers-credits --appliquer  # make it

`premiers-credits` repairs the accounts recognised while the first credit came after a full
year of mandate (the Caisse des Dépôts credits the first mandate year at its start): each
missing credit is made, dated the day it was due. Running it again credits nothing more.

`rattrapage` is the one scan of the accounts table, for accounts recognised before the index
existed; the workers change nothing for an account already up to date.
"""

from __future__ import annotations

import argparse

PAGE = 200


def _etat() -> int:
    from chalicelib.models import CreditRun

    try:
        run = CreditRun.get("tache#credit-dif", "etat", consistent_read=True)
    except CreditRun.DoesNotExist:
        print("Le travail quotidien n'a pas encore tourné.")
        return 0
    print(f"dernier jour traité : {run.jour_fait or '-'}")
    if run.jour_en_cours:
        print(f"jour en cours : {run.jour_en_cours} (reprend à la prochaine exécution)")
    print(f"comptes envoyés aux travailleurs depuis le début : {int(run.comptes_envoyes or 0)}")
    return 0


def _rattrapage() -> int:
    from chalicelib import services
    from chalicelib.models import Account

    send = services.rights_queue_sender()
    page, sent = [], 0
    # an operator's one-off migration: a scan, never on a request's path
    for account in Account.scan(Account.rne_mandats.exists(), attributes_to_get=["nir_hash"]):
        page.append(account.nir_hash)
        if len(page) == PAGE:
            send({"comptes": page})
            sent, page = sent + len(page), []
    if page:
        send({"comptes": page})
        sent += len(page)
    print(f"{sent} compte(s) envoyé(s) aux travailleurs des droits")
    return 0


def _premiers_credits(apply: bool) -> int:
    from chalicelib import services
    from chalicelib.money import euros_fr

    report = services.rights().repair_first_credits(apply)
    verb = "faits" if apply else "à faire (simulation : rien n'est écrit)"
    print(f"comptes reconnus examinés : {report['comptes_examines']}")
    print(f"comptes à créditer : {report['comptes_a_crediter']}")
    print(f"crédits {verb} : {report['credits']}, {euros_fr(report['centimes'])}")
    for year, n in report["par_annee"].items():
        print(f"  {year} : {n}")
    if not apply and report["credits"]:
        print("Relancez avec --appliquer pour les faire.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.rights",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("commande", choices=("etat", "rattrapage", "premiers-credits"))
    parser.add_argument("--appliquer", action="store_true", help="premiers-credits : écrire")
    args = parser.parse_args(argv)
    from chalicelib import services
    from infra.stage_config import apply_stage_environment

    apply_stage_environment()
    services.bound_settings()
    if args.commande == "premiers-credits":
        return _premiers_credits(args.appliquer)
    return _etat() if args.commande == "etat" else _rattrapage()


if __name__ == "__main__":
    raise SystemExit(main())
