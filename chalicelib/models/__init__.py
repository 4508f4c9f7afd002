"""PynamoDB models. Table names come from the stage settings, bound on first use by
`bind_tables`, so importing a model reads no environment and opens no connection."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from ..errors import Busy
from .account import Account, AccountEmail, Address
from .auth import PasswordReset, Session
from .enrolment import Dossier, EnrolmentGuard, SessionPlaces
from .evaluation import Evaluation, EvaluationTotal
from .formation import Formation
from .franceconnect import FcLink, FcLoginState, FcPendingIdentity
from .organisme import Organisme, OrganismeKey
from .payment import BankDetails, PaymentLot
from .rights import CreditRun, LedgerEntry
from .rne import IdentityIndex, RneFile, RneMandate, RneScope, TakenBack
from .support import IdempotencyRecord, RateLimit, SupportRequest
from .webhook import WebhookDelivery, WebhookOutbox, WebhookSubscription

ALL_MODELS: tuple[type[Model], ...] = (
    Account,
    AccountEmail,
    Session,
    PasswordReset,
    RneMandate,
    IdentityIndex,
    RneFile,
    RneScope,
    LedgerEntry,
    CreditRun,
    Formation,
    SupportRequest,
    RateLimit,
    IdempotencyRecord,
    FcLoginState,
    FcPendingIdentity,
    FcLink,
    # the first model of a shared table creates it: the one with the indexes
    Dossier,
    SessionPlaces,
    EnrolmentGuard,
    Organisme,
    OrganismeKey,
    TakenBack,
    Evaluation,
    EvaluationTotal,
    PaymentLot,
    BankDetails,
    WebhookOutbox,  # first of its table: it holds the index and the TTL it is created with
    WebhookDelivery,
    WebhookSubscription,
)

__all__ = [
    "ALL_MODELS",
    "Account",
    "AccountEmail",
    "Address",
    "BankDetails",
    "CreditRun",
    "Dossier",
    "EnrolmentGuard",
    "Evaluation",
    "EvaluationTotal",
    "FcLink",
    "FcLoginState",
    "FcPendingIdentity",
    "Formation",
    "IdempotencyRecord",
    "IdentityIndex",
    "LedgerEntry",
    "Organisme",
    "OrganismeKey",
    "PasswordReset",
    "PaymentLot",
    "RateLimit",
    "RneFile",
    "RneMandate",
    "RneScope",
    "Session",
    "SessionPlaces",
    "SupportRequest",
    "TakenBack",
    "WebhookDelivery",
    "WebhookOutbox",
    "WebhookSubscription",
    "bind_tables",
    "is_condition_failure",
    "shared_connection",
]


def is_condition_failure(error: Exception) -> bool:
    """A PynamoDB write refused by its condition (as opposed to any other failure)."""
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def transact_retrying_conflicts(write: Callable[[TransactWrite], None], attempts: int = 5) -> None:
    """Run the transaction `write` fills; again, after a short random pause, when DynamoDB
    cancelled it for another transaction on the same item at the same moment (its reason
    TransactionConflict: nothing was written, and its conditions are checked anew). After
    `attempts` such cancellations, Busy; any other cancellation is the caller's to read."""
    for attempt in range(1, attempts + 1):
        try:
            with TransactWrite(connection=shared_connection()) as transaction:
                write(transaction)
            return
        except TransactWriteError as error:
            reasons = {getattr(r, "code", None) for r in (error.cancellation_reasons or [])}
            if "TransactionConflict" not in reasons or "ConditionalCheckFailed" in reasons:
                raise
        time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 - a pause, not a secret
    raise Busy()


def set_or_remove(model, values: dict) -> list:
    """Update actions that set these attributes of `model`, or remove those given as None."""
    return [
        getattr(model, name).remove() if value is None else getattr(model, name).set(value)
        for name, value in values.items()
    ]


def shared_connection():
    """The one low-level PynamoDB connection every model uses (see `bind_tables`), for
    transactions across tables. PynamoDB has no public accessor for it: a test guards this."""
    return Account._get_connection().connection


def bind_tables(settings) -> None:
    """Point every model at its table for these settings (stage names, region).

    All models share one PynamoDB connection, hence one botocore client: PynamoDB would build
    one per model, and each costs about 0.1 s of cold start.
    """
    wanted = {
        # settings_field: ours, beside PynamoDB's Meta fields (its MetaProtocol lists only those)
        model: getattr(settings, model.Meta.settings_field)  # type: ignore[attr-defined]
        for model in ALL_MODELS
    }
    if all(
        model._connection is not None
        and model.Meta.table_name == name
        and model.Meta.region == settings.region
        for model, name in wanted.items()
    ):
        return
    shared = None
    for model, name in wanted.items():
        model.Meta.table_name = name
        model.Meta.region = settings.region
        model._connection = None
        table = model._get_connection()  # builds the table's key schema; no network call
        if shared is None:
            shared = table.connection
        else:
            if name not in shared._tables:  # two models may share a table (same keys)
                shared.add_meta_table(table.connection.get_meta_table(name))
            table.connection = shared
