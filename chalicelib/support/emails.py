"""The French emails of the help procedure. Pure. Every value typed by the requester is
escaped in HTML; none reaches a header but the Reply-To address, validated beforehand."""

from __future__ import annotations

from html import escape

from ..mailer import Email
from .form import FORM, SITUATIONS

_SIGNATURE = "L'équipe Mon Compte Élu — Caisse des Dépôts"


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><th align=left>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows
    )
    return f"<table cellpadding=4>{cells}</table>"


def _rows(request) -> list[tuple[str, str]]:
    identity = request.identite.as_dict()
    rows = [("Référence", request.reference), ("Situation", SITUATIONS[request.situation])]
    rows += [
        (field.label, identity.get(name, "") or "—")
        for name, field in FORM.fields.items()
        if name not in ("situation", "email")
    ]
    rows += [
        ("Adresse électronique", request.email),
        (
            "Compte Mon Compte Élu",
            "oui (demande envoyée connecté)"
            if request.account
            else "non (demande envoyée sans connexion)",
        ),
        ("Vérification automatique", request.verification or "—"),
    ]
    return rows


def _html(intro: str, rows: list[tuple[str, str]] | None = None) -> str:
    table = _table(rows) if rows else ""
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body>'
        f"<p>{escape(intro)}</p>{table}<p>{escape(_SIGNATURE)}</p></body></html>"
    )


def to_mailbox(request, mailbox: str) -> Email:
    rows = _rows(request)
    intro = "Nouvelle demande d'aide « Mon compte élu ne s'affiche pas »."
    text = "\n".join([intro, ""] + [f"{k} : {v}" for k, v in rows])
    return Email(
        to=mailbox,
        subject=f"[Mon Compte Élu] Demande d'aide {request.reference}",
        text=text,
        html=_html(intro, rows),
        reply_to=request.email,
    )


def acknowledgement(request) -> Email:
    intro = (
        f"Votre demande d'aide {request.reference} a été transmise aux équipes de la "
        "Caisse des Dépôts, qui vous répondront à cette adresse."
    )
    return Email(
        to=request.email,
        subject=f"Votre demande d'aide {request.reference}",
        text=f"Bonjour,\n\n{intro}\n\n{_SIGNATURE}",
        html=_html(intro),
    )


def resolved(request) -> Email:
    intro = (
        f"Bonne nouvelle : votre demande {request.reference} est résolue. Votre compte "
        "est maintenant reconnu comme compte élu ; connectez-vous pour consulter vos "
        "droits DIF élus et les formations liées à votre mandat."
    )
    return Email(
        to=request.email,
        subject=f"Votre compte élu est reconnu ({request.reference})",
        text=f"Bonjour,\n\n{intro}\n\n{_SIGNATURE}",
        html=_html(intro),
    )
