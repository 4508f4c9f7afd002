"""What the rating routes read and answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from pydantic import Field

from ..fields import Invalid, Rule, Text
from ..schemas import AnswerModel, RequestModel
from .rules import GRADES


@dataclass(frozen=True)
class Grade(Rule):
    label: str = "Note"

    def clean(self, value: Any, today: date | None = None) -> int:
        # JSON says 4 and 4.0 alike; never true or false
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not whole or int(value) not in GRADES:
            raise Invalid("Note : un nombre entier de 1 à 5.")
        return int(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": GRADES.start, "maximum": GRADES.stop - 1}


class RatingRequest(RequestModel):
    note: Annotated[int, Grade()]
    commentaire: Annotated[str | None, Text("Commentaire", required=False, max_length=500)] = None


DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class Rating(AnswerModel):
    """Votre évaluation de la formation."""

    note: int
    commentaire: str | None
    modifiable_jusqu_au: DateTime


class Ratings(AnswerModel):
    """Les évaluations des formations de l'organisme."""

    moyenne: Annotated[str | None, Field(description="Sur 5, une décimale.")]
    nombre: int
