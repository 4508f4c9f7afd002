"""The one definition of the AWS resources the system uses, shared by `make run`, the tests and
the deployment template: tables come from the PynamoDB models, names from the stage settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.models import ALL_MODELS

# Seconds a support message stays invisible while a worker handles it: about six times the
# worker's timeout, as AWS recommends for SQS event sources.
SUPPORT_WORKER_TIMEOUT = 60
SUPPORT_VISIBILITY_TIMEOUT = 6 * SUPPORT_WORKER_TIMEOUT
SUPPORT_MAX_RECEIVES = 5


@dataclass(frozen=True)
class Queue:
    settings_field: str
    dlq_settings_field: str
    visibility_timeout: int
    max_receives: int


@dataclass(frozen=True)
class EventSource:
    """Which function an S3 bucket or SQS queue triggers. Wired by infra/ on AWS (Chalice can
    package neither S3 notifications nor ReportBatchItemFailures) and by the local relay."""

    kind: str  # "s3" or "sqs"
    settings_field: str  # the bucket or queue name in Settings
    function: str  # the name given to @app.lambda_function
    batch_size: int = 10


TABLE_MODELS = ALL_MODELS
BUCKETS = ("rne_bucket",)
QUEUES = (
    Queue("support_queue_name", "support_dlq_name", SUPPORT_VISIBILITY_TIMEOUT,
          SUPPORT_MAX_RECEIVES),
)
SENDER_IDENTITIES = ("mail_sender",)
SECRET_PARAMETERS = ("nir_hmac_key_parameter",)
# Filled in by the RNE ingestion and support issues, as their functions land.
EVENT_SOURCES: tuple[EventSource, ...] = ()


def ttl_attribute(model) -> str | None:
    from pynamodb.attributes import TTLAttribute

    for name, attribute in model.get_attributes().items():
        if isinstance(attribute, TTLAttribute):
            return attribute.attr_name or name
    return None
