"""Fictional people with consistent identities (the NIR key computed by python-stdnum)."""

from __future__ import annotations

import itertools

from stdnum.fr import nir as stdnum_nir

PASSWORD = "Gv7#plume-Ardoise"
_serial = itertools.count(101)


def make_nir(
    sexe: str = "F", born: str = "1975-03-14", place: str = "75056", serial: int | None = None
) -> str:
    digit = "2" if sexe == "F" else "1"
    order = f"{next(_serial) if serial is None else serial:03d}"
    body = f"{digit}{born[2:4]}{born[5:7]}{place}{order}"
    return body + stdnum_nir.calc_check_digits(body + "00")


def signup_payload(**overrides) -> dict:
    sexe = overrides.get("sexe", "F")
    born = overrides.get("date_naissance", "1975-03-14")
    payload = {
        "nir": make_nir(sexe, born),
        "nom_naissance": "Martin",
        "nom_usage": "Lefèvre",
        "prenoms": "Claire Marie",
        "sexe": sexe,
        "date_naissance": born,
        "lieu_naissance": "75056",
        "email": f"claire.{next(_serial)}@exemple.fr",
        "telephone": "06 12 34 56 78",
        "adresse": {
            "ligne1": "3 rue de la Mairie",
            "code_postal": "35000",
            "commune": "Rennes",
            "pays": "France",
        },
        "mot_de_passe": PASSWORD,
        "diplome": "niveau_7",
    }
    payload.update(overrides)
    return payload
