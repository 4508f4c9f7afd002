"""Moving a file from one status to another, with everything that goes with it: who may,
the place given back, the refund of what was debited, the emails, the metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from ..clock import PARIS
from ..models import Account, Dossier
from ..observability import Metric, count, count_euros
from ..rights.store import Write, refund_operations
from . import rules
from .errors import TransitionRefused
from .notifier import Notifier
from .store import Announce, Change, DossierStore, StatusChanged, after

METRIC_OF_STATUS = {
    rules.ACCEPTED: Metric.DOSSIER_ACCEPTED,
    rules.VALIDATED: Metric.DOSSIER_VALIDATED,
    rules.IN_TRAINING: Metric.DOSSIER_IN_TRAINING,
    rules.EXIT_DECLARED: Metric.DOSSIER_EXIT_DECLARED,
    rules.SERVICE_DECLARED: Metric.DOSSIER_SERVICE_HELD,  # validated at once otherwise
    rules.SERVICE_VALIDATED: Metric.DOSSIER_SERVICE_VALIDATED,
    rules.PAID: Metric.DOSSIER_PAID,
    rules.REFUSED: Metric.DOSSIER_REFUSED,
    rules.EXPIRED: Metric.DOSSIER_EXPIRED,
    rules.CANCELLED_BY_HOLDER: Metric.DOSSIER_CANCELLED,
    rules.CANCELLED_BY_ORGANISME: Metric.DOSSIER_CANCELLED,
}


class Transitions:
    def __init__(
        self,
        store: DossierStore,
        notifier: Notifier,
        clock: Callable[[], datetime],
        announce: Announce | None = None,
    ) -> None:
        self._store = store
        self._notifier = notifier
        self._now = clock
        self._announce = announce

    def move(
        self,
        dossier: Dossier,
        target: str,
        by: str,
        *,
        motif: str | None = None,
        deadline: datetime | None = None,
        money: list[Write] | None = None,
        debit_write: int | None = None,
        flags: dict[str, bool] | None = None,
        only_if_overdue: bool = False,
        holder: Account | None = None,
        fields: dict | None = None,
        steps: tuple[tuple[str, str], ...] = (),
        ceiling_write: int | None = None,
        metric: str | None = None,
    ) -> Dossier:
        """TransitionRefused when `by` may not move the file from its status to `target`,
        or when someone else moved it first (BalanceMoved: a refund's ceiling condition failed;
        read the balance again). `steps`: statuses passed through in the same change."""
        previous = dossier.statut
        for status, who in steps:
            if not rules.allowed(previous, status, who):
                raise TransitionRefused(dossier.statut, status)
            previous = status
        if not rules.allowed(previous, target, by):
            raise TransitionRefused(dossier.statut, target)
        now = self._now()
        money = list(money or [])
        flags = dict(flags or {})
        refund = bool(dossier.debite) and not dossier.rembourse and rules.releases_place(target)
        if refund:
            money += refund_operations(
                dossier.account,
                int(dossier.montant_centimes),
                now.astimezone(PARIS).date(),
                f"Remboursement : {dossier.titre} (dossier {dossier.id})",
                dossier.id,
                now,
            )
            flags["rembourse"] = True
        change = Change(
            target=target,
            by=by,
            now=now,
            motif=motif,
            deadline=deadline,
            only_if_overdue=only_if_overdue,
            money=money,
            debit_write=debit_write,
            release_place=rules.releases_place(target),
            end_guard=rules.releases_place(target),
            flags=flags,
            fields=dict(fields or {}),
            steps=steps,
            ceiling_write=ceiling_write,
        )
        announced = None
        if self._announce is not None:
            writes, announced = self._announce([after(dossier, change)])
            change = replace(change, also=writes)
        try:
            self._store.apply(dossier, change)
        except StatusChanged:
            current = self._store.get(dossier.id)
            raise TransitionRefused(current.statut if current else dossier.statut, target) from None
        if announced is not None:
            announced()
        count(metric or METRIC_OF_STATUS[target])
        if refund:
            count_euros(Metric.DIF_REFUNDED_EUROS, int(dossier.montant_centimes))
        self._notifier.status_changed(dossier, holder)
        return dossier
