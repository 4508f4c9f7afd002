"""What the account routes read and answer: the 4-step signup form (Identité, Contact,
Adresse, Mot de passe), the login, the corrections of Mon compte, and their answers.

Each step is its own model, so the browser can guide the person step by step and `POST
/accounts` checks all four at once (`AccountCreation`). Checks that need another field run as
field validators of the later field, with what pydantic has validated before it: the NIR
against the sex and birth date, a French postcode, a password built from the person's details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonDict

from .. import names
from ..errors import FieldError
from ..fields import (
    BirthDate,
    Choice,
    Email,
    Invalid,
    Nested,
    PersonName,
    Phone,
    Rule,
    Text,
)
from ..rne.schemas import Mandat
from ..schemas import AnswerModel, RequestModel, absent, across, field_errors
from . import nir, passwords

SEXES = ("F", "M")
# Highest diploma, by level of the national qualifications framework (cadre national 2019).
DIPLOMES = {
    "sans_diplome": "Aucun diplôme",
    "niveau_3": "CAP, BEP",
    "niveau_4": "Baccalauréat",
    "niveau_5": "Bac+2 (BTS, DUT, DEUST)",
    "niveau_6": "Bac+3 ou Bac+4 (licence, maîtrise)",
    "niveau_7": "Bac+5 (master, diplôme d'ingénieur)",
    "niveau_8": "Doctorat",
}
MIN_AGE, MAX_AGE = 16, 120
_INSEE_COMMUNE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$")
_FRENCH_POSTCODE = re.compile(r"^\d{5}$")
NIR_13_MESSAGE = "Numéro de sécurité sociale : saisissez les 13 premiers caractères, sans la clé."
PASSWORD_MISSING = "Mot de passe : ce champ est obligatoire."  # noqa: S105 - a message
SECRET_MAX_LENGTH = 1024  # a password typed to prove who one is: checked, never stored


@dataclass(frozen=True)
class BirthPlace(Text):
    """The INSEE code of the commune of birth, or the country for people born abroad."""

    max_length: int = 80

    def refine(self, value: str, today: date | None) -> str:
        if _INSEE_COMMUNE.match(value.upper()):
            return value.upper()
        if names.is_plausible_name(value):
            return value
        raise Invalid(
            "Lieu de naissance : indiquez le code INSEE de la commune (5 caractères) "
            "ou, si vous êtes né(e) à l'étranger, le pays."
        )


@dataclass(frozen=True)
class NirField(Text):
    """The 15-character NIR (13 + key); its consistency with the identity is checked beside."""

    max_length: int = 21  # 15 characters, and the spaces people type between groups
    description: str = "15 caractères (13 + clé), espaces permis; 2A/2B pour la Corse."

    def refine(self, value: str, today: date | None) -> str:
        try:
            return nir.validate_full(value)
        except nir.InvalidNir as error:
            raise Invalid(str(error)) from None


@dataclass(frozen=True)
class NewPassword(Rule):
    """A password chosen: the rule's every unmet point, in French."""

    label: str = "Mot de passe"

    def clean(self, value: Any, today: date | None = None) -> str:
        if not isinstance(value, str) or not value:
            raise Invalid(f"{self.label} : ce champ est obligatoire.")
        problems = passwords.rule_errors(value)
        if problems:
            raise Invalid(*problems)
        return value

    def schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "minLength": passwords.MIN_LENGTH,
            "maxLength": passwords.MAX_LENGTH,
            # the rule's character classes, as ASCII (the rule also takes accented letters):
            # what the schema allows, the rule allows; the common-word check it cannot say
            "pattern": passwords.SCHEMA_PATTERN,
            "description": "Majuscule, minuscule, chiffre et caractère spécial; pas un mot "
            "de passe courant.",
        }


@dataclass(frozen=True)
class Secret(Rule):
    """Something typed that is compared, never shown back: a password, a link's token."""

    label: str
    message: str
    max_length: int = SECRET_MAX_LENGTH
    pattern: str | None = None  # what a well-formed one looks like (a wrong one is compared)

    def clean(self, value: Any, today: date | None = None) -> str:
        if not isinstance(value, str) or not value.strip() or len(value) > self.max_length:
            raise Invalid(self.message)
        return value

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": self.max_length}
        return {**schema, "pattern": self.pattern} if self.pattern else schema


@dataclass(frozen=True)
class Nir13(Rule):
    """The 13 characters of a NIR people log in with (2A/2B for Corsica); the 15 with the key
    are accepted too, once the key checks out (the login reads it)."""

    label: str = "Numéro de sécurité sociale"

    def clean(self, value: Any, today: date | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Invalid(NIR_13_MESSAGE)
        return value

    def schema(self) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": "^[1-478][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{6}$",
            "description": "Les 13 premiers caractères, sans la clé.",
        }


@dataclass(frozen=True)
class Code(Rule):
    """A 6-digit code received by email (spaces around forgiven)."""

    label: str
    message: str

    def clean(self, value: Any, today: date | None = None) -> str:
        if (
            not isinstance(value, str)
            or len(value) > 20
            or not re.fullmatch(r"\d{6}", value.strip())
        ):
            raise Invalid(self.message)
        return value.strip()

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^\\s*[0-9]{6}\\s*$", "maxLength": 20}


# --- the 4 signup steps -----------------------------------------------------------------------

Diplome = Annotated[
    str | None,
    Choice(
        "Diplôme le plus élevé (confidentiel)",
        DIPLOMES,
        required=False,
        message="Diplôme : choisissez une valeur de la liste.",
    ),
]
Telephone = Annotated[str, Phone("Téléphone")]


class Identite(RequestModel):
    nir: Annotated[str, NirField("Numéro de sécurité sociale")]
    nom_naissance: Annotated[str, PersonName("Nom de naissance")]
    nom_usage: Annotated[str | None, PersonName("Nom d'usage", required=False)] = None
    prenoms: Annotated[str, PersonName("Prénom(s)")]
    sexe: Annotated[
        str, Choice("Sexe", SEXES, message="Sexe : indiquez F (féminin) ou M (masculin).")
    ]
    date_naissance: Annotated[
        str,
        BirthDate(
            "Date de naissance",
            min_age=MIN_AGE,
            max_age=MAX_AGE,
            too_young=f"Il faut avoir au moins {MIN_AGE} ans pour créer un compte.",
        ),
    ]
    lieu_naissance: Annotated[
        str,
        BirthPlace(
            "Lieu de naissance", description="Code INSEE de la commune, ou pays de naissance."
        ),
    ]
    diplome: Annotated[Diplome, Field(validate_default=True)] = None

    @field_validator("diplome", mode="after")
    @classmethod
    def _nir_matches_the_identity(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Checked once the fields before are: the NIR says the sex and the birth month."""
        number = info.data.get("nir")
        if number is not None:
            born = info.data.get("date_naissance")
            problems = nir.consistency_errors(
                number, info.data.get("sexe"), date.fromisoformat(born) if born else None
            )
            if problems:
                raise across([FieldError("nir", m) for m in problems], of_field=True)
        return value


class Contact(RequestModel):
    email: Annotated[str, Email("Adresse électronique")]
    telephone: Telephone


# In France (the country when none is given), a postcode is 5 digits: the document says so too.
_IN_FRANCE: JsonDict = {
    "if": {
        "anyOf": [
            {"not": {"required": ["pays"]}},
            {"properties": {"pays": {"type": "null"}}},
            {"properties": {"pays": {"pattern": "^\\s*[Ff][Rr][Aa][Nn][Cc][Ee]\\s*$"}}},
        ]
    },
    "then": {"properties": {"code_postal": {"pattern": "^\\s*[0-9]{5}\\s*$"}}},
}


class AdresseFields(RequestModel):
    model_config = ConfigDict(json_schema_extra=_IN_FRANCE)  # merged with the base's

    ligne1: Annotated[str, Text("Adresse")]
    code_postal: Annotated[str, Text("Code postal", max_length=12)]
    commune: Annotated[str, Text("Commune", max_length=80)]
    pays: Annotated[
        str | None,
        Text("Pays", required=False, max_length=80, description="Pays (France si absent)"),
        Field(validate_default=True),
    ] = None

    @field_validator("pays", mode="after")
    @classmethod
    def _france_by_default(cls, value: str | None, info: ValidationInfo) -> str:
        pays = value or "France"
        code_postal = info.data.get("code_postal")
        if (
            code_postal is not None
            and names.normalise(pays) == "FRANCE"
            and not _FRENCH_POSTCODE.match(code_postal)
        ):
            raise across(
                [FieldError("code_postal", "Code postal : 5 chiffres (exemple : 75015).")],
                of_field=True,
            )
        return pays


class Adresse(RequestModel):
    adresse: Annotated[AdresseFields, Nested("Adresse")]


class MotDePasse(RequestModel):
    mot_de_passe: Annotated[str, NewPassword()]


class AccountCreation(MotDePasse, Adresse, Contact, Identite):
    """Les 4 étapes à la fois ; le mot de passe ne doit pas reprendre l'identité ni l'adresse
    électronique."""

    @field_validator("mot_de_passe", mode="after")
    @classmethod
    def _not_from_the_person(cls, value: str, info: ValidationInfo) -> str:
        problems = passwords.rule_errors(value, personal_words(info.data))
        if problems:
            raise Invalid(*problems).as_pydantic()
        return value


STEPS: dict[str, type[RequestModel]] = {
    "identite": Identite,
    "contact": Contact,
    "adresse": Adresse,
    "mot-de-passe": MotDePasse,
}


def personal_words(values: dict[str, Any]) -> tuple[str, ...]:
    """Names, birth date and email of the person: a password must not be built from them."""
    words = []
    for key in ("nom_naissance", "nom_usage", "prenoms"):
        words.extend(names.normalise(values.get(key) or "").split())
    born = values.get("date_naissance")
    if born:
        words.extend([born[:4], born[2:4] + born[5:7] + born[8:10], born[8:10] + born[5:7]])
    email = values.get("email")
    if email:
        words.extend(re.split(r"[^a-z0-9]+", email.split("@")[0]))
    return tuple(w for w in words if w)


# --- activation, login, password reset --------------------------------------------------------

EmailAddress = Annotated[str, Email("Adresse électronique")]


class EmailOnly(RequestModel):
    email: EmailAddress


class Verification(RequestModel):
    email: EmailAddress
    code: Annotated[
        str,
        Secret(
            "Code",
            "Code : saisissez le code à 6 chiffres reçu par courriel.",
            max_length=20,
            pattern="^[0-9]{6}$",
        ),
    ]


class Login(RequestModel):
    nir: Annotated[str, Nir13()]
    mot_de_passe: Annotated[str, Secret("Mot de passe", PASSWORD_MISSING)]


class PasswordResetRequest(RequestModel):
    nir: Annotated[str, Nir13()]


INCOMPLETE_LINK = "Lien de réinitialisation incomplet : ouvrez le lien reçu par courriel."


class PasswordResetConfirmation(RequestModel):
    # a token is 43 characters: anything longer was never ours
    jeton: Annotated[str, Secret("Jeton", INCOMPLETE_LINK, max_length=200)]
    mot_de_passe: Annotated[str, NewPassword()]


# --- Mon compte -------------------------------------------------------------------------------

EDITABLE = ("telephone", "adresse", "diplome")
IDENTITY = tuple(name for name in Identite.model_fields if name not in EDITABLE)
CORRECT_IDENTITY = (
    "Votre identité ne se modifie pas ici : elle sert à vous reconnaître dans le Répertoire "
    "national des élus. Pour la corriger, faites une demande d'aide (rubrique Aide)."
)


class MeUpdate(RequestModel):
    """Coordonnées et diplôme ; l'identité ne se corrige pas ici (demande d'aide). Un champ
    absent ne change pas ; seul le diplôme s'efface (null)."""

    # what the validation refuses, the document says: any other member
    model_config = ConfigDict(json_schema_extra={"additionalProperties": False})

    telephone: Telephone = absent()
    adresse: Annotated[AdresseFields, Nested("Adresse")] = absent()
    diplome: Diplome = None

    @model_validator(mode="wrap")
    @classmethod
    def _only_what_can_change(cls, data: Any, handler: Any) -> Any:
        """Identity and unknown fields are refused beside the errors of the others."""
        if not isinstance(data, dict):
            return handler(data)
        errors = [FieldError(name, CORRECT_IDENTITY) for name in IDENTITY if name in data]
        errors += [
            FieldError(name, "Ce champ ne se modifie pas ici.")
            for name in data
            if name not in EDITABLE and name not in IDENTITY
        ]
        if not errors and not any(name in data for name in EDITABLE):
            errors = [FieldError("telephone", "Indiquez ce que vous voulez modifier.")]
        try:
            read = handler({k: v for k, v in data.items() if k in EDITABLE})
        except ValidationError as error:
            errors += field_errors(cls, error)
        if errors:
            raise across(errors)
        return read


class PasswordConfirmation(RequestModel):
    mot_de_passe: Annotated[str, Secret("Mot de passe", PASSWORD_MISSING)]


class EmailChange(RequestModel):
    email: EmailAddress
    mot_de_passe: Annotated[str, Secret("Mot de passe", PASSWORD_MISSING)]


class CodeOnly(RequestModel):
    code: Annotated[str, Code("Code", "Code : saisissez les 6 chiffres reçus.")]


class PasswordChange(RequestModel):
    mot_de_passe_actuel: Annotated[str, Secret("Mot de passe actuel", PASSWORD_MISSING)]
    nouveau_mot_de_passe: Annotated[str, NewPassword("Nouveau mot de passe")]


# --- answers ----------------------------------------------------------------------------------


class StepValid(AnswerModel):
    """Étape valide."""

    valide: Literal[True]


class AccountStatus(AnswerModel):
    id: str
    statut: Literal["en_attente_verification", "active"]
    franceconnect: (
        Annotated[Literal["lie"], Field(description="Créé avec l'identité FranceConnect.")] | None
    ) = None


class Session(AnswerModel):
    token: str
    expires_at: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    franceconnect: (
        Annotated[
            Literal["lie", "non_lie"],
            Field(
                description="L'identité FranceConnect en attente est liée à ce compte, ou non (ce "
                "n'est pas la sienne : elle est oubliée)."
            ),
        ]
        | None
    ) = None
    franceconnect_motif: str | None = None
    retour: Annotated[str, Field(description="La page d'où la connexion est partie.")] | None = None


class AdresseView(AnswerModel):
    ligne1: str | None
    code_postal: str | None
    commune: str | None
    pays: str | None


class Me(AnswerModel):
    id: str
    prenoms: str
    nom: str
    nom_naissance: str | None = None
    nom_usage: str | None = None
    email: str
    telephone: str | None = None
    adresse: AdresseView | None = None
    diplome: str | None = None
    elu: bool
    identite: Annotated[
        Literal["declaree", "certifiee"],
        Field(description="Saisie à l'inscription, ou certifiée par FranceConnect."),
    ]
    mandats: list[Mandat]
    email_en_attente: Annotated[
        str | None, Field(description="La nouvelle adresse qui attend son code, le cas échéant.")
    ] = None


class Export(AnswerModel):
    exporte_le: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    compte: dict[str, Any]
    mandats: list[dict[str, Any]]
    droits_dif_elus: list[dict[str, Any]]
    demandes_aide: list[dict[str, Any]]
    dossiers: list[dict[str, Any]] | None = None
    franceconnect: dict[str, Any] | None = None


class PasswordResetDone(AnswerModel):
    statut: Literal["mot_de_passe_modifie"]
