"""What the catalogue routes read and answer: the search form, a page of results, a fiche."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from ..fields import Amount, Choice, Cursor, Pattern, Text
from ..schemas import AnswerModel, Euros, RequestModel
from .rules import CATALOGUES, MODALITES

Day = Annotated[str, Field(json_schema_extra={"format": "date"})]
Catalogue = Annotated[str, Field(json_schema_extra={"enum": list(CATALOGUES)})]
Modalite = Annotated[str, Field(json_schema_extra={"enum": list(MODALITES)})]


# A French département's code, as a search filter or a formation's place.
Departement = Annotated[
    str | None,
    Pattern(
        "Département",
        required=False,
        max_length=3,
        pattern=r"\d{1,3}|2[AB]",
        message="Département : un code comme 35, 2A ou 974.",
        schema_pattern=r"^\s*(?:\d{1,3}|2[ABab])\s*$",
    ),
]


class SearchQuery(RequestModel):
    catalogue: Annotated[str, Choice("Catalogue", CATALOGUES)]
    q: Annotated[
        str | None,
        Text("Recherche", required=False, description="Mots-clés, sans accents ni casse"),
    ] = None
    departement: Departement = None
    modalite: Annotated[str | None, Choice("Modalité", MODALITES, required=False)] = None
    prix_max: Annotated[int | None, Amount("Prix maximum", required=False)] = None
    cursor: Annotated[str | None, Cursor()] = None


class Lieu(AnswerModel):
    commune: str | None = None
    departement: str | None = None


class FormationSummary(AnswerModel):
    id: str
    catalogue: Catalogue
    titre: str
    organisme: str
    prix: Euros
    duree_heures: float
    modalite: Modalite
    lieu: Lieu
    prochaine_session: Day | None = None


class FormationPage(AnswerModel):
    formations: list[FormationSummary]
    cursor: str | None


class SessionFormation(AnswerModel):
    id: str
    date_debut: Day
    date_fin: Day
    places_restantes: Annotated[
        int, Field(ge=0, description="Places encore finançables par le DIF élus.")
    ]
    modalite: Modalite
    lieu: str | None


class OrganismeFiche(AnswerModel):
    nom: str
    siret: str
    agrement: dict[str, Any] | None = None


class Notes(AnswerModel):
    """La moyenne des évaluations des élus (sur 5), dès 5 évaluations."""

    moyenne: str
    nombre: int


class Formation(AnswerModel):
    id: str
    catalogue: Catalogue
    titre: str
    objectifs: str
    organisme: OrganismeFiche
    prix: Euros
    duree_heures: float
    modalite: Modalite
    lieu: Lieu
    prochaine_session: Day | None = None
    sessions: list[SessionFormation]
    evaluation: Notes | None = None
