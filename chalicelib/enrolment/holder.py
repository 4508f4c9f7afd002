"""The élu's side of enrolment: ask for a place in a session, follow the file, validate it with
a certified identity (the debit), cancel it (the refund).

A request is refused at once when the rules say no (catalogue, rights, dates, approval, hourly
cap, balance); a place is held from the request; the price is debited only at validation, in
the transaction that moves the file, on condition that the balance covers it.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from ..catalogue.errors import FormationNotFound, SessionClosed
from ..catalogue.rules import places_for_dif
from ..catalogue.store import CatalogueStore
from ..clock import PARIS
from ..cursors import Cursors
from ..fields import is_identifier
from ..franceconnect.identity import may_spend
from ..models import Account, Dossier, Formation
from ..models.enrolment import StatusChange, Trainee
from ..observability import Metric, count, count_euros
from ..rights.store import debit_operations
from . import rules, views
from .attestation import Approval, AttestationFacts
from .eligibility import Holder, Offer, check_request, check_rights
from .errors import (
    AttestationNotYet,
    CertifiedIdentityRequired,
    DossierNotFound,
    IdempotencyKeyMissing,
    IdempotencyKeyReused,
    InsufficientRights,
    SessionNotFound,
    TooLate,
    TrainingStarted,
    TransitionRefused,
)
from .notifier import Notifier
from .schemas import Dossier as DossierView
from .schemas import DossierPage
from .store import Announce, DossierExists, DossierStore
from .transitions import Transitions

PAGE_SIZE = 20
LIST = "dossiers"

_KEY = re.compile(r"^[A-Za-z0-9_.:\-]{8,128}$")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def is_dossier_id(value: str) -> bool:
    return value.startswith("DOS-") and is_identifier(value, 16)


def dossier_id(digest_hex: str) -> str:
    """A reference people can read out: DOS- and 12 characters without 0/O or 1/I."""
    number = int(digest_hex[:30], 16)
    characters = []
    for _ in range(12):
        number, index = divmod(number, len(_ALPHABET))
        characters.append(_ALPHABET[index])
    return "DOS-" + "".join(characters)


class HolderFiles:
    def __init__(
        self,
        store: DossierStore,
        formations: CatalogueStore,
        standing: Callable[..., tuple],
        transitions: Transitions,
        notifier: Notifier,
        digest: Callable[[str, str], str],
        cursors: Cursors,
        clock: Callable[[], datetime],
        announce: Announce | None = None,
    ) -> None:
        self._store = store
        self._announce = announce
        self._formations = formations
        self._standing = standing
        self._transitions = transitions
        self._notifier = notifier
        self._digest = digest
        self._cursors = cursors
        self._now = clock

    def _today(self) -> date:
        return self._now().astimezone(PARIS).date()

    def _holder(self, account: Account, certified: bool = False) -> Holder:
        current, last_end, *held = self._standing(account, certified)
        return Holder(
            current,
            date.fromisoformat(last_end) if last_end else None,
            int(account.dif_solde_centimes or 0),
            held_through_certified=bool(held and held[0]),
        )

    # --- asking for a place -----------------------------------------------------------------
    def request(
        self, account: Account, formation_id: str, session_id: str, idempotency_key: str | None
    ) -> tuple[DossierView, bool]:
        """(the file, whether it was created now). The same Idempotency-Key again gives back
        the same file, whatever happened in between."""
        if not idempotency_key or not _KEY.match(idempotency_key):
            raise IdempotencyKeyMissing()
        identifier = dossier_id(self._digest("dossier:" + account.nir_hash, idempotency_key))
        asked = hashlib.sha256(f"{formation_id}\x00{session_id}".encode()).hexdigest()
        existing = self._store.get(identifier)
        if existing is not None:
            return self._replayed(existing, asked), False
        formation = self._formations.get(formation_id)
        if formation is None or formation.retiree_le is not None:  # withdrawn: no new file
            raise FormationNotFound()
        session = next((s for s in formation.sessions or [] if s.id == session_id), None)
        if session is None:
            raise SessionNotFound()
        if session.fermee:
            raise SessionClosed()
        offer = _offer(formation, session)
        today = self._today()
        check_request(offer, self._holder(account), today)
        now = self._now()
        dossier = Dossier(
            identifier,
            account=account.nir_hash,
            formation_id=formation.id,
            session_id=session.id,
            catalogue=formation.catalogue,
            titre=formation.titre,
            organisme=formation.organisme.siret,
            organisme_nom=formation.organisme.nom,
            date_debut=session.date_debut,
            date_fin=session.date_fin,
            montant_centimes=int(formation.prix_centimes),
            statut=rules.WAITING,
            statut_tri=f"{rules.WAITING}#{now.isoformat()}",
            created_at=now,
            updated_at=now,
            echeance=rules.organisme_deadline(now, offer.date_debut),
            a_echeance="oui",
            historique=[StatusChange(date=now, statut=rules.WAITING, par=rules.HOLDER)],
            demande=asked,
            stagiaire=Trainee(nom=account.nom, prenoms=account.prenoms),
            duree_centiemes=int(offer.hours * 100),  # the completion is checked against it
            garde_declaree=account.franceconnect is None,
        )
        writes, announced = self._announce([dossier]) if self._announce else ([], None)
        try:
            self._store.create(
                dossier,
                places_for_dif(formation.catalogue, int(session.capacite), today),
                also=writes,
            )
        except DossierExists:  # the same key, at the same moment
            existing = self._store.get(identifier)
            if existing is None:  # never: dossiers are kept (an erasure only anonymises them)
                raise
            return self._replayed(existing, asked), False
        count(Metric.DOSSIER_CREATED)
        if announced is not None:
            announced()
        self._notifier.status_changed(dossier, account)
        return views.for_holder(dossier), True

    @staticmethod
    def _replayed(dossier: Dossier, asked: str) -> DossierView:
        if dossier.demande != asked:
            raise IdempotencyKeyReused()
        return views.for_holder(dossier)

    # --- following files --------------------------------------------------------------------
    def page(self, account: Account, cursor: str | None) -> DossierPage:
        after = self._cursors.decode(LIST, account.nir_hash, cursor, ("id", "created_at"))
        dossiers, last = self._store.holder_page(account.nir_hash, after, PAGE_SIZE)
        return DossierPage(
            dossiers=[views.for_holder(d, with_history=False) for d in dossiers],
            cursor=self._cursors.encode(LIST, account.nir_hash, last) if last else None,
        )

    def one(self, account: Account, identifier: str) -> DossierView:
        return views.for_holder(self._own(account, identifier))

    def attestation(self, account: Account, identifier: str) -> bytes:
        """The PDF the élu keeps, once the funder has validated the service done."""
        from .attestation import attestation_pdf  # fpdf2: loaded by this request alone

        dossier = self._own(account, identifier)
        facts = attestation_facts(account, dossier, self._formations.get(dossier.formation_id))
        if facts is None:
            raise AttestationNotYet()
        return attestation_pdf(facts)

    def _own(self, account: Account, identifier: str) -> Dossier:
        dossier = self._store.get(identifier) if is_dossier_id(identifier) else None
        if dossier is None or dossier.account != account.nir_hash:
            raise DossierNotFound()
        return dossier

    # --- validating: the debit --------------------------------------------------------------
    def validate(self, account: Account, session_acr: str | None, identifier: str) -> DossierView:
        dossier = self._own(account, identifier)
        if dossier.statut != rules.ACCEPTED:
            raise TransitionRefused(dossier.statut, rules.VALIDATED)
        self._expire_if_overdue(dossier, account, rules.VALIDATED)
        if not may_spend(session_acr, account):
            raise CertifiedIdentityRequired(dossier.id)
        offer = _offer_of(dossier)
        today = self._today()
        holder = self._holder(account, certified=True)
        check_rights(offer, holder, today)
        if not holder.held_through_certified:  # found through a typed identity only
            raise CertifiedIdentityRequired(dossier.id)
        if today > rules.latest_validation_day(offer.date_debut):
            raise TooLate(rules.latest_validation_day(offer.date_debut))
        price = int(dossier.montant_centimes)
        if price > holder.balance_centimes:
            raise InsufficientRights(price, holder.balance_centimes)
        now = self._now()
        money = debit_operations(
            account.nir_hash,
            price,
            today,
            f"{dossier.titre} (dossier {dossier.id})",
            dossier.id,
            now,
        )
        try:
            self._transitions.move(
                dossier,
                rules.VALIDATED,
                rules.HOLDER,
                money=money,
                debit_write=0,
                flags={"debite": True},
                holder=account,
            )
        except InsufficientRights:  # spent meanwhile by another validation
            raise InsufficientRights(price, self._store.balance(account.nir_hash)) from None
        count_euros(Metric.DIF_DEBITED_EUROS, price)
        return views.for_holder(dossier)

    def _expire_if_overdue(self, dossier: Dossier, account: Account, target: str) -> None:
        """A deadline passed before the expiry job saw it: the file expires now."""
        if dossier.echeance is not None and dossier.echeance <= self._now():
            with contextlib.suppress(TransitionRefused):  # moved meanwhile
                self._transitions.move(
                    dossier, rules.EXPIRED, rules.SYSTEM, only_if_overdue=True, holder=account
                )
            raise TransitionRefused(rules.EXPIRED, target)

    # --- cancelling: the refund -------------------------------------------------------------
    def cancel(self, account: Account, identifier: str) -> DossierView:
        dossier = self._own(account, identifier)
        if dossier.statut in rules.WITH_DEADLINE:
            self._expire_if_overdue(dossier, account, rules.CANCELLED_BY_HOLDER)
        if rules.allowed(dossier.statut, rules.CANCELLED_BY_HOLDER, rules.HOLDER) and (
            date.fromisoformat(dossier.date_debut) <= self._today()
        ):
            raise TrainingStarted()
        self._transitions.move(dossier, rules.CANCELLED_BY_HOLDER, rules.HOLDER, holder=account)
        return views.for_holder(dossier)


def _offer(formation: Formation, session) -> Offer:
    organisme = formation.organisme
    return Offer(
        catalogue=formation.catalogue,
        price_centimes=int(formation.prix_centimes),
        hours=Decimal(str(formation.duree_heures)),
        date_debut=date.fromisoformat(session.date_debut),
        date_fin=date.fromisoformat(session.date_fin),
        agrement_debut=(
            date.fromisoformat(organisme.agrement_debut) if organisme.agrement_debut else None
        ),
        agrement_fin=(
            date.fromisoformat(organisme.agrement_fin) if organisme.agrement_fin else None
        ),
    )


def _offer_of(dossier: Dossier) -> Offer:
    """What the rules read of a file at validation (its price and dates are the file's)."""
    return Offer(
        catalogue=dossier.catalogue,
        price_centimes=int(dossier.montant_centimes),
        hours=Decimal(1),
        date_debut=date.fromisoformat(dossier.date_debut),
        date_fin=date.fromisoformat(dossier.date_fin),
        agrement_debut=None,
        agrement_fin=None,
    )


def attestation_facts(
    account: Account, dossier: Dossier, formation: Formation | None
) -> AttestationFacts | None:
    """What the attestation of a file says; None before the service done is validated."""
    exit_ = dossier.sortie
    validated = dossier.statut in (rules.SERVICE_VALIDATED, rules.PAID)
    if not validated or exit_ is None or dossier.valide_le is None:
        return None
    rate = int(exit_.taux_centiemes) / 100
    if exit_.heures_centiemes is not None:
        hours = int(exit_.heures_centiemes) / 100
    else:  # the whole training, or its share
        hours = int(dossier.duree_centiemes or 0) / 100 * rate / 100
    organisme = formation.organisme if formation is not None else None
    approval = None
    if organisme is not None and organisme.agrement_numero:
        approval = Approval(
            organisme.agrement_numero,
            date.fromisoformat(organisme.agrement_debut) if organisme.agrement_debut else None,
            date.fromisoformat(organisme.agrement_fin) if organisme.agrement_fin else None,
        )
    return AttestationFacts(
        dossier_id=dossier.id,
        prenoms=account.prenoms,
        nom=account.nom,
        formation=dossier.titre,
        organisme=dossier.organisme_nom,
        siret=dossier.organisme,
        agrement=approval,
        date_debut=date.fromisoformat(dossier.date_debut),
        date_fin=date.fromisoformat(dossier.date_fin),
        date_sortie=date.fromisoformat(exit_.date_sortie),
        heures_realisees=hours,
        taux_realisation=rate,
        montant_dif_centimes=int(dossier.montant_du_centimes or 0),
        validee_le=dossier.valide_le,
    )
