"""One file as one invocation works on it: its stored state and what the phases share.

`FileRun.file` is the file's item (phase, checkpoint, counters, lease): every store call updates
it in place, so it always says how far the file went. The rest is what the phases read and
write with, and what this invocation remembers of the snapshots already applied (read once,
forgotten with the invocation: another one may have applied a snapshot meanwhile).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ...models import RneFile
from ...observability import logger
from .. import formats
from ..s3_store import RneObjects
from ..snapshot_lists import Entry, SnapshotLists, entry_raws
from ..store import RneStore, Snapshot
from ..uploads import NATIONAL
from . import limits

Json = dict[str, Any]  # a queue message, a report or one of its parts
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


def departement_of(scope: str) -> str:
    """ "CM#35" -> "35" ("FR" for a national scope)."""
    return scope.split("#", 1)[1]


@dataclass(frozen=True)
class CurrentList:
    """A scope's current entries, and those read from a single row, by that row's digest."""

    entries: dict[str, Entry]  # item -> entry as stored
    by_raw: dict[str, Entry] = field(init=False)

    def __post_init__(self) -> None:
        by_raw = {}
        for entry in self.entries.values():
            raws = entry_raws(entry)
            if len(raws) == 1:
                by_raw[raws[0]] = entry
        object.__setattr__(self, "by_raw", by_raw)


@dataclass
class FileRun:
    """What every phase takes: see the module's docstring."""

    file: RneFile  # updated in place by each store call
    objects: RneObjects
    lists: SnapshotLists
    store: RneStore
    now: Callable[[], datetime]
    send_continuation: Callable[[Json], None]
    send_ended: Callable[[Json], object] | None
    chunk_rows: int
    # the invocation's time left; None for an operator's command, which reads no rows
    remaining_ms: Callable[[], int] | None
    # the current lists of the last scopes read (with their rows as read)
    previous: OrderedDict[str, CurrentList] = field(default_factory=OrderedDict)
    applied_snapshots: dict[str, Snapshot] | None = None
    # where each applied snapshot keeps its lists: file -> scope -> objects
    objects_of: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def applied(self) -> dict[str, Snapshot]:
        """The snapshots applied to the file's type, read once per invocation."""
        if self.applied_snapshots is None:
            self.applied_snapshots = self.store.snapshots(self.file.mandate_type)
        return self.applied_snapshots

    def objects_of_file(self, file: str, scope: str) -> list[str]:
        if file not in self.objects_of:
            self.objects_of[file] = self.lists.objects_by_scope(self.file.bucket, file)
        return self.objects_of[file].get(scope, [])

    def scopes(self) -> set[str]:
        """The scopes this snapshot replaces: its départements (all applied ones when
        national)."""
        mandate_type = self.file.mandate_type
        if not formats.MANDATE_TYPES[mandate_type].has_departement:
            return {f"{mandate_type}#FR"}
        portee = set(self.file.portee or ())
        seen = set(self.file.departements_vus or ())
        if NATIONAL in portee:
            departements = set(self.applied()) | seen
        elif portee:
            departements = portee
        else:
            departements = seen
        return {f"{mandate_type}#{d}" for d in departements}

    def time_is_up(self) -> bool:
        """Too little time left to take another chunk or group."""
        return self.remaining_ms is not None and self.remaining_ms() < limits.HANDOFF_MARGIN_MS

    def hand_over(self) -> None:
        """Leave the rest of the file to a next invocation, through the ingestion queue."""
        self.store.release(self.file, self.now())
        self.send_continuation({"suite": self.file.pk})
        logger.info("RNE file handed over", extra={"phase": self.file.phase})
