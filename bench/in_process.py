"""The local stage on moto in-process, for the benches that count requests (moto's speed says
nothing of DynamoDB's, its request count does)."""

from __future__ import annotations

import os
from contextlib import contextmanager

REGION = "eu-west-3"


@contextmanager
def local_stage():
    """Every table, queue, bucket and secret of the local stage in moto: (settings, session)."""
    import boto3
    from moto import mock_aws

    from chalicelib import services
    from chalicelib.settings import Settings
    from infra.provision import provision
    from infra.stage_config import stage_environment

    os.environ.update(stage_environment("local"))
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    with mock_aws():
        services.reset()
        settings = Settings.from_env()
        session = boto3.session.Session(region_name=REGION)
        provision(settings, session)
        yield settings, session
