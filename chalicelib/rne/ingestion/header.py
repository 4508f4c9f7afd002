"""Before any row: what the file is (layout, mandate type), where it applies and as of when.
A file that cannot be an RNE export, is too big, comes from a sender who may not send it, or
is older than what is applied, stops here; one whose type cannot be told waits for an
operator."""

from __future__ import annotations

from ...observability import logger
from .. import formats
from ..reader import MAX_PREAMBLE_LINES, FileFormat, NotAnRneFile, detect_format
from ..store import Snapshot
from ..uploads import NATIONAL, Refused, scope_of, snapshot_instant, upload_of
from . import limits
from .report import hold, reject_file, write_report
from .state import FileRun


def read_header(run: FileRun) -> bool:
    """The layout and the mandate type; False if the file stops (refused or held)."""
    file = run.file
    head = run.objects.head(file.bucket, file.key, file.version)
    if head.size > limits.MAX_FILE_BYTES:
        reject_file(
            run,
            f"Fichier de {head.size / 1e6:.0f} Mo : au-delà de "
            f"{limits.MAX_FILE_BYTES // (1024 * 1024)} Mio, ce n'est pas un export du RNE.",
        )
        return False
    try:
        upload_of(file.key)
        body = run.objects.open(file.bucket, file.key, file.version)
        try:
            file_format = detect_format(body, file.key)
        finally:
            body.close()
    except (NotAnRneFile, Refused) as error:
        reject_file(run, str(error))
        return False
    run.store.save_header(file, file_format.as_dict())
    file.format = file_format.as_dict()
    columns = set(file_format.columns.values())
    mandate_type = formats.mandate_type(file.key, columns)
    placed = columns & formats.PLACING_FIELDS
    if mandate_type is None and upload_of(file.key).from_prefecture and not placed:
        reject_file(
            run,
            "Aucune colonne ne situe les élus dans un département (département, "
            "commune, canton, collectivité) : ce fichier ne peut pas venir d'une "
            "préfecture.",
            file_format,
        )
        return False
    if mandate_type is None:
        hold(
            run,
            [
                "Type de mandat indéterminé : les colonnes conviennent à plusieurs types "
                "(sénateurs ou assemblées à statut particulier, conseillers régionaux ou "
                "Assemblée de Corse, représentants au Parlement européen...) et le nom du "
                "fichier n'en désigne aucun. Un opérateur l'indique : python -m infra.rne "
                "appliquer <fichier> --type <code>."
            ],
            [],
        )
        return False
    file.mandate_type = mandate_type
    return True


def settle(run: FileRun) -> bool:
    """Scope and snapshot time, now that the type is known; False if the file stops."""
    file = run.file
    file_format = FileFormat.from_dict(file.format.as_dict())
    head = run.objects.head(file.bucket, file.key, file.version)
    try:
        portee = scope_of(upload_of(file.key), file.mandate_type, set(file_format.columns.values()))
        instantane = snapshot_instant(head.metadata.get("date-instantane"), head.last_modified)
    except Refused as error:
        reject_file(run, str(error), file_format)
        return False
    lines = run.objects.count_lines(file.bucket, file.key, file.version)
    if lines > limits.MAX_ROWS + MAX_PREAMBLE_LINES + 1:
        reject_file(
            run,
            f"Plus de {limits.MAX_ROWS:,} lignes".replace(",", " ")
            + " : au-delà du plus grand export du RNE. Rien n'a été appliqué.",
            file_format,
        )
        return False
    newer = newer_snapshot(run.store.snapshots(file.mandate_type), portee, instantane)
    if newer:
        reject_file(
            run,
            f"Un instantané plus récent ({newer}) est déjà appliqué à ce périmètre : ce "
            "fichier ne change rien.",
            file_format,
        )
        return False
    if file.etag and not file.confirme_par and _already_done(run, portee, file_format):
        return False
    run.store.save_format(file, file_format.as_dict(), file.mandate_type, portee, instantane)
    logger.info(
        "RNE file accepted",
        extra={
            "mandate_type": file.mandate_type,
            "encoding": file_format.encoding,
            "header_line": file_format.header_line,
        },
    )
    return True


def _already_done(run: FileRun, portee: set[str] | None, file_format: FileFormat) -> bool:
    """The same content, of the same type and scope, was ingested whole before: this file is
    ignored (and says so in its report). The first file to claim a content keeps it."""
    file = run.file
    content = f"contenu#{file.etag}#{file.mandate_type}#" + ",".join(sorted(portee or ["auto"]))
    original = run.store.claim_content(content, file.pk)
    if not original or original == file.pk:
        return False
    previous = run.store.get_file(original)
    if previous is None or previous.statut != "termine":
        return False
    motif = f"Contenu identique à un fichier déjà traité ({previous.key}) : rien à changer."
    run.store.end_file(file, "ignore", run.now(), motif=motif)
    write_report(run, "ignore", motif, file_format, [], [])
    return True


def newer_snapshot(
    applied: dict[str, Snapshot], portee: set[str] | None, instantane: str
) -> str | None:
    """The newest snapshot applied where the file applies (anywhere, for a national file or
    one whose scope its rows tell), when newer than the file's."""
    known = {d: s.instantane for d, s in applied.items()}
    relevant = (
        known.values()
        if portee in (None, {NATIONAL})
        else [known[d] for d in portee or () if d in known]
    )
    newer = [s for s in relevant if s > instantane]
    return max(newer) if newer else None
