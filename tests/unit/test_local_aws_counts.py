"""The local moto server's request count (what the benches read on the running system) and the
benches' reading of the functions' REPORT lines."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def counter():
    from local.moto_server import RequestCounter

    def app(environ, start_response):
        start_response("200 OK", [])
        return [b"moto"]

    return RequestCounter(app)


def _call(counter, path="/", **environ):
    answer = {}

    def start_response(status, headers):
        answer["status"] = status

    body = b"".join(counter({"PATH_INFO": path, **environ}, start_response))
    return answer["status"], body


def _signed(service: str) -> str:
    return (
        "AWS4-HMAC-SHA256 Credential=local/20261203/eu-west-3/"
        f"{service}/aws4_request, SignedHeaders=host, Signature=abc"
    )


def test_requests_are_counted_by_service_and_operation(counter):
    for _ in range(3):
        _call(counter, HTTP_X_AMZ_TARGET="DynamoDB_20120810.GetItem")
    _call(counter, HTTP_X_AMZ_TARGET="DynamoDB_20120810.BatchWriteItem")
    _call(counter, HTTP_X_AMZ_TARGET="AmazonSQS.ReceiveMessage")
    _call(
        counter,
        "/mce-local-rne/national/x.csv",
        REQUEST_METHOD="PUT",
        HTTP_AUTHORIZATION=_signed("s3"),
    )
    _call(
        counter, "/", QUERY_STRING="Action=SendMessage&Version=1", HTTP_AUTHORIZATION=_signed("sqs")
    )

    status, body = _call(counter, "/_local/requests")

    assert status == "200 OK"
    assert json.loads(body) == {
        "dynamodb": {"GetItem": 3, "BatchWriteItem": 1},
        "amazonsqs": {"ReceiveMessage": 1},
        "s3": {"PUT": 1},
        "sqs": {"SendMessage": 1},
    }


def test_reading_the_counts_is_not_counted_and_passes_nothing_to_moto(counter):
    _call(counter, "/_local/requests")
    _, body = _call(counter, "/_local/requests")
    assert json.loads(body) == {}


def test_the_benches_read_each_functions_report_lines(tmp_path):
    from bench.running_system import RunningSystem

    output = tmp_path / "local-run.log"
    output.write_text(
        'api  "GET /api/me HTTP/1.1" 200 -\n'
        "rne_ingest REPORT RequestId: 1\tDuration: 1200.50 ms\tBilled Duration: 1201 ms\t"
        "Memory Size: 1024 MB\tMax Memory Used: 143 MB\tInit Duration: 80.00 ms\n"
        "api_handler REPORT RequestId: 2\tDuration: 3.10 ms\tBilled Duration: 4 ms\t"
        "Memory Size: 1024 MB\tMax Memory Used: 90 MB\n"
        "rne_ingest REPORT RequestId: 3\tDuration: 900.00 ms\tBilled Duration: 901 ms\t"
        "Memory Size: 1024 MB\tMax Memory Used: 151 MB\n",
        encoding="utf-8",
    )
    system = RunningSystem(process=None, api="", moto_port=0, output=output)
    assert system.invocations("rne_ingest") == [(1200.5, 143), (900.0, 151)]
    assert system.invocations("api_handler") == [(3.1, 90)]
