"""The 4-step signup form (Identité, Contact, Adresse, Mot de passe): pure validation.

Each step returns the cleaned values and the field errors (French, one per field), so the
browser can guide the person step by step and `POST /accounts` can check all four at once.
The steps are declared with the shared form toolkit; the OpenAPI schemas come from them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .. import names
from ..errors import FieldError
from ..fields import (
    BirthDate,
    Choice,
    Email,
    Form,
    Invalid,
    Nested,
    PersonName,
    Phone,
    Text,
)
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

Cleaned = dict[str, Any]


@dataclass
class StepResult:
    cleaned: Cleaned
    errors: list[FieldError]


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
class Password:
    label: str = "Mot de passe"
    required: bool = True

    def clean(self, value: Any, today: date | None = None) -> str:
        if not isinstance(value, str) or not value:
            raise Invalid(f"{self.label} : ce champ est obligatoire.")
        return value

    def schema(self) -> dict:
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


IDENTITE = Form(
    {
        "nir": NirField("Numéro de sécurité sociale"),
        "nom_naissance": PersonName("Nom de naissance"),
        "nom_usage": PersonName("Nom d'usage", required=False),
        "prenoms": PersonName("Prénom(s)"),
        "sexe": Choice("Sexe", SEXES, message="Sexe : indiquez F (féminin) ou M (masculin)."),
        "date_naissance": BirthDate(
            "Date de naissance",
            min_age=MIN_AGE,
            max_age=MAX_AGE,
            too_young=f"Il faut avoir au moins {MIN_AGE} ans pour créer un compte.",
        ),
        "lieu_naissance": BirthPlace(
            "Lieu de naissance", description="Code INSEE de la commune, ou pays de naissance."
        ),
        "diplome": Choice(
            "Diplôme le plus élevé (confidentiel)",
            DIPLOMES,
            required=False,
            message="Diplôme : choisissez une valeur de la liste.",
        ),
    }
)
CONTACT = Form({"email": Email("Adresse électronique"), "telephone": Phone("Téléphone")})
ADRESSE_FIELDS = Form(
    {
        "ligne1": Text("Adresse"),
        "code_postal": Text("Code postal", max_length=12),
        "commune": Text("Commune", max_length=80),
        "pays": Text("Pays", required=False, max_length=80, description="Pays (France si absent)"),
    }
)
ADRESSE = Form({"adresse": Nested("Adresse", ADRESSE_FIELDS)})
MOT_DE_PASSE = Form({"mot_de_passe": Password()})


def validate_identite(data: dict[str, Any], today: date) -> StepResult:
    cleaned, errors = IDENTITE.validate(data, today)
    if "nir" in cleaned:
        born = (
            date.fromisoformat(cleaned["date_naissance"]) if "date_naissance" in cleaned else None
        )
        problems = nir.consistency_errors(cleaned["nir"], cleaned.get("sexe"), born)
        if problems:
            errors += [FieldError("nir", message) for message in problems]
            del cleaned["nir"]
    return StepResult(cleaned, errors)


def validate_contact(data: dict[str, Any], today: date) -> StepResult:
    return StepResult(*CONTACT.validate(data, today))


def validate_adresse(data: dict[str, Any], today: date) -> StepResult:
    adresse = data.get("adresse")
    if not isinstance(adresse, dict):
        cleaned, errors = ADRESSE.validate(data, today)  # reports the missing object
        return StepResult(cleaned, errors)
    cleaned, errors = ADRESSE_FIELDS.validate(adresse, today, prefix="adresse.")
    pays = cleaned.get("pays") or "France"
    code_postal = cleaned.get("code_postal")
    if (
        code_postal is not None
        and names.normalise(pays) == "FRANCE"
        and not _FRENCH_POSTCODE.match(code_postal)
    ):
        errors.append(
            FieldError("adresse.code_postal", "Code postal : 5 chiffres (exemple : 75015).")
        )
    if errors:
        return StepResult({}, errors)
    return StepResult(
        {
            "adresse": {
                "ligne1": cleaned["ligne1"],
                "code_postal": code_postal,
                "commune": cleaned["commune"],
                "pays": pays,
            }
        },
        [],
    )


def validate_mot_de_passe(
    data: dict[str, Any], today: date, personal_words: tuple[str, ...] = ()
) -> StepResult:
    cleaned, errors = MOT_DE_PASSE.validate(data, today)
    if errors:
        return StepResult({}, errors)
    problems = passwords.rule_errors(cleaned["mot_de_passe"], personal_words)
    if problems:
        return StepResult({}, [FieldError("mot_de_passe", message) for message in problems])
    return StepResult(cleaned, [])


STEPS: dict[str, Callable[[dict[str, Any], date], StepResult]] = {
    "identite": validate_identite,
    "contact": validate_contact,
    "adresse": validate_adresse,
    "mot-de-passe": validate_mot_de_passe,
}
STEP_FORMS = {
    "identite": IDENTITE,
    "contact": CONTACT,
    "adresse": ADRESSE,
    "mot-de-passe": MOT_DE_PASSE,
}


def personal_words(cleaned: Cleaned) -> tuple[str, ...]:
    """Names, birth date and email of the person: a password must not be built from them."""
    words = []
    for key in ("nom_naissance", "nom_usage", "prenoms"):
        words.extend(names.normalise(cleaned.get(key) or "").split())
    born = cleaned.get("date_naissance")
    if born:
        words.extend([born[:4], born[2:4] + born[5:7] + born[8:10], born[8:10] + born[5:7]])
    email = cleaned.get("email")
    if email:
        words.extend(re.split(r"[^a-z0-9]+", email.split("@")[0]))
    return tuple(w for w in words if w)


def validate_signup(data: dict[str, Any], today: date) -> StepResult:
    """All four steps at once, the password checked against the person's own details."""
    cleaned: Cleaned = {}
    errors: list[FieldError] = []
    for step in (validate_identite, validate_contact, validate_adresse):
        result = step(data, today)
        cleaned.update(result.cleaned)
        errors.extend(result.errors)
    result = validate_mot_de_passe(data, today, personal_words(cleaned))
    cleaned.update(result.cleaned)
    errors.extend(result.errors)
    return StepResult(cleaned, errors)
