"""The ingestion queue's messages: each file claimed (under a lease), then taken through its
phases from where it stopped."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import unquote_plus

from ...models import RneFile
from ...observability import logger
from ..s3_store import RneObjects
from ..snapshot_lists import STATE_PREFIX, SnapshotLists
from ..store import RneStore
from . import closing, comparison, header, limits, reading, writing
from .report import REPORTS_PREFIX, collect_parts, stored_format, write_report
from .state import FileRun, Json

INTERNAL_PREFIXES = (REPORTS_PREFIX, STATE_PREFIX)  # what the ingestion writes in the bucket


def file_pk(bucket: str, key: str, version: str | None, etag: str | None) -> str:
    identity = f"{bucket}/{key}/{version or ''}/{etag or ''}"
    return "fichier#" + hashlib.sha256(identity.encode()).hexdigest()[:32]


class RneIngestion:
    def __init__(
        self,
        objects: RneObjects,
        store: RneStore,
        send_continuation: Callable[[Json], None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        chunk_rows: int = limits.CHUNK_ROWS,
        send_ended: Callable[[Json], object] | None = None,
    ) -> None:
        self._objects = objects
        self._lists = SnapshotLists(objects)
        self._store = store
        self._send_continuation = send_continuation
        self._send_ended = send_ended
        self._now = clock
        self._chunk_rows = chunk_rows

    def handle_message(self, body: Json, remaining_ms: Callable[[], int]) -> None:
        """An S3 notification of uploads, or a continuation `{"suite": "<file id>"}`."""
        if "suite" in body:
            now = self._now()
            file = self._store.claim_file(body["suite"], _owner(), now, now + limits.LEASE)
            if file is not None:
                logger.append_keys(rne_file=file.pk, s3_key=file.key)
                self._continue(file, remaining_ms)
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

    def forget(self, pk: str) -> None:
        """A discarded snapshot: its lists and parts go, its report says so."""
        file = self._store.get_file(pk)
        if file is None:
            return
        run = self._run(file, remaining_ms=None)
        self._lists.drop_all(file.bucket, file.pk)
        rejects, _ = collect_parts(run)
        write_report(
            run,
            "ecarte",
            "Écarté par un opérateur : rien n'a été appliqué.",
            stored_format(file),
            rejects,
            [],
        )

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
        file = self._store.claim_file(
            pk,
            _owner(),
            now,
            now + limits.LEASE,
            bucket=bucket,
            key=key,
            version=version,
            etag=etag,
        )
        if file is None:
            logger.info("RNE file already processed or in progress: nothing to do")
            return
        self._continue(file, remaining_ms)

    def _continue(self, file: RneFile, remaining_ms: Callable[[], int]) -> None:
        started = time.monotonic()
        run = self._run(file, remaining_ms)
        if (file.format is None or file.mandate_type is None) and not header.read_header(run):
            return
        if file.phase is None and not header.settle(run):
            return
        if file.phase == "lecture":
            if not reading.read(run):
                return
            if not comparison.review(run):
                return
        if file.phase == "ecriture" and not writing.write(run):
            return
        if file.phase == "fermeture" and not closing.close(run):
            return
        closing.finish(run, time.monotonic() - started)

    def _run(self, file: RneFile, remaining_ms: Callable[[], int] | None) -> FileRun:
        """A new run for each invocation's file: nothing it remembers of the applied snapshots
        outlives it."""
        return FileRun(
            file=file,
            objects=self._objects,
            lists=self._lists,
            store=self._store,
            now=self._now,
            send_continuation=self._send_continuation,
            send_ended=self._send_ended,
            chunk_rows=self._chunk_rows,
            remaining_ms=remaining_ms,
        )


def _owner() -> str:
    """A lease owner of its own for each claim."""
    return uuid.uuid4().hex
