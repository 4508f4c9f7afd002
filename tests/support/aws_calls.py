"""Which AWS actions the code performs, on which resources: recorded at botocore's single entry
point, so boto3 and PynamoDB calls alike are seen (moto answers below it), and named as IAM
names them."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

from botocore.client import BaseClient


@dataclass(frozen=True)
class AwsCall:
    action: str  # as IAM names it: "dynamodb:PutItem", "s3:GetObject", "ses:SendEmail"
    resource: str  # a table, bucket, queue, sender domain or secret name
    function: str | None = None  # the function that made it, when the caller says


_TRANSACT_ITEM = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
_S3_ACTION = {
    "HeadObject": "GetObject",
    "DeleteObjects": "DeleteObject",  # authorised object by object
    "HeadBucket": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
}


def _actions(service: str, operation: str, params: dict) -> list[tuple[str, str]]:
    """(IAM action, resource name) pairs an API call needs."""
    if service == "dynamodb":
        if "TransactItems" in params:  # authorised item by item
            return [
                (f"dynamodb:{_TRANSACT_ITEM[kind]}", item[kind]["TableName"])
                for item in params["TransactItems"]
                for kind in item
            ]
        tables = [params["TableName"]] if "TableName" in params else list(params["RequestItems"])
        return [(f"dynamodb:{operation}", table) for table in tables]
    if service == "s3":
        if operation == "DeleteObjects":  # each object: a version of it, or its current one
            return [
                (
                    "s3:DeleteObjectVersion" if "VersionId" in o else "s3:DeleteObject",
                    params["Bucket"],
                )
                for o in params["Delete"]["Objects"]
            ]
        if operation == "GetObject" and "VersionId" in params:
            return [("s3:GetObjectVersion", params["Bucket"])]
        return [(f"s3:{_S3_ACTION.get(operation, operation)}", params["Bucket"])]
    if service == "sqs":
        name = (
            params["QueueUrl"].rstrip("/").rsplit("/", 1)[-1]
            if "QueueUrl" in params
            else params["QueueName"]
        )
        return [(f"sqs:{operation}", name)]
    if service == "sesv2":
        return [(f"ses:{operation}", params["FromEmailAddress"].rsplit("@", 1)[-1])]
    if service == "secretsmanager":
        return [(f"secretsmanager:{operation}", params["SecretId"])]
    if service == "kms":  # the key named by its alias
        return [(f"kms:{operation}", params.get("KeyId", "*"))]
    return [(f"{service}:{operation}", "*")]


@contextlib.contextmanager
def recording(function: Callable[[], str | None] = lambda: None):
    """Yield the list the calls made inside the block are appended to; `function` names the
    function running at the time of each call."""
    calls: list[AwsCall] = []
    original = BaseClient._make_api_call

    def record(client, operation, params):
        service = client.meta.service_model.service_name
        for action, resource in _actions(service, operation, params):
            calls.append(AwsCall(action, resource, function()))
        return original(client, operation, params)

    with mock.patch.object(BaseClient, "_make_api_call", record):
        yield calls
