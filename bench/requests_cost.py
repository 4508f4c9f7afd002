"""Prints what a cold start and each account request cost.

1. Cold import time of `app` against `boto3` alone, each in fresh interpreters, same run
   (median of several). Target: app < 2x boto3.
2. AWS calls per request (DynamoDB above all) for signup, verification, login, /me and logout,
   under moto in-process. Target: login <= 3 DynamoDB calls.

Run: make bench   (or .venv/bin/python -m bench.requests_cost)
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7


def cold_import_seconds(module: str) -> float:
    code = (
        "import time; t = time.perf_counter(); import "
        + module
        + "; print(time.perf_counter() - t)"
    )
    samples = []
    for _ in range(RUNS):
        out = subprocess.run(  # noqa: S603 - our own interpreter, our own code
            [sys.executable, "-c", code],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        ).stdout
        samples.append(float(out.strip().splitlines()[-1]))
    return statistics.median(samples)


def request_costs() -> list[tuple[str, int, dict]]:
    from chalice.test import Client

    from bench.call_counter import count_aws_calls, dynamodb_calls
    from bench.in_process import local_stage
    from tests.support.mail import Outbox
    from tests.support.people import PASSWORD, signup_payload

    results = []
    with local_stage():
        from app import app

        with Client(app, stage_name="local") as client:

            def call(label, method, path, body=None, token=None):
                headers = {"Content-Type": "application/json"}
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                with count_aws_calls() as calls:
                    response = client.http.request(
                        method, path, headers=headers, body=json.dumps(body) if body else b""
                    )
                by_operation = {f"{s}.{op}": n for (s, op), n in sorted(calls.items())}
                results.append((label, dynamodb_calls(calls), by_operation))
                return response

            # A first request pays for the secret and the clients: measured apart.
            payload = signup_payload()
            call("signup (cold container)", "POST", "/accounts", payload)
            payload = signup_payload()
            call("signup", "POST", "/accounts", payload)
            code = Outbox("eu-west-3").last_to(payload["email"]).code()
            call(
                "verification",
                "POST",
                "/accounts/verification",
                {"email": payload["email"], "code": code},
            )
            login_body = {"nir": payload["nir"][:13], "mot_de_passe": PASSWORD}
            token = json.loads(call("login", "POST", "/sessions", login_body).body)["token"]
            call(
                "login, wrong password",
                "POST",
                "/sessions",
                {**login_body, "mot_de_passe": "Pas-le-bon-mot-de-passe-1"},
            )
            call("login after a failure", "POST", "/sessions", login_body)
            call("GET /me", "GET", "/me", token=token)
            call("logout", "DELETE", "/sessions/current", token=token)
    return results


def main() -> None:
    boto3_s = cold_import_seconds("boto3")
    app_s = cold_import_seconds("app")
    print(f"cold import, median of {RUNS} fresh interpreters")
    print(f"  boto3 alone      {boto3_s * 1000:7.0f} ms")
    print(
        f"  app              {app_s * 1000:7.0f} ms   ratio {app_s / boto3_s:.2f} "
        f"(target < 2.00: {'ok' if app_s < 2 * boto3_s else 'MISSED'})"
    )
    print("\nAWS calls per request (moto in-process)")
    print(f"  {'request':28} {'DynamoDB':>8}  all calls")
    for label, dynamodb, operations in request_costs():
        detail = ", ".join(f"{op} x{n}" for op, n in operations.items())
        print(f"  {label:28} {dynamodb:8d}  {detail}")
    print("\ntarget: login <= 3 DynamoDB calls")


if __name__ == "__main__":
    main()
