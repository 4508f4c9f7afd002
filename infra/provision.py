"""Create every resource of `infra.resources` for a stage, idempotently, through boto3.

Used against moto: in-process by the tests, the moto server by `make run`. On AWS the same
definitions are deployed by the CloudFormation template instead.
"""

from __future__ import annotations

import json
import secrets

from botocore.exceptions import ClientError

from chalicelib.models import bind_tables
from chalicelib.settings import Settings

from . import resources


def provision(settings: Settings, session) -> dict[str, str]:
    """Create what is missing; answer the queue URLs by settings field."""
    bind_tables(settings)
    _tables(settings, session)
    _buckets(settings, session)
    queue_urls = _queues(settings, session)
    _bucket_notifications(settings, session)
    _sender_identities(settings, session)
    _secrets(settings, session)
    _data_key(settings, session)
    return queue_urls


def _tables(settings: Settings, session) -> None:
    for model in resources.TABLE_MODELS:
        if not model.exists():
            # PynamoDB also enables TTL on the model's TTLAttribute.
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")


def _buckets(settings: Settings, session) -> None:
    s3 = session.client("s3")
    for field in resources.BUCKETS:
        name = getattr(settings, field)
        try:
            s3.head_bucket(Bucket=name)
            continue
        except ClientError:
            pass
        extra = (
            {}
            if settings.region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": settings.region}}
        )
        s3.create_bucket(Bucket=name, **extra)
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def _queues(settings: Settings, session) -> dict[str, str]:
    sqs = session.client("sqs")
    urls = {}
    for queue in resources.QUEUES:
        # a dead-letter queue may feed a function too (support): same visibility rule
        common = {
            "VisibilityTimeout": str(queue.visibility_timeout),
            "MessageRetentionPeriod": str(resources.MESSAGE_RETENTION_SECONDS),
        }
        dlq_url = sqs.create_queue(
            QueueName=getattr(settings, queue.dlq_settings_field), Attributes=common
        )["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        urls[queue.settings_field] = sqs.create_queue(
            QueueName=getattr(settings, queue.settings_field),
            Attributes={
                **common,
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(queue.max_receives)}
                ),
            },
        )["QueueUrl"]
        urls[queue.dlq_settings_field] = dlq_url
    return urls


def _bucket_notifications(settings: Settings, session) -> None:
    s3, sqs = session.client("s3"), session.client("sqs")
    for notification in resources.BUCKET_NOTIFICATIONS:
        queue_url = sqs.get_queue_url(QueueName=getattr(settings, notification.queue_field))[
            "QueueUrl"
        ]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        s3.put_bucket_notification_configuration(
            Bucket=getattr(settings, notification.bucket_field),
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": queue_arn,
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": prefix}]}},
                    }
                    for prefix in notification.prefixes
                ]
            },
        )
        _drop_test_events(sqs, queue_url)


def _drop_test_events(sqs, queue_url: str) -> None:
    """S3 announces a new configuration with a test event: nobody's upload, dropped here (the
    functions ignore it too). Any other message is left as it was."""
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        if '"s3:TestEvent"' in message["Body"]:
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        else:
            sqs.change_message_visibility(
                QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )


def _sender_identities(settings: Settings, session) -> None:
    """The sender's domain as an identity (as the template declares it), and the configuration
    set the mailer names."""
    ses = session.client("sesv2")
    for field in resources.SENDER_IDENTITIES:
        domain = getattr(settings, field).rsplit("@", 1)[-1]
        _unless_exists(ses.create_email_identity, EmailIdentity=domain)
    for field in resources.SENDER_CONFIGURATION_SETS:
        _unless_exists(ses.create_configuration_set, ConfigurationSetName=getattr(settings, field))


def _secrets(settings: Settings, session) -> None:
    from chalicelib.clock import utc_now
    from chalicelib.franceconnect.encryption_keys import key_id, rotated

    client = session.client("secretsmanager")
    for field in resources.SECRETS:
        value = secrets.token_hex(32)
        if field in resources.KEY_SET_SECRETS:
            value = json.dumps(rotated(None, key_id(utc_now(), secrets.token_hex(3))))
        _unless_exists(client.create_secret, Name=getattr(settings, field), SecretString=value)


def _data_key(settings: Settings, session) -> None:
    """The stack's key for personal data, under the alias the functions name (the template
    makes it on AWS): moto encrypts and decrypts with it like KMS."""
    kms = session.client("kms")
    aliases = {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    for field in resources.KEYS:
        if getattr(settings, field) not in aliases:
            key = kms.create_key(Description="Mon Compte Élu: données personnelles au repos")
            kms.create_alias(
                AliasName=getattr(settings, field), TargetKeyId=key["KeyMetadata"]["KeyId"]
            )


def _unless_exists(create, **kwargs) -> None:
    try:
        create(**kwargs)
    except ClientError as error:
        if error.response["Error"]["Code"] not in (
            "AlreadyExistsException",
            "ResourceExistsException",
        ):
            raise
