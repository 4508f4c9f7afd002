"""Phase 2, review: the new snapshot's lists compared with the current ones, per scope: what it
would close and add. Held for an operator when that looks like a mistake (snapshot_guard.py),
unless one confirmed it; the mandates to close are kept in S3, in groups, for the fermeture."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from ..snapshot_guard import ScopeChange, hold_reasons
from ..snapshot_lists import Entry, entry_value
from ..store import Snapshot
from . import limits
from .report import hold
from .state import FileRun, departement_of


def review(run: FileRun) -> bool:
    """False if held."""
    file = run.file
    bilan: list[ScopeChange] = []
    closing: list[Entry] = []
    groups = 0
    for scope, current, before, now in _compared_lists(run):
        absent = [entry for item, entry in before.items() if item not in now]
        added = [entry for item, entry in now.items() if item not in before]
        since = current.instantane[:10]
        older = sum(1 for e in added if (entry_value(e, "date_debut") or "") < since)
        bilan.append(ScopeChange(scope, len(before), len(absent), len(added), older))
        closing += absent
        if len(closing) >= limits.WRITE_GROUP:
            groups += 1
            run.lists.write_closings(file.bucket, file.pk, groups, closing)
            closing = []
    if closing:
        run.lists.write_closings(file.bucket, file.pk, groups + 1, closing)
    summary = [change.as_dict() for change in bilan if change.closing or change.added]
    reasons = hold_reasons(bilan)
    if reasons and not file.confirme_par:
        hold(run, reasons, summary)
        return False
    run.store.set_phase(file, "ecriture", bilan=summary)
    return True


Lists = dict[str, Entry]


def _compared_lists(run: FileRun) -> Iterator[tuple[str, Snapshot, Lists, Lists]]:
    """(scope, its applied snapshot, that snapshot's list, the new one) for each scope that
    had a snapshot. The next scope's two lists are fetched, in parallel, while one is
    compared: the S3 reads and their parsing overlap the comparison, a scope ahead."""
    file = run.file
    applied = run.applied()
    scopes = []
    for scope in sorted(run.scopes()):
        current = applied.get(departement_of(scope))
        if current is not None and current.fichier != file.pk:  # a first snapshot closes nothing
            objects = (
                run.objects_of_file(current.fichier, scope),
                run.objects_of_file(file.pk, scope),
            )
            scopes.append((scope, current, objects))
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="rne-review") as pool:

        def fetch(objects: list[str]) -> Future[Lists]:
            return pool.submit(
                contextvars.copy_context().run, run.lists.scope, file.bucket, objects
            )

        ahead: tuple[str, Snapshot, Future[Lists], Future[Lists]] | None = None
        for scope, current, (before, now) in scopes:
            fetched, ahead = ahead, (scope, current, fetch(before), fetch(now))
            if fetched:
                yield fetched[0], fetched[1], fetched[2].result(), fetched[3].result()
        if ahead:
            yield ahead[0], ahead[1], ahead[2].result(), ahead[3].result()
