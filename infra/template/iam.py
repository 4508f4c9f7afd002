"""Least privilege: one role per function (Chalice creates them with autogen_policy off), whose
policy is replaced by the one built here from the function's declared access. No `*` action,
and no `*` resource except X-Ray's, which has no resource-level permissions."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.settings import Settings

from .. import resources
from ..resources import Function
from .messaging import email_resources
from .naming import DATA_KEY, arn, log_group_name, resource_id, role_id

TABLE_READ = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DescribeTable",
)
TABLE_WRITE = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
)
QUEUE_SEND = ("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes")
QUEUE_CONSUME = (
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
)
BUCKET_READ = ("s3:GetObject", "s3:ListBucket")
BUCKET_WRITE = ("s3:PutObject", "s3:DeleteObject")
# documents' buckets: their versions are read (the first one is what counts) and erased
VERSIONS_READ = ("s3:ListBucketVersions", "s3:GetObjectVersion")
VERSIONS_DELETE = ("s3:DeleteObjectVersion",)
EMAIL_SEND = ("ses:SendEmail", "ses:SendRawEmail")
SECRET_READ = ("secretsmanager:GetSecretValue",)
KEY_USE = ("kms:Decrypt", "kms:GenerateDataKey")


@dataclass(frozen=True)
class Grant:
    actions: tuple[str, ...]
    field: str | None  # the Settings field of the resource, None for the function's own ones
    resources: tuple  # CloudFormation ARN expressions


def grants(function: Function, settings: Settings) -> list[Grant]:
    access = function.access
    out = [
        Grant(
            ("logs:CreateLogStream", "logs:PutLogEvents"),
            None,
            (arn("logs", f"log-group:{log_group_name(function, settings)}:*"),),
        ),
        # the data key: what its encrypted tables, queues and buckets ask, and the IBANs
        Grant(KEY_USE, "data_key_alias", ({"Fn::GetAtt": [DATA_KEY, "Arn"]},)),
    ]
    for field in access.write_tables:
        out.append(_table_grant(field, TABLE_READ + TABLE_WRITE))
    for field in access.read_tables:
        out.append(_table_grant(field, TABLE_READ))
    for field in access.send_queues:
        out.append(Grant(QUEUE_SEND, field, ({"Fn::GetAtt": [resource_id(field), "Arn"]},)))
    for source in resources.EVENT_SOURCES:
        if source.function == function.name:
            out.append(
                Grant(
                    QUEUE_CONSUME,
                    source.queue_field,
                    ({"Fn::GetAtt": [resource_id(source.queue_field), "Arn"]},),
                )
            )
    for field in access.read_buckets:
        versions = VERSIONS_READ if field in resources.VERSIONED_DOCUMENTS else ()
        out.append(_bucket_grant(field, BUCKET_READ + versions))
    for field in access.write_buckets:
        bucket = resource_id(field)
        prefixes = resources.BUCKET_WRITE_PREFIXES.get(field, ("",))
        versions = VERSIONS_DELETE if field in resources.VERSIONED_DOCUMENTS else ()
        out.append(
            Grant(
                BUCKET_WRITE + versions,
                field,
                tuple({"Fn::Sub": f"${{{bucket}.Arn}}/{prefix}*"} for prefix in prefixes),
            )
        )
    if access.send_email:
        out.append(Grant(EMAIL_SEND, "mail_sender", tuple(email_resources(settings))))
    for field in access.read_secrets:
        out.append(Grant(SECRET_READ, field, ({"Ref": resource_id(field)},)))
    return out


def _table_grant(field: str, actions: tuple[str, ...]) -> Grant:
    table = resource_id(field)
    return Grant(
        actions, field, ({"Fn::GetAtt": [table, "Arn"]}, {"Fn::Sub": f"${{{table}.Arn}}/index/*"})
    )


def _bucket_grant(field: str, actions: tuple[str, ...]) -> Grant:
    bucket = resource_id(field)
    return Grant(
        actions, field, ({"Fn::GetAtt": [bucket, "Arn"]}, {"Fn::Sub": f"${{{bucket}.Arn}}/*"})
    )


def allowed_actions(function: Function, settings: Settings, field: str | None) -> set[str]:
    """The IAM actions the function may perform on the resource named by this Settings field."""
    return {
        action
        for grant in grants(function, settings)
        if grant.field == field
        for action in grant.actions
    }


def roles(settings: Settings) -> dict:
    """Overrides of the roles Chalice generates: their policy becomes this one."""
    out = {}
    for function in resources.FUNCTIONS:
        statements = [
            {"Effect": "Allow", "Action": list(grant.actions), "Resource": list(grant.resources)}
            for grant in grants(function, settings)
        ]
        statements.append(
            {  # X-Ray has no resource-level permissions
                "Effect": "Allow",
                "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                "Resource": "*",
            }
        )
        out[role_id(function.name)] = {
            "Properties": {
                "Policies": [
                    {
                        "PolicyName": f"{role_id(function.name)}Policy",
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                    }
                ]
            }
        }
    return out
