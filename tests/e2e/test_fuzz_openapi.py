"""The published OpenAPI, fuzzed against the running local system with schemathesis: whatever
a client sends, within the schema or around it, no 5xx; every answer (status, media type,
body, headers) matches the document; what the schema forbids is refused; an unknown method is
a 405 with Allow; and, where a schema can say everything the validation checks, what it allows
is accepted. Anonymous, as the demo élu (her session) and as the demo organisme (its key)."""

from __future__ import annotations

import pytest

from local.seed import DEMO_ORGANISME_KEY
from tests.e2e.fuzz_campaign import Outcome, Run

pytestmark = pytest.mark.e2e

PROMISES = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance,response_headers_conformance,negative_data_rejection"
)
# Operations whose request schema says all their validation checks (no NIR key, phone number,
# password strength, birth date in the past, cursor given by us, or resource that must exist):
# what the schema allows must be accepted there.
FULLY_DESCRIBED = r"^/(sessions|password-resets)$"
# Where the validation says more than a schema can, generated data is mostly refused: the NIR's
# key and its agreement with the sex and birth date, plausible names, a phone number, a
# password's strength (common words, the person's own details), what email_validator takes, a
# code or a link's token only someone who received it knows, a date bounded by today or by the
# file's session (an exit not in the future, an invoice not before the session), an HT amount
# within its TTC, a formation's rules across its fields and the day (its price within the
# hourly cap for its hours, its approval covering each session, sessions in the future, a
# session's end after its start), a webhook's address that must resolve to a public one.
# Anywhere else, schemathesis's
# "schema validation mismatch" is a schema looser than its validation: a failure.
BEYOND_A_SCHEMA = {
    "POST /accounts",
    "POST /accounts/verification",
    "POST /password-resets/confirmation",
    "POST /signup/steps/identite",
    "POST /signup/steps/contact",
    "POST /signup/steps/mot-de-passe",
    "POST /me/email",
    "POST /me/email/verification",
    "POST /me/mot-de-passe",
    "PATCH /me",
    "POST /organismes/dossiers/{dossier_id}/sortie",
    "POST /organismes/dossiers/{dossier_id}/service-fait",
    "POST /organismes/formations",
    "PATCH /organismes/formations/{formation_id}",
    "POST /organismes/formations/{formation_id}/sessions",
    "PATCH /organismes/formations/{formation_id}/sessions/{session_id}",
    "PUT /organismes/webhook",
}


def breaks_no_promise(run: Outcome) -> None:
    assert run.returncode == 0, run.stdout[-6000:]
    looser = _mismatched(run.stdout) - BEYOND_A_SCHEMA
    assert not looser, f"schemas looser than their validation: {sorted(looser)}"


def _mismatched(report: str) -> set[str]:
    """The operations schemathesis lists under its "Schema validation mismatch" warning."""
    found: set[str] = set()
    lines = iter(report.splitlines())
    for line in lines:
        if line.startswith("Schema validation mismatch"):
            for item in lines:
                if item.strip().startswith("- "):
                    found.add(item.strip()[2:])
                elif item.strip():
                    break
    return found


# Each run is started ahead of its test, on a local system of the runs' own
# (tests/e2e/fuzz_campaign.py); the test reads its outcome.
@pytest.mark.fuzz(Run(f"{PROMISES},missing_required_header,unsupported_method"))
def test_anonymous_clients_break_no_promise_of_the_document(fuzzing):
    breaks_no_promise(fuzzing)


@pytest.mark.fuzz(
    Run(
        "positive_data_acceptance,not_a_server_error",
        ("--include-path-regex", FULLY_DESCRIBED),
    )
)
def test_what_a_complete_schema_allows_is_accepted(fuzzing):
    breaks_no_promise(fuzzing)


@pytest.mark.fuzz(Run(PROMISES, ("--include-path-regex", "^/me"), as_the_demo_elu=True))
def test_a_logged_in_elu_breaks_no_promise_either(fuzzing):
    breaks_no_promise(fuzzing)


@pytest.mark.fuzz(
    Run(
        PROMISES,
        (
            "-H",
            f"Authorization: Bearer {DEMO_ORGANISME_KEY}",
            "--include-path-regex",
            "^/organismes",
        ),
    )
)
def test_an_organisme_breaks_no_promise_either(fuzzing):
    breaks_no_promise(fuzzing)
