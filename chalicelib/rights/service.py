"""An account's rights: DIF élus from the ledger, CPF in euros or hours beside it.

A rights read costs at most three DynamoDB requests: the session, the account, and, when a
yearly credit is due, one transaction that writes it. What is due is computed from the account
alone (start of the earliest current mandate, years already credited, balance).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date, datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ..clock import PARIS
from ..models import Account, LedgerEntry
from ..observability import Metric, count, logger
from ..problems import Problem
from .ledger import account_actions, due_for, ledger_items
from .rules import Credit, euros, next_credit, rule_on

PAGE_SIZE = 20


class RightsService:
    def __init__(self, clock: Callable[[], datetime]) -> None:
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
                self._write(account, due)
            except TransactWriteError:
                logger.info("Yearly credit made concurrently: reading again")
                account.refresh(consistent_read=True)
                continue
            count(Metric.DIF_CREDITED, len(due))
            return len(due)
        return 0

    def _due(self, account: Account) -> list[Credit]:
        return due_for(account, account.dif_debut, self._today()) if account.elu else []

    def _write(self, account: Account, due: list[Credit]) -> None:
        with TransactWrite(connection=LedgerEntry._get_connection().connection) as batch:
            for item, condition in ledger_items(account, due, self._now()):
                batch.save(item, condition=condition)
            batch.update(account, actions=account_actions(due))
        # What the transaction did, without reading the account again.
        account.dif_solde_centimes = int(account.dif_solde_centimes or 0) + sum(
            c.montant_centimes for c in due)
        account.dif_annees = {int(y) for y in account.dif_annees or ()} | {c.year for c in due}

    def follow_mandates(self, account: Account, current_mandates: list[dict]) -> None:
        """Keep the start of the earliest current mandate (none: no more credits)."""
        start = min((m["date_debut"] for m in current_mandates), default=None)
        if start != account.dif_debut:
            account.update(actions=[Account.dif_debut.set(start) if start
                                    else Account.dif_debut.remove()])

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
                "prochain_credit": (next_credit(date.fromisoformat(account.dif_debut),
                                                today).isoformat()
                                    if account.dif_debut else None),
            }
        return {
            "elu": elu,
            "cpf_euros": ({"montant_disponible": euros(int(account.cpf_euros_centimes))}
                          if account.cpf_euros_centimes is not None else None),
            "cpf_heures": ({"heures_disponibles": int(account.cpf_heures)}
                           if account.cpf_heures is not None else None),
        }

    def history(self, account: Account, cursor: str | None) -> dict:
        page = LedgerEntry.query(account.nir_hash, LedgerEntry.sk < ":",  # dated entries only
                                 scan_index_forward=False, limit=PAGE_SIZE,
                                 last_evaluated_key=_decode_cursor(cursor))
        entries = [{"date": e.date, "libelle": e.libelle,
                    "montant": euros(abs(int(e.montant_centimes))),
                    "sens": "credit" if e.montant_centimes >= 0 else "debit",
                    "source": e.source} for e in page]
        last = page.last_evaluated_key
        return {"operations": entries, "cursor": _encode_cursor(last) if last else None}


def _encode_cursor(key: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def _decode_cursor(cursor: str | None) -> dict | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(key, dict) or set(key) != {"account", "sk"}:
            raise ValueError
    except ValueError:
        raise Problem(400, "Le paramètre cursor est invalide : reprenez la pagination depuis "
                           "le début.", slug="curseur-invalide") from None
    return key
