"""The rules of what a person types, as `Annotated` types for the edge's pydantic models: each
rule cleans a value or says in French what to correct, and gives its JSON schema, so a length or
a list of choices is written once and the OpenAPI document says what validation does.

    nom: Annotated[str, PersonName("Nom de naissance")]

One control-character policy for every text: refused (CR, LF, tab, DEL, lone surrogates, line
separators), never rewritten, since what is typed can end up in an email header, a CSV or a log.
Other white space is tidied: one space between words, none around.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from . import names

_REFUSED_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}
# The same policy, for the document: any character but controls and line separators (lone
# surrogates cannot reach a rule: the JSON reader refuses them).
_CONTROLS = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029"
_ALLOWED, _VISIBLE = f"[^{_CONTROLS}]", f"[^\\s{_CONTROLS}]"


class Invalid(ValueError):
    """What to correct in one field, in French (the label included); a rule may have several
    things to say about one value (a password)."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = messages

    def __str__(self) -> str:
        return self.messages[0]

    def as_pydantic(self) -> Any:
        """This refusal as pydantic reports it (the edge turns it back into field errors)."""
        from pydantic_core import PydanticCustomError

        return PydanticCustomError(
            "champ_invalide", "{message}", {"message": self.messages[0], "all": self.messages}
        )


class Rule:
    """A field rule, usable as `Annotated` metadata: pydantic validates with `clean` (the day
    comes from the validation context, `{"today": date}`) and documents with `schema`."""

    label: str
    required: bool = True

    def clean(self, value: Any, today: date | None = None) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        def validate(value: Any, info: Any) -> Any:
            try:
                return self.clean(value, (info.context or {}).get("today"))
            except Invalid as error:
                raise error.as_pydantic() from None

        return core_schema.with_info_plain_validator_function(validate)

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return self.schema()

    def missing(self) -> str:
        """What to say when the field is absent."""
        try:
            self.clean(None)
        except Invalid as error:
            return str(error)
        return f"{self.label} : ce champ est obligatoire."


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in value)


def normalise_email(value: str) -> str:
    """How an address is compared and stored: trimmed, lower case."""
    return value.strip().lower()


def local_path(value: str | None, max_length: int = 300) -> str | None:
    """A path of this site to come back to (`/dossier?id=...`), or None for anything else:
    another site, a scheme, a protocol-relative or backslashed path, control characters. Parsed
    as a URL, as the browser will, not matched as a string."""
    from urllib.parse import unquote, urlsplit

    if not value or len(value) > max_length or has_control_characters(value):
        return None
    decoded = unquote(value)
    if has_control_characters(decoded) or "\\" in decoded or not value.startswith("/"):
        return None
    parts = urlsplit(value)
    if (
        parts.scheme
        or parts.netloc
        or not parts.path.startswith("/")
        or parts.path.startswith("//")
        or decoded.startswith("//")
    ):
        return None
    return value


_IDENTIFIER = re.compile(r"[A-Za-z0-9_.:\-]+")


def is_identifier(value: object, max_length: int = 64) -> bool:
    """An id of ours (formation, session, file, request): short, plain characters. Anything else
    names nothing, and never reaches a database key."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= max_length
        and bool(_IDENTIFIER.fullmatch(value))
    )


@dataclass(frozen=True)
class Identifier(Rule):
    label: str
    max_length: int = 64
    required: bool = True

    def clean(self, value: Any, today: date | None = None) -> str:
        if not is_identifier(value, self.max_length):
            raise Invalid(f"{self.label} : identifiant invalide.")
        return str(value)

    def schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": "^[A-Za-z0-9_.:\\-]+$",
            "maxLength": self.max_length,
            "description": self.label,
        }


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class Text(Rule):
    label: str
    required: bool = True
    max_length: int = 200
    description: str | None = None

    def clean(self, value: Any, today: date | None = None) -> Any:
        """The cleaned value; None for an optional field left empty; or Invalid."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise Invalid(f"{self.label} : ce champ est obligatoire.")
            return None
        if not isinstance(value, str):
            raise Invalid(f"{self.label} : du texte est attendu.")
        if has_control_characters(value):
            raise Invalid(
                f"{self.label} : les retours à la ligne et caractères de contrôle ne "
                "sont pas acceptés."
            )
        value = " ".join(value.split())
        if len(value) > self.max_length:
            raise Invalid(f"{self.label} : {self.max_length} caractères au maximum.")
        return self.refine(value, today)

    def refine(self, value: str, today: date | None) -> Any:
        return value

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "string" if self.required else ["string", "null"],
            "maxLength": self.max_length,
            "description": self.description or self.label,
        }
        # blank is missing
        schema["pattern"] = (
            f"^{_ALLOWED}*{_VISIBLE}{_ALLOWED}*$" if self.required else f"^{_ALLOWED}*$"
        )
        if self.required:
            schema["minLength"] = 1
        return {**schema, **self.extra_schema()}

    def extra_schema(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class PersonName(Text):
    max_length: int = 100

    def refine(self, value: str, today: date | None) -> str:
        if not names.is_plausible_name(value):
            raise Invalid(
                f"{self.label} : seuls les lettres, espaces, traits d'union et "
                "apostrophes sont acceptés."
            )
        return names.clean_display(value)


@dataclass(frozen=True)
class Email(Text):
    max_length: int = 254

    def refine(self, value: str, today: date | None) -> str:
        from email_validator import EmailNotValidError, validate_email

        try:
            checked = validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            raise Invalid(
                f"{self.label} : format invalide (exemple : prenom.nom@exemple.fr)."
            ) from None
        return normalise_email(checked.normalized)

    def extra_schema(self) -> dict[str, Any]:
        return {"format": "email"}


@dataclass(frozen=True)
class Phone(Text):
    max_length: int = 30

    def refine(self, value: str, today: date | None) -> str:
        import phonenumbers

        try:
            parsed = phonenumbers.parse(value, "FR")
            valid = phonenumbers.is_valid_number(parsed)
        except phonenumbers.NumberParseException:
            valid = False
        if not valid:
            raise Invalid(
                f"{self.label} : numéro invalide (exemple : 06 12 34 56 78 ou +33 6 12 34 56 78)."
            )
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class IsoDate(Text):
    """A calendar date written AAAA-MM-JJ (the API's format; the web client converts)."""

    max_length: int = 10

    def refine(self, value: str, today: date | None) -> Any:
        try:
            if len(value) != 10:
                raise ValueError
            day = date.fromisoformat(value)
        except ValueError:
            # people type jj/mm/aaaa (the web client converts to the API's AAAA-MM-JJ)
            raise Invalid(
                f"{self.label} : date invalide, saisissez-la au format jj/mm/aaaa (par exemple "
                "31/05/1970)."
            ) from None
        return self.check(day, today).isoformat()

    def check(self, day: date, today: date | None) -> date:
        return day

    def extra_schema(self) -> dict[str, Any]:
        return {"format": "date", "maxLength": 10}


@dataclass(frozen=True)
class PastDate(IsoDate):
    """A day that has come (today included)."""

    def check(self, day: date, today: date | None) -> date:
        if day > (today or date.today()):
            raise Invalid(f"{self.label} : cette date est dans le futur.")
        return day


@dataclass(frozen=True)
class Quantity(Rule):
    """A JSON number between 0 and `maximum`, kept to the hundredth (half up)."""

    label: str
    maximum: int
    unit: str = ""
    required: bool = True

    def clean(self, value: Any, today: date | None = None) -> Decimal | None:
        if value is None:
            if self.required:
                raise Invalid(f"{self.label} : ce champ est obligatoire.")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(f"{self.label} : un nombre est attendu (exemple : 12.5).")
        number = Decimal(str(value))
        if not number.is_finite() or not 0 <= number <= self.maximum:
            raise Invalid(f"{self.label} : un nombre entre 0 et {self.maximum}{self.unit}.")
        return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def schema(self) -> dict[str, Any]:
        return {
            "type": "number" if self.required else ["number", "null"],
            "minimum": 0,
            "maximum": self.maximum,
            "description": self.label,
        }


@dataclass(frozen=True)
class BirthDate(IsoDate):
    """A birth date in the past, of a person between `min_age` and `max_age`."""

    min_age: int = 0
    max_age: int = 120
    too_young: str | None = None

    def check(self, day: date, today: date | None) -> date:
        today = today or date.today()
        if day > today:
            raise Invalid(f"{self.label} : cette date est dans le futur.")
        age = age_on(day, today)
        if age < self.min_age:
            raise Invalid(
                self.too_young or f"{self.label} : il faut avoir au moins {self.min_age} ans."
            )
        if age > self.max_age:
            raise Invalid(f"{self.label} : vérifiez l'année saisie.")
        return day


@dataclass(frozen=True)
class Pattern(Text):
    """A short code matching `pattern` (upper-cased first), e.g. a département."""

    pattern: str = ".*"
    message: str = ""
    schema_pattern: str | None = None  # what is accepted as typed (spaces around, lower case)

    def refine(self, value: str, today: date | None) -> str:
        value = value.upper()
        if not re.fullmatch(self.pattern, value):
            raise Invalid(self.message or f"{self.label} : format invalide.")
        return value

    def extra_schema(self) -> dict[str, Any]:
        return {"pattern": self.schema_pattern} if self.schema_pattern else {}


@dataclass(frozen=True)
class Amount(Text):
    """An amount in euros, typed with a dot or a comma; cleaned to integer cents."""

    max_length: int = 12

    def refine(self, value: str, today: date | None) -> int:
        try:
            euros = Decimal(value.replace(",", ".").replace(" ", ""))
            if not euros.is_finite() or euros < 0:
                raise InvalidOperation
        except InvalidOperation:
            raise Invalid(
                f"{self.label} : un montant en euros (exemple : 450 ou 450,50)."
            ) from None
        return int((euros * 100).to_integral_value())

    def extra_schema(self) -> dict[str, Any]:
        return {"pattern": r"^\s*[0-9][0-9 ]*([.,][0-9]{1,2})?\s*$"}


@dataclass(frozen=True)
class Choice(Rule):
    """One of a list of codes (for a mapping, its keys; the values are the labels)."""

    label: str
    options: Mapping[str, str] | tuple[str, ...]
    required: bool = True
    message: str | None = None

    def clean(self, value: Any, today: date | None = None) -> str | None:
        if value in (None, "") and not self.required:
            return None
        if isinstance(value, str) and value in self.options:
            return value
        raise Invalid(
            self.message or f"{self.label} : choisissez parmi " + ", ".join(self.options) + "."
        )

    def schema(self) -> dict[str, Any]:
        choices: list[Any] = list(self.options)
        if not self.required:
            choices.append(None)
        return {"enum": choices, "description": self.label}


@dataclass(frozen=True)
class Nested:
    """Marks a field that is a JSON object of its own fields (their errors are named
    `<name>.<field>`): what to say when the object itself is missing or not an object."""

    label: str
    required: bool = True

    def missing_message(self, fields: list[str]) -> str:
        return f"{self.label} : ce champ est obligatoire ({', '.join(fields)})."


@dataclass(frozen=True)
class Cursor(Rule):
    """What a previous page gave: signed, so the use case that reads it refuses any other value
    (a 400 of its own); here only its shape, for clients."""

    label: str = "Curseur"
    required: bool = False

    def clean(self, value: Any, today: date | None = None) -> str | None:
        return value if isinstance(value, str) and value else None

    def schema(self) -> dict[str, Any]:
        from .cursors import MAX_LENGTH

        return {
            "type": ["string", "null"],
            "pattern": "^([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)?$",  # empty: the first page
            "maxLength": MAX_LENGTH,
            "description": "Le curseur de la page précédente.",
        }


@dataclass(frozen=True)
class WholeNumber(Rule):
    """A JSON integer between `minimum` and `maximum` (a number of places)."""

    label: str
    minimum: int
    maximum: int
    required: bool = True

    def clean(self, value: Any, today: date | None = None) -> int | None:
        if value is None and not self.required:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"{self.label} : un nombre entier est attendu (exemple : 12).")
        if not self.minimum <= value <= self.maximum:
            raise Invalid(f"{self.label} : un nombre entre {self.minimum} et {self.maximum}.")
        return value

    def schema(self) -> dict[str, Any]:
        return {
            "type": "integer" if self.required else ["integer", "null"],
            "minimum": self.minimum,
            "maximum": self.maximum,
            "description": self.label,
        }


@dataclass(frozen=True)
class Flag(Rule):
    """A JSON true or false."""

    label: str
    required: bool = True

    def clean(self, value: Any, today: date | None = None) -> bool | None:
        if value is None and not self.required:
            return None
        if not isinstance(value, bool):
            raise Invalid(f"{self.label} : true ou false est attendu.")
        return value

    def schema(self) -> dict[str, Any]:
        return {
            "type": "boolean" if self.required else ["boolean", "null"],
            "description": self.label,
        }
