"""The end of a file, where the money moves: the organisme declares the exit with the completion
rate, then the service done with its invoice; the funder validates it (at once when the
declaration is consistent, else an operator), and the unrealised part goes back to the élu's
rights in the transaction that validates. The rules are in completion.py."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from ..clock import PARIS
from ..models import Dossier
from ..models.enrolment import Exit, Invoice, ServiceCheck
from ..observability import Metric, count_euros
from ..rights import rules as rights_rules
from ..rights.store import unrealised_refund_operations
from . import completion, rules, views
from .errors import DossierNotFound, ExitBeforeSession, InvoiceOverDue, TransitionRefused
from .holder import is_dossier_id
from .schemas import Dossier as DossierView
from .schemas import ExitDeclaration, ServiceDeclaration
from .store import BalanceMoved, Change, DossierStore, StatusChanged
from .transitions import Transitions

HELD, TO_PAY = "attente", "a_payer"  # the file's `paiement`, while at the funder's
ATTEMPTS = 5  # a refund reckoned again when the balance moved in between
LEGACY_REASON = "aucune facture déposée (service fait déclaré avant la facturation)"


class NotHeld(Exception):
    """No file waits for an operator under this reference."""


class EndOfTraining:
    def __init__(
        self,
        store: DossierStore,
        transitions: Transitions,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._transitions = transitions
        self._now = clock

    def _own(self, siret: str, identifier: str) -> Dossier:
        dossier = self._store.get(identifier) if is_dossier_id(identifier) else None
        if dossier is None or dossier.organisme != siret:
            raise DossierNotFound()
        return dossier

    # --- the organisme ----------------------------------------------------------------------
    def declare_exit(self, siret: str, identifier: str, body: ExitDeclaration) -> DossierView:
        dossier = self._own(siret, identifier)
        if not rules.allowed(dossier.statut, rules.EXIT_DECLARED, rules.ORGANISME):
            raise TransitionRefused(dossier.statut, rules.EXIT_DECLARED)
        exit_day = date.fromisoformat(body.date_sortie)
        first_day = date.fromisoformat(dossier.date_debut)
        if exit_day < first_day:
            raise ExitBeforeSession(first_day)
        now = self._now()
        rate = body.taux_realisation
        hours = body.heures_realisees
        exit_ = Exit(
            date_sortie=exit_day.isoformat(),
            taux_centiemes=int(rate * 100),
            motif_partiel=body.motif_partiel,
            heures_centiemes=int(hours * 100) if hours is not None else None,
            declaree_le=now,
            tardive=completion.declared_late(exit_day, now.astimezone(PARIS).date()),
        )
        due = completion.amount_due(int(dossier.montant_centimes), rate)
        self._transitions.move(
            dossier,
            rules.EXIT_DECLARED,
            rules.ORGANISME,
            fields={"sortie": exit_, "montant_du_centimes": due, "controle": None},
        )
        return views.for_organisme(dossier)

    def declare_service(self, siret: str, identifier: str, body: ServiceDeclaration) -> DossierView:
        dossier = self._own(siret, identifier)
        if not rules.allowed(dossier.statut, rules.SERVICE_DECLARED, rules.ORGANISME):
            raise TransitionRefused(dossier.statut, rules.SERVICE_DECLARED)
        due = int(dossier.montant_du_centimes or 0)
        typed = body.facture
        if typed.montant_ttc > due:
            raise InvoiceOverDue(due, typed.montant_ttc)
        now = self._now()
        invoice = Invoice(
            numero=typed.numero,
            date=typed.date,
            montant_ht_centimes=typed.montant_ht,
            montant_ttc_centimes=typed.montant_ttc,
            deposee_le=now,
        )
        reasons = completion.hold_reasons(_declaration(dossier, invoice))
        if reasons:
            self._transitions.move(
                dossier,
                rules.SERVICE_DECLARED,
                rules.ORGANISME,
                fields={"facture": invoice, **_held(dossier, reasons, now)},
            )
        else:
            self._validate(
                dossier,
                rules.SYSTEM,
                rules.SYSTEM,
                {"facture": invoice},
                steps=((rules.SERVICE_DECLARED, rules.ORGANISME),),
            )
        return views.for_organisme(dossier)

    # --- the funder -------------------------------------------------------------------------
    def _validate(
        self,
        dossier: Dossier,
        by: str,
        name: str,
        fields: dict,
        steps: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Validate the service done, and credit back the unrealised part within the ceiling
        of the debit's day, in one transaction (the file's status is its condition: once)."""
        price, due = int(dossier.montant_centimes), int(dossier.montant_du_centimes or 0)
        unrealised = price - due if dossier.debite and not dossier.rembourse else 0
        ceiling = _ceiling_at_debit(dossier, self._now())
        balance: int | None = None  # not read unless the ceiling's condition fails
        for _ in range(ATTEMPTS):
            now = self._now()
            give = (
                unrealised
                if balance is None or ceiling is None
                else completion.refund_within_ceiling(unrealised, balance, ceiling)
            )
            money = (
                unrealised_refund_operations(
                    dossier.account,
                    give,
                    ceiling,
                    now.astimezone(PARIS).date(),
                    f"Part non réalisée : {dossier.titre} (dossier {dossier.id})",
                    dossier.id,
                    now,
                )
                if give
                else []
            )
            try:
                self._transitions.move(
                    dossier,
                    rules.SERVICE_VALIDATED,
                    by,
                    steps=steps,
                    money=money,
                    ceiling_write=0 if money else None,
                    fields={
                        **fields,
                        "controle": ServiceCheck(issue="validee", par=name, le=now),
                        "valide_le": now,
                        "rendu_centimes": give,
                        "non_rendu_centimes": unrealised - give,
                        "paiement": TO_PAY,
                        "paiement_tri": f"{dossier.organisme}#{now.isoformat()}",
                    },
                )
            except BalanceMoved:
                balance = self._store.balance(dossier.account)
                continue
            count_euros(Metric.ORGANISMES_DUE_EUROS, due)
            if give:
                count_euros(Metric.DIF_UNREALISED_REFUNDED_EUROS, give)
            return
        raise TransitionRefused(dossier.statut, rules.SERVICE_VALIDATED)  # try again

    # --- operators --------------------------------------------------------------------------
    def waiting(self) -> list[Dossier]:
        return self._store.at_the_funder(HELD)

    def _held_one(self, identifier: str) -> Dossier:
        dossier = self._store.get(identifier) if is_dossier_id(identifier) else None
        if dossier is None or dossier.statut != rules.SERVICE_DECLARED or dossier.paiement != HELD:
            raise NotHeld()
        return dossier

    def validate(self, identifier: str, operator: str) -> Dossier:
        """NotHeld unless the file waits for an operator (TransitionRefused: decided meanwhile)."""
        dossier = self._held_one(identifier)
        self._validate(dossier, rules.OPERATOR, operator, {})
        return dossier

    def reject(self, identifier: str, operator: str, reason: str) -> Dossier:
        """Back to `sortie_declaree` with the reason: the organisme declares again."""
        dossier = self._held_one(identifier)
        self._transitions.move(
            dossier,
            rules.EXIT_DECLARED,
            rules.OPERATOR,
            motif=reason,
            metric=Metric.DOSSIER_SERVICE_REJECTED,
            fields={
                "controle": ServiceCheck(
                    issue="rejetee", par=operator, le=self._now(), raisons=[reason]
                ),
                "paiement": None,
                "paiement_tri": None,
            },
        )
        return dossier

    def migrate_legacy(self) -> int:
        """Files ended as `service_fait` become `service_fait_declare` at 100 %, held for an
        operator (no invoice was asked for then). Silent: nothing new for the élu. Run again,
        it finds nothing left."""
        moved = 0
        for dossier in self._store.legacy_done():
            now = self._now()
            exit_ = Exit(
                date_sortie=dossier.date_fin,
                taux_centiemes=10_000,
                declaree_le=now,
                tardive=False,
            )
            change = Change(
                target=rules.SERVICE_DECLARED,
                by=rules.SYSTEM,
                now=now,
                fields={
                    "sortie": exit_,
                    "montant_du_centimes": int(dossier.montant_centimes),
                    **_held(dossier, [LEGACY_REASON], now),
                },
            )
            with contextlib.suppress(StatusChanged):  # migrated meanwhile by another run
                self._store.apply(dossier, change)
                moved += 1
        return moved


def _held(dossier: Dossier, reasons: list[str], now: datetime) -> dict:
    return {
        "controle": ServiceCheck(issue="attente", le=now, raisons=reasons),
        "paiement": HELD,
        "paiement_tri": f"{dossier.organisme}#{now.isoformat()}",
    }


def _declaration(dossier: Dossier, invoice: Invoice) -> completion.Declaration:
    exit_ = dossier.sortie
    return completion.Declaration(
        session_start=date.fromisoformat(dossier.date_debut),
        session_end=date.fromisoformat(dossier.date_fin),
        exit_day=date.fromisoformat(exit_.date_sortie),
        rate=Decimal(int(exit_.taux_centiemes)) / 100,
        hours=(
            Decimal(int(exit_.heures_centiemes)) / 100
            if exit_.heures_centiemes is not None
            else None
        ),
        duration=(
            Decimal(int(dossier.duree_centiemes)) / 100
            if dossier.duree_centiemes is not None
            else None
        ),
        invoice_day=date.fromisoformat(invoice.date),
        invoiced_centimes=int(invoice.montant_ttc_centimes),
        due_centimes=int(dossier.montant_du_centimes or 0),
    )


def _ceiling_at_debit(dossier: Dossier, now: datetime) -> int | None:
    """The ceiling in force on the day the price was debited (the file's validation)."""
    debited = next((c.date for c in dossier.historique or [] if c.statut == rules.VALIDATED), None)
    day = (debited or now).astimezone(PARIS).date()
    rule = rights_rules.rule_on(day)
    return rule.plafond_centimes if rule else None
