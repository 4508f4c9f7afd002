"""The dated enrolment rules of the DIF élus (data/dif_elus_inscription.json): the hourly cap of
a mandate formation, the DIF files a session may take, the working days each party has. Read
by the enrolment and by the catalogue's rules (a formation is published under the same caps),
so they sit below both. Pure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent / "data" / "dif_elus_inscription.json"


@dataclass(frozen=True)
class EnrolmentRules:
    debut: date
    cout_horaire_max_mandat_centimes: int
    participants_dif_max_par_session: int
    jours_ouvres_validation_avant_debut: int
    jours_ouvres_reponse_organisme: int
    jours_ouvres_validation_titulaire: int


@lru_cache(maxsize=1)
def _periods() -> tuple[EnrolmentRules, ...]:
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    return tuple(
        sorted(
            (
                EnrolmentRules(**{**p, "debut": date.fromisoformat(p["debut"])})
                for p in data["periodes"]
            ),
            key=lambda p: p.debut,
        )
    )


def rules_on(day: date) -> EnrolmentRules:
    """The rules in force that day (the first period's before it began)."""
    in_force = _periods()[0]
    for period in _periods():
        if period.debut <= day:
            in_force = period
    return in_force
