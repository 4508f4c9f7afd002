"""The moto server the benchmarks run against, with one moto inefficiency fixed.

moto's TransactWriteItems backs up each table it touches by deep-copying the whole table once
per action of the transaction, to restore it if the transaction is cancelled: the cost grows
with the table times the actions, so a bench of hundreds of thousands of items spends its time
and memory there. Here a transaction keeps instead a copy of each item it is about to write and
puts those back if it is cancelled, which is what the table copy was for; what moto checks and
writes is otherwise unchanged.

    python -m bench.moto_server -H 127.0.0.1 -p 5000
"""

from __future__ import annotations

import copy
import sys
import types

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models import __dict__ as dynamodb_models
from moto.dynamodb.models.table import Table
from moto.server import main as moto_main

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

if __name__ == "__main__":
    sys.exit(moto_main(sys.argv[1:]))
