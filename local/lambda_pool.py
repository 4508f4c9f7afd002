"""Lambda's concurrency on this machine: each function runs in containers, worker processes
that run one invocation at a time, started on demand up to the function's concurrency limit,
kept warm and reused; the API Gateway and the SQS pollers of `make run` hand them their events.

Why processes: the app keeps per-invocation state in module-level objects (Powertools' metrics
and logger keys, Chalice's current request), which Lambda never shares between two invocations
and this pool never does either; and, as on AWS, the functions do not share an interpreter (nor
its lock) with the gateway, the pollers or the storage (moto runs in a process of its own).

Containers fork from a server process that has imported the app once (multiprocessing's
forkserver with the app preloaded): a new container is ready in milliseconds, its first
invocation still pays for what a cold Lambda container pays on its first request (clients,
secrets, models built lazily). Each invocation ends with Lambda's REPORT line, with the
container's peak memory ("Max Memory Used") and, on the first, its "Init Duration".
With LOCAL_PROFILE_DIR set, each invocation's cProfile is written there.
"""

from __future__ import annotations

import contextlib
import cProfile
import importlib
import multiprocessing
import os
import resource
import signal
import threading
import time
import traceback
import uuid
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

API_FUNCTION = "api_handler"  # Chalice's name for the REST API's function


class Throttled(Exception):
    """Every container of the function is busy and its limit is reached (Lambda: 429
    TooManyRequestsException)."""


class InvocationFailed(Exception):
    """The function raised, timed out or its container died: the message says which."""


class InvocationTimedOut(InvocationFailed):
    """The function ran past its timeout: its container was stopped (API Gateway: 504)."""


def _handler(app, function: str):
    """The function as Lambda runs it: the app itself for the API, else its handler with its
    middleware."""
    return app if function == API_FUNCTION else app.handler_map[function]


@dataclass(frozen=True)
class FunctionLimits:
    """What Lambda gives a function: its timeout, memory and how many copies may run at
    once."""

    timeout_seconds: int
    memory_mb: int
    concurrency: int


def _container_main(app_module: str, function: str, memory_mb: int, connection) -> None:
    """One container: import (already done by the fork server), then invocations one by one
    until the pool closes the connection."""
    # Ctrl-C reaches the whole process group: the pool stops containers itself, after the
    # gateway has stopped sending them work.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.filterwarnings("ignore", "No application metrics to publish")
    init_started = time.perf_counter()
    handler = _handler(importlib.import_module(app_module).app, function)
    from chalice.local import LambdaContext

    init_ms: float | None = (time.perf_counter() - init_started) * 1000
    # LOCAL_PROFILE_DIR: a cProfile of each invocation there (<function>-<pid>-<n>.prof)
    profile_dir = os.environ.get("LOCAL_PROFILE_DIR")
    count = 0
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:
            return
        event, timeout_ms = message
        context = LambdaContext(
            function_name=function, memory_size=memory_mb, max_runtime_ms=timeout_ms
        )
        started = time.perf_counter()
        profile = cProfile.Profile() if profile_dir else None
        try:
            if profile:
                profile.enable()
            status, result = "ok", handler(event, context)
        except Exception:  # noqa: BLE001 - Lambda reports the error and keeps the container
            status, result = "error", traceback.format_exc()
        finally:
            if profile:
                profile.disable()
        duration_ms = (time.perf_counter() - started) * 1000
        count += 1
        if profile:
            profile.dump_stats(os.path.join(profile_dir, f"{function}-{os.getpid()}-{count}.prof"))
        report = (
            f"REPORT RequestId: {context.aws_request_id}\tDuration: {duration_ms:.2f} ms\t"
            f"Billed Duration: {int(duration_ms) + 1} ms\tMemory Size: {memory_mb} MB\t"
            f"Max Memory Used: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
        )
        if init_ms is not None:
            report += f"\tInit Duration: {init_ms:.2f} ms"
            init_ms = None
        connection.send((status, result, report))


@dataclass
class _Container:
    process: multiprocessing.process.BaseProcess
    connection: object


@dataclass
class _Function:
    limits: FunctionLimits
    idle: list[_Container] = field(default_factory=list)
    busy: int = 0


class FunctionPool:
    def __init__(
        self,
        functions: Mapping[str, FunctionLimits],
        app_module: str = "app",
        report: Callable[[str, str], None] | None = None,
    ) -> None:
        """`report(function, line)` hears each invocation's REPORT line (default: printed,
        after the function's name: on AWS each function has its own log group)."""
        self._app_module = app_module
        self._report = report or (lambda function, line: print(f"{function} {line}", flush=True))
        self._functions = {name: _Function(limits) for name, limits in functions.items()}
        self._lock = threading.Lock()
        self._closed = False
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload([app_module])
        self.containers_started = 0

    def start(self) -> None:
        """Start the fork server now (it imports the app): no request waits for it."""
        from multiprocessing import forkserver

        forkserver.ensure_running()

    def invoke(self, function: str, event: dict) -> dict:
        """Run one invocation in an idle container of `function` (or a new one, within its
        concurrency); answer the function's result. Raises Throttled or InvocationFailed."""
        state = self._functions[function]
        container = self._borrow(function, state)
        healthy = False
        try:
            container.connection.send((event, state.limits.timeout_seconds * 1000))
            if not container.connection.poll(state.limits.timeout_seconds):
                raise InvocationTimedOut(
                    f"Task timed out after {state.limits.timeout_seconds:.2f} seconds"
                )
            status, result, report = container.connection.recv()
            healthy = True
        except (EOFError, OSError) as error:
            raise InvocationFailed(f"the container of {function} stopped: {error!r}") from None
        finally:
            self._give_back(state, container, healthy)
        self._report(function, report)
        if status == "error":
            raise InvocationFailed(result)
        return result

    def _borrow(self, function: str, state: _Function) -> _Container:
        with self._lock:
            if self._closed:
                raise Throttled(function)
            if state.idle:
                state.busy += 1
                return state.idle.pop()
            if state.busy >= state.limits.concurrency:
                raise Throttled(function)
            state.busy += 1
        try:
            return self._start(function, state.limits)
        except BaseException:
            with self._lock:
                state.busy -= 1
            raise

    def _start(self, function: str, limits: FunctionLimits) -> _Container:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=_container_main,
            args=(self._app_module, function, limits.memory_mb, theirs),
            name=f"lambda-{function}-{uuid.uuid4().hex[:6]}",
            daemon=True,
        )
        process.start()
        theirs.close()
        with self._lock:
            self.containers_started += 1
        return _Container(process, ours)

    def _give_back(self, state: _Function, container: _Container, healthy: bool) -> None:
        with self._lock:
            state.busy -= 1
            if healthy and not self._closed:
                state.idle.append(container)
                return
        # a container that timed out is still busy: it would not hear a request to stop
        _stop(container, at_once=not healthy)

    def close(self) -> None:
        """Stop every idle container; a busy one stops when its invocation ends."""
        with self._lock:
            self._closed = True
            idle = [c for state in self._functions.values() for c in state.idle]
            for state in self._functions.values():
                state.idle.clear()
        for container in idle:
            _stop(container)


def _stop(container: _Container, at_once: bool = False) -> None:
    if not at_once:
        with contextlib.suppress(OSError):
            container.connection.send(None)
        container.process.join(timeout=5)
    if container.process.is_alive():
        container.process.kill()
        container.process.join(timeout=5)
    container.connection.close()


def limits_of_the_stage(api_concurrency: int) -> dict[str, FunctionLimits]:
    """Each function's timeout and memory as deployed (infra/resources.py); the SQS-fed ones
    run as many copies as their event source's MaximumConcurrency, the API up to
    `api_concurrency` (what the account leaves it on AWS)."""
    from infra.resources import EVENT_SOURCES, FUNCTIONS

    concurrency = {source.function: source.max_concurrency for source in EVENT_SOURCES}
    return {
        function.name: FunctionLimits(
            timeout_seconds=function.timeout,
            memory_mb=function.memory,
            concurrency=api_concurrency
            if function.name == API_FUNCTION
            else concurrency.get(function.name, 1),
        )
        for function in FUNCTIONS
    }


def in_this_process(app):
    """An invoker with the pool's signature that runs the function here, one invocation at a
    time as in one container (the demo seed runs its events in the past: time travel applies
    to this process only; tests serve the API with moto in-process)."""
    from chalice.local import LambdaContext

    one_at_a_time = threading.Lock()

    def invoke(function: str, event: dict) -> dict:
        handler = _handler(app, function)
        context = LambdaContext(function_name=function, memory_size=1024, max_runtime_ms=300_000)
        with one_at_a_time:
            try:
                return handler(event, context) or {}
            except Exception as error:
                raise InvocationFailed(traceback.format_exc()) from error

    return invoke
