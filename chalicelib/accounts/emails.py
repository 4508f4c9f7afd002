"""The French emails of the account journey (plain text and HTML). Pure functions."""

from __future__ import annotations

from html import escape

from ..mailer import Email

_SIGNATURE = "L'équipe Mon Compte Élu — Caisse des Dépôts"


def _html(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"></head>'
        f'<body style="font-family: Arial, sans-serif; color: #161616">{body}'
        f"<p>{escape(_SIGNATURE)}</p></body></html>"
    )


def _code_email(to: str, prenoms: str, subject: str, intro: str, code: str, outro: str) -> Email:
    """A 6-digit code, shown large in HTML, between what it is for and how long it lasts."""
    greeting = f"Bonjour {prenoms},"
    text = "\n\n".join([greeting, intro, code, outro, _SIGNATURE])
    html = _html(
        [
            escape(greeting),
            escape(intro),
            f'<strong style="font-size: 1.5em; letter-spacing: .2em">{escape(code)}</strong>',
            escape(outro),
        ]
    )
    return Email(to=to, subject=subject, text=text, html=html)


def _notice(to: str, prenoms: str, subject: str, body: str) -> Email:
    """A short notice of something that happened to the account."""
    greeting = f"Bonjour {prenoms},"
    return Email(
        to=to,
        subject=subject,
        text="\n\n".join([greeting, body, _SIGNATURE]),
        html=_html([escape(greeting), escape(body)]),
    )


def verification_code(to: str, prenoms: str, code: str, minutes: int) -> Email:
    return _code_email(
        to,
        prenoms,
        "Votre code de vérification Mon Compte Élu",
        "Pour activer votre compte, saisissez le code de vérification suivant :",
        code,
        f"Ce code est valable {minutes} minutes. Si vous n'êtes pas à l'origine de cette "
        "demande, ignorez ce message : aucun compte ne sera activé.",
    )


def password_reset(to: str, prenoms: str, link: str, minutes: int) -> Email:
    greeting = f"Bonjour {prenoms},"
    intro = "Vous avez demandé à réinitialiser le mot de passe de votre compte."
    outro = (
        f"Ce lien est valable {minutes} minutes et ne sert qu'une fois. Si vous n'avez rien "
        "demandé, ignorez ce message : votre mot de passe reste inchangé."
    )
    text = "\n\n".join(
        [greeting, intro, f"Choisissez un nouveau mot de passe : {link}", outro, _SIGNATURE]
    )
    html = _html(
        [
            escape(greeting),
            escape(intro),
            f'<a href="{escape(link, quote=True)}">Choisir un nouveau mot de passe</a>',
            escape(outro),
        ]
    )
    return Email(to=to, subject="Réinitialisation de votre mot de passe", text=text, html=html)


def password_changed(to: str, prenoms: str) -> Email:
    return _notice(
        to,
        prenoms,
        "Votre mot de passe a été modifié",
        "Le mot de passe de votre compte vient d'être modifié et toutes vos sessions ont été "
        "fermées. Si vous n'êtes pas à l'origine de ce changement, faites immédiatement une "
        "nouvelle demande de réinitialisation et contactez l'assistance.",
    )


def email_change_code(to: str, prenoms: str, code: str, minutes: int) -> Email:
    return _code_email(
        to,
        prenoms,
        "Confirmez votre nouvelle adresse électronique",
        "Pour confirmer cette nouvelle adresse électronique sur votre compte, saisissez le code "
        "suivant :",
        code,
        f"Ce code est valable {minutes} minutes. Si vous n'êtes pas à l'origine de cette "
        "demande, ignorez ce message : l'adresse du compte ne changera pas.",
    )


def email_changed(to: str, prenoms: str) -> Email:
    return _notice(
        to,
        prenoms,
        "L'adresse électronique de votre compte a changé",
        "L'adresse électronique de votre compte Mon Compte Élu vient d'être remplacée : les "
        "messages du service n'arriveront plus à cette adresse. Si vous n'êtes pas à l'origine "
        "de ce changement, réinitialisez votre mot de passe et contactez l'assistance.",
    )


def account_deleted(to: str, prenoms: str) -> Email:
    return _notice(
        to,
        prenoms,
        "Votre compte a été supprimé",
        "Votre compte Mon Compte Élu a été supprimé à votre demande, avec vos données de "
        "contact et vos demandes d'aide. L'historique de vos droits DIF élus, argent public, "
        "reste conservé sous une forme qui ne vous nomme pas : si vous créez un nouveau compte, "
        "vous le retrouverez.",
    )
