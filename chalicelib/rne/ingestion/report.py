"""What a file leaves for operators and the prefecture: its report (counts, reasons, line
numbers), gathered from the parts each chunk wrote; and the two ways a file stops before its
end, refused or held for an operator."""

from __future__ import annotations

from collections.abc import Mapping

from ...models import RneFile
from ...observability import Metric, count, logger
from .. import formats
from ..reader import FileFormat
from .state import COUNTERS, FileRun, Json

REPORTS_PREFIX = "rne-reports/"
PARTS_PREFIX = REPORTS_PREFIX + ".parts/"
# the parts' names: "l" for the rows a chunk rejected, "e" for the matches it left ambiguous
READ_PART, WRITTEN_PART = "l", "e"


def report_key(file: RneFile) -> str:
    return f"{REPORTS_PREFIX}{file.key}.json"


def stored_format(file: RneFile) -> FileFormat | None:
    return FileFormat.from_dict(file.format.as_dict()) if file.format else None


def put_part(
    run: FileRun, kind: str, first_line: int, rejects: list[Json], ambiguities: list[Json]
) -> None:
    """One chunk's rejected rows or ambiguous matches, until the report gathers them."""
    run.objects.put_json(
        run.file.bucket,
        f"{PARTS_PREFIX}{run.file.pk}/{kind}{first_line:010d}.json",
        {"rejets": rejects, "ambiguites": ambiguities},
    )


def collect_parts(run: FileRun, delete: bool = True) -> tuple[list[Json], list[Json]]:
    """Every part's rejects and ambiguities, in the order of the file's lines."""
    bucket, pk = run.file.bucket, run.file.pk
    rejects: list[Json] = []
    ambiguities: list[Json] = []
    keys = run.objects.keys_under(bucket, f"{PARTS_PREFIX}{pk}/")
    parts = [(key, run.objects.read_json(bucket, key)) for key in keys]
    for _, part in sorted(parts, key=lambda kp: kp[0].rsplit("/", 1)[1][1:]):
        rejects += part["rejets"]
        ambiguities += part["ambiguites"]
    if delete:
        run.objects.delete(bucket, keys)
    return rejects, ambiguities


def write_report(
    run: FileRun,
    statut: str,
    motif: str | None,
    file_format: FileFormat | None,
    rejects: list[Json],
    ambiguities: list[Json],
) -> None:
    """What operators and the prefecture need: counts, reasons and line numbers; never a
    name or a birth date (the file itself is there for that)."""
    file = run.file
    counters = file.compteurs.as_dict() if file.compteurs else {}
    report = {
        "fichier": {"bucket": file.bucket, "cle": file.key, "version": file.version},
        "identifiant": file.pk.split("#", 1)[1],
        "statut": statut,
        "motif": motif,
        "attente": list(file.attente or []) if statut == "en_attente" else None,
        "type_mandat": file.mandate_type,
        "libelle_type_mandat": (
            formats.MANDATE_TYPES[file.mandate_type].libelle if file.mandate_type else None
        ),
        "perimetre": sorted(run.scopes()) if file.phase else None,
        "instantane": file.instantane,
        "format": file_format.as_dict() if file_format else None,
        "compteurs": {name: int(counters.get(name, 0)) for name in COUNTERS},
        "bilan": list(file.bilan or []),
        "confirme_par": file.confirme_par,
        "rejets": rejects,
        "ambiguites": ambiguities,
        "traite_le": run.now().isoformat(),
    }
    run.objects.put_json(file.bucket, report_key(file), report, indented=True)


def reject_file(run: FileRun, motif: str, file_format: FileFormat | None = None) -> None:
    """Refused whole, before any write."""
    run.store.end_file(run.file, "rejete", run.now(), motif=motif, rapport=report_key(run.file))
    write_report(run, "rejete", motif, file_format, [], [])
    collect_parts(run)
    count(Metric.RNE_FILE_REJECTED)
    logger.warning("RNE file rejected", extra={"motif": motif})


def hold(run: FileRun, reasons: list[str], bilan: list[Json]) -> None:
    """Waits for an operator, who applies or discards it (held.py)."""
    run.store.hold(run.file, reasons, bilan, run.now())
    rejects, _ = collect_parts(run, delete=False)
    write_report(run, "en_attente", " ".join(reasons), stored_format(run.file), rejects, [])
    count(Metric.RNE_SNAPSHOT_HELD)
    logger.warning("RNE snapshot held for an operator", extra={"reasons": reasons})


def reject_rate(counters: Mapping[str, float]) -> float:
    """The share of a file's rows rejected, in percent (0 for a file without rows)."""
    read = int(counters.get("lignes_lues", 0))
    return round(100 * int(counters.get("rejetees", 0)) / read, 2) if read else 0.0
