"""Operators: the services done the funder could not validate at once, the payment batches,
and the bank's notifications.

STAGE=prod python -m infra.paiements attente      # services done held, and why
STAGE=prod python -m infra.paiements valider <id> --par <name>
                                                 # validate: the unrealised part goes back
STAGE=prod python -m infra.paiements rejeter <id> --par <name> --motif "<why>"
                                                 # back to sortie_declaree: the organisme
                                                 # declares again
STAGE=prod python -m infra.paiements migrer       # service_fait -> service_fait_declare (100 %)

STAGE=prod python -m infra.paiements lancer       # the daily batch job, now (idempotent)
STAGE=prod python -m infra.paiements lots         # batches held, and batches at the bank
STAGE=prod python -m infra.paiements liberer <lot> --par <name>
                                                 # a held batch checked: its file is written
STAGE=prod python -m infra.paiements payer <lot> --par <name>
                                                 # the bank paid the whole batch
STAGE=prod python -m infra.paiements rejeter-lot <lot> --par <name> --motif "<why>"
                                                 # the whole batch not paid: its invoices go
                                                 # in a later batch, after the IBAN is checked
STAGE=prod python -m infra.paiements avis <camt.054.xml>
                                                 # the bank's notification: batches paid or
                                                 # rejected as it says

<id> is the file's reference (DOS-...), <lot> the batch's (LOT-<day>-<SIRET>). The operator's
name is kept with the file or the batch.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

_ON_A_FILE = ("valider", "rejeter")
_ON_A_LOT = ("liberer", "payer", "rejeter-lot")
_COMMANDS = ("attente", *_ON_A_FILE, "migrer", "lancer", "lots", *_ON_A_LOT, "avis")


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


def _on_a_file(args) -> int:
    from chalicelib import services
    from chalicelib.enrolment.end_of_training import NotHeld
    from chalicelib.enrolment.errors import TransitionRefused
    from chalicelib.money import euros_fr

    desk = services.end_of_training()
    try:
        if args.commande == "valider":
            dossier = desk.validate(args.identifiant, args.operator)
            print(
                f"Validé : {dossier.id} à payer ({euros_fr(int(dossier.montant_du_centimes))}), "
                f"{euros_fr(int(dossier.rendu_centimes or 0))} rendus aux droits de l'élu."
            )
        else:
            desk.reject(args.identifiant, args.operator, args.reason)
            print("Rejeté : le dossier revient à sortie_declaree, l'organisme est prévenu.")
    except (NotHeld, TransitionRefused):
        print(f"Aucun dossier en attente n'a la référence {args.identifiant}.", file=sys.stderr)
        return 1
    return 0


def _lancer() -> int:
    from chalicelib import services

    report = services.payment_batches().run()
    for reference in report.lots:
        held = " (en attente d'un opérateur : IBAN modifié)" if reference in report.held else ""
        print(f"Lot {reference}{held}")
    for key in report.files:
        print(f"Fichier SEPA : {key}")
    for siret in report.without_bank_details:
        print(f"Organisme {siret} : pas de coordonnées bancaires, ses factures attendent")
    print(
        f"{len(report.lots)} lot(s) fait(s), {report.already_made} déjà fait(s) aujourd'hui, "
        f"{report.carried_over} facture(s) reportée(s) au prochain lot"
    )
    return 0


def _lots() -> int:
    from chalicelib import services
    from chalicelib.money import euros_fr

    desk = services.payment_desk()
    shown = [*desk.held(), *desk.at_the_bank()]
    for lot in shown:
        print(
            f"{lot.reference}  {lot.statut}  {lot.organisme_nom}  {len(lot.lignes)} facture(s)  "
            f"{euros_fr(int(lot.total_centimes))}  {lot.iban_masque}  {lot.fichier or ''}"
        )
        if lot.motif:
            print(f"    {lot.motif}")
    print(f"{len(shown)} lot(s) en attente ou à la banque")
    return 0


def _on_a_lot(args) -> int:
    from chalicelib import services
    from chalicelib.payments.errors import LotNotFound, LotNotInState

    desk = services.payment_desk()
    try:
        if args.commande == "liberer":
            lot = desk.release(args.identifiant, args.operator)
            print(f"Libéré : {lot.reference}, fichier {lot.fichier}")
        elif args.commande == "payer":
            lot = desk.pay(args.identifiant, args.operator)
            print(f"Payé : {lot.reference}, {len(lot.lignes)} dossier(s) payé(s)")
        else:
            lot = desk.reject(args.identifiant, args.operator, args.reason)
            print(f"Rejeté : {lot.reference}, ses factures iront dans un prochain lot")
    except LotNotFound:
        print(f"Aucun lot n'a la référence {args.identifiant}.", file=sys.stderr)
        return 1
    except LotNotInState as error:
        print(f"Le lot {args.identifiant} est {error.status} : rien n'a changé.", file=sys.stderr)
        return 1
    return 0


def _avis(path: str) -> int:
    from chalicelib import services
    from chalicelib.payments.camt import CamtRefused

    try:
        report = services.payment_desk().apply_notice(Path(path).read_bytes(), Path(path).name)
    except CamtRefused as refused:
        print(str(refused), file=sys.stderr)
        return 1
    print(f"Avis {report.message_id}")
    for title, references in (
        ("payé", report.paid),
        ("payé en partie (le reste est attendu)", report.partly),
        ("rejeté", report.rejected),
        ("déjà traité", report.already),
        ("inconnu", report.unknown),
    ):
        for reference in references:
            print(f"  {reference} : {title}")
    if report.others:
        print(f"  {report.others} écriture(s) ni payée(s) ni rejetée(s) : à regarder dans l'avis")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.paiements", description=__doc__)
    parser.add_argument("commande", choices=_COMMANDS)
    parser.add_argument("identifiant", nargs="?")
    parser.add_argument("--par", dest="operator")
    parser.add_argument("--motif", dest="reason")
    args = parser.parse_args(argv)
    if args.commande in (*_ON_A_FILE, *_ON_A_LOT) and not (args.identifiant and args.operator):
        parser.error("indiquer la référence (dossier ou lot) et --par <opérateur>")
    if args.commande in ("rejeter", "rejeter-lot"):
        if not (args.reason and args.reason.strip()):
            parser.error("indiquer --motif <raison du rejet> (l'organisme la reçoit)")
        args.reason = " ".join(args.reason.split())
    if args.commande == "avis" and not args.identifiant:
        parser.error("indiquer le fichier camt.054 de la banque")
    from infra.stage_config import apply_stage_environment

    apply_stage_environment()
    from chalicelib import services

    services.bound_settings()
    if args.commande == "attente":
        return _attente()
    if args.commande == "migrer":
        moved = services.end_of_training().migrate_legacy()
        print(f"{moved} dossier(s) passé(s) de service_fait à service_fait_declare")
        return 0
    if args.commande in _ON_A_FILE:
        return _on_a_file(args)
    if args.commande == "lancer":
        return _lancer()
    if args.commande == "lots":
        return _lots()
    if args.commande in _ON_A_LOT:
        return _on_a_lot(args)
    return _avis(args.identifiant)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
