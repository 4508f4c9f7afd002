"""Prints the DynamoDB requests of a rights call and of search pages, on a catalogue of
300,000 generated formations in a moto server (another process).

    python -m bench.catalogue_requests             # 300,000 formations
    python -m bench.catalogue_requests --scale 10  # 3,000, quickly

Targets: at most 3 requests per rights call and at most 5 per search page (plus the 2 of the
session check when the catalogue is for élus), whatever the catalogue size. Moto answers a
query in a time that grows with the table: the figures are request counts, not times.
"""

from __future__ import annotations

import argparse
import time

from bench.call_counter import count_aws_calls, dynamodb_calls
from bench.running_system import moto_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1000, help="x 300 formations")
    args = parser.parse_args()
    with moto_server() as (port, _):
        run(port, args.scale)


def run(port: int, scale: int) -> None:
    from bench.running_system import use_moto

    use_moto(port)
    import boto3

    from chalicelib import services
    from chalicelib.accounts.schemas import AccountCreation
    from chalicelib.catalogue.importer import validate
    from chalicelib.catalogue.schemas import SearchQuery
    from chalicelib.clock import paris_today
    from chalicelib.models import Account
    from chalicelib.settings import Settings
    from infra.provision import provision
    from local.demo_catalogue import demo_records
    from local.seed import DEMO_ACCOUNTS, DEMO_PASSWORD

    settings = Settings.from_env()
    provision(settings, boto3.session.Session(region_name=settings.region))
    services.reset()
    today = paris_today()
    catalogue = services.catalogue()
    started, batch, loaded = time.monotonic(), [], 0
    for record in demo_records(today, scale=scale):
        batch.append(validate(record, today))
        if len(batch) == 5000:
            catalogue.save(batch)
            loaded += len(batch)
            batch = []
    catalogue.save(batch)
    loaded += len(batch)
    print(f"{loaded} formations loaded in {time.monotonic() - started:.0f} s")

    signup, sessions = services.signup(), services.sessions()
    account = signup.create_account(AccountCreation.read(DEMO_ACCOUNTS[1], paris_today()))
    signup.activate(account)
    account.update(actions=[Account.elu.set(True), Account.dif_debut.set("2020-06-28")])
    token = sessions.login(DEMO_ACCOUNTS[1]["nir"][:13], DEMO_PASSWORD).token

    print(f"\n{'call':58} {'DynamoDB requests':>17}")

    def measure(label: str, call) -> object:
        with count_aws_calls() as calls:
            result = call()
        print(f"{label:58} {dynamodb_calls(calls):>17}")
        return result

    for attempt in ("first (credits the completed years)", "next"):
        measure(
            f"GET /me/rights, {attempt}",
            lambda: services.rights().summary(sessions.authenticate(token)),
        )
    measure(
        "GET /me/rights/history",
        lambda: services.rights().history(sessions.authenticate(token), None),
    )
    searches = [
        ("mandat, no keyword", {"catalogue": "mandat"}),
        ("mandat, q=budget", {"catalogue": "mandat", "q": "budget"}),
        (
            "mandat, q=crise sauvegarde, departement=35",
            {"catalogue": "mandat", "q": "crise sauvegarde", "departement": "35"},
        ),
        (
            "activite-professionnelle, q=introuvable (no match)",
            {"catalogue": "activite-professionnelle", "q": "introuvable"},
        ),
        (
            "reconversion, prix_max=2000, modalite=a_distance",
            {"catalogue": "reconversion", "prix_max": "2000", "modalite": "a_distance"},
        ),
    ]
    for label, params in searches:
        page = measure(
            f"search page 1: {label}", lambda p=params: catalogue.search(SearchQuery.read(p))
        )
        if page.cursor:
            measure(
                "  page 2",
                lambda p=params, c=page.cursor: catalogue.search(
                    SearchQuery.read({**p, "cursor": c})
                ),
            )
    print("\ntargets: rights call <= 3; search page <= 5 (+2 to check an élu's session)")


if __name__ == "__main__":
    main()
