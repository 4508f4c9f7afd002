"""What Chalice's functions get on top of what it generates: stable names, timeouts and memory
from infra/resources.py, active tracing, environment encrypted with the stack's key, and their
log groups created beforehand with a retention and encryption."""

from __future__ import annotations

from chalicelib.settings import Settings

from .. import resources
from . import parts
from .naming import DATA_KEY, function_id, function_name, log_group_name

_CHECKOV_SKIPS = [
    {
        "id": "CKV_AWS_117",
        "comment": "No VPC: the functions reach only AWS APIs through IAM; "
        "a VPC would add NAT costs and cold starts, no isolation.",
    },
    {
        "id": "CKV_AWS_116",
        "comment": "No asynchronous invocation needs a DLQ: the API is "
        "synchronous, SQS-fed functions use their queue's DLQ, the "
        "daily job is idempotent and runs again the next day.",
    },
    {
        "id": "CKV_AWS_115",
        "comment": "Concurrency is capped by each SQS event source's "
        "MaximumConcurrency; the API is capped by the stage's "
        "throttling and the WAF rate rule.",
    },
    {
        "id": "CKV_AWS_272",
        "comment": "Code signing needs a signing profile and pipeline the "
        "project does not run; the package is built in CI.",
    },
]


def functions(settings: Settings) -> dict:
    out = {}
    for function in resources.FUNCTIONS:
        log_group = function_id(function.name) + "LogGroup"
        out[log_group] = parts.log_group(log_group_name(function, settings))
        out[function_id(function.name)] = {
            "DependsOn": [log_group],  # else Lambda creates it, unencrypted and kept forever
            "Metadata": {"checkov": {"skip": _CHECKOV_SKIPS}},
            "Properties": {
                "FunctionName": function_name(function, settings),
                "Timeout": function.timeout,
                "MemorySize": function.memory,
                "Tracing": "Active",
                "KmsKeyArn": {"Fn::GetAtt": [DATA_KEY, "Arn"]},
            },
        }
    return out
