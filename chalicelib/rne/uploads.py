"""Who sent a file, what it may change, and when its snapshot was taken. Pure.

The bucket's folders say who uploaded: `prefectures/<département>/` for a prefecture (its IAM
role may write nowhere else, see infra/resources.py), `national/` for the ministry. A
prefecture's file changes only its département, so it must be placeable there, and the national
mandates (European Parliament, French people abroad) come from the ministry alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .formats import MANDATE_TYPES, PLACING_FIELDS
from .rows import parse_iso_timestamp
from .territories import departement_code, is_departement

PREFECTURES = "prefectures"
NATIONAL_FOLDER = "national"
NATIONAL = "*"  # the scope of a national file: every département it may list
# A snapshot is an export of the ministry: taken at most this long before its upload.
MAX_SNAPSHOT_AGE = timedelta(days=400)
CLOCK_SKEW = timedelta(days=1)


class Refused(ValueError):
    """The whole file is refused; the message says why, in French, for the report."""


@dataclass(frozen=True)
class Upload:
    folder: str  # "prefectures", "national", or "" for any other key (not notified on AWS)
    departement: str | None = None  # the prefecture's

    @property
    def from_prefecture(self) -> bool:
        return self.folder == PREFECTURES


def upload_of(key: str) -> Upload:
    """The sender a key stands for; Refused for a prefecture folder that names no
    département (`prefectures/FR/`, `prefectures/*/`, `prefectures/999/`)."""
    parts = key.split("/")
    if parts[0] == PREFECTURES:
        if len(parts) < 3:
            raise Refused("Dépôt hors d'un dossier de département (prefectures/<code>/).")
        code = departement_code(parts[1]) or ""
        if not is_departement(code):
            raise Refused(
                f"« {parts[1][:10]} » n'est pas un code de département : une préfecture "
                "dépose ses fichiers sous prefectures/<code du département>/ (35, 2A, 974...)."
            )
        return Upload(PREFECTURES, code)
    if parts[0] == NATIONAL_FOLDER and len(parts) >= 2:
        return Upload(NATIONAL_FOLDER)
    return Upload("")


def scope_of(upload: Upload, mandate_type: str, columns: set[str]) -> set[str] | None:
    """The départements the snapshot replaces: the prefecture's; every one for the ministry
    (`NATIONAL`); {"FR"} for a type without départements; None for another folder (then the
    départements the file lists). Refused when the sender may not send this file."""
    kind = MANDATE_TYPES[mandate_type]
    if upload.from_prefecture:
        if kind.national:
            raise Refused(
                f"Les mandats « {kind.libelle} » sont transmis par le ministère (dossier "
                "national/), pas par une préfecture."
            )
        if not kind.may_come_from(upload.departement or ""):
            raise Refused(
                f"Les mandats « {kind.libelle} » ne relèvent pas de la préfecture du "
                f"département {upload.departement}."
            )
        if kind.has_departement and not columns & PLACING_FIELDS:
            raise Refused(
                "Aucune colonne ne situe les élus dans un département (département, commune, "
                "canton, collectivité) : ce fichier ne peut pas venir d'une préfecture."
            )
    if not kind.has_departement:
        return {"FR"}
    if upload.from_prefecture:
        return {upload.departement or ""}
    return {NATIONAL} if upload.folder == NATIONAL_FOLDER else None


def snapshot_instant(declared: str | None, uploaded_at: datetime) -> str:
    """The snapshot time, ISO in UTC: the `date-instantane` metadata (a date or a timestamp)
    when the sender gives one, else the upload time. A declared date in the future, or long
    before the upload, would freeze or rewind the scope: Refused."""
    if not declared:
        return uploaded_at.astimezone(UTC).isoformat()
    try:
        instant = (
            parse_iso_timestamp(declared)
            if "T" in declared
            else datetime.fromisoformat(declared[:10] + "T00:00:00+00:00")
        )
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
    except ValueError:
        raise Refused(
            f"Métadonnée date-instantane illisible : « {declared[:30]} » (attendu AAAA-MM-JJ)."
        ) from None
    if instant > uploaded_at + CLOCK_SKEW:
        raise Refused(
            f"date-instantane {instant.date().isoformat()} postérieure au dépôt : un "
            "instantané ne peut pas venir du futur."
        )
    if instant < uploaded_at - MAX_SNAPSHOT_AGE:
        raise Refused(
            f"date-instantane {instant.date().isoformat()} antérieure de plus de "
            f"{MAX_SNAPSHOT_AGE.days} jours au dépôt : déposez un export récent."
        )
    return instant.astimezone(UTC).isoformat()
