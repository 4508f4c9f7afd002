"""A file as the API shows it: to its holder, and to its organisme. Pure."""

from __future__ import annotations

from ..models import Dossier
from ..money import euros


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
        "organisme": {"nom": dossier.organisme_nom, "siret": dossier.organisme},
        "session": {"date_debut": dossier.date_debut, "date_fin": dossier.date_fin},
        "cree_le": dossier.created_at.isoformat(),
        "debite": bool(dossier.debite),
        "rembourse": bool(dossier.rembourse),
    }


def history(dossier: Dossier) -> list[dict]:
    return [
        {
            "date": change.date.isoformat(),
            "statut": change.statut,
            "par": change.par,
            **({"motif": change.motif} if change.motif else {}),
        }
        for change in dossier.historique or []
    ]


def for_holder(dossier: Dossier, with_history: bool = True) -> dict:
    view = _summary(dossier)
    if with_history:
        view["historique"] = history(dossier)
    return view


def for_organisme(dossier: Dossier) -> dict:
    stagiaire = dossier.stagiaire.as_dict() if dossier.stagiaire else {}
    return {
        **_summary(dossier),
        "historique": history(dossier),
        "stagiaire": {"nom": stagiaire.get("nom"), "prenoms": stagiaire.get("prenoms")},
    }
