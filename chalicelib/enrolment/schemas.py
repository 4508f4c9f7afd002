"""What the enrolment routes read and answer: a request for a place, an organisme's reason,
the listing filters, and a file as its holder and its organisme see it."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from ..catalogue.importer import CATALOGUES
from ..errors import FieldError
from ..fields import Amount, Choice, Cursor, Identifier, Nested, PastDate, Quantity, Text
from ..schemas import AnswerModel, Euros, RequestModel, across, one_of
from .completion import FULL, PARTIAL_REASONS
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


class ExitDeclaration(RequestModel):
    """La sortie du stagiaire : sous 100 %, le motif et les heures réellement réalisées."""

    date_sortie: Annotated[str, PastDate("Date de sortie")]
    taux_realisation: Annotated[Decimal, Quantity("Taux de réalisation (%)", 100, " %")]
    motif_partiel: Annotated[
        str | None, Choice("Motif de réalisation partielle", PARTIAL_REASONS, required=False)
    ] = None
    heures_realisees: Annotated[
        Decimal | None, Quantity("Heures réalisées", 10_000, " h", required=False)
    ] = None

    @model_validator(mode="after")
    def _partial_says_why(self) -> ExitDeclaration:
        problems = []
        if self.taux_realisation < FULL:
            if self.motif_partiel is None:
                problems.append(
                    FieldError(
                        "motif_partiel",
                        "Motif de réalisation partielle : obligatoire sous 100 % (abandon, "
                        "force_majeure, absence).",
                    )
                )
            if self.heures_realisees is None:
                problems.append(
                    FieldError(
                        "heures_realisees",
                        "Heures réalisées : obligatoires sous 100 % (les heures réellement "
                        "suivies).",
                    )
                )
        elif self.motif_partiel is not None:
            problems.append(
                FieldError(
                    "motif_partiel",
                    "Motif de réalisation partielle : seulement pour un taux inférieur à 100 %.",
                )
            )
        if problems:
            raise across(problems)
        return self


class InvoiceFields(RequestModel):
    numero: Annotated[str, Text("Numéro de facture", max_length=40)]
    date: Annotated[str, PastDate("Date de facture")]
    montant_ht: Annotated[int, Amount("Montant HT")]
    montant_ttc: Annotated[int, Amount("Montant TTC")]

    @model_validator(mode="after")
    def _tax_included_is_more(self) -> InvoiceFields:
        if self.montant_ht > self.montant_ttc:
            raise across(
                [FieldError("montant_ht", "Montant HT : il ne peut dépasser le montant TTC.")]
            )
        return self


class ServiceDeclaration(RequestModel):
    """Le service fait, avec la facture (TTC : ce que le financeur paie)."""

    facture: Annotated[InvoiceFields, Nested("Facture")]


class Page(RequestModel):
    cursor: Annotated[str | None, Cursor()] = None


class OrganismeListing(Page):
    # empty, like absent: every status
    statut: Annotated[str | None, Choice("Statut", ("", *STATUSES), required=False)] = None


class DossierEvent(AnswerModel):
    date: DateTime
    statut: Statut
    par: Annotated[str, one_of("titulaire", "organisme", "systeme", "operateur")]
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


class Sortie(AnswerModel):
    date_sortie: Day
    taux_realisation: Annotated[str, Field(pattern=r"^[0-9]{1,3}\.[0-9]{2}$")]
    motif_partiel: Annotated[str, one_of(*PARTIAL_REASONS)] | None = None
    heures_realisees: Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]{2}$")] | None = None
    declaree_le: DateTime
    tardive: bool


class Facture(AnswerModel):
    numero: str
    date: Day
    montant_ht: Euros
    montant_ttc: Euros


class Controle(AnswerModel):
    """La décision du financeur sur le service fait."""

    issue: Annotated[str, one_of("validee", "attente", "rejetee")]
    le: DateTime
    par: str | None = None
    raisons: list[str] | None = None


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
    sortie: Sortie | None = None
    facture: Facture | None = None
    montant_du: Euros | None = None  # what the funder pays the organisme
    rendu: Euros | None = None  # the unrealised part credited back to the rights
    controle: Controle | None = None


class DossierPage(AnswerModel):
    dossiers: list[Dossier]
    cursor: str | None
