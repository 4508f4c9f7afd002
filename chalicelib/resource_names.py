"""The names of a stage's own AWS resources, derived from the stage alone: the functions find
their tables, buckets, queues and secrets by the same rule infra/ creates them with, so no
stage lists them. "mce-<stage>-<what>" for everything but secrets, "mce-<stage>/<what>" for
secrets (Secrets Manager's hierarchy). A deployed name never changes (tables and buckets are
kept when a stack goes), so each resource keeps its own `what` rather than one from its field.
"""

from __future__ import annotations

# Settings field -> what follows "mce-<stage>-".
_RESOURCES = {
    "accounts_table": "accounts",
    "account_emails_table": "account-emails",
    "sessions_table": "sessions",
    "password_resets_table": "password-resets",
    "rne_mandates_table": "rne-mandates",
    "identity_index_table": "identity-index",
    "rne_ingestions_table": "rne-ingestions",
    "rights_ledger_table": "rights-ledger",
    "formations_table": "formations",
    "support_requests_table": "support-requests",
    "rate_limits_table": "rate-limits",
    "idempotency_table": "idempotency",
    "franceconnect_table": "franceconnect",
    "dossiers_table": "dossiers",
    "organismes_table": "organismes",
    "evaluations_table": "evaluations",
    "payments_table": "payments",
    "webhooks_table": "webhooks",
    "rne_bucket": "rne",
    "support_bucket": "support-pieces",
    "payments_bucket": "payment-files",
    "rne_queue_name": "rne-ingest",
    "rne_dlq_name": "rne-ingest-dlq",
    "rights_queue_name": "rights",
    "rights_dlq_name": "rights-dlq",
    "support_queue_name": "support",
    "support_dlq_name": "support-dlq",
    "account_mail_queue_name": "account-mail",
    "account_mail_dlq_name": "account-mail-dlq",
    "webhook_queue_name": "webhook-events",
    "webhook_dlq_name": "webhook-events-dlq",
}
# Settings field -> what follows "mce-<stage>/".
_SECRETS = {
    "nir_hmac_key_secret": "nir-hmac-key",
    "origin_verify_secret": "origin-verify",
    "franceconnect_client_secret": "franceconnect-client-secret",
    "franceconnect_plus_client_secret": "franceconnect-plus-client-secret",
    "franceconnect_encryption_keys": "franceconnect-encryption-keys",
}


def stage_prefix(stage: str) -> str:
    """ "mce-prod": the stack, and SES's configuration set."""
    return f"mce-{stage}"


def resource_name(stage: str, what: str) -> str:
    """ "mce-prod-accounts"."""
    return f"{stage_prefix(stage)}-{what}"


def secret_name(stage: str, what: str) -> str:
    """ "mce-prod/nir-hmac-key"."""
    return f"{stage_prefix(stage)}/{what}"


def stage_names(stage: str) -> dict[str, str]:
    """Settings field -> the name of that resource in this stage."""
    return {
        **{field: resource_name(stage, what) for field, what in _RESOURCES.items()},
        **{field: secret_name(stage, what) for field, what in _SECRETS.items()},
        "ses_configuration_set": stage_prefix(stage),
        # the stack's key for personal data, which also encrypts the organismes' IBANs
        "data_key_alias": f"alias/{resource_name(stage, 'data')}",
    }
