"""What the enrolment tests share: élus recognised from an RNE file, the organisme's key."""

import pytest

from tests.support.enrolment import Elus, organisme_key
from tests.support.rne_world import RneWorld


@pytest.fixture
def elus(aws, api, outbox):
    return Elus(api, outbox, RneWorld(aws, api, outbox))


@pytest.fixture
def key(aws):
    """The API key of the organisme of the test formations."""
    return organisme_key()
