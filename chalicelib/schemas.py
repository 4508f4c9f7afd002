"""The edge's models shared by every area: the bases of request and answer models, the reading
of a request into its model (validation errors as the API's French field errors), and the
problem+json answer.

A request model validates what a person sent with the rules of `fields` (one French message per
offending field, named by its path: `adresse.ligne1`); checks across fields raise `across()`
from an after-validator. An answer model is what a use case gives back: serialised with the
fields it was given (`exclude_unset`), so an absent member stays absent and a null stays null.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from .errors import FieldError, InvalidForm
from .fields import Nested, Rule

RequestT = TypeVar("RequestT", bound="RequestModel")


class RequestModel(BaseModel):
    """A body or a query: unknown members are ignored, as browsers and clients send more."""

    model_config = ConfigDict(frozen=True, defer_build=True, extra="ignore")

    @classmethod
    def read(cls: type[RequestT], data: Any, today: date | None = None) -> RequestT:
        """The model of `data`, or InvalidForm with every offending field, once, by path."""
        try:
            return cls.model_validate(data, context={"today": today})
        except ValidationError as error:
            raise InvalidForm(field_errors(cls, error)) from None


class AnswerModel(BaseModel):
    """What the API answers: a member it does not declare is a bug, refused loudly."""

    model_config = ConfigDict(frozen=True, defer_build=True, extra="forbid")

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


def across(errors: Iterable[FieldError], of_field: bool = False) -> PydanticCustomError:
    """A check across fields fails: its errors, each named by its field of the model that
    checks (`of_field`: raised by a field validator, so pydantic names that field)."""
    found = [(e.champ, e.message) for e in errors]
    return PydanticCustomError(
        "champs_croises",
        "{message}",
        {"message": found[0][1], "all": found, "of_field": of_field},
    )


def field_errors(model: type[BaseModel], error: ValidationError) -> list[FieldError]:
    """Pydantic's errors as the API's: the rule's message where a rule refused, the rule's
    "obligatoire" where a field is missing, the nested object's where it is not an object."""
    found: list[FieldError] = []
    for detail in error.errors(include_url=False):
        loc = tuple(str(part) for part in detail["loc"])
        context = detail.get("ctx") or {}
        if detail["type"] == "champs_croises":
            prefix = ".".join(loc[:-1] if context["of_field"] else loc)
            found += [
                FieldError(f"{prefix}.{champ}" if prefix else champ, message)
                for champ, message in context["all"]
            ]
            continue
        name = ".".join(loc)
        if detail["type"] == "champ_invalide":
            found += [FieldError(name, message) for message in context["all"]]
            continue
        found.append(FieldError(name, _message_at(model, loc)))
    unique: dict[tuple[str, str], FieldError] = {}
    for item in found:
        unique.setdefault((item.champ, item.message), item)
    return list(unique.values())


def labels(model: type[BaseModel]) -> dict[str, str]:
    """The French label of each field a rule declares, in the model's order."""
    return {
        name: rule.label
        for name, field in model.model_fields.items()
        for rule in field.metadata
        if isinstance(rule, Rule)
    }


def _message_at(model: type[BaseModel], loc: tuple[str, ...]) -> str:
    """What to say of a missing or wrongly typed value at `loc`, from the rule declared there."""
    current: Any = model
    for depth, part in enumerate(loc):
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            break
        last = depth == len(loc) - 1
        for metadata in field.metadata:
            if last and isinstance(metadata, Rule):
                return metadata.missing()
            if last and isinstance(metadata, Nested):
                inner = field.annotation
                names = list(getattr(inner, "model_fields", {}))
                return metadata.missing_message(names)
        current = field.annotation
    return "Valeur invalide."


# --- answers every area shares ----------------------------------------------------------------


class FieldErrorModel(AnswerModel):
    model_config = ConfigDict(title="FieldError")

    champ: str
    message: str


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def absent() -> Any:
    """The default of a field that may be left out but never sent as null (its rule refuses
    null): absent, it is not in `model_fields_set`; the document shows no default."""
    return Field(default=None, json_schema_extra=_no_default)


def one_of(*values: str) -> Any:
    """The values a stored code takes, for the document (answers are built from our data)."""
    return Field(json_schema_extra={"enum": list(values)})


EUROS = Field(pattern=r"^[0-9]+\.[0-9]{2}$", description="euros")
Euros = Annotated[str, EUROS]


_CERTIFIED_LOGIN = "Lien qui ouvre la connexion FranceConnect+ et revient au dossier."


class Problem(AnswerModel):
    """RFC 9457 problem details, in French (a problem may carry members of its own)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldErrorModel] | None = None
    reessayer_apres: Annotated[str, Field(json_schema_extra={"format": "date-time"})] | None = None
    reste_a_charge: Euros | None = None
    montant: Euros | None = None
    disponible: Euros | None = None
    montant_du: Euros | None = None
    connexion: (
        Annotated[
            str,
            Field(description="Lien qui ouvre la connexion FranceConnect+ et revient au dossier."),
        ]
        | None
    ) = None
    statut: str | None = None
    dossier: str | None = None
    aide: str | None = None


class Message(AnswerModel):
    """Un message à montrer tel quel."""

    message: str


class Health(AnswerModel):
    """Le service répond."""

    status: Literal["ok"]


def as_answer(model: type[AnswerModel], value: AnswerModel | Mapping[str, Any]) -> AnswerModel:
    """A use case's answer in its declared model (a dict is read into it)."""
    if isinstance(value, model):
        return value
    return model.model_validate(value if isinstance(value, Mapping) else value.to_json())
