"""Slow work that mostly waits on other processes (packaging the stage, fuzzing a local system
of its own), begun as soon as the session knows which tests it runs: it goes on beside the
tests that run first, on the machine's other core, and the test that needs it waits for its
outcome where it would have done the work.

The work runs in one thread, task after task in the order given. It starts processes and reads
files only: no `requests` (moto's mock of it comes and goes with each test), no boto3, no
environment read after the start (the tests change it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def environment_of_a_test() -> dict[str, str]:
    """The environment as a test would see it (the root conftest's rule: no developer's AWS
    credentials), taken before any test changes it."""
    env = dict(os.environ)
    for name in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        env.pop(name, None)
    env.setdefault("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    return env


class HeadStart:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="head-start")
        self._processes: list[subprocess.Popen] = []
        self._lock = threading.Lock()
        self._stopped = False

    def submit(self, task: Callable[..., T], *args: Any) -> Future[T]:
        """`task(self, *args)` once the tasks submitted before it are done."""
        return self._executor.submit(task, self, *args)

    def popen(self, *args: Any, **kwargs: Any) -> subprocess.Popen:
        """subprocess.Popen, the process ended with the session if it still runs then."""
        with self._lock:
            if self._stopped:
                raise RuntimeError("the session is over")
            process = subprocess.Popen(*args, **kwargs)  # noqa: S603 - our own commands
            self._processes.append(process)
            return process

    def stop(self) -> None:
        """At the session's end: what was not needed is not done, what still runs is ended."""
        with self._lock:
            self._stopped = True
            running = [p for p in self._processes if p.poll() is None]
        self._executor.shutdown(wait=False, cancel_futures=True)
        for process in running:
            # as Ctrl-C would: the local system stops the processes it started
            process.send_signal(signal.SIGINT)
        for process in running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._executor.shutdown(wait=True)
