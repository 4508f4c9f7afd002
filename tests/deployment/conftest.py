"""The stage packaged once for the module's tests, as `make package` does it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.template import template

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def packaged(tmp_path_factory):
    build = tmp_path_factory.mktemp("build")
    (build / "infra.json").write_text(json.dumps(template("prod")), encoding="utf-8")
    env = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-3"}
    subprocess.run(
        [
            BIN / "chalice",
            "package",
            "--stage",
            "prod",
            "--merge-template",
            build / "infra.json",
            build / "package",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return build / "package"
