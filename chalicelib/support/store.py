"""All AWS access for help requests: DynamoDB, and the S3 bucket of their documents."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from ..models import Account, SupportRequest

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
    def documents(self, reference: str) -> list[dict]:
        """The documents uploaded for a request: key, size (bytes), when."""
        listed = self._s3.list_objects_v2(Bucket=self.bucket, Prefix=f"{PIECES}{reference}/")
        return [
            {"cle": o["Key"], "taille": int(o["Size"]), "depose_le": o["LastModified"]}
            for o in listed.get("Contents", [])
        ]

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
        keys = [d["cle"] for reference in references for d in self.documents(reference)]
        for start in range(0, len(keys), 1000):
            self._s3.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": k} for k in keys[start : start + 1000]]},
            )
