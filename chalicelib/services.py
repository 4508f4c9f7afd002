"""Builds the services once per container, lazily: importing the app creates no AWS client and
reads no setting, and tests reset everything with `reset()`."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from .settings import Settings, get_settings


@lru_cache(maxsize=1)
def aws_session():
    import boto3

    return boto3.session.Session(region_name=get_settings().region)


@lru_cache(maxsize=1)
def bound_settings() -> Settings:
    """The settings, with the PynamoDB models pointed at this stage's tables."""
    from .models import bind_tables

    settings = get_settings()
    bind_tables(settings)
    return settings


@lru_cache(maxsize=1)
def keyed_hasher():
    from .secrets import KeyedHasher, load_hmac_key

    return KeyedHasher(load_hmac_key(get_settings().nir_hmac_key_secret))


@lru_cache(maxsize=1)
def mailer():
    from .mailer import SesMailer

    return SesMailer(aws_session().client("sesv2"), get_settings().mail_sender,
                     configuration_set=get_settings().ses_configuration_set)


@lru_cache(maxsize=1)
def accounts():
    from .account_store import AccountStore
    from .accounts import AccountService
    from .clock import utc_now
    from .rne.recognition import Recognition
    from .rne.store import RneStore

    settings = bound_settings()
    return AccountService(
        store=AccountStore(),
        mailer=mailer(),
        hasher=keyed_hasher(),
        recognition=Recognition(RneStore(), utc_now),
        rights=rights(),
        public_url=settings.public_url,
        session_ttl=timedelta(minutes=settings.session_ttl_minutes),
    )


@lru_cache(maxsize=1)
def rne_ingestion():
    import json

    from .rne.ingestion import RneIngestion
    from .rne.store import RneStore

    settings = bound_settings()
    sqs = aws_session().client("sqs")
    queue_url = sqs.get_queue_url(QueueName=settings.rne_queue_name)["QueueUrl"]
    return RneIngestion(
        s3=aws_session().client("s3"),
        store=RneStore(),
        send_continuation=lambda body: sqs.send_message(QueueUrl=queue_url,
                                                        MessageBody=json.dumps(body)),
    )


@lru_cache(maxsize=1)
def rights():
    from .clock import utc_now
    from .rights.service import RightsService

    bound_settings()
    return RightsService(clock=utc_now)


@lru_cache(maxsize=1)
def catalogue():
    from .catalogue.search import Catalogue
    from .clock import utc_now

    bound_settings()
    return Catalogue(clock=utc_now)


@lru_cache(maxsize=1)
def support_desk():
    from .clock import utc_now
    from .support.rate_limit import RateLimiter
    from .support.service import SupportDesk, queue_sender

    settings = bound_settings()
    sqs = aws_session().client("sqs")
    queue_url = sqs.get_queue_url(QueueName=settings.support_queue_name)["QueueUrl"]
    return SupportDesk(limiter=RateLimiter(keyed_hasher().digest),
                       send_to_queue=queue_sender(sqs, queue_url), clock=utc_now)


@lru_cache(maxsize=1)
def support_worker():
    from .clock import utc_now
    from .rne.store import RneStore
    from .support.worker import SupportWorker

    settings = bound_settings()
    return SupportWorker(rne=RneStore(), rights=rights(), mailer=mailer(),
                         mailbox=settings.support_mailbox, clock=utc_now)


@lru_cache(maxsize=1)
def _idempotency():
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
    )

    settings = bound_settings()
    persistence = DynamoDBPersistenceLayer(table_name=settings.idempotency_table,
                                           boto3_session=aws_session())
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

    @idempotent_function(data_keyword_argument="message", config=config,
                         persistence_store=persistence)
    def process(message: dict) -> dict:
        return {"reference": message["reference"],
                "statut": worker.process(message["reference"])}

    return process


@lru_cache(maxsize=1)
def oidc_client():
    """The FranceConnect client; its secret is read from Secrets Manager on first use."""
    from .franceconnect.client import OidcClient, OidcConfig
    from .secrets import load_secret

    settings = get_settings()
    return OidcClient(OidcConfig(
        issuer=settings.franceconnect_issuer, client_id=settings.franceconnect_client_id,
        client_secret=load_secret(settings.franceconnect_client_secret),
        redirect_uri=settings.franceconnect_redirect_uri,
        post_logout_uri=settings.franceconnect_post_logout_uri))


@lru_cache(maxsize=1)
def franceconnect():
    from .clock import utc_now
    from .franceconnect.store import FcStore
    from .franceconnect_login import FranceConnectLogin

    bound_settings()
    return FranceConnectLogin(client=oidc_client, store=FcStore(), accounts=accounts(),
                              clock=utc_now)


def reset() -> None:
    """Forget every cached setting, client and service (tests, and the local runner)."""
    from aws_lambda_powertools.utilities import parameters

    for factory in (get_settings, aws_session, bound_settings, keyed_hasher, mailer, accounts,
                    rne_ingestion, rights, catalogue, support_desk, support_worker,
                    _idempotency, oidc_client, franceconnect):
        factory.cache_clear()
    parameters.clear_caches()
    parameters.base.DEFAULT_PROVIDERS.clear()  # their clients point at the old endpoint
