"""The running system the benches measure: `python -m local.run` (what `make run` starts) on free
ports, its output kept in a file, with what a bench reads from it: its moto server's request
counts (`GET /_local/requests`) and its functions' REPORT lines (Lambda's, one per invocation,
with the container's peak memory)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from local.free_ports import HOST, free_port, on_free_ports

ROOT = Path(__file__).resolve().parent.parent
_REPORT = re.compile(
    r"^(\S+) REPORT RequestId: .*?Duration: ([\d.]+) ms.*?Max Memory Used: (\d+) MB"
)


def aws_environment(moto_port: int) -> dict[str, str]:
    """What a process needs to reach that moto server as the local stage does."""
    from infra.stage_config import stage_environment

    return {
        **stage_environment("local"),
        "AWS_ENDPOINT_URL": f"http://{HOST}:{moto_port}",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "AWS_REGION": "eu-west-3",
    }


def use_moto(moto_port: int) -> None:
    """This process, pointed at that moto server as the local stage."""
    os.environ.update(aws_environment(moto_port))


@contextmanager
def moto_server() -> Iterator[tuple[int, int]]:
    """A moto server of its own (local/moto_server.py) on a free port: (port, pid) until the
    block ends (for the benches that need no more of the system than its storage)."""
    from local import aws_process

    port = free_port()
    server = aws_process.start(HOST, port)
    try:
        yield port, server.pid
    finally:
        aws_process.stop(server, gently=False)  # gigabytes of state need no tidying


@dataclass
class RunningSystem:
    process: subprocess.Popen
    api: str
    moto_port: int
    output: Path

    def client(self, service: str):
        """A boto3 client of its moto server, as an operator's AWS CLI would be."""
        import boto3

        env = aws_environment(self.moto_port)
        return boto3.session.Session(
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            region_name=env["AWS_REGION"],
        ).client(service, endpoint_url=env["AWS_ENDPOINT_URL"])

    def requests_served(self) -> dict[str, dict[str, int]]:
        """moto's count of the requests served since it started, by service and operation."""
        answer = requests.get(f"http://{HOST}:{self.moto_port}/_local/requests", timeout=30)
        answer.raise_for_status()
        return answer.json()

    def invocations(self, function: str) -> list[tuple[float, int]]:
        """(duration ms, Max Memory Used MB) of each invocation of `function` so far."""
        found = []
        with self.output.open(encoding="utf-8", errors="replace") as lines:
            for line in lines:
                match = _REPORT.match(line)
                if match and match[1] == function:
                    found.append((float(match[2]), int(match[3])))
        return found


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process ended ({process.returncode})")
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {seconds:.0f} s")


def stop(process: subprocess.Popen, seconds: float = 120) -> None:
    """Ctrl-C, as a person stops it; killed if it takes longer than `seconds`."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=60)


@contextmanager
def running_system(**env: str) -> Iterator[RunningSystem]:
    """The local system, started and stopped around the block."""
    environment, ports = on_free_ports({**os.environ, **env})
    with tempfile.TemporaryDirectory(prefix="mce-bench-") as folder:
        output = Path(folder) / "local-run.log"
        with output.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "local.run"],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        system = RunningSystem(
            process, f"http://{HOST}:{ports['API_PORT']}/api", ports["MOTO_PORT"], output
        )
        try:
            wait_until_healthy(f"{system.api}/health", process)
            yield system
        finally:
            stop(process)
