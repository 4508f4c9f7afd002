"""From the cells of one RNE row to a mandate, or the reason it cannot be one. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, overload

from .. import names
from .formats import MANDATE_TYPES, MandateType
from .territories import departement_code, is_departement, local_code

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?)?$"
)
_SEXES = {"M": "M", "F": "F", "H": "M", "MASCULIN": "M", "FEMININ": "F"}


class InvalidRow(ValueError):
    """A French reason, safe to put in the report."""


def parse_date(value: str) -> date:
    value = value.strip()
    match = _DMY.match(value)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        match = _ISO.match(value)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
    except ValueError:
        pass
    raise ValueError(value)


@dataclass(frozen=True)
class MandateRow:
    type: str
    nom: str
    prenom: str
    sexe: str
    date_naissance: date
    date_debut: date
    territoire: str
    collectivite: str
    departement: str | None
    fonction: str | None
    date_debut_fonction: date | None
    autres_noms: tuple[str, ...] = ()  # other forms of the name ("MELLON" for "DE MELLON")

    @property
    def mandate_key(self) -> str:
        return f"{self.type}#{self.territoire}#{self.date_debut.isoformat()}"

    @property
    def scope(self) -> str:
        return f"{self.type}#{self.departement or 'FR'}"


# a required date is there or the row is rejected
@overload
def _date(fields: dict[str, str], name: str, label: str, required: Literal[True]) -> date: ...
@overload
def _date(
    fields: dict[str, str], name: str, label: str, required: Literal[False]
) -> date | None: ...
def _date(fields: dict[str, str], name: str, label: str, required: bool) -> date | None:
    raw = fields.get(name, "")
    if not raw:
        if required:
            raise InvalidRow(f"{label} manquante.")
        return None
    try:
        return parse_date(raw)
    except ValueError:
        # a report names no birth date: the line number leads to it in the file
        shown = "" if name == "date_naissance" else f" : « {raw[:20]} »"
        raise InvalidRow(f"{label} illisible{shown} (attendu JJ/MM/AAAA ou AAAA-MM-JJ).") from None


def _territory(kind: MandateType, fields: dict[str, str], dept: str | None) -> tuple[str, str]:
    if kind.fixed_territory:
        return kind.fixed_territory
    parts = [fields.get(f, "").strip() for f in kind.territory]
    code = next((p for p in parts if p), "")
    if not code:
        raise InvalidRow(f"Territoire du mandat manquant ({kind.territory[0]}).")
    if kind.code == "CA":  # a sector is only unique within its commune
        code = ":".join(p for p in (fields.get("commune_code", ""), names.normalise(code)) if p)
    elif kind.code in ("CD", "DEP") and dept:  # canton and constituency codes repeat per dept
        code = f"{dept}:{local_code(code, dept)}"
    label = (fields.get(kind.label_field, "") if kind.label_field else "") or code
    return code, label.strip()


# A particle the RNE writes after the name, in parentheses: "MELLON (DE)", "ROCHE (DE LA)".
_PARTICLE = re.compile(r"^(?P<nom>.+?)\s*\((?P<particule>[^()]{1,12})\)$")
MIN_AGE_OF_OFFICE = 18
MAX_NAME = 100


def _name_forms(raw: str) -> tuple[str, tuple[str, ...]]:
    """(the name as a person writes it, its other forms): "MELLON (DE)" -> ("DE MELLON",
    ("MELLON",)); a particle ending in an apostrophe is joined ("D'ESTAING")."""
    nom = names.clean_display(raw)
    match = _PARTICLE.match(nom)
    if not match:
        return nom, ()
    base, particle = match["nom"].strip(), match["particule"].strip()
    joined = f"{particle}{base}" if particle.endswith(("'", "’")) else f"{particle} {base}"
    return joined, (base,)


def _given_names(raw: str) -> str:
    """Several given names may come separated by commas: "Laurence, Marie, Yvonne"."""
    return names.clean_display(re.sub(r"\s*,\s*", " ", raw.strip().strip(",")))


def parse_row(
    fields: dict[str, str], type_code: str, today: date, snapshot: date | None = None
) -> MandateRow:
    kind = MANDATE_TYPES[type_code]
    raw_nom, raw_prenom = fields.get("nom", ""), fields.get("prenom", "")
    if len(raw_nom) > MAX_NAME or len(raw_prenom) > MAX_NAME:
        raise InvalidRow(f"Nom ou prénom de plus de {MAX_NAME} caractères.")
    nom, autres_noms = _name_forms(raw_nom)
    prenom = _given_names(raw_prenom)
    if not nom or not names.is_plausible_name(nom):
        raise InvalidRow("Nom de l'élu manquant ou illisible.")
    if not prenom or not names.is_plausible_name(prenom):
        raise InvalidRow("Prénom de l'élu manquant ou illisible.")
    sexe = _SEXES.get(names.normalise(fields.get("sexe", "")))
    if sexe is None:
        raise InvalidRow("Code sexe manquant ou inconnu (attendu M ou F).")
    born = _date(fields, "date_naissance", "Date de naissance", required=True)
    if not date(1900, 1, 1) <= born <= today:
        raise InvalidRow("Date de naissance invraisemblable (avant 1900 ou à venir).")
    start = _date(fields, "date_debut_mandat", "Date de début du mandat", required=True)
    adult = _anniversary(born, MIN_AGE_OF_OFFICE)
    if start < adult:
        raise InvalidRow(f"Mandat commencé le {start.isoformat()}, avant les 18 ans de l'élu(e).")
    if start > (snapshot or today):
        raise InvalidRow(f"Mandat commencé le {start.isoformat()}, après la date du fichier.")
    function_start = _date(
        fields, "date_debut_fonction", "Date de début de la fonction", required=False
    )
    dept = _departement(kind, fields)
    territoire, collectivite = _territory(kind, fields, dept)
    commune = fields.get("commune_code", "").strip().upper()
    if commune and dept and not _in_departement(commune, dept):
        raise InvalidRow(f"La commune {commune} n'est pas dans le département {dept}.")
    return MandateRow(
        type=type_code,
        nom=nom,
        prenom=prenom,
        sexe=sexe,
        date_naissance=born,
        date_debut=start,
        territoire=territoire,
        collectivite=collectivite,
        departement=dept,
        fonction=fields.get("fonction_libelle") or None,
        date_debut_fonction=function_start,
        autres_noms=autres_noms,
    )


def _departement(kind: MandateType, fields: dict[str, str]) -> str | None:
    """The département column; else, for a regional council, its départemental section; else
    a collectivité à statut particulier that is a département or overseas collectivité (975)."""
    if not kind.has_departement:
        return None
    for name in ("departement_code", "section_code", "csp_code"):
        code = departement_code(fields.get(name, ""))
        if code and (name == "departement_code" or is_departement(code)):
            return code
    return None


def _anniversary(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # born a 29 February
        return born.replace(year=born.year + years, day=28)


def _in_departement(commune: str, dept: str) -> bool:
    """An INSEE commune code begins with its département's (three characters overseas)."""
    return commune.startswith(dept) if len(dept) == 3 else commune[:2] == dept


def parse_iso_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
