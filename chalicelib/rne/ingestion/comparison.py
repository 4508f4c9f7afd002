"""Phase 2, review: the new snapshot's lists compared with the current ones, per scope: what it
would close and add. Held for an operator when that looks like a mistake (snapshot_guard.py),
unless one confirmed it; the mandates to close are kept in S3, in groups, for the fermeture."""

from __future__ import annotations

from ..snapshot_guard import ScopeChange, hold_reasons
from ..snapshot_lists import Entry, entry_value
from . import limits
from .report import hold
from .state import FileRun, departement_of


def review(run: FileRun) -> bool:
    """False if held."""
    file = run.file
    applied = run.applied()
    bilan: list[ScopeChange] = []
    closing: list[Entry] = []
    groups = 0
    for scope in sorted(run.scopes()):
        current = applied.get(departement_of(scope))
        if current is None or current.fichier == file.pk:
            continue  # a first snapshot closes nothing
        before = run.lists.scope(file.bucket, run.objects_of_file(current.fichier, scope))
        now = run.lists.scope(file.bucket, run.objects_of_file(file.pk, scope))
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
