"""All S3 access of the RNE ingestion: the uploaded files (read in ranges), and what the
ingestion writes beside them: reports, report parts and the lists of each snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

import orjson


@dataclass(frozen=True)
class ObjectHead:
    size: int
    last_modified: datetime
    metadata: dict[str, str]  # user metadata, keys in lower case


class RneObjects:
    def __init__(self, s3: Any) -> None:  # a boto3 S3 client: boto3 has no type hints
        self._s3 = s3

    # --- uploaded files ---------------------------------------------------------------------
    def head(self, bucket: str, key: str, version: str | None) -> ObjectHead:
        head = self._s3.head_object(**_args(bucket, key, version))
        return ObjectHead(
            head["ContentLength"],
            head["LastModified"],
            {k.lower(): v for k, v in head.get("Metadata", {}).items()},
        )

    def open(self, bucket: str, key: str, version: str | None, offset: int = 0) -> BinaryIO:
        """The file's bytes from `offset`, streamed; close it when done."""
        extra = {"Range": f"bytes={offset}-"} if offset else {}
        body: BinaryIO = self._s3.get_object(**_args(bucket, key, version), **extra)["Body"]
        return body

    def count_lines(self, bucket: str, key: str, version: str | None) -> int:
        """Line ends in the file (LF, or CR alone): an upper bound of its rows, known before
        anything is written. Streamed, so any size fits in memory."""
        body = self.open(bucket, key, version)
        lf = cr = 0
        try:
            for chunk in iter(lambda: body.read(1024 * 1024), b""):
                lf += chunk.count(b"\n")
                cr += chunk.count(b"\r")
        finally:
            body.close()
        return max(lf, cr) + 1

    # --- what the ingestion writes ----------------------------------------------------------
    def put_json(self, bucket: str, key: str, data: Any, indented: bool = False) -> None:
        """UTF-8 JSON (orjson: the snapshot lists hold hundreds of thousands of entries)."""
        self._s3.put_object(
            Bucket=bucket,
            Key=key,
            ContentType="application/json",
            Body=orjson.dumps(data, option=orjson.OPT_INDENT_2 if indented else 0),
        )

    def read_json(self, bucket: str, key: str) -> Any:
        return orjson.loads(self._s3.get_object(Bucket=bucket, Key=key)["Body"].read())

    def keys_under(self, bucket: str, prefix: str) -> list[str]:
        keys: list[str] = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=prefix
        ):
            keys += [item["Key"] for item in page.get("Contents", [])]
        return sorted(keys)

    def delete(self, bucket: str, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            self._s3.delete_objects(
                Bucket=bucket,
                Delete={"Objects": [{"Key": k} for k in keys[start : start + 1000]], "Quiet": True},
            )


def _args(bucket: str, key: str, version: str | None) -> dict[str, str]:
    args = {"Bucket": bucket, "Key": key}
    if version:
        args["VersionId"] = version
    return args
