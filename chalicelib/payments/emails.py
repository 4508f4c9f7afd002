"""The French emails an organisme receives about its payments. Pure. Bank details appear masked
only: an email is not a safe place for an IBAN."""

from __future__ import annotations

from html import escape

from ..mailer import Email
from ..models import PaymentLot
from ..money import euros_fr
from .lots import HELD, line_status_label

_SIGNATURE = "L'équipe Mon Compte Élu — Caisse des Dépôts"


def _email(to: str, subject: str, paragraphs: list[str]) -> Email:
    """The organisme reads its payments through its API (GET /api/organismes/paiements)."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    html = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"></head>'
        f'<body style="font-family: Arial, sans-serif; color: #161616">{body}'
        f"<p>{escape(_SIGNATURE)}</p></body></html>"
    )
    text = "\n\n".join([*paragraphs, _SIGNATURE])
    return Email(to=to, subject=subject, text=text, html=html)


def _lines(lot: PaymentLot) -> list[str]:
    return [
        f"Dossier {line.dossier}, facture {line.facture} : "
        f"{euros_fr(int(line.montant_centimes))} ({line_status_label(lot.statut)})."
        for line in lot.lignes
    ]


def _summary(lot: PaymentLot) -> str:
    count = len(lot.lignes)
    return (
        f"Lot {lot.reference} du {lot.jour} : {count} facture{'s' if count > 1 else ''}, "
        f"{euros_fr(int(lot.total_centimes))} sur le compte {lot.iban_masque}."
    )


def lot_made(lot: PaymentLot, to: str) -> Email:
    if lot.statut == HELD:
        subject = f"Paiement en vérification ({lot.reference})"
        news = (
            "Vos coordonnées bancaires ont changé récemment : par sécurité, la Caisse des Dépôts "
            "les vérifie avant d'émettre ce virement. Si vous n'avez demandé aucun changement, "
            "contactez-la sans attendre."
        )
    else:
        subject = f"Virement émis ({lot.reference})"
        news = "Le virement est transmis à la banque de la Caisse des Dépôts."
    paragraphs = ["Bonjour,", _summary(lot), news, *_lines(lot)]
    return _email(to, subject, paragraphs)


def lot_paid(lot: PaymentLot, to: str) -> Email:
    paragraphs = ["Bonjour,", _summary(lot), "Le virement est payé.", *_lines(lot)]
    return _email(to, f"Virement payé ({lot.reference})", paragraphs)


def lot_rejected(lot: PaymentLot, to: str) -> Email:
    paragraphs = [
        "Bonjour,",
        _summary(lot),
        f"Le virement n'a pas pu être payé : {lot.motif}.",
        "Les factures seront payées dans un prochain lot, une fois vos coordonnées bancaires "
        "vérifiées par la Caisse des Dépôts.",
        *_lines(lot),
    ]
    return _email(to, f"Virement rejeté ({lot.reference})", paragraphs)


def bank_details_changed(to: str, masked: str, previous: str | None, when: str) -> Email:
    """Sent to the address the organisme gave before: who did not ask for it can react."""
    paragraphs = [
        "Bonjour,",
        f"Les coordonnées bancaires de votre organisme ont été enregistrées le {when} : "
        f"compte {masked}" + (f" (remplace {previous})." if previous else "."),
        "Par sécurité, votre prochain virement sera vérifié par la Caisse des Dépôts avant "
        "d'être émis."
        if previous
        else "Vos prochains paiements seront versés sur ce compte.",
        "Si vous n'êtes pas à l'origine de ce changement, contactez la Caisse des Dépôts sans "
        "attendre.",
    ]
    return _email(to, "Coordonnées bancaires enregistrées", paragraphs)
