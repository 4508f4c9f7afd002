"""The help request form: pure validation with the shared form toolkit (whose texts refuse
CR/LF and every control character: nothing typed can become an email header)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import FieldError
from ..fields import BirthDate, Choice, Email, Form, Text

SITUATIONS = {
    "creation_impossible_actif": "Je travaille et je ne parviens pas à créer mon compte",
    "creation_impossible_retraite": "Je suis retraité(e) ou j'ai plus de 70 ans et je ne "
    "parviens pas à créer mon compte",
    "droits_elu_invisibles": "Mon compte élu ne s'affiche pas",
}
FORM = Form(
    {
        "situation": Choice("Situation", SITUATIONS),
        "nom_naissance": Text("Nom de naissance", max_length=100),
        "nom_usage": Text("Nom d'usage ou marital", required=False, max_length=100),
        "prenoms": Text("Prénom(s)", max_length=150),
        "date_naissance": BirthDate("Date de naissance"),
        "lieu_naissance": Text("Lieu de naissance", max_length=120),
        "collectivite": Text("Collectivité du mandat"),
        "email": Email("Adresse électronique"),
    }
)
WORKING = "creation_impossible_actif"  # case 1: a procedure to follow, nothing is sent
# Mon Compte Formation's page "Je n'ai pas ou je n'arrive pas à créer de compte".
FAQ_URL = "https://www.moncompteformation.gouv.fr/espace-public/node/93"
SITUATION_ONLY = Form({"situation": FORM.fields["situation"]})


def validate(data: dict[str, Any], today: date) -> tuple[dict[str, str], list[FieldError]]:
    """Case 1 needs nothing but the situation: the answer is a procedure, and no identity is
    asked for a request that is not sent."""
    if isinstance(data, dict) and data.get("situation") == WORKING:
        return SITUATION_ONLY.validate(data, today)
    return FORM.validate(data, today)
