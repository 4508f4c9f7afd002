"""The one module of the area that talks to AWS: a rating and the totals it moves, in one
transaction, so averages never count a rating twice nor miss one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from ..models import Evaluation, EvaluationTotal
from ..rights.store import Write, transact


def rating_key(dossier_id: str) -> str:
    return f"dossier#{dossier_id}"


def organisme_key(siret: str) -> str:
    return f"organisme#{siret}"


def formation_key(formation_id: str) -> str:
    return f"formation#{formation_id}"


class Conflict(Exception):
    """The rating changed meanwhile (another request wrote it first)."""


class EvaluationStore:
    def get(self, dossier_id: str) -> Evaluation | None:
        try:
            return Evaluation.get(rating_key(dossier_id), consistent_read=True)
        except DoesNotExist:
            return None

    def totals(self, keys: Iterable[str]) -> dict[str, EvaluationTotal]:
        return {t.pk: t for t in EvaluationTotal.batch_get(list(keys))}

    def save(self, rating: Evaluation, previous: Evaluation | None) -> None:
        """The rating, and the organisme's and the formation's totals moved by the change of
        note: a first rating only if there is none, an edit only over the one read."""
        added, delta = (
            (1, int(rating.note))
            if previous is None
            else (
                0,
                int(rating.note) - int(previous.note),
            )
        )
        condition = (
            Evaluation.pk.does_not_exist()
            if previous is None
            else Evaluation.updated_at == previous.updated_at
        )
        writes = [Write("save", rating, condition=condition)]
        for key in (organisme_key(rating.organisme), formation_key(rating.formation_id)):
            writes.append(
                Write(
                    "update",
                    EvaluationTotal(key),
                    actions=(EvaluationTotal.somme.add(delta), EvaluationTotal.nombre.add(added)),
                )
            )
        try:
            transact(writes)
        except TransactWriteError:
            raise Conflict() from None

    @staticmethod
    def new(
        dossier_id: str,
        formation_id: str,
        siret: str,
        note: int,
        commentaire: str | None,
        created_at: datetime,
        now: datetime,
    ) -> Evaluation:
        return Evaluation(
            rating_key(dossier_id),
            dossier=dossier_id,
            formation_id=formation_id,
            organisme=siret,
            note=note,
            commentaire=commentaire,
            created_at=created_at,
            updated_at=now,
        )
