"""What the API shows of the RNE: a mandate, as the répertoire publishes it."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ..schemas import AnswerModel
from .formats import MANDATE_TYPES


class Mandat(AnswerModel):
    """Un mandat en cours, tel que le RNE le publie."""

    type: Annotated[str, Field(json_schema_extra={"enum": list(MANDATE_TYPES)})]
    libelle: str
    collectivite: str | None
    code_territoire: str | None
    departement: str | None
    fonction: str | None
    date_debut: Annotated[str, Field(json_schema_extra={"format": "date"})]
