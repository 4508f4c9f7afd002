"""The DIF élus rules, as dated data (data/dif_elus_regles.json): what is credited, when, and
up to which ceiling. Pure.

- Once a year, whatever the number of mandates, at the start of each mandate year: on the
  credit anchor of the oldest current mandate (see calendar.py) when it falls on or after the
  mandate's start, then on each anniversary, the annual credit in force that day, never above
  the ceiling in force that day. The Caisse des Dépôts' own example: an élu who spends nothing
  reaches the 800 € ceiling at the second credit (400 + 400). While no mandate is current,
  nothing.
- 2021, once: every élu in office on 23 July 2021 was credited 400 €, and the 20 hours of a
  completed first year of mandate were converted at 15 € an hour (a municipal élu of 2020 held
  700 €). Before that, the DIF was counted in hours: nothing in euros.
- When every mandate has ended, the rights stay usable for reconversion trainings only during
  the months the enrolment rules say (6), then lapse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "dif_elus_regles.json"
CREDIT_LABEL = "Crédit annuel DIF élus"
CONVERSION_LABEL = "Conversion en euros des heures DIF élus acquises"


@dataclass(frozen=True)
class RulePeriod:
    debut: date
    credit_centimes: int
    plafond_centimes: int


@dataclass(frozen=True)
class Year2021:
    day: date
    credit_centimes: int
    hours: int
    cents_per_hour: int
    plafond_centimes: int


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def periods() -> tuple[RulePeriod, ...]:
    found = sorted(
        (
            RulePeriod(
                date.fromisoformat(p["debut"]),
                int(p["credit_annuel_centimes"]),
                int(p["plafond_centimes"]),
            )
            for p in _data()["periodes"]
        ),
        key=lambda p: p.debut,
    )
    return tuple(found)


@lru_cache(maxsize=1)
def year_2021() -> Year2021:
    data = _data()["annee_2021"]
    return Year2021(
        date.fromisoformat(data["date"]),
        int(data["credit_centimes"]),
        int(data["heures_converties"]),
        int(data["centimes_par_heure"]),
        int(data["plafond_centimes"]),
    )


def rule_on(day: date, table: tuple[RulePeriod, ...] | None = None) -> RulePeriod | None:
    in_force = None
    for period in table if table is not None else periods():
        if period.debut <= day:
            in_force = period
    return in_force


def months_after_last_mandate() -> int:
    """How long the rights stay usable (for reconversion) once every mandate has ended."""
    return int(_data()["mois_apres_fin_des_mandats"])


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def anniversary(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


@dataclass(frozen=True)
class Basis:
    """What the credits of an account count from: its oldest current mandate's start and
    credit anchor; `end`, the end of its last mandate once none is current."""

    start: date
    anchor: date
    end: date | None = None

    def in_office(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Credit:
    day: date
    parts: tuple[tuple[str, str, int], ...]  # (kind, ledger label, cents): the year's entries
    plafond_centimes: int

    @property
    def year(self) -> int:
        return self.day.year

    @property
    def montant_centimes(self) -> int:
        return sum(cents for _, _, cents in self.parts)


def credit_days(basis: Basis, today: date) -> list[date]:
    """The days a credit fell due up to today: 23 July 2021 if in office then, and the anchor
    and each of its anniversaries in the euro years while in office (the first mandate year
    is credited at its start)."""
    special = year_2021().day
    days = [special] if basis.in_office(special) and special <= today else []
    years = 0
    while (day := anniversary(basis.anchor, years)) <= today:
        if rule_on(day) is not None and basis.in_office(day):
            days.append(day)
        years += 1
    return days


def _credit_on(day: date, basis: Basis, balance: int) -> Credit:
    special = year_2021()
    if day == special.day:
        converted = (
            special.hours * special.cents_per_hour
            if anniversary(basis.anchor, 1) <= day  # a completed first year of mandate
            else 0
        )
        room = max(0, special.plafond_centimes - balance)
        conversion = min(converted, room)
        credit = min(special.credit_centimes, room - conversion)
        return Credit(
            day,
            (
                ("conversion", f"{CONVERSION_LABEL} ({special.hours} h)", conversion),
                ("credit", f"{CREDIT_LABEL} {day.year}", credit),
            ),
            special.plafond_centimes,
        )
    rule = rule_on(day)
    if rule is None:  # credit_days keeps the euro years only
        raise ValueError(f"no DIF élus rule on {day}")
    amount = min(rule.credit_centimes, max(0, rule.plafond_centimes - balance))
    return Credit(day, (("credit", f"{CREDIT_LABEL} {day.year}", amount),), rule.plafond_centimes)


def due_credits(
    basis: Basis, today: date, balance_centimes: int, credited_years: set[int]
) -> list[Credit]:
    """The credits not yet made, in order, each capped by the ceiling of its day given the
    balance it finds (earlier credits of the list included). One a year."""
    due, balance, years = [], balance_centimes, set(credited_years)
    for day in credit_days(basis, today):
        if day.year in years:
            continue
        credit = _credit_on(day, basis, balance)
        due.append(credit)
        balance += credit.montant_centimes
        years.add(day.year)
    return due


def next_credit(basis: Basis, today: date) -> date | None:
    """The next credit day, None once no mandate is current."""
    if basis.end is not None:
        return None
    years = 0
    # the first credit day after today that falls on or after the mandate's start
    while (day := anniversary(basis.anchor, years)) <= today or day < basis.start:
        years += 1
    return day
