"""The one place that creates the Powertools logger, metrics and tracer of the service.

The Powertools service name differs from the Chalice app name on purpose: Chalice silences a
logger that bears its own name.
"""

from functools import lru_cache

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

SERVICE = "mon-compte-elu"
NAMESPACE = "MonCompteElu"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


@lru_cache(maxsize=1)
def tracer():
    """The X-Ray tracer, built on first use: the X-Ray SDK takes 0.4 s to import, a cost that
    only invocations with tracing on should pay, and never the import of the app."""
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def tracing_on() -> bool:
    """Whether Powertools would trace this invocation (in Lambda, unless turned off): by its
    own rule, read at each invocation, as the stage's environment may change between them."""
    from aws_lambda_powertools.tracing.tracer import Tracer

    return not Tracer._is_tracer_disabled()  # Powertools' own rule rather than a copy of it


def trace_lambda_handler(handler):
    """Like `Tracer.capture_lambda_handler`, with the tracer created at the first traced
    invocation: where tracing is off (locally, in tests), the X-Ray recorder, which builds two
    botocore clients, is never made. Never the response nor the error in the trace: answers
    hold tokens and personal data, and an error's message may quote what was typed (X-Ray
    keeps them 30 days, for anyone with read access to traces)."""
    if not tracing_on():
        return handler
    return tracer().capture_lambda_handler(handler, capture_response=False, capture_error=False)


class Metric:
    """Every metric name the code emits (a test checks that the dashboards show each of them,
    and nothing else of this namespace)."""

    COLD_START = "ColdStart"  # emitted by Powertools: capture_cold_start_metric in app.py

    ACCOUNT_CREATED = "AccountCreated"
    ACCOUNT_VERIFIED = "AccountVerified"
    VERIFICATION_FAILED = "VerificationFailed"
    LOGIN_SUCCEEDED = "LoginSucceeded"
    LOGIN_FAILED = "LoginFailed"
    FRANCECONNECT_LOGIN_SUCCEEDED = "FranceConnectLoginSucceeded"
    FRANCECONNECT_LOGIN_FAILED = "FranceConnectLoginFailed"
    FRANCECONNECT_LINKED = "FranceConnectLinked"
    FRANCECONNECT_LINK_REFUSED = "FranceConnectLinkRefused"
    FRANCECONNECT_SIGNUP_STARTED = "FranceConnectSignupStarted"
    ACCOUNT_LOCKED = "AccountLocked"
    PASSWORD_RESET_REQUESTED = "PasswordResetRequested"  # noqa: S105 - a metric name
    PASSWORD_RESET_COMPLETED = "PasswordResetCompleted"  # noqa: S105 - a metric name
    EMAIL_SENT = "EmailSent"
    EMAIL_SEND_FAILED = "EmailSendFailed"
    UNHANDLED_ERROR = "UnhandledError"
    RNE_ROWS_READ = "RneRowsRead"
    RNE_ROWS_ACCEPTED = "RneRowsAccepted"
    RNE_ROWS_REJECTED = "RneRowsRejected"
    ELU_RECOGNISED = "EluRecognised"
    RNE_AMBIGUOUS_MATCH = "RneAmbiguousMatch"
    RNE_MANDATE_TAKEN_BACK = "RneMandateTakenBack"
    RNE_MANDATES_CLOSED = "RneMandatesClosed"
    RNE_FILE_PROCESSED = "RneFileProcessed"
    RNE_FILE_REJECTED = "RneFileRejected"
    RNE_FILE_PROCESSING_TIME = "RneFileProcessingTime"
    RNE_FILE_REJECT_RATE = "RneFileRejectRate"
    RNE_SNAPSHOT_HELD = "RneSnapshotHeld"  # waits for an operator: an alarm
    RNE_MANDATES_WRITTEN = "RneMandatesWritten"  # new or changed: what a snapshot wrote
    DIF_CREDITED = "DifYearsCredited"
    EMAIL_CHANGED = "EmailChanged"
    PASSWORD_CHANGED = "PasswordChanged"  # noqa: S105 - a metric name
    ACCOUNT_DELETED = "AccountDeleted"
    DIF_ACCOUNTS_DUE = "DifAccountsDue"  # handed to the workers by the daily job
    DIF_RIGHTS_LAPSED = "DifRightsLapsed"  # 6 months after the last mandate
    SUPPORT_REQUEST_RECEIVED = "SupportRequestReceived"
    SUPPORT_REQUEST_AUTO_RESOLVED = "SupportRequestAutoResolved"
    SUPPORT_REQUEST_FORWARDED = "SupportRequestForwarded"
    SUPPORT_REQUEST_FAILED = "SupportRequestFailed"
    SUPPORT_DOCUMENT_IGNORED = "SupportDocumentIgnored"  # a form posted again, or past 5
    DOSSIER_CREATED = "DossierCreated"
    DOSSIER_ACCEPTED = "DossierAccepted"
    DOSSIER_REFUSED = "DossierRefused"
    DOSSIER_VALIDATED = "DossierValidated"
    DOSSIER_IN_TRAINING = "DossierInTraining"
    DOSSIER_EXIT_DECLARED = "DossierExitDeclared"
    DOSSIER_SERVICE_HELD = "DossierServiceHeld"  # the service done waits for an operator
    DOSSIER_SERVICE_VALIDATED = "DossierServiceValidated"
    DOSSIER_SERVICE_REJECTED = "DossierServiceRejected"  # by an operator
    DOSSIER_PAID = "DossierPaid"
    DOSSIER_CANCELLED = "DossierCancelled"
    TRAINING_RATED = "TrainingRated"
    DOSSIER_EXPIRED = "DossierExpired"
    DIF_DEBITED_EUROS = "DifDebitedEuros"
    DIF_REFUNDED_EUROS = "DifRefundedEuros"
    DIF_UNREALISED_REFUNDED_EUROS = "DifUnrealisedRefundedEuros"  # the part not delivered
    ORGANISMES_DUE_EUROS = "OrganismesDueEuros"  # validated, to be paid to organismes
    # the organismes' payments (the daily job, operators, the bank's notifications)
    PAYMENT_LOTS_MADE = "PaymentLotsMade"
    PAYMENT_LOTS_EUROS = "PaymentLotsEuros"  # put in batches
    PAYMENT_LOTS_HELD = "PaymentLotsHeld"  # an IBAN changed: an operator checks first
    PAYMENT_PAID_EUROS = "PaymentPaidEuros"
    PAYMENT_LOTS_REJECTED = "PaymentLotsRejected"
    PAYMENT_LINES_WAITING = "PaymentLinesWaiting"  # payable, beyond a batch's size
    PAYMENT_OLDEST_UNPAID_DAYS = "PaymentOldestUnpaidDays"  # the funder promises 30
    SERVICES_WAITING_VALIDATION = "ServicesWaitingValidation"  # held for an operator
    BANK_DETAILS_CHANGED = "BankDetailsChanged"


def count(name: str, value: int = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def count_euros(name: str, centimes: int) -> None:
    """An amount of money, in euros (a metric, not an account: a float is fine here)."""
    metrics.add_metric(name=name, unit=MetricUnit.NoUnit, value=centimes / 100)
