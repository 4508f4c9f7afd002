"""The one definition of the AWS resources the system uses, shared by `make run`, the tests and
the deployment template: tables come from the PynamoDB models, names from the stage settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.models import ALL_MODELS

# A message stays invisible while a function handles it for about six times the function's
# timeout, as AWS recommends for SQS event sources.
SUPPORT_WORKER_TIMEOUT = 60
RNE_INGEST_TIMEOUT = 300  # each invocation hands the rest of a file over before this
MAX_RECEIVES = 5


@dataclass(frozen=True)
class Queue:
    settings_field: str
    dlq_settings_field: str
    visibility_timeout: int
    max_receives: int


@dataclass(frozen=True)
class EventSource:
    """Which function an SQS queue triggers. Wired by infra/ on AWS (Chalice cannot set
    ReportBatchItemFailures) and by the local relay."""

    queue_field: str  # the queue name in Settings
    function: str  # the name given to @app.lambda_function
    batch_size: int = 10


@dataclass(frozen=True)
class BucketNotification:
    """Objects created under these prefixes of a bucket are announced on a queue (Chalice
    cannot package S3 notifications to CloudFormation; a queue also gives retries and a
    dead-letter queue). Only upload prefixes: the reports and state the ingestion writes in the
    same bucket must not wake it up."""

    bucket_field: str
    queue_field: str
    prefixes: tuple[str, ...]


TABLE_MODELS = ALL_MODELS
BUCKETS = ("rne_bucket",)
QUEUES = (
    Queue("support_queue_name", "support_dlq_name", 6 * SUPPORT_WORKER_TIMEOUT, MAX_RECEIVES),
    Queue("rne_queue_name", "rne_dlq_name", 6 * RNE_INGEST_TIMEOUT, MAX_RECEIVES),
)
# Prefectures upload under prefectures/<département>/, the ministry under national/.
RNE_UPLOAD_PREFIXES = ("prefectures/", "national/")
BUCKET_NOTIFICATIONS = (BucketNotification("rne_bucket", "rne_queue_name", RNE_UPLOAD_PREFIXES),)
SENDER_IDENTITIES = ("mail_sender",)
SECRET_PARAMETERS = ("nir_hmac_key_parameter",)
# One message at a time for the RNE: each may take a whole invocation.
EVENT_SOURCES = (
    EventSource("rne_queue_name", "rne_ingest", batch_size=1),
    EventSource("support_queue_name", "support_worker", batch_size=10),
    EventSource("support_dlq_name", "support_dead_letters", batch_size=10),
)
