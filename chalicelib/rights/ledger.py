"""What crediting DIF years writes: the year markers, the entries and the account's balance,
to be written together in one transaction (by the rights service, or by the RNE ingestion
when it recognises an élu: the completed years are then credited at once)."""

from __future__ import annotations

from datetime import date, datetime

from ..models import Account, LedgerEntry
from .rules import Credit, due_credits

CREDIT_LABEL = "Crédit annuel DIF élus"


def due_for(account: Account, start: str | None, today: date) -> list[Credit]:
    """Credits not yet made for this account, its mandates starting on `start` (ISO)."""
    if not start:
        return []
    years = {int(y) for y in account.dif_annees or ()}
    return due_credits(date.fromisoformat(start), today, int(account.dif_solde_centimes or 0),
                       years)


def ledger_items(account: Account, due: list[Credit], now: datetime) -> list[tuple]:
    """(item, condition) pairs: a marker per year, written only if absent (one credit a
    year), and an entry per non-zero credit."""
    items: list[tuple] = []
    for credit in due:
        items.append((LedgerEntry(account.nir_hash, f"annee#{credit.year}",
                                  date=credit.day.isoformat(), created_at=now),
                      LedgerEntry.sk.does_not_exist()))
        if credit.montant_centimes:
            items.append((LedgerEntry(
                account.nir_hash, f"{credit.day.isoformat()}#credit#{credit.year}",
                date=credit.day.isoformat(), libelle=f"{CREDIT_LABEL} {credit.year}",
                montant_centimes=credit.montant_centimes, source="DIF élus", created_at=now),
                None))
    return items


def account_actions(due: list[Credit]) -> list:
    if not due:
        return []
    return [Account.dif_solde_centimes.add(sum(c.montant_centimes for c in due)),
            Account.dif_annees.add({c.year for c in due})]
