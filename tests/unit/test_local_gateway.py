"""The local gateway hands each request to the function's containers and answers, as API
Gateway in front of Lambda does, when none can take it or it fails."""

from __future__ import annotations

import json

import pytest
import requests

from local.free_ports import free_port
from local.lambda_pool import InvocationFailed, InvocationTimedOut, Throttled


@pytest.fixture
def gateway():
    from local import api_server
    from tests.support.pool_app import app

    answers = {}

    def invoke(function, event):
        answers["seen"] = (function, event["requestContext"]["resourcePath"])
        outcome = answers.get("outcome")
        if isinstance(outcome, Exception):
            raise outcome
        return {"statusCode": 200, "headers": {}, "multiValueHeaders": {}, "body": '{"ok": 1}'}

    port = free_port()
    server = api_server.start(app, "127.0.0.1", port, invoke)
    yield f"http://127.0.0.1:{port}/api", answers
    server.shutdown()


def test_a_request_goes_to_the_api_function_without_its_prefix(gateway):
    api, answers = gateway
    assert requests.get(f"{api}/", timeout=10).json() == {"ok": 1}
    assert answers["seen"] == ("api_handler", "/")


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (Throttled("api_handler"), 502),  # API Gateway's answer to a throttled Lambda: a 5xx
        (InvocationTimedOut("Task timed out after 29.00 seconds"), 504),
        (InvocationFailed("Traceback ... KeyError"), 502),
    ],
)
def test_no_container_or_a_failed_one_answers_as_the_deployed_api(gateway, outcome, status):
    """What the deployed API's gateway responses answer (infra/template/api.py), body and all."""
    from infra.template.api import gateway_responses

    api, answers = gateway
    answers["outcome"] = outcome
    answer = requests.get(f"{api}/", timeout=10)
    assert answer.status_code == status
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    body = json.loads(answer.text)
    assert body["status"] == status and body["detail"].endswith(".")
    assert "Traceback" not in answer.text
    (deployed,) = [r for r in gateway_responses().values() if r["statusCode"] == str(status)]
    assert body == json.loads(deployed["responseTemplates"]["application/json"])
    assert answer.headers["Content-Language"] == "fr"
