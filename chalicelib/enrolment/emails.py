"""The French emails of enrolment files. Pure: each tells what happened to which file and
what to do next, with the link to the file."""

from __future__ import annotations

from html import escape

from ..mailer import Email
from ..money import euros_fr
from . import rules

_SIGNATURE = "L'équipe Mon Compte Élu — Caisse des Dépôts"

# What the holder is told at each status (what happened; what to do now).
_FOR_HOLDER = {
    rules.WAITING: (
        "Votre demande d'inscription est enregistrée",
        "L'organisme de formation a deux jours ouvrés pour y répondre.",
    ),
    rules.ACCEPTED: (
        "L'organisme a accepté votre inscription",
        "Validez-la dans les quatre jours ouvrés depuis votre dossier, avec "
        "FranceConnect+ : le montant sera alors débité de vos droits DIF élus.",
    ),
    rules.VALIDATED: (
        "Votre inscription est validée",
        "Le montant de la formation a été débité de vos droits DIF élus.",
    ),
    rules.IN_TRAINING: (
        "Votre formation a commencé",
        "L'organisme a déclaré votre entrée en formation.",
    ),
    rules.DONE: (
        "Votre formation est terminée",
        "L'organisme a déclaré le service fait : votre dossier est clos.",
    ),
    rules.REFUSED: (
        "L'organisme a refusé votre inscription",
        "La place est libérée ; vos droits n'ont pas été débités.",
    ),
    rules.EXPIRED: (
        "Votre demande d'inscription a expiré",
        "Le délai de réponse ou de validation est dépassé ; vos droits n'ont pas été débités.",
    ),
    rules.CANCELLED_BY_HOLDER: ("Votre inscription est annulée", "Vous avez annulé ce dossier."),
    rules.CANCELLED_BY_ORGANISME: (
        "L'organisme a annulé votre inscription",
        "Contactez l'organisme pour en savoir plus.",
    ),
}


def _html(paragraphs: list[str], link: str) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"></head>'
        f'<body style="font-family: Arial, sans-serif; color: #161616">{body}'
        f'<p><a href="{escape(link, quote=True)}">Voir le dossier</a></p>'
        f"<p>{escape(_SIGNATURE)}</p></body></html>"
    )


def _about(dossier) -> str:
    return (
        f"Dossier {dossier.id} : « {dossier.titre} », session du {dossier.date_debut} au "
        f"{dossier.date_fin}, {euros_fr(int(dossier.montant_centimes))}."
    )


def to_holder(dossier, to: str, prenoms: str, public_url: str) -> Email:
    subject, next_step = _FOR_HOLDER[dossier.statut]
    extra = []
    if dossier.statut in rules.WITH_DEADLINE and dossier.echeance is not None:
        local = dossier.echeance.astimezone(rules.PARIS)
        extra.append(f"Échéance : le {local:%d/%m/%Y} à {local:%H} h {local:%M}.")
    if dossier.rembourse:
        extra.append(f"Vos droits ont été recrédités de {euros_fr(int(dossier.montant_centimes))}.")
    if dossier.motif and dossier.statut in (rules.REFUSED, rules.CANCELLED_BY_ORGANISME):
        extra.append(f"Motif donné par l'organisme : {dossier.motif}")
    link = f"{public_url}/dossier?id={dossier.id}"
    paragraphs = [f"Bonjour {prenoms},", _about(dossier), next_step, *extra]
    return Email(
        to=to,
        subject=f"{subject} ({dossier.id})",
        text="\n\n".join([*paragraphs, f"Votre dossier : {link}", _SIGNATURE]),
        html=_html(paragraphs, link),
    )


def to_organisme(dossier, to: str, public_url: str) -> Email:
    """A new request to answer, or a cancellation by the holder."""
    if dossier.statut == rules.WAITING:
        subject = f"Nouvelle demande d'inscription ({dossier.id})"
        next_step = (
            "Répondez dans les deux jours ouvrés par l'API organismes "
            f"(POST /api/organismes/dossiers/{dossier.id}/acceptation ou /refus), "
            "sans quoi la demande expire."
        )
    else:
        subject = f"Inscription annulée par le stagiaire ({dossier.id})"
        next_step = "La place est libérée."
    link = f"{public_url}/api/organismes/dossiers?statut={dossier.statut}"
    paragraphs = ["Bonjour,", _about(dossier), next_step]
    return Email(
        to=to,
        subject=subject,
        text="\n\n".join([*paragraphs, _SIGNATURE]),
        html=_html(paragraphs, link),
    )
