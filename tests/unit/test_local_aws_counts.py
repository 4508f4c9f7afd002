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


_ITEM = {
    "pk": {"S": "formation#1"},
    "titre": {"S": "Gérer un budget communal"},  # not ASCII: its UTF-8 length is counted
    "prix": {"N": "1250"},
    "ouverte": {"BOOL": False},
    "rien": {"NULL": True},
    "mots": {"SS": ["budget", "élu"]},
    "notes": {"NS": ["1", "2.5"]},
    "blob": {"B": b"\x00\x01"},
    "blobs": {"BS": [b"a", b"bc"]},
    "sessions": {"L": [{"M": {"debut": {"S": "2026-12-01"}, "places": {"N": "12"}}}]},
}


def test_items_are_sized_as_moto_sizes_them():
    """moto's limits (400 KB an item, 1 MB a page) see the same sizes through the faster walk."""
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    import local.moto_server as server

    moto_value_size, moto_item_size = server._moto_sizes
    for value in _ITEM.values():
        assert DynamoType(value).size() == moto_value_size(DynamoType(value))
    item = Item(DynamoType(_ITEM["pk"]), None, _ITEM)
    assert item.size() == moto_item_size(item) > 0


def test_items_read_are_copies_equal_to_the_stored_ones_and_apart_from_them():
    from moto.dynamodb.models import table
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    import local.moto_server  # noqa: F401 - installs the copy

    stored = Item(DynamoType(_ITEM["pk"]), None, _ITEM)
    (copied,) = table.copy.deepcopy([stored])

    assert copied.to_json() == stored.to_json() and copied.hash_key == stored.hash_key
    copied.attrs["sessions"].value[0].value["places"].value = "0"
    copied.attrs["mots"].value.append("autre")
    assert stored.to_json()["Attributes"]["sessions"]["L"][0]["M"]["places"] == {"N": "12"}
    assert stored.to_json()["Attributes"]["mots"] == {"SS": ["budget", "élu"]}


def _local_dynamodb():
    """A DynamoDB request to the local server's own WSGI app (its dispatch, its fixes)."""
    from moto.server import create_backend_app
    from werkzeug.test import Client

    import local.moto_server as server

    app = server.RequestCounter(server.CachingDispatcher(create_backend_app))

    def post(operation: str, body: dict):
        return Client(app).post(
            "/",
            data=json.dumps(body),
            headers={
                "X-Amz-Target": f"DynamoDB_20120810.{operation}",
                "Content-Type": "application/x-amz-json-1.0",
                "Authorization": _signed("dynamodb"),
            },
        )

    return post


def test_the_local_server_answers_dynamodb_reads_as_moto_does():
    """Through the server's own WSGI app (its dispatch remembered after the first request): a
    GetItem, and a Query on an index with a filter, sorted and filtered as DynamoDB does."""
    post = _local_dynamodb()

    def call(operation: str, body: dict) -> dict:
        answer = post(operation, body)
        assert answer.status_code == 200, answer.data
        return json.loads(answer.data)

    call(
        "CreateTable",
        {
            "TableName": "t",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "cat", "AttributeType": "S"},
                {"AttributeName": "tri", "AttributeType": "S"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "par-cat",
                    "KeySchema": [
                        {"AttributeName": "cat", "KeyType": "HASH"},
                        {"AttributeName": "tri", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        },
    )
    for n, (tri, mots) in enumerate([("c", " budget"), ("a", " budget élu"), ("b", " voirie")]):
        item = {"pk": {"S": f"f{n}"}, "cat": {"S": "x"}, "tri": {"S": tri}, "mots": {"S": mots}}
        call("PutItem", {"TableName": "t", "Item": item})

    for _ in range(2):
        found = call("GetItem", {"TableName": "t", "Key": {"pk": {"S": "f1"}}})
        assert found["Item"]["mots"] == {"S": " budget élu"}
        page = call(
            "Query",
            {
                "TableName": "t",
                "IndexName": "par-cat",
                "KeyConditionExpression": "cat = :c",
                "FilterExpression": "contains(mots, :m)",
                "ExpressionAttributeValues": {":c": {"S": "x"}, ":m": {"S": " budget"}},
            },
        )
        assert [i["pk"]["S"] for i in page["Items"]] == ["f1", "f0"]
        assert (page["Count"], page["ScannedCount"]) == (2, 3)


def test_simultaneous_writes_and_reads_of_one_item_never_fail_on_the_local_server():
    """DynamoDB applies each request to an item whole; moto's handlers share its items between
    the server's threads (a copy read while another request adds an attribute failed, a 500)."""
    import sys
    import threading

    post = _local_dynamodb()

    def call(operation: str, body: dict) -> int:
        try:
            answer = post(operation, body)
        except RuntimeError:  # what moto raised, and the server answered 500
            return 500
        return answer.status_code

    call(
        "CreateTable",
        {
            "TableName": "comptes",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    key = {"pk": {"S": "compte#1"}}
    statuses: list[int] = []

    def writer(n: int) -> None:
        for i in range(150):
            removed = f" REMOVE a{n}_{i - 1}" if i else ""  # the item grows and shrinks
            statuses.append(
                call(
                    "UpdateItem",
                    {
                        "TableName": "comptes",
                        "Key": key,
                        "UpdateExpression": f"SET a{n}_{i} = :v{removed}",
                        "ExpressionAttributeValues": {":v": {"S": "x" * 50}},
                    },
                )
            )

    def reader() -> None:
        for _ in range(150):
            statuses.append(call("GetItem", {"TableName": "comptes", "Key": key}))
            statuses.append(call("Scan", {"TableName": "comptes"}))

    people = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    people += [threading.Thread(target=reader) for _ in range(4)]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # threads take turns often, as under load
    try:
        for person in people:
            person.start()
        for person in people:
            person.join()
    finally:
        sys.setswitchinterval(switching)

    assert len(statuses) == (8 + 4 * 2) * 150 and set(statuses) == {200}, [
        s for s in statuses if s != 200
    ][:3]
