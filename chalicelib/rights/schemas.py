"""What the rights routes answer: the DIF élus and CPF balances, and the ledger's pages."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ..schemas import AnswerModel, Euros, one_of

Day = Annotated[str, Field(json_schema_extra={"format": "date"})]


class DifElus(AnswerModel):
    montant_disponible: Euros
    plafond: Euros | None
    prochain_credit: Day | None = None
    en_mandat: bool | None = None
    utilisable_pour: list[Annotated[str, one_of("mandat", "reconversion")]] | None = None
    utilisable_jusqu_au: Day | None = None


class CpfEuros(AnswerModel):
    montant_disponible: Euros


class CpfHeures(AnswerModel):
    heures_disponibles: int


class Rights(AnswerModel):
    """Les droits; `elu` vaut null hors compte élu reconnu."""

    elu: DifElus | None
    rattachement: (
        Annotated[
            str,
            Field(
                description="Présent quand les droits d'un compte supprimé de la même personne "
                "attendent d'être rattachés (après FranceConnect+)."
            ),
        ]
        | None
    ) = None
    cpf_euros: CpfEuros | None
    cpf_heures: CpfHeures | None


class Operation(AnswerModel):
    date: Day
    libelle: str
    montant: Euros
    sens: Literal["credit", "debit"]
    source: str


class RightsHistory(AnswerModel):
    operations: list[Operation]
    cursor: str | None
