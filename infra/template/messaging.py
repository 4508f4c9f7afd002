"""Queues and events: the ingestion and support queues with their dead-letter queues, the RNE
bucket's notifications (Chalice cannot package them), the SQS event sources with
ReportBatchItemFailures (Chalice cannot set it), and the SES identity and configuration set."""

from __future__ import annotations

from chalicelib.settings import Settings

from .. import resources
from .naming import DATA_KEY, arn, function_id, resource_id
from .parts import tls_only


def queues(settings: Settings) -> dict:
    out = {}
    for queue in resources.QUEUES:
        dlq = resource_id(queue.dlq_settings_field)
        encryption = {"KmsMasterKeyId": {"Ref": DATA_KEY}, "KmsDataKeyReusePeriodSeconds": 3600}
        out[dlq] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": getattr(settings, queue.dlq_settings_field),
                # a dead-letter queue may feed a function too (support): same visibility rule
                "VisibilityTimeout": queue.visibility_timeout,
                "MessageRetentionPeriod": resources.MESSAGE_RETENTION_SECONDS,
                **encryption,
            },
        }
        out[resource_id(queue.settings_field)] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": getattr(settings, queue.settings_field),
                "VisibilityTimeout": queue.visibility_timeout,
                "MessageRetentionPeriod": resources.MESSAGE_RETENTION_SECONDS,
                **encryption,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
                    "maxReceiveCount": queue.max_receives,
                },
            },
        }
        for name in (dlq, resource_id(queue.settings_field)):
            out[name + "TlsPolicy"] = _queue_policy(
                name, [tls_only("sqs:*", {"Fn::GetAtt": [name, "Arn"]})]
            )
    return out


def _queue_policy(queue_id: str, statements: list) -> dict:
    return {
        "Type": "AWS::SQS::QueuePolicy",
        "Properties": {
            "Queues": [{"Ref": queue_id}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
        },
    }


def bucket_notifications(settings: Settings) -> dict:
    """S3 may send to the queue (one policy per queue, so it replaces the TLS-only one), and the
    bucket announces uploads under its prefixes, only once the policy exists."""
    out = {}
    for notification in resources.BUCKET_NOTIFICATIONS:
        queue = resource_id(notification.queue_field)
        bucket = resource_id(notification.bucket_field)
        bucket_arn = f"arn:${{AWS::Partition}}:s3:::{getattr(settings, notification.bucket_field)}"
        out[queue + "TlsPolicy"] = _queue_policy(
            queue,
            [
                tls_only("sqs:*", {"Fn::GetAtt": [queue, "Arn"]}),
                {
                    "Sid": "BucketNotifications",
                    "Effect": "Allow",
                    "Principal": {"Service": "s3.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": {"Fn::GetAtt": [queue, "Arn"]},
                    "Condition": {
                        "ArnEquals": {"aws:SourceArn": {"Fn::Sub": bucket_arn}},
                        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                    },
                },
            ],
        )
        out[bucket] = {
            "DependsOn": [queue + "TlsPolicy"],
            "Properties": {
                "NotificationConfiguration": {
                    "QueueConfigurations": [
                        {
                            "Event": "s3:ObjectCreated:*",
                            "Queue": {"Fn::GetAtt": [queue, "Arn"]},
                            "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": prefix}]}},
                        }
                        for prefix in notification.prefixes
                    ]
                }
            },
        }
    return out


def event_sources(settings: Settings) -> dict:
    """One mapping per queue -> function, reporting batch item failures: a failing message is
    retried alone."""
    return {
        f"{function_id(source.function)}EventSource": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": {"Fn::GetAtt": [resource_id(source.queue_field), "Arn"]},
                "FunctionName": {"Ref": function_id(source.function)},
                "BatchSize": source.batch_size,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                "ScalingConfig": {"MaximumConcurrency": source.max_concurrency},
            },
        }
        for source in resources.EVENT_SOURCES
    }


def email(settings: Settings) -> dict:
    """The sender's domain (DKIM by SES: publish the three CNAMEs it gives), and a configuration
    set that sends over TLS only, suppresses bounced and complaining addresses, and publishes
    deliveries, bounces and complaints to CloudWatch."""
    out = {}
    for field in resources.SENDER_IDENTITIES:
        out[resource_id(field) + "Identity"] = {
            "Type": "AWS::SES::EmailIdentity",
            "Properties": {
                "EmailIdentity": getattr(settings, field).rsplit("@", 1)[-1],
                "ConfigurationSetAttributes": {
                    "ConfigurationSetName": {
                        "Ref": resource_id(resources.SENDER_CONFIGURATION_SETS[0])
                    }
                },
            },
        }
    for field in resources.SENDER_CONFIGURATION_SETS:
        name = getattr(settings, field)
        out[resource_id(field)] = {
            "Type": "AWS::SES::ConfigurationSet",
            "Properties": {
                "Name": name,
                "DeliveryOptions": {"TlsPolicy": "REQUIRE"},
                "ReputationOptions": {"ReputationMetricsEnabled": True},
                "SendingOptions": {"SendingEnabled": True},
                "SuppressionOptions": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
            },
        }
        out[resource_id(field) + "ToCloudWatch"] = {
            "Type": "AWS::SES::ConfigurationSetEventDestination",
            "Properties": {
                "ConfigurationSetName": {"Ref": resource_id(field)},
                "EventDestination": {
                    "Enabled": True,
                    "MatchingEventTypes": ["send", "delivery", "bounce", "complaint", "reject"],
                    "CloudWatchDestination": {
                        "DimensionConfigurations": [
                            {
                                "DimensionName": "ses:configuration-set",
                                "DimensionValueSource": "messageTag",
                                "DefaultDimensionValue": name,
                            }
                        ]
                    },
                },
            },
        }
    return out


def email_resources(settings: Settings) -> list[dict]:
    """The ARNs a function sending mail must be allowed: the identity and the set."""
    domain = settings.mail_sender.rsplit("@", 1)[-1]
    return [
        arn("ses", f"identity/{domain}"),
        arn("ses", f"configuration-set/{settings.ses_configuration_set}"),
    ]
