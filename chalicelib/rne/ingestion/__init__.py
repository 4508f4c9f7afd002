"""Ingesting one RNE file: a snapshot of its scopes, compared, checked, then applied.

A message of the ingestion queue is either the S3 notification of an upload or a continuation
`{"suite": "<file id>"}` that an invocation sends itself when its time runs out (or that an
operator's command sends, see infra/rne.py). A file goes through its phases, each checkpointed
and idempotent, so a crash redoes at most one step (service.py runs them, on one `FileRun`,
state.py):

0. header.py: layout, mandate type, scope and snapshot time. A file is refused whole, before
   any write, when its sender may not send it (uploads.py), when it is too big, or when an
   applied snapshot is newer; when its type cannot be told it waits for an operator instead.
1. reading.py, lecture: rows are read in chunks, checked, and compared with the current
   snapshot's lists of their scope (in S3, see snapshot_lists.py). The new lists, and the rows
   that are new or changed, go to S3; nothing is written to the tables yet.
2. comparison.py, review: what the snapshot would close and add, per scope. A snapshot that
   would close too much, or looks older than the current one, waits for an operator
   (snapshot_guard.py).
3. writing.py, ecriture: the new and changed mandates are written (in parallel batches) and
   their accounts linked; then closing.py, fermeture: the absent mandates are closed from the
   previous lists, and each scope records the snapshot, unless a newer one got there first.

report.py writes what each file leaves for people to read, whichever way it ends.
"""

from .report import reject_rate
from .service import RneIngestion, file_pk

__all__ = ["RneIngestion", "file_pk", "reject_rate"]
