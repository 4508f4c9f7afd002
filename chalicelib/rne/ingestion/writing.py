"""Phase 3, ecriture: the new and changed mandates the reading listed are written, in groups
checkpointed one after the other, and their accounts linked."""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor

from ...observability import Metric, count
from ..recognition import link_rows
from ..snapshot_lists import Listed
from . import limits
from .report import WRITTEN_PART, put_part
from .state import FileRun


def write(run: FileRun) -> bool:
    """Every change written; False if handed over."""
    file = run.file
    keys = [
        k
        for k in run.lists.change_keys(file.bucket, file.pk)
        if not file.applique or k > file.applique
    ]
    while keys:
        group: list[Listed] = []
        last = keys[0]
        while keys and len(group) < limits.WRITE_GROUP:
            last = keys.pop(0)
            group += run.lists.read(file.bucket, [last])
        run.store.checkpoint_written(file, last, apply_changes(run, group))
        if keys and run.time_is_up():
            run.hand_over()
            return False
    run.store.set_phase(file, "fermeture")
    return True


def apply_changes(run: FileRun, entries: list[Listed]) -> dict[str, int]:
    """Write new or changed mandates and link their accounts; the counts to checkpoint."""
    if not entries:
        return {}
    file = run.file
    # the mandates are written while their accounts are looked up and linked
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rne-put") as pool:
        written = pool.submit(
            contextvars.copy_context().run,
            run.store.put_mandates,
            entries,
            file.pk,
            file.instantane[:10],
        )
        links = link_rows(run.store, entries, run.now())
        written.result()
    if links.ambiguities:
        put_part(run, WRITTEN_PART, entries[0].line, [], links.ambiguities)
    count(Metric.RNE_MANDATES_WRITTEN, len(entries))
    count(Metric.ELU_RECOGNISED, links.newly_recognised)
    count(Metric.RNE_AMBIGUOUS_MATCH, len(links.ambiguities))
    return {
        "elus_reconnus": links.newly_recognised,
        "correspondances_ambigues": len(links.ambiguities),
    }
