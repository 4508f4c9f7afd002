"""Moving a file from one status to another, with everything that goes with it: who may,
the place given back, the refund of what was debited, the emails, the metrics."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..clock import PARIS
from ..models import Account, Dossier
from ..observability import Metric, count, count_euros
from ..rights.store import Write, refund_operations
from . import rules
from .errors import TransitionRefused
from .notifier import Notifier
from .store import Change, DossierStore, StatusChanged

METRIC_OF_STATUS = {
    rules.ACCEPTED: Metric.DOSSIER_ACCEPTED,
    rules.VALIDATED: Metric.DOSSIER_VALIDATED,
    rules.IN_TRAINING: Metric.DOSSIER_IN_TRAINING,
    rules.DONE: Metric.DOSSIER_DONE,
    rules.REFUSED: Metric.DOSSIER_REFUSED,
    rules.EXPIRED: Metric.DOSSIER_EXPIRED,
    rules.CANCELLED_BY_HOLDER: Metric.DOSSIER_CANCELLED,
    rules.CANCELLED_BY_ORGANISME: Metric.DOSSIER_CANCELLED,
}


class Transitions:
    def __init__(
        self, store: DossierStore, notifier: Notifier, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._notifier = notifier
        self._now = clock

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
    ) -> Dossier:
        """TransitionRefused when `by` may not move the file from its status to `target`,
        or when someone else moved it first."""
        if not rules.allowed(dossier.statut, target, by):
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
        )
        try:
            self._store.apply(dossier, change)
        except StatusChanged:
            current = self._store.get(dossier.id)
            raise TransitionRefused(current.statut if current else dossier.statut, target) from None
        count(METRIC_OF_STATUS[target])
        if refund:
            count_euros(Metric.DIF_REFUNDED_EUROS, int(dossier.montant_centimes))
        self._notifier.status_changed(dossier, holder)
        return dossier
