"""Whether the DIF élus may pay for a session, for this élu, today. Pure: it raises the
domain error that says why not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..catalogue.errors import NotAnElu
from ..rights.standing import usable_until
from .errors import (
    ApprovalNotValid,
    CatalogueNotFinanced,
    InsufficientRights,
    PriceOverHourlyCap,
    RightsEnded,
    TooLate,
)
from .rules import FINANCED_CATALOGUES, latest_validation_day, rules_on


@dataclass(frozen=True)
class Holder:
    """What the rules need to know of the élu."""

    current_mandates: int  # mandates the RNE lists as current
    last_mandate_end: date | None  # when the last one ended, once all have
    balance_centimes: int
    # every mandate matched through the certified identity (read only when spending)
    held_through_certified: bool = False

    @property
    def ever_elu(self) -> bool:
        return self.current_mandates > 0 or self.last_mandate_end is not None


@dataclass(frozen=True)
class Offer:
    """The session asked for, with what the rules read of its formation."""

    catalogue: str
    price_centimes: int
    hours: Decimal
    date_debut: date
    date_fin: date
    agrement_debut: date | None
    agrement_fin: date | None


def check_rights(offer: Offer, holder: Holder, today: date) -> None:
    """The élu may spend DIF rights on this catalogue today."""
    if offer.catalogue not in FINANCED_CATALOGUES:
        raise CatalogueNotFinanced()
    if not holder.ever_elu:
        raise NotAnElu()
    if holder.current_mandates:
        return
    # Every mandate has ended: reconversion only, for the months the DIF rules keep them.
    if (
        offer.catalogue != "reconversion"
        or holder.last_mandate_end is None
        or today > usable_until(holder.last_mandate_end)
    ):
        raise RightsEnded()


def check_offer(offer: Offer, today: date) -> None:
    """The session itself may be paid: in time, approved, within the hourly cap."""
    latest = latest_validation_day(offer.date_debut)
    if today > latest:
        raise TooLate(latest)
    if offer.catalogue == "mandat":
        rules = rules_on(offer.date_fin)
        if (
            offer.agrement_debut is None
            or offer.agrement_fin is None
            or not (offer.agrement_debut <= offer.date_fin <= offer.agrement_fin)
        ):
            raise ApprovalNotValid()
        per_hour = int(Decimal(offer.price_centimes) / offer.hours)
        if per_hour > rules.cout_horaire_max_mandat_centimes:
            raise PriceOverHourlyCap(per_hour, rules.cout_horaire_max_mandat_centimes)


def check_balance(offer: Offer, holder: Holder) -> None:
    if offer.price_centimes > holder.balance_centimes:
        raise InsufficientRights(offer.price_centimes, holder.balance_centimes)


def check_request(offer: Offer, holder: Holder, today: date) -> None:
    check_rights(offer, holder, today)
    check_offer(offer, today)
    check_balance(offer, holder)
