"""Twenty people at once for a minute against `make run`'s system: login, /me, rights and a
search, again and again. Prints requests, answers by status and latency; the target is no
5xx (the local gateway runs one invocation at a time, as a Lambda container does, so no
request can empty another's metrics).

Run: .venv/bin/python -m bench.load [users] [seconds]   (starts its own local system)
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start() -> tuple[subprocess.Popen, str]:
    ports = {name: str(_free_port()) for name in ("MOTO_PORT", "API_PORT", "FRANCECONNECT_PORT")}
    env = {**os.environ, **ports, "PYTHONUNBUFFERED": "1"}
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "local.run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api = f"http://127.0.0.1:{ports['API_PORT']}/api"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{api}/health", timeout=2).ok:
                return process, api
        except requests.RequestException:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the local system did not start")


def main(users: int = 20, seconds: int = 60) -> None:
    from local.seed import DEMO_ELU_NIR, DEMO_NIR, DEMO_PASSWORD

    process, api = _start()
    statuses: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def person(index: int) -> None:
        session = requests.Session()
        nir = (DEMO_NIR, DEMO_ELU_NIR)[index % 2][:13]
        while time.monotonic() < stop:
            steps = [("POST", "/sessions", {"nir": nir, "mot_de_passe": DEMO_PASSWORD})]
            for method, path, body in steps:
                started = time.monotonic()
                answer = session.request(method, api + path, json=body, timeout=60)
                record(answer.status_code, started)
                token = answer.json().get("token") if answer.ok else None
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            for path in (
                "/me",
                "/me/rights",
                "/formations?catalogue=activite-professionnelle&q=gestion",
            ):
                started = time.monotonic()
                record(session.get(api + path, headers=headers, timeout=60).status_code, started)

    def record(status: int, started: float) -> None:
        with lock:
            statuses[status] += 1
            latencies.append(time.monotonic() - started)

    try:
        threads = [threading.Thread(target=person, args=(i,)) for i in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        process.terminate()
        process.wait(timeout=30)
    total = sum(statuses.values())
    ordered = sorted(latencies)
    print(f"{users} people for {seconds} s against the local system: {total} requests")
    print("  answers: " + ", ".join(f"{code} x{n}" for code, n in sorted(statuses.items())))
    print(
        f"  latency: p50 {statistics.median(ordered) * 1000:.0f} ms, "
        f"p99 {ordered[int(len(ordered) * 0.99) - 1] * 1000:.0f} ms"
    )
    errors = sum(n for code, n in statuses.items() if code >= 500)
    print(f"  5xx: {errors} (target 0: {'ok' if errors == 0 else 'MISSED'})")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
