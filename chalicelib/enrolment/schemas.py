"""What the enrolment routes read and answer: a request for a place, an organisme's reason,
the listing filters, and a file as its holder and its organisme see it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..catalogue.importer import CATALOGUES
from ..fields import Choice, Cursor, Identifier, Text
from ..schemas import AnswerModel, Euros, RequestModel, one_of
from .rules import STATUSES

DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]
Statut = Annotated[str, Field(json_schema_extra={"enum": list(STATUSES)})]
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_.:\\-]{8,128}$"},
    "description": "La même clé renvoie le même dossier.",
}


class DossierRequest(RequestModel):
    formation_id: Annotated[str, Identifier("Formation")]
    session_id: Annotated[str, Identifier("Session", 40)]


class Motif(RequestModel):
    motif: Annotated[str, Text("Motif", max_length=500)]


class Page(RequestModel):
    cursor: Annotated[str | None, Cursor()] = None


class OrganismeListing(Page):
    # empty, like absent: every status
    statut: Annotated[str | None, Choice("Statut", ("", *STATUSES), required=False)] = None


class DossierEvent(AnswerModel):
    date: DateTime
    statut: Statut
    par: Annotated[str, one_of("titulaire", "organisme", "systeme")]
    motif: str | None = None


class OrganismeRef(AnswerModel):
    nom: str | None = None
    siret: str | None = None


class SessionDates(AnswerModel):
    date_debut: Day | None = None
    date_fin: Day | None = None


class Stagiaire(AnswerModel):
    nom: str | None = None
    prenoms: str | None = None


class Dossier(AnswerModel):
    id: str
    statut: Statut
    montant: Euros
    formation_id: str
    session_id: str
    echeance: DateTime | None
    titre: str | None = None
    catalogue: Annotated[str, Field(json_schema_extra={"enum": list(CATALOGUES)})] | None = None
    organisme: OrganismeRef | None = None
    session: SessionDates | None = None
    cree_le: DateTime | None = None
    debite: bool | None = None
    rembourse: bool | None = None
    historique: list[DossierEvent] | None = None
    stagiaire: Stagiaire | None = None


class DossierPage(AnswerModel):
    dossiers: list[Dossier]
    cursor: str | None
