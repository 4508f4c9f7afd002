"""The French emails of the help procedure. Pure. Every value typed by the requester is
escaped in HTML; none reaches a header but the Reply-To address, validated beforehand."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..mailer import Email
from ..schemas import labels
from .schemas import SITUATIONS, SupportRequest

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
        (label, identity.get(name, "") or "—")
        for name, label in labels(SupportRequest).items()
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


def _documents(documents: list[dict], bucket: str) -> list[tuple[str, str]]:
    """Each document: its key in the bucket (S3 console), the version first uploaded (the one
    to open: a later one is ignored), and its size."""
    return [
        (
            f"Document {n}",
            f"s3://{bucket}/{d['cle']}"
            + (f" (version {d['version']})" if d.get("version") else "")
            + f" ({max(1, d['taille'] // 1024)} Ko)",
        )
        for n, d in enumerate(documents, start=1)
    ] or [("Documents", "aucun pour le moment")]


def _to_mailbox(request, mailbox: str, subject: str, intro: str, rows) -> Email:
    """An email to the Caisse des Dépôts' mailbox, answered straight to the requester."""
    text = "\n".join([intro, ""] + [f"{k} : {v}" for k, v in rows])
    return Email(
        to=mailbox,
        subject=f"[Mon Compte Élu] {subject}",
        text=text,
        html=_html(intro, rows),
        reply_to=request.email,
    )


def to_mailbox(request, mailbox: str, documents: Sequence[dict] = (), bucket: str = "") -> Email:
    return _to_mailbox(
        request,
        mailbox,
        f"Demande d'aide {request.reference}",
        "Nouvelle demande d'aide « Mon compte élu ne s'affiche pas ».",
        _rows(request) + _documents(list(documents), bucket),
    )


def acknowledgement(request, follow_up: str) -> Email:
    """`follow_up`: the page that shows where the request stands."""
    intro = (
        f"Votre demande d'aide {request.reference} a été transmise aux équipes de la "
        "Caisse des Dépôts, qui vous répondront à cette adresse."
    )
    follow = f"Suivez votre demande : {follow_up}"
    body = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body>'
        f"<p>{escape(intro)}</p>"
        f'<p><a href="{escape(follow_up, quote=True)}">Suivre ma demande</a></p>'
        f"<p>{escape(_SIGNATURE)}</p></body></html>"
    )
    return Email(
        to=request.email,
        subject=f"Votre demande d'aide {request.reference}",
        text=f"Bonjour,\n\n{intro}\n\n{follow}\n\n{_SIGNATURE}",
        html=body,
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


def documents_added(request, mailbox: str, documents: list[dict], bucket: str) -> Email:
    """The requester added documents (the Caisse des Dépôts may ask for them)."""
    return _to_mailbox(
        request,
        mailbox,
        f"Documents pour la demande {request.reference}",
        f"Documents ajoutés à la demande d'aide {request.reference}.",
        [("Référence", request.reference), *_documents(documents, bucket)],
    )
