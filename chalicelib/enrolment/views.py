"""A file as the API shows it: to its holder, and to its organisme. Pure."""

from __future__ import annotations

from ..models import Dossier
from ..money import euros
from . import schemas


def _summary(dossier: Dossier) -> dict:
    return {
        "id": dossier.id,
        "statut": dossier.statut,
        "montant": euros(int(dossier.montant_centimes)),
        "formation_id": dossier.formation_id,
        "session_id": dossier.session_id,
        "echeance": dossier.echeance.isoformat() if dossier.echeance else None,
        "titre": dossier.titre,
        "catalogue": dossier.catalogue,
        "organisme": schemas.OrganismeRef(nom=dossier.organisme_nom, siret=dossier.organisme),
        "session": schemas.SessionDates(date_debut=dossier.date_debut, date_fin=dossier.date_fin),
        "cree_le": dossier.created_at.isoformat(),
        "debite": bool(dossier.debite),
        "rembourse": bool(dossier.rembourse),
    }


def history(dossier: Dossier) -> list[schemas.DossierEvent]:
    return [
        schemas.DossierEvent(
            date=change.date.isoformat(),
            statut=change.statut,
            par=change.par,
            **({"motif": change.motif} if change.motif else {}),
        )
        for change in dossier.historique or []
    ]


def for_holder(dossier: Dossier, with_history: bool = True) -> schemas.Dossier:
    if with_history:
        return schemas.Dossier(**_summary(dossier), historique=history(dossier))
    return schemas.Dossier(**_summary(dossier))


def for_organisme(dossier: Dossier) -> schemas.Dossier:
    stagiaire = dossier.stagiaire.as_dict() if dossier.stagiaire else {}
    return schemas.Dossier(
        **_summary(dossier),
        historique=history(dossier),
        stagiaire=schemas.Stagiaire(nom=stagiaire.get("nom"), prenoms=stagiaire.get("prenoms")),
    )
