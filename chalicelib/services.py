"""Builds the services once per container, lazily: importing the app creates no AWS client and
reads no setting, and tests reset everything with `reset()`. The one place where use cases meet
their stores, clients and settings."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import lru_cache
from typing import NamedTuple

from .settings import Settings, get_settings

# Every cached factory of this module, and the settings: what `reset()` forgets. A factory is
# registered by its decorator, so none can escape a reset.
_FACTORIES: list = [get_settings]


def factory(function=None, *, maxsize: int = 1):
    """Cache a factory (once per container; `maxsize` for one per argument) and register it
    for `reset()`."""

    def register(made):
        cached = lru_cache(maxsize=maxsize)(made)
        _FACTORIES.append(cached)
        return cached

    return register(function) if function is not None else register


@factory
def aws_session():
    import boto3

    return boto3.session.Session(region_name=get_settings().region)


@factory
def bound_settings() -> Settings:
    """The settings, with the PynamoDB models pointed at this stage's tables."""
    from .models import bind_tables

    settings = get_settings()
    bind_tables(settings)
    return settings


@factory
def _secrets_provider():
    """Secrets Manager through Powertools (values cached an hour), on this session's endpoint."""
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_session=aws_session())


def secret(name: str) -> str:
    return _secrets_provider().get(name, max_age=3600)


@factory
def keyed_hasher():
    from .keyed_hashing import KeyedHasher, hmac_key

    # the secret is read at the first hash: checking a session's token needs no key
    return KeyedHasher(lambda: hmac_key(secret(get_settings().nir_hmac_key_secret)))


@factory
def cursors():
    from .cursors import Cursors

    return Cursors(keyed_hasher().digest)


@factory
def mailer():
    from .mailer import SesMailer

    return SesMailer(
        aws_session().client("sesv2"),
        get_settings().mail_sender,
        configuration_set=get_settings().ses_configuration_set,
    )


def _queue_sender(queue_name: str, delay_seconds: int = 0):
    sqs = aws_session().client("sqs")
    queue_url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    return lambda body: sqs.send_message(
        QueueUrl=queue_url, MessageBody=json.dumps(body), DelaySeconds=delay_seconds
    )


@factory
def rate_limiter():
    from .rate_limit import RateLimiter
    from .rate_limit_store import RateLimitStore

    bound_settings()
    return RateLimiter(RateLimitStore(), keyed_hasher().digest)


# --- accounts -------------------------------------------------------------------------------
@factory
def account_store():
    from .accounts.store import AccountStore

    bound_settings()
    return AccountStore()


@factory
def elu_recognition():
    from .accounts.elu import EluRecognition
    from .clock import utc_now
    from .rne.recognition import Recognition

    return EluRecognition(Recognition(rne_store(), utc_now), rights())


@factory
def signup():
    from .accounts.signup import Signup

    return Signup(
        store=account_store(),
        mailer=mailer(),
        hasher=keyed_hasher(),
        elu=elu_recognition(),
        limiter=rate_limiter(),
    )


@factory
def sessions():
    from .accounts.sessions import Sessions

    settings = bound_settings()
    return Sessions(
        store=account_store(),
        hasher=keyed_hasher(),
        elu=elu_recognition(),
        limiter=rate_limiter(),
        session_ttl=timedelta(minutes=settings.session_ttl_minutes),
    )


@factory
def password_resets():
    from .accounts.password_reset import PasswordResets

    return PasswordResets(
        store=account_store(),
        mailer=mailer(),
        hasher=keyed_hasher(),
        elu=elu_recognition(),
        public_url=bound_settings().public_url,
        limiter=rate_limiter(),
        send_to_queue=_queue_sender(bound_settings().account_mail_queue_name),
    )


@factory
def my_account():
    from .accounts.my_account import MyAccount
    from .clock import utc_now
    from .enrolment.rules import under_way

    def mandates(account) -> list[dict]:
        held = rne_store().mandates_by_ref(account.rne_mandats or ())
        return [
            {
                k: v
                for k, v in m.to_simple_dict(force=True).items()
                if k not in ("alias_of", "fichier")
            }
            for m in held
        ]

    return MyAccount(
        store=account_store(),
        mailer=mailer(),
        hasher=keyed_hasher(),
        mandates=mandates,
        files_under_way=lambda dossiers: any(under_way(d.statut) for d in dossiers),
        clock=utc_now,
        delete_documents=support_store().delete_documents,
        limiter=rate_limiter(),
    )


@factory
def franceconnect_links():
    from .accounts.franceconnect_links import FranceConnectLinks

    hasher = keyed_hasher()
    return FranceConnectLinks(
        store=account_store(),
        sessions=sessions(),
        elu=elu_recognition(),
        identity_hash=lambda pivot: hasher.digest("identite-pivot", pivot),
    )


# --- RNE ------------------------------------------------------------------------------------
@factory
def rne_store():
    from .rne.store import RneStore

    bound_settings()
    return RneStore()


@factory
def rne_ingestion():
    from .rne.ingestion import RneIngestion
    from .rne.s3_store import RneObjects

    settings = bound_settings()
    return RneIngestion(
        objects=RneObjects(aws_session().client("s3")),
        store=rne_store(),
        send_continuation=_queue_sender(settings.rne_queue_name),
        send_ended=rights_queue_sender(),
    )


@factory
def held_snapshots():
    from .clock import utc_now
    from .rne.held import HeldSnapshots

    return HeldSnapshots(
        store=rne_store(),
        ingestion=rne_ingestion(),
        send_continuation=_queue_sender(bound_settings().rne_queue_name),
        clock=utc_now,
    )


# --- rights and catalogue -------------------------------------------------------------------
@factory
def rights():
    from .clock import utc_now
    from .rights.service import RightsService
    from .rights.store import RightsStore

    bound_settings()
    return RightsService(store=RightsStore(), cursors=cursors(), clock=utc_now)


@factory
def daily_credit():
    from .clock import utc_now
    from .rights.daily import DailyCredit
    from .rights.store import RightsStore

    return DailyCredit(RightsStore(), rights_queue_sender(), utc_now)


@factory
def rights_queue_sender():
    return _queue_sender(bound_settings().rights_queue_name)


def mandate_spans(accounts) -> dict:
    """Each account's mandates as the rights see them (one request per 100 mandates)."""
    from .rights.standing import spans_of

    return spans_of(accounts, rne_store().mandates_by_ref)


@factory
def catalogue():
    from .catalogue.rules import places_for_dif
    from .catalogue.search import Catalogue
    from .catalogue.store import CatalogueStore
    from .clock import utc_now

    bound_settings()
    return Catalogue(
        store=CatalogueStore(),
        cursors=cursors(),
        clock=utc_now,
        places_taken=dossier_store().places_taken,
        places_for_dif=places_for_dif,
        rating_of=evaluations().public,
    )


@factory
def publication():
    """The organismes' own formations and sessions (their API key)."""
    from .catalogue.publication import Publication
    from .catalogue.store import CatalogueStore
    from .clock import utc_now

    bound_settings()
    files = dossier_store()

    def organisme_name(siret: str) -> str | None:
        found = files.organisme(siret)
        return found.nom if found is not None else None

    return Publication(
        store=CatalogueStore(),
        cursors=cursors(),
        clock=utc_now,
        organisme_name=organisme_name,
        places_taken=files.places_taken,
        move_files=files.move_dates,
    )


@factory
def evaluations():
    from .clock import utc_now
    from .evaluations.service import Evaluations
    from .evaluations.store import EvaluationStore
    from .fields import is_identifier

    bound_settings()
    files = dossier_store()
    return Evaluations(
        store=EvaluationStore(),
        dossier_of=lambda i: files.get(i) if is_identifier(i) else None,
        clock=utc_now,
    )


# --- enrolment ------------------------------------------------------------------------------
@factory
def dossier_store():
    from .enrolment.store import DossierStore

    bound_settings()
    return DossierStore()


class Enrolment(NamedTuple):
    """The files' state machine and who it tells."""

    transitions: object
    notifier: object


@factory
def _transitions() -> Enrolment:
    from .clock import utc_now
    from .enrolment.notifier import Notifier
    from .enrolment.transitions import Transitions

    settings = bound_settings()
    store = dossier_store()
    notifier = Notifier(
        mailer(),
        account=account_store().get,
        organisme=store.organisme,
        public_url=settings.public_url,
    )
    return Enrolment(Transitions(store, notifier, utc_now, announce=_announce), notifier)


def _announce(dossiers):
    """The webhook events of the files' change, for its transaction (enrolment and payments
    know nothing of webhooks)."""
    return webhook_outbox().events_of(dossiers)


@factory
def holder_files():
    from .catalogue.store import CatalogueStore
    from .clock import utc_now
    from .enrolment.holder import HolderFiles

    transitions, notifier = _transitions()
    return HolderFiles(
        store=dossier_store(),
        formations=CatalogueStore(),
        standing=elu_recognition().standing,
        transitions=transitions,
        notifier=notifier,
        digest=keyed_hasher().digest,
        cursors=cursors(),
        clock=utc_now,
        announce=_announce,
    )


@factory
def organisme_desk():
    from .clock import utc_now
    from .enrolment.organisme import OrganismeDesk

    return OrganismeDesk(
        store=dossier_store(),
        transitions=_transitions().transitions,
        cursors=cursors(),
        clock=utc_now,
    )


@factory
def end_of_training():
    from .clock import utc_now
    from .enrolment.end_of_training import EndOfTraining

    return EndOfTraining(
        store=dossier_store(), transitions=_transitions().transitions, clock=utc_now
    )


@factory
def deadlines():
    from .clock import utc_now
    from .enrolment.deadlines import Deadlines

    return Deadlines(store=dossier_store(), transitions=_transitions().transitions, clock=utc_now)


# --- payments -------------------------------------------------------------------------------
@factory
def payment_store():
    from .payments.store import PaymentStore

    settings = bound_settings()
    return PaymentStore(
        aws_session().client("s3"),
        aws_session().client("kms"),
        settings.payments_bucket,
        settings.data_key_alias,
    )


def _debtor_account():
    """The account the batches are paid from; asked for only when a file is written."""
    from .payments.batch import DebtorAccount
    from .settings import MissingSetting

    settings = get_settings()
    if not (
        settings.payments_debtor_name
        and settings.payments_debtor_iban
        and settings.payments_debtor_bic
    ):
        raise MissingSetting(
            "PAYMENTS_DEBTOR_NAME, PAYMENTS_DEBTOR_IBAN and PAYMENTS_DEBTOR_BIC must be set"
        )
    return DebtorAccount(
        settings.payments_debtor_name, settings.payments_debtor_iban, settings.payments_debtor_bic
    )


@factory
def _sepa_writer():
    from .payments.batches import SepaWriter

    return SepaWriter(payment_store(), _debtor_account)


@factory
def payment_batches():
    from .clock import utc_now
    from .payments.batches import PaymentBatches

    return PaymentBatches(payment_store(), _sepa_writer(), mailer(), utc_now)


@factory
def payment_desk():
    from .clock import utc_now
    from .payments.desk import PaymentDesk

    notifier = _transitions().notifier
    return PaymentDesk(
        store=payment_store(),
        writer=_sepa_writer(),
        mailer=mailer(),
        notify_holder=notifier.status_changed,
        organisme=dossier_store().organisme,
        cursors=cursors(),
        clock=utc_now,
        announce=_announce,
    )


# --- help requests --------------------------------------------------------------------------
@factory
def support_store():
    from .support.store import SupportStore

    settings = bound_settings()
    return SupportStore(aws_session().client("s3"), settings.support_bucket)


@factory
def support_desk():
    from .clock import utc_now
    from .support.service import SupportDesk

    settings = bound_settings()
    return SupportDesk(
        store=support_store(),
        limiter=rate_limiter(),
        send_to_queue=_queue_sender(settings.support_queue_name),
        clock=utc_now,
    )


@factory
def support_worker():
    from .clock import utc_now
    from .support.worker import SupportWorker

    settings = bound_settings()

    def plan_summary(reference: str) -> None:
        send = _queue_sender(settings.support_queue_name, settings.support_summary_delay_seconds)
        send({"resume_pieces": reference})

    return SupportWorker(
        store=support_store(),
        elu=elu_recognition(),
        mailer=mailer(),
        mailbox=settings.support_mailbox,
        clock=utc_now,
        public_url=settings.public_url,
        plan_summary=plan_summary,
    )


@factory
def _idempotency():
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
    )

    settings = bound_settings()
    persistence = DynamoDBPersistenceLayer(
        table_name=settings.idempotency_table, boto3_session=aws_session()
    )
    # A request is handled once for a day; a message stuck "in progress" is retried after
    # the function's timeout.
    config = IdempotencyConfig(event_key_jmespath="reference", expires_after_seconds=86_400)
    return persistence, config


def idempotent_support_processor(context):
    """The worker's `process`, made idempotent on the request reference (Powertools)."""
    from aws_lambda_powertools.utilities.idempotency import idempotent_function

    persistence, config = _idempotency()
    config.register_lambda_context(context)
    worker = support_worker()

    @idempotent_function(
        data_keyword_argument="message", config=config, persistence_store=persistence
    )
    def process(message: dict) -> dict:
        return {"reference": message["reference"], "statut": worker.process(message["reference"])}

    return process


# --- webhooks -------------------------------------------------------------------------------
def _webhook_store(with_queue: bool):
    from .webhooks.store import WebhookStore

    settings = bound_settings()
    send = None
    if with_queue:
        sender = None

        def send(message: dict) -> None:  # the queue looked up on the first event only
            nonlocal sender
            sender = sender or _queue_sender(settings.webhook_queue_name)
            sender(message)

    return WebhookStore(aws_session().client("kms"), settings.data_key_alias, send)


@factory
def webhooks():
    from .clock import utc_now
    from .webhooks.service import Webhooks

    return Webhooks(
        _webhook_store(with_queue=True),
        cursors(),
        utc_now,
        allowed_origins=bound_settings().webhook_allowed_origins,
    )


@factory
def webhook_outbox():
    from .clock import utc_now
    from .webhooks.outbox import Outbox

    return Outbox(_webhook_store(with_queue=True), utc_now)


@factory
def webhook_courier():
    from .clock import utc_now
    from .webhooks.courier import Courier

    return Courier(
        _webhook_store(with_queue=False),
        utc_now,
        allowed_origins=bound_settings().webhook_allowed_origins,
    )


# --- FranceConnect --------------------------------------------------------------------------
@factory(maxsize=2)
def oidc_client(platform: str):
    """The client of a platform (franceconnect, franceconnect_plus); its secret is read from
    Secrets Manager on first use."""
    from .franceconnect import FRANCECONNECT_PLUS
    from .franceconnect.client import OidcClient, OidcConfig
    from .franceconnect.encryption_keys import private

    settings = get_settings()
    redirect_uri, post_logout_uri = (
        settings.franceconnect_redirect_uri,
        settings.franceconnect_post_logout_uri,
    )
    if platform != FRANCECONNECT_PLUS:
        return OidcClient(
            OidcConfig(
                issuer=settings.franceconnect_issuer,
                client_id=settings.franceconnect_client_id,
                client_secret=secret(settings.franceconnect_client_secret),
                redirect_uri=redirect_uri,
                post_logout_uri=post_logout_uri,
            )
        )
    return OidcClient(
        OidcConfig(
            issuer=settings.franceconnect_plus_issuer,
            client_id=settings.franceconnect_plus_client_id,
            client_secret=secret(settings.franceconnect_plus_client_secret),
            signing_algorithms=("ES256",),
            decryption_keys=lambda refresh: private(franceconnect_encryption_keys(refresh)),
            # FranceConnect+ asks the person to authenticate each time, and says how (amr)
            authorize_params={
                "prompt": "login",
                "claims": '{"id_token":{"amr":{"essential":true}}}',
            },
            redirect_uri=redirect_uri,
            post_logout_uri=post_logout_uri,
        )
    )


def franceconnect_encryption_keys(refresh: bool = False) -> dict:
    """The service's private encryption key set (refresh: read again, after a rotation)."""
    from .franceconnect.encryption_keys import parse

    name = get_settings().franceconnect_encryption_keys
    return parse(_secrets_provider().get(name, max_age=3600, force_fetch=refresh))


def franceconnect_public_keys() -> dict:
    from .franceconnect.encryption_keys import public

    return public(franceconnect_encryption_keys())


@factory
def franceconnect():
    from .accounts.franceconnect_login import FranceConnectLogin
    from .clock import utc_now
    from .franceconnect.store import FcStore

    bound_settings()
    return FranceConnectLogin(
        client=oidc_client, store=FcStore(), links=franceconnect_links(), clock=utc_now
    )


def reset() -> None:
    """Forget every cached setting, client and service (tests, and the local runner)."""
    for cached in _FACTORIES:
        cached.cache_clear()
