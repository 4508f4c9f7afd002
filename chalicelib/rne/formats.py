"""Every published layout of the RNE files: column labels, mandate types. Pure.

Headers come as human labels ("Nom de l'élu", curly or straight apostrophe, stray spaces,
typos such as "Date de naissancee") or snake_case ("nom_elu"). Both reduce to the same slug:
accents, case, punctuation and small words dropped ("nom", "date naissance"); a slug that is
not known exactly is matched to the closest known one when it is very close (typos).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..names import normalise

_STOPWORDS = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "l",
    "d",
    "a",
    "au",
    "aux",
    "en",
    "elu",
    "elue",
    "n",
    "no",
    "numero",
}

# canonical field -> slugs seen in the published files
FIELD_SLUGS: dict[str, tuple[str, ...]] = {
    "departement_code": ("code departement",),
    "departement_libelle": ("libelle departement",),
    "csp_code": ("code collectivite statut particulier",),
    "csp_libelle": ("libelle collectivite statut particulier",),
    "commune_code": ("code commune", "code insee commune"),
    "commune_libelle": ("libelle commune",),
    "epci_code": ("siren", "siren epci", "code epci"),
    "epci_libelle": ("libelle epci",),
    "canton_code": ("code canton",),
    "canton_libelle": ("libelle canton",),
    "region_code": ("code region",),
    "region_libelle": ("libelle region",),
    "section_code": ("code section departementale",),
    "section_libelle": ("libelle section departementale",),
    # the sections and metropolitan constituencies of a collectivité à statut particulier
    "csp_section_code": ("code section collectivite statut particulier",),
    "csp_section_libelle": ("libelle section collectivite statut particulier",),
    "circ_metropolitaine_code": ("code circonscription metropolitaine",),
    "circ_metropolitaine_libelle": ("libelle circonscription metropolitaine",),
    "secteur_code": ("code secteur",),
    "secteur_libelle": ("libelle secteur",),
    "circ_legislative_code": ("code circonscription legislative", "code cir legislative"),
    "circ_legislative_libelle": (
        "libelle circonscription legislative",
        "libelle cir legislative",
    ),
    # the European constituencies of before 2019 ("Code CirER")
    "circ_europeenne_code": ("code cirer",),
    "circ_europeenne_libelle": ("libelle cirer",),
    "circ_consulaire_code": ("code circonscription consulaire",),
    "circ_consulaire_libelle": ("libelle circonscription consulaire",),
    "circ_afe_code": ("code circonscription afe", "code circonscription electorale afe"),
    "circ_afe_libelle": ("libelle circonscription afe", "libelle circonscription electorale afe"),
    "nom": ("nom",),
    "prenom": ("prenom",),
    "sexe": ("code sexe", "sexe"),
    "date_naissance": ("date naissance",),
    "profession_code": ("code categorie socio professionnelle", "code profession"),
    "profession_libelle": ("libelle categorie socio professionnelle", "libelle profession"),
    "date_debut_mandat": ("date debut mandat",),
    "fonction_libelle": ("libelle fonction",),
    "date_debut_fonction": ("date debut fonction",),
    "lieu_naissance": ("lieu naissance",),
    "nationalite_code": ("code nationalite",),
    "nuance_code": ("code nuance mandat", "code nuance"),
    "nuance_libelle": ("libelle nuance mandat", "libelle nuance"),
}
_FIELD_OF_SLUG = {slug: field for field, slugs in FIELD_SLUGS.items() for slug in slugs}
REQUIRED_FIELDS = ("nom", "prenom", "sexe", "date_naissance", "date_debut_mandat")


def slug(label: str) -> str:
    # "N°" is a number sign, not letters: drop it before transliteration ("Ndeg").
    words = re.split(r"[^a-z0-9]+", normalise(label.replace("°", " ")).lower().replace("_", " "))
    return " ".join(w for w in words if w and w not in _STOPWORDS)


def field_of(label: str) -> str | None:
    """The canonical field a column label stands for, or None (an extra column, kept aside)."""
    key = slug(label)
    if not key:
        return None
    if key in _FIELD_OF_SLUG:
        return _FIELD_OF_SLUG[key]
    import difflib  # for the RNE's headers only: not at every cold start

    close = difflib.get_close_matches(key, _FIELD_OF_SLUG, n=1, cutoff=0.9)
    return _FIELD_OF_SLUG[close[0]] if close else None


def map_header(labels: list[str]) -> dict[int, str]:
    """Column index -> canonical field, first occurrence wins."""
    mapping: dict[int, str] = {}
    for index, label in enumerate(labels):
        field = field_of(label)
        if field and field not in mapping.values():
            mapping[index] = field
    return mapping


def missing_required(mapping: dict[int, str]) -> list[str]:
    present = set(mapping.values())
    return [f for f in REQUIRED_FIELDS if f not in present]


@dataclass(frozen=True)
class MandateType:
    code: str
    libelle: str
    territory: tuple[str, ...]  # fields giving the territory, most specific first
    label_field: str | None  # the field naming the collectivité
    has_departement: bool = True
    # one collectivité for the whole file: (code, name) instead of a territory column
    fixed_territory: tuple[str, str] | None = None
    # the prefectures that may send it, for a type without départements (none: national)
    prefectures: tuple[str, ...] = ()

    @property
    def national(self) -> bool:
        """Sent by the ministry only (European Parliament, French people abroad)."""
        return not self.has_departement and not self.prefectures

    def may_come_from(self, departement: str) -> bool:
        return self.has_departement or departement in self.prefectures


MANDATE_TYPES = {
    t.code: t
    for t in (
        MandateType(
            "CM",
            "Conseiller municipal",
            ("commune_code",),
            "commune_libelle",
        ),
        MandateType("MAIRE", "Maire", ("commune_code",), "commune_libelle"),
        MandateType(
            "EPCI",
            "Conseiller communautaire",
            ("epci_code",),
            "epci_libelle",
        ),
        MandateType(
            "CD",
            "Conseiller départemental",
            ("canton_code",),
            "canton_libelle",
        ),
        MandateType("CR", "Conseiller régional", ("region_code",), "region_libelle"),
        MandateType(
            "CA",
            "Conseiller d'arrondissement",
            ("secteur_code", "secteur_libelle", "commune_code"),
            "secteur_libelle",
        ),
        MandateType(
            "CSP",
            "Membre de l'assemblée d'une collectivité à statut particulier",
            ("csp_code",),
            "csp_libelle",
        ),
        MandateType(
            "CAC",
            "Conseiller à l'Assemblée de Corse",
            (),
            None,
            has_departement=False,
            fixed_territory=("COR", "Collectivité de Corse"),
            prefectures=("2A", "2B"),
        ),
        MandateType(
            "SEN",
            "Sénateur",
            ("departement_code", "csp_code"),
            "departement_libelle",
        ),
        MandateType(
            "DEP",
            "Député",
            ("circ_legislative_code",),
            "circ_legislative_libelle",
        ),
        MandateType(
            "RPE",
            "Représentant au Parlement européen",
            (),
            None,
            has_departement=False,
            fixed_territory=("FR", "France"),
        ),
        MandateType(
            "CFE",
            "Conseiller des Français de l'étranger",
            ("circ_consulaire_code",),
            "circ_consulaire_libelle",
            has_departement=False,
        ),
        MandateType(
            "AFE",
            "Membre de l'Assemblée des Français de l'étranger",
            ("circ_afe_code", "circ_consulaire_code"),
            "circ_afe_libelle",
            has_departement=False,
        ),
    )
}


FILE_NAMES = Path(__file__).resolve().parent.parent / "data" / "rne_noms_de_fichiers.json"


@lru_cache(maxsize=1)
def _file_name_phrases() -> tuple[tuple[str, str], ...]:
    """(phrase, type) of every name the ministry's files have used, longest phrase first:
    "conseillers municipaux" before "cm", "afe" before "fde"..."""
    data = json.loads(FILE_NAMES.read_text(encoding="utf-8"))["types"]
    unknown = set(data) - set(MANDATE_TYPES)
    if unknown:
        raise ValueError(f"unknown mandate types in {FILE_NAMES.name}: {sorted(unknown)}")
    pairs = [(phrase, code) for code, phrases in data.items() for phrase in phrases]
    return tuple(sorted(pairs, key=lambda pc: -len(pc[0])))


def type_from_key(key: str) -> str | None:
    """The mandate type an object key names, if any ("elus-maires-mai.csv" -> MAIRE,
    "7-rne-rpe.txt" -> RPE, "elus-parlementaires-europeens.csv" -> RPE): its words without
    accents nor digits (a numeric prefix, a date suffix)."""
    words = re.split(r"[^a-z]+", normalise(key.rsplit("/", 1)[-1]).lower())
    name = " " + " ".join(w for w in words if w) + " "
    for phrase, code in _file_name_phrases():
        if f" {phrase} " in name:
            return code
    return None


# Columns that place a row in a département.
PLACING_FIELDS = frozenset(
    {"departement_code", "commune_code", "csp_code", "section_code", "canton_code"}
)


def type_from_columns(fields: set[str]) -> str | None:
    """The mandate type the columns imply, when they imply one alone (None: the file name
    must say). Most specific columns first: a députés file also has the CSP columns, and the
    ministry's membres des assemblées file also has région columns."""
    if "secteur_libelle" in fields or "secteur_code" in fields:
        return "CA"
    if "circ_legislative_code" in fields:
        return "DEP"
    if "circ_afe_code" in fields:
        return "AFE"
    if "circ_consulaire_code" in fields:
        return "CFE"
    if "canton_code" in fields:
        return "CD"
    if "epci_code" in fields:
        return "EPCI"
    if "commune_code" in fields:
        return "CM"
    if "csp_code" in fields and fields & {"csp_section_code", "circ_metropolitaine_code"}:
        return "CSP"
    if "circ_europeenne_code" in fields:
        return "RPE"
    if "region_code" in fields and "csp_code" not in fields:
        return "CR"
    # a département or a collectivité only (sénateurs, CSP members), a région only (regional
    # councillors or the Corsican assembly), or no territory at all (MEPs, the Corsican
    # assembly): only the file name can tell
    return None


def mandate_type(key: str, fields: set[str]) -> str | None:
    """The key decides when it names a type the columns allow; else the columns decide; None
    when neither can (the file is then held for an operator, never guessed)."""
    from_columns = type_from_columns(fields)
    from_key = type_from_key(key)
    if from_key is None:
        return from_columns
    needed = MANDATE_TYPES[from_key].territory
    if needed and not any(f in fields for f in needed):
        return from_columns  # the key names a type whose columns are absent
    return from_key
