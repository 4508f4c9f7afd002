"""Pieces several resources share: the TLS-only statement of buckets and queues, a bucket's
policy, and a log group encrypted with the stack's key."""

from __future__ import annotations

from .naming import DATA_KEY

LOG_RETENTION_DAYS = 365


def tls_only(action: str, resources) -> dict:
    """Deny anything on these resources that does not come over TLS ("s3:*", "sqs:*")."""
    return {
        "Sid": "TlsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": action,
        "Resource": resources,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def bucket_policy(bucket_id: str, *statements: dict) -> dict:
    """TLS only, then these statements."""
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": {"Ref": bucket_id},
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    tls_only(
                        "s3:*",
                        [
                            {"Fn::GetAtt": [bucket_id, "Arn"]},
                            {"Fn::Sub": f"${{{bucket_id}.Arn}}/*"},
                        ],
                    ),
                    *statements,
                ],
            },
        },
    }


def log_group(name: str) -> dict:
    return {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": name,
            "RetentionInDays": LOG_RETENTION_DAYS,
            "KmsKeyId": {"Fn::GetAtt": [DATA_KEY, "Arn"]},
        },
    }
