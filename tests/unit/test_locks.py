"""The locks are complete and agree with what the project asks for: every pin of a *.in file is
in its lock at that version, every locked package has hashes, and the development lock runs the
very versions that are deployed."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]+\])?==([^\s;#]+)")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = _PIN.match(line.strip())
        if match:
            found[match[1].lower().replace("_", "-")] = match[2]
    return found


def locked(path: Path) -> dict[str, str]:
    text = path.read_text()
    entries = re.findall(
        r"^([a-z0-9_.\-]+)==([^\s;]+)(?: ;[^\\\n]*)? \\\n"
        r"((?:    --hash=sha256:[0-9a-f]{64}.*\n)+)",
        text,
        flags=re.MULTILINE,
    )
    requirement_lines = [line for line in text.splitlines() if re.match(r"^[a-z0-9]", line)]
    assert len(entries) == len(requirement_lines), f"{path.name}: an entry without hashes"
    return {name: version for name, version, _ in entries}


@pytest.mark.parametrize(
    ("source", "lock"),
    [
        ("requirements.in", "requirements.txt"),
        ("requirements-dev.in", "requirements-dev.txt"),
        ("requirements-iac.in", "requirements-iac.txt"),
    ],
)
def test_every_pin_is_locked_with_hashes(source, lock):
    wanted, got = pins(ROOT / source), locked(ROOT / lock)
    if source == "requirements-dev.in":
        wanted |= pins(ROOT / "requirements.in")
    assert {n: got.get(n) for n in wanted} == wanted, "run `make lock`"


def test_the_tests_run_what_is_deployed():
    runtime, dev = locked(ROOT / "requirements.txt"), locked(ROOT / "requirements-dev.txt")
    assert {n: dev.get(n) for n in runtime} == runtime
