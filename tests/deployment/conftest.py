"""The stage packaged once for the module's tests, as `make package` does it.

On a fresh clone `chalice package` takes minutes, mostly downloading the Lambda platform's
wheels: when a selected test needs the package, packaging starts as soon as the session knows
its tests, beside the tests that run first (tests/support/head_start.py)."""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from infra.template import template
from tests.support.head_start import HeadStart, environment_of_a_test

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PACKAGING = pytest.StashKey["tuple[HeadStart, object]"]()


def pytest_collection_finish(session):
    if any("packaged" in getattr(item, "fixturenames", ()) for item in session.items):
        _start_packaging(session.config)


def _start_packaging(config) -> None:
    head_start = HeadStart()
    config.stash[PACKAGING] = (head_start, head_start.submit(_package))


def pytest_sessionfinish(session):
    if PACKAGING in session.config.stash:
        head_start, _ = session.config.stash[PACKAGING]
        head_start.stop()


def _package(head_start: HeadStart) -> Path:
    build = Path(tempfile.mkdtemp(prefix="mce-package-"))
    (build / "infra.json").write_text(json.dumps(template("prod")), encoding="utf-8")
    env = {**environment_of_a_test(), "AWS_DEFAULT_REGION": "eu-west-3"}
    command = [
        BIN / "chalice",
        "package",
        "--stage",
        "prod",
        "--merge-template",
        build / "infra.json",
        build / "package",
    ]
    with (build / "chalice.log").open("w+b") as log:
        process = head_start.popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        process.wait()
        log.seek(0)
        output = log.read()
    if process.returncode != 0:
        shutil.rmtree(build, ignore_errors=True)
        raise subprocess.CalledProcessError(process.returncode, command, output=output)
    return build


@pytest.fixture(scope="session")
def packaged(request):
    if PACKAGING not in request.config.stash:  # asked for on the way (getfixturevalue)
        _start_packaging(request.config)
    _, packaging = request.config.stash[PACKAGING]
    build = packaging.result()
    yield build / "package"
    shutil.rmtree(build, ignore_errors=True)
