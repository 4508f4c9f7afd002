"""Counts AWS API calls (per service and operation) made by any boto3 or PynamoDB client."""

from __future__ import annotations

import time
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
    calls.seconds = Counter()  # (service, operation) -> seconds spent waiting for the answers

    def counting(client, operation_name, api_params):
        key = (client.meta.service_model.service_name, operation_name)
        calls[key] += 1
        started = time.perf_counter()
        try:
            return _original(client, operation_name, api_params)
        finally:
            calls.seconds[key] += time.perf_counter() - started

    with mock.patch.object(BaseClient, "_make_api_call", counting):
        yield calls


def dynamodb_calls(calls: Counter) -> int:
    return sum(n for (service, _), n in calls.items() if service == "dynamodb")
