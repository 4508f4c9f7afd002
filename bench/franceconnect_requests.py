"""Prints what a FranceConnect+ login costs in DynamoDB requests (moto in-process, the local
FranceConnect over HTTP; requests are counted, not timed).

Three moments of an élu's FranceConnect+ life: the first login, whose identity waits (callback);
the password login that links it (certification: the identity index re-keyed, the RNE searched
again); a later FranceConnect+ login by the linked `sub` (callback); a first FranceConnect login
of the same person (another platform, another `sub`: the account certified with the same
identité pivot is found by key lookups and linked).

Run: .venv/bin/python -m bench.franceconnect_requests
"""

from __future__ import annotations

import os
from urllib.parse import urlparse


def measure() -> list[tuple[str, int, dict]]:
    from chalice.test import Client

    from bench.call_counter import count_aws_calls, dynamodb_calls
    from bench.in_process import local_stage
    from chalicelib import services
    from local.franceconnect_provider import LocalFranceConnect
    from local.seed import DEMO_ACCOUNTS

    results: list[tuple[str, int, dict]] = []
    with local_stage() as (settings, session):
        provider = LocalFranceConnect.for_stage(
            settings, session, "127.0.0.1", 0, service_keys=services.franceconnect_public_keys
        ).start()
        os.environ["FRANCECONNECT_ISSUER"] = provider.issuer
        os.environ["FRANCECONNECT_PLUS_ISSUER"] = provider.plus_issuer
        services.reset()
        services.get_settings()
        from app import app
        from tests.support.api import Api
        from tests.support.enrolment import Elus
        from tests.support.franceconnect import FcBrowser
        from tests.support.mail import Outbox
        from tests.support.rne_world import RneWorld

        identity = ("nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance")
        camille = {k: DEMO_ACCOUNTS[0][k] for k in (*identity, "lieu_naissance")}
        try:
            with Client(app, stage_name="local") as client:
                api = Api(client)
                outbox = Outbox("eu-west-3")
                [(payload, _)] = Elus(api, outbox, RneWorld(settings, api, outbox)).create(
                    **camille
                )
                browser = FcBrowser(client, provider)

                def counted(label, action):
                    with count_aws_calls() as calls:
                        outcome = action()
                    by_operation = {f"{s}.{op}": n for (s, op), n in sorted(calls.items())}
                    results.append((label, dynamodb_calls(calls), by_operation))
                    return outcome

                def callback():
                    back = browser.consent(browser.start("niveau=eidas2"), "camille")
                    return counted(
                        "GET .../callback (FranceConnect+)", lambda: browser.come_back(back)
                    )

                first = callback()
                assert urlparse(first.location).path == "/inscription", first
                results[-1] = ("GET .../callback, identity waits", *results[-1][1:])
                linked = counted(
                    "POST /sessions linking it (certification)",
                    lambda: browser.post(
                        "/sessions",
                        {"nir": payload["nir"][:13], "mot_de_passe": payload["mot_de_passe"]},
                    ),
                )
                assert linked.json_body.get("franceconnect") == "lie", linked.body
                browser.cookies.pop("mce_session", None)
                later = callback()
                assert "statut=connecte" in later.location, later
                results[-1] = ("GET .../callback, linked sub", *results[-1][1:])
                # the other platform gives another subject: the certified pivot reconciles it
                browser.cookies.pop("mce_session", None)
                back = browser.consent(browser.start(), "camille")
                other = counted(
                    "GET .../callback (FranceConnect), by the pivot",
                    lambda: browser.come_back(back),
                )
                assert "statut=connecte" in other.location, other
        finally:
            provider.stop()
    return results


def main() -> None:
    results = measure()
    print(f"  {'request':<45} {'DynamoDB':>8}  all calls")
    for label, dynamo, by_operation in results:
        calls = ", ".join(f"{name} x{n}" for name, n in by_operation.items())
        print(f"  {label:<45} {dynamo:>8}  {calls}")


if __name__ == "__main__":
    main()
