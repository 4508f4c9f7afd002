"""Ingesting one RNE file: streamed from S3 in chunks, checkpointed, resumable, idempotent.

A message of the ingestion queue is either the S3 notification of an upload or a continuation
`{"suite": "<file id>"}` that an invocation sends itself when its time runs out. Each chunk of
rows is written (mandates, account links, rejected lines) and only then checkpointed with the
byte offset after its last row, so a crash re-reads at most one chunk, whose writes are
idempotent (same keys, same values). Mandates absent from the snapshot are closed only once the
whole file has been read.

Which mandates each snapshot lists is kept in S3, per scope (mandate type and département):
`rne-etat/<file>/<scope>/<first line of the chunk>.json`. Closing a scope compares the newest
snapshot's lists with the previous one's, so it reads no more than that scope and queries no
table.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote_plus

from ..observability import Metric, count, logger, metrics
from . import formats
from .matching import row_keys
from .reader import FileFormat, NotAnRneFile, detect_format, iter_rows
from .recognition import link_rows
from .rows import InvalidRow, MandateRow, parse_iso_timestamp, parse_row
from .s3_store import RneObjects
from .store import RneStore

REPORTS_PREFIX = "rne-reports/"
PARTS_PREFIX = REPORTS_PREFIX + ".parts/"
STATE_PREFIX = "rne-etat/"
INTERNAL_PREFIXES = (REPORTS_PREFIX, STATE_PREFIX)
CHUNK_ROWS = 2000
HANDOFF_MARGIN_MS = 90_000  # stop taking chunks when less than this is left
LEASE = timedelta(minutes=16)  # longer than any invocation
NATIONAL = "*"


@dataclass
class ChunkOutcome:
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("lignes_lues", "acceptees", "rejetees", "elus_reconnus", "correspondances_ambigues"), 0
        )
    )
    rejects: list[dict] = field(default_factory=list)
    ambiguities: list[dict] = field(default_factory=list)
    departements: set[str] = field(default_factory=set)


def file_pk(bucket: str, key: str, version: str | None, etag: str | None) -> str:
    identity = f"{bucket}/{key}/{version or ''}/{etag or ''}"
    return "fichier#" + hashlib.sha256(identity.encode()).hexdigest()[:32]


def _snapshot_instant(value: str) -> str:
    """The snapshot time, ISO in UTC: the `date-instantane` metadata of the object (a date or a
    timestamp) when the sender gives it, else the upload time."""
    instant = (
        parse_iso_timestamp(value)
        if "T" in value
        else datetime.fromisoformat(value[:10] + "T00:00:00+00:00")
    )
    return instant.astimezone(UTC).isoformat()


def scope_from_key(key: str) -> set[str] | None:
    """`prefectures/<dept>/...`: that département; `national/...`: the whole country; anything
    else (not notified on AWS, see infra/resources.py): the départements the file lists."""
    parts = key.split("/")
    if len(parts) >= 3 and parts[0] == "prefectures":
        from .rows import departement_code

        return {departement_code(parts[1]) or parts[1]}
    if parts[0] == "national":
        return {NATIONAL}
    return None


class RneIngestion:
    def __init__(
        self,
        objects: RneObjects,
        store: RneStore,
        send_continuation: Callable[[dict], None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        chunk_rows: int = CHUNK_ROWS,
    ) -> None:
        self._objects = objects
        self._store = store
        self._send_continuation = send_continuation
        self._now = clock
        self._chunk_rows = chunk_rows

    # --- entry point ------------------------------------------------------------------------
    def handle_message(self, body: dict, remaining_ms: Callable[[], int]) -> None:
        if "suite" in body:
            state = self._store.get_file(body["suite"])
            if state is not None:
                self._continue(state, remaining_ms)
            return
        for record in body.get("Records", []):
            if record.get("eventSource") != "aws:s3" or not record.get("eventName", "").startswith(
                "ObjectCreated"
            ):
                continue
            s3 = record["s3"]
            key = unquote_plus(s3["object"]["key"])
            if key.startswith(INTERNAL_PREFIXES):
                continue
            self._start(
                s3["bucket"]["name"],
                key,
                s3["object"].get("versionId"),
                s3["object"].get("eTag"),
                record.get("eventTime"),
                remaining_ms,
            )

    # --- a new upload -----------------------------------------------------------------------
    def _start(
        self,
        bucket: str,
        key: str,
        version: str | None,
        etag: str | None,
        event_time: str | None,
        remaining_ms: Callable[[], int],
    ) -> None:
        pk = file_pk(bucket, key, version, etag)
        logger.append_keys(rne_file=pk, s3_key=key)
        now = self._now()
        state = self._store.claim_file(
            pk, self._owner(), now, now + LEASE, bucket=bucket, key=key, version=version, etag=etag
        )
        if state is None:
            logger.info("RNE file already processed or in progress: nothing to do")
            return
        if state.format is None and not self._prepare(state, event_time):
            return
        self._continue(state, remaining_ms, claimed=True)

    def _prepare(self, state, event_time: str | None) -> bool:
        """Read the header, decide type, scope and snapshot; False if the file stops here."""
        head = self._objects.head(state.bucket, state.key, state.version)
        instantane = _snapshot_instant(
            head.metadata.get("date-instantane") or event_time or head.last_modified.isoformat()
        )
        try:
            body = self._objects.open(state.bucket, state.key, state.version)
            try:
                file_format = detect_format(body, state.key)
            finally:
                body.close()
        except NotAnRneFile as error:
            self._reject_file(state, str(error))
            return False
        fields = set(file_format.columns.values())
        mandate_type = formats.mandate_type(state.key, fields)
        if mandate_type is None:
            self._reject_file(
                state,
                "Type de mandat indéterminé : les colonnes conviennent aux "
                "sénateurs comme aux assemblées à statut particulier. "
                "Nommez le fichier d'après le type (par exemple "
                "elus-senateurs-sen.csv).",
                file_format,
            )
            return False
        kind = formats.MANDATE_TYPES[mandate_type]
        portee = scope_from_key(state.key) if kind.has_departement else {"FR"}
        newer = self._newer_snapshot(mandate_type, portee, instantane)
        if newer:
            self._reject_file(
                state,
                f"Un instantané plus récent ({newer}) a déjà été traité "
                "pour ce périmètre : ce fichier ne change rien.",
                file_format,
            )
            return False
        content = f"contenu#{state.etag}#{mandate_type}#{','.join(sorted(portee or ['auto']))}"
        if state.etag:
            original = self._store.claim_content(content, state.pk)
            if original and original != state.pk:
                previous = self._store.get_file(original)
                if previous is not None and previous.statut == "termine":
                    self._store.end_file(
                        state,
                        "ignore",
                        self._now(),
                        motif="Contenu identique à un fichier déjà traité ("
                        f"{previous.key}) : rien à changer.",
                    )
                    self._write_report(state, "ignore", state.motif or "", file_format, [], [])
                    return False
        self._store.save_format(state, file_format.as_dict(), mandate_type, portee, instantane)
        logger.info(
            "RNE file accepted",
            extra={
                "mandate_type": mandate_type,
                "encoding": file_format.encoding,
                "header_line": file_format.header_line,
            },
        )
        return True

    def _newer_snapshot(
        self, mandate_type: str, portee: set[str] | None, instantane: str
    ) -> str | None:
        known = {d: s["instantane"] for d, s in self._store.snapshots(mandate_type).items()}
        relevant = (
            known.values()
            if portee in (None, {NATIONAL})
            else [known[d] for d in portee or () if d in known]
        )
        newer = [s for s in relevant if s > instantane]
        return max(newer) if newer else None

    # --- chunks -----------------------------------------------------------------------------
    def _continue(self, state, remaining_ms: Callable[[], int], claimed: bool = False) -> None:
        if not claimed:
            now = self._now()
            state = self._store.claim_file(state.pk, self._owner(), now, now + LEASE)
            if state is None:
                return
            logger.append_keys(rne_file=state.pk, s3_key=state.key)
        file_format = FileFormat.from_dict(state.format.as_dict())
        size = self._objects.head(state.bucket, state.key, state.version).size
        started = time.monotonic()
        if state.offset < size:
            body = self._objects.open(state.bucket, state.key, state.version, state.offset)
            try:
                chunk: list = []
                for row in iter_rows(body, file_format, state.offset, state.next_line):
                    if len(chunk) == self._chunk_rows:  # full, and more rows follow
                        self._process_chunk(state, chunk)
                        chunk = []
                        if remaining_ms() < HANDOFF_MARGIN_MS:
                            self._hand_over(state)
                            return
                    chunk.append(row)
                if chunk:
                    self._process_chunk(state, chunk)
            finally:
                body.close()
        self._finish(state, time.monotonic() - started)

    def _write_lists(self, state, first_line: int, rows: list) -> None:
        """Record, per scope, the items this chunk wrote (originals and name-part copies)."""
        by_scope: dict[str, list[str]] = {}
        for _, keys, mandate in rows:
            items = by_scope.setdefault(mandate.scope, [])
            original = f"{keys[0]}|{mandate.mandate_key}"
            items.append(original)
            items += [f"{alias}|alias|{original}" for alias in keys[1:]]
        for scope, items in by_scope.items():
            self._objects.put_json(
                state.bucket, f"{self._state_prefix(state.pk, scope)}{first_line:010d}.json", items
            )

    @staticmethod
    def _state_prefix(pk: str, scope: str) -> str:
        return f"{STATE_PREFIX}{pk.split('#', 1)[1]}/{scope.replace('#', '-')}/"

    def _listed(self, bucket: str, pk: str, scope: str) -> tuple[set[str], list[str]]:
        """The items a snapshot listed in a scope, and the S3 objects holding them."""
        keys = self._objects.keys_under(bucket, self._state_prefix(pk, scope))
        items: set[str] = set()
        for key in keys:
            items.update(self._objects.read_json(bucket, key))
        return items, keys

    def _hand_over(self, state) -> None:
        """Leave the rest of the file to a next invocation, through the ingestion queue."""
        self._store.release(state, self._now())
        self._send_continuation({"suite": state.pk})
        logger.info("RNE file handed over", extra={"next_line": state.next_line})

    def _process_chunk(self, state, chunk: list) -> None:
        outcome = ChunkOutcome()
        today = self._now().date()
        accepted: dict[tuple[str, str], tuple[int, list[str], MandateRow]] = {}
        lines_accepted = 0
        restrict = set(state.portee or ()) - {NATIONAL, "FR"}
        for row in chunk:
            outcome.counts["lignes_lues"] += 1
            try:
                if row.problem:
                    raise InvalidRow(row.problem)
                mandate = parse_row(
                    row.fields,
                    state.mandate_type,
                    today,
                    snapshot=date.fromisoformat(state.instantane[:10]),
                )
                if restrict and mandate.departement not in restrict:
                    raise InvalidRow(
                        f"Département {mandate.departement} hors du périmètre du "
                        f"dépôt ({', '.join(sorted(restrict))})."
                    )
                keys = row_keys(
                    mandate.date_naissance,
                    mandate.sexe,
                    mandate.nom,
                    mandate.prenom,
                    mandate.autres_noms,
                )
                key = (keys[0], mandate.mandate_key)
            except InvalidRow as reason:
                outcome.rejects.append({"ligne": row.line, "motif": str(reason)})
                continue
            lines_accepted += 1
            if key in accepted:  # listed twice, once per function: one mandate, both functions
                mandate = merged_functions(accepted[key][2], mandate)
            accepted[key] = (accepted.get(key, (row.line,))[0], keys, mandate)
            outcome.departements.add(mandate.departement or "FR")
        outcome.counts["acceptees"] = lines_accepted
        outcome.counts["rejetees"] = len(outcome.rejects)

        rows = list(accepted.values())
        self._store.put_mandates(
            [(keys, mandate) for _, keys, mandate in rows], state.pk, state.instantane[:10]
        )
        self._write_lists(state, chunk[0].line, rows)
        links = link_rows(self._store, rows, self._now())
        outcome.counts["elus_reconnus"] = links.newly_recognised
        outcome.counts["correspondances_ambigues"] = len(links.ambiguities)
        outcome.ambiguities = links.ambiguities

        if outcome.rejects or outcome.ambiguities:
            self._objects.put_json(
                state.bucket,
                f"{PARTS_PREFIX}{state.pk}/{chunk[0].line:010d}.json",
                {"rejets": outcome.rejects, "ambiguites": outcome.ambiguities},
            )
        last = chunk[-1]
        self._store.checkpoint(
            state, last.end_offset, last.line + 1, outcome.counts, outcome.departements
        )
        for name, metric in (
            ("lignes_lues", Metric.RNE_ROWS_READ),
            ("acceptees", Metric.RNE_ROWS_ACCEPTED),
            ("rejetees", Metric.RNE_ROWS_REJECTED),
            ("elus_reconnus", Metric.ELU_RECOGNISED),
            ("correspondances_ambigues", Metric.RNE_AMBIGUOUS_MATCH),
        ):
            count(metric, outcome.counts[name])

    # --- end of file ------------------------------------------------------------------------
    def _finish(self, state, seconds: float) -> None:
        closed = self._close_absent(state)
        scopes = self._closed_scopes(state)
        self._store.record_snapshots(
            state.mandate_type, [s.split("#", 1)[1] for s in scopes], state.instantane, state.pk
        )
        rejects, ambiguities = self._collect_parts(state)
        report_key = self._report_key(state)
        self._store.end_file(
            state, "termine", self._now(), rapport=report_key, counts={"mandats_fermes": closed}
        )
        self._write_report(
            state,
            "termine",
            None,
            FileFormat.from_dict(state.format.as_dict()),
            rejects,
            ambiguities,
        )
        self._store.mark_ingestion_finished(self._now())
        count(Metric.RNE_MANDATES_CLOSED, closed)
        count(Metric.RNE_FILE_PROCESSED)
        metrics.add_metric(name=Metric.RNE_FILE_PROCESSING_TIME, unit="Seconds", value=seconds)
        counters = state.compteurs.as_dict()
        # per file, so that one prefecture's broken export raises the alarm on its own
        metrics.add_metric(
            name=Metric.RNE_FILE_REJECT_RATE, unit="Percent", value=reject_rate(counters)
        )
        logger.info("RNE file ingested", extra={"compteurs": counters})

    def _closed_scopes(self, state) -> set[str]:
        """The scopes this snapshot replaces: its départements (all known ones when national)."""
        if not formats.MANDATE_TYPES[state.mandate_type].has_departement:
            return {f"{state.mandate_type}#FR"}
        portee = set(state.portee or ())
        if NATIONAL in portee:
            departements = set(self._store.snapshots(state.mandate_type)) | set(
                state.departements_vus or ()
            )
        elif portee:
            departements = portee
        else:
            departements = set(state.departements_vus or ())
        return {f"{state.mandate_type}#{d}" for d in departements}

    def _close_absent(self, state) -> int:
        """Close, scope by scope, what the previous snapshot listed and this one does not."""
        fin = state.instantane[:10]
        previous_files = self._store.snapshots(state.mandate_type)
        closed = 0
        for scope in sorted(self._closed_scopes(state)):
            previous = previous_files.get(scope.split("#", 1)[1], {}).get("fichier")
            if not previous or previous == state.pk:
                continue
            before, objects = self._listed(state.bucket, previous, scope)
            now_listed, _ = self._listed(state.bucket, state.pk, scope)
            for item in sorted(before - now_listed):
                person_key, mandate_key = item.split("|", 1)
                done = self._store.close_mandate(person_key, mandate_key, fin, state.pk)
                # the copies filed under each part of a name are closed too, not counted
                closed += done and "|alias|" not in item
            # the previous snapshot's lists are done with
            self._objects.delete(state.bucket, objects)
        return closed

    # --- reports ----------------------------------------------------------------------------
    def _collect_parts(self, state) -> tuple[list[dict], list[dict]]:
        rejects, ambiguities = [], []
        keys = self._objects.keys_under(state.bucket, f"{PARTS_PREFIX}{state.pk}/")
        for key in keys:
            part = self._objects.read_json(state.bucket, key)
            rejects += part["rejets"]
            ambiguities += part["ambiguites"]
        self._objects.delete(state.bucket, keys)
        return rejects, ambiguities

    def _report_key(self, state) -> str:
        return f"{REPORTS_PREFIX}{state.key}.json"

    def _write_report(
        self,
        state,
        statut: str,
        motif: str | None,
        file_format: FileFormat | None,
        rejects: list,
        ambiguities: list,
    ) -> None:
        counters = state.compteurs.as_dict() if state.compteurs else {}
        report = {
            "fichier": {"bucket": state.bucket, "cle": state.key, "version": state.version},
            "statut": statut,
            "motif": motif,
            "type_mandat": state.mandate_type,
            "libelle_type_mandat": (
                formats.MANDATE_TYPES[state.mandate_type].libelle if state.mandate_type else None
            ),
            "perimetre": sorted(self._closed_scopes(state)) if statut == "termine" else None,
            "instantane": state.instantane,
            "format": file_format.as_dict() if file_format else None,
            "compteurs": {
                name: int(counters.get(name, 0))
                for name in (
                    "lignes_lues",
                    "acceptees",
                    "rejetees",
                    "elus_reconnus",
                    "correspondances_ambigues",
                    "mandats_fermes",
                )
            },
            "rejets": rejects,
            "ambiguites": ambiguities,
            "traite_le": self._now().isoformat(),
        }
        self._objects.put_json(state.bucket, self._report_key(state), report, indent=1)

    def _reject_file(self, state, motif: str, file_format: FileFormat | None = None) -> None:
        self._store.end_file(
            state, "rejete", self._now(), motif=motif, rapport=self._report_key(state)
        )
        self._write_report(state, "rejete", motif, file_format, [], [])
        count(Metric.RNE_FILE_REJECTED)
        logger.warning("RNE file rejected", extra={"motif": motif})

    # --- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _owner() -> str:
        return uuid.uuid4().hex


def merged_functions(first: MandateRow, second: MandateRow) -> MandateRow:
    """One mandate listed on two lines, one per function: both functions, the earliest
    function start."""
    functions = [f for f in (first.fonction, second.fonction) if f]
    starts = [d for d in (first.date_debut_fonction, second.date_debut_fonction) if d]
    return replace(
        first,
        fonction=" ; ".join(dict.fromkeys(functions)) or None,
        date_debut_fonction=min(starts) if starts else None,
    )


def reject_rate(counters: dict) -> float:
    """The share of a file's rows rejected, in percent (0 for a file without rows)."""
    read = int(counters.get("lignes_lues", 0))
    return round(100 * int(counters.get("rejetees", 0)) / read, 2) if read else 0.0
