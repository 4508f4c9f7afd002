"""What the ledger owes an account: the yearly DIF credits not made yet. Pure (the writes are
in `store.credit_operations`)."""

from __future__ import annotations

from datetime import date

from ..models import Account
from .calendar import credit_anchor
from .rules import Basis, Credit, due_credits


def basis_of(account: Account, start: str | None = None, mandate_type: str | None = None):
    """What the account's credits count from: its oldest current mandate as kept on the account,
    or a mandate starting on `start` (ISO) of `mandate_type` if that one is older."""
    if (
        start
        and mandate_type
        and (not account.elu or not account.dif_debut or start < account.dif_debut)
    ):
        day = date.fromisoformat(start)
        return Basis(day, credit_anchor(mandate_type, day))
    if not account.dif_debut:
        return None
    day = date.fromisoformat(account.dif_debut)
    anchor = date.fromisoformat(account.dif_ancre) if account.dif_ancre else day
    end = date.fromisoformat(account.dif_fin) if account.dif_fin else None
    return Basis(day, anchor, end)


def due_for(account: Account, basis: Basis | None, today: date) -> list[Credit]:
    """Credits not yet made for this account, counting from `basis`."""
    if basis is None:
        return []
    years = {int(y) for y in account.dif_annees or ()}
    return due_credits(basis, today, int(account.dif_solde_centimes or 0), years)
