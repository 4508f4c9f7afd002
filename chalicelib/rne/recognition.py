"""Recognising the accounts of elected officials, from either side.

- When a chunk of RNE rows is ingested (`link_rows`): each row's identity key is looked up in
  the identity index; a row that one account answers to is linked to it; a row that two or more
  accounts answer to is linked to none and listed for operators.
- When an account is activated, or logs in after a newer RNE file was ingested
  (`Recognition.recognise`): its identity keys are searched among the mandates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ..clock import PARIS
from ..models import Account
from ..observability import Metric, count, logger
from .matching import keys_of_account
from .rows import MandateRow
from .store import RneStore


@dataclass
class Links:
    newly_recognised: int = 0
    ambiguities: list[dict] = field(default_factory=list)


def link_rows(
    store: RneStore, rows: list[tuple[int, list[str], MandateRow]], now: datetime
) -> Links:
    """rows: (line number, identity keys, mandate). One request per 100 distinct keys, one per
    100 accounts found, plus one update per account that gains a mandate."""
    links = Links()
    holders = store.accounts_by_identity(key for _, keys, _ in rows for key in keys)
    refs_by_account: dict[str, set[str]] = defaultdict(set)
    start_by_account: dict[str, str] = {}
    ambiguous: list[tuple[int, set[str]]] = []
    for line, keys, mandate in rows:
        found = set().union(*(holders.get(key, set()) for key in keys))
        if len(found) == 1:
            holder = next(iter(found))
            refs_by_account[holder].add(f"{keys[0]}|{mandate.mandate_key}")
            start = mandate.date_debut.isoformat()
            start_by_account[holder] = min(start, start_by_account.get(holder, start))
        elif len(found) > 1:
            ambiguous.append((line, found))
    accounts = store.accounts(list(refs_by_account) + [h for _, hs in ambiguous for h in hs])
    changes = []
    for nir_hash, refs in refs_by_account.items():
        account = accounts.get(nir_hash)
        if account is None or account.statut != "active":
            continue
        new_refs = refs - set(account.rne_mandats or ())
        if new_refs or not account.elu:
            links.newly_recognised += 0 if account.elu else 1
            changes.append((account, new_refs, start_by_account[nir_hash]))
    store.link_many(changes, now, now.astimezone(PARIS).date())
    for line, found in ambiguous:
        links.ambiguities.append(
            {"ligne": line, "comptes": sorted(accounts[h].id for h in found if h in accounts)}
        )
    return links


class Recognition:
    def __init__(self, store: RneStore, clock) -> None:
        self._store = store
        self._now = clock
        self._cache: tuple[datetime, datetime | None] | None = None

    def recognise(self, account: Account) -> bool:
        """Search the RNE for this account; link what only it answers to. True if élu now."""
        now = self._now()
        keys = keys_of_account(account)
        found = {key: self._store.mandates_of(key) for key in sorted(keys)}
        found = {key: mandates for key, mandates in found.items() if mandates}
        if not found:
            self._store.mark_checked(account, now)
            return bool(account.elu)
        holders = self._store.accounts_by_identity(found)
        refs, starts = set(), []
        for key, mandates in found.items():
            others = holders.get(key, set()) - {account.nir_hash}
            if others:
                count(Metric.RNE_AMBIGUOUS_MATCH)
                logger.warning(
                    "Identity shared by several accounts: not linked",
                    extra={"account_id": account.id, "accounts": len(others) + 1},
                )
                continue
            refs |= {mandate.ref for mandate in mandates}
            starts += [mandate.date_debut for mandate in mandates if not mandate.fin]
        new_refs = refs - set(account.rne_mandats or ())
        if not refs and not account.elu:
            self._store.mark_checked(account, now)
            return False
        if new_refs or not account.elu:
            if not account.elu:
                count(Metric.ELU_RECOGNISED)
            self._store.link(account, new_refs, min(starts, default=None), now)
        else:
            self._store.mark_checked(account, now)
        return True

    def accounts_answering_to(self, keys) -> set[str]:
        """The accounts registered under any of these identity keys."""
        return set().union(*self._store.accounts_by_identity(keys).values())

    def needs_check(self, account: Account) -> bool:
        """At login: only non-élus, and only if an RNE file was ingested since the last check."""
        if account.elu:
            return False
        last = self._last_ingestion()
        return last is not None and (
            account.rne_checked_at is None or account.rne_checked_at < last
        )

    def _last_ingestion(self) -> datetime | None:
        # Read at most once a minute per container: login must stay a couple of key lookups.
        now = self._now()
        if self._cache is None or (now - self._cache[0]).total_seconds() > 60:
            self._cache = (now, self._store.last_ingestion())
        return self._cache[1]

    def standing(self, account: Account) -> tuple[int, str | None]:
        """(how many mandates are current, when the last one ended once none is): one
        request."""
        mandates = self._store.mandates_by_ref(account.rne_mandats or ())
        current = sum(1 for m in mandates if not m.fin)
        ended = [m.fin for m in mandates if m.fin]
        return current, (max(ended) if ended and not current else None)

    def current_mandates(self, account: Account) -> list[dict]:
        from .formats import MANDATE_TYPES

        mandates = self._store.mandates_by_ref(account.rne_mandats or ())
        current = sorted((m for m in mandates if not m.fin), key=lambda m: (m.date_debut, m.type))
        return [
            {
                "type": m.type,
                "libelle": MANDATE_TYPES[m.type].libelle,
                "collectivite": m.collectivite,
                "code_territoire": m.territoire,
                "departement": m.departement,
                "fonction": m.fonction,
                "date_debut": m.date_debut,
            }
            for m in current
        ]
