"""The web client goes back only to a path of this site after a login (`safeReturn` in
web/assets/app.js, run here in Node), like the API (`fields.local_path`)."""

import json
import shutil
import subprocess

import pytest

from chalicelib.fields import local_path
from tests.e2e.conftest import ROOT

CASES = {
    "/formation?id=F1": "/formation?id=F1",
    "/dossier?id=DOS-ABC#suivi": "/dossier?id=DOS-ABC#suivi",
    "//evil.example": None,
    "/\t/evil.example": None,  # what ?retour=/%09/evil.example decodes to
    "/\n/evil.example": None,
    "/\\evil.example": None,
    "https://evil.example/": None,
    "javascript:alert(1)": None,
    "evil.example": None,
    "": None,
}


def test_the_api_keeps_only_paths_of_this_site():
    for value, expected in CASES.items():
        assert local_path(value) == expected, value
    assert local_path("/%09/evil.example") is None  # percent-encoded, decoded by a browser


def test_the_web_client_keeps_only_paths_of_this_site():
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js runs the web client's code here")
    script = (
        "import { safeReturn } from './web/assets/app.js';\n"
        f"const cases = {json.dumps(list(CASES))};\n"
        "console.log(JSON.stringify(cases.map(c => safeReturn(c, null, 'http://127.0.0.1:8000'))));"
    )
    run = subprocess.run(  # noqa: S603 - node on our own code
        [node, "--input-type=module", "-e", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(run.stdout) == list(CASES.values())
