"""All AWS access for help requests: DynamoDB, and the S3 bucket of their documents."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import size

from ..models import Account, SupportRequest, is_condition_failure

PIECES = "pieces/"


class SupportStore:
    def __init__(self, s3=None, bucket: str = "") -> None:
        self._s3 = s3
        self.bucket = bucket

    def create(self, request: SupportRequest) -> None:
        request.save(condition=SupportRequest.reference.does_not_exist())

    def get(self, reference: str) -> SupportRequest | None:
        try:
            return SupportRequest.get(reference, consistent_read=True)
        except DoesNotExist:
            return None

    def update(self, request: SupportRequest, now: datetime, **values) -> None:
        """Set these attributes (and when), on the item and on the object."""
        actions = [getattr(SupportRequest, k).set(v) for k, v in values.items()]
        request.update(actions=[*actions, SupportRequest.updated_at.set(now)])

    def account(self, nir_hash: str) -> Account | None:
        try:
            return Account.get(nir_hash, consistent_read=True)
        except DoesNotExist:
            return None

    # --- documents ---------------------------------------------------------------------------
    def reserve_document(self, request: SupportRequest, key: str, most: int) -> bool:
        """One more document key for the request, if it has fewer than `most` (one conditional
        update: forms asked at once cannot pass the limit)."""
        return _if(
            request,
            SupportRequest.pieces_reservees.add({key}),
            SupportRequest.pieces_reservees.does_not_exist()
            | (size(SupportRequest.pieces_reservees) < most),
        )

    def receive_document(self, request: SupportRequest, key: str) -> bool:
        """The first upload of a reserved key (True); False for a key not reserved or already
        received (the same form posted again: a new version, ignored)."""
        return _if(
            request,
            SupportRequest.pieces_recues.add({key}),
            SupportRequest.pieces_reservees.contains(key)
            & ~SupportRequest.pieces_recues.contains(key),
        )

    def plan_summary(self, request: SupportRequest, now: datetime) -> bool:
        """True if no summary was planned yet (the caller then plans it)."""
        return _if(
            request,
            SupportRequest.resume_prevu.set(now),
            SupportRequest.resume_prevu.does_not_exist(),
        )

    def start_summary(self, request: SupportRequest) -> None:
        """The summary under way: an upload from now on plans the next one."""
        request.update(actions=[SupportRequest.resume_prevu.remove()])

    def summarised(self, request: SupportRequest, keys: set[str]) -> None:
        request.update(actions=[SupportRequest.pieces_signalees.add(keys)])

    def documents(self, reference: str, keys: set[str] | None = None) -> list[dict]:
        """The documents uploaded for a request: key, size (bytes), when, the version first
        uploaded (what the mailbox is shown: a form posted again cannot swap the file).
        `keys`: these only."""
        first: dict[str, dict] = {}
        for kind, version in self._versions(reference):
            known = first.get(version["Key"])
            if kind == "Versions" and (
                known is None or version["LastModified"] < known["depose_le"]
            ):
                first[version["Key"]] = {
                    "cle": version["Key"],
                    "taille": int(version["Size"]),
                    "depose_le": version["LastModified"],
                    "version": version.get("VersionId"),
                }
        found = sorted(first.values(), key=lambda d: (d["depose_le"], d["cle"]))
        return [d for d in found if keys is None or d["cle"] in keys]

    def _versions(self, reference: str):
        """("Versions" or "DeleteMarkers", entry) for every object version of a request."""
        pages = self._s3.get_paginator("list_object_versions").paginate(
            Bucket=self.bucket, Prefix=f"{PIECES}{reference}/"
        )
        for page in pages:
            for kind in ("Versions", "DeleteMarkers"):
                for entry in page.get(kind, []):
                    yield kind, entry

    def upload_form(self, key: str, content_type: str, max_bytes: int, seconds: int) -> dict:
        """A presigned POST for this one key, type and size: the browser sends the file to S3
        itself, and S3 refuses any other key, type or a bigger file."""
        return self._s3.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=seconds,
        )

    def delete_documents(self, references: list[str]) -> None:
        """Every version of every document, and the delete markers: on a versioned bucket,
        deleting a key only hides it."""
        objects = [
            {"Key": version["Key"], "VersionId": version["VersionId"]}
            for reference in references
            for _, version in self._versions(reference)
        ]
        for start in range(0, len(objects), 1000):
            self._s3.delete_objects(
                Bucket=self.bucket, Delete={"Objects": objects[start : start + 1000]}
            )


def _if(request: SupportRequest, action, condition) -> bool:
    """The update made if its condition holds (True), else nothing (False)."""
    try:
        request.update(actions=[action], condition=condition)
    except UpdateError as error:
        if is_condition_failure(error):
            return False
        raise
    return True
