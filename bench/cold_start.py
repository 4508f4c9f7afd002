"""Prints what a cold container costs: the import of an app and its first request, in fresh
interpreters against a moto server in a process of its own (DynamoDB is never in the function's
process). In one run, samples alternate (so all see the same machine) between:

- the floor (`bench/bare_app.py`): a bare Chalice app, its first `GET /bare/{key}`, one
  PynamoDB GetItem of an existing item;
- this tree's app, its first `GET /me` with a live session: two key lookups (the session, the
  account), the same kind of work as the floor's, through the edge, Powertools and pydantic;
- this tree's app, its first `POST /sessions` (the login most sessions begin with: the password
  checked at the deployed argon2 cost, the session written), shown for information;
- with `--avant REF`, the same two requests of the app of another commit;
- for information, the floor with the stack's edge libraries imported too
  (`bench/bare_stack_app.py`: pydantic, Powertools): what the chosen stack costs a cold
  container before any code of ours, against the floor.

The requests go through Chalice's local gateway; each tree's modules are compiled first, as
the libraries are (a sample measures a cold start, not the compiler). Targets: the app's
import + first `GET /me` within 1.2x of the floor's import + first request; with `--avant`,
this tree's import + first login within 1.2x of the other tree's.

    python -m bench.cold_start [--avant ba9b8b7] [--runs 7]
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
from contextlib import contextmanager, nullcontext
from pathlib import Path

from bench.running_system import moto_server, use_moto

ROOT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git") or "git"
TARGET = 1.2
BARE_KEY = "cold-start"
FLOOR = "floor: bare app, GET /bare/{key}"
STACK = "floor + pydantic, Powertools imported"
# Run in the measured tree: its own app, its own settings; what to ask comes in the environment.
_FIRST_REQUEST = """
import importlib, json, os, time
started = time.perf_counter()
module = importlib.import_module(os.environ["BENCH_MODULE"])
imported = time.perf_counter()
from chalice.test import Client
with Client(module.app, stage_name="local") as client:
    before = time.perf_counter()
    answer = client.http.request(
        os.environ["BENCH_METHOD"],
        os.environ["BENCH_PATH"],
        headers=json.loads(os.environ["BENCH_HEADERS"]),
        body=os.environ["BENCH_BODY"].encode(),
    )
    done = time.perf_counter()
print(json.dumps({"import": imported - started, "request": done - before,
                  "first": (imported - started) + (done - before), "status": answer.status_code}))
"""


def _account() -> tuple[str, str, str]:
    """One active account, created through the signup of this tree, and a live session of it:
    (13-character NIR, password, session token)."""
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
    nir = payload["nir"][:13]
    return nir, PASSWORD, services.sessions().login(nir, PASSWORD).token


def _bare_item() -> None:
    from bench.bare_app import create_table, put

    create_table()
    put(BARE_KEY, "une valeur")


def _requests(nir: str, password: str, token: str) -> dict[str, dict]:
    """What each kind of sample imports and asks, by name."""
    login = json.dumps({"nir": nir, "mot_de_passe": password})
    return {
        "bare": {"module": "bench.bare_app", "method": "GET", "path": f"/bare/{BARE_KEY}"},
        "stack": {"module": "bench.bare_stack_app", "method": "GET", "path": f"/bare/{BARE_KEY}"},
        "me": {
            "module": "app",
            "method": "GET",
            "path": "/me",
            "headers": {"Authorization": f"Bearer {token}"},
        },
        "login": {
            "module": "app",
            "method": "POST",
            "path": "/sessions",
            "headers": {"Content-Type": "application/json"},
            "body": login,
        },
    }


def _sample(tree: Path, request: dict) -> dict:
    out = subprocess.run(  # noqa: S603 - our own interpreter, the measured tree's code
        [sys.executable, "-c", _FIRST_REQUEST],
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": str(tree),
            "BENCH_MODULE": request["module"],
            "BENCH_METHOD": request["method"],
            "BENCH_PATH": request["path"],
            "BENCH_HEADERS": json.dumps(request.get("headers", {})),
            "BENCH_BODY": request.get("body", ""),
        },
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    if result["status"] != 200:
        raise RuntimeError(
            f"the first {request['method']} {request['path']} answered {result['status']} in {tree}"
        )
    return result


def _compile(tree: Path) -> None:
    """Bytecode for the tree's modules, as the libraries have theirs: else each sample would
    compile whatever the tests of that tree happened not to import, and measure that."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "app.py", "chalicelib", "bench"],
        cwd=tree,
        check=True,
    )


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


def _verdict(ratio: float) -> str:
    return f"{ratio:.2f}x (target <= {TARGET:.2f}: {'ok' if ratio <= TARGET else 'MISSED'})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--avant", help="the commit to compare with (same run)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with moto_server() as (port, _):
        use_moto(port)
        requests = _requests(*_account())
        _bare_item()
        with _worktree(args.avant) if args.avant else nullcontext() as before:
            kinds = {
                FLOOR: (ROOT, requests["bare"]),
                STACK: (ROOT, requests["stack"]),
            }
            trees = {"this tree": ROOT} if before is None else {"this tree": ROOT, "avant": before}
            for name, tree in trees.items():
                kinds[f"{name}: GET /me"] = (tree, requests["me"])
                kinds[f"{name}: POST /sessions"] = (tree, requests["login"])
            for tree in trees.values():
                _compile(tree)
            samples: dict[str, list[dict]] = {name: [] for name in kinds}
            for _ in range(args.runs):
                for name, (tree, request) in kinds.items():
                    samples[name].append(_sample(tree, request))
    print(f"cold container, median of {args.runs} fresh interpreters (moto server apart)")
    print(f"  {'':38} {'import':>9} {'1st request':>12} {'import + 1st':>13}")
    for name, found in samples.items():
        print(
            f"  {name:38} {_median(found, 'import'):6.0f} ms {_median(found, 'request'):9.0f} ms"
            f" {_median(found, 'first'):10.0f} ms"
        )
    floor = _median(samples[FLOOR], "first")
    print()
    stack = _median(samples[STACK], "first") / floor
    print(
        f"the floor with pydantic and Powertools imported: {stack:.2f}x the floor's, for"
        f" information (it leaves {max(TARGET - stack, 0):.2f}x to the app's own code)"
    )
    for name in trees:
        me = _median(samples[f"{name}: GET /me"], "first")
        print(f"{name}, import + first GET /me: {_verdict(me / floor)} the floor's")
    if args.avant:
        ours, theirs = (_median(samples[f"{n}: POST /sessions"], "first") for n in trees)
        print(f"this tree, import + first login: {_verdict(ours / theirs)} avant ({args.avant})'s")


if __name__ == "__main__":
    main()
