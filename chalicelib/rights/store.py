"""All DynamoDB access for rights: the ledger, and the balance on the account that moves only
in the same transaction as a ledger entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ..models import Account, CreditRun, LedgerEntry, set_or_remove, shared_connection
from .rules import Credit

RUN_KEY = "tache#credit-dif"


class ConcurrentCredit(Exception):
    """Another credit of the same year was written first: read again, then decide."""


@dataclass(frozen=True)
class Write:
    """One write of a transaction: save (put), update or delete an item, on a condition, or
    only check the condition on it ("check")."""

    kind: str
    item: Any
    actions: tuple = field(default=(), kw_only=True)
    condition: Any = field(default=None, kw_only=True)


def transact(writes: list[Write]) -> None:
    """All these writes or none (at most 100: DynamoDB's limit for one transaction)."""
    with TransactWrite(connection=shared_connection()) as batch:
        for write in writes:
            if write.kind == "update":
                batch.update(write.item, actions=list(write.actions), condition=write.condition)
            elif write.kind == "delete":
                batch.delete(write.item, condition=write.condition)
            elif write.kind == "check":  # item: (model class, hash key)
                model, key = write.item
                batch.condition_check(model, key, condition=write.condition)
            else:
                batch.save(write.item, condition=write.condition)


# PynamoDB sends a transaction's writes grouped by kind, in this order (not in the order they
# were added): tests/unit/test_library_contracts.py checks that it still does.
SENT_ORDER = ("check", "delete", "save", "update")


def cancellation_reasons(error: TransactWriteError, writes: list[Write]) -> list[str | None]:
    """Why each of `writes` failed in a cancelled transaction ("ConditionalCheckFailed",
    None...), in the order of `writes`."""
    sent = sorted(range(len(writes)), key=lambda i: SENT_ORDER.index(writes[i].kind))
    codes = [getattr(r, "code", None) for r in (error.cancellation_reasons or [])]
    reasons: list[str | None] = [None] * len(writes)
    for position, index in enumerate(sent):
        if position < len(codes):
            reasons[index] = codes[position]
    return reasons


def state_actions(state: dict[str, object]) -> tuple:
    """Set (or remove, for None) these `dif_*` attributes and `elu` of the account."""
    return tuple(set_or_remove(Account, state))


def credit_operations(
    account: Account, due: list[Credit], now: datetime, also: tuple = ()
) -> list[Write]:
    """The writes of these credits: the balance, a marker per year written only if absent (one
    credit a year), an entry per non-zero credit. For one transaction, alone or with other
    writes (the RNE ingestion links an élu and credits the years begun together: it adds
    its actions to the first write, the account's)."""
    if not due:
        return [Write("update", account, actions=also)] if also else []
    writes = [
        Write(
            "update",
            account,
            actions=(
                Account.dif_solde_centimes.add(sum(c.montant_centimes for c in due)),
                Account.dif_annees.add({c.year for c in due}),
                *also,
            ),
        )
    ]
    for credit in due:
        writes.append(
            Write(
                "save",
                LedgerEntry(
                    account.nir_hash,
                    f"annee#{credit.year}",
                    date=credit.day.isoformat(),
                    created_at=now,
                ),
                condition=LedgerEntry.sk.does_not_exist(),
            )
        )
        for kind, label, cents in credit.parts:
            if not cents:
                continue
            writes.append(
                Write(
                    "save",
                    LedgerEntry(
                        account.nir_hash,
                        f"{credit.day.isoformat()}#{kind}#{credit.year}",
                        date=credit.day.isoformat(),
                        libelle=label,
                        montant_centimes=cents,
                        source="DIF élus",
                        created_at=now,
                    ),
                )
            )
    return writes


def _dated_entry(
    nir_hash: str,
    day: date,
    kind: str,
    label: str,
    cents: int,
    now: datetime,
    dossier: str | None = None,
) -> Write:
    """A dated ledger entry, written once (its key holds the moment, and the file if any)."""
    suffix = f"#{dossier}" if dossier else ""
    return Write(
        "save",
        LedgerEntry(
            nir_hash,
            f"{day.isoformat()}#{_moment(now)}#{kind}{suffix}",
            date=day.isoformat(),
            libelle=label,
            montant_centimes=cents,
            source="DIF élus",
            dossier=dossier,
            created_at=now,
        ),
        condition=LedgerEntry.sk.does_not_exist(),
    )


def debit_operations(
    nir_hash: str, amount_centimes: int, day: date, label: str, reference: str, now: datetime
) -> list[Write]:
    """Spend: the balance goes down only if it covers the amount, with its ledger entry."""
    return [
        Write(
            "update",
            Account(nir_hash),
            actions=(Account.dif_solde_centimes.add(-amount_centimes),),
            condition=Account.dif_solde_centimes >= amount_centimes,
        ),
        _dated_entry(nir_hash, day, "debit", label, -amount_centimes, now, reference),
    ]


def refund_operations(
    nir_hash: str, amount_centimes: int, day: date, label: str, reference: str, now: datetime
) -> list[Write]:
    """Give back what a file spent, once (the entry's key is the file's)."""
    return [
        Write(
            "update",
            Account(nir_hash),
            actions=(Account.dif_solde_centimes.add(amount_centimes),),
        ),
        _dated_entry(nir_hash, day, "remboursement", label, amount_centimes, now, reference),
    ]


def unrealised_refund_operations(
    nir_hash: str,
    amount_centimes: int,
    ceiling_centimes: int | None,
    day: date,
    label: str,
    reference: str,
    now: datetime,
) -> list[Write]:
    """Give back the part of a file not delivered, once (in the transaction that validates the
    service done), on condition the balance stays within `ceiling_centimes` (ConditionalCheck
    failed on the first write: the balance moved, reckon again)."""
    condition = (
        Account.dif_solde_centimes <= ceiling_centimes - amount_centimes
        if ceiling_centimes is not None
        else Account.nir_hash.exists()
    )
    return [
        Write(
            "update",
            Account(nir_hash),
            actions=(Account.dif_solde_centimes.add(amount_centimes),),
            condition=condition,
        ),
        _dated_entry(nir_hash, day, "non-realise", label, amount_centimes, now, reference),
    ]


def reversal_operations(nir_hash: str, amount_centimes: int, now: datetime) -> list[Write]:
    """Take back credits an account received for a mandate that was not its holder's (the
    balance itself moves in the caller's update of the account)."""
    if not amount_centimes:
        return []
    label = "Reprise des droits DIF élus : le mandat est attribué à l'identité certifiée de l'élu"
    return [_dated_entry(nir_hash, now.date(), "reprise", label, -amount_centimes, now)]


def lapse_operations(
    account: Account, amount_centimes: int, label: str, now: datetime, also: tuple = ()
) -> list[Write]:
    """Every mandate ended long enough ago: what is left lapses, with its entry, on condition
    the balance is still what was read (a refund or a credit in between: read again)."""
    return [
        Write(
            "update",
            account,
            actions=(Account.dif_solde_centimes.add(-amount_centimes), *also),
            condition=Account.dif_solde_centimes == amount_centimes,
        ),
        _dated_entry(account.nir_hash, now.date(), "fin-des-droits", label, -amount_centimes, now),
    ]


def _moment(now: datetime) -> str:
    """The time of day in an entry's key: entries of one day keep their order, and sort after
    that day's yearly credit ("t" follows "credit")."""
    return f"t{now:%H%M%S%f}"


class RightsStore:
    def credit(self, account: Account, due: list[Credit], now: datetime, also: tuple = ()) -> None:
        self.apply(credit_operations(account, due, now, also))

    def apply(self, writes: list[Write]) -> None:
        """One account's writes, in one transaction; ConcurrentCredit if a condition failed."""
        if not writes:
            return
        try:
            transact(writes)
        except TransactWriteError:
            raise ConcurrentCredit() from None

    def accounts(self, nir_hashes: list[str]) -> list[Account]:
        return list(Account.batch_get(list(dict.fromkeys(nir_hashes)))) if nir_hashes else []

    def recognised_accounts(self):
        """Every account recognised as an élu once: an operator's repair, a scan, never on a
        request's path."""
        yield from Account.scan(Account.rne_mandats.exists())

    def due_on(self, day: str, after: dict | None, limit: int) -> tuple[list[str], dict | None]:
        """One page of the accounts whose rights change on `day` (the index, keys only)."""
        page = Account.credit_due.query(day, limit=limit, last_evaluated_key=after)
        found = [account.nir_hash for account in page]
        return found, page.last_evaluated_key

    def run_state(self) -> CreditRun:
        try:
            return CreditRun.get(RUN_KEY, "etat", consistent_read=True)
        except CreditRun.DoesNotExist:
            return CreditRun(RUN_KEY, "etat")

    def save_run(self, run: CreditRun) -> None:
        run.save()

    def refresh(self, account: Account) -> None:
        account.refresh(consistent_read=True)

    def history(
        self, nir_hash: str, after: str | None, limit: int, since: datetime | None = None
    ) -> tuple[list[LedgerEntry], str | None]:
        """Dated entries, newest first, from after `after` (a sort key), written after `since`
        if given; and the sort key to go on from, if more may follow."""
        start = {"account": {"S": nir_hash}, "sk": {"S": after}} if after else None
        page = LedgerEntry.query(
            nir_hash,
            LedgerEntry.sk < ":",  # dated entries only
            filter_condition=(LedgerEntry.created_at > since) if since else None,
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
        )
        entries = list(page)
        last = page.last_evaluated_key
        return entries, (last["sk"]["S"] if last else None)
