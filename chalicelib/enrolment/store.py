"""All DynamoDB access for enrolment files, session places and organismes' API keys.

Every change of a file's status is one transaction with what goes with it: the place taken or
given back, the guard of one open file per person and session, the debit or the refund with
its ledger entry. Each write carries its condition (the status it expects, the balance that
covers the price, the place left), so no burst of requests can overspend or overbook.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from ..models import (
    Account,
    Dossier,
    EnrolmentGuard,
    Organisme,
    OrganismeKey,
    SessionPlaces,
    set_or_remove,
)
from ..models.enrolment import RUNNING_DEADLINE, StatusChange
from ..rights.store import Write, cancellation_reasons, transact
from .errors import AlreadyEnrolled, InsufficientRights, OneRequestUntilCertified, SessionFull
from .rules import HOLDS_A_PLACE, LEGACY_DONE, WITH_DEADLINE


class DossierExists(Exception):
    """A file with this id exists already (an Idempotency-Key replayed)."""


class StatusChanged(Exception):
    """The file's status (or deadline) changed since it was read."""


class BalanceMoved(Exception):
    """A refund's ceiling condition failed: the balance moved since it was reckoned."""


def places_key(formation_id: str, session_id: str) -> str:
    return f"places#{formation_id}#{session_id}"


def guard_key(nir_hash: str, formation_id: str, session_id: str) -> str:
    return f"inscription#{nir_hash}#{formation_id}#{session_id}"


# What a change also writes in its transaction for those who hear of it (the events of the
# files as the change leaves them), and what to do once it is made: given by services.py.
Announce = Callable[[list[Dossier]], tuple[list[Write], Callable[[], None]]]


def declared_guard_key(nir_hash: str) -> str:
    """The one open request of a declared identity."""
    return f"declaree#{nir_hash}"


@dataclass(frozen=True)
class Change:
    """A change of status and everything that moves with it."""

    target: str
    by: str
    now: datetime
    motif: str | None = None
    deadline: datetime | None = None  # the next deadline, for a status that has one
    only_if_overdue: bool = False  # the expiry job: only if the deadline has passed
    money: list[Write] = field(default_factory=list)  # debit or refund, with the ledger
    debit_write: int | None = None  # which of `money` is the balance's condition
    release_place: bool = False
    end_guard: bool = False
    flags: dict[str, bool] = field(default_factory=dict)  # debite, rembourse
    fields: dict[str, Any] = field(default_factory=dict)  # set, or removed when None
    steps: tuple[tuple[str, str], ...] = ()  # (status, by) passed through on the way
    ceiling_write: int | None = None  # which of `money` holds a refund's ceiling condition
    also: list[Write] = field(default_factory=list)  # written last (the change's events)


class DossierStore:
    # --- reads ------------------------------------------------------------------------------
    def get(self, dossier_id: str) -> Dossier | None:
        try:
            return Dossier.get(dossier_id, consistent_read=True)
        except DoesNotExist:
            return None

    def places_taken(self, formation_id: str, session_ids: list[str]) -> dict[str, int]:
        """How many DIF files hold a place in each session (one request)."""
        keys = [places_key(formation_id, s) for s in session_ids]
        taken = {item.id: int(item.inscrits or 0) for item in SessionPlaces.batch_get(keys)}
        return {s: taken.get(places_key(formation_id, s), 0) for s in session_ids}

    def balance(self, nir_hash: str) -> int:
        """The DIF balance as it is now (to say what is missing after a refused debit)."""
        try:
            return int(
                Account.get(
                    nir_hash, consistent_read=True, attributes_to_get=["dif_solde_centimes"]
                ).dif_solde_centimes
                or 0
            )
        except DoesNotExist:
            return 0

    def guard_holder(self, nir_hash: str, formation_id: str, session_id: str) -> str | None:
        return self._guarded(guard_key(nir_hash, formation_id, session_id))

    @staticmethod
    def _guarded(key: str) -> str | None:
        try:
            return EnrolmentGuard.get(key, consistent_read=True).dossier
        except DoesNotExist:
            return None

    def holder_page(
        self, nir_hash: str, after: dict[str, str] | None, limit: int
    ) -> tuple[list[Dossier], dict[str, str] | None]:
        """A holder's files, newest first (one query)."""
        start = (
            {
                "id": {"S": after["id"]},
                "account": {"S": nir_hash},
                "created_at": {"S": after["created_at"]},
            }
            if after
            else None
        )
        page = Dossier.holder_index.query(
            nir_hash, scan_index_forward=False, limit=limit, last_evaluated_key=start
        )
        items = list(page)
        last = page.last_evaluated_key
        return items, (
            {"id": last["id"]["S"], "created_at": last["created_at"]["S"]} if last else None
        )

    def organisme_page(
        self, siret: str, statut: str | None, after: dict[str, str] | None, limit: int
    ) -> tuple[list[Dossier], dict[str, str] | None]:
        """An organisme's files, by status then date (one query)."""
        start = (
            {
                "id": {"S": after["id"]},
                "organisme": {"S": siret},
                "statut_tri": {"S": after["statut_tri"]},
            }
            if after
            else None
        )
        condition = Dossier.statut_tri.startswith(f"{statut}#") if statut else None
        page = Dossier.organisme_index.query(
            siret, condition, limit=limit, last_evaluated_key=start
        )
        items = list(page)
        last = page.last_evaluated_key
        return items, (
            {"id": last["id"]["S"], "statut_tri": last["statut_tri"]["S"]} if last else None
        )

    def overdue(self, now: datetime, limit: int) -> list[Dossier]:
        """Files whose deadline has passed (the sparse deadline index: no Scan)."""
        return list(
            Dossier.deadline_index.query(RUNNING_DEADLINE, Dossier.echeance <= now, limit=limit)
        )

    def at_the_funder(self, state: str, limit: int = 1000) -> list[Dossier]:
        """Files held for an operator ("attente") or validated and to be paid ("a_payer"), by
        organisme then date (the sparse payment index: no Scan)."""
        return list(Dossier.payment_index.query(state, limit=limit))

    def legacy_done(self):
        """Files ended as `service_fait` before the exit and the invoice were declared: a
        migration's scan, never on a request's path."""
        yield from Dossier.scan(Dossier.statut == LEGACY_DONE)

    # --- writes -----------------------------------------------------------------------------
    def create(self, dossier: Dossier, places_limit: int, also: list[Write] | None = None) -> None:
        """The file, its place in the session and the person's guard for that session, all or
        nothing (with `also`, the events of it). DossierExists, SessionFull or AlreadyEnrolled
        otherwise."""
        writes = [
            Write("save", dossier, condition=Dossier.id.does_not_exist()),
            Write(
                "update",
                SessionPlaces(places_key(dossier.formation_id, dossier.session_id)),
                actions=(SessionPlaces.inscrits.add(1),),
                condition=SessionPlaces.inscrits.does_not_exist()
                | (SessionPlaces.inscrits < places_limit),
            ),
            Write(
                "save",
                EnrolmentGuard(
                    guard_key(dossier.account, dossier.formation_id, dossier.session_id),
                    dossier=dossier.id,
                ),
                condition=EnrolmentGuard.id.does_not_exist(),
            ),
        ]
        if dossier.garde_declaree:
            writes.append(
                Write(
                    "save",
                    EnrolmentGuard(declared_guard_key(dossier.account), dossier=dossier.id),
                    condition=EnrolmentGuard.id.does_not_exist(),
                )
            )
        writes += also or []
        if places_limit <= 0:
            raise SessionFull()
        try:
            transact(writes)
        except TransactWriteError as error:
            reasons = cancellation_reasons(error, writes)
            if _failed(reasons, 0):
                raise DossierExists() from None
            if _failed(reasons, 1):
                raise SessionFull() from None
            if _failed(reasons, 2):
                holder = self.guard_holder(
                    dossier.account, dossier.formation_id, dossier.session_id
                )
                raise AlreadyEnrolled(holder or "") from None
            if _failed(reasons, 3):
                open_one = self._guarded(declared_guard_key(dossier.account))
                raise OneRequestUntilCertified(open_one or "") from None
            raise

    def apply(self, dossier: Dossier, change: Change) -> None:
        """Move the file to `change.target` if its status is still the one read; then the
        object says what the table says. StatusChanged, InsufficientRights otherwise."""
        status, entries = status_write(dossier, change)
        writes = [status, *change.money]
        if change.release_place:
            writes.append(
                Write(
                    "update",
                    SessionPlaces(places_key(dossier.formation_id, dossier.session_id)),
                    actions=(SessionPlaces.inscrits.add(-1),),
                    condition=SessionPlaces.inscrits > 0,
                )
            )
        if change.end_guard:
            writes.append(
                Write(
                    "delete",
                    EnrolmentGuard(
                        guard_key(dossier.account, dossier.formation_id, dossier.session_id)
                    ),
                )
            )
            if dossier.garde_declaree:
                writes.append(Write("delete", EnrolmentGuard(declared_guard_key(dossier.account))))
        writes += change.also
        try:
            transact(writes)
        except TransactWriteError as error:
            reasons = cancellation_reasons(error, writes)
            if change.debit_write is not None and _failed(reasons, 1 + change.debit_write):
                raise InsufficientRights(int(dossier.montant_centimes), -1) from None
            if _failed(reasons, 0):
                raise StatusChanged() from None
            if change.ceiling_write is not None and _failed(reasons, 1 + change.ceiling_write):
                raise BalanceMoved() from None
            raise
        _changed(dossier, change, entries)

    def move_dates(
        self, siret: str, formation_id: str, session_id: str, debut: str, fin: str
    ) -> bool:
        """The session's files waiting for an answer or a validation take its new dates, all
        or none; False, and nothing moved, when one is validated or further on (its rights
        are debited for the dates it was validated for). Read on the organisme's index (only
        when the session holds places)."""
        holding = Dossier.organisme_index.query(
            siret,
            filter_condition=(Dossier.formation_id == formation_id)
            & (Dossier.session_id == session_id)
            & Dossier.statut.is_in(*HOLDS_A_PLACE),
        )
        files = list(holding)
        if any(d.statut not in WITH_DEADLINE for d in files):
            return False
        writes = [
            Write(
                "update",
                d,
                actions=(Dossier.date_debut.set(debut), Dossier.date_fin.set(fin)),
                condition=Dossier.statut == d.statut,
            )
            for d in files
        ]
        for start in range(0, len(writes), 100):  # a transaction's most
            try:
                transact(writes[start : start + 100])
            except TransactWriteError:
                return False  # validated meanwhile
        for d in files:
            d.date_debut, d.date_fin = debut, fin
        return True

    # --- organismes -------------------------------------------------------------------------
    def organisme_of_key(self, key_hash: str) -> OrganismeKey | None:
        # consistent: a key revoked a moment ago must not act (an eventually consistent read
        # may come from a replica that has not seen the revocation yet)
        try:
            return OrganismeKey.get(f"cle#{key_hash}", consistent_read=True)
        except DoesNotExist:
            return None

    def organisme(self, siret: str) -> Organisme | None:
        try:
            return Organisme.get(f"organisme#{siret}")
        except DoesNotExist:
            return None

    def save_organisme(self, organisme: Organisme) -> None:
        organisme.save()

    def save_key(self, key: OrganismeKey) -> None:
        key.save(condition=OrganismeKey.pk.does_not_exist())

    def keys_of(self, siret: str) -> list[OrganismeKey]:
        """An operator's listing: a scan of a small table, never on a request path."""
        return [
            k for k in OrganismeKey.scan(OrganismeKey.siret == siret) if k.pk.startswith("cle#")
        ]

    def revoke(self, key: OrganismeKey, now: datetime) -> None:
        key.update(actions=[OrganismeKey.revoked_at.set(now)])


def status_write(dossier: Dossier, change: Change) -> tuple[Write, list[StatusChange]]:
    """The write that moves the file to `change.target` on the condition that its status is
    still the one read (and its history entries): for this store's transactions and for the
    payments', which move files with their batch."""
    entry = StatusChange(date=change.now, statut=change.target, par=change.by, motif=change.motif)
    entries = [
        *(StatusChange(date=change.now, statut=s, par=by) for s, by in change.steps),
        entry,
    ]
    actions = [
        Dossier.statut.set(change.target),
        Dossier.statut_tri.set(f"{change.target}#{dossier.created_at.isoformat()}"),
        Dossier.updated_at.set(change.now),
        Dossier.historique.set(Dossier.historique.append(entries)),
    ]
    if change.motif:
        actions.append(Dossier.motif.set(change.motif))
    if change.target in WITH_DEADLINE and change.deadline is not None:
        actions += [
            Dossier.echeance.set(change.deadline),
            Dossier.a_echeance.set(RUNNING_DEADLINE),
        ]
    else:
        actions += [Dossier.echeance.remove(), Dossier.a_echeance.remove()]
    actions += [getattr(Dossier, name).set(value) for name, value in change.flags.items()]
    actions += set_or_remove(Dossier, change.fields)
    condition = Dossier.statut == dossier.statut
    if change.only_if_overdue:
        condition &= Dossier.echeance <= change.now
    return Write("update", dossier, actions=tuple(actions), condition=condition), entries


def after(dossier: Dossier, change: Change) -> Dossier:
    """A copy of the file as the change will leave it (what its events tell), before it is
    made."""
    changed = copy.deepcopy(dossier)
    _changed(changed, change, status_write(dossier, change)[1])
    return changed


def _changed(dossier: Dossier, change: Change, entries: list[StatusChange]) -> None:
    dossier.statut = change.target
    dossier.motif = change.motif or dossier.motif
    dossier.historique = [*(dossier.historique or []), *entries]
    dossier.echeance = change.deadline if change.target in WITH_DEADLINE else None
    for name, value in {**change.flags, **change.fields}.items():
        setattr(dossier, name, value)


def _failed(reasons: list[str | None], index: int) -> bool:
    return len(reasons) > index and reasons[index] == "ConditionalCheckFailed"
