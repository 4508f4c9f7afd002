"""Phase 1, lecture: every row read in chunks, checked, and compared with the current
snapshot's lists of its scope. Each chunk's entries (the new lists) and its new or changed
mandates go to S3, then the chunk is checkpointed; nothing is written to the tables yet,
except for a first snapshot, which can close nothing nor be held: its mandates are written
while the next rows are read."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from ...observability import Metric, count
from ..matching import row_keys
from ..reader import FileFormat, Row, iter_rows
from ..rows import InvalidRow, MandateRow, parse_row
from ..snapshot_lists import Entry, Listed, entry_digest, listed, raw_digest
from ..uploads import NATIONAL
from . import limits
from .chunk_writer import ChunkWriter
from .report import READ_PART, put_part
from .state import COUNTERS, CurrentList, FileRun, Json, departement_of
from .writing import apply_changes


@dataclass
class ChunkOutcome:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    rejects: list[Json] = field(default_factory=list)
    departements: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class RowRules:
    """How a row of this file becomes a mandate."""

    mandate_type: str
    today: date
    snapshot: date  # the file's snapshot date: no mandate begins after it
    restrict: set[str]  # the départements the file may speak of (empty: any)

    def parse(self, line: int, fields: dict[str, str], raw: str) -> Parsed:
        """Raises InvalidRow, with the reason for the report."""
        mandate = parse_row(fields, self.mandate_type, self.today, snapshot=self.snapshot)
        if self.restrict and mandate.departement not in self.restrict:
            raise InvalidRow(
                f"Département {mandate.departement} hors du périmètre du "
                f"dépôt ({', '.join(sorted(self.restrict))})."
            )
        keys = row_keys(
            mandate.date_naissance, mandate.sexe, mandate.nom, mandate.prenom, mandate.autres_noms
        )
        return Parsed(line, fields, raw, keys, mandate)


@dataclass(frozen=True)
class Parsed:
    """A row that is a mandate, parsed."""

    line: int
    fields: dict[str, str]
    raw: str  # the digest of its cells as read
    keys: list[str]  # identity key, then the copies' keys
    mandate: MandateRow

    @property
    def key(self) -> tuple[str, str]:
        return self.keys[0], self.mandate.mandate_key


@dataclass(frozen=True)
class Known:
    """A row read exactly as the current snapshot had it: its entry, without parsing."""

    line: int
    fields: dict[str, str]
    raw: str
    known: Listed

    @property
    def key(self) -> tuple[str, str]:
        return self.known.person_key, self.known.mandate_key


def read(run: FileRun) -> bool:
    """Every row read and compared; False if handed over.

    The first snapshot of its scopes is written as it is read (one chunk ahead at most),
    each chunk checkpointed once written."""
    file = run.file
    file_format = FileFormat.from_dict(file.format.as_dict())
    size = run.objects.head(file.bucket, file.key, file.version).size
    offset = int(file.offset)
    if offset >= size:
        return True
    writer = ChunkWriter() if _first_snapshot(run) else None
    body = run.objects.open(file.bucket, file.key, file.version, offset)
    try:
        chunk: list[Row] = []
        for row in iter_rows(body, file_format, offset, int(file.next_line)):
            if len(chunk) >= run.chunk_rows and not same_person(chunk[-1], row):
                _read_chunk(run, chunk, writer)
                chunk = []
                if run.time_is_up():
                    if writer:
                        writer.wait()
                    run.hand_over()
                    return False
            chunk.append(row)
        if chunk:
            _read_chunk(run, chunk, writer)
        if writer:
            writer.wait()
    finally:
        body.close()
        if writer:
            writer.close()
        # the current lists kept for the reading (the largest scopes' thousands of entries)
        # are not held through the review, which reads its own
        run.previous.clear()
    return True


def _first_snapshot(run: FileRun) -> bool:
    """No snapshot of this type applied yet where the file applies."""
    applied = set(run.applied())
    portee = set(run.file.portee or ())
    return not applied if not portee or NATIONAL in portee else not portee & applied


def _read_chunk(run: FileRun, chunk: list[Row], writer: ChunkWriter | None) -> None:
    file = run.file
    outcome = ChunkOutcome()
    entries, current = _accepted(run, chunk, outcome)
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
    run.lists.write(file.bucket, file.pk, first_line, entries)
    if outcome.rejects:
        put_part(run, READ_PART, first_line, outcome.rejects, [])
    if writer is None:
        run.lists.write_changes(file.bucket, file.pk, first_line, changes)
        run.store.checkpoint(
            file, last.end_offset, last.line + 1, outcome.counts, outcome.departements, first_line
        )
    else:
        writer.submit(
            lambda: apply_changes(run, changes),
            lambda linked: run.store.checkpoint(
                file,
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


def _accepted(
    run: FileRun, chunk: list[Row], outcome: ChunkOutcome
) -> tuple[list[Listed], dict[str, dict[str, Entry]]]:
    """The chunk's mandates, and the current lists of their scopes; the rows that cannot
    be one go to the report. A row read exactly as the current snapshot had it is taken
    from its entry, without parsing."""
    rules = RowRules(
        run.file.mandate_type,
        run.now().date(),
        date.fromisoformat(run.file.instantane[:10]),
        set(run.file.portee or ()) - {NATIONAL, "FR"},
    )
    accepted: dict[tuple[str, str], list[Parsed | Known]] = {}
    touched: dict[str, dict[str, Entry]] = {}
    for row in chunk:
        outcome.counts["lignes_lues"] += 1
        try:
            if row.fields is None:  # unreadable: the reader says why
                raise InvalidRow(row.problem)
            raw = raw_digest(row.fields)
            known = _known_row(run, raw, row.line)
            read: Parsed | Known
            if known is not None:
                read = Known(row.line, row.fields, raw, known)
                scope = known.scope
            else:
                read = rules.parse(row.line, row.fields, raw)
                # its scope's current list, so that the next rows are recognised as read
                scope = read.mandate.scope
            if scope not in touched:
                touched[scope] = _current_list(run, scope)
        except InvalidRow as reason:
            outcome.rejects.append({"ligne": row.line, "motif": str(reason)})
            continue
        outcome.counts["acceptees"] += 1
        accepted.setdefault(read.key, []).append(read)
    outcome.counts["rejetees"] = len(outcome.rejects)
    entries = []
    for reads in accepted.values():
        first = reads[0]
        if len(reads) == 1 and isinstance(first, Known):
            entry = first.known
        else:  # listed once per function: one mandate, every function
            parsed = [
                r if isinstance(r, Parsed) else rules.parse(r.line, r.fields, r.raw) for r in reads
            ]
            merged = parsed[0].mandate
            for other in parsed[1:]:
                merged = merged_functions(merged, other.mandate)
            entry = listed(first.line, parsed[0].keys, merged, tuple(r.raw for r in reads))
        outcome.departements.add(entry.value("departement") or "FR")
        entries.append(entry)
    return entries, touched


def _known_row(run: FileRun, raw: str, line: int) -> Listed | None:
    for current in reversed(run.previous.values()):
        known = current.by_raw.get(raw)
        if known is not None:
            return Listed.from_entry(known, line=line)
    return None


def _current_list(run: FileRun, scope: str) -> dict[str, Entry]:
    """The entries the scope's applied snapshot lists (a few scopes kept in memory)."""
    if scope in run.previous:
        run.previous.move_to_end(scope)
        return run.previous[scope].entries
    applied = run.applied().get(departement_of(scope))
    entries = (
        run.lists.scope(run.file.bucket, run.objects_of_file(applied.fichier, scope))
        if applied and applied.fichier != run.file.pk
        else {}
    )
    run.previous[scope] = CurrentList(entries)
    while len(run.previous) > limits.PREVIOUS_SCOPES_KEPT:
        run.previous.popitem(last=False)
    return entries


def same_person(previous: Row, row: Row) -> bool:
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
