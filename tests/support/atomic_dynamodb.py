"""DynamoDB makes each request atomic; moto's in-process backend does not when several threads
call it (a transaction checks its conditions, then writes, without a lock). For the tests that
fire requests at once, each backend request runs under one lock: requests from different
threads interleave exactly as DynamoDB lets them, but none is torn in two. A read-then-write
use case still races; a conditional write or transaction does not."""

from __future__ import annotations

import contextlib
import functools
import threading

from moto.dynamodb.models import DynamoDBBackend

_REQUESTS = (
    "get_item",
    "put_item",
    "update_item",
    "delete_item",
    "query",
    "scan",
    "batch_get_item",
    "batch_write_item",
    "transact_write_items",
    "transact_get_items",
)


@contextlib.contextmanager
def atomic_requests():
    lock = threading.RLock()
    originals = {name: getattr(DynamoDBBackend, name) for name in _REQUESTS}

    def locked(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            with lock:
                return method(self, *args, **kwargs)

        return call

    for name, method in originals.items():
        setattr(DynamoDBBackend, name, locked(method))
    try:
        yield
    finally:
        for name, method in originals.items():
            setattr(DynamoDBBackend, name, method)
