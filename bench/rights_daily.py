"""The daily DIF élus job at national scale: élus all due the same day (30 March, municipal
élus), against a moto server in another process.

    python -m bench.rights_daily               # 100,000 élus
    python -m bench.rights_daily --elus 20000  # a quick run

Seeds N élus (an account and its mandate each) whose credit falls today, then runs the job as
on AWS: the daily function pages through the index of due days and sends pages of accounts to
the rights queue; the workers (here one after another, as one Lambda at a time would) take the
messages and credit each account in one transaction with its ledger entry. Prints the AWS
requests per élu and the time of each part. A second pass of the same messages shows that
nothing is credited twice.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, datetime

from bench.rne_ingest import bench_account
from bench.running_system import moto_server, use_moto

SEED_BATCH = 25


def _seed(elus: int, today) -> None:
    """Élus of the 2020 municipal election, credited until last year, due today."""
    from chalicelib.models import Account, LedgerEntry, RneMandate
    from chalicelib.rights.rules import year_2021

    now = datetime.now(UTC)
    credited = {year_2021().day.year, *range(2022, today.year)}
    with (
        Account.batch_write() as accounts,
        RneMandate.batch_write() as mandates,
        LedgerEntry.batch_write() as ledger,
    ):
        for number in range(elus):
            nir_hash = f"bench{number:012d}"
            person, mandate = f"personne#{number}", f"CM#{number % 35000:05d}"
            accounts.save(
                bench_account(
                    number,
                    now,
                    "MARTIN",
                    "Claire",
                    "F",
                    "1975-03-14",
                    elu=True,
                    rne_mandats={f"{person}|{mandate}"},
                    dif_solde_centimes=30_000,
                    dif_annees=credited,
                    dif_debut="2020-06-28",
                    dif_ancre="2020-03-30",
                    dif_prochain=today.isoformat(),
                )
            )
            mandates.save(
                RneMandate(
                    person,
                    mandate,
                    scope="CM#35",
                    type="CM",
                    territoire="35238",
                    collectivite="Rennes",
                    departement="35",
                    date_debut="2020-06-28",
                    nom="MARTIN",
                    prenom="Claire",
                    fichier="bench",
                    vu_le="2026-01-01",
                )
            )
            for year in credited:
                ledger.save(LedgerEntry(nir_hash, f"annee#{year}", date=f"{year}-03-30"))


def _drain(sqs, url: str) -> list[str]:
    bodies = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [m["Body"] for m in messages]
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
            ],
        )
    return bodies


def run(elus: int) -> dict:
    with moto_server() as (port, _):
        use_moto(port)
        os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"  # no EMF lines in the figures
        import boto3

        from bench.call_counter import count_aws_calls, dynamodb_calls
        from chalicelib import services
        from chalicelib.clock import paris_today
        from chalicelib.models import Account
        from chalicelib.settings import Settings
        from infra.provision import provision

        settings = Settings.from_env()
        session = boto3.session.Session(region_name=settings.region)
        provision(settings, session)
        services.reset()
        services.bound_settings()
        today = paris_today()
        started = time.monotonic()
        _seed(elus, today)
        seeded = time.monotonic() - started

        sqs = session.client("sqs")
        url = sqs.get_queue_url(QueueName=settings.rights_queue_name)["QueueUrl"]
        with count_aws_calls() as job_calls:
            started = time.monotonic()
            outcome = services.daily_credit().run(lambda: 300_000)
            job_seconds = time.monotonic() - started
        bodies = _drain(sqs, url)
        rights = services.rights()
        with count_aws_calls() as worker_calls:
            started = time.monotonic()
            totals = {"comptes": 0, "annees_creditees": 0}
            for body in bodies:
                done = rights.review(json.loads(body)["comptes"], services.mandate_spans)
                totals = {k: totals[k] + done[k] for k in totals}
            worker_seconds = time.monotonic() - started
        with count_aws_calls() as again_calls:
            again = sum(
                rights.review(json.loads(body)["comptes"], services.mandate_spans)[
                    "annees_creditees"
                ]
                for body in bodies[:5]
            )
        sample = Account.get("bench000000000000")
        return {
            "elus": elus,
            "seed_seconds": round(seeded, 1),
            "job": {
                "seconds": round(job_seconds, 1),
                "accounts_sent": outcome["comptes"],
                "messages": len(bodies),
                "requests": {f"{s}.{o}": n for (s, o), n in sorted(job_calls.items())},
            },
            "workers": {
                "seconds": round(worker_seconds, 1),
                "accounts": totals["comptes"],
                "years_credited": totals["annees_creditees"],
                "requests": {f"{s}.{o}": n for (s, o), n in sorted(worker_calls.items())},
                "dynamodb_per_elu": round(dynamodb_calls(worker_calls) / max(1, elus), 3),
            },
            "again_first_5_messages": {
                "years_credited": again,
                "dynamodb_requests": dynamodb_calls(again_calls),
            },
            "sample": {
                "solde": int(sample.dif_solde_centimes),
                "prochain": sample.dif_prochain,
            },
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elus", type=int, default=100_000)
    result = run(parser.parse_args().elus)
    print(json.dumps(result, indent=1))
    job, workers = result["job"], result["workers"]
    all_requests = sum(job["requests"].values()) + sum(workers["requests"].values())
    print(
        f"{result['elus']} élus due the same day: job {job['seconds']} s "
        f"({job['messages']} messages), workers {workers['seconds']} s one at a time, "
        f"{workers['dynamodb_per_elu']} DynamoDB requests per élu "
        f"({all_requests / result['elus']:.3f} AWS requests per élu in all), "
        f"{workers['years_credited']} credited; the same messages again: "
        f"{result['again_first_5_messages']['years_credited']} credited"
    )


if __name__ == "__main__":
    main()
