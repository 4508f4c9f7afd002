"""CloudFormation for what Chalice cannot package, built from infra/resources.py: the queues and
their dead-letter queues, the RNE bucket's notifications, and the SQS event sources of the
functions with ReportBatchItemFailures. Merged into Chalice's own template at packaging.

    python -m infra.template STAGE > build/extra-resources.json
"""

from __future__ import annotations

import json
import sys

from chalicelib.settings import Settings

from . import resources
from .stage_config import stage_environment

FUNCTION_TIMEOUTS = {"rne_ingest": resources.RNE_INGEST_TIMEOUT,
                     "support_worker": resources.SUPPORT_WORKER_TIMEOUT,
                     "support_dead_letters": resources.SUPPORT_WORKER_TIMEOUT}


def logical_id(name: str) -> str:
    """Chalice's logical id for a function or resource name: "rne_ingest" -> "RneIngest"."""
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


def _queue_id(settings: Settings, field: str) -> str:
    return logical_id(getattr(settings, field)) + "Queue"


def queues(settings: Settings) -> dict:
    out = {}
    for queue in resources.QUEUES:
        dlq = _queue_id(settings, queue.dlq_settings_field)
        out[dlq] = {"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": getattr(settings, queue.dlq_settings_field),
            # a dead-letter queue may feed a function too (support): same visibility rule
            "VisibilityTimeout": queue.visibility_timeout,
            "MessageRetentionPeriod": 1_209_600, "SqsManagedSseEnabled": True}}
        out[_queue_id(settings, queue.settings_field)] = {"Type": "AWS::SQS::Queue",
                                                          "Properties": {
            "QueueName": getattr(settings, queue.settings_field),
            "VisibilityTimeout": queue.visibility_timeout,
            "SqsManagedSseEnabled": True,
            "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
                              "maxReceiveCount": queue.max_receives}}}
    return out


def event_sources(settings: Settings) -> dict:
    """One mapping per queue -> function, reporting batch item failures (a failing message is
    retried alone), which Chalice's on_sqs_message cannot set."""
    return {f"{logical_id(source.function)}EventSource": {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {
            "EventSourceArn": {"Fn::GetAtt": [_queue_id(settings, source.queue_field), "Arn"]},
            "FunctionName": {"Ref": logical_id(source.function)},
            "BatchSize": source.batch_size,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        }} for source in resources.EVENT_SOURCES}


def bucket_notifications(settings: Settings) -> dict:
    out = {}
    for notification in resources.BUCKET_NOTIFICATIONS:
        queue = _queue_id(settings, notification.queue_field)
        bucket = getattr(settings, notification.bucket_field)
        out[f"{queue}S3Policy"] = {"Type": "AWS::SQS::QueuePolicy", "Properties": {
            "Queues": [{"Ref": queue}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": [queue, "Arn"]},
                "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}}}]}}}
        out[logical_id(bucket) + "Bucket"] = {
            "Type": "AWS::S3::Bucket", "DependsOn": [f"{queue}S3Policy"], "Properties": {
                "BucketName": bucket,
                "VersioningConfiguration": {"Status": "Enabled"},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]},
                "NotificationConfiguration": {"QueueConfigurations": [
                    {"Event": "s3:ObjectCreated:*", "Queue": {"Fn::GetAtt": [queue, "Arn"]},
                     "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": prefix}]}}}
                    for prefix in notification.prefixes]}}}
    return out


def template(stage: str) -> dict:
    settings = Settings.from_env(stage_environment(stage))
    return {"AWSTemplateFormatVersion": "2010-09-09",
            "Resources": {**queues(settings), **bucket_notifications(settings),
                          **event_sources(settings)}}


if __name__ == "__main__":
    json.dump(template(sys.argv[1] if len(sys.argv) > 1 else "dev"), sys.stdout, indent=1)
