"""The names of a stage's resources follow from the stage: what the functions read is what
infra/ creates, and a deployed name never changes (tables and buckets outlive their stack)."""

import json
from pathlib import Path

import pytest

from chalicelib.models import ALL_MODELS
from chalicelib.resource_names import stage_names
from chalicelib.settings import Settings
from infra import resources
from infra.stage_config import stage_environment

CONFIG = json.loads(
    (Path(__file__).resolve().parents[2] / ".chalice" / "config.json").read_text(encoding="utf-8")
)
STAGES = sorted(CONFIG["stages"])

# As deployed in prod: renaming one would leave its data behind in the old table or bucket.
DEPLOYED_IN_PROD = {
    "accounts_table": "mce-prod-accounts",
    "account_emails_table": "mce-prod-account-emails",
    "sessions_table": "mce-prod-sessions",
    "password_resets_table": "mce-prod-password-resets",
    "rne_mandates_table": "mce-prod-rne-mandates",
    "identity_index_table": "mce-prod-identity-index",
    "rne_ingestions_table": "mce-prod-rne-ingestions",
    "rights_ledger_table": "mce-prod-rights-ledger",
    "formations_table": "mce-prod-formations",
    "support_requests_table": "mce-prod-support-requests",
    "rate_limits_table": "mce-prod-rate-limits",
    "idempotency_table": "mce-prod-idempotency",
    "franceconnect_table": "mce-prod-franceconnect",
    "dossiers_table": "mce-prod-dossiers",
    "organismes_table": "mce-prod-organismes",
    "evaluations_table": "mce-prod-evaluations",
    "rne_bucket": "mce-prod-rne",
    "support_bucket": "mce-prod-support-pieces",
    "rne_queue_name": "mce-prod-rne-ingest",
    "rne_dlq_name": "mce-prod-rne-ingest-dlq",
    "rights_queue_name": "mce-prod-rights",
    "rights_dlq_name": "mce-prod-rights-dlq",
    "support_queue_name": "mce-prod-support",
    "support_dlq_name": "mce-prod-support-dlq",
    "account_mail_queue_name": "mce-prod-account-mail",
    "account_mail_dlq_name": "mce-prod-account-mail-dlq",
    "nir_hmac_key_secret": "mce-prod/nir-hmac-key",
    "origin_verify_secret": "mce-prod/origin-verify",
    "franceconnect_client_secret": "mce-prod/franceconnect-client-secret",
    "franceconnect_plus_client_secret": "mce-prod/franceconnect-plus-client-secret",
    "franceconnect_encryption_keys": "mce-prod/franceconnect-encryption-keys",
    "ses_configuration_set": "mce-prod",
}


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_reads_the_names_its_resources_were_deployed_with(stage):
    settings = Settings.from_env(stage_environment(stage))
    expected = {
        field: name.replace("mce-prod", f"mce-{stage}", 1)
        for field, name in DEPLOYED_IN_PROD.items()
    }
    assert {field: getattr(settings, field) for field in expected} == expected


@pytest.mark.parametrize("stage", STAGES)
def test_no_stage_declares_a_derived_name_that_would_be_ignored(stage):
    declared = set(CONFIG["stages"][stage]["environment_variables"]) | set(
        CONFIG.get("environment_variables", {})
    )
    assert declared & {field.upper() for field in stage_names(stage)} == set()


def test_every_resource_infra_creates_by_its_settings_field_has_a_derived_name():
    created = {
        *(model.Meta.settings_field for model in ALL_MODELS),
        *resources.BUCKETS,
        *(q.settings_field for q in resources.QUEUES),
        *(q.dlq_settings_field for q in resources.QUEUES),
        *resources.SECRETS,
        *resources.SENDER_CONFIGURATION_SETS,
        *resources.KEYS,
    }
    assert created == set(stage_names("prod"))


def test_no_two_resources_of_a_stage_share_a_name():
    names = stage_names("prod")
    assert len(set(names.values())) == len(names)
