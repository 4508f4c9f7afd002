"""Phase 4, fermeture, and the end of a file: the mandates the previous snapshots listed and
this one does not are closed; then each scope records the snapshot (unless a newer one got
there first), the lists it replaces go, and the report is written."""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor

from ...observability import Metric, count, logger, metrics
from ...rights.daily import send_accounts
from ..reader import FileFormat
from ..snapshot_lists import Listed
from .report import collect_parts, reject_rate, report_key, write_report
from .state import FileRun, departement_of


def close(run: FileRun) -> bool:
    """Close what the previous snapshots listed and this one does not: written whole from
    their entries, with the end date, in groups checkpointed like the changes. False if
    handed over."""
    file = run.file
    fin = file.instantane[:10]
    applied = run.applied()
    keys = [
        k for k in run.lists.closing_keys(file.bucket, file.pk) if not file.ferme or k > file.ferme
    ]
    for position, key in enumerate(keys, start=1):
        entries = list(run.lists.read(file.bucket, [key]))
        by_snapshot: dict[str, list[Listed]] = {}
        for entry in entries:
            seen = applied[departement_of(entry.scope)].instantane[:10]
            by_snapshot.setdefault(seen, []).append(entry)
        # the rights workers are told while the closed mandates are written
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rne-rights") as pool:
            told = pool.submit(contextvars.copy_context().run, _tell_rights, run, entries)
            for seen, group in by_snapshot.items():
                run.store.put_mandates(group, file.pk, seen, fin=fin)
            told.result()
        run.store.checkpoint_closed(file, key, len(entries))
        if position < len(keys) and run.time_is_up():
            run.hand_over()
            return False
    return True


def _tell_rights(run: FileRun, closed: list[Listed]) -> None:
    """The accounts that may hold these ended mandates are looked at again by the rights
    workers (in office or not, until when their rights can be used). Before the checkpoint:
    a group closed again after a crash tells them again, which changes nothing."""
    if run.send_ended is None or not closed:
        return
    holders = run.store.holders(key for entry in closed for key in entry.keys)
    accounts = sorted(set[str]().union(*(h.accounts for h in holders.values())))
    send_accounts(run.send_ended, accounts)


def finish(run: FileRun, seconds: float) -> None:
    file = run.file
    scopes = run.scopes()
    newer = run.store.record_snapshots(
        file.mandate_type, [departement_of(s) for s in scopes], file.instantane, file.pk
    )
    # the lists the new ones replace go; where a newer snapshot got there first, ours go
    applied = run.applied()
    replaced: dict[str, set[str]] = {}
    for scope in scopes:
        departement = departement_of(scope)
        current = applied.get(departement)
        if departement in newer:
            logger.warning(
                "A newer RNE snapshot was applied meanwhile", extra={"dept": departement}
            )
            replaced.setdefault(file.pk, set()).add(scope)
        elif current and current.fichier != file.pk:
            replaced.setdefault(current.fichier, set()).add(scope)
    for other, dropped in replaced.items():
        run.lists.drop_scopes(file.bucket, other, dropped)
    run.lists.drop_work(file.bucket, file.pk)
    rejects, ambiguities = collect_parts(run)
    run.store.end_file(file, "termine", run.now(), rapport=report_key(file))
    write_report(
        run,
        "termine",
        None,
        FileFormat.from_dict(file.format.as_dict()),
        rejects,
        ambiguities,
    )
    run.store.mark_ingestion_finished(run.now())
    counters = file.compteurs.as_dict()
    count(Metric.RNE_MANDATES_CLOSED, int(counters.get("mandats_fermes", 0)))
    count(Metric.RNE_FILE_PROCESSED)
    metrics.add_metric(name=Metric.RNE_FILE_PROCESSING_TIME, unit="Seconds", value=seconds)
    # per file, so that one prefecture's broken export raises the alarm on its own
    metrics.add_metric(
        name=Metric.RNE_FILE_REJECT_RATE, unit="Percent", value=reject_rate(counters)
    )
    logger.info("RNE file ingested", extra={"compteurs": counters})
