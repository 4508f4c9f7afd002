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
    rules.EXIT_DECLARED: (
        "L'organisme a déclaré la fin de votre formation",
        "Il lui reste à déclarer le service fait, avec sa facture.",
    ),
    rules.SERVICE_DECLARED: (
        "Le service fait de votre formation est en vérification",
        "La Caisse des Dépôts vérifie la déclaration de l'organisme avant de le payer.",
    ),
    rules.SERVICE_VALIDATED: (
        "Le service fait de votre formation est validé",
        "L'organisme sera payé de ce qui a été réalisé.",
    ),
    rules.PAID: ("L'organisme a été payé", "Votre dossier est clos."),
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
    extra += _end_of_training(dossier)
    link = f"{public_url}/dossier?id={dossier.id}"
    paragraphs = [f"Bonjour {prenoms},", _about(dossier), next_step, *extra]
    return Email(
        to=to,
        subject=f"{subject} ({dossier.id})",
        text="\n\n".join([*paragraphs, f"Votre dossier : {link}", _SIGNATURE]),
        html=_html(paragraphs, link),
    )


def _end_of_training(dossier) -> list[str]:
    """The completion, what is paid and what came back to the rights, once known."""
    lines = []
    if dossier.statut == rules.EXIT_DECLARED and dossier.sortie is not None:
        lines.append(f"Taux de réalisation déclaré : {_rate(dossier.sortie.taux_centiemes)} %.")
    if dossier.statut == rules.SERVICE_VALIDATED and dossier.montant_du_centimes is not None:
        lines.append(f"Montant payé à l'organisme : {euros_fr(int(dossier.montant_du_centimes))}.")
        if dossier.rendu_centimes:
            lines.append(
                "La part non réalisée revient à vos droits DIF élus : "
                f"{euros_fr(int(dossier.rendu_centimes))} recrédités."
            )
        if dossier.non_rendu_centimes:
            lines.append(
                f"{euros_fr(int(dossier.non_rendu_centimes))} n'ont pas pu être recrédités : "
                "vos droits auraient dépassé leur plafond."
            )
    return lines


def _rate(hundredths) -> str:
    units, rest = divmod(int(hundredths), 100)
    return f"{units},{rest:02d}" if rest else str(units)


def _for_organisme_at_the_end(dossier) -> tuple[str, list[str]]:
    api = f"/api/organismes/dossiers/{dossier.id}"
    due = euros_fr(int(dossier.montant_du_centimes or 0))
    check = dossier.controle
    if dossier.statut == rules.EXIT_DECLARED and check is not None and check.issue == "rejetee":
        return f"Service fait rejeté ({dossier.id})", [
            f"Motif : {dossier.motif or ''}",
            f"Déclarez à nouveau la sortie (POST {api}/sortie) ou le service fait "
            f"(POST {api}/service-fait).",
        ]
    if dossier.statut == rules.EXIT_DECLARED:
        late = dossier.sortie is not None and dossier.sortie.tardive
        return f"Sortie enregistrée ({dossier.id})", [
            f"Montant dû au taux de réalisation déclaré : {due}.",
            f"Déclarez le service fait avec votre facture (POST {api}/service-fait).",
            *(
                [
                    "Sortie déclarée plus de trois jours ouvrés après la date de sortie : signalée "
                    "en retard."
                ]
                if late
                else []
            ),
        ]
    if dossier.statut == rules.SERVICE_DECLARED:
        reasons = list(check.raisons or []) if check is not None else []
        return f"Service fait en vérification ({dossier.id})", [
            "La Caisse des Dépôts vérifie votre déclaration avant de la valider : "
            + "; ".join(reasons)
            + ".",
        ]
    return f"Service fait validé ({dossier.id})", [f"{due} vous seront payés."]


def to_organisme(dossier, to: str, public_url: str) -> Email:
    """A new request to answer, a cancellation by the holder, or a step of the end of the
    training (the exit, the service done held, rejected or validated)."""
    if dossier.statut in rules.AT_THE_END:
        subject, lines = _for_organisme_at_the_end(dossier)
        link = f"{public_url}/api/organismes/dossiers?statut={dossier.statut}"
        paragraphs = ["Bonjour,", _about(dossier), *lines]
        return Email(
            to=to,
            subject=subject,
            text="\n\n".join([*paragraphs, _SIGNATURE]),
            html=_html(paragraphs, link),
        )
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
