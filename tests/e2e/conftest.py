"""Starts the local system (`python -m local.run`, what `make run` runs) on free ports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from local.free_ports import on_free_ports
from tests.e2e.fuzz_campaign import Campaign

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class LocalSystem:
    process: subprocess.Popen
    api: str
    moto: str
    moto_port: int
    api_port: int
    output: Path
    franceconnect: str
    franceconnect_port: int

    def emails_to(self, address: str) -> list:
        from tests.support.mail import parse_raw

        for _ in range(5):
            # moto serialises every backend for this page; a queue changing meanwhile (the
            # relay polls) makes it fail now and then with a 500
            response = requests.get(f"{self.moto}/moto-api/data.json", timeout=10)
            if response.ok:
                break
            time.sleep(0.2)
        raw = response.json()["ses"]["RawMessage"]
        return [
            parse_raw(m["raw_data"], m["destinations"]) for m in raw if address in m["destinations"]
        ]


FUZZING = pytest.StashKey[Campaign]()


def pytest_collection_finish(session):
    """The fuzz runs of the selected tests begin now (tests/e2e/fuzz_campaign.py)."""
    runs = [m.args[0] for item in session.items if (m := item.get_closest_marker("fuzz"))]
    if runs:
        session.config.stash[FUZZING] = Campaign(runs)


def pytest_sessionfinish(session):
    if FUZZING in session.config.stash:
        session.config.stash[FUZZING].stop()


@pytest.fixture
def fuzzing(request):
    """The outcome of the test's fuzz run (its `fuzz` mark), once schemathesis is done."""
    run = request.node.get_closest_marker("fuzz").args[0]
    if FUZZING not in request.config.stash:  # selected on the way
        request.config.stash[FUZZING] = Campaign([run])
    try:
        return request.config.stash[FUZZING].outcome(run)
    except SystemDidNotStart as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def local_system(tmp_path_factory):
    yield from running_system(tmp_path_factory)


def running_system(tmp_path_factory):
    """`python -m local.run` on free ports, until the fixture using it ends."""
    output = tmp_path_factory.mktemp("local-system") / "output.log"
    try:
        system = start_system(subprocess.Popen, output, dict(os.environ))
    except SystemDidNotStart as error:
        pytest.fail(str(error))
    yield system
    stop_system(system)


class SystemDidNotStart(Exception):
    pass


def start_system(popen, output: Path, environment: dict[str, str]) -> LocalSystem:
    """`python -m local.run` on free ports, started by `popen` (subprocess.Popen's signature)
    with `environment`, its output in `output`; once its API answers. Asks the API with
    urllib, not requests: a head start (tests/support/head_start.py) calls this beside the
    tests, whose moto mocks requests now and then."""
    # the mailbox's summary of uploaded documents, planned seconds (not minutes) later
    env, ports = on_free_ports({**environment, "SUPPORT_SUMMARY_DELAY_SECONDS": "2"})
    moto_port, api_port = ports["MOTO_PORT"], ports["API_PORT"]
    fc_port = ports["FRANCECONNECT_PORT"]
    with output.open("w") as log:
        process = popen(
            [sys.executable, "-m", "local.run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    system = LocalSystem(
        process,
        f"http://127.0.0.1:{api_port}/api",
        f"http://127.0.0.1:{moto_port}",
        moto_port,
        api_port,
        output,
        f"http://127.0.0.1:{fc_port}",
        fc_port,
    )
    deadline = time.monotonic() + 90
    while not _answers(f"{system.api}/health"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemDidNotStart("the local system did not start:\n" + output.read_text())
        time.sleep(0.2)
    return system


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own http URL
            return response.status == 200
    except OSError:  # refused, not yet listening, or an HTTP error
        return False


def stop_system(system: LocalSystem) -> None:
    """As Ctrl-C would: it stops what it started (moto, the API, the relay)."""
    if system.process.poll() is None:
        system.process.send_signal(signal.SIGINT)
        try:
            system.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            system.process.kill()


def demo_mandate_training(max_euros: int, skip: int = 0) -> tuple[str, dict]:
    """(formation id, first session) of a demo mandate training of the demo organisme that an
    élu can afford and still ask for (the catalogue `make run` seeded today)."""
    from datetime import timedelta

    from chalicelib.catalogue.importer import read_sessions
    from chalicelib.clock import paris_today
    from local.demo_catalogue import DEMO_ORGANISME, demo_records, siret_for

    found = []
    for record in demo_records(paris_today()):
        sessions = read_sessions(record["sessions"], record["modalite"], record["commune"])
        if (
            record["catalogue"] == "mandat"
            and record["organisme_siret"] == siret_for(DEMO_ORGANISME)
            and record["prix_euros"] <= max_euros
            and sessions[0]["date_debut"] >= (paris_today() + timedelta(days=30)).isoformat()
        ):
            found.append((record["id"], sessions[0]))
    return found[skip]


def recognise_the_demo_elu(local_system) -> None:
    """Joël Brunet's département: the real conseillers départementaux sample (idempotent)."""
    import boto3

    sample = ROOT / "tests" / "fixtures" / "rne" / "2022-12_conseillers-departementaux_tab.csv"
    boto3.client(
        "s3",
        endpoint_url=local_system.moto,
        region_name="eu-west-3",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    ).upload_file(str(sample), "mce-local-rne", f"national/{sample.name}")


def wait_until_elu(api: str, nir: str, seconds: float = 60) -> dict:
    """/me of a demo account once the RNE recognised it (or after `seconds`)."""
    import time

    from local.seed import DEMO_PASSWORD

    deadline = time.monotonic() + seconds
    while True:
        # A new session each time: login is also when an account is searched in the RNE.
        token = requests.post(
            f"{api}/sessions", timeout=10, json={"nir": nir[:13], "mot_de_passe": DEMO_PASSWORD}
        ).json()["token"]
        me = requests.get(
            f"{api}/me", timeout=5, headers={"Authorization": f"Bearer {token}"}
        ).json()
        if me["elu"] or time.monotonic() > deadline:
            return me
        time.sleep(0.5)


def validate_with_franceconnect_plus(
    api: str, franceconnect: str, connexion: str, identity: str, dossier: str
) -> str:
    """The holder's way to validate a file: FranceConnect+ at the local provider (the
    `connexion` path the API gave), then back to the file; the certified session's token. The
    cookies are Secure: carried by hand over http, as the local browser would over https."""
    import re

    site = api.removesuffix("/api")
    start = requests.get(site + connexion, allow_redirects=False, timeout=10)
    assert start.status_code == 303 and "acr_values=eidas2" in start.headers["Location"]
    # FranceConnect+, its own platform: it reads the API's JWKS over HTTP to encrypt to it
    assert start.headers["Location"].startswith(franceconnect + "/plus/api/v2/")
    state_cookie = start.headers["Set-Cookie"].split(";")[0]
    consent = requests.get(start.headers["Location"], timeout=10)
    assert "FranceConnect+" in consent.text
    pattern = rf'href="([^"]+identite={identity})"'
    link = re.search(pattern, consent.text).group(1).replace("&amp;", "&")
    back = requests.get(franceconnect + link, allow_redirects=False, timeout=10)
    landing = requests.get(
        back.headers["Location"],
        headers={"Cookie": state_cookie},
        allow_redirects=False,
        timeout=10,
    )
    assert landing.status_code == 303
    assert landing.headers["Location"] == f"{site}/dossier?id={dossier}"
    return re.search(r"mce_session=([^;]+)", landing.headers["Set-Cookie"]).group(1)
