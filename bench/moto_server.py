"""The moto server the benchmarks run against, with one moto inefficiency fixed.

moto's TransactWriteItems backs up a table by deep-copying it once per action of the
transaction (copying the same table up to 100 times): the cost grows with the table times the
actions, so a bench of hundreds of thousands of rows spends its time and memory there. Here each
table is copied once per transaction; what moto does is otherwise unchanged.

    python -m bench.moto_server -H 127.0.0.1 -p 5000
"""

from __future__ import annotations

import copy
import sys
import types

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models import __dict__ as dynamodb_models
from moto.server import main as moto_main

_transact_write_items = DynamoDBBackend.transact_write_items


def _transact_copying_each_table_once(self, transact_items):
    copies: dict[int, object] = {}

    def deepcopy_once(value, memo=None):
        if id(value) not in copies:
            copies[id(value)] = copy.deepcopy(value, memo)
        return copies[id(value)]

    dynamodb_models["copy"] = types.SimpleNamespace(deepcopy=deepcopy_once)
    try:
        return _transact_write_items(self, transact_items)
    finally:
        dynamodb_models["copy"] = copy


DynamoDBBackend.transact_write_items = _transact_copying_each_table_once

if __name__ == "__main__":
    sys.exit(moto_main(sys.argv[1:]))
