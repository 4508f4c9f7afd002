"""The DIF élus rules, as dated data: which credit and which ceiling were in force on a day.

A recognised élu is credited once a year, on each anniversary of the start of their earliest
current mandate (a full year of mandate), with the annual credit in force that day, never above
the ceiling in force that day. Before the first period (DIF counted in hours until 2022) nothing
is credited in euros. The next change of ceiling is a new period in the JSON file. Pure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "dif_elus_regles.json"


@dataclass(frozen=True)
class RulePeriod:
    debut: date
    credit_centimes: int
    plafond_centimes: int


@lru_cache(maxsize=1)
def periods() -> tuple[RulePeriod, ...]:
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    found = sorted(
        (
            RulePeriod(
                date.fromisoformat(p["debut"]),
                int(p["credit_annuel_centimes"]),
                int(p["plafond_centimes"]),
            )
            for p in data["periodes"]
        ),
        key=lambda p: p.debut,
    )
    return tuple(found)


def rule_on(day: date, table: tuple[RulePeriod, ...] | None = None) -> RulePeriod | None:
    in_force = None
    for period in table if table is not None else periods():
        if period.debut <= day:
            in_force = period
    return in_force


def anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def credit_dates(mandate_start: date, today: date) -> list[date]:
    """Each anniversary of the mandate start up to today: one full year of mandate each."""
    dates, years = [], 1
    while anniversary(mandate_start, years) <= today:
        dates.append(anniversary(mandate_start, years))
        years += 1
    return dates


@dataclass(frozen=True)
class Credit:
    day: date
    montant_centimes: int
    plafond_centimes: int

    @property
    def year(self) -> int:
        return self.day.year


def due_credits(
    mandate_start: date,
    today: date,
    balance_centimes: int,
    credited_years: set[int],
    table: tuple[RulePeriod, ...] | None = None,
) -> list[Credit]:
    """The credits not yet made, in order, each capped by the ceiling of its day given the
    balance it finds (earlier credits of the list included)."""
    due = []
    balance = balance_centimes
    for day in credit_dates(mandate_start, today):
        rule = rule_on(day, table)
        if rule is None or day.year in credited_years:
            continue
        amount = min(rule.credit_centimes, max(0, rule.plafond_centimes - balance))
        due.append(Credit(day, amount, rule.plafond_centimes))
        balance += amount
    return due


def next_credit(mandate_start: date, today: date) -> date:
    years = 1
    while anniversary(mandate_start, years) <= today:
        years += 1
    return anniversary(mandate_start, years)


def euros(centimes: int) -> str:
    """Amounts in the API: decimal strings, never floats."""
    return f"{centimes // 100}.{centimes % 100:02d}"
