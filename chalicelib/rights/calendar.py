"""The election calendar (data/calendrier_elections.json): on which day of the year a mandate's
DIF élus credit falls. Pure.

A mandate won at a general election is credited on each anniversary of the third Monday after
that election's first round (30 March for the municipal élus of March 2020 and of March 2026,
5 July for the départementaux and régionaux of June 2021); a mandate won at a by-election, on
each anniversary of its start. A type without general elections in the calendar (parliament)
counts from the start of the mandate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

CALENDAR_FILE = Path(__file__).resolve().parent.parent / "data" / "calendrier_elections.json"
MONDAY = 0


@dataclass(frozen=True)
class GeneralElection:
    name: str
    first_round: date
    mandates_until: date  # a mandate starting by then comes from this election

    @property
    def credit_anchor(self) -> date:
        return third_monday_after(self.first_round)


def third_monday_after(day: date) -> date:
    first = day + timedelta(days=(MONDAY - day.weekday() - 1) % 7 + 1)
    return first + timedelta(weeks=2)


@lru_cache(maxsize=1)
def elections_by_type() -> dict[str, tuple[GeneralElection, ...]]:
    data = json.loads(CALENDAR_FILE.read_text(encoding="utf-8"))
    found: dict[str, list[GeneralElection]] = {}
    for election in data["elections"]:
        for round_ in election["premiers_tours"]:
            general = GeneralElection(
                election["nom"],
                date.fromisoformat(round_["date"]),
                date.fromisoformat(round_["mandats_jusqu_au"]),
            )
            for mandate_type in election["types"]:
                found.setdefault(mandate_type, []).append(general)
    return {t: tuple(sorted(e, key=lambda g: g.first_round)) for t, e in found.items()}


def general_election_of(mandate_type: str, start: date) -> GeneralElection | None:
    for election in elections_by_type().get(mandate_type, ()):
        if election.first_round <= start <= election.mandates_until:
            return election
    return None


def credit_anchor(mandate_type: str, start: date) -> date:
    """The day whose anniversaries are this mandate's credit days."""
    election = general_election_of(mandate_type, start)
    return election.credit_anchor if election else start
