"""The fuzz runs of the selected tests (test_fuzz_openapi.py), against a local system of their
own, begun when the session knows its tests: fuzzing takes minutes, spent by schemathesis and
the system in their own processes, beside the tests that run first (tests/support/head_start.py).
The runs go one after the other, in the tests' order; each test reads its own run's outcome."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from tests.support.head_start import HeadStart, environment_of_a_test

SEED = "20261128"


@dataclass(frozen=True)
class Run:
    checks: str
    options: tuple[str, ...] = ()
    # with the demo élu's session, opened just before the run
    as_the_demo_elu: bool = False


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str


class Campaign:
    def __init__(self, runs: list[Run]) -> None:
        environment = environment_of_a_test()
        self._head_start = HeadStart()
        system = self._head_start.submit(_start, environment)
        self._outcomes: dict[Run, Future[Outcome]] = {}
        for run in runs:
            if run not in self._outcomes:
                self._outcomes[run] = self._head_start.submit(_fuzz, system, run, environment)
        self._head_start.submit(_stop, system, list(self._outcomes.values()))

    def outcome(self, run: Run) -> Outcome:
        """Once the run is over: how schemathesis ended, and its report."""
        return self._outcomes[run].result()

    def stop(self) -> None:
        self._head_start.stop()


def _start(head_start: HeadStart, environment: dict[str, str]):
    from tests.e2e.conftest import start_system

    # a system of its own: the fuzzer spends the per-address limits of its address
    output = Path(tempfile.mkdtemp(prefix="local-system-fuzzed-")) / "output.log"
    return start_system(head_start.popen, output, environment)


def _stop(head_start: HeadStart, system: Future, outcomes: list[Future[Outcome]]) -> None:
    from tests.e2e.conftest import stop_system

    if system.exception() is None:
        stop_system(system.result())
        if all(o.exception() is None and o.result().returncode == 0 for o in outcomes):
            shutil.rmtree(system.result().output.parent, ignore_errors=True)  # else, to read


def _fuzz(head_start: HeadStart, system: Future, run: Run, environment: dict[str, str]):
    api = system.result().api
    options = list(run.options)
    if run.as_the_demo_elu:
        options = ["-H", f"Authorization: Bearer {_demo_elu_token(api)}", *options]
    process = head_start.popen(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{api}/openapi.json",
            "--checks",
            run.checks,
            "--max-examples",
            "8",  # with the coverage phase (every boundary of every schema) on top
            "--seed",
            SEED,
            "--phases",
            "examples,coverage,fuzzing",
            "--no-color",
            # no examples kept from earlier runs: each run is the seed's, as on a clean clone
            "--generation-database",
            "none",
            *options,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        stdout, _ = process.communicate(timeout=900)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return Outcome(process.returncode, stdout)


def _demo_elu_token(api: str) -> str:
    from local.seed import DEMO_NIR, DEMO_PASSWORD

    request = urllib.request.Request(  # noqa: S310 - our own http URL
        f"{api}/sessions",
        data=json.dumps({"nir": DEMO_NIR[:13], "mot_de_passe": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)["token"]
