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
        **_end(dossier),
    }


def _hundredths(value) -> str:
    return f"{int(value) // 100}.{int(value) % 100:02d}"


def _end(dossier: Dossier) -> dict:
    """The exit, what the funder pays, and what came back to the rights (once known)."""
    found: dict = {}
    if dossier.sortie is not None:
        sortie = dossier.sortie
        found["sortie"] = schemas.Sortie(
            date_sortie=sortie.date_sortie,
            taux_realisation=_hundredths(sortie.taux_centiemes),
            **({"motif_partiel": sortie.motif_partiel} if sortie.motif_partiel else {}),
            **(
                {"heures_realisees": _hundredths(sortie.heures_centiemes)}
                if sortie.heures_centiemes is not None
                else {}
            ),
            declaree_le=sortie.declaree_le.isoformat(),
            tardive=bool(sortie.tardive),
        )
    if dossier.montant_du_centimes is not None:
        found["montant_du"] = euros(int(dossier.montant_du_centimes))
    if dossier.rendu_centimes is not None:
        found["rendu"] = euros(int(dossier.rendu_centimes))
    return found


def _invoice_and_check(dossier: Dossier) -> dict:
    found: dict = {}
    if dossier.facture is not None:
        invoice = dossier.facture
        found["facture"] = schemas.Facture(
            numero=invoice.numero,
            date=invoice.date,
            montant_ht=euros(int(invoice.montant_ht_centimes)),
            montant_ttc=euros(int(invoice.montant_ttc_centimes)),
        )
    if dossier.controle is not None:
        check = dossier.controle
        answer: dict = {"issue": check.issue, "le": check.le.isoformat()}
        if check.par:
            answer["par"] = check.par
        if check.raisons:
            answer["raisons"] = [str(reason) for reason in check.raisons]
        found["controle"] = schemas.Controle(**answer)
    return found


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
        **_invoice_and_check(dossier),
    )
