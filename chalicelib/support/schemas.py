"""What the help-request routes read and answer. The texts refuse CR/LF and every control
character (the rules of `fields`): nothing typed can become an email header."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import Field, model_validator

from ..fields import BirthDate, Choice, Email, Invalid, Rule, Text
from ..schemas import AnswerModel, RequestModel, one_of

SITUATIONS = {
    "creation_impossible_actif": "Je travaille et je ne parviens pas à créer mon compte",
    "creation_impossible_retraite": "Je suis retraité(e) ou j'ai plus de 70 ans et je ne "
    "parviens pas à créer mon compte",
    "droits_elu_invisibles": "Mon compte élu ne s'affiche pas",
}
WORKING = "creation_impossible_actif"  # case 1: a procedure to follow, nothing is sent
# Mon Compte Formation's page "Je n'ai pas ou je n'arrive pas à créer de compte".
FAQ_URL = "https://www.moncompteformation.gouv.fr/espace-public/node/93"
# The documents the Caisse des Dépôts may ask for: identity papers, proof of a mandate.
DOCUMENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


class SupportRequest(RequestModel):
    """Case 1 (a procedure, nothing sent) takes the situation alone; the others, the form."""

    situation: Annotated[str, Choice("Situation", SITUATIONS)]
    nom_naissance: Annotated[str, Text("Nom de naissance", max_length=100)]
    nom_usage: Annotated[
        str | None, Text("Nom d'usage ou marital", required=False, max_length=100)
    ] = None
    prenoms: Annotated[str, Text("Prénom(s)", max_length=150)]
    date_naissance: Annotated[str, BirthDate("Date de naissance")]
    lieu_naissance: Annotated[str, Text("Lieu de naissance", max_length=120)]
    collectivite: Annotated[str, Text("Collectivité du mandat")]
    email: Annotated[str, Email("Adresse électronique")]

    @model_validator(mode="wrap")
    @classmethod
    def _situation_alone_for_case_1(cls, data: Any, handler: Any) -> Any:
        """No identity is asked for a request that is not sent."""
        if isinstance(data, dict) and data.get("situation") == WORKING:
            return cls.model_construct(situation=WORKING)
        return handler(data)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        full = handler.resolve_ref_schema(handler(core_schema))
        sent = [s for s in SITUATIONS if s != WORKING]
        return {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["situation"],
                    "properties": {"situation": {"const": WORKING}},
                },
                {**full, "properties": {**full["properties"], "situation": {"enum": sent}}},
            ]
        }


@dataclass(frozen=True)
class DocumentSize(Rule):
    label: str = "Taille"

    def clean(self, value: Any, today: date | None = None) -> int:
        # JSON says 1.0 and 1 alike: an integer either way (never true or false)
        integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not integral or not 0 < value <= MAX_DOCUMENT_BYTES:
            raise Invalid(
                f"Taille : un document fait au plus {MAX_DOCUMENT_BYTES // (1024 * 1024)} Mo."
            )
        return int(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": 1, "maximum": MAX_DOCUMENT_BYTES}


class DocumentRequest(RequestModel):
    type: Annotated[
        str,
        Choice(
            "Type de fichier",
            tuple(DOCUMENT_TYPES),
            message="Type de fichier : seuls les PDF, JPEG et PNG sont acceptés.",
        ),
    ]
    taille: Annotated[int, DocumentSize()]
    email: Annotated[str, Field(max_length=254)] | None = None  # without a session


class SupportAccepted(AnswerModel):
    reference: str
    statut: Annotated[str, one_of("recue")]


class SupportProcedure(AnswerModel):
    message: str
    procedure: str


class Piece(AnswerModel):
    nom: str
    taille: int


class SupportStatus(AnswerModel):
    reference: str
    situation: Annotated[str, Field(json_schema_extra={"enum": list(SITUATIONS)})] | None = None
    recue_le: Annotated[str, Field(json_schema_extra={"format": "date-time"})] | None = None
    statut: Annotated[str, one_of("recue", "resolue_automatiquement", "transmise", "echec")]
    pieces: list[Piece] | None = None


class DocumentForm(AnswerModel):
    """Un POST présigné : envoyer le fichier à `url` en multipart/form-data, avec les `champs`
    puis le fichier (`file`)."""

    url: str
    champs: dict[str, Any]
    nom: str
