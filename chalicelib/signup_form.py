"""The 4-step signup form (Identité, Contact, Adresse, Mot de passe): pure validation.

Each step returns the cleaned values and the field errors (French, one per field), so the
browser can guide the person step by step and `POST /accounts` can check all four at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import names, nir, passwords
from .problems import FieldError

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
MAX_NAME_LENGTH = 100
_INSEE_COMMUNE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$")
_FRENCH_POSTCODE = re.compile(r"^\d{5}$")

Cleaned = dict[str, Any]


@dataclass
class StepResult:
    cleaned: Cleaned
    errors: list[FieldError]


class _Form:
    """Collects cleaned values and errors for one step."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.cleaned: Cleaned = {}
        self.errors: list[FieldError] = []

    def error(self, champ: str, message: str) -> None:
        self.errors.append(FieldError(champ, message))

    def text(self, champ: str, label: str, *, required: bool = True, max_length: int = 200,
             source: dict[str, Any] | None = None, prefix: str = "") -> str | None:
        value = (self.data if source is None else source).get(champ)
        key = prefix + champ
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(key, f"{label} : ce champ est obligatoire.")
            return None
        if not isinstance(value, str):
            self.error(key, f"{label} : une chaîne de caractères est attendue.")
            return None
        value = " ".join(value.split())
        if any(ord(ch) < 32 for ch in value):
            self.error(key, f"{label} : caractères non autorisés.")
            return None
        if len(value) > max_length:
            self.error(key, f"{label} : {max_length} caractères au maximum.")
            return None
        return value

    def person_name(self, champ: str, label: str, *, required: bool = True) -> None:
        value = self.text(champ, label, required=required, max_length=MAX_NAME_LENGTH)
        if value is None:
            return
        if not names.is_plausible_name(value):
            self.error(champ, f"{label} : seuls les lettres, espaces, traits d'union et "
                              "apostrophes sont acceptés.")
            return
        self.cleaned[champ] = names.clean_display(value)

    def result(self) -> StepResult:
        return StepResult(self.cleaned, self.errors)


def _parse_birth_date(form: _Form, today: date) -> date | None:
    raw = form.text("date_naissance", "Date de naissance", max_length=10)
    if raw is None:
        return None
    try:
        born = date.fromisoformat(raw)
    except ValueError:
        form.error("date_naissance", "Date de naissance : format attendu AAAA-MM-JJ "
                                     "(par exemple 1970-05-31).")
        return None
    if len(raw) != 10:
        form.error("date_naissance", "Date de naissance : format attendu AAAA-MM-JJ.")
        return None
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if born > today:
        form.error("date_naissance", "Date de naissance : cette date est dans le futur.")
    elif age < MIN_AGE:
        form.error("date_naissance", f"Il faut avoir au moins {MIN_AGE} ans pour créer un "
                                     "compte.")
    elif age > MAX_AGE:
        form.error("date_naissance", "Date de naissance : vérifiez l'année saisie.")
    else:
        form.cleaned["date_naissance"] = born.isoformat()
        return born
    return None


def validate_identite(data: dict[str, Any], today: date) -> StepResult:
    form = _Form(data)
    form.person_name("nom_naissance", "Nom de naissance")
    form.person_name("nom_usage", "Nom d'usage", required=False)
    form.person_name("prenoms", "Prénom(s)")

    sexe = data.get("sexe")
    if sexe in SEXES:
        form.cleaned["sexe"] = sexe
    else:
        form.error("sexe", "Sexe : indiquez F (féminin) ou M (masculin).")
        sexe = None

    born = _parse_birth_date(form, today)

    lieu = form.text("lieu_naissance", "Lieu de naissance", max_length=80)
    if lieu is not None:
        upper = lieu.upper()
        if _INSEE_COMMUNE.match(upper):
            form.cleaned["lieu_naissance"] = upper
        elif names.is_plausible_name(lieu):
            form.cleaned["lieu_naissance"] = lieu  # a country, for people born abroad
        else:
            form.error("lieu_naissance", "Lieu de naissance : indiquez le code INSEE de la "
                                         "commune (5 caractères) ou, si vous êtes né(e) à "
                                         "l'étranger, le pays.")

    raw_nir = data.get("nir")
    if not isinstance(raw_nir, str) or not raw_nir.strip():
        form.error("nir", "Numéro de sécurité sociale : ce champ est obligatoire.")
    else:
        try:
            number = nir.validate_full(raw_nir)
        except nir.InvalidNir as error:
            form.error("nir", str(error))
        else:
            for message in nir.consistency_errors(number, sexe, born):
                form.error("nir", message)
            if not any(e.champ == "nir" for e in form.errors):
                form.cleaned["nir"] = number

    diplome = data.get("diplome")
    if diplome not in (None, ""):
        if diplome in DIPLOMES:
            form.cleaned["diplome"] = diplome
        else:
            form.error("diplome", "Diplôme : choisissez une valeur de la liste.")
    return form.result()


def validate_contact(data: dict[str, Any], today: date) -> StepResult:
    form = _Form(data)
    email = form.text("email", "Adresse électronique", max_length=254)
    if email is not None:
        from email_validator import EmailNotValidError, validate_email

        try:
            checked = validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            form.error("email", "Adresse électronique : format invalide (exemple : "
                                "prenom.nom@exemple.fr).")
        else:
            form.cleaned["email"] = checked.normalized.lower()

    phone = form.text("telephone", "Téléphone", max_length=30)
    if phone is not None:
        import phonenumbers

        try:
            parsed = phonenumbers.parse(phone, "FR")
            valid = phonenumbers.is_valid_number(parsed)
        except phonenumbers.NumberParseException:
            valid = False
        if valid:
            form.cleaned["telephone"] = phonenumbers.format_number(
                parsed, phonenumbers.PhoneNumberFormat.E164)
        else:
            form.error("telephone", "Téléphone : numéro invalide (exemple : 06 12 34 56 78 ou "
                                    "+33 6 12 34 56 78).")
    return form.result()


def validate_adresse(data: dict[str, Any], today: date) -> StepResult:
    form = _Form(data)
    adresse = data.get("adresse")
    if not isinstance(adresse, dict):
        form.error("adresse", "Adresse : ce champ est obligatoire (ligne1, code_postal, commune, "
                              "pays).")
        return form.result()
    prefix = "adresse."
    ligne1 = form.text("ligne1", "Adresse", source=adresse, prefix=prefix)
    commune = form.text("commune", "Commune", source=adresse, prefix=prefix, max_length=80)
    pays = form.text("pays", "Pays", source=adresse, prefix=prefix, required=False,
                     max_length=80) or "France"
    code_postal = form.text("code_postal", "Code postal", source=adresse, prefix=prefix,
                            max_length=12)
    in_france = names.normalise(pays) == "FRANCE"
    if code_postal is not None and in_france and not _FRENCH_POSTCODE.match(code_postal):
        form.error("adresse.code_postal", "Code postal : 5 chiffres (exemple : 75015).")
    if not form.errors:
        form.cleaned["adresse"] = {"ligne1": ligne1, "code_postal": code_postal,
                                   "commune": commune, "pays": pays}
    return form.result()


def validate_mot_de_passe(data: dict[str, Any], today: date,
                          personal_words: tuple[str, ...] = ()) -> StepResult:
    form = _Form(data)
    password = data.get("mot_de_passe")
    if not isinstance(password, str) or not password:
        form.error("mot_de_passe", "Mot de passe : ce champ est obligatoire.")
    else:
        for message in passwords.rule_errors(password, personal_words):
            form.error("mot_de_passe", message)
        if not form.errors:
            form.cleaned["mot_de_passe"] = password
    return form.result()


STEPS: dict[str, Callable[[dict[str, Any], date], StepResult]] = {
    "identite": validate_identite,
    "contact": validate_contact,
    "adresse": validate_adresse,
    "mot-de-passe": validate_mot_de_passe,
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
