"""The CloudFormation that completes Chalice's package, built from infra/resources.py and the
PynamoDB models: merged into Chalice's SAM template by `chalice package --merge-template`
(dictionaries are merged key by key, so a resource here may add properties to one of
Chalice's, or replace a list such as a role's policies).

    python -m infra.template STAGE > build/STAGE/infra.json
"""

from __future__ import annotations

from chalicelib.settings import Settings

from ..stage_config import stage_environment
from . import alarms, api, dashboards, data, functions, iam, messaging, uploaders, web


def routes() -> list[tuple[str, str]]:
    """(method, path) of every route of the app."""
    from app import app

    return sorted((method, path) for path, methods in app.routes.items() for method in methods)


def template(stage: str) -> dict:
    settings = Settings.from_env(stage_environment(stage))
    resources: dict = {}
    for part in (
        data.data_key(),
        data.tables(settings),
        data.buckets(settings),
        data.secrets(settings),
        messaging.queues(settings),
        messaging.bucket_notifications(settings),
        messaging.event_sources(settings),
        messaging.email(settings),
        iam.roles(settings),
        uploaders.uploader_roles(),
        functions.functions(settings),
        api.rest_api(settings),
        api.firewall(settings),
        web.web(settings),
        dashboards.dashboards(settings, routes()),
        alarms.topic(),
        alarms.alarms(settings),
    ):
        resources = merge(resources, part)
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Mon Compte Élu ({stage})",
        "Parameters": {**alarms.PARAMETERS, **web.PARAMETERS, **uploaders.PARAMETERS},
        "Conditions": {**alarms.CONDITIONS, **web.CONDITIONS, **uploaders.CONDITIONS},
        "Resources": resources,
        "Outputs": {"AlarmTopicArn": {"Value": {"Ref": alarms.TOPIC}}, **web.OUTPUTS},
    }


def merge(base: dict, extra: dict) -> dict:
    """Chalice's merge: dictionaries key by key, anything else replaced."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged
