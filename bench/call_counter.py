"""Counts AWS API calls (per service and operation) made by any boto3 or PynamoDB client."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from botocore.client import BaseClient

_original = BaseClient._make_api_call


@contextmanager
def count_aws_calls() -> Iterator[Counter]:
    """Within the block, the Counter maps (service, operation) to the number of calls."""
    calls: Counter = Counter()

    def counting(client, operation_name, api_params):
        calls[(client.meta.service_model.service_name, operation_name)] += 1
        return _original(client, operation_name, api_params)

    with mock.patch.object(BaseClient, "_make_api_call", counting):
        yield calls


def dynamodb_calls(calls: Counter) -> int:
    return sum(n for (service, _), n in calls.items() if service == "dynamodb")
