"""Loading a catalogue file (CSV or JSON) of formations, with the rules checked row by row and
every refused row reported with its reason. Pure parsing and validation; `store` writes.

CSV: UTF-8, `;`-separated, one header line with these columns (JSON: a list of objects with the
same keys): id, catalogue, titre, objectifs, duree_heures, prix_euros (hors taxes), modalite,
commune, departement, sessions, organisme_nom, organisme_siret,
agrement_numero, agrement_debut, agrement_fin.

Rules (`rules`, shared with the organismes' API): `catalogue` is mandat, reconversion or
activite-professionnelle; the SIRET is valid (python-stdnum); a `mandat` formation has a
ministry approval, valid today for a file of the day, and costs at most 80 € HT per hour.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from ..fields import Choice, Invalid, IsoDate, Pattern, Text
from . import rules
from .rules import (
    CATALOGUES,
    DEFAULT_CAPACITY,
    ELUS_ONLY,
    MAX_CAPACITY,
    MODALITES,
    Approval,
    Refused,
)

__all__ = ["CATALOGUES", "ELUS_ONLY", "MODALITES", "import_catalogue", "read_sessions", "validate"]
COLUMNS = (
    "id",
    "catalogue",
    "titre",
    "objectifs",
    "duree_heures",
    "prix_euros",
    "modalite",
    "commune",
    "departement",
    "sessions",
    "organisme_nom",
    "organisme_siret",
    "agrement_numero",
    "agrement_debut",
    "agrement_fin",
)


class InvalidFormation(ValueError):
    """A French reason, for the import report."""


@dataclass
class ImportReport:
    lues: int = 0
    importees: int = 0
    rejets: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "lignes_lues": self.lues,
            "importees": self.importees,
            "rejetees": len(self.rejets),
            "rejets": self.rejets,
        }


def read_records(data: bytes, name: str) -> list[tuple[int, dict]]:
    """(line or position, record) from a CSV or JSON catalogue file."""
    text = data.decode("utf-8-sig")
    if name.lower().endswith(".json") or text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except ValueError as error:
            raise InvalidFormation(f"JSON illisible : {error}.") from None
        if not isinstance(items, list):
            raise InvalidFormation("Le fichier JSON doit contenir une liste de formations.")
        return [
            (index, item if isinstance(item, dict) else {})
            for index, item in enumerate(items, start=1)
        ]
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    missing = [c for c in ("id", "catalogue", "titre") if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidFormation("Colonnes obligatoires absentes : " + ", ".join(missing) + ".")
    return [(reader.line_num, row) for row in reader]


# Each column's rules, from the shared form toolkit (control characters refused everywhere).
FIELDS: dict[str, Text | Choice] = {
    "id": Text("Identifiant", max_length=64),
    "catalogue": Choice("Catalogue", CATALOGUES),
    "titre": Text("Titre", max_length=300),
    "objectifs": Text("Objectifs", max_length=4000),
    "modalite": Choice(
        "Modalité", MODALITES, message="Modalité inconnue (attendu : " + ", ".join(MODALITES) + ")."
    ),
    "commune": Text("Commune", required=False, max_length=80),
    "departement": Pattern(
        "Département",
        required=False,
        max_length=3,
        pattern=r"\d{1,3}|2[AB]",
        message="Département : un code comme 35, 2A ou 974.",
    ),
    "organisme_nom": Text("Nom de l'organisme", max_length=200),
    "organisme_siret": Text("SIRET de l'organisme", max_length=20),
    "agrement_numero": Text("Numéro d'agrément", required=False, max_length=50),
    "agrement_debut": IsoDate("Début de l'agrément", required=False),
    "agrement_fin": IsoDate("Fin de l'agrément", required=False),
}
_SESSION_DATE = IsoDate("Date de session")


def read_sessions(value, modalite: str, commune: str | None) -> list[dict]:
    """The sessions of a formation, by start date. CSV: `debut[/fin][/places]` separated by
    `|` (ISO dates; one day when `fin` is absent; 12 places when `places` is). JSON: a list of
    objects {id?, date_debut, date_fin?, places?}. An id is derived from the start date when
    none is given, so that a new catalogue file keeps the places already taken."""
    if isinstance(value, list):
        raw = [item if isinstance(item, dict) else {"date_debut": item} for item in value]
    else:
        raw = []
        for part in str(value or "").replace(",", "|").split("|"):
            if part.strip():
                fields = [f.strip() for f in part.split("/")]
                raw.append(dict(zip(("date_debut", "date_fin", "places"), fields, strict=False)))
    sessions, seen = [], set()
    for item in raw:
        try:
            debut = _SESSION_DATE.clean(str(item.get("date_debut") or "").strip())
            fin = _SESSION_DATE.clean(str(item.get("date_fin") or debut).strip())
        except Invalid as error:
            raise InvalidFormation(str(error)) from None
        _apply(rules.check_session_dates, date.fromisoformat(debut), date.fromisoformat(fin))
        places = str(item.get("places") or item.get("capacite") or DEFAULT_CAPACITY)
        if not places.isdigit() or not 1 <= int(places) <= MAX_CAPACITY:
            raise InvalidFormation(
                f"Session du {debut} : nombre de places invalide (1 à {MAX_CAPACITY})."
            )
        session_id = str(item.get("id") or "S" + debut.replace("-", ""))
        if not session_id.replace("-", "").isalnum() or len(session_id) > 40:
            raise InvalidFormation(f"Session du {debut} : identifiant invalide.")
        while session_id in seen:
            session_id += "B"
        seen.add(session_id)
        sessions.append(
            {
                "id": session_id,
                "date_debut": debut,
                "date_fin": fin,
                "capacite": int(places),
                "modalite": modalite,
                "lieu": rules.session_place(modalite, commune),
            }
        )
    return sorted(sessions, key=lambda s: (s["date_debut"], s["id"]))


def _clean(record: dict, name: str):
    value = record.get(name)
    if value is not None and not isinstance(value, str):
        value = str(value)
    if name == "catalogue" and value and value.strip() not in CATALOGUES:
        raise InvalidFormation(
            f"Catalogue inconnu « {value.strip()[:40]} » (attendu : " + ", ".join(CATALOGUES) + ")."
        )
    try:
        return FIELDS[name].clean(value.strip() if isinstance(value, str) else value)
    except Invalid as error:
        raise InvalidFormation(str(error)) from None


def _decimal(record: dict, name: str) -> Decimal:
    try:
        value = Decimal(str(record.get(name, "")).replace(",", "."))
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise InvalidFormation("Durée ou prix illisible (nombres attendus).") from None
    return value


def _apply(rule, *args) -> None:
    """A shared rule, its refusal as a reason of the report."""
    try:
        rule(*args)
    except Refused as refused:
        raise InvalidFormation(refused.message) from None


def validate(record: dict, today: date) -> dict:
    """The formation as stored, or InvalidFormation with the reason."""
    catalogue = _clean(record, "catalogue")
    hours, price = _decimal(record, "duree_heures"), _decimal(record, "prix_euros")
    if hours <= 0 or price < 0:
        raise InvalidFormation("La durée doit être positive et le prix ne peut être négatif.")
    modalite = _clean(record, "modalite")
    from stdnum import exceptions as stdnum_errors  # on first use, not at every cold start
    from stdnum.fr import siret

    try:
        number = siret.validate(_clean(record, "organisme_siret"))
    except stdnum_errors.ValidationError:
        raise InvalidFormation("SIRET de l'organisme invalide.") from None
    agrement = {k: _clean(record, f"agrement_{k}") for k in ("numero", "debut", "fin")}
    approval = Approval(
        agrement["numero"],
        date.fromisoformat(agrement["debut"]) if agrement["debut"] else None,
        date.fromisoformat(agrement["fin"]) if agrement["fin"] else None,
    )
    _apply(rules.check_approval_given, catalogue, approval)
    # a file of the day: the approval is valid today (a session beyond it is refused when an
    # élu asks for a place; the organismes' API checks each session's last day)
    if catalogue == rules.MANDATE and not (approval.debut or today) <= today <= (
        approval.fin or today
    ):
        raise InvalidFormation(
            f"Agrément {approval.numero} non valide aujourd'hui "
            f"(du {agrement['debut']} au {agrement['fin']})."
        )
    _apply(rules.check_price, catalogue, hours, rules.centimes(price), today)
    sessions = read_sessions(record.get("sessions"), modalite, _clean(record, "commune"))
    departement = _clean(record, "departement")
    _apply(rules.check_place, modalite, _clean(record, "commune"), departement)
    return {
        "id": _clean(record, "id"),
        "catalogue": catalogue,
        "titre": _clean(record, "titre"),
        "objectifs": _clean(record, "objectifs"),
        "duree_heures": int(hours) if hours == hours.to_integral_value() else float(hours),
        "prix_centimes": rules.centimes(price),
        "modalite": modalite,
        "commune": _clean(record, "commune"),
        "departement": departement.zfill(2) if departement else None,
        "sessions": sessions,
        "organisme": {
            "nom": _clean(record, "organisme_nom"),
            "siret": number,
            "agrement_numero": agrement["numero"],
            "agrement_debut": agrement["debut"],
            "agrement_fin": agrement["fin"],
        },
    }


def import_catalogue(data: bytes, name: str, today: date, save) -> ImportReport:
    """Validate every record; `save(list of formations)` what passes; report the rest."""
    report = ImportReport()
    try:
        records = read_records(data, name)
    except InvalidFormation as error:
        report.rejets.append({"ligne": 0, "motif": str(error)})
        return report
    valid = []
    seen: dict[str, int] = {}  # identifier -> its line
    for line, record in records:
        report.lues += 1
        try:
            formation = validate(record, today)
            if formation["id"] in seen:
                raise InvalidFormation(f"Identifiant déjà utilisé ligne {seen[formation['id']]}.")
        except InvalidFormation as reason:
            report.rejets.append({"ligne": line, "motif": str(reason)})
            continue
        seen[formation["id"]] = line
        valid.append(formation)
    save(valid)
    report.importees = len(valid)
    return report
