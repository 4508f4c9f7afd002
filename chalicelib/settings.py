"""The one settings object: every environment read of the application happens here, lazily.
The names of the stage's own resources are not read: they follow from the stage
(resource_names.py), as infra/ creates them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .resource_names import stage_names


class MissingSetting(RuntimeError):
    """A required environment variable is absent: a deployment error, not a user error."""


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    accounts_table: str
    account_emails_table: str
    sessions_table: str
    password_resets_table: str
    rne_mandates_table: str
    identity_index_table: str
    rne_ingestions_table: str
    rights_ledger_table: str
    formations_table: str
    support_requests_table: str
    rate_limits_table: str
    idempotency_table: str
    rne_queue_name: str
    rne_dlq_name: str
    rne_bucket: str
    support_bucket: str  # documents attached to help requests
    rights_queue_name: str
    rights_dlq_name: str
    support_queue_name: str
    support_dlq_name: str
    account_mail_queue_name: str  # the emails of the account journey sent after the answer
    account_mail_dlq_name: str
    support_mailbox: str
    mail_sender: str
    nir_hmac_key_secret: str
    ses_configuration_set: str
    public_url: str
    franceconnect_table: str
    dossiers_table: str
    organismes_table: str
    evaluations_table: str  # the élus' ratings of their trainings, and their totals
    payments_table: str  # the organismes' bank details and payment batches
    payments_bucket: str  # the SEPA files of the batches, and the bank's notifications
    data_key_alias: str  # KMS: the IBANs are encrypted with it
    webhooks_table: str  # the organismes' endpoints and their deliveries
    webhook_queue_name: str  # the events to deliver, retried with backoff
    webhook_dlq_name: str
    # the secret CloudFront sends the API (X-Origin-Verify), checked by the API's firewall: the
    # API answers only through CloudFront (the app never reads it)
    origin_verify_secret: str
    # behind CloudFront, the header holding the viewer's address (set by a CloudFront Function,
    # whatever the client sent); empty: the caller's own address (the local stage)
    client_ip_header: str
    franceconnect_issuer: str
    franceconnect_client_id: str
    franceconnect_client_secret: str  # the name of the Secrets Manager secret holding it
    franceconnect_redirect_uri: str
    franceconnect_post_logout_uri: str
    # FranceConnect+ (eIDAS substantiel, élevé): a platform of its own, with its own client
    franceconnect_plus_issuer: str
    franceconnect_plus_client_id: str
    franceconnect_plus_client_secret: str  # the name of the secret holding it
    # the name of the secret holding the service's private encryption keys (a JWKS)
    franceconnect_encryption_keys: str
    # the Caisse des Dépôts' account the organismes are paid from (empty: no batch is made)
    payments_debtor_name: str = ""
    payments_debtor_iban: str = ""
    payments_debtor_bic: str = ""
    session_ttl_minutes: int = 60
    # endpoints taken without HTTPS nor a public address ("http://127.0.0.1:8300"): the local
    # stage's demo receiver only, never a deployed stage's
    webhook_allowed_origins: tuple[str, ...] = ()
    # the mailbox hears of a burst of document uploads once, this long after its first one
    support_summary_delay_seconds: int = 120

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def required(name: str) -> str:
            value = env.get(name, "").strip()
            if not value:
                raise MissingSetting(f"environment variable {name} is not set")
            return value

        stage = env.get("STAGE", "local")
        return cls(
            stage=stage,
            **stage_names(stage),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-west-3",
            support_mailbox=required("SUPPORT_MAILBOX"),
            mail_sender=required("MAIL_SENDER"),
            public_url=required("PUBLIC_URL").rstrip("/"),
            client_ip_header=env.get("CLIENT_IP_HEADER", "").strip().lower(),
            franceconnect_issuer=required("FRANCECONNECT_ISSUER").rstrip("/"),
            franceconnect_client_id=required("FRANCECONNECT_CLIENT_ID"),
            franceconnect_redirect_uri=required("FRANCECONNECT_REDIRECT_URI"),
            franceconnect_post_logout_uri=required("FRANCECONNECT_POST_LOGOUT_URI"),
            franceconnect_plus_issuer=required("FRANCECONNECT_PLUS_ISSUER").rstrip("/"),
            franceconnect_plus_client_id=required("FRANCECONNECT_PLUS_CLIENT_ID"),
            session_ttl_minutes=int(env.get("SESSION_TTL_MINUTES", "60")),
            payments_debtor_name=env.get("PAYMENTS_DEBTOR_NAME", "").strip(),
            payments_debtor_iban=env.get("PAYMENTS_DEBTOR_IBAN", "").strip(),
            payments_debtor_bic=env.get("PAYMENTS_DEBTOR_BIC", "").strip(),
            webhook_allowed_origins=tuple(
                o.strip().rstrip("/")
                for o in env.get("WEBHOOK_ALLOWED_ORIGINS", "").split(",")
                if o.strip()
            ),
            # SQS delays a message 15 minutes at most
            support_summary_delay_seconds=min(
                900, int(env.get("SUPPORT_SUMMARY_DELAY_SECONDS", "120"))
            ),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
