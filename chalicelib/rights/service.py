"""An account's rights: DIF élus from the ledger, CPF in euros or hours beside it; the yearly
credits and the end of rights.

A rights read costs at most three DynamoDB requests: the session, the account, and, when a
yearly credit is due, one transaction that writes it. What is due is computed from the account
alone (its oldest current mandate's start and credit anchor, years credited, balance). The
daily job (`daily.py`) hands the élus whose day has come to `review`, which reads their
mandates again: credits, the end of rights, the next day to look at them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from ..clock import PARIS
from ..cursors import Cursors
from ..models import Account
from ..money import euros
from ..observability import Metric, count, logger
from . import schemas
from .ledger import basis_of, due_for
from .rules import Credit, next_credit, rule_on
from .standing import MandateSpan, Standing, account_usable_for, lapse_label, standing_of
from .store import ConcurrentCredit, RightsStore, credit_operations, lapse_operations, state_actions

PAGE_SIZE = 20
WITHHELD = (
    "Un compte supprimé correspond à ce numéro de sécurité sociale : vos droits seront "
    "rattachés après FranceConnect+, quand votre identité certifiée sera celle de ce compte."
)
HISTORY = "historique"
ATTEMPTS = 3  # a concurrent credit, debit or refund makes a transaction fail: read, try again


class RightsService:
    def __init__(self, store: RightsStore, cursors: Cursors, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._cursors = cursors
        self._now = clock

    def _today(self) -> date:
        return self._now().astimezone(PARIS).date()

    # --- the yearly credits -----------------------------------------------------------------
    def bring_up_to_date(self, account: Account) -> int:
        """Credit the mandate years begun and not credited yet: all of them at once when an élu
        is recognised (catch-up), then one a year. Idempotent per account and year: each year
        has a marker item written on condition it does not exist, in the same transaction as
        the entry and the balance. Answers the number of years credited."""
        for _ in range(ATTEMPTS):
            basis = basis_of(account) if account.elu else None
            due = due_for(account, basis, self._today())
            if not due:
                return 0
            upcoming = next_credit(basis, self._today()) if basis else None
            also = (Account.dif_prochain.set(upcoming.isoformat()),) if upcoming else ()
            try:
                self._store.credit(account, due, self._now(), also)
            except ConcurrentCredit:
                logger.info("Yearly credit made concurrently: reading again")
                self._store.refresh(account)
                continue
            self._credited(account, due)
            if upcoming:
                account.dif_prochain = upcoming.isoformat()
            return len(due)
        return 0

    def missing_credits(self, account: Account) -> list[Credit]:
        """The credits due to this account today and not made (none, once up to date)."""
        basis = basis_of(account) if account.elu else None
        return due_for(account, basis, self._today())

    def repair_first_credits(self, apply: bool) -> dict:
        """The credits that accounts recognised under the former rule (first credit after a
        full year) never received: listed (dry run), or made (`apply`), each dated the day it
        was due, capped by the ceiling of its day given the balance found. Idempotent: a year
        credited is never credited again (its marker)."""
        report = {"comptes_examines": 0, "comptes_a_crediter": 0, "credits": 0, "centimes": 0}
        years: dict[int, int] = {}
        for account in self._store.recognised_accounts():
            report["comptes_examines"] += 1
            due = self.missing_credits(account)
            if not due:
                continue
            report["comptes_a_crediter"] += 1
            report["credits"] += len(due)
            report["centimes"] += sum(c.montant_centimes for c in due)
            for credit in due:
                years[credit.year] = years.get(credit.year, 0) + 1
            if apply:
                self.bring_up_to_date(account)
        return {**report, "par_annee": dict(sorted(years.items()))}

    @staticmethod
    def _credited(account: Account, due: list[Credit]) -> None:
        """What the transaction did, without reading the account again."""
        account.dif_solde_centimes = int(account.dif_solde_centimes or 0) + sum(
            c.montant_centimes for c in due
        )
        account.dif_annees = {int(y) for y in account.dif_annees or ()} | {c.year for c in due}
        count(Metric.DIF_CREDITED, len(due))

    def review(
        self, nir_hashes: list[str], spans_of: Callable[[list[Account]], dict[str, list]]
    ) -> dict[str, int]:
        """The élus whose day has come, or whose mandates changed: each one's standing read
        again from its mandates; the credits due, the end of its rights, the next day to look
        at it; one transaction each. Running it twice changes nothing more."""
        done = {"comptes": 0, "annees_creditees": 0, "droits_echus": 0}
        accounts = self._store.accounts(nir_hashes)
        spans = spans_of(accounts)
        for account in accounts:
            credited, lapsed = self._review_one(account, spans.get(account.nir_hash, []))
            done["comptes"] += 1
            done["annees_creditees"] += credited
            done["droits_echus"] += lapsed
        return done

    def _review_one(self, account: Account, spans: list[MandateSpan]) -> tuple[int, int]:
        """(years credited, 1 if the rights lapsed). Credits for days in office come first; a
        lapse, in a second transaction, once they are made."""
        credited = lapsed = 0
        for _ in range(ATTEMPTS + 2):
            today = self._today()
            standing = standing_of(spans if account.rne_mandats else [], today)
            due = due_for(account, standing.basis, today)
            balance = int(account.dif_solde_centimes or 0)
            lapse = balance if standing.lapsed and balance > 0 and not due else 0
            changed = {
                name: value
                for name, value in _state(standing).items()
                if getattr(account, name) != value
            }
            if not (due or lapse or changed):
                return credited, lapsed
            also = state_actions(changed)
            try:
                if due or not lapse:
                    self._store.apply(credit_operations(account, due, self._now(), also))
                else:
                    label = lapse_label()
                    self._store.apply(lapse_operations(account, lapse, label, self._now(), also))
            except ConcurrentCredit:
                self._store.refresh(account)
                continue
            if due:
                self._credited(account, due)
                credited += len(due)
            elif lapse:
                account.dif_solde_centimes = 0
                count(Metric.DIF_RIGHTS_LAPSED)
                lapsed = 1
            for name, value in changed.items():
                setattr(account, name, value)
        logger.warning("Rights review gave up after concurrent changes")
        raise ConcurrentCredit()

    # --- what the person sees ---------------------------------------------------------------
    def summary(self, account: Account) -> schemas.Rights:
        today = self._today()
        elu = None
        if account.elu or account.dif_fin:  # in office, or once was: what is left, until when
            if account.elu:
                self.bring_up_to_date(account)
            rule = rule_on(today)
            basis = basis_of(account)
            upcoming = next_credit(basis, today) if basis and account.elu else None
            usable_for, until = account_usable_for(account, today)
            elu = schemas.DifElus(
                montant_disponible=euros(int(account.dif_solde_centimes or 0)),
                plafond=euros(rule.plafond_centimes) if rule else None,
                prochain_credit=upcoming.isoformat() if upcoming else None,
                en_mandat=bool(account.elu),
                utilisable_pour=list(usable_for),
                utilisable_jusqu_au=until.isoformat() if until else None,
            )
        held_back = {"rattachement": WITHHELD} if account.dif_retenu_depuis is not None else {}
        return schemas.Rights(
            elu=elu,
            **held_back,
            cpf_euros=(
                schemas.CpfEuros(montant_disponible=euros(int(account.cpf_euros_centimes)))
                if account.cpf_euros_centimes is not None
                else None
            ),
            cpf_heures=(
                schemas.CpfHeures(heures_disponibles=int(account.cpf_heures))
                if account.cpf_heures is not None
                else None
            ),
        )

    def history(self, account: Account, cursor: str | None) -> schemas.RightsHistory:
        """One page of the ledger, newest first. The cursor is signed for this account: it
        carries a position in the ledger, never the account's key."""
        position = self._cursors.decode(HISTORY, account.nir_hash, cursor, ("sk",))
        entries, last = self._store.history(
            account.nir_hash,
            position["sk"] if position else None,
            PAGE_SIZE,
            since=account.dif_retenu_depuis,
        )
        operations = [
            schemas.Operation(
                date=e.date,
                libelle=e.libelle,
                montant=euros(abs(int(e.montant_centimes))),
                sens="credit" if e.montant_centimes >= 0 else "debit",
                source=e.source,
            )
            for e in entries
        ]
        return schemas.RightsHistory(
            operations=operations,
            cursor=self._cursors.encode(HISTORY, account.nir_hash, {"sk": last}) if last else None,
        )


def _state(standing: Standing) -> dict[str, object]:
    """What the account keeps of its standing (read by requests without reading mandates)."""
    basis, upcoming = standing.basis, standing.next_event
    return {
        "elu": standing.in_office,
        "dif_debut": basis.start.isoformat() if basis else None,
        "dif_ancre": basis.anchor.isoformat() if basis else None,
        "dif_fin": basis.end.isoformat() if basis and basis.end else None,
        "dif_prochain": upcoming.isoformat() if upcoming else None,
    }
