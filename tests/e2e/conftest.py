"""Starts the local system (`python -m local.run`, what `make run` runs) on free ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LocalSystem:
    process: subprocess.Popen
    api: str
    moto: str
    moto_port: int
    api_port: int
    output: Path
    franceconnect: str
    franceconnect_port: int

    def emails_to(self, address: str) -> list:
        from tests.support.mail import parse_raw

        for _ in range(5):
            # moto serialises every backend for this page; a queue changing meanwhile (the
            # relay polls) makes it fail now and then with a 500
            response = requests.get(f"{self.moto}/moto-api/data.json", timeout=10)
            if response.ok:
                break
            time.sleep(0.2)
        raw = response.json()["ses"]["RawMessage"]
        return [
            parse_raw(m["raw_data"], m["destinations"]) for m in raw if address in m["destinations"]
        ]


@pytest.fixture(scope="session")
def local_system(tmp_path_factory):
    moto_port, api_port, fc_port = free_port(), free_port(), free_port()
    output = tmp_path_factory.mktemp("local-system") / "output.log"
    env = {
        **os.environ,
        "MOTO_PORT": str(moto_port),
        "API_PORT": str(api_port),
        "FRANCECONNECT_PORT": str(fc_port),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("AWS_ENDPOINT_URL", None)
    with output.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local.run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    system = LocalSystem(
        process,
        f"http://127.0.0.1:{api_port}/api",
        f"http://127.0.0.1:{moto_port}",
        moto_port,
        api_port,
        output,
        f"http://127.0.0.1:{fc_port}",
        fc_port,
    )
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(f"{system.api}/health", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the local system did not start:\n" + output.read_text())
        time.sleep(0.2)
    yield system
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
