"""The embedded AWS of `make run` and of the benchmarks: moto's server in a process of its own
(as DynamoDB and S3 are never in the functions' process), with moto's slowest paths made
faster (what it answers is unchanged: tests/unit/test_local_aws_counts.py) and a count of the
requests it served.

moto's TransactWriteItems backs up each table it touches by deep-copying the whole table once
per action of the transaction, to restore it if the transaction is cancelled: the cost grows
with the table times the actions, so a bench of hundreds of thousands of items spends its time
and memory there. Here a transaction keeps instead a copy of each item it is about to write and
puts those back if it is cancelled, which is what the table copy was for; what moto checks and
writes is otherwise unchanged.

Also faster here: each request's dispatch (moto looked its backend and its handler's methods up
again every time), an item's size and its copy before a Query or a Scan filters it (moto wrapped
every nested value anew), and the answers of DynamoDB's reads (written as JSON as they are).

`GET /_local/requests` answers how many requests each operation received since the start
(`{"dynamodb": {"GetItem": 12, ...}, ...}`): what a bench counts on the running system.

    python -m local.moto_server -H 127.0.0.1 -p 5000

Served by waitress (keep-alive connections, as AWS endpoints keep them).
"""

from __future__ import annotations

import argparse
import copy
import functools
import json
import logging
import signal
import sys
import threading
import types
from collections import Counter

import moto.backends
import moto.core.responses
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models import __dict__ as dynamodb_models
from moto.dynamodb.models import table as table_module
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoResult
from moto.server import DomainDispatcherApplication, create_backend_app

_transact_write_items = DynamoDBBackend.transact_write_items


def _key_of(backend, op: dict) -> tuple[str, dict] | None:
    name = op.get("TableName")
    if name not in backend.tables:
        return None
    if "Key" in op:
        return name, op["Key"]
    table = backend.tables[name]
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return name, key


def _transact_keeping_items(self, transact_items):
    before = []
    for action in transact_items:
        found = _key_of(self, next(iter(action.values())))
        if found:
            item = self.get_item(*found)
            before.append((*found, item.to_json()["Attributes"] if item else None))

    def deepcopy_but_tables(value, memo=None):
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    dynamodb_models["copy"] = types.SimpleNamespace(deepcopy=deepcopy_but_tables)
    try:
        return _transact_write_items(self, transact_items)
    except Exception:
        for name, key, attributes in reversed(before):
            if attributes is None:
                self.tables[name].delete_item(*self.get_keys_value(self.tables[name], key))
            else:
                self.tables[name].put_item(attributes)
        raise
    finally:
        dynamodb_models["copy"] = copy


DynamoDBBackend.transact_write_items = _transact_keeping_items

# moto 5 serializes each answer by walking the operation's output shape, attribute by attribute:
# a Query of a few dozen items spends most of its time there. moto's results for DynamoDB's
# reads are already in the wire format (DynamoResult: {"Items": [{"a": {"S": "x"}}], ...}), so
# they are written as JSON as they are; a result with bytes (a binary attribute) goes through
# moto's serializer, which encodes them. tests/unit/test_local_aws_counts.py compares both.
JSON_AS_IT_IS = {"GetItem", "BatchGetItem", "Query", "Scan"}
_execute_result = DynamoResult.execute_result


def _execute_as_json(self, context):
    if context.operation_model.name in JSON_AS_IT_IS:
        try:
            body = json.dumps(self.result)
        except TypeError:
            return _execute_result(self, context)
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body
    return _execute_result(self, context)


DynamoResult.execute_result = _execute_as_json

# moto finds the backend of each request by listing its own package directory (a listdir and
# fifty stats) and each handler's methods with inspect.getmembers, both again at every request:
# a third of a GetItem's time. Neither changes while the server runs.
moto.backends.list_of_moto_modules = functools.cache(
    lambda listed=moto.backends.list_of_moto_modules: tuple(listed())
)
moto.core.responses.method_names_from_class = functools.cache(
    moto.core.responses.method_names_from_class
)


class CachingDispatcher(DomainDispatcherApplication):
    """moto's dispatcher, remembering which backend serves a host (a pure function of it)."""

    def __init__(self, create_app) -> None:
        super().__init__(create_app)
        self._backends: dict[str | None, object] = {}

    def get_backend_for_host(self, host):
        try:
            return self._backends[host]
        except KeyError:
            found = self._backends[host] = super().get_backend_for_host(host)
            return found


def _size_of(value: DynamoType) -> int:
    """DynamoType.size as moto counts it (its limits: 400 KB an item, 1 MB a page), without
    re-wrapping every map value and set member in a new DynamoType first: moto's own walk was
    a third of a Query's time (a Query sizes each item it reads, twice)."""
    kind, inner = value.type, value.value
    if kind == "N":
        return len(str(inner))
    if kind == "NS":
        return sum(len(str(member)) for member in inner)
    if kind in ("SS", "BS"):
        return sum(_bytes(member) for member in inner)
    if kind == "L":
        return sum(_size_of(member) for member in inner)
    if kind == "M":
        return sum(_bytes(name) + _size_of(member) for name, member in inner.items())
    if isinstance(inner, bool):  # BOOL, and NULL's True
        return 1
    return _bytes(inner)


def _bytes(text: str | bytes) -> int:
    """Its length in UTF-8 (moto's bytesize, without encoding ASCII text to count it)."""
    if isinstance(text, bytes) or not text.isascii():
        return len(text if isinstance(text, bytes) else text.encode("utf-8"))
    return len(text)


def _item_size(item: Item) -> int:
    return sum(_bytes(name) + _size_of(value) for name, value in item.attrs.items())


_moto_sizes = DynamoType.size, Item.size  # what the tests compare with
DynamoType.size, Item.size = _size_of, _item_size

# A Query or a Scan deep-copies every item it read before projecting and filtering them, through
# copy.deepcopy's memo for each attribute: the other third of its time. Items are trees of
# DynamoType (no cycles, nothing shared), copied here directly, as moto's __deepcopy__ does.
_SETS = ("SS", "NS", "BS")


def _copied(value: DynamoType | None) -> DynamoType | None:
    if value is None:
        return None
    copied = DynamoType.__new__(DynamoType)
    copied.type, inner = value.type, value.value
    if copied.type == "L":
        copied.value = [_copied(member) for member in inner]
    elif copied.type == "M":
        copied.value = {name: _copied(member) for name, member in inner.items()}
    elif copied.type in _SETS:
        copied.value = list(inner)
    else:
        copied.value = inner
    return copied


def _copied_item(item: Item) -> Item:
    copied = Item.__new__(Item)
    copied.hash_key, copied.range_key = _copied(item.hash_key), _copied(item.range_key)
    copied.attrs = LimitedSizeDict.__new__(LimitedSizeDict)  # no size check: it passed on write
    dict.__init__(copied.attrs, {name: _copied(value) for name, value in item.attrs.items()})
    return copied


def _deepcopy(value, memo=None):
    if type(value) is Item:
        return _copied_item(value)
    if type(value) is list and all(type(member) is Item for member in value):
        return [_copied_item(member) for member in value]
    return copy.deepcopy(value, memo)


table_module.copy = types.SimpleNamespace(deepcopy=_deepcopy, copy=copy.copy)

COUNTS_PATH = "/_local/requests"


class RequestCounter:
    """WSGI middleware: counts each request by service and operation (the JSON protocols'
    X-Amz-Target, else the query's Action, else the HTTP method: S3 and SES v2 are REST)."""

    def __init__(self, app) -> None:
        self._app = app
        self._counts: Counter = Counter()
        self._lock = threading.Lock()
        # DynamoDB applies each request to an item whole; moto's handlers read and change the
        # same items from the server's threads (an UpdateItem copying an item while another
        # adds to it failed with a 500), so its DynamoDB requests are served one at a time, as
        # moto's pure-Python work is anyway. SQS long polls and S3 bodies are not held up.
        self._dynamodb = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == COUNTS_PATH:
            return self._answer_counts(start_response)
        service, operation = _operation(environ)
        with self._lock:
            self._counts[service, operation] += 1
        if service != "dynamodb":
            return self._app(environ, start_response)
        with self._dynamodb:
            return list(self._app(environ, start_response))

    def _answer_counts(self, start_response):
        with self._lock:
            counts: dict[str, dict[str, int]] = {}
            for (service, operation), n in self._counts.items():
                counts.setdefault(service, {})[operation] = n
        body = json.dumps(counts).encode()
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]


def _operation(environ) -> tuple[str, str]:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        prefix, _, operation = target.partition(".")
        return ("dynamodb" if prefix.startswith("DynamoDB") else prefix.lower()), operation
    # SigV4's credential scope names the service: Credential=<key>/<date>/<region>/<service>/
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    scope = authorization.partition("Credential=")[2].split(",")[0].split("/")
    service = scope[3] if len(scope) > 3 else "unsigned"
    action = next(
        (p[7:] for p in environ.get("QUERY_STRING", "").split("&") if p.startswith("Action=")),
        None,
    )
    return service, action or environ.get("REQUEST_METHOD", "?")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="moto, as the local system's AWS")
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args(argv)
    import waitress

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" under load
    # stopped by the local system after its API and relay (Ctrl-C is theirs to handle)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = RequestCounter(CachingDispatcher(create_backend_app))
    # waitress, not moto's werkzeug server: that one closes the connection after each answer,
    # so every AWS call would open a TCP connection (and a thread), where AWS endpoints and
    # botocore keep connections alive. Threads: the SQS pollers' long polls hold one each.
    waitress.serve(
        app,
        host=args.host,
        port=args.port,
        threads=64,
        connection_limit=4000,  # every container keeps a connection pool per AWS client
        channel_timeout=300,
        _quiet=True,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
