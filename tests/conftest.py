"""Shared fixtures: AWS is moto in-process, configured exactly like the local stage."""

from __future__ import annotations

import os

import boto3
import pytest
from moto import mock_aws

from chalicelib import services
from chalicelib.settings import Settings
from infra.provision import provision
from infra.stage_config import stage_environment

REGION = "eu-west-3"


@pytest.fixture(scope="session", autouse=True)
def _one_botocore_loader():
    """Every botocore session of the test process shares one loader of the service models:
    each test makes its sessions and clients afresh (services.reset), and each new loader
    would read the same JSON models from disk again (a tenth of a second a client). The
    models are read-only data; nothing else is shared."""
    import functools

    import botocore.session

    original = botocore.session.create_loader
    botocore.session.create_loader = functools.lru_cache(maxsize=None)(original)
    yield
    botocore.session.create_loader = original


@pytest.fixture(scope="session")
def _provisioned_moto() -> dict:
    """Moto's state once `infra.provision` made the stage's resources, by settings and day
    (the key set's key id says the day it was made): provisioning through boto3 takes a
    second or more, laying a copy of its result back a few milliseconds."""
    return {}


@pytest.fixture
def aws(monkeypatch, _provisioned_moto):
    """Moto, with every table, bucket, queue, identity and secret of the local stage, new and
    empty for each test (a copy of what `infra.provision` made for the first one)."""
    from chalicelib.clock import utc_now
    from chalicelib.models import bind_tables
    from tests.support.moto_state import MotoState

    for name, value in stage_environment("local").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        services.reset()
        settings = Settings.from_env()
        provisioned = (settings, utc_now().date())
        if provisioned in _provisioned_moto:
            _provisioned_moto[provisioned].restore()
            bind_tables(settings)  # what provision does first
        else:
            provision(settings, boto3.session.Session(region_name=REGION))
            _provisioned_moto[provisioned] = MotoState.capture()
        yield settings
    services.reset()


@pytest.fixture
def client(aws):
    from chalice.test import Client

    from app import app

    # Client applies the stage environment of .chalice/config.json: the local stage, as provisioned.
    with Client(app, stage_name="local") as test_client:
        yield test_client


@pytest.fixture
def franceconnect(aws, monkeypatch):
    """The local FranceConnect on a free port, knowing the API as a client (the secret the
    stage provisioned), and the API pointed at it."""
    from local.franceconnect_provider import LocalFranceConnect

    # FranceConnect+ reads the service's public keys as GET /api/auth/franceconnect/jwks
    # answers them (the API is in-process here; over HTTP in `make run`)
    provider = LocalFranceConnect.for_stage(
        aws,
        boto3.session.Session(region_name=REGION),
        "127.0.0.1",
        0,
        service_keys=services.franceconnect_public_keys,
    ).start()
    monkeypatch.setenv("FRANCECONNECT_ISSUER", provider.issuer)
    monkeypatch.setenv("FRANCECONNECT_PLUS_ISSUER", provider.plus_issuer)
    services.reset()
    # Read now: the test client's stage environment (the configured issuer) cannot change it.
    services.get_settings()
    yield provider
    provider.stop()


@pytest.fixture
def browser(client, franceconnect):
    from tests.support.franceconnect import FcBrowser

    return FcBrowser(client, franceconnect)


@pytest.fixture
def outbox(aws):
    """The emails SES accepted, parsed (moto keeps them in its backend)."""
    from tests.support.mail import Outbox

    return Outbox(REGION)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(request, monkeypatch):
    """argon2id at its least cost in process: hundreds of signups and logins hash passwords,
    and what they test is not the cost. The library's parameters, the ones deployed, are
    checked by the tests marked `deployed_password_cost`; the running system (e2e) keeps them."""
    if request.node.get_closest_marker("deployed_password_cost"):
        return
    from argon2 import PasswordHasher

    from chalicelib.accounts import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: cheap)


@pytest.fixture(autouse=True)
def _no_real_aws_credentials(monkeypatch):
    # A developer's own credentials must never reach a test.
    for name in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    if "AWS_SHARED_CREDENTIALS_FILE" not in os.environ:
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")


@pytest.fixture
def api(client):
    from tests.support.api import Api

    return Api(client)


@pytest.fixture
def active_account(api, outbox):
    """A signed-up, verified person: (payload, nir13)."""
    from tests.support.people import signup_payload

    payload = signup_payload()
    assert api.post("/accounts", payload).status == 201
    code = outbox.last_to(payload["email"]).code()
    assert (
        api.post("/accounts/verification", {"email": payload["email"], "code": code}).status == 200
    )
    return payload, payload["nir"][:13]


@pytest.fixture
def logged_in(api, active_account):
    """(payload, token) of a logged-in person."""
    from tests.support.people import PASSWORD

    payload, nir13 = active_account
    response = api.post("/sessions", {"nir": nir13, "mot_de_passe": PASSWORD})
    assert response.status == 200
    return payload, response.json["token"]


@pytest.fixture
def log_output(capsys):
    """Everything the code logs or prints (JSON logs, EMF metrics, any other logger at INFO and
    above), as one text; call it to read what was written so far."""
    import io
    import logging

    from chalicelib.observability import logger

    stream = io.StringIO()
    powertools_handler = logging.StreamHandler(stream)
    powertools_handler.setFormatter(logger.registered_formatter)
    logger.addHandler(powertools_handler)
    root_handler = logging.StreamHandler(stream)
    root_handler.setLevel(logging.INFO)
    logging.getLogger().addHandler(root_handler)

    def read() -> str:
        captured = capsys.readouterr()
        return stream.getvalue() + captured.out + captured.err

    yield read
    logger.removeHandler(powertools_handler)
    logging.getLogger().removeHandler(root_handler)


@pytest.fixture
def relay(aws, client):
    """The local event relay on every queue (moto never calls a handler): `relay.deliver()`
    hands what waits to the functions, as Lambda's event sources would."""
    from tests.support.relay import Relay

    return Relay(aws)
