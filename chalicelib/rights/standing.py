"""Where an account's DIF élus rights stand, from its mandates: in office or not, what the
credits count from, until when and for what the rights can be used, what happens next. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import credit_anchor
from .rules import Basis, add_months, months_after_last_mandate, next_credit

FOR_ALL = ("mandat", "reconversion")
RECONVERSION_ONLY = ("reconversion",)
LAPSE_LABEL = "Fin des droits DIF élus : dernier mandat terminé depuis plus de {months} mois"


@dataclass(frozen=True)
class MandateSpan:
    type: str
    start: date
    end: date | None  # None: current


@dataclass(frozen=True)
class Standing:
    basis: Basis | None  # None: never an élu, or every mandate long gone
    usable_until: date | None  # once every mandate has ended: the last day of use
    today: date

    @property
    def in_office(self) -> bool:
        return self.basis is not None and self.basis.end is None

    @property
    def lapsed(self) -> bool:
        """Every mandate ended and the months of reconversion are over: the balance lapses."""
        return self.usable_until is not None and self.today > self.usable_until

    @property
    def next_event(self) -> date | None:
        """When the daily job must look at the account again: its next credit, or the day its
        rights lapse; None when nothing more will happen."""
        if self.basis is None:
            return None
        if self.in_office:
            return next_credit(self.basis, self.today)
        if self.usable_until is not None and not self.lapsed:
            return self.usable_until + timedelta(days=1)
        return None


def standing_of(mandates: list[MandateSpan], today: date) -> Standing:
    """The oldest current mandate decides the credit days; with none current, the end of the
    last one starts the months of reconversion."""
    current = [m for m in mandates if m.end is None or m.end > today]
    if current:
        oldest = min(current, key=lambda m: (m.start, m.type))
        return Standing(Basis(oldest.start, credit_anchor(oldest.type, oldest.start)), None, today)
    if not mandates:
        return Standing(None, None, today)
    end = max(m.end for m in mandates if m.end is not None)
    last = max(mandates, key=lambda m: (m.end or end, m.start))
    basis = Basis(last.start, credit_anchor(last.type, last.start), end)
    return Standing(basis, usable_until(end), today)


def usable_until(end: date) -> date:
    return add_months(end, months_after_last_mandate())


def lapse_label() -> str:
    return LAPSE_LABEL.format(months=months_after_last_mandate())


def account_usable_for(account, today: date) -> tuple[tuple[str, ...], date | None]:
    """From what the account keeps (`elu`, `dif_fin`): the catalogues its DIF élus can pay
    for today, and the last day it can once every mandate has ended."""
    if account.elu:
        return FOR_ALL, None
    if not account.dif_fin:
        return (), None
    until = usable_until(date.fromisoformat(account.dif_fin))
    return (RECONVERSION_ONLY if today <= until else ()), until


def spans_of(accounts, mandates_by_ref) -> dict[str, list[MandateSpan]]:
    """Each account's mandates as spans (`mandates_by_ref`: the RNE store's key lookup)."""
    refs = [ref for account in accounts for ref in account.rne_mandats or ()]
    mandates = {m.ref: m for m in mandates_by_ref(refs)}
    return {
        account.nir_hash: [
            MandateSpan(
                m.type,
                date.fromisoformat(m.date_debut),
                date.fromisoformat(m.fin) if m.fin else None,
            )
            for ref in account.rne_mandats or ()
            if (m := mandates.get(ref)) is not None
        ]
        for account in accounts
    }
