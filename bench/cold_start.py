"""Prints what a cold container costs: the import of `app` and a first login, in fresh
interpreters against a moto server in a process of its own (DynamoDB is never in the function's
process), for this tree and, with `--avant REF`, for another commit measured in the same run
(runs alternate, so both see the same machine).

The first request is the one most sessions begin with, `POST /sessions`, through Chalice's
local gateway: the edge reads and validates the body, the password is checked at the deployed
cost, the session is written. Target: this tree's first request within 1.2x of the other's.

    python -m bench.cold_start --avant ba9b8b7 [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from bench.running_system import moto_server, use_moto

ROOT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git") or "git"
# Run in the measured tree: its own app, its own settings; a bench account already exists.
_FIRST_LOGIN = """
import json, os, time
started = time.perf_counter()
import app
imported = time.perf_counter()
from chalice.test import Client
with Client(app.app, stage_name="local") as client:
    before = time.perf_counter()
    answer = client.http.post(
        "/sessions",
        headers={"Content-Type": "application/json"},
        body=json.dumps(
            {"nir": os.environ["BENCH_NIR"], "mot_de_passe": os.environ["BENCH_PASSWORD"]}
        ),
    )
    done = time.perf_counter()
print(json.dumps({"import": imported - started, "request": done - before,
                  "first": (imported - started) + (done - before), "status": answer.status_code}))
"""


def _account() -> tuple[str, str]:
    """One active account, created through the signup of this tree: (13-character NIR,
    password)."""
    import boto3

    from chalicelib import services
    from chalicelib.accounts.schemas import AccountCreation
    from chalicelib.clock import paris_today
    from chalicelib.settings import Settings
    from infra.provision import provision
    from tests.support.people import PASSWORD, signup_payload

    services.reset()
    provision(Settings.from_env(), boto3.session.Session(region_name="eu-west-3"))
    payload = signup_payload()
    signup = services.signup()
    signup.activate(signup.create_account(AccountCreation.read(payload, paris_today())))
    return payload["nir"][:13], PASSWORD


def _sample(tree: Path, nir: str, password: str) -> dict:
    out = subprocess.run(  # noqa: S603 - our own interpreter, the measured tree's code
        [sys.executable, "-c", _FIRST_LOGIN],
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": str(tree),
            "BENCH_NIR": nir,
            "BENCH_PASSWORD": password,
        },
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    if result["status"] != 200:
        raise RuntimeError(f"the first login answered {result['status']} in {tree}")
    return result


@contextmanager
def _worktree(ref: str):
    """The tree of `ref`, checked out apart for the time of the run."""
    with tempfile.TemporaryDirectory(prefix="mce-avant-") as parent:
        path = Path(parent) / "tree"
        subprocess.run(  # noqa: S603 - git, on our own repository
            [GIT, "worktree", "add", "--detach", "--quiet", str(path), ref],
            cwd=ROOT,
            check=True,
        )
        try:
            yield path
        finally:
            subprocess.run(  # noqa: S603
                [GIT, "worktree", "remove", "--force", str(path)], cwd=ROOT, check=False
            )


def _median(samples: list[dict], key: str) -> float:
    return statistics.median(s[key] for s in samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--avant", help="the commit to compare with (same run)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with moto_server() as (port, _):
        use_moto(port)
        nir, password = _account()
        trees = {"this tree": ROOT}
        with _worktree(args.avant) if args.avant else _no_tree() as before:
            if before is not None:
                trees = {f"avant ({args.avant})": before, **trees}
            samples: dict[str, list[dict]] = {name: [] for name in trees}
            for _ in range(args.runs):
                for name, tree in trees.items():
                    samples[name].append(_sample(tree, nir, password))
    print(f"cold container, median of {args.runs} fresh interpreters (moto server apart)")
    print(f"  {'tree':28} {'import app':>10} {'first login':>12} {'import + login':>15}")
    for name, found in samples.items():
        print(
            f"  {name:28} {_median(found, 'import'):8.0f} ms {_median(found, 'request'):9.0f} ms"
            f" {_median(found, 'first'):12.0f} ms"
        )
    if args.avant:
        names = list(samples)
        ratio = _median(samples[names[1]], "first") / _median(samples[names[0]], "first")
        verdict = "ok" if ratio <= 1.2 else "MISSED"
        print(f"\nimport + first login: {ratio:.2f}x the other tree (target <= 1.20: {verdict})")


@contextmanager
def _no_tree():
    yield None


if __name__ == "__main__":
    main()
