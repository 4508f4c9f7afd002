"""The one definition of the AWS resources the system uses, shared by `make run`, the tests and
the deployment template: tables come from the PynamoDB models, names from the stage settings,
and each function's access from FUNCTIONS (its IAM policy is built from it, and a test runs the
functions to check that they need no more).
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.models import ALL_MODELS
from chalicelib.webhooks import events as webhook_events

# A message stays invisible while a function handles it for about six times the function's
# timeout, as AWS recommends for SQS event sources.
SUPPORT_WORKER_TIMEOUT = 60
ACCOUNT_MAIL_TIMEOUT = 60
RNE_INGEST_TIMEOUT = 300  # each invocation hands the rest of a file over before this
RIGHTS_WORKER_TIMEOUT = 120  # a page of élus
MAX_RECEIVES = 5
# An event's delivery: a few endpoints' timeouts (5 s each) in a batch of 10. Its attempts are
# spaced by the function itself (the message's visibility), over a day.
WEBHOOK_DELIVERY_TIMEOUT = 60
MESSAGE_RETENTION_SECONDS = 14 * 24 * 3600  # the most SQS keeps: time to fix and redrive


@dataclass(frozen=True)
class Access:
    """What a function may touch, by Settings field. Writing a table includes reading it."""

    read_tables: tuple[str, ...] = ()
    write_tables: tuple[str, ...] = ()
    send_queues: tuple[str, ...] = ()
    read_buckets: tuple[str, ...] = ()
    write_buckets: tuple[str, ...] = ()
    send_email: bool = False
    read_secrets: tuple[str, ...] = ()

    def resources(self) -> set[str]:
        """The Settings fields of everything it names (the sender's for email)."""
        named = {
            *self.read_tables,
            *self.write_tables,
            *self.send_queues,
            *self.read_buckets,
            *self.write_buckets,
            *self.read_secrets,
        }
        return named | {"mail_sender"} if self.send_email else named


@dataclass(frozen=True)
class Function:
    name: str  # Chalice's: "api_handler" for the REST API, else the decorated function's name
    timeout: int
    memory: int
    access: Access


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
    # How many copies of the function the queue may run at once: spares DynamoDB and SES, and
    # unlike reserved concurrency never throttles a message back to the queue.
    max_concurrency: int = 2


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
BUCKETS = ("rne_bucket", "support_bucket", "payments_bucket")
QUEUES = (
    Queue("support_queue_name", "support_dlq_name", 6 * SUPPORT_WORKER_TIMEOUT, MAX_RECEIVES),
    Queue(
        "account_mail_queue_name",
        "account_mail_dlq_name",
        6 * ACCOUNT_MAIL_TIMEOUT,
        MAX_RECEIVES,
    ),
    Queue("rne_queue_name", "rne_dlq_name", 6 * RNE_INGEST_TIMEOUT, MAX_RECEIVES),
    Queue("rights_queue_name", "rights_dlq_name", 6 * RIGHTS_WORKER_TIMEOUT, MAX_RECEIVES),
    # after its last attempt a message is moved to the DLQ: one receive per attempt
    Queue(
        "webhook_queue_name",
        "webhook_dlq_name",
        6 * WEBHOOK_DELIVERY_TIMEOUT,
        webhook_events.ATTEMPTS,
    ),
)
# Prefectures upload under prefectures/<département>/, the ministry under national/ (their
# roles: infra/template/uploaders.py); the ingestion writes only its reports and lists.
RNE_UPLOAD_PREFIXES = ("prefectures/", "national/")
BUCKET_WRITE_PREFIXES = {
    "rne_bucket": ("rne-reports/", "rne-etat/"),
    "support_bucket": ("pieces/",),  # the API signs the uploads of a request's documents
    "payments_bucket": ("sepa/", "retours/"),  # the batches' files, the bank's notifications
}
# Buckets whose objects are read by their versions (the first upload counts) and erased with
# every version (a person's documents).
VERSIONED_DOCUMENTS = ("support_bucket",)
BUCKET_NOTIFICATIONS = (
    BucketNotification("rne_bucket", "rne_queue_name", RNE_UPLOAD_PREFIXES),
    # a help request's documents: the worker lists them to the mailbox
    BucketNotification("support_bucket", "support_queue_name", ("pieces/",)),
)
SENDER_IDENTITIES = ("mail_sender",)
# The stack's KMS key (its alias): the template makes it, `make run` asks moto for one.
KEYS = ("data_key_alias",)
SENDER_CONFIGURATION_SETS = ("ses_configuration_set",)
# The NIR key is generated; FranceConnect's client secrets are set by operators (see
# docs/deployment.md, "After the first deployment").
SECRETS = (
    "nir_hmac_key_secret",
    "franceconnect_client_secret",
    "franceconnect_plus_client_secret",
    "franceconnect_encryption_keys",
    "origin_verify_secret",
)
# Secrets holding a JSON Web Key Set, made by `python -m infra.franceconnect cles rotation`.
KEY_SET_SECRETS = ("franceconnect_encryption_keys",)
# One message at a time for the RNE: each may take a whole invocation.
EVENT_SOURCES = (
    EventSource("rne_queue_name", "rne_ingest", batch_size=1, max_concurrency=5),
    EventSource("support_queue_name", "support_worker", batch_size=10),
    EventSource("support_dlq_name", "support_dead_letters", batch_size=10),
    EventSource("account_mail_queue_name", "account_mail", batch_size=10),
    # a page of élus a message; a few workers at once spare the accounts table
    EventSource("rights_queue_name", "crediter_droits", batch_size=1, max_concurrency=10),
    EventSource("webhook_queue_name", "webhook_delivery", batch_size=10, max_concurrency=5),
)

FUNCTIONS = (
    Function(
        "api_handler",
        timeout=29,
        memory=1024,
        access=Access(  # argon2id wants memory
            read_tables=(
                "rne_mandates_table",
                "organismes_table",
                "payments_table",  # an organisme's batches
            ),
            write_tables=(
                "accounts_table",
                "account_emails_table",
                "sessions_table",
                "password_resets_table",
                "support_requests_table",
                "rate_limits_table",
                "identity_index_table",
                "rights_ledger_table",
                "franceconnect_table",
                "dossiers_table",
                "evaluations_table",
                "rne_ingestions_table",  # mandates taken back from a typed identity
                "formations_table",  # the organismes publish their own offer
                "webhooks_table",  # the organismes' endpoints
            ),
            # the files' changes, to the organismes' webhooks
            send_queues=("support_queue_name", "account_mail_queue_name", "webhook_queue_name"),
            send_email=True,
            read_secrets=(
                "nir_hmac_key_secret",
                "franceconnect_client_secret",
                "franceconnect_plus_client_secret",
                "franceconnect_encryption_keys",
            ),
            # a request's documents: counted, and their uploads signed (presigned POST)
            read_buckets=("support_bucket",),
            write_buckets=("support_bucket",),
        ),
    ),
    Function(
        "rne_ingest",
        timeout=RNE_INGEST_TIMEOUT,
        memory=1024,
        access=Access(
            write_tables=(
                "accounts_table",
                "rne_mandates_table",
                "identity_index_table",
                "rne_ingestions_table",
                "rights_ledger_table",
            ),
            send_queues=("rne_queue_name", "rights_queue_name"),  # ended mandates: rights
            read_buckets=("rne_bucket",),
            write_buckets=("rne_bucket",),
        ),
    ),
    Function(
        "credit_dif_annuel",
        timeout=300,
        memory=512,
        access=Access(
            read_tables=("accounts_table",),  # its index of due days only
            write_tables=("rights_ledger_table",),  # the job's progress
            send_queues=("rights_queue_name",),
        ),
    ),
    Function(
        "crediter_droits",
        timeout=RIGHTS_WORKER_TIMEOUT,
        memory=512,
        access=Access(
            read_tables=("rne_mandates_table",),
            write_tables=("accounts_table", "rights_ledger_table"),
        ),
    ),
    Function(
        "expirer_dossiers",
        timeout=300,
        memory=512,
        access=Access(
            read_tables=("accounts_table",),
            # the expiries, to the organismes' webhooks: their outbox, then their queue
            write_tables=("dossiers_table", "webhooks_table"),
            send_queues=("webhook_queue_name",),
            send_email=True,
        ),
    ),
    Function(
        "lots_de_paiement",
        timeout=300,
        memory=512,
        access=Access(
            read_tables=("organismes_table",),  # where to send the batch's email
            write_tables=("payments_table", "dossiers_table"),
            # the files of the batches at the bank: one missing (a run stopped) is written
            read_buckets=("payments_bucket",),
            write_buckets=("payments_bucket",),
            send_email=True,
        ),
    ),
    Function(
        "support_worker",
        timeout=SUPPORT_WORKER_TIMEOUT,
        memory=512,
        access=Access(
            read_tables=("rne_mandates_table",),
            write_tables=(
                "support_requests_table",
                "idempotency_table",
                "accounts_table",
                "rights_ledger_table",
                "identity_index_table",
                "rne_ingestions_table",
            ),
            read_buckets=("support_bucket",),  # the documents listed to the mailbox
            send_queues=("support_queue_name",),  # a summary of uploads, delayed
            send_email=True,
        ),
    ),
    Function(
        "account_mail",
        timeout=ACCOUNT_MAIL_TIMEOUT,
        memory=256,
        access=Access(
            write_tables=("accounts_table", "password_resets_table"),
            send_email=True,
        ),
    ),
    Function(
        "support_dead_letters",
        timeout=SUPPORT_WORKER_TIMEOUT,
        memory=256,
        access=Access(write_tables=("support_requests_table",)),
    ),
    Function(
        "webhook_delivery",
        timeout=WEBHOOK_DELIVERY_TIMEOUT,
        memory=256,
        # the endpoint and its secret (the data key decrypts it), the delivery's record
        access=Access(write_tables=("webhooks_table",)),
    ),
    Function(
        "renvoyer_webhooks",
        timeout=300,
        memory=256,
        # the outbox's index of events still waiting, and their queue
        access=Access(write_tables=("webhooks_table",), send_queues=("webhook_queue_name",)),
    ),
)
