"""The API under load, on the running system (`python -m local.run`, what `make run` starts),
beside the floor of the stack measured in the same run on the same moto server.

    python -m bench.load [--users 50] [--seconds 60]

1. The local system starts on free ports; then the floor (bench/floor_server.py: a bare
   Chalice + PynamoDB handler doing one GetItem, served by the same gateway and Lambda-like
   containers) starts against its moto server.
2. The floor: `users` people at once, each sending GET /api/bare/floor again and again.
3. The system: `users` people at once, each visiting again and again as an élue does: she logs
   in, then goes PAGES_PER_VISIT times through her account (`/me`), her rights, a search of
   the catalogue, her files and one of them (the demo élue Nathalie Kerbrat, who has files
   at every step).
Each run lasts `seconds` after a warm-up (until each person has been through once: the
containers are started; Lambda's cold starts are bench.cold_start's subject). Prints, per
route, requests, throughput, p50 / p95 / p99 and the answers by status; then each route's p99
against the floor's p99 (target <= 2x) and the errors (target: none).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

import requests

from bench.running_system import (
    ROOT,
    RunningSystem,
    running_system,
    stop,
    wait_until_healthy,
)
from local.free_ports import free_port

WARM_UP_SECONDS = 60  # at most: until every person has been through once
SEARCH = "/formations?catalogue=activite-professionnelle&q=gestion"
# A session serves many pages: a visit is a login, then this many rounds of her five pages (a
# login before every five pages would measure little but the password hash, 240 ms of CPU).
PAGES_PER_VISIT = 4


@dataclass
class Figures:
    """Latencies (seconds) and statuses per route, shared by the people of one run."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    lock: threading.Lock = field(default_factory=threading.Lock)
    recording: bool = False
    ready: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def record(self, route: str, status: int, seconds: float) -> None:
        if not self.recording:
            return
        with self.lock:
            self.latencies[route].append(seconds)
            self.statuses[route][status] += 1


def _timed(figures: Figures, route: str, session: requests.Session, method: str, url: str, **kw):
    """The request, its latency and status recorded (status 0: no answer in 60 s)."""
    started = time.perf_counter()
    try:
        answer = session.request(method, url, timeout=60, **kw)
    except requests.RequestException:
        figures.record(route, 0, time.perf_counter() - started)
        return None
    figures.record(route, answer.status_code, time.perf_counter() - started)
    return answer


def _floor_person(api: str, figures: Figures, stop: threading.Event) -> None:
    session = requests.Session()
    while not stop.is_set():
        _timed(figures, "GET /bare/{key} (floor)", session, "GET", f"{api}/bare/floor")
        figures.ready.release()


def _elu_person(api: str, figures: Figures, stop: threading.Event) -> None:
    from local.seed import DEMO_PASSWORD, TRAINEE_NIR

    session = requests.Session()
    while not stop.is_set():
        login = _timed(
            figures,
            "POST /sessions",
            session,
            "POST",
            f"{api}/sessions",
            json={"nir": TRAINEE_NIR[:13], "mot_de_passe": DEMO_PASSWORD},
        )
        if login is None or not login.ok:
            continue
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        for _ in range(PAGES_PER_VISIT):
            if stop.is_set():
                break
            _browse(api, figures, session, headers)
        figures.ready.release()


def _browse(api: str, figures: Figures, session: requests.Session, headers: dict) -> None:
    """One round of her pages: her account, her rights, a search, her files, one of them."""
    _timed(figures, "GET /me", session, "GET", f"{api}/me", headers=headers)
    _timed(figures, "GET /me/rights", session, "GET", f"{api}/me/rights", headers=headers)
    _timed(figures, "GET /formations?q=", session, "GET", api + SEARCH, headers=headers)
    files = _timed(
        figures, "GET /me/dossiers", session, "GET", f"{api}/me/dossiers", headers=headers
    )
    if files is not None and files.ok and files.json()["dossiers"]:
        file_id = files.json()["dossiers"][0]["id"]
        _timed(
            figures,
            "GET /me/dossiers/{id}",
            session,
            "GET",
            f"{api}/me/dossiers/{file_id}",
            headers=headers,
        )


def _load(person, api: str, users: int, seconds: int) -> Figures:
    figures, stop = Figures(), threading.Event()
    people = [
        threading.Thread(target=person, args=(api, figures, stop), daemon=True)
        for _ in range(users)
    ]
    for thread in people:
        thread.start()
    # warm: each person once through (the containers are started; cold starts are measured
    # by bench.cold_start)
    deadline = time.monotonic() + WARM_UP_SECONDS
    for _ in people:
        figures.ready.acquire(timeout=max(0.0, deadline - time.monotonic()))
    figures.recording = True
    time.sleep(seconds)
    figures.recording = False
    stop.set()
    for thread in people:
        thread.join(timeout=120)
    return figures


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def _summary(figures: Figures, seconds: float) -> dict[str, dict]:
    out = {}
    for route, latencies in figures.latencies.items():
        ordered = sorted(latencies)
        out[route] = {
            "requests": len(ordered),
            "per_second": len(ordered) / seconds,
            "p50": _percentile(ordered, 0.50),
            "p95": _percentile(ordered, 0.95),
            "p99": _percentile(ordered, 0.99),
            "statuses": dict(figures.statuses[route]),
        }
    return out


@contextmanager
def _floor_beside(system: RunningSystem):
    """The floor's server on the system's moto server, until the block ends: its API URL."""
    port = free_port()
    floor = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "bench.floor_server",
            "--moto-port",
            str(system.moto_port),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_until_healthy(f"{api}/bare/floor", floor)
        yield api
    finally:
        stop(floor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    with running_system() as system, _floor_beside(system) as floor_api:
        floor = _summary(_load(_floor_person, floor_api, args.users, args.seconds), args.seconds)
        measured = _summary(_load(_elu_person, system.api, args.users, args.seconds), args.seconds)
    _print(args.users, args.seconds, floor, measured)


def _print(users: int, seconds: int, floor: dict, system: dict) -> None:
    print(f"{users} people at once for {seconds} s each, after a warm-up")
    print(
        f"  {'route':28} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        "  answers"
    )
    for route, f in {**floor, **system}.items():
        answers = ", ".join(f"{code} x{n}" for code, n in sorted(f["statuses"].items()))
        print(
            f"  {route:28} {f['requests']:>8} {f['per_second']:>7.1f} {f['p50']:>7.0f} "
            f"{f['p95']:>7.0f} {f['p99']:>7.0f}  {answers}"
        )
    (floor_figures,) = floor.values()
    print(f"\np99 against the floor's p99 ({floor_figures['p99']:.0f} ms), target <= 2.00x:")
    for route, f in system.items():
        ratio = f["p99"] / floor_figures["p99"]
        print(f"  {route:28} {ratio:5.2f}x  {'ok' if ratio <= 2 else 'MISSED'}")
    # no answer in 60 s (status 0) is an error too
    errors = sum(
        n
        for f in (*floor.values(), *system.values())
        for code, n in f["statuses"].items()
        if not 200 <= code < 400
    )
    print(f"errors (4xx/5xx, no answer): {errors} (target 0: {'ok' if errors == 0 else 'MISSED'})")
    cpu, wall = _password_check_cost()
    print(
        f"for information: a login's password check alone (argon2id at the deployed cost),"
        f" unloaded: {cpu:.0f} ms of CPU, {wall:.0f} ms; the floor's p99 under load:"
        f" {floor_figures['p99']:.0f} ms"
    )


def _password_check_cost(samples: int = 5) -> tuple[float, float]:
    """Median CPU and wall milliseconds of one argon2 verification as a login makes it: what
    POST /sessions costs before any request, gateway or storage (its lanes run in threads)."""
    from chalicelib.accounts.passwords import hash_password, verify_password

    stored = hash_password("Un mot de passe de démo 1!")
    cpu, wall = [], []
    for _ in range(samples):
        cpu_start, wall_start = time.process_time(), time.perf_counter()
        verify_password(stored, "Un mot de passe de démo 1!")
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    return sorted(cpu)[samples // 2] * 1000, sorted(wall)[samples // 2] * 1000


if __name__ == "__main__":
    main()
