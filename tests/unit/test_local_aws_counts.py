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


def test_reads_written_as_json_as_they_are_say_what_motos_serializer_says():
    """The local moto server's fast path for DynamoDB reads answers what moto's own serializer
    answers, for every kind of attribute the app stores."""
    from types import SimpleNamespace

    from moto.core.responses import ActionContext, get_service_model
    from moto.core.serialize import get_serializer_class
    from moto.dynamodb.responses import DynamoResult

    import local.moto_server as server

    item = {
        "pk": {"S": "compte#1"},
        "n": {"N": "12.50"},
        "flag": {"BOOL": True},
        "none": {"NULL": True},
        "tags": {"SS": ["a", "b"]},
        "list": {"L": [{"S": "x"}, {"N": "1"}]},
        "map": {"M": {"k": {"S": "v"}}},
    }
    result = {
        "Items": [item, item],
        "Count": 2,
        "ScannedCount": 2,
        "LastEvaluatedKey": {"pk": {"S": "x"}},
    }
    model = get_service_model("dynamodb")
    operation = model.operation_model("Query")
    context = ActionContext(
        model, operation, get_serializer_class("dynamodb", "json"), SimpleNamespace()
    )
    dynamo = DynamoResult.__new__(DynamoResult)
    dynamo._result = result
    fast = server._execute_as_json(dynamo, context)
    slow = server._execute_result(dynamo, context)
    assert fast[0] == slow[0] == 200
    assert json.loads(fast[2]) == json.loads(slow[2])
