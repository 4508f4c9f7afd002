"""The help request form: pure validation. Every field is checked for control characters (no
CR/LF: nothing typed can become an email header)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..problems import FieldError

SITUATIONS = {
    "creation_impossible_actif": "Je travaille et je ne parviens pas à créer mon compte",
    "creation_impossible_retraite": "Je suis retraité(e) ou j'ai plus de 70 ans et je ne "
                                    "parviens pas à créer mon compte",
    "droits_elu_invisibles": "Mon compte élu ne s'affiche pas",
}
FIELDS = {
    "nom_naissance": ("Nom de naissance", True, 100),
    "nom_usage": ("Nom d'usage ou marital", False, 100),
    "prenoms": ("Prénom(s)", True, 150),
    "date_naissance": ("Date de naissance", True, 10),
    "lieu_naissance": ("Lieu de naissance", True, 120),
    "collectivite": ("Collectivité du mandat", True, 200),
    "email": ("Adresse électronique", True, 254),
}
FAQ_URL = ("https://www.moncompteformation.gouv.fr/espace-public/"
           "je-nai-pas-de-numero-de-securite-sociale-ou-je-ne-parviens-pas-creer-mon-compte")


def validate(data: dict[str, Any], today: date) -> tuple[dict[str, str], list[FieldError]]:
    cleaned: dict[str, str] = {}
    errors: list[FieldError] = []
    situation = data.get("situation")
    if situation not in SITUATIONS:
        errors.append(FieldError("situation", "Situation : choisissez "
                                 + ", ".join(SITUATIONS) + "."))
    else:
        cleaned["situation"] = situation
    for name, (label, required, length) in FIELDS.items():
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                errors.append(FieldError(name, f"{label} : ce champ est obligatoire."))
            continue
        if not isinstance(value, str):
            errors.append(FieldError(name, f"{label} : du texte est attendu."))
            continue
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            errors.append(FieldError(name, f"{label} : les retours à la ligne et caractères de "
                                           "contrôle ne sont pas acceptés."))
            continue
        value = " ".join(value.split())
        if len(value) > length:
            errors.append(FieldError(name, f"{label} : {length} caractères au maximum."))
            continue
        cleaned[name] = value
    if "date_naissance" in cleaned:
        try:
            born = date.fromisoformat(cleaned["date_naissance"])
            if not date(1900, 1, 1) <= born <= today:
                raise ValueError
        except ValueError:
            errors.append(FieldError("date_naissance", "Date de naissance : format AAAA-MM-JJ, "
                                                       "date passée."))
    if "email" in cleaned:
        from email_validator import EmailNotValidError, validate_email

        try:
            cleaned["email"] = validate_email(cleaned["email"],
                                              check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors.append(FieldError("email", "Adresse électronique : format invalide."))
    return cleaned, errors
