"""An account's rights: DIF élus from the ledger (with the yearly credits brought up to date),
CPF in euros or hours beside it."""

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
from .rules import Credit, due_credits, euros, next_credit, rule_on

PAGE_SIZE = 20
CREDIT_LABEL = "Crédit annuel DIF élus"


class RightsService:
    def __init__(self, mandates_of: Callable[[Account], list[dict]],
                 clock: Callable[[], datetime]) -> None:
        self._mandates_of = mandates_of  # the account's current mandates (recognition)
        self._now = clock

    # --- the yearly credits -----------------------------------------------------------------
    def bring_up_to_date(self, account: Account) -> int:
        """Credit the full years of mandate not credited yet (catch-up at recognition, then one
        a year); idempotent per account and year. Answers the number of years credited."""
        today = self._now().astimezone(PARIS).date()
        if not account.elu or account.dif_a_jour_le == today.isoformat():
            return 0
        start = self._mandate_start(account)
        credited = 0
        if start is not None:
            years = {int(e.sk.split("#")[1]) for e in LedgerEntry.query(
                account.nir_hash, LedgerEntry.sk.startswith("annee#"))}
            balance = account.dif_solde_centimes or 0
            for credit in due_credits(start, today, balance, years):
                if self._credit(account, credit):
                    credited += 1
        account.update(actions=[Account.dif_a_jour_le.set(today.isoformat())])
        if credited:
            count(Metric.DIF_CREDITED, credited)
        return credited

    def _credit(self, account: Account, credit: Credit) -> bool:
        """One year's credit: the year marker, the entry and the balance, all or nothing."""
        now = self._now()
        try:
            with TransactWrite(connection=LedgerEntry._get_connection().connection) as batch:
                batch.save(LedgerEntry(account.nir_hash, f"annee#{credit.year}",
                                       date=credit.day.isoformat(), created_at=now),
                           condition=LedgerEntry.sk.does_not_exist())
                if credit.montant_centimes:
                    batch.save(LedgerEntry(
                        account.nir_hash, f"{credit.day.isoformat()}#credit#{credit.year}",
                        date=credit.day.isoformat(), libelle=f"{CREDIT_LABEL} {credit.year}",
                        montant_centimes=credit.montant_centimes, source="DIF élus",
                        created_at=now))
                    batch.update(account, actions=[
                        Account.dif_solde_centimes.add(credit.montant_centimes)])
        except TransactWriteError:
            logger.info("Yearly credit already made", extra={"year": credit.year})
            return False
        account.dif_solde_centimes = (account.dif_solde_centimes or 0) + credit.montant_centimes
        return True

    def _mandate_start(self, account: Account) -> date | None:
        starts = [date.fromisoformat(m["date_debut"]) for m in self._mandates_of(account)]
        return min(starts) if starts else None

    # --- what the person sees ---------------------------------------------------------------
    def summary(self, account: Account) -> dict:
        today = self._now().astimezone(PARIS).date()
        elu = None
        if account.elu:
            self.bring_up_to_date(account)
            rule = rule_on(today)
            start = self._mandate_start(account)
            elu = {
                "montant_disponible": euros(account.dif_solde_centimes or 0),
                "plafond": euros(rule.plafond_centimes) if rule else None,
                "prochain_credit": next_credit(start, today).isoformat() if start else None,
            }
        return {
            "elu": elu,
            "cpf_euros": ({"montant_disponible": euros(int(account.cpf_euros_centimes))}
                          if account.cpf_euros_centimes is not None else None),
            "cpf_heures": ({"heures_disponibles": int(account.cpf_heures)}
                           if account.cpf_heures is not None else None),
        }

    def history(self, account: Account, cursor: str | None) -> dict:
        if account.elu:
            self.bring_up_to_date(account)
        start_key = _decode_cursor(cursor)
        page = LedgerEntry.query(account.nir_hash, LedgerEntry.sk < ":",  # dated entries only
                                 scan_index_forward=False, limit=PAGE_SIZE,
                                 last_evaluated_key=start_key)
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
