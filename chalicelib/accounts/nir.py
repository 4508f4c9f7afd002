"""The NIR (numéro de sécurité sociale): syntax and key via python-stdnum, and its consistency
with the identity typed beside it.

Never put a NIR in an exception message, a log or a metric: messages here speak of "le numéro".
"""

from __future__ import annotations

import re
from datetime import date

# 1 and 2 are the usual sex digits; 7 and 8 are the provisional numbers (NIA) given to people
# born abroad while their registration is in progress.
_SEX_OF_DIGIT = {"1": "M", "2": "F", "7": "M", "8": "F"}
# The 13 characters a person types to log in: 2A/2B stand for Corsica.
_BODY = re.compile(r"^[1-478]\d{4}(?:\d{2}|2A|2B)\d{6}$")


class InvalidNir(ValueError):
    """A NIR the person must correct; the message is French and safe to show."""


def compact(value: str) -> str:
    # python-stdnum on first use (a login, a signup): its import is a cold start's 20 ms
    from stdnum.fr import nir as stdnum_nir

    return stdnum_nir.compact(value or "")


def validate_full(value: str) -> str:
    """The 15-character NIR (13 + key), compacted, or InvalidNir with what to correct."""
    from stdnum import exceptions as stdnum_errors
    from stdnum.fr import nir as stdnum_nir

    number = compact(value)
    try:
        stdnum_nir.validate(number)
    except stdnum_errors.InvalidLength:
        raise InvalidNir(
            "Le numéro de sécurité sociale comporte 15 caractères : 13 chiffres "
            "puis la clé de 2 chiffres."
        ) from None
    except stdnum_errors.InvalidFormat:
        raise InvalidNir(
            "Le numéro de sécurité sociale ne contient que des chiffres (2A ou 2B "
            "pour les personnes nées en Corse)."
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise InvalidNir(
            "La clé ne correspond pas au numéro de sécurité sociale : vérifiez votre saisie."
        ) from None
    if number[0] not in _SEX_OF_DIGIT:
        raise InvalidNir("Le premier chiffre du numéro de sécurité sociale doit être 1 ou 2.")
    return number


def login_body(value: str) -> str:
    """The 13 characters used to log in. A full 15-character NIR is accepted and its key
    checked, since people often copy the whole number from their card."""
    number = compact(value)
    if len(number) == 15:
        return validate_full(number)[:13]
    if not _BODY.match(number):
        raise InvalidNir(
            "Saisissez les 13 premiers caractères de votre numéro de sécurité sociale, sans la clé."
        )
    return number


def consistency_errors(number: str, sexe: str | None, birth: date | None) -> list[str]:
    """What contradicts the sex and birth date typed beside a valid NIR (French messages)."""
    problems = []
    if sexe in ("F", "M") and _SEX_OF_DIGIT.get(number[0]) != sexe:
        problems.append(
            "Le premier chiffre du numéro de sécurité sociale ne correspond pas au sexe indiqué."
        )
    if birth is not None:
        if number[1:3] != f"{birth.year % 100:02d}":
            problems.append(
                "L'année de naissance du numéro de sécurité sociale ne correspond "
                "pas à la date de naissance indiquée."
            )
        month = int(number[3:5])
        # 20 and above mark a month unknown to the civil register: nothing to compare.
        if 1 <= month <= 12 and month != birth.month:
            problems.append(
                "Le mois de naissance du numéro de sécurité sociale ne correspond "
                "pas à la date de naissance indiquée."
            )
    return problems
