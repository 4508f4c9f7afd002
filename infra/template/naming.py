"""CloudFormation logical ids: the same across stages (they come from Settings fields, not from
the stage's names), and the ones Chalice gives its functions and roles. The names of what a
stage deploys follow chalicelib.resource_names, the rule the functions find their resources by."""

from __future__ import annotations

from chalicelib.resource_names import resource_name, stage_prefix

DATA_KEY = "DataKey"  # the customer-managed key of the personal data

# Behind CloudFront: the viewer's address, in a header CloudFront's function sets, and the
# secret header CloudFront sends the API (resolved by CloudFormation from the generated secret
# at deployment: its value is never in the template).
VIEWER_IP_HEADER = "x-mce-viewer-ip"
ORIGIN_HEADER = "X-Origin-Verify"
ORIGIN_SECRET_VALUE = {"Fn::Sub": "{{resolve:secretsmanager:${OriginVerifySecret}:SecretString}}"}

# Chalice names the REST API's function APIHandler, the others after their Python name.
_CHALICE_FUNCTION_IDS = {"api_handler": "APIHandler"}


def logical_id(name: str) -> str:
    """ "rne_ingest" -> "RneIngest"."""
    return "".join(part.capitalize() for part in name.split("_"))


def resource_id(settings_field: str) -> str:
    """ "accounts_table" -> "AccountsTable", "support_dlq_name" -> "SupportDlq"."""
    return logical_id(settings_field.removesuffix("_name"))


def function_id(function: str) -> str:
    return _CHALICE_FUNCTION_IDS.get(function, logical_id(function))


def role_id(function: str) -> str:
    """The role Chalice creates for each function when autogen_policy is off."""
    return logical_id(function) + "Role"


def stage_name(settings, what: str) -> str:
    """The name of something of this stage: "mce-prod-api"."""
    return resource_name(settings.stage, what)


def waf_log_group_name(settings) -> str:
    """WAF logs only to log groups named "aws-waf-logs-...": "aws-waf-logs-mce-prod"."""
    return f"aws-waf-logs-{stage_prefix(settings.stage)}"


def function_name(function, settings) -> str:
    """The deployed name of a function of infra/resources.py: "mce-prod-rne-ingest"."""
    return stage_name(settings, function.name.replace("_", "-"))


def log_group_name(function, settings) -> str:
    return f"/aws/lambda/{function_name(function, settings)}"


def arn(service: str, resource: str) -> dict:
    """An ARN in this stack's partition, region and account."""
    return {
        "Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:"
        f"{resource}"
    }
