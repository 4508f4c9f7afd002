"""The élu rates a training after its exit (once; editable for 30 days); the organisme reads
its average; the public fiche shows one once there are enough ratings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..enrolment.errors import DossierNotFound
from ..models import Account, Dossier, Evaluation
from ..observability import Metric, count
from . import rules
from .errors import ConcurrentRating, NoLongerEditable, NotYetRateable, RatingNotFound
from .schemas import Rating, RatingRequest, Ratings
from .store import Conflict, EvaluationStore, formation_key, organisme_key


def _answer(rating: Evaluation) -> Rating:
    return Rating(
        note=int(rating.note),
        commentaire=rating.commentaire,
        modifiable_jusqu_au=rules.editable_until(rating.created_at).isoformat(),
    )


class Evaluations:
    def __init__(
        self,
        store: EvaluationStore,
        dossier_of: Callable[[str], Dossier | None],
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._dossier_of = dossier_of  # None for an unknown or malformed id
        self._now = clock

    def _own(self, account: Account, dossier_id: str) -> Dossier:
        dossier = self._dossier_of(dossier_id)
        if dossier is None or dossier.account != account.nir_hash:
            raise DossierNotFound()
        return dossier

    def rate(self, account: Account, dossier_id: str, body: RatingRequest) -> Rating:
        dossier = self._own(account, dossier_id)
        if not rules.may_rate(dossier.statut):
            raise NotYetRateable()
        previous = self._store.get(dossier.id)
        now = self._now()
        if previous is not None and now > rules.editable_until(previous.created_at):
            raise NoLongerEditable()
        rating = self._store.new(
            dossier.id,
            dossier.formation_id,
            dossier.organisme,
            body.note,
            body.commentaire,
            previous.created_at if previous is not None else now,
            now,
        )
        try:
            self._store.save(rating, previous)
        except Conflict:
            raise ConcurrentRating() from None
        count(Metric.TRAINING_RATED)
        return _answer(rating)

    def mine(self, account: Account, dossier_id: str) -> Rating:
        rating = self._store.get(self._own(account, dossier_id).id)
        if rating is None:
            raise RatingNotFound()
        return _answer(rating)

    def of_organisme(self, siret: str) -> Ratings:
        total = self._store.totals([organisme_key(siret)]).get(organisme_key(siret))
        somme, nombre = (int(total.somme), int(total.nombre)) if total else (0, 0)
        return Ratings(moyenne=rules.average(somme, nombre), nombre=nombre)

    def public(self, formation_id: str) -> tuple[str, int] | None:
        """(average, count) of a formation's ratings, once there are enough to show."""
        total = self._store.totals([formation_key(formation_id)]).get(formation_key(formation_id))
        return rules.public_average(int(total.somme), int(total.nombre)) if total else None
