"""The web client's French formats, run in Node (the same module the pages import)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "web" / "assets" / "app.js"


def formatted(expression: str):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: `make test` installs it (npm)")
    script = (
        f"import * as app from {json.dumps(APP.as_uri())};"
        f" console.log(JSON.stringify({expression}));"
    )
    out = subprocess.run(  # noqa: S603 - our own script
        [node, "--input-type=module", "-e", script], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out)


def test_numbers_hours_and_euros_are_written_as_in_french():
    got = formatted(
        '[app.hours(1.5), app.hours(1), app.hours(1200), app.hours(14), app.euros("800.00"),'
        " app.number(1200.5)]"
    )
    nbsp = {"\u202f": " ", "\u00a0": " "}
    got = ["".join(nbsp.get(c, c) for c in text) for text in got]
    assert got == ["1,5 heure", "1 heure", "1 200 heures", "14 heures", "800,00 €", "1 200,5"]


def test_dates_typed_as_people_write_them_reach_the_api_as_iso():
    assert formatted(
        '[app.isoDate("02/09/1968"), app.isoDate(" 2/9/1968 "), app.isoDate("1968-09-02"),'
        ' app.isoDate("demain")]'
    ) == [
        "1968-09-02",
        "1968-09-02",
        "1968-09-02",
        "demain",
    ]
