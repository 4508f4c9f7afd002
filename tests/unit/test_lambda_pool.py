"""The local Lambda pool: containers (processes) on demand, one invocation each at a time,
reused, bounded by the function's concurrency, failures and timeouts reported as Lambda does."""

from __future__ import annotations

import threading

import pytest

from local.lambda_pool import (
    FunctionLimits,
    FunctionPool,
    InvocationFailed,
    InvocationTimedOut,
    Throttled,
)

APP = "tests.support.pool_app"


@pytest.fixture
def pool():
    reports: list[tuple[str, str]] = []
    limits = {
        name: FunctionLimits(timeout_seconds=timeout, memory_mb=256, concurrency=concurrency)
        for name, timeout, concurrency in (
            ("echo", 10, 3),
            ("slow", 3, 2),
            ("boom", 10, 1),
            ("api_handler", 10, 1),
        )
    }
    pool = FunctionPool(limits, app_module=APP, report=lambda f, line: reports.append((f, line)))
    pool.reports = reports
    yield pool
    pool.close()


def test_one_container_serves_invocations_one_after_the_other_and_reports_each(pool):
    first = pool.invoke("echo", {"n": 1})
    second = pool.invoke("echo", {"n": 2})
    assert second["pid"] == first["pid"]  # warm: the same container
    assert second["seen_here"] == [1, 2]
    assert pool.containers_started == 1
    assert 0 < first["remaining_ms"] <= 10_000
    (f1, cold), (f2, warm) = pool.reports
    assert f1 == f2 == "echo"
    assert cold.startswith("REPORT RequestId: ") and "Max Memory Used: " in cold
    assert "Init Duration" in cold and "Init Duration" not in warm
    assert "Memory Size: 256 MB" in warm


def test_simultaneous_invocations_run_at_once_in_containers_of_their_own(pool):
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(pool.invoke("slow", {"seconds": 0.5})))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r["pid"] for r in results}) == 2
    first, second = sorted(results, key=lambda r: r["started"])
    assert second["started"] < first["ended"]  # they overlapped: no lock between them


def test_beyond_its_concurrency_a_function_is_throttled_until_a_container_is_free(pool):
    busy = [threading.Thread(target=pool.invoke, args=("slow", {"seconds": 0.8})) for _ in range(2)]
    for thread in busy:
        thread.start()
    threading.Event().wait(0.4)  # both containers of "slow" (its concurrency: 2) are busy
    with pytest.raises(Throttled):
        pool.invoke("slow", {"seconds": 0})
    for thread in busy:
        thread.join()
    assert pool.invoke("slow", {"seconds": 0})["pid"]
    assert pool.containers_started == 2


def test_the_api_function_is_the_app_itself(pool):
    event = {
        "resource": "/",
        "path": "/",
        "httpMethod": "GET",
        "headers": {},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {"resourcePath": "/", "httpMethod": "GET", "path": "/"},
        "body": None,
        "isBase64Encoded": False,
    }
    answer = pool.invoke("api_handler", event)
    assert answer["statusCode"] == 200 and '"pid"' in answer["body"]


def test_an_error_is_reported_with_its_traceback_and_the_container_kept(pool):
    with pytest.raises(InvocationFailed, match="la fonction a échoué"):
        pool.invoke("boom", {})
    with pytest.raises(InvocationFailed):
        pool.invoke("boom", {})
    assert pool.containers_started == 1


def test_a_function_past_its_timeout_is_stopped_and_the_next_gets_a_new_container(pool):
    with pytest.raises(InvocationTimedOut, match=r"Task timed out after 3\.00 seconds"):
        pool.invoke("slow", {"seconds": 8})
    after = pool.invoke("slow", {"seconds": 0})
    assert pool.containers_started == 2
    assert after["pid"]


def test_a_closed_pool_stops_its_containers(pool):
    pid = pool.invoke("echo", {"n": 1})["pid"]
    pool.close()
    import os

    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(pid, 0)
            threading.Event().wait(0.1)
    with pytest.raises(Throttled):
        pool.invoke("echo", {"n": 2})
