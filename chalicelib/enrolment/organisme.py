"""The organisme's side of enrolment, through its own API key: its files by status, and its
answers (acceptance, refusal, entry into training, cancellation; the exit and the service
done are in end_of_training.py). An organisme
sees and moves only the files of its SIRET. And the operators' side: organismes and their
keys, stored hashed, revocable."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from datetime import date, datetime

from .. import keyed_hashing
from ..clock import PARIS
from ..cursors import Cursors
from ..errors import FieldError, InvalidForm
from ..models import Dossier, Organisme, OrganismeKey
from . import rules, views
from .errors import DossierNotFound, OrganismeKeyInvalid, TransitionRefused
from .holder import is_dossier_id
from .schemas import Dossier as DossierView
from .schemas import DossierPage, OrganismeListing
from .store import DossierStore
from .transitions import Transitions

PAGE_SIZE = 50
KEY_PREFIX = "mce_org_"
# action of the API -> the status it leads to (refusal and cancellation give a reason)
ACTIONS = {
    "acceptation": rules.ACCEPTED,
    "refus": rules.REFUSED,
    "entree-en-formation": rules.IN_TRAINING,
    "annulation": rules.CANCELLED_BY_ORGANISME,
}


def key_hash(key: str) -> str:
    return keyed_hashing.token_hash(key)


class OrganismeDesk:
    def __init__(
        self,
        store: DossierStore,
        transitions: Transitions,
        cursors: Cursors,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._transitions = transitions
        self._cursors = cursors
        self._now = clock

    def authenticate(self, key: str | None) -> str:
        """The SIRET an API key acts for (OrganismeKeyInvalid: none, unknown or revoked)."""
        found = (
            self._store.organisme_of_key(key_hash(key))
            if key and key.startswith(KEY_PREFIX)
            else None
        )
        if found is None or found.revoked_at is not None:
            raise OrganismeKeyInvalid()
        return found.siret

    def page(self, siret: str, query: OrganismeListing) -> DossierPage:
        statut = query.statut or None
        scope = f"{siret}#{statut or ''}"
        after = self._cursors.decode("organisme", scope, query.cursor, ("id", "statut_tri"))
        dossiers, last = self._store.organisme_page(siret, statut, after, PAGE_SIZE)
        return DossierPage(
            dossiers=[views.for_organisme(d) for d in dossiers],
            cursor=self._cursors.encode("organisme", scope, last) if last else None,
        )

    def act(
        self, siret: str, identifier: str, action: str, motif: str | None = None
    ) -> DossierView:
        """`motif`: the reason a refusal or a cancellation gives (the edge requires it)."""
        target = ACTIONS[action]
        dossier = self._store.get(identifier) if is_dossier_id(identifier) else None
        if dossier is None or dossier.organisme != siret:
            raise DossierNotFound()
        today = self._now().astimezone(PARIS).date()
        if (
            dossier.statut in rules.WITH_DEADLINE
            and dossier.echeance is not None
            and (dossier.echeance <= self._now())
        ):
            self._expire(dossier)
            raise TransitionRefused(rules.EXPIRED, target)
        if target == rules.IN_TRAINING and today < date.fromisoformat(dossier.date_debut):
            raise TransitionRefused(dossier.statut, target)  # not before the first day
        deadline = (
            rules.holder_deadline(self._now(), date.fromisoformat(dossier.date_debut))
            if target == rules.ACCEPTED
            else None
        )
        self._transitions.move(dossier, target, rules.ORGANISME, motif=motif, deadline=deadline)
        return views.for_organisme(dossier)

    def _expire(self, dossier: Dossier) -> None:
        with contextlib.suppress(TransitionRefused):  # moved meanwhile
            self._transitions.move(dossier, rules.EXPIRED, rules.SYSTEM, only_if_overdue=True)

    # --- operators --------------------------------------------------------------------------
    def register(self, siret: str, nom: str, email: str | None) -> None:
        self._store.save_organisme(
            Organisme(
                f"organisme#{siret}", siret=siret, nom=nom, email=email, created_at=self._now()
            )
        )

    def new_key(self, siret: str, key: str | None = None) -> tuple[str, str]:
        """(key id, key): the key is shown once and stored only hashed."""
        key = key or KEY_PREFIX + secrets.token_urlsafe(32)
        if not key.startswith(KEY_PREFIX):
            raise InvalidForm([FieldError("cle", f"Une clé commence par {KEY_PREFIX}.")])
        key_id = "K" + key_hash(key)[:10].upper()
        self._store.save_key(
            OrganismeKey(f"cle#{key_hash(key)}", siret=siret, key_id=key_id, created_at=self._now())
        )
        return key_id, key

    def keys(self, siret: str) -> list[OrganismeKey]:
        return self._store.keys_of(siret)

    def revoke(self, siret: str, key_id: str) -> bool:
        for key in self._store.keys_of(siret):
            if key.key_id == key_id and key.revoked_at is None:
                self._store.revoke(key, self._now())
                return True
        return False
