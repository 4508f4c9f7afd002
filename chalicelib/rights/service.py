"""An account's rights: DIF élus from the ledger, CPF in euros or hours beside it.

A rights read costs at most three DynamoDB requests: the session, the account, and, when a
yearly credit is due, one transaction that writes it. What is due is computed from the account
alone (start of the earliest current mandate, years already credited, balance).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from ..clock import PARIS
from ..cursors import Cursors
from ..models import Account
from ..observability import Metric, count, logger
from .ledger import due_for
from .rules import Credit, euros, next_credit, rule_on
from .store import ConcurrentCredit, RightsStore

PAGE_SIZE = 20
HISTORY = "historique"


class RightsService:
    def __init__(self, store: RightsStore, cursors: Cursors, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._cursors = cursors
        self._now = clock

    def _today(self) -> date:
        return self._now().astimezone(PARIS).date()

    # --- the yearly credits -----------------------------------------------------------------
    def bring_up_to_date(self, account: Account) -> int:
        """Credit the full years of mandate not credited yet: all of them at once when an élu
        is recognised (catch-up), then one a year. Idempotent per account and year: each year
        has a marker item written on condition it does not exist, in the same transaction as
        the entry and the balance. Answers the number of years credited."""
        for _ in range(2):  # a concurrent credit makes the transaction fail: read, try again
            due = self._due(account)
            if not due:
                return 0
            try:
                self._store.credit(account, due, self._now())
            except ConcurrentCredit:
                logger.info("Yearly credit made concurrently: reading again")
                self._store.refresh(account)
                continue
            # What the transaction did, without reading the account again.
            account.dif_solde_centimes = int(account.dif_solde_centimes or 0) + sum(
                c.montant_centimes for c in due
            )
            account.dif_annees = {int(y) for y in account.dif_annees or ()} | {c.year for c in due}
            count(Metric.DIF_CREDITED, len(due))
            return len(due)
        return 0

    def _due(self, account: Account) -> list[Credit]:
        return due_for(account, account.dif_debut, self._today()) if account.elu else []

    def follow_mandates(self, account: Account, current_mandates: list[dict]) -> None:
        """Keep the start of the earliest current mandate (none: no more credits)."""
        start = min((m["date_debut"] for m in current_mandates), default=None)
        if start != account.dif_debut:
            self._store.set_mandate_start(account, start)

    def credit_every_elu(self, mandates_of: Callable[[Account], list[dict]]) -> int:
        """The daily job: every élu whose mandate anniversary has come is credited (once a
        year each; running it twice credits once). Answers the number of years credited."""
        credited = 0
        for account in self._store.elus():
            self.follow_mandates(account, mandates_of(account))
            credited += self.bring_up_to_date(account)
        return credited

    # --- what the person sees ---------------------------------------------------------------
    def summary(self, account: Account) -> dict:
        today = self._today()
        elu = None
        if account.elu:
            self.bring_up_to_date(account)
            rule = rule_on(today)
            elu = {
                "montant_disponible": euros(int(account.dif_solde_centimes or 0)),
                "plafond": euros(rule.plafond_centimes) if rule else None,
                "prochain_credit": (
                    next_credit(date.fromisoformat(account.dif_debut), today).isoformat()
                    if account.dif_debut
                    else None
                ),
            }
        return {
            "elu": elu,
            "cpf_euros": (
                {"montant_disponible": euros(int(account.cpf_euros_centimes))}
                if account.cpf_euros_centimes is not None
                else None
            ),
            "cpf_heures": (
                {"heures_disponibles": int(account.cpf_heures)}
                if account.cpf_heures is not None
                else None
            ),
        }

    def history(self, account: Account, cursor: str | None) -> dict:
        """One page of the ledger, newest first. The cursor is signed for this account: it
        carries a position in the ledger, never the account's key."""
        position = self._cursors.decode(HISTORY, account.nir_hash, cursor, ("sk",))
        entries, last = self._store.history(
            account.nir_hash, position["sk"] if position else None, PAGE_SIZE
        )
        operations = [
            {
                "date": e.date,
                "libelle": e.libelle,
                "montant": euros(abs(int(e.montant_centimes))),
                "sens": "credit" if e.montant_centimes >= 0 else "debit",
                "source": e.source,
            }
            for e in entries
        ]
        return {
            "operations": operations,
            "cursor": self._cursors.encode(HISTORY, account.nir_hash, {"sk": last})
            if last
            else None,
        }
