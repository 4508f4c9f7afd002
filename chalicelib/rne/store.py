"""All DynamoDB access of the RNE ingestion and of account recognition (PynamoDB)."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action

from ..models import (
    Account,
    IdentityIndex,
    RneFile,
    RneMandate,
    RneScope,
    TakenBack,
    is_condition_failure,
)
from ..models.rne import Counters
from .territories import DEPARTEMENTS

if TYPE_CHECKING:  # the snapshot's lists (and orjson) load with the ingestion, not a session
    from .snapshot_lists import Listed

LAST_INGESTION = "etat#derniere-ingestion"
BATCH = 25  # items of one BatchWriteItem
GET_BATCH = 100  # keys of one BatchGetItem
# Batch writes in flight at once: DynamoDB on demand takes them in parallel, and the
# function's time is mostly spent waiting for them.
WRITERS = 4
TRANSACTION = 100
_Batch = TypeVar("_Batch")
_Result = TypeVar("_Result")


@dataclass(frozen=True)
class Snapshot:
    instantane: str
    fichier: str


@dataclass(frozen=True)
class Holders:
    """The accounts filed under an identity key; `certified`: those through FranceConnect."""

    accounts: set[str]
    certified: set[str]


class RneStore:
    # --- files: state, lease, checkpoints ---------------------------------------------------
    def claim_file(
        self,
        pk: str,
        owner: str,
        now: datetime,
        lease_until: datetime,
        *,
        bucket: str | None = None,
        key: str | None = None,
        version: str | None = None,
        etag: str | None = None,
    ) -> RneFile | None:
        """Create the file's state if new (an upload's: where it is), then take its lease;
        None when the file is already done or another invocation holds it."""
        try:
            RneFile(
                pk,
                statut="en_cours",
                started_at=now,
                offset=0,
                next_line=1,
                compteurs=Counters(),
                bucket=bucket,
                key=key,
                version=version,
                etag=etag,
            ).save(condition=RneFile.pk.does_not_exist())
        except PutError as error:
            if not is_condition_failure(error):
                raise
        state = RneFile.get(pk, consistent_read=True)
        if state.statut != "en_cours":
            return None
        try:
            state.update(
                actions=[RneFile.lease_owner.set(owner), RneFile.lease_until.set(lease_until)],
                condition=(RneFile.statut == "en_cours")
                & (
                    RneFile.lease_until.does_not_exist()
                    | (RneFile.lease_until < now)
                    | (RneFile.lease_owner == owner)
                ),
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return None
            raise
        return state

    def get_file(self, pk: str) -> RneFile | None:
        try:
            return RneFile.get(pk, consistent_read=True)
        except DoesNotExist:
            return None

    def save_format(
        self,
        state: RneFile,
        file_format: dict[str, Any],
        mandate_type: str,
        portee: set[str] | None,
        instantane: str,
    ) -> None:
        actions: list[Action] = [
            RneFile.format.set(file_format),
            RneFile.mandate_type.set(mandate_type),
            RneFile.instantane.set(instantane),
            RneFile.offset.set(file_format["debut_donnees"]),
            RneFile.next_line.set(file_format["ligne_entete"] + 1),
            RneFile.phase.set("lecture"),
        ]
        if portee:
            actions.append(RneFile.portee.set(portee))
        state.update(actions=actions, condition=RneFile.lease_owner == state.lease_owner)

    def save_header(self, state: RneFile, file_format: dict[str, Any]) -> None:
        """The layout read, before the type is known (a file held for its type keeps it)."""
        state.update(
            actions=[RneFile.format.set(file_format)],
            condition=RneFile.lease_owner == state.lease_owner,
        )

    def set_phase(
        self, state: RneFile, phase: str, bilan: list[dict[str, Any]] | None = None
    ) -> None:
        actions: list[Action] = [RneFile.phase.set(phase)]
        if bilan is not None:
            actions.append(RneFile.bilan.set(bilan))
        state.update(actions=actions, condition=RneFile.lease_owner == state.lease_owner)

    def checkpoint_written(self, state: RneFile, change_key: str, counts: dict[str, int]) -> None:
        """Changes written up to this object (ecriture), with the accounts they linked."""
        actions: list[Action] = [RneFile.applique.set(change_key), *_counted(counts)]
        state.update(actions=actions, condition=RneFile.lease_owner == state.lease_owner)

    def checkpoint_closed(self, state: RneFile, closing_key: str, closed: int) -> None:
        """Absent mandates closed up to this object (fermeture)."""
        actions: list[Action] = [
            RneFile.ferme.set(closing_key),
            *_counted({"mandats_fermes": closed}),
        ]
        state.update(actions=actions, condition=RneFile.lease_owner == state.lease_owner)

    def hold(
        self, state: RneFile, reasons: list[str], bilan: list[dict[str, Any]], now: datetime
    ) -> None:
        """Waits for an operator (`python -m infra.rne appliquer|ecarter`)."""
        state.update(
            actions=[
                RneFile.statut.set("en_attente"),
                RneFile.attente.set(reasons),
                RneFile.bilan.set(bilan),
                RneFile.finished_at.set(now),
                RneFile.lease_until.remove(),
            ],
            condition=RneFile.lease_owner == state.lease_owner,
        )

    def held_files(self) -> list[RneFile]:
        """The snapshots waiting for an operator (an operator's listing: a scan)."""
        return list(RneFile.scan(RneFile.statut == "en_attente"))

    def resume_held(
        self, pk: str, operator: str, phase: str | None, mandate_type: str | None = None
    ) -> RneFile:
        """An operator applies a held snapshot: it goes on from `phase` (None: from its
        scope, once given its type). Raises UpdateError if it is not held (any more)."""
        actions: list[Action] = [
            RneFile.statut.set("en_cours"),
            RneFile.confirme_par.set(operator),
            RneFile.lease_until.remove(),
            RneFile.finished_at.remove(),
            RneFile.phase.set(phase) if phase else RneFile.phase.remove(),
        ]
        if mandate_type:
            actions.append(RneFile.mandate_type.set(mandate_type))
        state = RneFile(pk)
        state.update(actions=actions, condition=RneFile.statut == "en_attente")
        return state

    def discard(self, pk: str, operator: str, now: datetime) -> RneFile:
        state = RneFile(pk)
        state.update(
            actions=[
                RneFile.statut.set("ecarte"),
                RneFile.confirme_par.set(operator),
                RneFile.finished_at.set(now),
            ],
            condition=RneFile.statut == "en_attente",
        )
        return state

    def checkpoint(
        self,
        state: RneFile,
        offset: int,
        next_line: int,
        counts: dict[str, int],
        departements: set[str],
        from_line: int,
    ) -> None:
        """Progress and counters move together, only for the lease holder, and only from the
        chunk's first line (never past a chunk that was not checkpointed)."""
        actions: list[Action] = [
            RneFile.offset.set(offset),
            RneFile.next_line.set(next_line),
            *_counted(counts),
        ]
        if departements:
            actions.append(RneFile.departements_vus.add(departements))
        state.update(
            actions=actions,
            condition=(RneFile.lease_owner == state.lease_owner) & (RneFile.next_line == from_line),
        )

    def end_file(
        self,
        state: RneFile,
        statut: str,
        now: datetime,
        motif: str | None = None,
        rapport: str | None = None,
        counts: dict[str, int] | None = None,
    ) -> None:
        actions: list[Action] = [
            RneFile.statut.set(statut),
            RneFile.finished_at.set(now),
            RneFile.lease_until.remove(),
        ]
        if motif:
            actions.append(RneFile.motif.set(motif))
        if rapport:
            actions.append(RneFile.rapport.set(rapport))
        if counts:
            actions += _counted(counts)
        state.update(actions=actions)

    def release(self, state: RneFile, now: datetime) -> None:
        state.update(
            actions=[RneFile.lease_until.set(now)],
            condition=RneFile.lease_owner == state.lease_owner,
        )

    def claim_content(self, pk: str, original: str) -> str | None:
        """Mark a content as processed by `original`; answer the earlier file if any."""
        try:
            RneFile(pk, original=original).save(condition=RneFile.pk.does_not_exist())
            return None
        except PutError as error:
            if not is_condition_failure(error):
                raise
        return RneFile.get(pk, consistent_read=True).original

    # --- scopes and snapshots ---------------------------------------------------------------
    def snapshots(self, mandate_type: str) -> dict[str, Snapshot]:
        """département (or "FR") -> the snapshot applied there: key lookups of every possible
        département, no query."""
        keys = [f"portee#{mandate_type}#{d}" for d in sorted(DEPARTEMENTS | {"FR"})]
        return {
            item.pk.rsplit("#", 1)[1]: Snapshot(item.instantane, item.fichier)
            for item in RneScope.batch_get(keys)
            if item.instantane and item.fichier
        }

    def record_snapshots(
        self, mandate_type: str, departements: Iterable[str], instantane: str, file_pk: str
    ) -> set[str]:
        """This snapshot is now applied in these départements, except where a newer one was
        recorded meanwhile (answered). Each département its own item, each written only over
        an older snapshot: two files finishing at once never lose each other's."""
        from ..rights.store import Write, cancellation_reasons, transact

        newer: set[str] = set()
        pending = sorted(set(departements))
        while pending:
            group, pending = pending[:TRANSACTION], pending[TRANSACTION:]
            writes = [
                Write(
                    "save",
                    RneScope(f"portee#{mandate_type}#{d}", instantane=instantane, fichier=file_pk),
                    condition=RneScope.pk.does_not_exist() | (RneScope.instantane <= instantane),
                )
                for d in group
            ]
            try:
                transact(writes)
            except TransactWriteError as error:
                reasons = cancellation_reasons(error, writes)
                failed = {d for d, r in zip(group, reasons, strict=True) if r}
                if not failed:
                    raise
                newer |= failed
                pending = [d for d in group if d not in failed] + pending
        return newer

    def mark_ingestion_finished(self, now: datetime) -> None:
        RneScope(LAST_INGESTION, termine_le=now).save()

    def last_ingestion(self) -> datetime | None:
        try:
            return RneScope.get(LAST_INGESTION).termine_le
        except DoesNotExist:
            return None

    # --- mandates ---------------------------------------------------------------------------
    def put_mandates(
        self, entries: list[Listed], file_pk: str, vu_le: str, fin: str | None = None
    ) -> None:
        """Write these mandates, each with the copies filed under its other keys; closed on
        `fin` when given (a mandate the new snapshot no longer lists, written whole from the
        previous snapshot's entry: a batch put, not one update per mandate)."""
        items = []
        for entry in entries:
            # Any: a model takes its attributes as **Any, after positional parameters that mypy
            # cannot tell these keys from
            values: dict[str, Any] = {
                **entry.attributes(),
                "fichier": file_pk,
                "vu_le": vu_le,
                "fin": fin,
            }
            items.append(RneMandate(entry.person_key, entry.mandate_key, **values))
            items += [
                RneMandate(alias, f"alias|{entry.item}", alias_of=entry.item, **values)
                for alias in entry.aliases
            ]
        _write_in_parallel(items)

    def mandates_of(self, person_key: str) -> list[RneMandate]:
        return list(RneMandate.query(person_key))

    def has_copies(self, candidates: dict[str, list[tuple[str, str]]]) -> bool:
        """Whether each mandate (by ref) has one of its candidate copies stored."""
        keys = list(dict.fromkeys(k for keys in candidates.values() for k in keys))
        found = {
            item.alias_of
            for start in range(0, len(keys), GET_BATCH)
            for item in RneMandate.batch_get(keys[start : start + GET_BATCH])
        }
        return set(candidates) <= found

    def mandates_by_ref(self, refs: Iterable[str]) -> list[RneMandate]:
        keys = [tuple(ref.split("|", 1)) for ref in refs]
        return list(RneMandate.batch_get(keys)) if keys else []

    # --- identities and accounts ------------------------------------------------------------
    def holders(self, keys: Iterable[str]) -> dict[str, Holders]:
        """Who answers to each identity key, and who of them through a certified identity."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        groups = [keys[i : i + GET_BATCH] for i in range(0, len(keys), GET_BATCH)]
        found = _in_parallel(lambda group: list(IdentityIndex.batch_get(group)), groups)
        return {
            item.person_key: Holders(set(item.accounts or ()), set(item.certified or ()))
            for items in found
            for item in items
        }

    def register(self, account: Account, keys: Iterable[str]) -> None:
        """File the account under these keys (a match found by searching the RNE for it is
        written to the identity index like any other)."""
        for key in sorted(set(keys)):
            IdentityIndex(key).update(actions=[IdentityIndex.accounts.add({account.nir_hash})])

    def take_back(self, holder: Account, refs: set[str], by: Account | None, now: datetime) -> int:
        """Remove these mandates from an account that held them through a typed identity only.
        With no mandate left, it is no longer an élu and the DIF credits it received are
        reversed by a ledger entry. Listed for operators. Answers the cents reversed."""
        from ..rights.store import Write, reversal_operations, transact

        lost = refs & set(holder.rne_mandats or ())
        if not lost:
            return 0
        left = set(holder.rne_mandats or ()) - lost
        balance = int(holder.dif_solde_centimes or 0)
        actions: list[Action] = [Account.rne_mandats.delete(lost)]
        writes: list[Write] = []
        if not left:
            actions += [
                Account.elu.set(False),
                Account.dif_debut.remove(),
                Account.dif_ancre.remove(),
                Account.dif_fin.remove(),
                Account.dif_prochain.remove(),
                Account.dif_annees.remove(),
                Account.dif_solde_centimes.set(0),
            ]
            writes += reversal_operations(holder.nir_hash, balance, now)
        else:
            balance = 0
        writes.insert(
            0,
            Write(
                "update",
                holder,
                actions=tuple(actions),
                condition=Account.dif_solde_centimes == holder.dif_solde_centimes,
            ),
        )
        writes.append(
            Write(
                "save",
                TakenBack(
                    f"reprise#{now.isoformat()}#{holder.id}",
                    compte=holder.id,
                    par=by.id if by is not None else "-",
                    mandats=lost,
                    repris_centimes=balance,
                    created_at=now,
                ),
            )
        )
        transact(writes)
        holder.rne_mandats = left or None
        if not left:
            holder.elu, holder.dif_debut, holder.dif_annees = False, None, None
            holder.dif_ancre = holder.dif_fin = holder.dif_prochain = None
            holder.dif_solde_centimes = 0
        return balance

    def accounts(self, nir_hashes: Iterable[str]) -> dict[str, Account]:
        keys = list(dict.fromkeys(nir_hashes))
        return {a.nir_hash: a for a in Account.batch_get(keys)} if keys else {}

    def link(
        self, account: Account, refs: set[str], start: tuple[str, str] | None, now: datetime
    ) -> None:
        account.update(actions=self._link_actions(account, refs, start, now))

    def link_many(
        self,
        links: list[tuple[Account, set[str], tuple[str, str] | None]],
        now: datetime,
        today: date,
    ) -> None:
        """A chunk of RNE rows links its élus in as few requests as DynamoDB allows (100
        actions a transaction); a newly recognised élu gets the mandate years begun
        credited in the same transaction."""
        from ..rights.ledger import basis_of, due_for
        from ..rights.store import Write, credit_operations, transact

        pending: list[Write] = []
        for account, refs, start in links:
            basis = basis_of(account, *(start or (None, None))) if (start or account.elu) else None
            writes = credit_operations(account, due_for(account, basis, today), now)
            link = self._link_actions(account, refs, start, now)
            # one update of the account: the link and the credits together
            if writes:
                writes[0] = Write("update", account, actions=(*link, *writes[0].actions))
            else:
                writes = [Write("update", account, actions=tuple(link))]
            if len(pending) + len(writes) > 100:
                transact(pending)
                pending = []
            pending += writes
        if pending:
            transact(pending)

    @staticmethod
    def _link_actions(
        account: Account, refs: set[str], start: tuple[str, str] | None, now: datetime
    ) -> list[Action]:
        """These mandates added; with a current one (`start`: its start and type), an élu in
        office whose credits count from its oldest current mandate."""
        from ..clock import PARIS
        from ..rights.ledger import basis_of
        from ..rights.rules import next_credit

        actions: list[Action] = [Account.rne_checked_at.set(now)]
        if refs:
            actions.append(Account.rne_mandats.add(refs))
        if not start:
            return actions
        actions += [Account.elu.set(True), Account.dif_fin.remove()]
        if account.elu and account.dif_debut and account.dif_debut <= start[0]:
            return actions  # the oldest current mandate is still the one kept
        basis = basis_of(account, *start)
        upcoming = next_credit(basis, now.astimezone(PARIS).date())
        actions += [
            Account.dif_debut.set(basis.start.isoformat()),
            Account.dif_ancre.set(basis.anchor.isoformat()),
        ]
        if upcoming is not None:  # always: a basis counted from a current mandate has no end
            actions.append(Account.dif_prochain.set(upcoming.isoformat()))
        return actions

    def mark_checked(self, account: Account, now: datetime) -> None:
        account.update(actions=[Account.rne_checked_at.set(now)])


def _counted(counts: dict[str, int]) -> list[Action]:
    """The file's counters added to (those not zero). A counter is reached by name: PynamoDB
    types a nested map's attribute as its value, not as the path it is here."""
    return [getattr(RneFile.compteurs, name).add(value) for name, value in counts.items() if value]


def _write_batch(items: list[RneMandate]) -> None:
    with RneMandate.batch_write() as batch:  # retries what DynamoDB leaves unprocessed
        for item in items:
            batch.save(item)


def _write_in_parallel(items: list[RneMandate]) -> None:
    _in_parallel(_write_batch, [items[i : i + BATCH] for i in range(0, len(items), BATCH)])


def _in_parallel(work: Callable[[_Batch], _Result], batches: list[_Batch]) -> list[_Result]:
    """`work` on each batch, WRITERS at a time; the results in order."""
    if len(batches) <= 1:
        return [work(batch) for batch in batches]
    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="rne-batch") as pool:
        # each batch in a copy of the caller's context (logging keys, trace)
        futures = [pool.submit(contextvars.copy_context().run, work, b) for b in batches]
        return [future.result() for future in futures]  # re-raises the first failure
