"""Ingesting one RNE file: a snapshot of its scopes, compared, checked, then applied.

A message of the ingestion queue is either the S3 notification of an upload or a continuation
`{"suite": "<file id>"}` that an invocation sends itself when its time runs out (or that an
operator's command sends, see infra/rne.py). A file goes through three phases, each
checkpointed and idempotent, so a crash redoes at most one step:

1. lecture: rows are read in chunks, checked, and compared with the current snapshot's lists of
   their scope (in S3, see snapshot_lists.py). The new lists, and the rows that are new or
   changed, go to S3; nothing is written to the tables yet.
2. review: what the snapshot would close and add, per scope. A snapshot that would close too
   much, or looks older than the current one, waits for an operator (snapshot_guard.py).
3. ecriture: the new and changed mandates are written (in parallel batches) and their accounts
   linked; then fermeture: the absent mandates are closed from the previous lists, and each
   scope records the snapshot, unless a newer one got there first.

A file is refused whole, before any write, when its sender may not send it (uploads.py), when
it is too big, or when its type cannot be told (then it waits for an operator instead).
"""

from __future__ import annotations

import contextvars
import hashlib
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote_plus

from ..observability import Metric, count, logger, metrics
from ..rights.daily import send_accounts
from . import formats
from .matching import row_keys
from .reader import MAX_PREAMBLE_LINES, FileFormat, NotAnRneFile, detect_format, iter_rows
from .recognition import link_rows
from .rows import InvalidRow, MandateRow, parse_row
from .s3_store import RneObjects
from .snapshot_guard import ScopeChange, hold_reasons
from .snapshot_lists import (
    STATE_PREFIX,
    Listed,
    SnapshotLists,
    entry_digest,
    entry_raws,
    entry_value,
    listed,
    raw_digest,
)
from .store import RneStore, Snapshot
from .uploads import NATIONAL, Refused, scope_of, snapshot_instant, upload_of

REPORTS_PREFIX = "rne-reports/"
PARTS_PREFIX = REPORTS_PREFIX + ".parts/"
INTERNAL_PREFIXES = (REPORTS_PREFIX, STATE_PREFIX)
CHUNK_ROWS = 5000
WRITE_GROUP = 5000  # changed mandates written between two checkpoints
HANDOFF_MARGIN_MS = 90_000  # stop taking chunks when less than this is left
LEASE = timedelta(minutes=16)  # longer than any invocation
# The largest export (conseillers municipaux, about 500,000 rows) is under 100 MB.
MAX_FILE_BYTES = 300 * 1024 * 1024
MAX_ROWS = 1_500_000
PREVIOUS_SCOPES_KEPT = 4  # current lists kept in memory while reading (files come sorted)
COUNTERS = (
    "lignes_lues",
    "acceptees",
    "rejetees",
    "nouveaux",
    "modifies",
    "inchanges",
    "elus_reconnus",
    "correspondances_ambigues",
    "mandats_fermes",
)


@dataclass
class ChunkOutcome:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    rejects: list[dict] = field(default_factory=list)
    departements: set[str] = field(default_factory=set)


def file_pk(bucket: str, key: str, version: str | None, etag: str | None) -> str:
    identity = f"{bucket}/{key}/{version or ''}/{etag or ''}"
    return "fichier#" + hashlib.sha256(identity.encode()).hexdigest()[:32]


def _departement_of(scope: str) -> str:
    return scope.split("#", 1)[1]


class RneIngestion:
    def __init__(
        self,
        objects: RneObjects,
        store: RneStore,
        send_continuation: Callable[[dict], None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        chunk_rows: int = CHUNK_ROWS,
        send_ended: Callable[[dict], object] | None = None,
    ) -> None:
        self._objects = objects
        self._lists = SnapshotLists(objects)
        self._store = store
        self._send_continuation = send_continuation
        self._send_ended = send_ended
        self._now = clock
        self._chunk_rows = chunk_rows
        # per invocation: the current lists of the last scopes read (with their rows as
        # read), the applied snapshots, and where each applied snapshot keeps its lists
        self._previous: OrderedDict[str, CurrentList] = OrderedDict()
        self._applied_snapshots: dict[str, Snapshot] | None = None
        self._objects_of: dict[str, dict[str, list[str]]] = {}

    # --- entry point ------------------------------------------------------------------------
    def handle_message(self, body: dict, remaining_ms: Callable[[], int]) -> None:
        if "suite" in body:
            now = self._now()
            state = self._store.claim_file(body["suite"], self._owner(), now, now + LEASE)
            if state is not None:
                logger.append_keys(rne_file=state.pk, s3_key=state.key)
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
                remaining_ms,
            )

    # --- a new upload -----------------------------------------------------------------------
    def _start(
        self,
        bucket: str,
        key: str,
        version: str | None,
        etag: str | None,
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
        self._continue(state, remaining_ms)

    def _read_header(self, state) -> bool:
        """The layout and the mandate type; False if the file stops (refused or held)."""
        head = self._objects.head(state.bucket, state.key, state.version)
        if head.size > MAX_FILE_BYTES:
            self._reject_file(
                state,
                f"Fichier de {head.size / 1e6:.0f} Mo : au-delà de "
                f"{MAX_FILE_BYTES // (1024 * 1024)} Mio, ce n'est pas un export du RNE.",
            )
            return False
        try:
            upload_of(state.key)
            body = self._objects.open(state.bucket, state.key, state.version)
            try:
                file_format = detect_format(body, state.key)
            finally:
                body.close()
        except (NotAnRneFile, Refused) as error:
            self._reject_file(state, str(error))
            return False
        self._store.save_header(state, file_format.as_dict())
        state.format = file_format.as_dict()
        columns = set(file_format.columns.values())
        mandate_type = formats.mandate_type(state.key, columns)
        placed = columns & formats.PLACING_FIELDS
        if mandate_type is None and upload_of(state.key).from_prefecture and not placed:
            self._reject_file(
                state,
                "Aucune colonne ne situe les élus dans un département (département, "
                "commune, canton, collectivité) : ce fichier ne peut pas venir d'une "
                "préfecture.",
                file_format,
            )
            return False
        if mandate_type is None:
            self._hold(
                state,
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
        state.mandate_type = mandate_type
        return True

    def _settle(self, state) -> bool:
        """Scope and snapshot time, now that the type is known; False if the file stops."""
        file_format = FileFormat.from_dict(state.format.as_dict())
        head = self._objects.head(state.bucket, state.key, state.version)
        try:
            portee = scope_of(
                upload_of(state.key), state.mandate_type, set(file_format.columns.values())
            )
            instantane = snapshot_instant(head.metadata.get("date-instantane"), head.last_modified)
        except Refused as error:
            self._reject_file(state, str(error), file_format)
            return False
        lines = self._objects.count_lines(state.bucket, state.key, state.version)
        if lines > MAX_ROWS + MAX_PREAMBLE_LINES + 1:
            self._reject_file(
                state,
                f"Plus de {MAX_ROWS:,} lignes".replace(",", " ")
                + " : au-delà du plus grand export du RNE. Rien n'a été appliqué.",
                file_format,
            )
            return False
        newer = self._newer_snapshot(state.mandate_type, portee, instantane)
        if newer:
            self._reject_file(
                state,
                f"Un instantané plus récent ({newer}) est déjà appliqué à ce périmètre : ce "
                "fichier ne change rien.",
                file_format,
            )
            return False
        if state.etag and not state.confirme_par:
            content = f"contenu#{state.etag}#{state.mandate_type}#" + ",".join(
                sorted(portee or ["auto"])
            )
            original = self._store.claim_content(content, state.pk)
            if original and original != state.pk:
                previous = self._store.get_file(original)
                if previous is not None and previous.statut == "termine":
                    motif = (
                        f"Contenu identique à un fichier déjà traité ({previous.key}) : "
                        "rien à changer."
                    )
                    self._store.end_file(state, "ignore", self._now(), motif=motif)
                    self._write_report(state, "ignore", motif, file_format, [], [])
                    return False
        self._store.save_format(
            state, file_format.as_dict(), state.mandate_type, portee, instantane
        )
        logger.info(
            "RNE file accepted",
            extra={
                "mandate_type": state.mandate_type,
                "encoding": file_format.encoding,
                "header_line": file_format.header_line,
            },
        )
        return True

    def _newer_snapshot(
        self, mandate_type: str, portee: set[str] | None, instantane: str
    ) -> str | None:
        known = {d: s.instantane for d, s in self._store.snapshots(mandate_type).items()}
        relevant = (
            known.values()
            if portee in (None, {NATIONAL})
            else [known[d] for d in portee or () if d in known]
        )
        newer = [s for s in relevant if s > instantane]
        return max(newer) if newer else None

    # --- phases -----------------------------------------------------------------------------
    def _continue(self, state, remaining_ms: Callable[[], int]) -> None:
        started = time.monotonic()
        self._previous.clear()
        self._applied_snapshots = None
        self._objects_of.clear()
        if (state.format is None or state.mandate_type is None) and not self._read_header(state):
            return
        if state.phase is None and not self._settle(state):
            return
        if state.phase == "lecture":
            if not self._read(state, remaining_ms):
                return
            if not self._review(state):
                return
        if state.phase == "ecriture" and not self._write(state, remaining_ms):
            return
        if state.phase == "fermeture" and not self._close(state, remaining_ms):
            return
        self._finish(state, time.monotonic() - started)

    def _hand_over(self, state) -> None:
        """Leave the rest of the file to a next invocation, through the ingestion queue."""
        self._store.release(state, self._now())
        self._send_continuation({"suite": state.pk})
        logger.info("RNE file handed over", extra={"phase": state.phase})

    # --- 1. lecture -------------------------------------------------------------------------
    def _read(self, state, remaining_ms: Callable[[], int]) -> bool:
        """Every row read and compared; False if handed over or refused.

        The first snapshot of its scopes can close nothing nor look older than anything: it
        is never held, so its mandates are written while the next rows are read (one chunk
        ahead at most), each chunk checkpointed once written."""
        file_format = FileFormat.from_dict(state.format.as_dict())
        size = self._objects.head(state.bucket, state.key, state.version).size
        if state.offset >= size:
            return True
        writer = ChunkWriter() if self._first_snapshot(state) else None
        body = self._objects.open(state.bucket, state.key, state.version, state.offset)
        try:
            chunk: list = []
            for row in iter_rows(body, file_format, state.offset, state.next_line):
                if len(chunk) >= self._chunk_rows and not _same_person(chunk[-1], row):
                    if not self._read_chunk(state, chunk, writer):
                        return False
                    chunk = []
                    if remaining_ms() < HANDOFF_MARGIN_MS:
                        if writer:
                            writer.wait()
                        self._hand_over(state)
                        return False
                chunk.append(row)
            if chunk and not self._read_chunk(state, chunk, writer):
                return False
            if writer:
                writer.wait()
        finally:
            body.close()
            if writer:
                writer.close()
        return True

    def _first_snapshot(self, state) -> bool:
        """No snapshot of this type applied yet where the file applies."""
        applied = set(self._applied(state))
        portee = set(state.portee or ())
        return not applied if not portee or NATIONAL in portee else not portee & applied

    def _read_chunk(self, state, chunk: list, writer: ChunkWriter | None = None) -> bool:
        outcome = ChunkOutcome()
        entries, current = self._accepted(state, chunk, outcome)
        changes = []
        for entry in entries:
            before = current[entry.scope].get(entry.item)
            if before is None:
                outcome.counts["nouveaux"] += 1
            elif entry_digest(before) != entry.digest:
                outcome.counts["modifies"] += 1
            else:
                outcome.counts["inchanges"] += 1
                continue
            changes.append(entry)
        first_line, last = chunk[0].line, chunk[-1]
        self._lists.write(state.bucket, state.pk, first_line, entries)
        if outcome.rejects:
            self._objects.put_json(
                state.bucket,
                f"{PARTS_PREFIX}{state.pk}/l{first_line:010d}.json",
                {"rejets": outcome.rejects, "ambiguites": []},
            )
        if writer is None:
            self._lists.write_changes(state.bucket, state.pk, first_line, changes)
            self._store.checkpoint(
                state,
                last.end_offset,
                last.line + 1,
                outcome.counts,
                outcome.departements,
                first_line,
            )
        else:
            writer.submit(
                lambda: self._apply_changes(state, changes),
                lambda linked: self._store.checkpoint(
                    state,
                    last.end_offset,
                    last.line + 1,
                    {**outcome.counts, **linked},
                    outcome.departements,
                    first_line,
                ),
            )
        for name, metric in (
            ("lignes_lues", Metric.RNE_ROWS_READ),
            ("acceptees", Metric.RNE_ROWS_ACCEPTED),
            ("rejetees", Metric.RNE_ROWS_REJECTED),
        ):
            count(metric, outcome.counts[name])
        return True

    def _accepted(
        self, state, chunk: list, outcome: ChunkOutcome
    ) -> tuple[list[Listed], dict[str, dict[str, list]]]:
        """The chunk's mandates, and the current lists of their scopes; the rows that cannot
        be one go to the report. A row read exactly as the current snapshot had it is taken
        from its entry, without parsing."""
        today = self._now().date()
        snapshot = date.fromisoformat(state.instantane[:10])
        restrict = set(state.portee or ()) - {NATIONAL, "FR"}
        accepted: dict[tuple[str, str], list[Accepted]] = {}
        touched: dict[str, dict[str, list]] = {}
        for row in chunk:
            outcome.counts["lignes_lues"] += 1
            try:
                if row.problem:
                    raise InvalidRow(row.problem)
                raw = raw_digest(row.fields)
                known = self._known_row(raw, row.line)
                if known is not None:
                    read = Accepted(row, raw, known=known)
                    scope = known.scope
                else:
                    read = self._parsed(row, raw, state.mandate_type, today, snapshot, restrict)
                    # its scope's current list, so that the next rows are recognised as read
                    scope = read.mandate.scope
                if scope not in touched:
                    touched[scope] = self._current_list(state, scope)
            except InvalidRow as reason:
                outcome.rejects.append({"ligne": row.line, "motif": str(reason)})
                continue
            outcome.counts["acceptees"] += 1
            accepted.setdefault(read.key, []).append(read)
        outcome.counts["rejetees"] = len(outcome.rejects)
        entries = []
        for reads in accepted.values():
            if len(reads) == 1 and reads[0].known is not None:
                entry = reads[0].known
            else:  # listed once per function: one mandate, every function
                parsed = [
                    r
                    if r.mandate
                    else self._parsed(r.row, r.raw, state.mandate_type, today, snapshot, restrict)
                    for r in reads
                ]
                merged = parsed[0].mandate
                for other in parsed[1:]:
                    merged = merged_functions(merged, other.mandate)
                entry = listed(
                    reads[0].row.line, parsed[0].keys, merged, tuple(r.raw for r in reads)
                )
            outcome.departements.add(entry.value("departement") or "FR")
            entries.append(entry)
        return entries, touched

    @staticmethod
    def _parsed(row, raw: str, mandate_type: str, today, snapshot, restrict) -> Accepted:
        mandate = parse_row(row.fields, mandate_type, today, snapshot=snapshot)
        if restrict and mandate.departement not in restrict:
            raise InvalidRow(
                f"Département {mandate.departement} hors du périmètre du "
                f"dépôt ({', '.join(sorted(restrict))})."
            )
        keys = row_keys(
            mandate.date_naissance, mandate.sexe, mandate.nom, mandate.prenom, mandate.autres_noms
        )
        return Accepted(row, raw, keys=keys, mandate=mandate)

    def _known_row(self, raw: str, line: int) -> Listed | None:
        for current in reversed(self._previous.values()):
            known = current.by_raw.get(raw)
            if known is not None:
                return Listed.from_entry(known, line=line)
        return None

    def _current_list(self, state, scope: str) -> dict[str, list]:
        """The entries the scope's applied snapshot lists (a few scopes kept in memory)."""
        if scope in self._previous:
            self._previous.move_to_end(scope)
            return self._previous[scope].entries
        applied = self._applied(state).get(_departement_of(scope))
        entries = (
            self._lists.scope(state.bucket, self._objects_of_file(state, applied.fichier, scope))
            if applied and applied.fichier != state.pk
            else {}
        )
        self._previous[scope] = CurrentList(entries)
        while len(self._previous) > PREVIOUS_SCOPES_KEPT:
            self._previous.popitem(last=False)
        return entries

    def _objects_of_file(self, state, file: str, scope: str) -> list[str]:
        if file not in self._objects_of:
            self._objects_of[file] = self._lists.objects_by_scope(state.bucket, file)
        return self._objects_of[file].get(scope, [])

    def _applied(self, state) -> dict[str, Snapshot]:
        """The snapshots applied to the file's type, read once per invocation."""
        if self._applied_snapshots is None:
            self._applied_snapshots = self._store.snapshots(state.mandate_type)
        return self._applied_snapshots

    # --- 2. review --------------------------------------------------------------------------
    def _review(self, state) -> bool:
        """What the snapshot closes and adds per scope; held for an operator when that looks
        like a mistake (unless one confirmed it). False if held. The mandates to close are
        kept in S3, in groups, for the fermeture."""
        applied = self._applied(state)
        bilan, closing, groups = [], [], 0
        for scope in sorted(self._scopes(state)):
            current = applied.get(_departement_of(scope))
            if current is None or current.fichier == state.pk:
                continue  # a first snapshot closes nothing
            before = self._lists.scope(
                state.bucket, self._objects_of_file(state, current.fichier, scope)
            )
            now = self._lists.scope(state.bucket, self._objects_of_file(state, state.pk, scope))
            absent = [entry for item, entry in before.items() if item not in now]
            added = [entry for item, entry in now.items() if item not in before]
            since = current.instantane[:10]
            older = sum(1 for e in added if (entry_value(e, "date_debut") or "") < since)
            bilan.append(ScopeChange(scope, len(before), len(absent), len(added), older))
            closing += absent
            if len(closing) >= WRITE_GROUP:
                groups += 1
                self._lists.write_closings(state.bucket, state.pk, groups, closing)
                closing = []
        if closing:
            self._lists.write_closings(state.bucket, state.pk, groups + 1, closing)
        summary = [change.as_dict() for change in bilan if change.closing or change.added]
        reasons = hold_reasons(bilan)
        if reasons and not state.confirme_par:
            self._hold(state, reasons, summary)
            return False
        self._store.set_phase(state, "ecriture", bilan=summary)
        return True

    def _hold(self, state, reasons: list[str], bilan: list[dict]) -> None:
        self._store.hold(state, reasons, bilan, self._now())
        rejects, _ = self._collect_parts(state, delete=False)
        file_format = FileFormat.from_dict(state.format.as_dict()) if state.format else None
        self._write_report(state, "en_attente", " ".join(reasons), file_format, rejects, [])
        count(Metric.RNE_SNAPSHOT_HELD)
        logger.warning("RNE snapshot held for an operator", extra={"reasons": reasons})

    # --- 3. ecriture ------------------------------------------------------------------------
    def _write(self, state, remaining_ms: Callable[[], int]) -> bool:
        keys = [
            k
            for k in self._lists.change_keys(state.bucket, state.pk)
            if not state.applique or k > state.applique
        ]
        while keys:
            group: list[Listed] = []
            last = keys[0]
            while keys and len(group) < WRITE_GROUP:
                last = keys.pop(0)
                group += self._lists.read(state.bucket, [last])
            self._store.checkpoint_written(state, last, self._apply_changes(state, group))
            if keys and remaining_ms() < HANDOFF_MARGIN_MS:
                self._hand_over(state)
                return False
        self._store.set_phase(state, "fermeture")
        return True

    def _apply_changes(self, state, entries: list[Listed]) -> dict[str, int]:
        """Write new or changed mandates and link their accounts; the counts to checkpoint."""
        if not entries:
            return {}
        # the mandates are written while their accounts are looked up and linked
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rne-put") as pool:
            written = pool.submit(
                contextvars.copy_context().run,
                self._store.put_mandates,
                entries,
                state.pk,
                state.instantane[:10],
            )
            links = link_rows(self._store, entries, self._now())
            written.result()
        if links.ambiguities:
            self._objects.put_json(
                state.bucket,
                f"{PARTS_PREFIX}{state.pk}/e{entries[0].line:010d}.json",
                {"rejets": [], "ambiguites": links.ambiguities},
            )
        count(Metric.RNE_MANDATES_WRITTEN, len(entries))
        count(Metric.ELU_RECOGNISED, links.newly_recognised)
        count(Metric.RNE_AMBIGUOUS_MATCH, len(links.ambiguities))
        return {
            "elus_reconnus": links.newly_recognised,
            "correspondances_ambigues": len(links.ambiguities),
        }

    # --- 4. fermeture -----------------------------------------------------------------------
    def _close(self, state, remaining_ms: Callable[[], int]) -> bool:
        """Close what the previous snapshots listed and this one does not: written whole from
        their entries, with the end date, in groups checkpointed like the changes."""
        fin = state.instantane[:10]
        applied = self._applied(state)
        keys = [
            k
            for k in self._lists.closing_keys(state.bucket, state.pk)
            if not state.ferme or k > state.ferme
        ]
        for position, key in enumerate(keys, start=1):
            entries = list(self._lists.read(state.bucket, [key]))
            by_snapshot: dict[str, list[Listed]] = {}
            for entry in entries:
                seen = applied[_departement_of(entry.scope)].instantane[:10]
                by_snapshot.setdefault(seen, []).append(entry)
            # the rights workers are told while the closed mandates are written
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rne-rights") as pool:
                told = pool.submit(contextvars.copy_context().run, self._tell_rights, entries)
                for seen, group in by_snapshot.items():
                    self._store.put_mandates(group, state.pk, seen, fin=fin)
                told.result()
            self._store.checkpoint_closed(state, key, len(entries))
            if position < len(keys) and remaining_ms() < HANDOFF_MARGIN_MS:
                self._hand_over(state)
                return False
        return True

    def _tell_rights(self, closed: list[Listed]) -> None:
        """The accounts that may hold these ended mandates are looked at again by the rights
        workers (in office or not, until when their rights can be used). Before the checkpoint:
        a group closed again after a crash tells them again, which changes nothing."""
        if self._send_ended is None or not closed:
            return
        holders = self._store.holders(key for entry in closed for key in entry.keys)
        accounts = sorted(set().union(*(h.accounts for h in holders.values())))
        send_accounts(self._send_ended, accounts)

    def _scopes(self, state) -> set[str]:
        """The scopes this snapshot replaces: its départements (all applied ones when
        national)."""
        if not formats.MANDATE_TYPES[state.mandate_type].has_departement:
            return {f"{state.mandate_type}#FR"}
        portee = set(state.portee or ())
        if NATIONAL in portee:
            departements = set(self._applied(state)) | set(state.departements_vus or ())
        elif portee:
            departements = portee
        else:
            departements = set(state.departements_vus or ())
        return {f"{state.mandate_type}#{d}" for d in departements}

    # --- end of file ------------------------------------------------------------------------
    def _finish(self, state, seconds: float) -> None:
        scopes = self._scopes(state)
        newer = self._store.record_snapshots(
            state.mandate_type,
            [_departement_of(s) for s in scopes],
            state.instantane,
            state.pk,
        )
        # the lists the new ones replace go; where a newer snapshot got there first, ours go
        applied = self._applied(state)
        replaced: dict[str, set[str]] = {}
        for scope in scopes:
            departement = _departement_of(scope)
            current = applied.get(departement)
            if departement in newer:
                logger.warning(
                    "A newer RNE snapshot was applied meanwhile", extra={"dept": departement}
                )
                replaced.setdefault(state.pk, set()).add(scope)
            elif current and current.fichier != state.pk:
                replaced.setdefault(current.fichier, set()).add(scope)
        for file, dropped in replaced.items():
            self._lists.drop_scopes(state.bucket, file, dropped)
        self._lists.drop_work(state.bucket, state.pk)
        rejects, ambiguities = self._collect_parts(state)
        self._store.end_file(state, "termine", self._now(), rapport=self._report_key(state))
        self._write_report(
            state,
            "termine",
            None,
            FileFormat.from_dict(state.format.as_dict()),
            rejects,
            ambiguities,
        )
        self._store.mark_ingestion_finished(self._now())
        counters = state.compteurs.as_dict()
        count(Metric.RNE_MANDATES_CLOSED, int(counters.get("mandats_fermes", 0)))
        count(Metric.RNE_FILE_PROCESSED)
        metrics.add_metric(name=Metric.RNE_FILE_PROCESSING_TIME, unit="Seconds", value=seconds)
        # per file, so that one prefecture's broken export raises the alarm on its own
        metrics.add_metric(
            name=Metric.RNE_FILE_REJECT_RATE, unit="Percent", value=reject_rate(counters)
        )
        logger.info("RNE file ingested", extra={"compteurs": counters})

    # --- reports ----------------------------------------------------------------------------
    def _collect_parts(self, state, delete: bool = True) -> tuple[list[dict], list[dict]]:
        rejects, ambiguities = [], []
        keys = self._objects.keys_under(state.bucket, f"{PARTS_PREFIX}{state.pk}/")
        parts = [(key, self._objects.read_json(state.bucket, key)) for key in keys]
        for _, part in sorted(parts, key=lambda kp: kp[0].rsplit("/", 1)[1][1:]):
            rejects += part["rejets"]
            ambiguities += part["ambiguites"]
        if delete:
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
        """What operators and the prefecture need: counts, reasons and line numbers; never a
        name or a birth date (the file itself is there for that)."""
        counters = state.compteurs.as_dict() if state.compteurs else {}
        report = {
            "fichier": {"bucket": state.bucket, "cle": state.key, "version": state.version},
            "identifiant": state.pk.split("#", 1)[1],
            "statut": statut,
            "motif": motif,
            "attente": list(state.attente or []) if statut == "en_attente" else None,
            "type_mandat": state.mandate_type,
            "libelle_type_mandat": (
                formats.MANDATE_TYPES[state.mandate_type].libelle if state.mandate_type else None
            ),
            "perimetre": sorted(self._scopes(state)) if state.phase else None,
            "instantane": state.instantane,
            "format": file_format.as_dict() if file_format else None,
            "compteurs": {name: int(counters.get(name, 0)) for name in COUNTERS},
            "bilan": list(state.bilan or []),
            "confirme_par": state.confirme_par,
            "rejets": rejects,
            "ambiguites": ambiguities,
            "traite_le": self._now().isoformat(),
        }
        self._objects.put_json(state.bucket, self._report_key(state), report, indented=True)

    def _reject_file(self, state, motif: str, file_format: FileFormat | None = None) -> None:
        self._store.end_file(
            state, "rejete", self._now(), motif=motif, rapport=self._report_key(state)
        )
        self._write_report(state, "rejete", motif, file_format, [], [])
        self._collect_parts(state)
        count(Metric.RNE_FILE_REJECTED)
        logger.warning("RNE file rejected", extra={"motif": motif})

    def forget(self, pk: str) -> None:
        """A discarded snapshot: its lists and parts go, its report says so."""
        state = self._store.get_file(pk)
        if state is None:
            return
        self._lists.drop_all(state.bucket, state.pk)
        rejects, _ = self._collect_parts(state)
        file_format = FileFormat.from_dict(state.format.as_dict()) if state.format else None
        self._write_report(
            state,
            "ecarte",
            "Écarté par un opérateur : rien n'a été appliqué.",
            file_format,
            rejects,
            [],
        )

    # --- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _owner() -> str:
        return uuid.uuid4().hex


class ChunkWriter:
    """Writes chunks in background threads, two at once, at most AHEAD behind the reading;
    each chunk's checkpoint is then taken in the reading thread, in the order of the file,
    and never after a chunk that failed."""

    AHEAD = 3
    WORKERS = 2

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self.WORKERS, thread_name_prefix="rne-chunk")
        self._pending: deque[tuple[Future, Callable]] = deque()

    def submit(self, write: Callable[[], object], then: Callable[[object], None]) -> None:
        """`write` in the background; `then(its result)` here once it and those before are
        done."""
        while len(self._pending) >= self.AHEAD:
            self._finish_oldest()
        future = self._pool.submit(contextvars.copy_context().run, write)
        self._pending.append((future, then))

    def wait(self) -> None:
        while self._pending:
            self._finish_oldest()

    def _finish_oldest(self) -> None:
        future, then = self._pending.popleft()
        then(future.result())  # re-raises a failed chunk's error: no checkpoint after it

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class CurrentList:
    """A scope's current entries, and those read from a single row, by that row's digest."""

    entries: dict[str, list]  # item -> entry as stored
    by_raw: dict[str, list] = field(init=False)

    def __post_init__(self) -> None:
        by_raw = {}
        for entry in self.entries.values():
            raws = entry_raws(entry)
            if len(raws) == 1:
                by_raw[raws[0]] = entry
        object.__setattr__(self, "by_raw", by_raw)


@dataclass(frozen=True)
class Accepted:
    """A row that is a mandate: parsed, or known as the current snapshot had it."""

    row: object
    raw: str
    keys: list[str] | None = None
    mandate: MandateRow | None = None
    known: Listed | None = None

    @property
    def key(self) -> tuple[str, str]:
        if self.known is not None:
            return self.known.person_key, self.known.mandate_key
        return self.keys[0], self.mandate.mandate_key


def _same_person(previous, row) -> bool:
    """Two consecutive rows of one person (one per function): never cut between them, so
    that they merge into one mandate."""
    if previous.fields is None or row.fields is None:
        return False
    ignored = {"fonction_libelle", "date_debut_fonction"}
    return all(row.fields.get(k) == v for k, v in previous.fields.items() if k not in ignored)


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
