"""What the ledger owes an account: the yearly DIF credits not made yet. Pure (the writes are
in `store.credit_operations`)."""

from __future__ import annotations

from datetime import date

from ..models import Account
from .rules import Credit, due_credits

CREDIT_LABEL = "Crédit annuel DIF élus"


def due_for(account: Account, start: str | None, today: date) -> list[Credit]:
    """Credits not yet made for this account, its mandates starting on `start` (ISO)."""
    if not start:
        return []
    years = {int(y) for y in account.dif_annees or ()}
    return due_credits(
        date.fromisoformat(start), today, int(account.dif_solde_centimes or 0), years
    )
