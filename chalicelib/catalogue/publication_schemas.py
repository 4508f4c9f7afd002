"""What the organismes' publication routes read and answer: a formation and its sessions as the
organisme publishes them, and as it sees them back. The rules are the catalogue's (`rules`):
those that need only the request are checked here, the others (a session against its
formation) by the use case; every refusal names its field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field, ValidationInfo, model_validator

from ..errors import FieldError
from ..fields import (
    Amount,
    Choice,
    Cursor,
    Flag,
    IsoDate,
    Nested,
    Quantity,
    Text,
    WholeNumber,
)
from ..schemas import AnswerModel, Euros, RequestModel, absent, across, one_of
from . import rules
from .rules import CATALOGUES, MAX_CAPACITY, MODALITES, Approval, Refused
from .schemas import Catalogue, Day, Departement, Lieu, Modalite

DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
PUBLISHED, WITHDRAWN = "publiee", "retiree"


def _today(info: ValidationInfo) -> date:
    return (info.context or {}).get("today") or date.today()


def checked(checks: list[Callable[[], None]]) -> list[FieldError]:
    """The refusals of these rules, each under its field."""
    found = []
    for check in checks:
        try:
            check()
        except Refused as refused:
            found.append(FieldError(refused.champ, refused.message))
    return found


class LieuFields(RequestModel):
    commune: Annotated[str | None, Text("Commune", required=False, max_length=80)] = None
    departement: Departement = None


class AgrementFields(RequestModel):
    """L'agrément du ministère : obligatoire pour une formation liée au mandat."""

    numero: Annotated[str | None, Text("Numéro d'agrément", required=False, max_length=50)] = None
    debut: Annotated[str | None, IsoDate("Début de l'agrément", required=False)] = None
    fin: Annotated[str | None, IsoDate("Fin de l'agrément", required=False)] = None

    def approval(self) -> Approval:
        return Approval(
            self.numero,
            date.fromisoformat(self.debut) if self.debut else None,
            date.fromisoformat(self.fin) if self.fin else None,
        )


class FormationFields(RequestModel):
    """Une formation publiée par son organisme (le nom et le SIRET sont ceux de sa clé)."""

    catalogue: Annotated[str, Choice("Catalogue", CATALOGUES)]
    titre: Annotated[str, Text("Titre", max_length=300)]
    objectifs: Annotated[str, Text("Objectifs", max_length=4000)]
    duree_heures: Annotated[Decimal, Quantity("Durée (heures)", 2000, " h")]
    prix: Annotated[int, Amount("Prix HT")]
    modalite: Annotated[str, Choice("Modalité", MODALITES)]
    lieu: Annotated[LieuFields | None, Nested("Lieu", required=False)] = None
    agrement: Annotated[AgrementFields | None, Nested("Agrément", required=False)] = None

    def approval(self) -> Approval:
        return (self.agrement or AgrementFields()).approval()

    @model_validator(mode="after")
    def _catalogue_rules(self, info: ValidationInfo) -> FormationFields:
        lieu = self.lieu or LieuFields()
        problems = checked(
            [
                lambda: rules.check_price(
                    self.catalogue, self.duree_heures, self.prix, _today(info)
                ),
                lambda: rules.check_approval_given(self.catalogue, self.approval()),
                lambda: rules.check_place(self.modalite, lieu.commune, lieu.departement),
            ]
        )
        if problems:
            raise across(problems)
        return self


class FormationChanges(RequestModel):
    """Ce qui change (le catalogue ne change pas : retirer la formation et en publier une autre)."""

    # absent: unchanged; never null (a formation always has them): their rules refuse null
    titre: Annotated[str, Text("Titre", max_length=300)] = absent()
    objectifs: Annotated[str, Text("Objectifs", max_length=4000)] = absent()
    duree_heures: Annotated[Decimal, Quantity("Durée (heures)", 2000, " h")] = absent()
    prix: Annotated[int, Amount("Prix HT")] = absent()
    modalite: Annotated[str, Choice("Modalité", MODALITES)] = absent()
    lieu: Annotated[LieuFields | None, Nested("Lieu", required=False)] = None
    agrement: Annotated[AgrementFields | None, Nested("Agrément", required=False)] = None


class SessionFields(RequestModel):
    """Une session : sa date de fin est celle du début si elle dure un jour."""

    date_debut: Annotated[str, IsoDate("Date de début")]
    date_fin: Annotated[str | None, IsoDate("Date de fin", required=False)] = None
    places: Annotated[int, WholeNumber("Places", 1, MAX_CAPACITY)]

    @property
    def first_day(self) -> date:
        return date.fromisoformat(self.date_debut)

    @property
    def last_day(self) -> date:
        return date.fromisoformat(self.date_fin or self.date_debut)

    @model_validator(mode="after")
    def _dates(self, info: ValidationInfo) -> SessionFields:
        problems = checked(
            [
                lambda: rules.check_session_dates(self.first_day, self.last_day),
                lambda: rules.check_future(self.first_day, _today(info)),
            ]
        )
        if problems:
            raise across(problems)
        return self


class SessionChanges(RequestModel):
    date_debut: Annotated[str | None, IsoDate("Date de début", required=False)] = None
    date_fin: Annotated[str | None, IsoDate("Date de fin", required=False)] = None
    places: Annotated[int | None, WholeNumber("Places", 1, MAX_CAPACITY, required=False)] = None
    inscriptions_ouvertes: Annotated[bool | None, Flag("Inscriptions ouvertes", required=False)] = (
        None
    )


class FormationsListing(RequestModel):
    cursor: Annotated[str | None, Cursor()] = None


class Agrement(AnswerModel):
    numero: str
    debut: Day
    fin: Day


class SessionPubliee(AnswerModel):
    id: str
    date_debut: Day
    date_fin: Day
    places: int
    inscriptions_ouvertes: bool
    lieu: str | None
    dossiers_en_cours: Annotated[
        int | None, Field(description="Dossiers DIF qui tiennent une place (fiche seulement).")
    ] = None


class FormationPubliee(AnswerModel):
    id: str
    statut: Annotated[str, one_of(PUBLISHED, WITHDRAWN)]
    catalogue: Catalogue
    titre: str
    objectifs: str
    duree_heures: float
    prix: Euros
    modalite: Modalite
    lieu: Lieu
    agrement: Agrement | None
    sessions: list[SessionPubliee]
    retiree_le: DateTime | None = None


class FormationPublieePage(AnswerModel):
    formations: list[FormationPubliee]
    cursor: str | None
