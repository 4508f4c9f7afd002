"""What a formation and its sessions must be to enter a catalogue, written once for the two ways
in: the operators' catalogue file (`importer`, in bulk) and the organismes' own API
(`publication`). Pure: each rule raises `Refused` with the field at fault and a French reason.

The amounts come from the dated enrolment rules (data/dif_elus_inscription.json): the hourly
cap of a mandate formation and the DIF files a session may take are the ones the enrolment
applies when an élu asks for a place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..enrolment_periods import rules_on
from ..money import euros_fr

CATALOGUES = ("mandat", "reconversion", "activite-professionnelle")
ELUS_ONLY = ("mandat", "reconversion")  # for recognised élus only
MODALITES = ("presentiel", "a_distance", "mixte")
DISTANCE = "a_distance"  # no place: the commune and the département are not asked
MANDATE = "mandat"  # the catalogue with a ministry approval and an hourly cap
DEFAULT_CAPACITY = 12
MAX_CAPACITY = 500


class Refused(ValueError):
    """A rule broken: the field at fault (as the API names it) and the French reason."""

    def __init__(self, champ: str, message: str) -> None:
        super().__init__(message)
        self.champ = champ
        self.message = message


@dataclass(frozen=True)
class Approval:
    """The organisme's ministry approval (agrément), for mandate formations."""

    numero: str | None
    debut: date | None
    fin: date | None


def hourly_cap_centimes(on: date) -> int:
    """The most a mandate formation may cost per hour, hors taxes, on that day."""
    return rules_on(on).cout_horaire_max_mandat_centimes


def dif_places_max(on: date) -> int:
    """The most DIF files a session of a mandate formation may take."""
    return rules_on(on).participants_dif_max_par_session


def places_for_dif(catalogue: str, capacite: int, on: date) -> int:
    """How many DIF files a session takes: its seats, and at most 15 for a mandate formation."""
    return min(capacite, dif_places_max(on)) if catalogue == MANDATE else capacite


def centimes(euros: Decimal) -> int:
    """Euros to whole cents, rounded half to even (the decimal context's rounding)."""
    return int((euros * 100).to_integral_value())


def check_price(catalogue: str, hours: Decimal, price_centimes: int, on: date) -> None:
    """Hours positive, a price not negative, and for a mandate formation at most the hourly
    cap (80 € HT)."""
    if hours <= 0:
        raise Refused(
            "duree_heures", "La durée doit être positive et le prix ne peut être négatif."
        )
    if price_centimes < 0:
        raise Refused("prix", "La durée doit être positive et le prix ne peut être négatif.")
    if catalogue != MANDATE:
        return
    cap = hourly_cap_centimes(on)
    per_hour = Decimal(price_centimes) / hours
    if per_hour > cap:
        raise Refused(
            "prix",
            f"Prix de {euros_fr(int(per_hour.to_integral_value()))} HT par heure : une formation "
            f"liée au mandat coûte au plus {euros_fr(cap)} HT par heure.",
        )


def check_approval_given(catalogue: str, approval: Approval) -> None:
    """A mandate formation names its approval and its dates."""
    if catalogue != MANDATE:
        return
    if not approval.numero:
        raise Refused(
            "agrement.numero", "Formation liée au mandat sans numéro d'agrément du ministère."
        )
    if approval.debut is None or approval.fin is None:
        raise Refused(
            "agrement.debut" if approval.debut is None else "agrement.fin",
            "Dates de début et de fin de l'agrément manquantes (AAAA-MM-JJ attendu).",
        )
    if approval.fin < approval.debut:
        raise Refused("agrement.fin", "Fin de l'agrément : elle précède son début.")


def check_approval_on(catalogue: str, approval: Approval, day: date, champ: str) -> None:
    """The approval of a mandate formation is valid that day (a session's last day)."""
    if catalogue != MANDATE:
        return
    check_approval_given(catalogue, approval)  # both dates given, hence the `and`s
    if not (approval.debut and approval.fin and approval.debut <= day <= approval.fin):
        raise Refused(
            champ,
            f"Agrément {approval.numero} non valide le {day:%d/%m/%Y}, dernier jour de la "
            f"session (valide du {approval.debut:%d/%m/%Y} au {approval.fin:%d/%m/%Y}) : "
            "le DIF élus ne pourrait pas la financer.",
        )


def check_place(modalite: str, commune: str | None, departement: str | None) -> None:
    """A formation given in person (or partly) says where: its département, and its commune
    for the API's sessions; at a distance, nothing."""
    if modalite != DISTANCE and not departement:
        raise Refused(
            "lieu.departement", "Département manquant pour une formation en présentiel ou mixte."
        )


def check_session_dates(debut: date, fin: date) -> None:
    if fin < debut:
        raise Refused(
            "date_fin",
            f"Session du {debut.isoformat()} : la date de fin précède la date de début.",
        )


def check_future(debut: date, today: date) -> None:
    """A session published by its organisme starts after today."""
    if debut <= today:
        raise Refused(
            "date_debut", "Date de début : une nouvelle session commence après aujourd'hui."
        )


def check_capacity(catalogue: str, places: int, on: date, *, capped: bool) -> None:
    """1 to 500 seats. `capped` (the API): a mandate session offers at most 15 DIF places,
    the most the DIF élus finances in one session (the catalogue file's larger sessions take
    15 DIF files, see `places_for_dif`)."""
    if not 1 <= places <= MAX_CAPACITY:
        raise Refused("places", f"Nombre de places invalide (1 à {MAX_CAPACITY}).")
    most = dif_places_max(on)
    if capped and catalogue == MANDATE and places > most:
        raise Refused(
            "places",
            f"Places : au plus {most} élus financés par le DIF élus par session d'une "
            "formation liée au mandat.",
        )


def session_place(modalite: str, commune: str | None) -> str | None:
    """Where a session takes place: its commune, or none at a distance."""
    return None if modalite == DISTANCE else commune
