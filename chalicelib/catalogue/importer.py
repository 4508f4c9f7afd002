"""Loading a catalogue file (CSV or JSON) of formations, with the rules checked row by row and
every refused row reported with its reason. Pure parsing and validation; `store` writes.

CSV: UTF-8, `;`-separated, one header line with these columns (JSON: a list of objects with the
same keys): id, catalogue, titre, objectifs, duree_heures, prix_euros (hors taxes), modalite,
commune, departement, sessions (ISO dates separated by `|`), organisme_nom, organisme_siret,
agrement_numero, agrement_debut, agrement_fin.

Rules: `catalogue` is mandat, reconversion or activite-professionnelle; the SIRET is valid
(python-stdnum); a `mandat` formation has a ministry approval valid today and costs at most
80 € HT per hour.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from stdnum import exceptions as stdnum_errors
from stdnum.fr import siret

CATALOGUES = ("mandat", "reconversion", "activite-professionnelle")
ELUS_ONLY = ("mandat", "reconversion")  # for recognised élus only
MODALITES = ("presentiel", "a_distance", "mixte")
MAX_MANDATE_PRICE_PER_HOUR = Decimal("80")
COLUMNS = ("id", "catalogue", "titre", "objectifs", "duree_heures", "prix_euros", "modalite",
           "commune", "departement", "sessions", "organisme_nom", "organisme_siret",
           "agrement_numero", "agrement_debut", "agrement_fin")


class InvalidFormation(ValueError):
    """A French reason, for the import report."""


@dataclass
class ImportReport:
    lues: int = 0
    importees: int = 0
    rejets: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"lignes_lues": self.lues, "importees": self.importees,
                "rejetees": len(self.rejets), "rejets": self.rejets}


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
        return [(index, item if isinstance(item, dict) else {}) for index, item in
                enumerate(items, start=1)]
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    missing = [c for c in ("id", "catalogue", "titre") if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidFormation("Colonnes obligatoires absentes : " + ", ".join(missing) + ".")
    return [(reader.line_num, row) for row in reader]


def _text(record: dict, name: str, label: str, required: bool = True) -> str | None:
    value = record.get(name)
    value = "" if value is None else str(value).strip()
    if not value and required:
        raise InvalidFormation(f"{label} manquant.")
    return value or None


def _date(value: str | None, label: str) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise InvalidFormation(f"{label} invalide (AAAA-MM-JJ attendu).") from None


def validate(record: dict, today: date) -> dict:
    """The formation as stored, or InvalidFormation with the reason."""
    catalogue = _text(record, "catalogue", "Catalogue")
    if catalogue not in CATALOGUES:
        raise InvalidFormation(f"Catalogue inconnu « {catalogue} » (attendu : "
                               + ", ".join(CATALOGUES) + ").")
    try:
        hours = Decimal(str(record.get("duree_heures", "")).replace(",", "."))
        price = Decimal(str(record.get("prix_euros", "")).replace(",", "."))
    except InvalidOperation:
        raise InvalidFormation("Durée ou prix illisible (nombres attendus).") from None
    if hours <= 0 or price < 0:
        raise InvalidFormation("La durée doit être positive et le prix ne peut être négatif.")
    modalite = _text(record, "modalite", "Modalité")
    if modalite not in MODALITES:
        raise InvalidFormation("Modalité inconnue (attendu : " + ", ".join(MODALITES) + ").")
    number = _text(record, "organisme_siret", "SIRET de l'organisme")
    try:
        number = siret.validate(number)
    except stdnum_errors.ValidationError:
        raise InvalidFormation("SIRET de l'organisme invalide.") from None
    agrement = {k: _text(record, f"agrement_{k}", k, required=False)
                for k in ("numero", "debut", "fin")}
    if catalogue == "mandat":
        if not agrement["numero"]:
            raise InvalidFormation("Formation liée au mandat sans numéro d'agrément du "
                                   "ministère.")
        debut = _date(agrement["debut"], "Début de l'agrément")
        fin = _date(agrement["fin"], "Fin de l'agrément")
        if not debut <= today <= fin:
            raise InvalidFormation(f"Agrément {agrement['numero']} non valide aujourd'hui "
                                   f"(du {debut.isoformat()} au {fin.isoformat()}).")
        if price / hours > MAX_MANDATE_PRICE_PER_HOUR:
            raise InvalidFormation(f"Prix de {price / hours:.2f} € HT par heure : une formation "
                                   "liée au mandat coûte au plus 80 € HT par heure.")
    sessions = [s for s in str(record.get("sessions") or "").replace(",", "|").split("|")
                if s.strip()]
    for session in sessions:
        _date(session.strip(), "Date de session")
    departement = _text(record, "departement", "Département", required=False)
    if modalite != "a_distance" and not departement:
        raise InvalidFormation("Département manquant pour une formation en présentiel ou mixte.")
    return {
        "id": _text(record, "id", "Identifiant"),
        "catalogue": catalogue,
        "titre": _text(record, "titre", "Titre"),
        "objectifs": _text(record, "objectifs", "Objectifs"),
        "duree_heures": int(hours) if hours == hours.to_integral_value() else float(hours),
        "prix_centimes": int((price * 100).to_integral_value()),
        "modalite": modalite,
        "commune": _text(record, "commune", "Commune", required=False),
        "departement": departement.upper().zfill(2) if departement else None,
        "sessions": sorted(s.strip() for s in sessions),
        "organisme": {"nom": _text(record, "organisme_nom", "Nom de l'organisme"),
                      "siret": number, "agrement_numero": agrement["numero"],
                      "agrement_debut": agrement["debut"], "agrement_fin": agrement["fin"]},
    }


def import_catalogue(data: bytes, name: str, today: date, save) -> ImportReport:
    """Validate every record; `save(list of formations)` what passes; report the rest."""
    report = ImportReport()
    try:
        records = read_records(data, name)
    except InvalidFormation as error:
        report.rejets.append({"ligne": 0, "motif": str(error)})
        return report
    valid, seen = [], {}
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
