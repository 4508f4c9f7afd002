"""All DynamoDB access for rights: the ledger, and the balance on the account that moves only
in the same transaction as a ledger entry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ..models import Account, LedgerEntry, shared_connection
from .ledger import CREDIT_LABEL
from .rules import Credit


class ConcurrentCredit(Exception):
    """Another credit of the same year was written first: read again, then decide."""


def credit_operations(account: Account, due: list[Credit], now: datetime) -> list[tuple]:
    """The writes of these credits, as (operation, item, actions or condition): a marker per
    year, written only if absent (one credit a year), an entry per non-zero credit, and the
    balance. For one transaction, alone or with other writes (the RNE ingestion links an élu
    and credits the completed years together)."""
    if not due:
        return []
    operations: list[tuple] = [
        (
            "update",
            account,
            [
                Account.dif_solde_centimes.add(sum(c.montant_centimes for c in due)),
                Account.dif_annees.add({c.year for c in due}),
            ],
        )
    ]
    for credit in due:
        operations.append(
            (
                "save",
                LedgerEntry(
                    account.nir_hash,
                    f"annee#{credit.year}",
                    date=credit.day.isoformat(),
                    created_at=now,
                ),
                LedgerEntry.sk.does_not_exist(),
            )
        )
        if credit.montant_centimes:
            operations.append(
                (
                    "save",
                    LedgerEntry(
                        account.nir_hash,
                        f"{credit.day.isoformat()}#credit#{credit.year}",
                        date=credit.day.isoformat(),
                        libelle=f"{CREDIT_LABEL} {credit.year}",
                        montant_centimes=credit.montant_centimes,
                        source="DIF élus",
                        created_at=now,
                    ),
                    None,
                )
            )
    return operations


def transact(operations: list[tuple]) -> None:
    """Write (operation, item, actions or condition) triples in one transaction."""
    with TransactWrite(connection=shared_connection()) as batch:
        for operation, item, extra in operations:
            if operation == "update":
                batch.update(item, actions=extra)
            else:
                batch.save(item, condition=extra)


class RightsStore:
    def credit(self, account: Account, due: list[Credit], now: datetime) -> None:
        try:
            transact(credit_operations(account, due, now))
        except TransactWriteError:
            raise ConcurrentCredit() from None

    def refresh(self, account: Account) -> None:
        account.refresh(consistent_read=True)

    def set_mandate_start(self, account: Account, start: str | None) -> None:
        account.update(
            actions=[Account.dif_debut.set(start) if start else Account.dif_debut.remove()]
        )

    def history(
        self, nir_hash: str, after: str | None, limit: int
    ) -> tuple[list[LedgerEntry], str | None]:
        """Dated entries, newest first, from after `after` (a sort key); and the sort key to
        go on from, if more may follow."""
        start = {"account": {"S": nir_hash}, "sk": {"S": after}} if after else None
        page = LedgerEntry.query(
            nir_hash,
            LedgerEntry.sk < ":",  # dated entries only
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=start,
        )
        entries = list(page)
        last = page.last_evaluated_key
        return entries, (last["sk"]["S"] if last else None)

    def elus(self) -> Iterator[Account]:
        """Every recognised élu (a batch job's scan, never a request's)."""
        return Account.scan(Account.elu == True)  # noqa: E712 - a DynamoDB condition
