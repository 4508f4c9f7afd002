"""Recognising the accounts of elected officials, from either side.

- When a chunk of RNE rows is ingested (`link_rows`): each row's identity keys are looked up in
  the identity index; a row that one account answers to is linked to it.
- When an account is activated, logs in after a newer RNE file was ingested, or links
  FranceConnect (`Recognition.recognise`): its identity keys are searched among the mandates.

The RNE is public: anyone can type an official's name, sex and birth date. So an identity only
typed at signup (declared) takes a mandate only when no other account answers to it; when two
do, neither keeps it. An identity FranceConnect certified (the civil registry's) takes the
person whoever else typed it: the accounts that held it through a typed identity lose it, and
the DIF credits it brought them are reversed (listed for operators, counted).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..clock import PARIS
from ..models import Account, RneMandate
from ..observability import Metric, count, logger
from .matching import certified_keys, declared_keys
from .store import Holders, RneStore

if TYPE_CHECKING:  # the snapshot's lists (and orjson) load with the ingestion, not a session
    from .snapshot_lists import Listed


@dataclass
class Links:
    newly_recognised: int = 0
    ambiguities: list[dict[str, Any]] = field(default_factory=list)  # line, accounts' ids


@dataclass(frozen=True)
class Verdict:
    """Who a person of the RNE belongs to: `owner` (or None), and the accounts that hold or
    could hold it through a typed identity and must not (`losers`)."""

    owner: str | None
    losers: frozenset[str]
    ambiguous: bool


def owner_of(entries: list[Holders]) -> Verdict:
    """The one certified identity, else the one typed identity; two of a kind: nobody."""
    accounts = set().union(*(e.accounts for e in entries)) if entries else set()
    certified = set().union(*(e.certified for e in entries)) if entries else set()
    if len(certified) == 1:
        owner = next(iter(certified))
        return Verdict(owner, frozenset(accounts - {owner}), False)
    if len(certified) > 1:
        return Verdict(None, frozenset(accounts - certified), True)
    if len(accounts) == 1:
        return Verdict(next(iter(accounts)), frozenset(), False)
    return Verdict(None, frozenset(accounts), len(accounts) > 1)


def take_back(
    store: RneStore,
    losers: dict[str, set[str]],
    owners: dict[str, str],
    accounts: dict[str, Account],
    now: datetime,
) -> None:
    """Remove mandates from the accounts that held them without owning them."""
    for nir_hash, refs in losers.items():
        holder = accounts.get(nir_hash)
        if holder is None or not refs & set(holder.rne_mandats or ()):
            continue
        by = accounts.get(owners.get(nir_hash, ""))
        reversed_centimes = store.take_back(holder, refs, by, now)
        count(Metric.RNE_MANDATE_TAKEN_BACK)
        logger.warning(
            "Mandates taken back from an account holding them through a typed identity",
            extra={
                "account_id": holder.id,
                "by_account_id": by.id if by else None,
                "mandates": len(refs),
                "reversed_centimes": reversed_centimes,
            },
        )


def link_rows(store: RneStore, entries: list[Listed], now: datetime) -> Links:
    """The accounts these new or changed mandates belong to. One request per 100 distinct
    keys, one per 100 accounts found, plus one update per account that gains or loses one."""
    links = Links()
    holders = store.holders(key for entry in entries for key in entry.keys)
    refs_by_account: dict[str, set[str]] = defaultdict(set)
    start_by_account: dict[str, tuple[str, str]] = {}  # (start, type) of the oldest
    losers: dict[str, set[str]] = defaultdict(set)
    owners: dict[str, str] = {}
    ambiguous: list[tuple[int, set[str]]] = []
    for entry in entries:
        line, ref = entry.line, entry.item
        verdict = owner_of([holders[key] for key in entry.keys if key in holders])
        for loser in verdict.losers:
            losers[loser].add(ref)
            if verdict.owner:
                owners[loser] = verdict.owner
        if verdict.owner:
            refs_by_account[verdict.owner].add(ref)
            start = (entry.value("date_debut") or "", entry.value("type") or "")
            start_by_account[verdict.owner] = min(start, start_by_account.get(verdict.owner, start))
        if verdict.ambiguous:
            ambiguous.append((line, set(verdict.losers)))
    accounts = store.accounts([*refs_by_account, *losers, *owners.values()])
    changes: list[tuple[Account, set[str], tuple[str, str] | None]] = []
    for nir_hash, refs in refs_by_account.items():
        account = accounts.get(nir_hash)
        if account is None or account.statut != "active":
            continue
        new_refs = refs - set(account.rne_mandats or ())
        if new_refs or not account.elu:
            links.newly_recognised += 0 if account.elu else 1
            changes.append((account, new_refs, start_by_account[nir_hash]))
    store.link_many(changes, now, now.astimezone(PARIS).date())
    take_back(store, losers, owners, accounts, now)
    for line, found in ambiguous:
        links.ambiguities.append(
            {"ligne": line, "comptes": sorted(accounts[h].id for h in found if h in accounts)}
        )
    return links


class Recognition:
    def __init__(self, store: RneStore, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._now = clock
        self._cache: tuple[datetime, datetime | None] | None = None

    def recognise(self, account: Account) -> bool:
        """Search the RNE for this account; link what it owns (see the module's rules), take
        back from others what its certified identity owns, and release what it held through
        keys it no longer answers to (a typed identity replaced by the certified one). True if
        élu now."""
        now = self._now()
        certified = certified_keys(account)
        keys = declared_keys(account) | certified
        found = {key: self._store.mandates_of(key) for key in sorted(keys)}
        found = {key: mandates for key, mandates in found.items() if mandates}
        reachable = {mandate.ref for mandates in found.values() for mandate in mandates}
        orphans = set(account.rne_mandats or ()) - reachable
        if not found and not orphans:
            self._store.mark_checked(account, now)
            return bool(account.elu)
        holders = self._store.holders(found)
        refs, starts, matched = set(), [], set()
        losers: dict[str, set[str]] = defaultdict(set)
        if orphans:
            losers[account.nir_hash] |= orphans
        for key, mandates in found.items():
            entry = holders.get(key, Holders(set(), set()))
            entry = Holders(
                entry.accounts | {account.nir_hash},
                entry.certified | ({account.nir_hash} if key in certified else set()),
            )
            verdict = owner_of([entry])
            mine = {mandate.ref for mandate in mandates}
            for loser in verdict.losers - {account.nir_hash}:
                losers[loser] |= mine
            if verdict.owner != account.nir_hash:
                count(Metric.RNE_AMBIGUOUS_MATCH)
                logger.warning(
                    "Identity shared by several accounts: not linked",
                    extra={"account_id": account.id, "accounts": len(entry.accounts)},
                )
                if account.nir_hash in verdict.losers:
                    losers[account.nir_hash] |= mine
                continue
            matched.add(key)
            refs |= mine
            starts += [
                (mandate.date_debut, mandate.type) for mandate in mandates if not mandate.fin
            ]
        others = self._store.accounts([*losers, account.nir_hash])
        others[account.nir_hash] = account
        owners = {loser: account.nir_hash for loser in losers if loser != account.nir_hash}
        take_back(self._store, losers, owners, others, now)
        new_refs = refs - set(account.rne_mandats or ())
        if not refs and not account.elu:
            self._store.mark_checked(account, now)
            return False
        in_office = bool(starts) or bool(account.elu)
        if new_refs or (starts and not account.elu):
            if in_office and not account.elu:
                count(Metric.ELU_RECOGNISED)
            self._store.register(account, matched)
            self._store.link(account, new_refs, min(starts, default=None), now)
        else:
            self._store.mark_checked(account, now)
        return in_office

    def held_through(self, account: Account, mandates: list[RneMandate]) -> bool:
        """Whether every one of these mandates (the account's) is found through the account's
        certified identity keys: under its own key, or a copy under another form of the name
        (one BatchGetItem, only when a mandate's own key is not one of them)."""
        certified = certified_keys(account)
        if not certified:
            return False
        others = [m for m in mandates if m.person_key not in certified]
        if not others:
            return True
        return self._store.has_copies(
            {m.ref: [(key, f"alias|{m.ref}") for key in sorted(certified)] for m in others}
        )

    def accounts_answering_to(self, keys: Iterable[str]) -> set[str]:
        """The accounts registered under any of these identity keys."""
        return set[str]().union(*(h.accounts for h in self._store.holders(keys).values()))

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

    def standing(
        self, account: Account, certified: bool = False
    ) -> tuple[int, str | None] | tuple[int, str | None, bool]:
        """(how many mandates are current, when the last one ended once none is): one
        request. `certified`: and whether they are all held through the certified identity
        (spending needs it)."""
        mandates = self._store.mandates_by_ref(account.rne_mandats or ())
        current = sum(1 for m in mandates if not m.fin)
        ended = [m.fin for m in mandates if m.fin]
        standing = (current, (max(ended) if ended and not current else None))
        if not certified:
            return standing
        return (*standing, bool(mandates) and self.held_through(account, mandates))

    def current_mandates(self, account: Account) -> list[dict[str, str | None]]:
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
